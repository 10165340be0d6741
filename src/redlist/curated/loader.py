"""Load and check the curated YAML files: hand-reviewed list data no agency publishes as a file.

A folder holds one YAML file per legal list (``<list id>.yaml``, e.g. ``us_dod_ccmc.yaml``) and an
optional ``events.yaml`` of dated legal events (designations, injunctions, vacaturs, removals...).
See ``redlist/curated/__init__.py`` for the schema.

Every check collects problems as messages that name the file, the entry or event id and the
field. :func:`check` returns all of them; :func:`load_lists` and :func:`load_events` raise
:class:`CuratedDataError` on the first one, so bad data never reaches a screening result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from redlist import identifiers as ids
from redlist.errors import DataFileError
from redlist.model import LIST_IDS, Entity, EntityType, IdType, Listing, Name, NameType, parse_iso_day

VERIFICATION = ("confirmed", "secondary", "unconfirmed")
EVENT_KINDS = (
    "designation",
    "effective",
    "injunction",
    "injunction_dissolved",
    "vacatur",
    "settlement",
    "removal",
    "relisting",
    "denial_order",
    "denial_suspended",
    "denial_lifted",
    "rule",
    "dismissal",
    "amendment",
    "statute",
)
EFFECTS = ("start", "suspend", "resume", "end", "none")
PARTY_KEYS = ("entry", "entity_id", "name")
EVENTS_FILE = "events.yaml"

_LIST_KEYS = {"list", "title", "authority", "source_url", "editions", "entries"}
_EDITION_KEYS = {"id", "date", "citation", "source_url", "verification"}
_ENTRY_KEYS = {
    "id",
    "name",
    "aliases",
    "type",
    "country",
    "listed_on",
    "edition",
    "removed_on",
    "relisted_on",
    "identifiers",
    "citation",
    "source_url",
    "verification",
    "notes",
}
_EVENT_KEYS = {
    "id",
    "date",
    "kind",
    "list",
    "parties",
    "effect",
    "until",
    "case",
    "citation",
    "source_url",
    "verification",
    "summary",
}
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class CuratedDataError(DataFileError):
    """A curated data file is malformed; the message names the file, the entry or event and the field."""


@dataclass(frozen=True)
class Edition:
    """A dated tranche or edition of a list (e.g. DoD's 2021-01-14 CCMC tranche)."""

    id: str
    date: str
    citation: str
    source_url: str
    verification: str


@dataclass(frozen=True)
class CuratedEntry:
    """One hand-reviewed list entry. Dates are ISO strings.

    ``relisted_on`` holds dates on which the entry was taken off and put back on the list the same
    day (DoD's Hesai delisting and re-listing on a new record). A removal followed by a re-listing
    on a later day is modelled as ``removal``/``relisting`` events in ``events.yaml`` instead.
    """

    list_id: str
    id: str
    entity_id: str
    name: str
    aliases: tuple[str, ...]
    type: str
    country: str | None
    listed_on: str
    removed_on: str | None
    edition: str | None
    identifiers: tuple[tuple[str, str], ...]  # (IdType value, value as published)
    citation: str
    source_url: str
    verification: str
    notes: str | None
    relisted_on: tuple[str, ...] = ()

    def periods(self) -> list[tuple[str, str | None]]:
        """The listing periods as (start, end) pairs; end None while still listed."""
        starts = [self.listed_on, *self.relisted_on]
        ends: list[str | None] = [*self.relisted_on, self.removed_on]
        return list(zip(starts, ends, strict=True))


@dataclass(frozen=True)
class CuratedList:
    """One curated list file."""

    list_id: str
    title: str
    authority: str
    source_url: str
    editions: tuple[Edition, ...]
    entries: tuple[CuratedEntry, ...]
    path: Path


@dataclass(frozen=True)
class CaseRef:
    """The court case an event belongs to."""

    title: str
    docket: str | None
    court: str | None


@dataclass(frozen=True)
class LegalEvent:
    """A dated legal event acting on a listing (designation, injunction, vacatur, removal...)."""

    id: str
    date: str
    kind: str
    list_id: str
    parties: tuple[dict[str, str], ...]  # each exactly one of {"entry"|"entity_id"|"name": value}
    effect: str
    until: str | None
    case: CaseRef | None
    citation: str
    source_url: str
    verification: str
    summary: str


# --- YAML ------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that leaves dates as strings.

    The stock loader turns ``2021-02-30`` into an exception for the whole file and
    ``2021-01-14`` into a ``date``; keeping strings lets each bad date be reported with its
    entry and field, and keeps "YYYY-MM-DD" the only accepted spelling.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: cannot read YAML: {exc}")
        return None


# --- field checks ------------------------------------------------------------------------------


class _Where:
    """Formats problem messages as ``file: entry 'id': field 'x': what is wrong``."""

    def __init__(self, file: str, problems: list[str], item: str = "") -> None:
        self.file = file
        self.item = item
        self.problems = problems

    def at(self, kind: str, item_id: Any) -> _Where:
        return _Where(self.file, self.problems, f"{kind} {str(item_id)!r}")

    def add(self, field: str | None, message: str) -> None:
        parts = [self.file, self.item, f"field {field!r}" if field else ""]
        self.problems.append(": ".join(p for p in parts if p) + f": {message}")


def _text(d: dict, key: str, where: _Where, *, required: bool = True) -> str | None:
    value = d.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            where.add(key, "missing or empty")
        return None
    if not isinstance(value, str):
        # numbers or lists where text belongs are almost always a YAML slip (unquoted id, etc.)
        where.add(key, f"must be text, got {type(value).__name__}")
        return None
    return value.strip()


def _date(d: dict, key: str, where: _Where, *, required: bool = True, future_ok: bool = False) -> str | None:
    value = d.get(key)
    if value is None or value == "":
        if required:
            where.add(key, "missing or empty")
        return None
    return _check_date(value, key, where, future_ok=future_ok)


def _check_date(value: Any, key: str, where: _Where, *, future_ok: bool = False) -> str | None:
    text = str(value).strip()
    try:
        parsed = parse_iso_day(text)
    except ValueError:
        where.add(key, f"not a valid ISO date (YYYY-MM-DD): {text!r}")
        return None
    if not future_ok and parsed > date.today():
        where.add(key, f"date in the future: {text}")
        return None
    return text


def _url(d: dict, key: str, where: _Where, *, required: bool = True) -> str | None:
    value = _text(d, key, where, required=required)
    if value is not None and not value.startswith(("http://", "https://")):
        where.add(key, f"must start with http:// or https://: {value!r}")
        return None
    return value


def _choice(d: dict, key: str, allowed: tuple[str, ...], where: _Where) -> str | None:
    value = _text(d, key, where)
    if value is not None and value not in allowed:
        where.add(key, f"{value!r} is not one of {', '.join(allowed)}")
        return None
    return value


def _slug(d: dict, key: str, where: _Where) -> str | None:
    value = d.get(key)
    if isinstance(value, str) and _SLUG.match(value):
        return value
    if value is None or value == "":
        where.add(key, "missing or empty")
    else:
        where.add(key, f"must be a lower-case slug (a-z, 0-9, - _ .): {value!r}")
    return None


def _unknown_keys(d: dict, allowed: set[str], where: _Where) -> None:
    # A misspelt optional key (``remove_on``) would otherwise be silently ignored.
    for key in sorted(set(d) - allowed, key=str):
        where.add(str(key), "unknown field")


def _str_list(d: dict, key: str, where: _Where) -> list[str]:
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        where.add(key, "must be a list")
        return []
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            where.add(key, f"items must be non-empty text, got {item!r}")
        else:
            out.append(item.strip())
    return out


# --- list files ------------------------------------------------------------------------------


def _parse_edition(raw: Any, where: _Where) -> Edition | None:
    if not isinstance(raw, dict):
        where.add("editions", f"each edition must be a mapping, got {raw!r}")
        return None
    eid = _slug(raw, "id", where.at("edition", "?"))
    w = where.at("edition", eid or raw.get("id", "?"))
    _unknown_keys(raw, _EDITION_KEYS, w)
    values = (
        _date(raw, "date", w),
        _text(raw, "citation", w),
        _url(raw, "source_url", w),
        _choice(raw, "verification", VERIFICATION, w),
    )
    if eid is None or any(v is None for v in values):
        return None
    return Edition(eid, *values)  # type: ignore[arg-type]


def _parse_identifiers(raw: dict, w: _Where) -> tuple[tuple[str, str], ...]:
    value = raw.get("identifiers")
    if value is None:
        return ()
    if not isinstance(value, list):
        w.add("identifiers", "must be a list of {type, value}")
        return ()
    out = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"type", "value"}:
            w.add("identifiers", f"each identifier must be {{type, value}}, got {item!r}")
            continue
        kind, val = str(item["type"]), str(item["value"]).strip()
        if kind not in {t.value for t in IdType}:
            w.add("identifiers", f"unknown identifier type {kind!r}")
        elif not val:
            w.add("identifiers", f"empty {kind} value")
        elif ids.make(IdType(kind), val).valid is False:
            w.add("identifiers", f"{kind} {val!r} fails its check digits")
        else:
            out.append((kind, val))
    return tuple(out)


