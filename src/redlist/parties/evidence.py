"""Evidence that two entries are one party (or related), each kind with its reason.

Strongest first (the order :mod:`redlist.parties.resolve` applies them in):

- judgements: the user's, then the bundled reviewed ones (same, related, not the same);
- source key: one entry seen in several publications (an OFAC entity number in OFAC's file and
  in the CSL's copy) is one entry already; it is recorded, not linked;
- curated: a curated entry's ``same_as`` and ``related`` ids;
- identifiers: an equal ISIN, LEI, USCC, IMO number or SWIFT/BIC on entries of the same kind;
- names: last, and only with more: the same name once legal forms are set apart, the same type,
  a shared country (and, for people, a shared birth date), on different lists; or, for an
  organization, the same list as published by its primary source and by a copy of it (a parsed
  UFLPA or s.1260H record and the bundled curated entry of the same company: neither publication
  gives a country).

Related links also come from the publications themselves (OFAC's "Linked To", the advanced XML's
"owned or controlled by", the ``subsidiary_of`` records of the UFLPA, s.1260H and FCC parsers): a
relation names another record of the same publication by its key or, failing that, by its name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from redlist.curated.model import CuratedData
from redlist.match.normalize import has_han, identity_tokens
from redlist.model import Entity, EntityType, IdType, NameType, Relation
from redlist.parties.model import Link
from redlist.sources import precedence

#: Identifiers that name one legal person (or one vessel) wherever they appear.
STRONG_IDS = (IdType.ISIN, IdType.LEI, IdType.USCC, IdType.IMO, IdType.SWIFT)
#: Published relation types that say who owns whom (advanced XML); others are context.
OWNERSHIP_TYPES = frozenset({"owned_or_controlled_by", "owned by", "owned_by"})
#: Published relation types (lower case) and the party graph's relation for them ("a is <relation>
#: of b"); a type not named here is "linked_to" (OFAC's "Linked To").
PUBLISHED_RELATIONS: dict[str, str] = {
    **dict.fromkeys(OWNERSHIP_TYPES, "owned_by"),
    "subsidiary_of": "subsidiary",  # the UFLPA, s.1260H and FCC parsers: "X and its subsidiaries: ..."
}
_OFAC_SOURCES = frozenset({"us_ofac_sdn", "us_ofac_cons"})


@dataclass
class EntryInfo:
    """What resolution knows of one entry."""

    entity: Entity  # the merged record (the newest publication's, or the last one before removal)
    sources: list[str]
    lists: list[str]
    current: bool
    kind: str  # official | curated | unlisted
    same_as: list[str] = field(default_factory=list)  # curated only
    related: list[Link] = field(default_factory=list)  # curated only


def source_key_notes(entries: dict[str, EntryInfo]) -> Iterator[Link]:
    """One note per entry carried by several publications (it is one entry, seen more than once)."""
    for entry_id, info in entries.items():
        official = [s for s in info.sources if s not in ("curated", "unlisted")]
        if len(official) > 1:
            yield Link(
                entry_id,
                entry_id,
                "same",
                "source_key",
                f"the same record id ({entry_id}) published by {' and '.join(sorted(official))}",
            )


def curated_links(curated: CuratedData) -> Iterator[Link]:
    """The ``same_as`` and ``related`` links of the curated entries."""
    for entry in (e for lst in curated.lists for e in lst.entries):
        for target in entry.same_as:
            yield Link(
                entry.entity_id,
                target,
                "same",
                "curated",
                f"curated entry {entry.entity_id} names {target} as the same party",
                citation=entry.citation,
                source_url=entry.source_url,
            )
        for rel in entry.related:
            yield Link(
                entry.entity_id,
                rel.entry,
                "related",
                "curated",
                rel.reason,
                relation=rel.relation,
                share=rel.share,
                citation=rel.citation,
                source_url=rel.source_url,
            )


def identifier_links(entries: dict[str, EntryInfo]) -> Iterator[Link]:
    """Entries of the same kind that share a strong identifier."""
    by_value: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for entry_id, info in entries.items():
        kind = _kind(info.entity)
        for ident in info.entity.identifiers:
            if ident.type in STRONG_IDS and ident.valid is not False:
                value = "".join(ident.value.split()).upper()
                by_value[(str(ident.type), value, kind)].append(entry_id)
    for (id_type, value, _), ids in sorted(by_value.items()):
        first, *rest = sorted(set(ids))
        for other in rest:
            yield Link(first, other, "same", "identifier", f"{id_type.upper()} {value} on both")


def name_links(entries: dict[str, EntryInfo]) -> Iterator[Link]:
    """Entries on different lists with the same name, type and a shared country (and birth date).

    Pairs whose primary names agree come before pairs that agree only through an alias, so an
    entry joins the party it is named after rather than one that lists its name as an alias.
    """
    groups: dict[tuple[str, str], dict[str, tuple[str, bool]]] = defaultdict(dict)
    for entry_id, info in entries.items():
        for key, (name, primary) in _name_keys(info.entity):
            known = groups[key].get(entry_id)
            if known is None or (primary and not known[1]):
                groups[key][entry_id] = (name, primary)
    found: list[tuple[int, Link]] = []
    seen: set[tuple[str, str]] = set()
    for (kind, _key), names in sorted(groups.items()):
        ids = sorted(names)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if (a, b) in seen:
                    continue
                why = _corroborated(entries[a], entries[b], kind, (names[a][0], names[b][0]))
                if why:
                    seen.add((a, b))
                    aliases = (not names[a][1]) + (not names[b][1])
                    reason = f"the same name ('{names[a][0]}' and '{names[b][0]}'), {why}"
                    found.append((aliases, Link(a, b, "same", "name", reason)))
    for _, link in sorted(found, key=lambda pair: pair[0]):
        yield link


#: Entity List rows as the CSL writes an affiliate or a subordinate of a listed party.
_AFFILIATE = re.compile(
    r"^(?P<parent>.+?)\.?\s*(?:Affiliated Entity:|,? and subordinate entity)\s+(?P<child>.+)$", re.IGNORECASE
)


def affiliate_links(entries: dict[str, EntryInfo]) -> Iterator[Link]:
    """An Entity List row that names its party an affiliated or subordinate entity of another entry."""
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry_id, info in entries.items():
        if info.kind == "official":
            for lst in info.lists:
                by_name[(lst, _key(info.entity.name))].append(entry_id)
    for entry_id, info in entries.items():
        m = _AFFILIATE.match(info.entity.name) if info.kind == "official" else None
        if m is None:
            continue
        # the parent as written ("Huawei Technologies Co., Ltd. (Huawei)"), else without its bracket
        written = m["parent"].strip()
        parent = _BRACKETED.sub("", written).strip()
        for lst in info.lists:
            targets = by_name.get((lst, _key(written))) or by_name.get((lst, _key(parent)), [])
            for target in targets:
                if target != entry_id:
                    relation = "subsidiary" if "subordinate" in info.entity.name.lower() else "affiliate"
                    yield Link(
                        entry_id,
                        target,
                        "related",
                        "published",
                        f"the {lst} row names it an {'subordinate' if relation == 'subsidiary' else 'affiliated'} "
                        f"entity of {parent}",
                        relation=relation,
                    )


def own_name(name: str) -> str:
    """An affiliate row's own name ("X. Affiliated Entity: Y" -> "Y"); other names unchanged."""
    m = _AFFILIATE.match(name)
    return m["child"].strip() if m else name


