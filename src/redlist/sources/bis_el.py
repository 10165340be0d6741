"""BIS Entity List (15 CFR Part 744, Supplement No. 4) from the eCFR versioner XML.

The Entity List is law: it is the table in Supplement No. 4 to Part 744 of the EAR. The eCFR
versioner API serves Part 744 as it stood on any date::

    https://www.ecfr.gov/api/versioner/v1/full/{YYYY-MM-DD}/title-15.xml?part=744

The answer is "processed" eCFR XML: ``DIV5 TYPE="PART"`` holding ``DIV8 TYPE="SECTION"`` and
``DIV9 TYPE="APPENDIX"`` elements, each with a ``HEAD``. The Entity List is the appendix whose
HEAD reads "Supplement No. 4 to Part 744—Entity List". The versioner renders its table as
HTML-like ``TABLE``/``TR``/``TH``/``TD`` (footnote marks in ``sup``, line breaks as ``br``);
GPO's print XML (and the Federal Register) write the same table as ``GPOTABLE`` with
``BOXHD``/``CHED`` headings and ``ROW``/``ENT`` cells (footnote marks in ``SU``, ``FTREF``,
lines as ``LI``). Both are read here.

Columns: Country | Entity | License requirement | License review policy | Federal Register
citation. The country cell is filled only on the first row of each country and is inherited by
the rows below. The entity cell holds the name, optionally "a.k.a., the following N aliases:
—A; and —B." and then the address(es). Supplement No. 7 (the Military End-User list: Country |
Entity | Federal Register citation) is read too, as records on list ``us_bis_meu``.

The versioner XML carries no date of its own (the full-title download has ``AMDDATE``, used when
present), so ``as_of`` is usually None and the updater uses the date it asked for.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote
from xml.etree.ElementTree import Element
from xml.parsers import expat

from redlist.errors import SourceError
from redlist.model import Address, Entity, EntityType, Listing, Name, NameType, iso_date
from redlist.sources.base import Files, ParseResult, RowError
from redlist.sources.common import country_code, digest, local, named_entity_id, parse_date, parse_xml
from redlist.sources.fr_pages import listing_date
from redlist.util import NUMBER_WORDS

SOURCE = "us_bis_el"
FILE = "part-744.xml"
ECFR_API = "https://www.ecfr.gov/api/versioner/v1"
_ECFR_PART = "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744"
EL_APPENDIX = "Supplement No. 4 to Part 744"
MEU_APPENDIX = "Supplement No. 7 to Part 744"


@dataclass(frozen=True)
class _Supplement:
    """One list table of Part 744 and how to read it."""

    list_id: str
    number: int
    columns: tuple[str, ...]
    required: bool
    key_prefix: str  # "" for the Entity List: its keys are digest(country, entity) as specified

    @property
    def title(self) -> str:
        return f"Supplement No. {self.number} to Part 744"

    @functools.cached_property
    def url(self) -> str:
        return f"{_ECFR_PART}/appendix-{quote(self.title)}"


_EL = _Supplement(
    "us_bis_el",
    4,
    ("country", "entity", "license_requirement", "license_policy", "federal_register"),
    required=True,
    key_prefix="",
)
_MEU = _Supplement(
    "us_bis_meu", 7, ("country", "entity", "federal_register"), required=False, key_prefix="meu-"
)
_SUPPLEMENTS = (_EL, _MEU)

# What a column heading must start with (lower-cased, spaces collapsed, footnote marks removed).
_HEADINGS = {
    "country": re.compile(r"^country"),
    "entity": re.compile(r"^(entity|name|listed person)"),
    "license_requirement": re.compile(r"^license requirement"),
    "license_policy": re.compile(r"^(license )?review policy|^license review policy"),
    "federal_register": re.compile(r"^federal register"),
}

_APPENDIX_HEAD = re.compile(r"^supplement\s+no\.?\s*(\d+)\s+to\s+part\s+744\b", re.I)
_ROW_TAGS = frozenset({"TR", "ROW", "tr", "row"})  # eCFR XML has no namespaces
_FOOTNOTE_TAGS = frozenset({"SU", "SUP", "FTREF"})
_BREAK_BEFORE = frozenset({"BR", "LI", "P", "FP", "PSPACE", "DIV"})
_BREAK_AFTER = frozenset({"LI", "P", "FP", "PSPACE", "DIV"})

# --- public helpers: download URLs ---------------------------------------------------------------


def ecfr_url(on: date | str, *, appendix: str | None = None) -> str:
    """The versioner URL of Part 744 as in force on a date.

    ``appendix`` (e.g. ``"Supplement No. 4 to Part 744"``) narrows the answer to that appendix
    inside its part; the default fetches the whole part, which also holds the MEU list.
    """
    url = f"{ECFR_API}/full/{iso_date(on)}/title-15.xml?part=744"
    if appendix:
        url += "&appendix=" + quote(appendix)
    return url


def versions_url(on_or_before: date | str | None = None) -> str:
    """The versioner URL listing the amendment dates of Part 744's sections and appendices."""
    url = f"{ECFR_API}/versions/title-15.json?part=744"
    if on_or_before is not None:
        url += "&issue_date%5Blte%5D=" + iso_date(on_or_before)
    return url


