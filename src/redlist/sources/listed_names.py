"""The names in one entry of a list written as prose (UFLPA, DoD s.1260H): the listed name, its
aliases, former names and the subsidiaries listed with it; and the records such entries make.

The lists write these in a few ways, all read here::

    Shandong Meijia Group Co., Ltd. (also known as Rizhao Meijia Group)
    Dongguan Oasis Shoes Co., Ltd. (also known as A Co., Ltd.; B Co., Ltd.; and C Co., Ltd.)
    Hongyuan Green Energy Co., Ltd. (also known as HY Solar; and Hoyuan Green Energy Co. Ltd.,
        and formerly known as Wuxi Shangji CNC Co., Ltd.)
    Xinjiang Daqo New Energy Co., Ltd. (including one alias: Xinjiang Great New Energy Co., Ltd.)
    China State Shipbuilding Corporation Limited (CSSC) (formerly China Shipbuilding Industry Corporation)
    Ninestar Corporation and its eight Zhuhai-based subsidiaries: A Co., Ltd.; B Co., Ltd.
    Hoshine Silicon Industry Co., Ltd. (including one subsidiary: Hoshine Silicon Industry (Shanshan) Co., Ltd.)
    Xinjiang Production and Construction Corps (XPCC) and its subordinate and affiliated entities

A bracket that is part of a name ("(Shanshan)", "(Group)", "(Americas)", "(USA)") stays in it;
a trailing all-capitals bracket ("(AVIC)") is an alias.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from redlist.model import Entity, EntityType, Listing, Name, NameType, Relation
from redlist.sources.common import named_entity_id, norm_key

#: Words that open a bracket of aliases or former names.
_AKA = re.compile(
    r"^(?:also\s+known\s+as|a\.?k\.?a\.?,?|aka|including\s+(?:\w+\s+)?(?:alias|aliases)|alias(?:es)?)\s*:?\s*",
    re.IGNORECASE,
)
_FKA = re.compile(
    r"^(?:formerly\s+known\s+as|f\.?k\.?a\.?,?|fka|formerly|previously\s+known\s+as|previously)\s*:?\s*",
    re.IGNORECASE,
)
_SUBS_IN_BRACKET = re.compile(r"^including\s+(?:\w+\s+)?subsidiar(?:y|ies)\s*:?\s*", re.IGNORECASE)
# "... and formerly known as ..." inside an also-known-as bracket
_THEN_FKA = re.compile(
    r"[,;]?\s*(?:and\s+)?(?=(?:formerly\s+known\s+as|f\.k\.a\.|formerly)\b)", re.IGNORECASE
)
#: "<name> and its [eight] [Zhuhai-based] subsidiaries: ..." / ", including [one] subsidiary: ..."
_SUBS_AFTER = re.compile(
    r"(?:,?\s+and\s+its|,?\s+including(?:\s+its)?)\s+(?:(?:\w+|\d+)\s+)?(?:[\w-]+-based\s+)?"
    r"(?:wholly[- ]owned\s+)?subsidiar(?:y|ies)\b\s*[:,]?\s*",
    re.IGNORECASE,
)
#: A tail that names no one: "and its subordinate and affiliated entities".
_GROUP_TAIL = re.compile(
    r",?\s+(?:and|including)\s+(?:all\s+of\s+)?its\s+(?:subordinate|affiliated|affiliates)[\w\s,]*$",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,11}$")
_LEGAL_END = re.compile(
    r"(?:\b(?:Ltd|Inc|LLC|L\.L\.C|Limited|Corporation|Corp|Company|Co|Group|GmbH|PLC|Corps)\.?|\))$"
)
_ABBREVIATED = re.compile(r"\b(?:Ltd|Inc|Co|Corp|Pte|Pvt|Bhd|S\.A|L\.L\.C|L\.P)\.$")
_LEGAL_START = re.compile(r"^(?:Ltd|Inc|LLC|Limited|Co|Corp|Company)\b\.?", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class ListedName:
    """One entry's names as the list writes them."""

    name: str
    aliases: list[str] = field(default_factory=list)
    former: list[str] = field(default_factory=list)
    subsidiaries: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # words that name no one (kept as remarks)


def read_listed_name(text: str) -> ListedName:
    """Split one entry's text into its name, aliases, former names and subsidiaries."""
    text = _SPACES.sub(" ", text).strip().rstrip(";").strip()
    notes: list[str] = []
    group = _GROUP_TAIL.search(text)
    if group:
        notes.append(group[0].lstrip(", ").strip())
        text = text[: group.start()].rstrip()
    subsidiaries: list[str] = []
    after = _subsidiaries_start(text)
    if after is not None:
        start, end = after
        subsidiaries += split_names(text[end:])
        text = text[:start].rstrip(" ,;")
    aliases: list[str] = []
    former: list[str] = []
    # Take brackets off the end, one at a time: "(CSSC) (formerly ...)".
    while text.endswith(")"):
        open_at = _matching_open(text)
        if open_at is None:
            break
        inner = text[open_at + 1 : -1].strip()
        kind, names = _bracket(inner)
        if kind == "name":
            break  # part of the name: "(Shanshan)", "(Group)"
        if kind == "aka":
            aliases[:0] = names
        elif kind == "fka":
            former[:0] = names
        else:
            subsidiaries[:0] = names
        text = text[:open_at].rstrip(" ,")
    # an also-known-as bracket may carry former names too (see _bracket)
    moved = [a for a in aliases if a.startswith("\x00")]
    aliases = [a for a in aliases if not a.startswith("\x00")]
    former += [a[1:] for a in moved]
    return ListedName(text.strip(), _unique(aliases), _unique(former), _unique(subsidiaries), notes)


