"""Load and check the curated YAML files: hand-reviewed list data no agency publishes as a file.

A folder holds one YAML file per legal list (``<list id>.yaml``, e.g. ``us_dod_ccmc.yaml``) and an
optional ``events.yaml`` of dated legal events (designations, injunctions, vacaturs, removals...).
See ``redlist/curated/__init__.py`` for the schema.

The files are read and checked by :mod:`redlist.datafile` against :mod:`redlist.curated.schema`;
this module adds the checks between items (editions, entry references, duplicate ids, the order
of dates). Every problem names the file, the line, the entry or event id and the field.
:func:`check` returns all of them; :func:`load_lists` and :func:`load_events` raise
:class:`CuratedDataError` with the first one, so bad data never reaches a screening result. What
it builds is declared in :mod:`redlist.curated.model` (re-exported here); the packaged data is read
through :func:`redlist.curated.compiled.packaged`, which keeps this loader's output between
processes.
"""

from __future__ import annotations

import functools
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from redlist import datafile
from redlist.curated.model import (
    CaseRef,
    CuratedData,
    CuratedEntry,
    CuratedList,
    CuratedRelation,
    Edition,
    LegalEvent,
    entry_entity,
)
from redlist.curated.schema import (
    EditionSpec,
    EntrySpec,
    EventsFileSpec,
    EventSpec,
    ListFileSpec,
    RelatedSpec,
)
from redlist.datafile import Document, ScopeSpec
from redlist.errors import DataFileError
from redlist.model import LIST_IDS, Entity, Scope
from redlist.versions import folder_version  # the digest, kept apart from the reader (start-up)

EVENTS_FILE = "events.yaml"


class CuratedDataError(DataFileError):
    """A curated data file is malformed; the message names the file, the entry or event and the field."""


# --- list files ------------------------------------------------------------------------------


def _entry(spec: EntrySpec, list_id: str, scopes: dict[str, Scope]) -> CuratedEntry:
    return CuratedEntry(
        list_id=list_id,
        id=spec.id,
        entity_id=f"{list_id}:{spec.id}",
        name=spec.name,
        aliases=tuple(spec.aliases),
        type=spec.type,
        country=spec.country,
        listed_on=spec.listed_on,
        removed_on=spec.removed_on,
        edition=spec.edition,
        identifiers=tuple((i.type, i.value) for i in spec.identifiers),
        citation=spec.citation,
        source_url=spec.source_url,
        verification=spec.verification,
        notes=spec.notes,
        relisted_on=tuple(spec.relisted_on),
        same_as=tuple(spec.same_as),
        related=tuple(_relation(r) for r in spec.related),
        scope=scopes.get(spec.scope) if spec.scope else None,
    )


def _relation(spec: RelatedSpec) -> CuratedRelation:
    return CuratedRelation(spec.entry, spec.relation, spec.share, spec.reason, spec.citation, spec.source_url)


def _reference_problems(
    doc: Document, entries: list[dict[str, Any]], key: str, known: set[Any], what: str
) -> list[str]:
    """Entries naming an edition (or a scope) the file does not have, checked on every entry, even a bad one."""
    out = []
    for i, raw in enumerate(entries):
        ref = raw.get(key)
        if isinstance(ref, str) and ref not in known:
            out.append(doc.problem(("entries", i, key), f"no {key} {ref!r} in this file's {what}"))
    return out


def _entry_problems(doc: Document, i: int, spec: EntrySpec) -> list[str]:
    loc = ("entries", i)
    out = []
    relisted = list(spec.relisted_on)
    if relisted != sorted(relisted) or (relisted and relisted[0] < spec.listed_on):
        out.append(doc.problem((*loc, "relisted_on"), "dates must be in order and not before listed_on"))
    last_start = max([spec.listed_on, *relisted])
    if spec.removed_on and spec.removed_on < last_start:
        out.append(
            doc.problem((*loc, "removed_on"), f"{spec.removed_on} is before the listing date {last_start}")
        )
    return out


def _parse_list_file(path: Path, problems: list[str]) -> CuratedList | None:
    try:
        doc = datafile.read(path)
    except DataFileError as exc:
        problems.append(str(exc))
        return None
    spec, found = datafile.validate(doc, ListFileSpec)
    problems += found
    if spec is None:
        return None
    editions, found = datafile.validate_items(doc, ("editions",), EditionSpec)
    problems += found + datafile.duplicates(doc, spec.editions or [], ("editions",))
    scopes, found = datafile.validate_items(doc, ("scopes",), ScopeSpec)
    problems += found + datafile.duplicates(doc, spec.scopes or [], ("scopes",))
    entries, found = datafile.validate_items(doc, ("entries",), EntrySpec)
    problems += found + datafile.duplicates(doc, spec.entries, ("entries",))
    if spec.list_id not in LIST_IDS:
        problems.append(
            doc.problem(("list",), f"unknown list id {spec.list_id!r} (see redlist.model.LIST_IDS)")
        )
        return None
    if path.stem != spec.list_id:
        problems.append(doc.problem(("list",), f"file name must be {spec.list_id}.yaml"))
    # an entry may name an edition whose own fields are bad: that edition is reported once, above
    problems += _reference_problems(
        doc, spec.entries, "edition", {e.get("id") for e in spec.editions or []}, "editions"
    )
    problems += _reference_problems(
        doc, spec.entries, "scope", {s.get("id") for s in spec.scopes or []}, "scopes"
    )
    for i, entry in entries:
        problems += _entry_problems(doc, i, entry)
    by_id = {s.id: s.scope() for _, s in scopes}
    return CuratedList(
        list_id=spec.list_id,
        title=spec.title,
        authority=spec.authority,
        source_url=spec.source_url,
        editions=tuple(Edition(e.id, e.date, e.citation, e.source_url, e.verification) for _, e in editions),
        entries=tuple(_entry(e, spec.list_id, by_id) for _, e in entries),
        path=path,
        scopes=tuple(by_id.values()),
    )


