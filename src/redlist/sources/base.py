"""The contract every source parser follows.

A parser takes the raw files of one publication (a mapping of lower-cased file name to bytes)
and returns a :class:`ParseResult`. It raises :class:`~redlist.errors.SourceError` (naming the
file and line) when the publication as a whole is unusable: truncated, an HTML error page, an
unknown column layout, unsafe XML. A single malformed row is not fatal by itself: the parser
reports it in ``row_errors`` and goes on; the updater then decides, from ``expected_count``,
whether the file still agrees with its own record count (see :func:`accept_row_errors`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase

from redlist.errors import SourceError
from redlist.model import Entity

Files = Mapping[str, bytes]


@dataclass(slots=True)
class RowError:
    """One input row that could not be parsed and was skipped."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.message}"


@dataclass(slots=True)
class ParseResult:
    records: list[Entity]
    as_of: str | None = None  # the publication's own date, when it carries one
    expected_count: int | None = None  # the publication's own record count, when it carries one
    row_errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = ""  # e.g. "csv", "xml", "advanced_xml", "json", "ecfr_xml"


Parser = Callable[[Files], ParseResult]


@dataclass(frozen=True, slots=True)
class Format:
    """One way a source is published: which files it needs and how to parse them.

    A file name may be a glob pattern (``*.pdf``, ``[0-9][0-9][0-9][0-9]-[0-9]*.xml``) for
    publications whose file names change with each edition (a DoD PDF, a Federal Register
    document number); :meth:`bind` turns it into the names actually given.
    """

    name: str
    required: tuple[str, ...]  # lower-case file names or glob patterns
    optional: tuple[str, ...]
    parse: Parser

    def matches(self, names: set[str]) -> bool:
        return all(_matching(r, names) for r in self.required)

    def bind(self, names: set[str]) -> Format:
        """This format with its patterns replaced by the given file names they match."""
        if not any(_is_pattern(n) for n in (*self.required, *self.optional)):
            return self
        return replace(
            self,
            required=tuple(n for r in self.required for n in _matching(r, names)),
            optional=tuple(n for o in self.optional for n in _matching(o, names)),
        )


def _is_pattern(name: str) -> bool:
    return any(c in name for c in "*?[")


def _matching(wanted: str, names: set[str]) -> list[str]:
    if not _is_pattern(wanted):
        return [wanted] if wanted in names else []
    return sorted(n for n in names if fnmatchcase(n, wanted))


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A publication you update from."""

    id: str
    title: str
    formats: tuple[Format, ...]  # in order of preference when several match
    urls: Mapping[str, str]  # default download: lower-case file name -> official URL
    parser_version: str
    homepage: str = ""
    # the largest share of records a new publication may lose against the stored ones before
    # it is refused as truncated (a few percent for OFAC, whose lists change by a fraction a day)
    max_shrink: float = 0.05
    # a question about a day this long after the newest snapshot gets a warning that the data may
    # be out of date (the publisher's rhythm: OFAC publishes most weekdays)
    stale_after_days: int = 30
    # For publications whose URL changes with each edition: given the day wanted, find the
    # official URLs of the edition then in force (downloads an index; None: ``urls`` as they are).
    locate: Callable[[str], Mapping[str, str]] | None = None

    def download_urls(self, day: str) -> dict[str, str]:
        """The official URLs to download for ``day`` (``{date}`` filled in, or found by ``locate``)."""
        if self.locate is not None:
            return dict(self.locate(day))
        return {name: url.replace("{date}", day) for name, url in self.urls.items()}

    def pick_format(self, names: set[str]) -> Format:
        for fmt in self.formats:
            if fmt.matches(names):
                return fmt.bind(names)
        expected = " or ".join("+".join(f.required) for f in self.formats)
        raise SourceError(
            f"no known file set: got {sorted(names) or 'nothing'}, expected {expected}",
            source=self.id,
        )


def accept_row_errors(result: ParseResult, source: str) -> None:
    """Refuse a parse whose bad rows cannot be shown harmless.

    Skipping a bad row is only safe when the publication states how many records it holds and
    the parsed plus rejected rows add up to that number; otherwise the file may be truncated or
    corrupt and the whole update is refused.
    """
    if not result.row_errors:
        return
    first = result.row_errors[0]
    seen = len(result.records) + len(result.row_errors)
    if result.expected_count is not None and seen == result.expected_count:
        result.warnings.extend(f"skipped {e}" for e in result.row_errors)
        return
    why = (
        f"the file's record count ({result.expected_count}) does not agree ({seen} rows)"
        if result.expected_count is not None
        else "the file carries no record count to prove the rest complete"
    )
    raise SourceError(
        f"{len(result.row_errors)} malformed row(s), first: {first.message}; {why}",
        source=source,
        file=first.file,
        line=first.line,
    )
