"""OFAC's legacy CSV files: the SDN list (sdn.csv ...) and the consolidated non-SDN list (cons_*.csv).

Layout (OFAC ``dat_spec.txt``): no header row; CRLF records; text fields double-quoted; the
literal ``-0-`` (followed by a space) is null; files end with a 0x1A byte.

* ``sdn.csv`` / ``cons_prim.csv`` (required): ent_num, SDN_Name, SDN_Type, Program, Title,
  Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks.
* ``add.csv`` / ``cons_add.csv``: ent_num, add_num, address, "city/state/province/postal code"
  (one column), country, add_remarks.
* ``alt.csv`` / ``cons_alt.csv``: ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks.
* ``sdn_comments.csv`` / ``cons_comments.csv``: ent_num, remarks continuation. Remarks are cut
  at 1,000 characters; the rest (starting mid-word) is here, so full = remarks + comment.

SDN_Type is null for organizations; programs are packed as ``SDGT] [SYRIA``. Everything else
(birth data, identifiers, weak aliases, CMIC dates, relations) lives in the remarks, parsed by
:mod:`redlist.sources.ofac_remarks`. The CSV states neither a date nor a record count.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from redlist.errors import SourceError
from redlist.model import Address, Entity, EntityType, Listing, Name, NameType, Relation
from redlist.sources.base import Files, ParseResult, RowError
from redlist.sources.common import CsvRows, clean, country_code, decode_text, ofac_entity_id
from redlist.sources.ofac_remarks import parse_remarks

__all__ = ["parse_cons_csv", "parse_sdn_csv"]

SDN_URL = "https://sanctionslist.ofac.treas.gov/Home/SdnList"
CONS_URL = "https://sanctionslist.ofac.treas.gov/Home/ConsolidatedList"

_PRIMARY_COLUMNS = 12
_ADD_COLUMNS = 6
_ALT_COLUMNS = 5
_COMMENT_COLUMNS = 2

_TYPES = {
    None: EntityType.ORGANIZATION,
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_NAME_TYPES = {"aka": NameType.AKA, "fka": NameType.FKA, "nka": NameType.NKA}
_VESSEL_COLUMNS = ("call_sign", "type", "tonnage", "grt", "flag", "owner")
_INT = re.compile(r"^\s*\d+\s*$")
# A header row: words like ent_num, SDN_Name, alt_type in place of data.
_HEADER_CELL = re.compile(r"^\s*(ent_?num|sdn_?name|sdn_?type|add_?num|alt_?num|alt_?type|program)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class _FileSet:
    source: str
    list_id: str
    url: str
    primary: str
    add: str
    alt: str
    comments: str


_SDN = _FileSet("us_ofac_sdn", "us_ofac_sdn", SDN_URL, "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
_CONS = _FileSet(
    "us_ofac_cons",
    "us_ofac_cons",
    CONS_URL,
    "cons_prim.csv",
    "cons_add.csv",
    "cons_alt.csv",
    "cons_comments.csv",
)


def parse_sdn_csv(files: Files) -> ParseResult:
    """Parse the legacy SDN CSV set: ``sdn.csv`` plus optional ``add.csv``, ``alt.csv``, ``sdn_comments.csv``."""
    return _parse(files, _SDN)


def parse_cons_csv(files: Files) -> ParseResult:
    """Parse the legacy consolidated CSV set: ``cons_prim.csv`` plus optional add/alt/comments files."""
    return _parse(files, _CONS)


# --- reading -----------------------------------------------------------------------------------


class _Reader:
    """Reads one headerless OFAC CSV file, checking its column count; collects bad rows."""

    def __init__(self, fs: _FileSet, name: str, data: bytes, columns: int, errors: list[RowError]) -> None:
        self.fs, self.name, self.columns, self.errors = fs, name, columns, errors
        # An optional file OFAC publishes empty (cons_comments.csv often is) just has no rows.
        self.empty = not data.strip(b"\x1a \r\n\t")
        self.text = "" if self.empty else decode_text(data, source=fs.source, file=name)
        if self.text and not self.text.endswith("\n"):
            # OFAC ends every row, the last included, with CRLF. A file that stops inside a row was
            # cut off in transit; csv would read the stump (even half a quoted field) as a row.
            cut = self.text.rfind("\n") + 1
            line = self.text.count("\n", 0, cut) + 1
            errors.append(
                RowError(name, line, "the file ends in the middle of this row (truncated download?)")
            )
            self.text = self.text[:cut]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, cells)`` for each well-formed row; raise when the layout is not OFAC's."""
        reader = CsvRows(self.text, source=self.fs.source, file=self.name)
        good = bad = 0
        first_bad: tuple[int, int] | None = None
        for cells in reader:
            line = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line (e.g. before the 0x1A)
            if good == 0 and bad == 0 and self._is_header(cells):
                raise SourceError(
                    f"unexpected header row {','.join(cells)[:80]!r}: OFAC's legacy CSV has none (unknown layout)",
                    source=self.fs.source,
                    file=self.name,
                    line=line,
                )
            problem = self._problem(cells)
            if problem:
                bad += 1
                first_bad = first_bad or (line, len(cells))
                self.errors.append(RowError(self.name, line, problem))
                continue
            good += 1
            yield line, cells
        if bad and bad > good:
            bad_line, n = first_bad if first_bad else (None, 0)
            raise SourceError(
                f"unknown column layout: {bad} of {good + bad} rows do not have the {self.columns} columns "
                f"of OFAC's format (first: {n} columns)",
                source=self.fs.source,
                file=self.name,
                line=bad_line,
            )

    def _is_header(self, cells: list[str]) -> bool:
        return not _INT.match(cells[0]) and any(_HEADER_CELL.match(c) for c in cells)

    def _problem(self, cells: list[str]) -> str | None:
        if len(cells) != self.columns:
            return f"expected {self.columns} columns, got {len(cells)}"
        if not _INT.match(cells[0]):
            return f"ent_num {cells[0][:40]!r} is not an integer"
        if any("\n" in c or "\r" in c for c in cells):
            return "line break inside a field (unterminated quote?)"
        return None