def _parse_entry(raw: Any, list_id: str, editions: set[str], where: _Where) -> CuratedEntry | None:
    if not isinstance(raw, dict):
        where.add("entries", f"each entry must be a mapping, got {raw!r}")
        return None
    eid = _slug(raw, "id", where.at("entry", "?"))
    w = where.at("entry", eid or raw.get("id", "?"))
    _unknown_keys(raw, _ENTRY_KEYS, w)
    name = _text(raw, "name", w)
    listed_on = _date(raw, "listed_on", w)
    removed_on = _date(raw, "removed_on", w, required=False)
    citation = _text(raw, "citation", w)
    source_url = _url(raw, "source_url", w)
    verification = _choice(raw, "verification", VERIFICATION, w)
    notes = _text(raw, "notes", w, required=False)
    aliases = _str_list(raw, "aliases", w)

    etype = raw.get("type", EntityType.ORGANIZATION.value)
    if etype not in {t.value for t in EntityType} or etype == EntityType.UNKNOWN.value:
        w.add("type", f"{etype!r} is not one of person, organization, vessel, aircraft, security")
        etype = None
    country = _text(raw, "country", w, required=False)
    if country is not None and not _COUNTRY.match(country):
        w.add("country", f"must be an upper-case ISO 3166-1 alpha-2 code, got {country!r}")
    edition = _text(raw, "edition", w, required=False)
    if edition is not None and edition not in editions:
        w.add("edition", f"no edition {edition!r} in this file's editions")

    relisted: list[str] = []
    raw_relisted = raw.get("relisted_on")
    if raw_relisted is not None and not isinstance(raw_relisted, list):
        w.add("relisted_on", "must be a list of dates")
    else:
        for item in raw_relisted or []:
            day = _check_date(item, "relisted_on", w)
            if day is not None:
                relisted.append(day)
    if relisted != sorted(relisted) or (listed_on and relisted and relisted[0] < listed_on):
        w.add("relisted_on", "dates must be in order and not before listed_on")
    last_start = max([listed_on or "", *relisted])
    if removed_on and last_start and removed_on < last_start:
        w.add("removed_on", f"{removed_on} is before the listing date {last_start}")
    identifiers = _parse_identifiers(raw, w)

    required = (eid, name, listed_on, citation, source_url, verification, etype)
    if any(v is None for v in required):
        return None
    return CuratedEntry(
        list_id=list_id,
        id=eid,  # type: ignore[arg-type]
        entity_id=f"{list_id}:{eid}",
        name=name,  # type: ignore[arg-type]
        aliases=tuple(aliases),
        type=etype,  # type: ignore[arg-type]
        country=country,
        listed_on=listed_on,  # type: ignore[arg-type]
        removed_on=removed_on,
        edition=edition,
        identifiers=identifiers,
        citation=citation,  # type: ignore[arg-type]
        source_url=source_url,  # type: ignore[arg-type]
        verification=verification,  # type: ignore[arg-type]
        notes=notes,
        relisted_on=tuple(relisted),
    )


