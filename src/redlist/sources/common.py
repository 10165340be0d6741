"""Helpers shared by the source parsers: text decoding, dates, countries, safe XML, entity ids."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from xml.etree.ElementTree import Element

from redlist.errors import SourceError
from redlist.sources.base import RowError

# --- text --------------------------------------------------------------------------------------

_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body)", re.IGNORECASE)


def looks_like_html(data: bytes) -> bool:
    """True when the bytes are an HTML page (a portal's error or login page served as data)."""
    return bool(_HTML_START.match(data[:2048]))


def check_bytes(data: bytes | None, *, source: str, file: str) -> bytes:
    """Refuse a missing or empty file and an HTML page served in place of the data; strip
    trailing whitespace and OFAC's 0x1A end-of-file byte."""
    if data is None:
        raise SourceError("file missing from the publication", source=source, file=file)
    if not data.strip(b"\x1a \r\n\t"):
        raise SourceError("file is empty", source=source, file=file)
    if looks_like_html(data):
        raise SourceError(
            "got an HTML page instead of the data file (an error or login page?)",
            source=source,
            file=file,
            line=1,
        )
    return data.rstrip(b"\x1a\r\n\t ")


def decode_text(
    data: bytes,
    *,
    source: str,
    file: str,
    fallback: str | None = None,
    warnings: list[str] | None = None,
) -> str:
    """Decode a text publication as UTF-8 (its declared encoding): refuse HTML, strip a BOM and
    OFAC's trailing 0x1A, and refuse bytes that are not UTF-8, naming the byte and the line.

    ``fallback`` is for a source known to publish lines in a legacy encoding (BIS's dpl.txt): only
    the lines that are not UTF-8 are read in it, and each is named in ``warnings``.
    """
    check_bytes(data, source=source, file=file)
    data = data.rstrip(b"\x1a")  # keep the final line break: parsers use it to spot a cut-off row
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if fallback is None:
            raise SourceError(
                f"not UTF-8 at byte {exc.start} ({data[exc.start : exc.start + 1]!r}); the publication is UTF-8",
                source=source,
                file=file,
                line=line,
            ) from None
    lines = data.split(b"\n")
    out = []
    bad = []
    for number, raw in enumerate(lines, start=1):
        try:
            out.append(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            out.append(raw.decode(fallback, errors="replace"))
            bad.append(number)
    if warnings is not None:
        shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
        warnings.append(f"{file}: {len(bad)} line(s) not UTF-8, read as {fallback}: line(s) {shown}")
    return "\n".join(out)


class CsvRows:
    """A ``csv.reader`` over ``text`` whose failures are SourceErrors naming the file and line.

    The csv module raises ``csv.Error`` for a field over its size limit (a 60 MB line in a
    corrupt or hostile file) or a NUL byte; that must be a clear refusal, not a traceback.
    """

    def __init__(self, text: str, *, source: str, file: str, **fmt: str) -> None:
        self._reader = csv.reader(io.StringIO(text, newline=""), **fmt)  # type: ignore[arg-type]
        self.source = source
        self.file = file

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self._reader)
        except csv.Error as exc:
            raise SourceError(
                f"unreadable CSV row ({exc}): corrupt file?",
                source=self.source,
                file=self.file,
                line=max(self._reader.line_num, 1),
            ) from None


def sized_rows(
    reader: Iterator[list[str]],
    text: str,
    width: int,
    *,
    source: str,
    file: str,
    errors: list[RowError],
    what: str = "columns",
    note: str = "",
) -> Iterator[tuple[int, list[str]]]:
    """Data rows of a delimited file after its header, with the line each starts on.

    Blank rows are skipped; a row of the wrong width becomes a RowError. Once the rows are
    exhausted, raises SourceError when no row had the header's width (an unknown layout) or
    the text ends inside a short row (a truncated download). ``reader`` is a ``csv.reader``
    whose header row has been read already.
    """
    line = reader.line_num  # type: ignore[attr-defined]
    rows = bad_width = 0
    last_short = False
    for cells in reader:
        start, line = line + 1, reader.line_num  # type: ignore[attr-defined]
        if not any(c.strip() for c in cells):
            continue
        rows += 1
        last_short = len(cells) < width
        if len(cells) != width:
            bad_width += 1
            errors.append(RowError(file, start, f"{len(cells)} fields, expected {width}{note}"))
            continue
        yield start, cells
    if rows and bad_width == rows:
        raise SourceError(f"no row has the {width} {what} of the header", source=source, file=file, line=2)
    if last_short and not text.endswith(("\n", "\r")):
        raise SourceError(
            "the file ends in the middle of a row (truncated download?)", source=source, file=file, line=line
        )


def clean(value: str | None) -> str | None:
    """Strip whitespace; map OFAC's ``-0-`` null and empty strings to None."""
    if value is None:
        return None
    value = value.strip()
    if not value or value == "-0-":
        return None
    return value


def split_list(value: str | None, sep: str = ";") -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(sep) if v.strip()]