def _check_end_mark(data: bytes, fs: _FileSet) -> None:
    """OFAC closes each main file with 0x1A: one without it was cut short, maybe at a row boundary,
    which no row check can see (a file cut inside a row is already a bad row)."""
    tail = data.rstrip(b" \t")
    if tail.endswith(b"\n") and not tail.rstrip(b"\r\n").endswith(b"\x1a"):
        raise SourceError(
            "the file does not end with OFAC's end-of-file mark (0x1A): cut short (truncated download?)",
            source=fs.source,
            file=fs.primary,
            line=data.count(b"\n") + 1,
        )


def _programs(value: str | None) -> list[str]:
    """``SDGT] [SYRIA`` -> ``["SDGT", "SYRIA"]`` (OFAC drops the outer brackets)."""
    if not value:
        return []
    return [p.strip(" []") for p in value.split("] [") if p.strip(" []")]


# --- building records --------------------------------------------------------------------------


def _parse(files: Files, fs: _FileSet) -> ParseResult:
    if fs.primary not in files:
        raise SourceError(f"{fs.primary} is missing", source=fs.source, file=fs.primary)
    errors: list[RowError] = []
    warnings: list[str] = []
    primary = _Reader(fs, fs.primary, files[fs.primary], _PRIMARY_COLUMNS, errors)
    if primary.empty:
        raise SourceError("file is empty", source=fs.source, file=fs.primary)
    _check_end_mark(files[fs.primary], fs)

    rows: dict[str, list[str]] = {}
    order: list[str] = []
    lines: dict[str, int] = {}
    for line, cells in primary.rows():
        key = str(int(cells[0]))
        if key in rows:
            errors.append(RowError(fs.primary, line, f"duplicate ent_num {key}"))
            continue
        if clean(cells[1]) is None:
            # a record OFAC publishes without a name cannot be screened or shown: a bad row
            errors.append(RowError(fs.primary, line, f"ent_num {key} has no name"))
            continue
        rows[key] = cells
        order.append(key)
        lines[key] = line
    _refuse_swapped_columns(rows, lines, fs)

    unpublished: list[str] = []
    aliases = _read_aliases(files, fs, rows, errors, warnings, unpublished)
    addresses = _read_addresses(files, fs, rows, errors, warnings, unpublished)
    comments = _read_comments(files, fs, rows, errors, warnings, unpublished)

    records = [
        _entity(
            fs, key, rows[key], aliases.get(key, []), addresses.get(key, []), comments.get(key), unpublished
        )
        for key in order
    ]
    _link_relations(records)
    return ParseResult(records=records, row_errors=errors, warnings=warnings, format="csv")