def _duplicates(items: Iterable[str | None], what: str, where: _Where) -> None:
    seen: set[str] = set()
    for item in items:
        if item is None:
            continue
        if item in seen:
            where.at(what, item).add("id", "duplicate id")
        seen.add(item)


def _parse_list_file(path: Path, problems: list[str]) -> CuratedList | None:
    where = _Where(path.name, problems)
    doc = _read_yaml(path, problems)
    if doc is None:
        return None
    if not isinstance(doc, dict):
        where.add(None, "must be a mapping with 'list', 'title', 'entries', ...")
        return None
    _unknown_keys(doc, _LIST_KEYS, where)
    list_id = _text(doc, "list", where)
    if list_id is not None and list_id not in LIST_IDS:
        where.add("list", f"unknown list id {list_id!r} (see redlist.model.LIST_IDS)")
        list_id = None
    if list_id is not None and path.stem != list_id:
        where.add("list", f"file name must be {list_id}.yaml")
    title = _text(doc, "title", where)
    authority = _text(doc, "authority", where)
    source_url = _url(doc, "source_url", where)

    raw_editions = doc.get("editions") or []
    raw_entries = doc.get("entries")
    if not isinstance(raw_editions, list):
        where.add("editions", "must be a list")
        raw_editions = []
    if not isinstance(raw_entries, list) or not raw_entries:
        where.add("entries", "missing, empty or not a list")
        raw_entries = []
    editions = [_parse_edition(e, where) for e in raw_editions]
    _duplicates((e.get("id") for e in raw_editions if isinstance(e, dict)), "edition", where)
    edition_ids = {e["id"] for e in raw_editions if isinstance(e, dict) and isinstance(e.get("id"), str)}
    entries = [_parse_entry(e, list_id or path.stem, edition_ids, where) for e in raw_entries]
    _duplicates((e.get("id") for e in raw_entries if isinstance(e, dict)), "entry", where)

    if list_id is None or title is None or authority is None or source_url is None:
        return None
    return CuratedList(
        list_id=list_id,
        title=title,
        authority=authority,
        source_url=source_url,
        editions=tuple(e for e in editions if e is not None),
        entries=tuple(e for e in entries if e is not None),
        path=path,
    )


