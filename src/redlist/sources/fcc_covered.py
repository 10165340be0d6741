"""The FCC Covered List page (https://www.fcc.gov/supplychain/coveredlist).

The page is a table of covered equipment and services, one item a row: a description that names
the producer or provider ("Telecommunications equipment produced by Huawei Technologies Company,
including ...") and the item's date of inclusion. Items are mapped to the companies they name by a
reviewed data file, ``data/fcc_covered_items.yaml`` (item pattern -> companies, and for the
purpose-limited items of Hytera, Hikvision and Dahua the scope their listings carry). An item no row of
that file matches is kept as an entry named by its producer text ("produced by X") and reported
as a warning, never dropped; a reviewed row with no companies (a category of foreign-produced
equipment) makes no entry.

A page without a table of items and inclusion dates, or with such a table but no rows, is refused.
Records: one per company, keyed by :func:`~redlist.sources.listed_names.stable_id`; listings of list
``us_fcc_covered`` dated by the date of inclusion, with the item's text as remarks and the reviewed
row's scope (a purpose limit, :class:`~redlist.model.Scope`) when it has one. A row with a scope
whose item on the page no longer reads "to the extent it is used for", or an item that does but
whose row has no scope, is reported as a warning.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path

from pydantic import Field

from redlist import datafile
from redlist.datafile import Prose, Schema, ScopeSpec, Slug, Text, Verification
from redlist.errors import DataFileError, SourceError
from redlist.model import Entity, EntityType, Listing, Name, NameType, Relation, Scope
from redlist.sources.base import Files, ParseResult, RowError
from redlist.sources.common import parse_date
from redlist.sources.federal_register import dates_in
from redlist.sources.html_page import HtmlTable, decode_page, flat, page_tables, parse_page
from redlist.sources.listed_names import stable_id

SOURCE = "us_fcc_covered"
LIST_ID = "us_fcc_covered"
PAGE_URL = "https://www.fcc.gov/supplychain/coveredlist"

_UPDATED = re.compile(
    r"(?:Last\s+)?Updated:?\s+(?:on\s+)?([A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE
)
_PRODUCER = re.compile(
    r"\b(?:produced|provided|supplied|operated|manufactured)(?:\s+or\s+\w+)?(?:,?\s+directly\s+or\s+indirectly,?)?"
    r"\s+by\s+(.+?)(?=,|;|\s+or\s+any\b|\s+and\s+its\b|\s+subject\s+to\b|\s+to\s+the\s+extent\b|\s+including\b|\.\s|\.$|$)",
    re.IGNORECASE,
)
_EXCLUDED = re.compile(r"conditional\s+approval|exclusions?\s+from", re.IGNORECASE)
_PURPOSE_LIMITED = re.compile(r"to\s+the\s+extent\s+it\s+is\s+used\s+for", re.IGNORECASE)


# --- the reviewed mapping ------------------------------------------------------------------------


class Company(Schema):
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    subsidiary_of: Text | None = None


class Item(Schema):
    id: Slug
    pattern: Text
    wording: Prose
    verification: Verification
    note: Prose | None = None
    scope: Slug | None = None  # the id of one of the file's scopes: a purpose-limited item
    companies: list[Company]


class _File(Schema):
    scopes: list[ScopeSpec] = Field(default_factory=list)
    items: list[Item]


#: A reviewed row: the item, its compiled pattern and its scope (None: not purpose-limited).
Row = tuple[Item, re.Pattern[str], Scope | None]


def mapping_path() -> Path:
    return Path(str(resources.files("redlist.sources").joinpath("data", "fcc_covered_items.yaml")))


@functools.cache
def load_mapping(path: Path | None = None) -> tuple[Row, ...]:
    """The reviewed item -> companies rows, with their compiled patterns and scopes; DataFileError
    naming each problem (bad pattern, duplicate id, a pattern that does not match its own wording,
    an unknown scope)."""
    doc = datafile.read(path or mapping_path())
    spec, problems = datafile.validate(doc, _File)
    out: list[Row] = []
    if spec is not None:
        # (the raw items: duplicates() reads each item's id from its YAML mapping)
        problems += datafile.duplicates(doc, doc.value(("items",)) or [], ("items",))
        problems += datafile.duplicates(doc, doc.value(("scopes",)) or [], ("scopes",))
        scopes = {s.id: s.scope() for s in spec.scopes}
        for i, item in enumerate(spec.items):
            try:
                pattern = re.compile(item.pattern, re.IGNORECASE)
            except re.error as exc:
                problems.append(doc.problem(("items", i, "pattern"), f"not a regular expression: {exc}"))
                continue
            if not pattern.search(item.wording):
                problems.append(doc.problem(("items", i, "pattern"), "does not match the row's own wording"))
            if item.scope is not None and item.scope not in scopes:
                problems.append(
                    doc.problem(("items", i, "scope"), f"no scope {item.scope!r} in this file's scopes")
                )
            out.append((item, pattern, scopes.get(item.scope) if item.scope else None))
    datafile.raise_problems(problems, DataFileError)
    return tuple(out)


# --- the page ------------------------------------------------------------------------------------


def parse_covered_page(files: Files) -> ParseResult:
    """Parse the saved or downloaded Covered List page (any one HTML file)."""
    if len(files) != 1:
        raise SourceError(f"give the one Covered List page; got {sorted(files)}", source=SOURCE)
    [(file, data)] = files.items()
    text = decode_page(data, source=SOURCE, file=file)
    tables = page_tables(parse_page(text, source=SOURCE, file=file))
    result = ParseResult(records=[], format="html")
    found = [(t, cols) for t in tables if (cols := _columns(t.header))]
    covered = [(t, cols) for t, cols in found if not _EXCLUDED.search(t.context)]
    if not covered:
        headers = "; ".join(" | ".join(t.header) or "(no header row)" for t in tables) or "no tables at all"
        raise SourceError(
            "layout not recognised: no table with a covered equipment/services column and a "
            f"date-of-inclusion column (found: {headers})",
            source=SOURCE,
            file=file,
        )
    for table, _ in found:
        if _EXCLUDED.search(table.context):
            result.warnings.append(
                f"{file}, line {table.line}: table under a conditional-approval heading left out"
            )
    mapping = load_mapping()
    entities: dict[str, Entity] = {}
    for table, (item_col, date_col) in covered:
        if not table.rows:
            raise SourceError("the Covered List table has no rows", source=SOURCE, file=file, line=table.line)
        for line, cells in table.rows:
            _read_item(file, line, cells, item_col, date_col, table, mapping, entities, result)
    m = _UPDATED.search(flat(text))
    result.as_of = parse_date(m[1]) if m else None
    result.records = list(entities.values())
    return result


def _columns(header: list[str]) -> tuple[int, int] | None:
    low = [h.lower() for h in header]
    item = next((i for i, h in enumerate(low) if "equipment" in h or "service" in h), None)
    date = next((i for i, h in enumerate(low) if "date" in h or "inclusion" in h), None)
    if item is None or date is None or item == date:
        return None
    return item, date


def _read_item(
    file: str,
    line: int,
    cells: list[str],
    item_col: int,
    date_col: int,
    table: HtmlTable,
    mapping: tuple[Row, ...],
    entities: dict[str, Entity],
    result: ParseResult,
) -> None:
    if len(cells) <= max(item_col, date_col):
        result.row_errors.append(
            RowError(file, line, f"{len(cells)} cells, expected {max(item_col, date_col) + 1}")
        )
        return
    item, when = flat(cells[item_col]).rstrip("*† "), flat(cells[date_col])
    if not item:
        result.row_errors.append(RowError(file, line, "empty item description"))
        return
    included = parse_date(when.rstrip("*† ")) or next(iter(dates_in(when)), None)
    if included is None or len(included) != 10:
        result.row_errors.append(RowError(file, line, f"unreadable date of inclusion {when!r}"))
        return
    listing = Listing(
        list_id=LIST_ID,
        programs=["FCC Covered List"],
        listed_on=included,
        effective_on=included,
        source_url=PAGE_URL,
        remarks=item,
    )
    rows = [(row, scope) for row, pattern, scope in mapping if pattern.search(item)]
    if not rows:
        producer = _producer(item)
        result.warnings.append(
            f"{file}, line {line}: item not in the reviewed mapping (sources/data/fcc_covered_items.yaml), "
            f"kept as {producer!r}: {item[:160]}"
        )
        _entity(
            entities, producer, [], EntityType.ORGANIZATION if producer != item else EntityType.UNKNOWN
        ).listings.append(listing)
        return
    for row, scope in rows:
        if not row.companies:
            result.warnings.append(
                f"{file}, line {line}: item names no company (reviewed row {row.id!r}): {item[:160]}"
            )
        limited = bool(_PURPOSE_LIMITED.search(item))
        if row.companies and limited != (scope is not None):
            result.warnings.append(
                f"{file}, line {line}: the item {'reads' if limited else 'no longer reads'} as purpose-limited "
                f"but reviewed row {row.id!r} {'has no' if limited else 'has a'} scope; review "
                f"sources/data/fcc_covered_items.yaml: {item[:160]}"
            )
        scoped = replace(listing, programs=list(listing.programs), scope=scope) if scope else listing
        for company in row.companies:
            entity = _entity(entities, company.name, company.aliases, EntityType.ORGANIZATION)
            entity.listings.append(scoped)
            if company.subsidiary_of:
                parent = stable_id(LIST_ID, company.subsidiary_of)
                entity.relations.append(
                    Relation("subsidiary_of", target_name=company.subsidiary_of, target_key=parent)
                )


def _producer(item: str) -> str:
    """The producer or provider an item names ("produced by X, including ..." -> X), else the item."""
    m = _PRODUCER.search(item)
    return m[1].strip(" ,.") if m else item


def _entity(entities: dict[str, Entity], name: str, aliases: list[str], kind: EntityType) -> Entity:
    entity_id = stable_id(LIST_ID, name)
    entity = entities.get(entity_id)
    if entity is None:
        entity = entities[entity_id] = Entity(
            source=SOURCE,
            key=entity_id,
            entity_id=entity_id,
            type=kind,
            names=[Name(name), *(Name(a, NameType.AKA) for a in aliases if a != name)],
        )
    return entity