_Rows = dict[str, list[str]]  # primary rows by ent_num

#: Share of rows whose name is one of the file's own program codes beyond which the columns are
#: taken as shifted or swapped (a real list has no entry named "SDGT").
_SWAPPED_SHARE = 0.01


#: A name on more rows than this (and this share of the file) means the name column holds some
#: other column's values: the real lists repeat a primary name on four rows at most.
_REPEATED_NAME_ROWS = 10
_REPEATED_NAME_SHARE = 0.02


def _refuse_swapped_columns(rows: _Rows, lines: dict[str, int], fs: _FileSet) -> None:
    """Refuse a file whose name column carries program codes (columns swapped or shifted), or one
    value on many rows (the program or type column swapped in whole, which the first check cannot
    see: the program column then holds the names)."""
    _refuse_repeated_names(rows, lines, fs)
    programs = {p for cells in rows.values() for p in _programs(clean(cells[3]))}
    odd = [key for key, cells in rows.items() if (clean(cells[1]) or "").strip(" []") in programs]
    if rows and len(odd) > max(1, _SWAPPED_SHARE * len(rows)):
        first = odd[0]
        raise SourceError(
            f"unknown column layout: {len(odd)} of {len(rows)} rows carry a program code "
            f"({rows[first][1]!r}) where the name belongs (columns swapped or shifted?)",
            source=fs.source,
            file=fs.primary,
            line=lines[first],
        )


def _refuse_repeated_names(rows: _Rows, lines: dict[str, int], fs: _FileSet) -> None:
    counts = Counter(clean(cells[1]) for cells in rows.values())
    if not counts:
        return
    name, n = counts.most_common(1)[0]
    if n > max(_REPEATED_NAME_ROWS, _REPEATED_NAME_SHARE * len(rows)):
        first = next(key for key, cells in rows.items() if clean(cells[1]) == name)
        raise SourceError(
            f"unknown column layout: {n} of {len(rows)} rows have the same name {name!r} "
            "(columns swapped or shifted?)",
            source=fs.source,
            file=fs.primary,
            line=lines[first],
        )


def _side_rows(
    files: Files,
    fs: _FileSet,
    name: str,
    columns: int,
    rows: _Rows,
    errors: list[RowError],
    warnings: list[str],
) -> Iterator[tuple[int, str, list[str]]]:
    """``(line, ent_num, cells)`` of a detail file (add/alt/comments) for known ent_nums.

    Rows for an ent_num with no primary record are dropped with one warning, not a RowError:
    the primary file is the list; a stray detail row cannot make it incomplete.
    """
    orphans: list[int] = []
    for line, cells in _Reader(fs, name, files[name], columns, errors).rows():
        key = str(int(cells[0]))
        if key in rows:
            yield line, key, cells
        else:
            orphans.append(line)
    if orphans:
        warnings.append(
            f"{name}: {len(orphans)} row(s) refer to an ent_num not in {fs.primary} and were ignored "
            f"(first at line {orphans[0]})"
        )


def _read_aliases(
    files: Files,
    fs: _FileSet,
    rows: _Rows,
    errors: list[RowError],
    warnings: list[str],
    unpublished: list[str],
) -> dict[str, list[Name]]:
    out: dict[str, list[Name]] = {}
    if fs.alt not in files:
        unpublished.append("aliases")
        return out
    unknown_types: set[str] = set()
    for line, key, cells in _side_rows(files, fs, fs.alt, _ALT_COLUMNS, rows, errors, warnings):
        name = clean(cells[3])
        if not name:
            errors.append(RowError(fs.alt, line, "alias without a name"))
            continue
        alt_type = (clean(cells[2]) or "aka").lower().replace(".", "")
        if alt_type not in _NAME_TYPES:
            unknown_types.add(alt_type)
        out.setdefault(key, []).append(Name(name, _NAME_TYPES.get(alt_type, NameType.AKA)))
    if unknown_types:
        warnings.append(f"{fs.alt}: unknown alt_type(s) {sorted(unknown_types)} read as aka")
    return out