def _key(name: str) -> str:
    return "".join(identity_tokens(name, "organization")[0])


def published_relations(entries: dict[str, EntryInfo]) -> Iterator[Link]:
    """Relations the publications state: OFAC's "Linked To", advanced XML relationships, and the
    subsidiaries the UFLPA, s.1260H and FCC publications name, each from the record that states it
    to another record of the same publication (by its key, else by a name only one record bears)."""
    by_key: dict[tuple[str, str], str] = {}
    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry_id, info in entries.items():
        if info.kind != "official":
            continue
        for source in info.sources:
            by_key[(source, entry_id)] = entry_id
            by_key.setdefault((source, info.entity.key), entry_id)
            for name in info.entity.names:
                by_name[(source, _key(name.value))].add(entry_id)
    for entry_id, info in entries.items():
        entity = info.entity
        for rel in entity.relations:
            target = _relation_target(entity, rel, by_key, by_name)
            if target is None or target not in entries or target == entry_id:
                continue
            published = rel.type.replace("_", " ")
            yield Link(
                entry_id,
                target,
                "related",
                "published",
                f"{entity.source} publishes '{published}: {rel.target_name or target}'",
                relation=PUBLISHED_RELATIONS.get(rel.type.lower(), "linked_to"),
                source_url=next((x.source_url for x in entity.listings if x.source_url), None),
                source=entity.source,
            )


# --- helpers -------------------------------------------------------------------------------------


def _kind(entity: Entity) -> str:
    if entity.type in (EntityType.ORGANIZATION, EntityType.SECURITY, EntityType.UNKNOWN):
        return "organization"
    return str(entity.type)