# --- dates -------------------------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


def parse_date(value: str | None) -> str | None:
    """Parse the date spellings used in US list publications to ISO 8601.

    Handles ``2021-01-14``, ``01/14/2021``, ``14 Jan 2021``, ``Jan 2021`` (-> ``2021-01``),
    ``2021`` and a leading ``circa``. Returns None when the text is not a date.
    """
    if not value:
        return None
    text = value.strip().rstrip(".")
    text = re.sub(r"^(circa|approximately|ca\.?)\s+", "", text, flags=re.IGNORECASE)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", text)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        return _iso(int(m[3]), int(m[1]), int(m[2]))
    m = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ -](\d{4})", text)
    if m and m[2].lower() in _MONTHS:
        return _iso(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    m = re.fullmatch(r"([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2}),? (\d{4})", text)
    if m and m[1].lower() in _MONTHS:
        return _iso(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    m = re.fullmatch(r"([A-Za-z]{3})[A-Za-z]*\.? (\d{4})", text)
    if m and m[1].lower() in _MONTHS:
        return f"{int(m[2]):04d}-{_MONTHS[m[1].lower()]:02d}"
    m = re.fullmatch(r"(\d{4})", text)
    if m:
        return m[1]
    return None


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def utc_now() -> str:
    return datetime.now().astimezone().astimezone(tz=None).isoformat(timespec="seconds")


# --- countries ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name or code as published (None when unknown).

    Uses rigour's territory table (OpenSanctions' data, which knows the names OFAC uses such as
    "Korea, North" and "Burma").
    """
    if not name:
        return None
    text = name.strip()
    if len(text) == 2 and text.isalpha() and text.isupper():
        # Already a code (the CSL's addresses); skip the name table, which costs ~3 s to load.
        return {"UK": "GB", "EL": "GR"}.get(text, text)
    from rigour.territories import lookup_territory  # imported lazily: it loads a data table

    territory = lookup_territory(text)
    if territory is None and "," in text:
        # inverted official spellings: "CHINA, PEOPLE'S REPUBLIC OF"
        territory = lookup_territory(text.split(",", 1)[0])
    if territory is None or len(territory.code) != 2:
        return None
    return territory.code.upper()


# --- XML ---------------------------------------------------------------------------------------


def parse_xml(data: bytes, *, source: str, file: str) -> Element:
    """Parse XML with entity expansion, DTDs and external references refused (defusedxml)."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if looks_like_html(data):
        raise SourceError(
            "got an HTML page instead of the XML file (an error or login page?)",
            source=source,
            file=file,
            line=1,
        )
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SourceError(
            f"unsafe XML refused ({type(exc).__name__}: entity or DTD declarations)",
            source=source,
            file=file,
        ) from exc
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise SourceError(f"invalid or truncated XML: {exc}", source=source, file=file, line=line) from exc


def local(tag: str) -> str:
    """The tag name without its namespace."""
    return tag.rsplit("}", 1)[-1]


# --- ids ---------------------------------------------------------------------------------------


def digest(*parts: str | None, n: int = 16) -> str:
    """A short stable hash of some text parts (for records the publication gives no id)."""
    h = hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8"))
    return h.hexdigest()[:n]


def norm_key(text: str) -> str:
    """Case- and space-insensitive form of a name, for linking records across sources."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def ofac_entity_id(ent_num: str | int) -> str:
    """OFAC entity numbers are one numbering across the SDN and non-SDN lists."""
    return f"ofac-{int(ent_num)}"


def dpl_entity_id(name: str, effective: str | None) -> str:
    """A Denied Persons List entry, the same from dpl.txt and from the CSL."""
    return f"bis-dpl-{digest(norm_key(name), effective or '', n=12)}"


def named_entity_id(list_id: str, name: str) -> str:
    """An entry of a list that publishes no ids (Entity List, MEU, UVL, DTC, ISN), by its name."""
    prefix = list_id.removeprefix("us_").replace("_", "-")
    return f"{prefix}-{digest(norm_key(name), n=12)}"


#: English number words and their values (zero to nineteen, then the tens), shared by the Entity