def _list_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name != EVENTS_FILE)


def _parse_lists(folder: Path, problems: list[str]) -> list[CuratedList]:
    lists = [_parse_list_file(p, problems) for p in _list_files(folder)]
    return [lst for lst in lists if lst is not None]


# --- events ----------------------------------------------------------------------------------


def _parse_parties(raw: dict, known: set[str], w: _Where) -> tuple[dict[str, str], ...] | None:
    value = raw.get("parties")
    if not isinstance(value, list) or not value:
        w.add("parties", "must be a non-empty list")
        return None
    out = []
    for party in value:
        if not isinstance(party, dict) or len(party) != 1 or next(iter(party)) not in PARTY_KEYS:
            w.add("parties", f"each party must have exactly one of {', '.join(PARTY_KEYS)}: {party!r}")
            return None
        key, ref = next(iter(party.items()))
        if not isinstance(ref, str) or not ref.strip():
            w.add("parties", f"{key} must be non-empty text: {party!r}")
            return None
        if key == "entry" and ref not in known:
            w.add("parties", f"no curated entry {ref!r} (entity ids look like 'us_dod_ccmc:xiaomi')")
            return None
        out.append({key: ref.strip()})
    return tuple(out)


def _parse_case(raw: dict, w: _Where) -> CaseRef | None:
    value = raw.get("case")
    if value is None:
        return None
    if not isinstance(value, dict) or not set(value) <= {"title", "docket", "court"}:
        w.add("case", "must be a mapping of title, docket, court")
        return None
    title = _text(value, "title", w)
    docket = _text(value, "docket", w, required=False)
    court = _text(value, "court", w, required=False)
    return CaseRef(title, docket, court) if title else None