def _subsidiaries_start(text: str) -> tuple[int, int] | None:
    """Where "and its subsidiaries:" begins and ends, outside brackets."""
    for m in _SUBS_AFTER.finditer(text):
        if _depth(text, m.start()) == 0:
            return m.start(), m.end()
    return None


def _depth(text: str, pos: int) -> int:
    return text[:pos].count("(") - text[:pos].count(")")


def _matching_open(text: str) -> int | None:
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return None


def _bracket(inner: str) -> tuple[str, list[str]]:
    """What a trailing bracket holds: aliases, former names, subsidiaries, or part of the name."""
    m = _SUBS_IN_BRACKET.match(inner)
    if m:
        return "subsidiaries", split_names(inner[m.end() :])
    m = _FKA.match(inner)
    if m:
        return "fka", split_names(inner[m.end() :])
    m = _AKA.match(inner)
    if m:
        rest = inner[m.end() :]
        parts = _THEN_FKA.split(rest, maxsplit=1)
        names = split_names(parts[0])
        if len(parts) > 1:
            fka = _FKA.match(parts[1].strip())
            tail = parts[1].strip()[fka.end() :] if fka else parts[1]
            names += ["\x00" + n for n in split_names(tail)]  # marked: moved to former names
        return "aka", names
    if _ACRONYM.match(inner):
        return "aka", [inner]
    return "name", []


def split_names(text: str) -> list[str]:
    """Split a written list of names: ``A Co., Ltd.; B Co., Ltd.; and C Co., Ltd.``.

    Semicolons separate names when there are any; otherwise a comma or "and" separates two
    names only where the text before it ends in a legal form ("Ltd.", "Inc.", "Corporation")
    and the text after it does not start with one, so "Co., Ltd." and "Production and
    Construction Corps" stay whole.
    """
    text = _SPACES.sub(" ", text).strip().rstrip(";, ").strip()
    if not text:
        return []
    pieces = [p for p in re.split(r"\s*;\s*", text) if p.strip()] if ";" in text else _split_commas(text)
    out = []
    for piece in pieces:
        piece = re.sub(r"^(?:and|or)\s+", "", piece.strip(), flags=re.IGNORECASE).strip(" ,")
        if piece.endswith(".") and not _ABBREVIATED.search(piece):
            piece = piece[:-1]  # the sentence's full stop, not an abbreviation's
        if piece:
            out.append(piece)
    return out


def _split_commas(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for m in re.finditer(r",\s+(?:and\s+)?|\s+and\s+", text):
        before, after = text[start : m.start()].strip(), text[m.end() :]
        if _depth(text, m.start()) == 0 and _LEGAL_END.search(before) and not _LEGAL_START.match(after):
            pieces.append(before)
            start = m.end()
    pieces.append(text[start:].strip())
    return pieces


def _unique(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if n and n not in out:
            out.append(n)
    return out


def build_entities(source: str, list_id: str, entries: Iterable[tuple[ListedName, Listing]]) -> list[Entity]:
    """Records of a list's entries: one per name, keyed by :func:`named_entity_id` (so a
    re-published entry keeps its id), an entry's listings gathered when a name recurs (one company
    on two UFLPA lists). A subsidiary named in an entry is a record of its own, with the entry's
    listing and a ``subsidiary_of`` relation to its parent."""
    entities: dict[str, Entity] = {}

    def entity_for(name: str) -> Entity:
        entity_id = stable_id(list_id, name)
        if entity_id not in entities:
            entities[entity_id] = Entity(
                source=source,
                key=entity_id,
                entity_id=entity_id,
                type=EntityType.ORGANIZATION,
                names=[Name(name)],
            )
        return entities[entity_id]

    for listed, listing in entries:
        parent = entity_for(listed.name)
        _add_names(
            parent, [(a, NameType.AKA) for a in listed.aliases] + [(f, NameType.FKA) for f in listed.former]
        )
        _add_listing(parent, listing)
        for sub in listed.subsidiaries:
            child = entity_for(sub)
            note = f"listed as a subsidiary of {listed.name}"
            _add_listing(child, replace(listing, programs=list(listing.programs), remarks=note))
            relation = Relation("subsidiary_of", target_name=listed.name, target_key=parent.key)
            if relation not in child.relations:
                child.relations.append(relation)
    return list(entities.values())


def stable_id(list_id: str, name: str) -> str:
    """An entry's id from its list and its name, punctuation aside: the page's "Co., Ltd." and the
    Federal Register's "Co., Ltd" are one entry, and keep one id from edition to edition."""
    return named_entity_id(list_id, " ".join(re.findall(r"\w+", name)))


def _add_names(entity: Entity, names: list[tuple[str, NameType]]) -> None:
    seen = {norm_key(n.value) for n in entity.names}
    for value, kind in names:
        if norm_key(value) not in seen:
            entity.names.append(Name(value, kind))
            seen.add(norm_key(value))


def _add_listing(entity: Entity, listing: Listing) -> None:
    if listing not in entity.listings:
        entity.listings.append(listing)