def latest_issue_date(
    versions_json: bytes, on: date | str | None = None, *, identifier: str | None = None
) -> str | None:
    """The most recent amendment date of Part 744 on or before ``on`` (all dates when None).

    ``versions_json`` is the answer of :func:`versions_url` (``{"content_versions": [...]}``,
    each with ``amendment_date``/``issue_date``/``identifier``). ``identifier`` restricts the
    search to one section or appendix, e.g. ``"Supplement No. 4 to Part 744"``. The result is
    the date to pass to :func:`ecfr_url` for the text in force on ``on``.
    """
    try:
        data = json.loads(versions_json)
        versions = data["content_versions"]
        if not isinstance(versions, list):
            raise TypeError("content_versions is not a list")
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise SourceError(
            f"not an eCFR versions answer ({type(exc).__name__}: {exc})", source=SOURCE, file="versions.json"
        ) from exc
    limit = iso_date(on) if on is not None else None
    best: str | None = None
    for version in versions:
        if not isinstance(version, dict):
            continue
        if identifier is not None and version.get("identifier") != identifier:
            continue
        when = version.get("amendment_date") or version.get("date")
        if not isinstance(when, str) or (limit is not None and when > limit):
            continue
        if best is None or when > best:
            best = when
    return best


# --- parsing -----------------------------------------------------------------------------------


def parse_ecfr_xml(files: Files) -> ParseResult:
    """Parse the eCFR XML of 15 CFR Part 744 into Entity List (and MEU list) records.

    Raises :class:`SourceError` when the file is unusable: empty, HTML, truncated or unsafe
    XML, no Supplement No. 4, no table in it, or a table whose columns are not the expected
    five. A row with the wrong number of cells becomes a :class:`RowError`.
    """
    name, data = _pick_file(files)
    if not data.strip():
        raise SourceError("file is empty", source=SOURCE, file=name)
    root = parse_xml(data, source=SOURCE, file=name)
    lines = _row_line_numbers(data, root)

    result = ParseResult(records=[], format="ecfr_xml", as_of=_amendment_date(root))
    appendices = _find_appendices(root)
    seen: dict[str, int] = {}
    for supplement in _SUPPLEMENTS:
        appendix = appendices.get(supplement.number)
        if appendix is None:
            if supplement.required:
                found = ", ".join(f"Supplement No. {n}" for n in sorted(appendices)) or "no supplements"
                raise SourceError(
                    f"{supplement.title} (the Entity List) not found; the file holds {found}",
                    source=SOURCE,
                    file=name,
                )
            result.warnings.append(f"{supplement.title} ({supplement.list_id}) not in the file; not read")
            continue
        _read_supplement(appendix, supplement, name, lines, result, seen)
    return result


def _pick_file(files: Files) -> tuple[str, bytes]:
    if FILE in files:
        return FILE, files[FILE]
    xml_files = [n for n in files if n.endswith(".xml")]
    if len(xml_files) == 1:
        return xml_files[0], files[xml_files[0]]
    raise SourceError(f"expected {FILE}, got {sorted(files) or 'nothing'}", source=SOURCE)


def _amendment_date(root: Element) -> str | None:
    """The title's amendment date: only the full-title download carries one (``AMDDATE``)."""
    el = next(root.iter("AMDDATE"), None)
    return parse_date("".join(el.itertext())) if el is not None else None