def _parse_event(raw: Any, known: set[str], where: _Where) -> LegalEvent | None:
    if not isinstance(raw, dict):
        where.add("events", f"each event must be a mapping, got {raw!r}")
        return None
    eid = _slug(raw, "id", where.at("event", "?"))
    w = where.at("event", eid or raw.get("id", "?"))
    _unknown_keys(raw, _EVENT_KEYS, w)
    kind = _choice(raw, "kind", EVENT_KINDS, w)
    # A statute's or rule's effective date may be scheduled ahead of today; nothing else may.
    day = _date(raw, "date", w, future_ok=kind == "effective")
    list_id = _text(raw, "list", w)
    if list_id is not None and list_id not in LIST_IDS:
        w.add("list", f"unknown list id {list_id!r}")
        list_id = None
    parties = _parse_parties(raw, known, w)
    effect = _choice(raw, "effect", EFFECTS, w)
    # ``until`` ends a temporary effect (a stay, a licence) and may lie ahead.
    until = _date(raw, "until", w, required=False, future_ok=True)
    if until and day and until < day:
        w.add("until", f"{until} is before the event date {day}")
    case = _parse_case(raw, w)
    citation = _text(raw, "citation", w)
    source_url = _url(raw, "source_url", w)
    verification = _choice(raw, "verification", VERIFICATION, w)
    summary = _text(raw, "summary", w)
    required = (eid, day, kind, list_id, parties, effect, citation, source_url, verification, summary)
    if any(v is None for v in required):
        return None
    return LegalEvent(
        eid,  # type: ignore[arg-type]
        day,  # type: ignore[arg-type]
        kind,  # type: ignore[arg-type]
        list_id,  # type: ignore[arg-type]
        parties,  # type: ignore[arg-type]
        effect,  # type: ignore[arg-type]
        until,
        case,
        citation,  # type: ignore[arg-type]
        source_url,  # type: ignore[arg-type]
        verification,  # type: ignore[arg-type]
        summary,  # type: ignore[arg-type]
    )


def _parse_events(folder: Path, lists: list[CuratedList], problems: list[str]) -> list[LegalEvent]:
    path = folder / EVENTS_FILE
    if not path.exists():
        return []
    where = _Where(path.name, problems)
    doc = _read_yaml(path, problems)
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        where.add("events", "the file must be a mapping with an 'events' list")
        return []
    _unknown_keys(doc, {"events"}, where)
    known = {e.entity_id for lst in lists for e in lst.entries}
    events = [_parse_event(e, known, where) for e in doc["events"]]
    _duplicates((e.get("id") for e in doc["events"] if isinstance(e, dict)), "event", where)
    return [e for e in events if e is not None]


# --- public API ------------------------------------------------------------------------------


def data_dir() -> Path:
    """The folder of curated YAML files shipped inside the package."""
    return Path(str(resources.files("redlist.curated").joinpath("data")))


def _raise_first(problems: list[str]) -> None:
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise CuratedDataError(problems[0] + more, problems=problems)


def load_lists(folder: Path | None = None) -> list[CuratedList]:
    """Load every list file of ``folder`` (default: the packaged data); raise on the first problem."""
    problems: list[str] = []
    lists = _parse_lists(Path(folder) if folder else data_dir(), problems)
    _raise_first(problems)
    return lists


def load_events(folder: Path | None = None) -> list[LegalEvent]:
    """Load ``events.yaml`` of ``folder``, sorted by date; raise on the first problem.

    Entry references are checked against the list files of the same folder, which must load too.
    """
    folder = Path(folder) if folder else data_dir()
    problems: list[str] = []
    lists = _parse_lists(folder, problems)
    events = _parse_events(folder, lists, problems)
    _raise_first(problems)
    return sorted(events, key=lambda e: (e.date, e.id))


def check(folder: Path | None = None) -> list[str]:
    """Every problem in the list files and events file of ``folder``, as messages (empty: all good)."""
    folder = Path(folder) if folder else data_dir()
    problems: list[str] = []
    if not folder.is_dir():
        return [f"{folder}: not a folder"]
    lists = _parse_lists(folder, problems)
    _parse_events(folder, lists, problems)
    return problems


def entry_entity(entry: CuratedEntry) -> Entity:
    """One curated entry as a :class:`redlist.model.Entity` of source ``curated``."""
    names = [Name(entry.name)] + [Name(a, NameType.AKA) for a in entry.aliases if a != entry.name]
    listings = [
        Listing(
            list_id=entry.list_id,
            source_id=entry.id,
            listed_on=start,
            ends_on=end,
            federal_register=[entry.citation],
            source_url=entry.source_url,
            remarks=f"verification: {entry.verification}",
        )
        for start, end in entry.periods()
    ]
    return Entity(
        source="curated",
        key=entry.entity_id,
        entity_id=entry.entity_id,
        type=EntityType(entry.type),
        names=names,
        identifiers=[ids.make(IdType(kind), value) for kind, value in entry.identifiers],
        countries=[entry.country] if entry.country else [],
        listings=listings,
        remarks=entry.notes,
    )


def curated_entities(folder: Path | None = None) -> list[Entity]:
    """Every curated entry as an :class:`Entity`, one listing per listing period."""
    return [entry_entity(e) for lst in load_lists(folder) for e in lst.entries]