def _name_keys(entity: Entity) -> Iterable[tuple[tuple[str, str], tuple[str, bool]]]:
    kind = _kind(entity)
    if kind not in ("organization", "person"):
        return {}  # vessels and aircraft are one by their IMO number or serial, not their name
    out: dict[tuple[str, str], tuple[str, bool]] = {}
    for name in entity.names:
        if has_han(name.value):
            continue  # compared as translations by the screener, not as keys here
        # "Huawei Technologies Co., Ltd. (Huawei)": the short name in brackets is not part of it
        bare = _BRACKETED.sub("", name.value).strip() or name.value
        tokens, _ = identity_tokens(bare, kind)
        primary = name.type == NameType.PRIMARY
        # one word says two entries are one only as a primary name ("ZTE Corporation"), never as an
        # alias ("CEC" stands for several companies)
        if not tokens or (len(tokens) == 1 and (kind == "person" or not primary or len(tokens[0]) < 3)):
            continue
        # words joined: "SenseTime" and "Sense Time", "Hik Vision" and "Hikvision" are one name
        key = "".join(sorted(tokens) if kind == "person" else tokens)
        if (kind, key) not in out or (primary and not out[(kind, key)][1]):
            out[(kind, key)] = (name.value, primary)
    return out.items()


def countries(entity: Entity) -> set[str]:
    """The ISO-2 countries an entity names (countries, nationalities, citizenships, addresses)."""
    codes = set(entity.countries) | set(entity.nationalities) | set(entity.citizenships)
    codes |= {a.country_code for a in entity.addresses if a.country_code}
    return {c.upper() for c in codes if c and len(c) == 2}


_BRACKETED = re.compile(r"\s*\([^()]*\)\s*$")

#: Places a company of one country is often recorded under (a PRC group listed with its Hong Kong
#: address): for corroborating a name only.
_SAME_PLACE = {"HK": "CN", "MO": "CN"}


def _places(entity: Entity) -> set[str]:
    return {_SAME_PLACE.get(c, c) for c in countries(entity)}


def _copy_of_primary(a: EntryInfo, b: EntryInfo) -> str | None:
    """A list both entries are on, one as its primary publication prints it and the other only in
    copies of it (``sources/data/precedence.yaml``), as words for a reason; else None."""
    for list_id in sorted(set(a.lists) & set(b.lists)):
        primary = precedence.primary(list_id)
        for first, other in ((a, b), (b, a)):
            copies = other.sources
            if primary in first.sources and copies and all(precedence.is_copy(list_id, s) for s in copies):
                return f"both on {list_id}, published by {primary} and copied by {', '.join(copies)}"
    return None


def _corroborated(a: EntryInfo, b: EntryInfo, kind: str, names: tuple[str, str]) -> str | None:
    """Why two same-named entries are one party, or None (not enough besides the name)."""
    if set(a.lists) & set(b.lists) and a.kind == b.kind == "official":
        return None  # the publisher lists them as two entries of one list
    if kind == "organization":
        copied = _copy_of_primary(a, b)
        if copied:
            return f"type {kind}, {copied}"
    if a.kind == b.kind == "official" and kind == "organization":
        forms_a, forms_b = (identity_tokens(n, "organization")[1] for n in names)
        if forms_a and forms_b and not forms_a & forms_b:
            return None  # "... LLC" and "... JSC": two companies of one group, as published
    shared = _places(a.entity) & _places(b.entity)
    if not shared:
        return None
    why = f"type {kind}, country {', '.join(sorted(shared))}"
    if kind == "person":
        dates = set(a.entity.birth_dates) & set(b.entity.birth_dates)
        if not dates:
            return None
        why += f", born {', '.join(sorted(dates))}"
    return why


def _relation_target(
    entity: Entity,
    rel: Relation,
    by_key: dict[tuple[str, str], str],
    by_name: dict[tuple[str, str], set[str]],
) -> str | None:
    """The entry id of a relation's target: a record of the same publication named by its key
    (OFAC's entity number, or a record key that is an entry id), else by a name only one of the
    publication's records bears."""
    key = rel.target_key
    if key and (entity.source in _OFAC_SOURCES or entity.entity_id.startswith("ofac-")):
        return f"ofac-{int(key)}" if key.isdigit() else None
    if key and (entity.source, key) in by_key:
        return by_key[(entity.source, key)]
    if rel.target_name:
        named = by_name.get((entity.source, _key(rel.target_name)), set())
        if len(named) == 1:
            return next(iter(named))
    return None