def _row_line_numbers(data: bytes, root: Element) -> dict[int, int]:
    """Map id(row element) -> line number (ElementTree keeps none; expat reports them).

    Runs after defusedxml accepted the bytes, so this second pass sees no DTD or entities.
    """
    found: list[int] = []
    parser = expat.ParserCreate()

    def start(tag: str, _attrs: dict[str, str]) -> None:
        if tag in _ROW_TAGS:
            found.append(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return {}
    rows = [el for el in root.iter() if el.tag in _ROW_TAGS]
    if len(rows) != len(found):
        return {}
    return {id(el): line for el, line in zip(rows, found, strict=True)}


def _find_appendices(root: Element) -> dict[int, Element]:
    """The Part 744 supplements by number, found by their TYPE and HEAD (or N) text."""
    out: dict[int, Element] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or not re.fullmatch(r"DIV\d", local(el.tag).upper()):
            continue
        if (el.get("TYPE") or "").upper() != "APPENDIX":
            continue
        head = next((c for c in el if isinstance(c.tag, str) and local(c.tag).upper() == "HEAD"), None)
        label = " ".join("".join(head.itertext()).split()) if head is not None else ""
        m = _APPENDIX_HEAD.match(label) or _APPENDIX_HEAD.match(el.get("N") or "")
        if m:
            out.setdefault(int(m[1]), el)
    return out


# --- tables ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Cell:
    lines: list[str]
    notes: list[str]
    span: int = 1

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _cell(el: Element) -> _Cell:
    """A cell's text as lines (from br/LI/P), with footnote marks taken out into ``notes``."""
    parts: list[str] = [el.text or ""]
    notes: list[str] = []
    _walk(el, parts, notes)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    span = el.get("colspan") or "1"
    return _Cell([ln for ln in lines if ln], notes, int(span) if span.isdigit() else 1)


def _walk(el: Element, parts: list[str], notes: list[str]) -> None:
    for child in el:
        tag = local(child.tag).upper() if isinstance(child.tag, str) else ""
        if tag in _FOOTNOTE_TAGS or (tag == "E" and child.get("T") == "51" and _is_mark(child)):
            mark = "".join(child.itertext()).strip()
            if mark:
                notes.append(mark)
        elif tag:
            if tag in _BREAK_BEFORE:
                parts.append("\n")
            parts.append(child.text or "")
            _walk(child, parts, notes)
            if tag in _BREAK_AFTER:
                parts.append("\n")
        parts.append(child.tail or "")


def _is_mark(el: Element) -> bool:
    """A GPO superscript (E T="51") that is a footnote number rather than e.g. "st" in 1st."""
    return "".join(el.itertext()).strip().isdigit()


@dataclass(slots=True)
class _Table:
    header: list[str]
    header_line: int | None
    rows: list[tuple[Element, list[_Cell]]] = field(default_factory=list)


def _tables(appendix: Element, lines: dict[int, int]) -> Iterator[_Table]:
    for el in appendix.iter():
        if not isinstance(el.tag, str):
            continue
        tag = local(el.tag).upper()
        if tag == "GPOTABLE":
            yield _gpo_table(el, lines)
        elif tag == "TABLE":
            yield _html_table(el, lines)


def _children(el: Element, *tags: str) -> list[Element]:
    return [c for c in el if isinstance(c.tag, str) and local(c.tag).upper() in tags]


def _gpo_table(el: Element, lines: dict[int, int]) -> _Table:
    header: list[str] = []
    for boxhd in _children(el, "BOXHD"):
        header.extend(_cell(ched).text for ched in _children(boxhd, "CHED"))
    table = _Table(header, None)
    for row in el.iter():
        if row.tag in _ROW_TAGS:
            table.rows.append((row, [_cell(ent) for ent in _children(row, "ENT")]))
    if table.rows:
        first = lines.get(id(table.rows[0][0]))
        table.header_line = first - 1 if first else None
    return table


def _html_table(el: Element, lines: dict[int, int]) -> _Table:
    table = _Table([], None)
    for tr in el.iter():
        if tr.tag not in _ROW_TAGS:
            continue
        heads = _children(tr, "TH")
        cells = _children(tr, "TD")
        if heads and not cells:
            if not table.header:  # the first heading row names the columns
                table.header = [_cell(th).text for th in heads]
                table.header_line = lines.get(id(tr))
            continue
        table.rows.append((tr, [_cell(td) for td in _children(tr, "TD", "TH")]))
    return table


def _columns_match(header: list[str], columns: tuple[str, ...]) -> bool:
    if len(header) != len(columns):
        return False
    for text, column in zip(header, columns, strict=True):
        norm = " ".join(re.sub(r"[\d*]+$", "", text).lower().split())
        if not _HEADINGS[column].search(norm):
            return False
    return True


def _read_supplement(
    appendix: Element,
    supplement: _Supplement,
    file: str,
    lines: dict[int, int],
    result: ParseResult,
    seen: dict[str, int],
) -> None:
    tables = list(_tables(appendix, lines))
    if not tables:
        raise SourceError(f"{supplement.title} holds no table", source=SOURCE, file=file)
    matching = [t for t in tables if _columns_match(t.header, supplement.columns)]
    if not matching:
        found = "; ".join(f"{len(t.header)} columns {t.header!r}" for t in tables)
        expected = len(supplement.columns)
        raise SourceError(
            f"{supplement.title}: unknown table layout, expected {expected} columns "
            f"({', '.join(supplement.columns)}), found {found}",
            source=SOURCE,
            file=file,
            line=tables[0].header_line,
        )
    for table in tables:
        if table not in matching:
            result.warnings.append(f"{supplement.title}: skipped a table with columns {table.header!r}")
    before = len(result.records)
    for table in matching:
        _read_rows(table, supplement, file, lines, result, seen)
    if len(result.records) == before and not result.row_errors and supplement.required:
        raise SourceError(
            f"{supplement.title}: the table holds no entries",
            source=SOURCE,
            file=file,
            line=matching[0].header_line,
        )


def _read_rows(
    table: _Table,
    supplement: _Supplement,
    file: str,
    lines: dict[int, int],
    result: ParseResult,
    seen: dict[str, int],
) -> None:
    width = len(supplement.columns)
    country: str | None = None
    for row, cells in table.rows:
        line = lines.get(id(row), 0)
        if not any(c.lines for c in cells):
            continue  # spacer row
        if sum(c.span for c in cells) != width or len(cells) > width:
            result.row_errors.append(
                RowError(file, line, f"{supplement.title}: expected {width} cells, found {len(cells)}")
            )
            continue
        values = dict(zip(supplement.columns, _expand(cells, width), strict=True))
        if values["country"].text:
            country = values["country"].text
        entity_cell = values["entity"]
        if not entity_cell.lines or entity_cell.text.strip("[]. ").lower() == "reserved":
            continue  # a country heading row or a [Reserved] placeholder
        if country is None:
            result.row_errors.append(RowError(file, line, "entry before any country cell"))
            continue
        try:
            record = _record(supplement, country, values)
        except ValueError as exc:
            result.row_errors.append(RowError(file, line, f"{supplement.title}: {exc}"))
            continue
        n = seen.get(record.key, 0) + 1
        seen[record.key] = n
        if n > 1:
            result.warnings.append(f"{file}, line {line}: duplicate entry {record.name!r} under {country}")
            record.key = f"{record.key}-{n}"
        result.records.append(record)


def _expand(cells: list[_Cell], width: int) -> list[_Cell]:
    out: list[_Cell] = []
    for cell in cells:
        out.append(cell)
        out.extend(_Cell([], []) for _ in range(cell.span - 1))
    return out[:width]


# --- records -----------------------------------------------------------------------------------


def _record(supplement: _Supplement, country: str, values: dict[str, _Cell]) -> Entity:
    entity_cell = values["entity"]
    parsed = split_entity(entity_cell.lines)
    if not parsed.name:
        raise ValueError(f"no entity name in {entity_cell.text[:80]!r}")
    row_code = _country(country)
    addresses = [_address(text, country, row_code) for text in parsed.addresses]
    codes = {a.country_code for a in addresses if a.country_code}
    if row_code:
        codes.add(row_code)

    notes: list[str] = []
    for cell in values.values():
        notes.extend(n for n in cell.notes if n not in notes)
    remarks = list(parsed.remarks)
    if notes:
        remarks.append("footnotes: " + ", ".join(notes))

    citations = fr_citations(values["federal_register"].text)
    # the entry's date is that of its earliest citation (the rule that added it), when provable
    dated = listing_date([values["federal_register"].text])
    requirement = values.get("license_requirement")
    policy = values.get("license_policy")
    listing = Listing(
        list_id=supplement.list_id,
        federal_register=[c for c, _ in citations],
        listed_on=dated.date if dated else None,
        listed_on_basis=dated.label if dated else None,
        license_requirement=(requirement.text or None) if requirement else None,
        license_policy=(policy.text or None) if policy else None,
        source_url=supplement.url,
        remarks="; ".join(remarks) or None,
    )
    names = [Name(parsed.name)]
    for value, kind in parsed.aliases:
        if all(n.value != value for n in names):
            names.append(Name(value, kind))
    if supplement.key_prefix:
        key = supplement.key_prefix + digest(country, entity_cell.text)
    else:
        key = digest(country, entity_cell.text)
    return Entity(
        source=SOURCE,
        key=key,
        entity_id=named_entity_id(supplement.list_id, parsed.name),
        type=_entity_type(names),
        names=names,
        addresses=addresses,
        countries=sorted(codes),
        listings=[listing],
    )


def _entity_type(names: list[Name]) -> EntityType:
    """The list does not say who is a person; company and institution words say "organization"."""
    if any(_ORG_WORDS.search(n.value) for n in names):
        return EntityType.ORGANIZATION
    return EntityType.UNKNOWN


def _country(name: str | None) -> str | None:
    """ISO code of a country as the table spells it ("CHINA, PEOPLE'S REPUBLIC OF")."""
    if not name:
        return None
    code = country_code(name)
    if code is None and "," in name:
        code = country_code(name.split(",", 1)[0])
    return code


def _address(text: str, row_country: str, row_code: str | None) -> Address:
    """An address; the country is its last comma part when that is a country, else the row's."""
    parts = _split_commas(text)
    last = parts[-1].strip() if parts else ""
    code = _country(last) if last and len(last) <= 40 and not any(ch.isdigit() for ch in last) else None
    if code:
        street = ",".join(parts[:-1]).strip(" ,") or None
        return Address(street=street, country=last, country_code=code)
    return Address(street=text, country=row_country, country_code=row_code)


# --- Federal Register citations ------------------------------------------------------------------

_FR_CITATION = re.compile(
    r"(\d{1,3})\s*FR\s*(\d[\d,]*(?:\s*[-–]\s*\d+)?)"  # volume FR page(s)
    r"(?:\s*,?\s*(?:\(?\s*)(\d{1,2})/(\d{1,2})/(\d{2}(?:\d{2})?)\b)?"  # , M/D/YY
)


def fr_citations(text: str) -> list[tuple[str, str | None]]:
    """The Federal Register citations of a cell, each with its ISO date when given.

    "84 FR 22963, 5/21/19. 85 FR 51603, 8/20/20." ->
    [("84 FR 22963, 5/21/19", "2019-05-21"), ("85 FR 51603, 8/20/20", "2020-08-20")]
    """
    out: list[tuple[str, str | None]] = []
    for m in _FR_CITATION.finditer(text):
        page = re.sub(r"\s+", "", m[2]).rstrip(",")
        cite = f"{m[1]} FR {page}"
        iso = None
        if m[3]:
            year = int(m[5])
            if year < 100:  # the list began in 1997: two-digit years 97-99 are the 1990s
                year += 1900 if year >= 90 else 2000
            iso = parse_date(f"{year:04d}-{int(m[3]):02d}-{int(m[4]):02d}")
            cite += f", {m[3]}/{m[4]}/{m[5]}"
        out.append((cite, iso))
    return out


# --- the entity cell -----------------------------------------------------------------------------


@dataclass(slots=True)
class ParsedEntity:
    """The parts of an Entity List entity cell."""

    name: str
    aliases: list[tuple[str, NameType]] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


_AKA = re.compile(
    r"[,;]?\s*\b(?:(a\.\s?k\.\s?a\.?)|(f\.\s?k\.\s?a\.?)|(also known as)|(formerly known as))(?=[\s,:])[\s,:]*",
    re.I,
)
_FOLLOWING = re.compile(r"the\s+following\s+(?:([\w-]+)\s+)?(?:(aliases|names)|alias|name)\s*[:.,]?\s*", re.I)
_AND_BULLET = re.compile(r"^\s*(?:and\s+)?(?=[—–-])")
_SEE = re.compile(r"\s*\((?:see|also listed)\b[^()]*\)\.?", re.I)
_BULLET = "—–-"
_NUMBERS = NUMBER_WORDS
# Tokens after which a period does not end a sentence (company forms, address abbreviations).
_ABBREV_WORDS = (
    r"\b(?:co|ltd|inc|corp|bhd|pvt|pte|pty|sdn|no|nos|st|rd|ave|jr|sr|dr|mr|mrs|ms|bldg|blvd|fl|apt|"
    r"dist|prov|intl|mfg|tech|ind|ent|est|tic|san|ltda|cia|dept|univ|inst|sq|ste|vs|etc)"
)
_ABBREV_END = re.compile(rf"(?:{_ABBREV_WORDS}|(?:\b[a-z]\.)*\b[a-z])$", re.I)
# At the end of a name or line a lone capital is not an initial ("Group B."), but "S.A." is a form.
_ABBREV_FINAL = re.compile(rf"(?:{_ABBREV_WORDS}|(?:\b[a-z]\.)+[a-z])$", re.I)
# A comma part that continues a company name rather than starting the address.
_NAME_CONTINUES = re.compile(
    r"^(?:ltd|limited|inc|incorporated|llc|l\.l\.c|llp|lp|co|corp|corporation|s\.?\s?a|s\.?a\.?s|s\.?r\.?l|"
    r"s\.?p\.?a|gmbh|ag|jsc|ojsc|pjsc|cjsc|pvt|plc|b\.?v|n\.?v|sdn|bhd|fze|fzco|fz-llc|dmcc|ltda|ooo|zao|oao|"
    r"kft|d\.?o\.?o|a\.?s|pte|pty|sarl|s\.?l|k\.?k|sti|srl)\b\.?",
    re.I,
)
# A period before these ends an alias even after an abbreviation ("…Co., Ltd. 5 Road, …").
_ADDRESS_START = re.compile(
    r"\s+(?=\d|no\.|room|rm\.|unit|flat|floor|suite|building|bldg|block|office|p\.?\s?o\.?\s?box|house|plot)",
    re.I,
)
_ORG_WORDS = re.compile(
    r"\b(?:co|ltd|limited|inc|llc|corp|corporation|company|companies|group|gmbh|jsc|ojsc|pjsc|cjsc|llp|plc|"
    r"pvt|pte|fze|fzco|s\.a|bhd|institute|university|academy|cent(?:er|re)|laborator(?:y|ies)|bureau|"
    r"ministry|agency|department|industr(?:y|ies)|technolog(?:y|ies)|trading|electronics|enterprises?|"
    r"holdings?|factory|plant|organi[sz]ation|bank|school|college|society|association|research|systems|"
    r"solutions|services|logistics|aviation|airlines?|shipping|engineering|commission|office|works|"
    r"authority|design|complex|association|firm|establishment|network|lab)\b",
    re.I,
)


def split_entity(lines: list[str]) -> ParsedEntity:
    """Split an entity cell into name, aliases, addresses and cross-reference remarks.

    The cell is prose written by hand, so this is a best effort. Line breaks (``br``/``LI``)
    are used when the cell has them; without them the alias list is ended by its stated count
    and the first full stop that is not an abbreviation.
    """
    text = "\n".join(lines)
    remarks = [" ".join(m.group().strip(" .()").split()) for m in _SEE.finditer(text)]
    text = _SEE.sub("", text).strip()
    m = _AKA.search(text)
    if m is None:
        name, rest = _split_name(text)
        return ParsedEntity(name, [], _split_addresses(rest), remarks)
    kind = NameType.FKA if (m[2] or m[4]) else NameType.AKA
    name = _strip_period(" ".join(text[: m.start()].split()).strip(" ,;"))
    rest = text[m.end() :]
    following = _FOLLOWING.match(rest)
    if following:
        count = _count(following[1]) if following[1] else (None if following[2] else 1)
        items, rest = _take_aliases(rest[following.end() :], count)
    else:
        items, rest = _take_alias(rest)
    aliases = [(a, kind) for a in items if a and a != name]
    return ParsedEntity(name, aliases, _split_addresses(rest), remarks)


def _count(word: str) -> int | None:
    """ "two" -> 2, "twenty-one" -> 21, "12" -> 12; None when not a number."""
    if word.isdigit():
        return int(word)
    total = 0
    for part in word.lower().split("-"):
        if part not in _NUMBERS:
            return None
        total += _NUMBERS[part]
    return total or None


def _take_aliases(body: str, count: int | None) -> tuple[list[str], str]:
    """Read ``count`` alias items ("—A; —B; and —C.") off the front of ``body``.

    With an unknown count, items are read while the next one starts with a bullet.
    """
    items: list[str] = []
    while count is None or len(items) < count:
        body = body.lstrip()
        if body[:1] in _BULLET:
            body = body[1:].lstrip()
        last = count is not None and len(items) == count - 1
        end, skip = (-1, 0) if last else _item_end(body)
        if end >= 0 and count is None and not _AND_BULLET.match(body[end + skip :]):
            end = -1  # no bullet follows: this is the final item
        if end < 0:
            end, skip = _last_item_end(body)
            last = True
        items.append(" ".join(body[:end].split()).strip(" ,;"))
        body = body[end + skip :]
        if last or not body.strip():
            break
        body = _AND_BULLET.sub("", body, count=1) if count is None else re.sub(r"^\s*and\s+", "", body)
    return [i for i in items if i], body


def _take_alias(body: str) -> tuple[list[str], str]:
    """A single alias without a count ("a.k.a. Mahan Airlines, Mahan Air Building, …"): it ends
    at a line break, ';' or full stop, or at the first comma that does not continue a company
    form."""
    end, skip = _last_item_end(body)
    alias, rest = _split_name(body[:end])
    return ([alias] if alias else []), f"{rest}{body[end + skip :]}" if rest.strip() else body[end + skip :]


def _item_end(body: str) -> tuple[int, int]:
    """End of a non-final alias: the next ';' (or line break), never past the next bullet."""
    semi = body.find(";")
    newline = body.find("\n")
    ends = [p for p in (semi, newline) if p >= 0]
    if not ends:
        return -1, 0
    end = min(ends)
    return end, 1


def _last_item_end(body: str) -> tuple[int, int]:
    """End of the final alias: a line break, a ';', or a full stop that ends a sentence."""
    newline = body.find("\n")
    scope = body if newline < 0 else body[:newline]
    semi = scope.find(";")
    if semi >= 0:
        scope = scope[:semi]
    for m in re.finditer(r"\.(?=\s|$)", scope):
        before = scope[: m.start()]
        after = scope[m.end() :]
        if not after.strip():
            # the cell (or line) ends here: keep the dot only when it belongs to an abbreviation
            return (m.end() if _ends_with_abbreviation(before, final=True) else m.start()), 1
        if not _ends_with_abbreviation(before):
            return m.start(), 1
        if _ADDRESS_START.match(after):
            return m.end(), 0
    if semi >= 0:
        return semi, 1
    if newline >= 0:
        return newline, 1
    return len(body), 0


def _split_commas(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _split_name(text: str) -> tuple[str, str]:
    """Name and address of a cell without aliases: the name ends at the first comma that
    does not continue a company form ("Co., Ltd.")."""
    first, _, others = text.partition("\n")
    parts = _split_commas(first)
    i = 1
    while i < len(parts) and _NAME_CONTINUES.match(parts[i].strip()):
        i += 1
    name = _strip_period(" ".join(",".join(parts[:i]).split()).strip(" ;"))
    rest = ",".join(parts[i:])
    if others:
        rest = f"{rest}\n{others}" if rest.strip() else others
    return name, rest


def _ends_with_abbreviation(text: str, *, final: bool = False) -> bool:
    """Whether a full stop after ``text`` belongs to an abbreviation. Only the tail is searched
    (abbreviations are short; a regex anchored at $ would otherwise scan the whole text)."""
    pattern = _ABBREV_FINAL if final else _ABBREV_END
    return pattern.search(text[-16:]) is not None


def _strip_period(text: str) -> str:
    if text.endswith(".") and not _ends_with_abbreviation(text[:-1], final=True):
        return text[:-1].rstrip()
    return text


def _split_addresses(text: str) -> list[str]:
    """The address part: several addresses are separated by ';' (often '; and') or bullets."""
    chunks: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        starts_new = not chunks or line[0] in _BULLET or chunks[-1].rstrip().endswith((";", "."))
        if starts_new:
            chunks.append(line)
        else:
            chunks[-1] += " " + line
    out: list[str] = []
    for chunk in chunks:
        for part in re.split(r";\s*(?:and\s+)?", chunk):
            part = part.strip().lstrip(_BULLET).strip()
            part = re.sub(r"^(?:and|addresses?(?: include)?:?)\s+", "", part, flags=re.I)
            part = _strip_period(" ".join(part.split()).strip(" ,;"))
            if part:
                out.append(part)
    return out
