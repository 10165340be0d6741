"""Federal Register pages -> publication dates (``data/fr_pages.yaml``), for undated citations.

The Entity List, the MEU List and the Unverified List cite the Federal Register rules that
added or changed each entry ("84 FR 54002; 85 FR 44159") but the Consolidated Screening List
often gives no ``start_date``. A citation's page fixes its daily issue, and so its publication
date, once the issue's pages are known. The bundled index holds page ranges read in the
Federal Register itself: an issue's cover ("Pages 74341-74554"), a document's own pages, or a
citation printed with its date in an official file ("84 FR 54002, 10/9/19").

Never a guess: a page has a date only when it lies between two pages attested for the *same*
issue (the lowest and highest page of that date's rows), or equals an attested page. A page
between two different issues, or inside ranges that disagree, has no date. The loader refuses a
file whose ranges overlap across dates or run backwards (a later issue with lower pages).

:func:`listing_date` applies this to an entry: the entry's date is that of its *earliest*
citation (the rule that added it); when that citation has no provable date the entry stays
undated, even if a later citation has one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field

from redlist import datafile
from redlist.datafile import AnyDay, Schema, Text, Url
from redlist.errors import DataFileError

#: The label a listing date from the index carries, after its citation.
FROM_INDEX = "date from the Federal Register index"
#: The label for a date printed beside the citation in the list itself.
FROM_LIST = "date printed with the citation"

_CITATION = re.compile(
    r"(?<!\d)(\d{1,3})\s*F\.?\s?R\.?\s*(\d{1,3}(?:,\d{3})+|\d+)"  # volume FR page
    r"(?:\s*[-–]\s*\d+)?"  # a page range: the first page dates it
    r"(?:\s*,?\s*\(?\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b)?"  # , M/D/YY as printed
)


class _Row(Schema):
    volume: int = Field(ge=1, le=200)
    date: AnyDay
    first_page: int = Field(ge=1)
    last_page: int = Field(ge=1)
    kind: Literal["issue", "document", "citation"]
    issue: int | None = None  # the issue's number in the volume ("No. 196")
    document: Text | None = None  # FR document number ("2019-22210")
    url: Url
    evidence: Text  # what was read, and where


class _File(Schema):
    rows: list[_Row]


@dataclass(frozen=True, slots=True)
class IssueSpan:
    """The attested pages of one daily issue: lowest and highest page read for its date."""

    volume: int
    date: str
    first_page: int
    last_page: int
    url: str


@dataclass(frozen=True, slots=True)
class Citation:
    """One Federal Register citation of an entry: volume, first page, and the date printed with it."""

    text: str
    volume: int
    page: int
    printed_date: str | None = None

    @property
    def label(self) -> str:
        return f"{self.volume} FR {self.page}"

    @property
    def url(self) -> str:
        """The Federal Register's own resolver for the citation."""
        return f"https://www.federalregister.gov/citation/{self.volume}-FR-{self.page}"


@dataclass(frozen=True, slots=True)
class Dated:
    """A listing date and where it came from: ``84 FR 54002, date from the Federal Register index``."""

    date: str
    citation: Citation
    basis: str

    @property
    def label(self) -> str:
        return f"{self.citation.label}, {self.basis}"


def _path() -> Path:
    return Path(str(resources.files("redlist.sources").joinpath("data", "fr_pages.yaml")))


def check_rows(rows: Iterable[_Row]) -> tuple[dict[int, list[IssueSpan]], list[str]]:
    """Spans per volume (ordered by page) and the problems that make the index unusable."""
    problems: list[str] = []
    by_date: dict[tuple[int, str], list[_Row]] = {}
    for row in rows:
        if row.last_page < row.first_page:
            problems.append(f"{row.volume} FR {row.first_page}-{row.last_page}: last page before first")
        if not row.date.startswith(str(volume_year(row.volume))):
            problems.append(f"{row.volume} FR {row.first_page}: {row.date} is not in the volume's year")
        by_date.setdefault((row.volume, row.date), []).append(row)
    volumes: dict[int, list[IssueSpan]] = {}
    for (volume, day), group in by_date.items():
        span = IssueSpan(
            volume,
            day,
            min(r.first_page for r in group),
            max(r.last_page for r in group),
            next((r.url for r in group if r.kind == "issue"), group[0].url),
        )
        volumes.setdefault(volume, []).append(span)
    for volume, spans in volumes.items():
        spans.sort(key=lambda s: (s.first_page, s.date))
        for a, b in zip(spans, spans[1:], strict=False):
            if b.first_page <= a.last_page:
                problems.append(
                    f"volume {volume}: {a.date} (pages {a.first_page}-{a.last_page}) overlaps "
                    f"{b.date} (pages {b.first_page}-{b.last_page})"
                )
            elif b.date <= a.date:
                problems.append(
                    f"volume {volume}: {b.date} (from page {b.first_page}) is not after {a.date} "
                    f"(to page {a.last_page})"
                )
    return volumes, problems