def _list_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name != EVENTS_FILE)


def _parse_lists(folder: Path, problems: list[str]) -> list[CuratedList]:
    lists = [lst for lst in (_parse_list_file(p, problems) for p in _list_files(folder)) if lst is not None]
    known = {e.entity_id for lst in lists for e in lst.entries}
    for lst in lists:
        for entry in lst.entries:
            refs = [*entry.same_as, *(r.entry for r in entry.related)]
            for ref in refs:
                if ":" in ref and ref not in known:  # a curated id; official ids are checked against the data
                    problems.append(f"{lst.path.name}: entry {entry.id!r}: no curated entry {ref!r}")
                if ref == entry.entity_id:
                    problems.append(
                        f"{lst.path.name}: entry {entry.id!r}: names itself in same_as or related"
                    )
    return lists


# --- events ----------------------------------------------------------------------------------


def _event(spec: EventSpec) -> LegalEvent:
    case = CaseRef(spec.case.title, spec.case.docket, spec.case.court) if spec.case else None
    return LegalEvent(
        spec.id,
        spec.date,
        spec.kind,
        spec.list_id,
        tuple(spec.parties),
        spec.effect,
        spec.until,
        case,
        spec.citation,
        spec.source_url,
        spec.verification,
        spec.summary,
    )


def _event_problems(doc: Document, i: int, spec: EventSpec, known: set[str], today: date) -> list[str]:
    loc = ("events", i)
    out = []
    # A statute's or rule's effective date may be scheduled ahead of today; nothing else may.
    if spec.kind != "effective" and spec.date > today.isoformat():
        out.append(doc.problem((*loc, "date"), f"date in the future: {spec.date}"))
    if spec.list_id not in LIST_IDS:
        out.append(doc.problem((*loc, "list"), f"unknown list id {spec.list_id!r}"))
    if spec.until and spec.until < spec.date:
        out.append(doc.problem((*loc, "until"), f"{spec.until} is before the event date {spec.date}"))
    for j, party in enumerate(spec.parties):
        ref = party.get("entry")
        if ref is not None and ref not in known:
            out.append(
                doc.problem(
                    (*loc, "parties", j),
                    f"no curated entry {ref!r} (entity ids look like 'us_dod_ccmc:xiaomi')",
                )
            )
    return out


def _parse_events(folder: Path, lists: list[CuratedList], problems: list[str]) -> list[LegalEvent]:
    path = folder / EVENTS_FILE
    if not path.exists():
        return []
    try:
        doc = datafile.read(path)
    except DataFileError as exc:
        problems.append(str(exc))
        return []
    spec, found = datafile.validate(doc, EventsFileSpec)
    problems += found
    if spec is None:
        return []
    events, found = datafile.validate_items(doc, ("events",), EventSpec)
    problems += found + datafile.duplicates(doc, spec.events, ("events",))
    known = {e.entity_id for lst in lists for e in lst.entries}
    today = date.today()
    out = []
    for i, event in events:
        found = _event_problems(doc, i, event, known, today)
        problems += found
        if not found:
            out.append(_event(event))
    return out


# --- public API ------------------------------------------------------------------------------


def data_dir() -> Path:
    """The folder of curated YAML files shipped inside the package."""
    return Path(str(resources.files("redlist.curated").joinpath("data")))


def load_lists(folder: Path | None = None) -> list[CuratedList]:
    """Load every list file of ``folder`` (default: the packaged data); raise on the first problem."""
    problems: list[str] = []
    lists = _parse_lists(Path(folder) if folder else data_dir(), problems)
    datafile.raise_problems(problems, CuratedDataError)
    return lists


def load_events(folder: Path | None = None) -> list[LegalEvent]:
    """Load ``events.yaml`` of ``folder``, sorted by date; raise on the first problem.

    Entry references are checked against the list files of the same folder, which must load too.
    """
    folder = Path(folder) if folder else data_dir()
    problems: list[str] = []
    lists = _parse_lists(folder, problems)
    events = _parse_events(folder, lists, problems)
    datafile.raise_problems(problems, CuratedDataError)
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


def curated_entities(folder: Path | None = None) -> list[Entity]:
    """Every curated entry as an :class:`Entity`, one listing per listing period."""
    return [entry_entity(e) for lst in load_lists(folder) for e in lst.entries]


def load(folder: Path | None = None) -> CuratedData:
    """The curated lists and events of ``folder`` (default: the packaged data, read once per process)."""
    if folder is None:
        return _load_packaged()
    return _load_folder(Path(folder))


@functools.cache
def _load_packaged() -> CuratedData:
    return _load_folder(data_dir())


def _load_folder(folder: Path) -> CuratedData:
    problems: list[str] = []
    lists = _parse_lists(folder, problems)
    events = _parse_events(folder, lists, problems)
    datafile.raise_problems(problems, CuratedDataError)
    entries = [entry for lst in lists for entry in lst.entries]
    return CuratedData(
        lists=tuple(lists),
        events=tuple(sorted(events, key=lambda e: (e.date, e.id))),
        entities={entry.entity_id: entry_entity(entry) for entry in entries},
        verification={entry.entity_id: entry.verification for entry in entries},
        version=folder_version(folder),
    )
