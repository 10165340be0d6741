"""The DHS UFLPA Entity List: the list page on dhs.gov and the Federal Register notices that
publish each update with the whole list as an appendix.

Both write one table per list of UFLPA s.2(d)(2)(B): clause (i) entities in Xinjiang that use
forced labor, (ii) entities working with the Xinjiang government on forced labor transfers, (iv)
exporters of (iii)'s products, (v) entities sourcing from Xinjiang or its labor schemes ((iii) is
a list of products). The clause is read from the heading or paragraphs above each table; a table
whose clause is missing or unknown refuses the whole page, as does a page without such tables or
a table without rows, so a redesigned page never passes for an empty list. Each row is an
entity's name cell (aliases, former names and subsidiaries in words, see :mod:`.listed_names`)
and its effective date.

Records: one per entity name (:func:`~redlist.sources.listed_names.build_entities`: a stable id
from the list id and the name; an entity on two lists has two listings; a subsidiary named in a
row is a record of its own with a ``subsidiary_of`` relation to its parent). Listings: list ``us_dhs_uflpa``, program
``UFLPA 2(d)(2)(B)(v)``, ``listed_on`` = ``effective_on`` = the effective date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from redlist.errors import SourceError
from redlist.model import Entity, Listing
from redlist.sources.base import Files, ParseResult, RowError
from redlist.sources.common import parse_date
from redlist.sources.federal_register import dates_in, read_notice
from redlist.sources.html_page import decode_page, flat, page_tables, parse_page
from redlist.sources.listed_names import build_entities, read_listed_name

SOURCE = "us_dhs_uflpa"
LIST_ID = "us_dhs_uflpa"
PAGE_URL = "https://www.dhs.gov/uflpa-entity-list"

#: The lists of UFLPA s.2(d)(2)(B) that name entities, in the statute's words (abridged).
CLAUSES = {
    "i": "entities in Xinjiang that mine, produce or manufacture goods with forced labor",
    "ii": "entities working with the Xinjiang government to recruit, transport, transfer, harbor or receive forced labor",
    "iv": "entities that exported products made by entities of lists (i) and (ii) from the PRC into the US",
    "v": "facilities and entities that source material from Xinjiang or from persons working with its government or the XPCC",
}
_CLAUSE = re.compile(r"2\s*\(\s*d\s*\)\s*\(\s*2\s*\)\s*\(\s*B\s*\)\s*\(\s*([ivx]+)\s*\)", re.IGNORECASE)
_UPDATED = re.compile(
    r"Last\s+(?:Updated|Reviewed|Modified)\s*:?\s*(\d{1,2}/\d{1,2}/\d{4}|[A-Z][a-z]+\.? \d{1,2}, \d{4})"
)
_ALIAS_LINE = re.compile(
    r"\(?\s*(?:also known as|a\.?k\.?a\.?|formerly|f\.?k\.?a\.?|previously|including\b.*\b(?:alias|subsidiar))",
    re.IGNORECASE,
)
_NOTICE_TITLE = re.compile(r"Uyghur\s+Forced\s+Labor\s+Prevention\s+Act.*Entity\s+List", re.IGNORECASE)


@dataclass(slots=True)
class _Row:
    file: str
    line: int | None
    clause: str
    name: str  # the name cell as written
    effective: str


def parse_uflpa_page(files: Files) -> ParseResult:
    """Parse the saved or downloaded dhs.gov list page (any one HTML file)."""
    if len(files) != 1:
        raise SourceError(f"give the one list page; got {sorted(files)}", source=SOURCE)
    [(file, data)] = files.items()
    text = decode_page(data, source=SOURCE, file=file)
    tables = page_tables(parse_page(text, source=SOURCE, file=file))
    result = ParseResult(records=[], format="html")
    rows: list[_Row] = []
    found = [(t, cols) for t in tables if (cols := _columns(t.header))]
    if not found:
        headers = "; ".join(" | ".join(t.header) or "(no header row)" for t in tables) or "no tables at all"
        raise SourceError(
            f"layout not recognised: no table with an entity-name and an effective-date column (found: {headers})",
            source=SOURCE,
            file=file,
        )
    for table, (name_col, date_col) in found:
        clause = _clause(table.context, source=SOURCE, file=file, line=table.line)
        if not table.rows:
            raise SourceError(
                f"the table of list 2(d)(2)(B)({clause}) has no rows",
                source=SOURCE,
                file=file,
                line=table.line,
            )
        for line, cells in table.rows:
            rows += _row(file, line, clause, cells, name_col, date_col, result.row_errors)
    m = _UPDATED.search(text)
    result.as_of = parse_date(m[1]) if m else None
    result.records = _records(rows, source_url=PAGE_URL, citation=None)
    return result


def parse_uflpa_notice(files: Files) -> ParseResult:
    """Parse a Federal Register notice updating the list (full-text XML, optionally the API JSON):
    the list published in its appendix, each entity with its clause and effective date."""
    doc = read_notice(files, source=SOURCE)
    file = next(n for n in sorted(files) if n.endswith(".xml"))
    if not doc.title or not _NOTICE_TITLE.search(doc.title):
        raise SourceError(
            f"not a UFLPA Entity List notice: {doc.title or 'no title'!r}", source=SOURCE, file=file
        )
    result = ParseResult(records=[], format="federal_register")
    found = [(t, cols) for t in doc.tables if (cols := _columns(t.header))]
    if not found:
        headers = "; ".join(" | ".join(t.header) or "(no headings)" for t in doc.tables) or "no tables at all"
        raise SourceError(
            f"no appendix table with an entity-name and an effective-date column (found: {headers})",
            source=SOURCE,
            file=file,
        )
    rows: list[_Row] = []
    for number, (table, (name_col, date_col)) in enumerate(found, start=1):
        clause = _clause(table.context, source=SOURCE, file=file, line=None, where=f"appendix table {number}")
        if not table.rows:
            raise SourceError(
                f"the appendix table of list 2(d)(2)(B)({clause}) has no rows", source=SOURCE, file=file
            )
        for cells in table.rows:
            rows += _row(file, None, clause, cells, name_col, date_col, result.row_errors)
    result.as_of = doc.publication_date
    if doc.publication_date is None:
        result.warnings.append(
            f"{file} carries no publication date (it is in the API JSON, {doc.document_number}.json); "
            "the snapshot is dated by --as-of or today"
        )
    url = doc.html_url or f"https://www.federalregister.gov/d/{doc.document_number}"
    result.records = _records(rows, source_url=url, citation=doc.label)
    return result


def _columns(header: list[str]) -> tuple[int, int] | None:
    """The name and effective-date columns of a table, or None when it is not a list table."""
    low = [h.lower() for h in header]
    name = next((i for i, h in enumerate(low) if "entity" in h or "name" in h), None)
    date = next((i for i, h in enumerate(low) if "effective" in h and "date" in h), None)
    if date is None:
        date = next((i for i, h in enumerate(low) if "date" in h), None)
    if name is None or date is None or name == date:
        return None
    return name, date


def _clause(context: str, *, source: str, file: str, line: int | None, where: str = "") -> str:
    found = _CLAUSE.findall(context)
    where = where or (f"the table at line {line}" if line else "a table")
    if not found:
        seen = flat(context)[:120] or "nothing"
        raise SourceError(
            f"unknown section heading above {where}: no UFLPA section 2(d)(2)(B)(i), (ii), (iv) or (v) "
            f"named (found: {seen!r})",
            source=source,
            file=file,
            line=line,
        )
    clause = found[-1].lower()  # the nearest mention is the table's own
    if clause not in CLAUSES:
        raise SourceError(
            f"unknown UFLPA list 2(d)(2)(B)({clause}) above {where}; known: {', '.join(CLAUSES)}",
            source=source,
            file=file,
            line=line,
        )
    return clause


def _row(
    file: str,
    line: int | None,
    clause: str,
    cells: list[str],
    name_col: int,
    date_col: int,
    errors: list[RowError],
) -> list[_Row]:
    where = line or 0
    if len(cells) <= max(name_col, date_col):
        errors.append(
            RowError(file, where, f"{len(cells)} cells, expected at least {max(name_col, date_col) + 1}")
        )
        return []
    name, when = flat(cells[name_col]), flat(cells[date_col])
    if not name:
        errors.append(RowError(file, where, "empty entity name"))
        return []
    effective = parse_date(when.rstrip("*† ")) or next(iter(dates_in(when)), None)
    if effective is None or len(effective) != 10:
        errors.append(RowError(file, where, f"{name}: unreadable effective date {when!r}"))
        return []
    return [_Row(file, line, clause, cells[name_col], effective)]


def _records(rows: list[_Row], *, source_url: str, citation: str | None) -> list[Entity]:
    entries = []
    for row in rows:
        listed = read_listed_name(_one_line(row.name))
        listing = Listing(
            list_id=LIST_ID,
            programs=[f"UFLPA 2(d)(2)(B)({row.clause})"],
            listed_on=row.effective,
            effective_on=row.effective,
            federal_register=[citation] if citation else [],
            source_url=source_url,
            remarks="; ".join(listed.notes) or None,
        )
        entries.append((listed, listing))
    return build_entities(SOURCE, LIST_ID, entries)


def _one_line(cell: str) -> str:
    """A name cell on one line; a line of its own that gives aliases, former names or
    subsidiaries ("Also known as: ...") is read as if it were in brackets after the name."""
    lines = [line.strip() for line in cell.split("\n") if line.strip()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        if _ALIAS_LINE.match(line):
            out += f" ({line.strip('()')})"
        else:
            out += " " + line
    return out