def _read_addresses(
    files: Files,
    fs: _FileSet,
    rows: _Rows,
    errors: list[RowError],
    warnings: list[str],
    unpublished: list[str],
) -> dict[str, list[Address]]:
    out: dict[str, list[Address]] = {}
    if fs.add not in files:
        unpublished.append("addresses")
        return out
    for _line, key, cells in _side_rows(files, fs, fs.add, _ADD_COLUMNS, rows, errors, warnings):
        street, place, country, remarks = (clean(c) for c in cells[2:6])
        if not (street or place or country or remarks):
            continue  # OFAC writes an all-null address row for entries without one
        # The legacy CSV packs city, state/province and postal code into one column; it is kept
        # whole in ``city`` rather than guessed apart.
        out.setdefault(key, []).append(
            Address(
                street=street,
                city=place,
                country=country,
                country_code=country_code(country),
                remarks=remarks,
            )
        )
    return out


def _read_comments(
    files: Files,
    fs: _FileSet,
    rows: _Rows,
    errors: list[RowError],
    warnings: list[str],
    unpublished: list[str],
) -> dict[str, str]:
    out: dict[str, str] = {}
    if fs.comments not in files:
        unpublished.append("comments")
        return out
    for _line, key, cells in _side_rows(files, fs, fs.comments, _COMMENT_COLUMNS, rows, errors, warnings):
        if cells[1].strip() != "-0-":
            # Raw, unstripped: the cut falls anywhere, even next to a space.
            out[key] = out.get(key, "") + cells[1]
    return out


def _entity(
    fs: _FileSet,
    key: str,
    cells: list[str],
    aliases: list[Name],
    addresses: list[Address],
    comment: str | None,
    unpublished: list[str],
) -> Entity:
    (_, name, sdn_type, program, title, *vessel_cells, raw_remarks) = cells
    remarks_text = "" if raw_remarks.strip() == "-0-" else raw_remarks
    if comment:
        remarks_text += comment  # no separator: the comment continues mid-word
    remarks = parse_remarks(remarks_text)
    kind = clean(sdn_type)
    etype = _TYPES.get(kind.lower() if kind else None, EntityType.UNKNOWN)

    names = [Name(clean(name) or "", NameType.PRIMARY)]
    for n in (*aliases, *remarks.names):
        if n not in names:
            names.append(n)
    vessel = {k: v for k, c in zip(_VESSEL_COLUMNS, vessel_cells, strict=True) if (v := clean(c))}
    codes = {a.country_code for a in addresses if a.country_code}
    codes.update(c for c in (*remarks.nationalities, *remarks.citizenships) if len(c) == 2 and c.isupper())
    full = remarks.text or None
    listing = Listing(
        list_id=fs.list_id,
        source_id=key,
        programs=_programs(clean(program)),
        listed_on=remarks.listed_on,
        effective_on=remarks.effective_on,
        divestment_on=remarks.divestment_on,
        source_url=fs.url,
        remarks=full,
    )
    return Entity(
        source=fs.source,
        key=key,
        entity_id=ofac_entity_id(key),
        type=etype,
        names=names,
        identifiers=remarks.identifiers,
        addresses=addresses,
        countries=sorted(codes),
        nationalities=remarks.nationalities,
        citizenships=remarks.citizenships,
        birth_dates=remarks.birth_dates,
        birth_places=remarks.birth_places,
        gender=remarks.gender,
        title=clean(title),
        vessel=vessel,
        relations=remarks.relations,
        listings=[listing],
        remarks=full,
        unpublished=list(unpublished),
    )


def _link_relations(records: list[Entity]) -> None:
    """Fill ``Relation.target_key`` when the linked name is exactly one record's primary name."""
    by_name: dict[str, str | None] = {}
    for rec in records:
        k = rec.name.casefold()
        by_name[k] = None if k in by_name else rec.key  # ambiguous names stay unlinked
    for rec in records:
        if not rec.relations:
            continue
        rec.relations = [_resolve(r, by_name) for r in rec.relations]


def _resolve(rel: Relation, by_name: dict[str, str | None]) -> Relation:
    name = rel.target_name or ""
    if key := by_name.get(name.casefold()):
        return Relation(rel.type, name, key)
    # The remarks' closing period was taken off the last statement; "CO., LTD." needs it back.
    if key := by_name.get((name + ".").casefold()):
        return Relation(rel.type, name + ".", key)
    return rel