class FrIndex:
    """Attested page spans of Federal Register issues, by volume."""

    def __init__(self, volumes: dict[int, list[IssueSpan]]) -> None:
        self._volumes = volumes

    @classmethod
    def load(cls, path: Path) -> FrIndex:
        """Read and check an index file; a bad file raises :class:`DataFileError` naming its line."""
        doc = datafile.read(path)
        spec, problems = datafile.validate(doc, _File)
        volumes: dict[int, list[IssueSpan]] = {}
        if spec is not None:
            volumes, more = check_rows(spec.rows)
            problems.extend(f"{path.name}: {p}" for p in more)
        datafile.raise_problems(problems, DataFileError)
        return cls(volumes)

    def spans(self) -> list[IssueSpan]:
        """Every issue span, by volume and page."""
        return [s for v in sorted(self._volumes) for s in self._volumes[v]]

    def issue_of(self, volume: int, page: int) -> IssueSpan | None:
        """The issue whose attested pages hold ``page`` of ``volume``, or None when not provable."""
        for span in self._volumes.get(volume, ()):
            if span.first_page <= page <= span.last_page:
                return span
        return None

    def date_of(self, volume: int, page: int) -> str | None:
        """The publication date of ``volume`` FR ``page`` (ISO), or None when not provable."""
        span = self.issue_of(volume, page)
        return span.date if span else None

    def listing_date(self, texts: Iterable[str | None]) -> Dated | None:
        """The date of the rule that added an entry: its earliest citation's, when provable.

        The date printed beside that citation in the list is used unless the index dates the
        page otherwise (then nothing is proved); else the index's date for the page. None when
        the entry cites nothing or its first citation cannot be dated.
        """
        first = earliest(parse_citations(texts))
        if first is None:
            return None
        day = self.date_of(first.volume, first.page)
        if first.printed_date:
            if day is not None and day != first.printed_date:
                return None
            return Dated(first.printed_date, first, FROM_LIST)
        if day is None:
            return None
        return Dated(day, first, FROM_INDEX)


@functools.cache
def bundled() -> FrIndex:
    """The index shipped with redlist (``sources/data/fr_pages.yaml``)."""
    return FrIndex.load(_path())


def date_of(volume: int, page: int) -> str | None:
    """The publication date of ``volume`` FR ``page`` by the bundled index, or None."""
    return bundled().date_of(volume, page)


def listing_date(texts: Iterable[str | None]) -> Dated | None:
    """:meth:`FrIndex.listing_date` with the bundled index."""
    return bundled().listing_date(texts)


def parse_citations(texts: Iterable[str | None]) -> list[Citation]:
    """Every ``<volume> FR <page>`` in ``texts``, with the M/D/YY date printed beside it, if any."""
    out: list[Citation] = []
    for text in texts:
        for m in _CITATION.finditer(text or ""):
            printed = None
            if m[3]:
                printed = _printed_date(int(m[1]), int(m[3]), int(m[4]), m[5])
            cite = Citation(m[0].strip(" ,("), int(m[1]), int(m[2].replace(",", "")), printed)
            if cite not in out:
                out.append(cite)
    return out


def volume_year(volume: int) -> int:
    """The calendar year of a Federal Register volume (volume 1 is 1936, volume 84 is 2019)."""
    return 1935 + volume


def _printed_date(volume: int, month: int, day: int, year_text: str) -> str | None:
    """The printed M/D/YY date, or None when it is no date or not in the volume's year.

    A two-digit year is read in the volume's century. A date outside the volume's year is a
    misprint (the volume is a year of the Federal Register), and proves nothing.
    """
    year = int(year_text)
    expected = volume_year(volume)
    if len(year_text) == 2:
        year += expected - expected % 100
    if year != expected:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def earliest(citations: Iterable[Citation]) -> Citation | None:
    """The first citation in publication order: volumes are years and pages run through a year."""
    return min(citations, key=lambda c: (c.volume, c.page), default=None)
