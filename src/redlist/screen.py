"""Screening: queries -> candidates -> scored, explained matches.

>>> screener = Screener.from_store(store)          # load once
>>> screener.screen(Query("Huawei Technologies"))   # screen many
>>> compare("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES COMPANY LIMITED")

A name matches a list entry when one of the query's forms (the name, and for Chinese names its
translation and pinyin) scores at least the threshold against one of the entry's names; an
identifier (ISIN, LEI, USCC, IMO, ...) matches when it is equal after normalisation. Every match
says which name or identifier met which, and which features made the score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from redlist.errors import RedlistError
from redlist.identifiers import is_valid, normalize
from redlist.match.adjust import (
    ANCHOR_UNMET_FACTOR,
    GENERIC_ONLY_FACTOR,
    OTHER_NAME_TYPO_FACTOR,
    PERSON_SHAPED_OTHER_FACTOR,
    SHORT_FUZZY_FACTOR,
    alias_factor,
    common_only,
    generic_only,
    other_name_typo,
    person_shaped,
    same_chinese_name,
    short_fuzzy_only,
    unmet_anchors,
)
from redlist.match.chinese_names import (
    OTHER_NAME_CAP,
    OTHER_PINYIN_FACTOR,
)
from redlist.match.cjk import han_similarity, personal_name
from redlist.match.explain import name_features, name_summary
from redlist.match.index import NameIndex
from redlist.match.normalize import NameForm, forms, has_han, has_hangul, written_legal_forms
from redlist.match.pinyin_reading import pinyin_forms
from redlist.match.qualifiers import (
    MAX_RAISE,
    apply_qualifiers,
    birth_evidence,
    nationality_evidence,
    parse_birth_date,
    parse_country,
)
from redlist.match.score import ONE_WORD_CAP, Comparison, compare_forms
from redlist.match.spellings import other_spellings
from redlist.match.weights import WordWeights, word_weights
from redlist.model import Entity, EntityType, IdType
from redlist.util import gc_paused

#: The default threshold: calibrated on the evaluation in docs/benchmarks.md.
MATCH_THRESHOLD = 0.70

#: Query types users may give, and the entity types they mean.
QUERY_TYPES: dict[str, str | None] = {
    "any": None,
    "person": "person",
    "individual": "person",
    "company": "organization",
    "organization": "organization",
    "organisation": "organization",
    "entity": "organization",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
MAX_NAME_LENGTH = 1000
_CANDIDATES = 30  # names scored per query form
_KEEP = 0.4  # ... among those with at least this share of the best one's index score
_COUNTRY_MISMATCH = 0.92
_COUNTRY_MATCH = 0.02  # added when the query's country is among the entry's
_UNKNOWN = str(EntityType.UNKNOWN)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(slots=True)
class Query:
    """One party to screen: a name and/or identifiers, with optional type, country and lists.

    ``birth_date`` (ISO ``YYYY-MM-DD``, ``YYYY-MM`` or the year) and ``nationality`` (ISO-2) are
    qualifiers: compared with a listed person's, they raise a name match or clear a namesake.
    """

    name: str | None = None
    type: str | None = None
    country: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    lists: list[str] | None = None
    id: str | None = None
    birth_date: str | None = None
    nationality: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        for key in ("type", "country", "birth_date", "nationality", "id"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.identifiers:
            out["identifiers"] = dict(self.identifiers)
        if self.lists:
            out["lists"] = list(self.lists)
        return out


@dataclass(slots=True)
class Match:
    """One list entry that may be the queried party."""

    entity_id: str
    name: str
    matched_name: str
    score: float
    type: str
    lists: list[dict[str, Any]]
    explanation: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "matched_name": self.matched_name,
            "score": self.score,
            "type": self.type,
            "lists": self.lists,
            "explanation": self.explanation,
        }


@dataclass(slots=True)
class ScreenResult:
    """The answer for one query: matches at or above the threshold, best first."""

    query: Query
    matches: list[Match] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] | None = None  # the receipt: which snapshots and curated data answered
    #: entries whose name met the threshold but the query's qualifiers (date of birth, nationality)
    #: took below it: the namesakes cleared, each with the reason
    cleared: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.query.id, "query": self.query.to_dict()}
        out["matches"] = [m.to_dict() for m in self.matches]
        if self.error:
            out["error"] = self.error
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.cleared:
            out["cleared"] = list(self.cleared)
        if self.data is not None:
            out["data"] = self.data
        return out


def kind_of(query_type: str | None) -> str:
    """The comparison kind for a query type ("company" -> "organization"); raises on unknown types."""
    if query_type is None or query_type == "":
        return "any"
    key = query_type.strip().lower()
    if key not in QUERY_TYPES:
        raise RedlistError(f"unknown type {query_type!r}; use one of: {', '.join(QUERY_TYPES)}")
    return QUERY_TYPES[key] or "any"


def compare(name1: str, name2: str, kind: str = "any") -> float:
    """The similarity of two names in [0, 1], as the screener scores them (no index, no qualifiers)."""
    kind = kind_of(kind)
    if (has_han(name1) and has_han(name2)) or (has_hangul(name1) and has_hangul(name2)):
        # syllable by syllable: one syllable of a short Han or Korean name is not a typo (김종은 /
        # 김정은 are two people), which their romanisations would make one
        return han_similarity(name1, name2)
    best = 0.0
    others = _other_spellings(forms(name2, kind))
    for a in _other_spellings(forms(name1, kind)):
        for b in others:
            best = max(best, compare_forms(a, b, kind, symmetric=True).score)
    return round(best, 4)


def _other_spellings(base: list[NameForm]) -> list[NameForm]:
    """A name's forms and those of its other spellings (Wade-Giles read as pinyin, initials run
    together, katakana's added vowels: :mod:`redlist.match.spellings`)."""
    extra = other_spellings(base)
    return base + extra if extra else base


def clean_name(name: str | None) -> str:
    """The name to screen, or a RedlistError saying why it cannot be screened."""
    if name is None or not name.strip():
        raise RedlistError("empty name")
    if len(name) > MAX_NAME_LENGTH:
        raise RedlistError(f"name is {len(name):,} characters long; the limit is {MAX_NAME_LENGTH:,}")
    text = _CONTROL.sub(" ", name)
    # (no ASCII character is private, a surrogate or unassigned: most names skip the look-up)
    if "\ufffd" in text or (
        not text.isascii() and sum(1 for c in text if unicodedata.category(c) in ("Co", "Cs", "Cn")) > 0
    ):
        raise RedlistError("name contains undecodable or unassigned characters (binary data?)")
    if not any(c.isalnum() for c in text):
        raise RedlistError("name has no letters or digits")
    return " ".join(text.split())


class Screener:
    """An in-memory index of list entries: load once, screen many queries."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        with gc_paused():  # the index is many small acyclic objects; GC passes would double the build
            self._build(list(entities))

    def _build(self, entities: list[Entity]) -> None:
        self.entities: list[Entity] = entities
        name_forms: list[NameForm] = []
        self._name_entity: list[int] = []
        self._name_type: list[str] = []
        self._id_index: dict[tuple[str, str], list[int]] = {}
        for e, entity in enumerate(self.entities):
            kind = _entity_kind(entity)
            for name in entity.names:
                for f in forms(name.value, kind):
                    name_forms.append(f)
                    self._name_entity.append(e)
                    self._name_type.append(str(name.type))
            for ident in entity.identifiers:
                key = (str(ident.type), normalize(ident.type, ident.value))
                self._id_index.setdefault(key, []).append(e)
        self.index = NameIndex(name_forms)
        self._countries = [_countries(e) for e in self.entities]
        self._kinds = [_entity_kind(e) for e in self.entities]
        self._types = [_screen_type(e) for e in self.entities]
        self.entity_ids: list[str] = [e.entity_id for e in self.entities]

    @classmethod
    def from_store(cls, store: Any, curated: bool = True) -> Screener:
        """A screener over the current state of every list in a store, and the bundled curated lists."""
        from redlist.store.current import current_entities

        entities = current_entities(store)
        if curated:  # the bundled lists, without entries no longer on them (the checker keeps those)
            from datetime import date

            from redlist.curated import curated_entities

            today = date.today().isoformat()
            entities += [
                e for e in curated_entities() if any(not x.ends_on or x.ends_on > today for x in e.listings)
            ]
        return cls(entities)

    def __len__(self) -> int:
        return len(self.entities)

    def screen(
        self,
        query: Query | str,
        threshold: float | None = None,
        limit: int = 10,
        exhaustive: bool = False,
    ) -> ScreenResult:
        """Matches for one query. A bad query gives a result with ``error`` set, never an exception.

        ``exhaustive`` scores every list name instead of the index's candidates (for recall checks).
        """
        if isinstance(query, str):
            query = Query(name=query)
        threshold = MATCH_THRESHOLD if threshold is None else threshold
        result = ScreenResult(query)
        try:
            kind = kind_of(query.type)
            query.birth_date = parse_birth_date(query.birth_date)
            query.nationality = parse_country(query.nationality)
            if query.birth_date and kind == "any":
                kind = "person"  # only people are born: "HITTA, Sidan Ag" is not a company (AG)
            best: dict[int, Match] = {}
            self._match_identifiers(query, result, best)
            if query.name is not None or not query.identifiers:
                name = clean_name(query.name)
                self._match_names(name, kind, query, best, exhaustive, threshold)
        except RedlistError as exc:
            result.error = str(exc)
            return result
        matches = [m for m in best.values() if m.score >= threshold]
        matches.sort(key=lambda m: (-m.score, m.entity_id))
        result.matches = matches[:limit]
        if query.birth_date or query.nationality:
            result.cleared = _cleared(best.values(), threshold)[:limit]
        return result

    def screen_many(
        self, queries: Iterable[Query], threshold: float | None = None, limit: int = 10
    ) -> Iterator[ScreenResult]:
        """Results for many queries, in order."""
        for query in queries:
            yield self.screen(query, threshold=threshold, limit=limit)

    def _allowed(self, e: int, query: Query, kind: str) -> bool:
        # the entry itself is read only when lists are asked for: an index opened from its file
        # decodes entries on first use, and most candidates are never shown
        if query.lists and not set(query.lists) & set(self.entities[e].list_ids):
            return False
        if kind == "any":
            return True
        etype = self._types[e]
        if kind == "organization":
            return etype in ("organization", "security", "unknown")
        return etype in (kind, "unknown")

    def _match_identifiers(self, query: Query, result: ScreenResult, best: dict[int, Match]) -> None:
        for label, raw in query.identifiers.items():
            value = str(raw).strip()
            if not value:
                continue
            try:
                kind = IdType(label.strip().lower())
            except ValueError:
                result.warnings.append(f"{label}: unknown identifier type; not matched")
                continue
            # separators go before the check ("US-0378331005" is how some documents print one)
            norm = normalize(kind, value)
            listed = self._id_index.get((str(kind), norm), ())
            valid = is_valid(kind, norm)
            if valid is False and not listed:
                result.warnings.append(f"{kind}: {value} is invalid (check digit or format); not matched")
                continue
            for e in listed:
                if not self._allowed(e, query, "any"):
                    continue
                features: dict[str, Any] = {"identifier": {"type": str(kind), "value": norm}}
                summary = f"{kind} {norm} is an identifier of this entry (exact match)"
                if valid is False:
                    # the list itself prints it so: the value the user was given is the listed one
                    features["identifier"]["valid"] = False
                    summary += "; as published, it fails its check digit"
                best[e] = self._match(e, f"{kind}:{norm}", 1.0, {"summary": summary, "features": features})

    def _match_names(
        self, name: str, kind: str, query: Query, best: dict[int, Match], exhaustive: bool, threshold: float
    ) -> None:
        # below this no qualifier can lift a score over the threshold (and without qualifiers
        # nothing can: the names under it are not worth explaining)
        if query.birth_date or query.nationality:
            floor = threshold - MAX_RAISE
        else:
            # (less half the last digit kept: scores are rounded to 4 places before the cut)
            floor = threshold - (_COUNTRY_MATCH if query.country else 0.00005)
        # an untyped query is read as a person's name for person entries and as an organisation's
        # for the rest ("LAST, First" turned round, legal forms set apart), like the list names
        by_kind = {
            # a name typed in pinyin read as Chinese too; other spellings (Wade-Giles as pinyin)
            k: _other_spellings(forms(name, k)) + pinyin_forms(name, k)
            for k in ((kind,) if kind != "any" else ("person", "organization"))
        }
        company = by_kind.get("organization")
        if kind == "any" and company and any(f.legal_forms and written_legal_forms(f.text) for f in company):
            # "... Co., Ltd." names a company; a legal form read off a slip ("Saul" for SARL, "Tin
            # OO" for OOO) leaves the query untyped: the scorer still reads it so against companies
            kind, by_kind = "organization", {"organization": company}
        legal_only = company is not None and not any(f.tokens for f in company)
        if legal_only or not any(f.tokens for fs in by_kind.values() for f in fs):
            raise RedlistError(
                f"name {name!r} has nothing to match once legal forms and titles are set apart"
            )
        # a Chinese personal name in Han script: only its surname and given name, either way round
        han_parts = personal_name(name, kind)
        # an untyped query shaped like a person's name is one, most likely: organisations,
        # vessels and aircraft meet it at a lower score ("Ping Sun" is not "Sun Wing Ltd."), unless
        # it may end in a mistyped legal form ("Gazprkm, OWO": the word is read both ways)
        as_person = (
            kind == "any"
            and not any(f.legal_forms for f in company or ())
            and any(
                person_shaped(name, f, self.common_person_words(), han_parts) for f in by_kind["person"][:1]
            )
        )
        scored: dict[int, tuple[float, Comparison, int, tuple[str, ...]]] = {}
        names = self.index.names
        # the query's short words that no listed name has: a slip in one is a typo ("Jm Chu")
        vocabulary = self.index.token_ids
        unknown = {
            id(f): frozenset(t for t in f.tokens if len(t) <= 3 and t not in vocabulary)
            for fs in by_kind.values()
            for f in fs
        }
        for n in self._candidates(by_kind, exhaustive, threshold):
            e = self._name_entity[n]
            if not self._allowed(e, query, kind):
                continue
            entity_kind = kind if kind != "any" else self._kinds[e]
            query_forms = by_kind.get(entity_kind) or by_kind.get("organization") or by_kind[kind]
            list_form = names[n]
            for qf in query_forms:
                comparison = compare_forms(qf, list_form, entity_kind, unknown=unknown[id(qf)])
                score = comparison.score
                notes: tuple[str, ...] = ()
                if score > OTHER_NAME_CAP and not same_chinese_name(
                    han_parts, qf, list_form, entity_kind, as_person
                ):
                    score = OTHER_NAME_CAP if han_parts else score * OTHER_PINYIN_FACTOR
                    notes += ("Chinese personal name: not the same syllables",)
                factor = alias_factor(self._name_type[n], list_form, entity_kind)
                if factor < 1.0:
                    score *= factor
                    notes += (f"{self._name_type[n]} one-word or weak alias counts {factor:g}",)
                if as_person and self._kinds[e] not in ("person", "any"):
                    score *= PERSON_SHAPED_OTHER_FACTOR
                    notes += (
                        f"a person's name against a listed {self._types[e]} counts {PERSON_SHAPED_OTHER_FACTOR:g}",
                    )
                if score >= floor:
                    score, notes = self._weigh_words(comparison, entity_kind, score, notes)
                if score > scored.get(e, (0.0,))[0]:
                    scored[e] = (score, comparison, n, notes)
        for e, (score, comparison, n, notes) in scored.items():
            if e in best or score < floor:  # an identifier hit already says more
                continue
            features = name_features(comparison, self._name_type[n])
            summary = name_summary(comparison, self._name_type[n])
            if self._types[e] == _UNKNOWN and self.entities[e].type == EntityType.PERSON:
                notes += ("listed as a person, named like a company (a legal form): read as either",)
            if notes:
                features["adjustments"] = list(notes)
                summary += "".join(f"; {note}" for note in notes)
            score, country_note = self._country(e, query.country, score)
            if country_note:
                features["country"] = country_note
                summary += f"; {country_note}"
            if self._kinds[e] == "person" and (query.birth_date or query.nationality):
                features["name_score"] = round(score, 4)
                score, evidence = self._qualifiers(e, query, score)
                if evidence:
                    features["qualifiers"] = [
                        {"qualifier": q.qualifier, "verdict": q.verdict, "note": q.note} for q in evidence
                    ]
                    summary += "".join(f"; {q.note}" for q in evidence if q.verdict != "unknown")
            explanation = {"summary": summary, "features": features}
            best[e] = self._match(e, comparison.candidate.text.strip(), round(score, 4), explanation)

    def _candidates(
        self, by_kind: dict[str, list[NameForm]], exhaustive: bool, threshold: float
    ) -> list[int]:
        """List names to score for every form of the query, without repeats, best first."""
        if exhaustive:
            return list(range(len(self.index)))
        seen: dict[int, None] = {}
        done: set[tuple[str, ...]] = set()
        for query_forms in by_kind.values():
            for qf in query_forms:
                if qf.tokens in done or not qf.tokens:
                    continue
                done.add(qf.tokens)
                found = self.index.candidates(
                    qf, _CANDIDATES, keep=_KEEP, min_words=_min_words(qf, threshold, self.index.token_ids)
                )
                seen.update(dict.fromkeys(found))
        return list(seen)

    def _weigh_words(
        self, comparison: Comparison, kind: str, score: float, notes: tuple[str, ...]
    ) -> tuple[float, tuple[str, ...]]:
        """The score after weighing how common the words met are among the listed names."""
        weights = self.word_weights()
        if kind == "person":
            found = common_only(comparison, weights.person)
            if found:
                score, notes = score * found[0], (*notes, found[1])
            else:
                other = other_name_typo(comparison, weights.person)
                if other:
                    score, notes = score * OTHER_NAME_TYPO_FACTOR, (*notes, other)
            unmet = unmet_anchors(comparison)
            if unmet:
                score *= ANCHOR_UNMET_FACTOR
                notes = (
                    *notes,
                    f"the listed person's first given name or surname not met: {', '.join(unmet)}",
                )
            return score, notes
        if generic_only(comparison, weights.common_other):
            return score * GENERIC_ONLY_FACTOR, (
                *notes,
                "only words common in listed organisations' names met",
            )
        note = short_fuzzy_only(comparison, weights.common_other)
        if note:
            return score * SHORT_FUZZY_FACTOR, (*notes, note)
        return score, notes

    def word_weights(self) -> WordWeights:
        """How common each word is among the listed names, persons apart from the rest (an
        IDF-style weight, :mod:`redlist.match.weights`).

        Counted on first use; an index file stores the table, so an opened index does not decode
        every name form to count it again (:mod:`redlist.indexfile`).
        """
        weights: WordWeights | None = self.__dict__.get("_weights")
        if weights is None and "_load_weights" in self.__dict__:
            weights = self._weights = self.__dict__["_load_weights"]()
        if weights is None:
            weights = self._weights = word_weights(
                (self._kinds[self._name_entity[n]], f) for n, f in enumerate(self.index.names)
            )
        return weights

    def common_person_words(self) -> frozenset[str]:
        """The common names: words many listed people bear (see :meth:`word_weights`)."""
        return self.word_weights().common_person

    def count_tables(self) -> None:
        """Count (or read from the index file) now the tables otherwise made on first use (the
        word weights): before worker processes are forked, so that they share the tables instead
        of each making them again."""
        self.word_weights()

    def _qualifiers(self, e: int, query: Query, score: float) -> tuple[float, list[Any]]:
        """A person's name score after the query's date of birth and nationality are weighed."""
        entity = self.entities[e]
        return apply_qualifiers(
            score,
            [
                birth_evidence(query.birth_date, entity.birth_dates),
                nationality_evidence(
                    query.nationality, [*entity.nationalities, *entity.citizenships], self._countries[e]
                ),
            ],
        )

    def _country(self, e: int, country: str | None, score: float) -> tuple[float, str | None]:
        if not country:
            return score, None
        code = country.strip().upper()
        known = self._countries[e]
        if not known:
            return score, None
        if code in known:
            return min(1.0, score + _COUNTRY_MATCH), f"country {code} matches"
        return score * _COUNTRY_MISMATCH, f"country {code} not among the entry's ({', '.join(sorted(known))})"

    def _match(self, e: int, matched: str, score: float, explanation: dict[str, Any]) -> Match:
        entity = self.entities[e]
        lists = [
            {
                "list": lst.list_id,
                "source_id": lst.source_id,
                "programs": list(lst.programs),
                **({"listed_on": lst.listed_on} if lst.listed_on else {}),
            }
            for lst in entity.listings
        ]
        return Match(entity.entity_id, entity.name, matched, score, str(entity.type), lists, explanation)


def _cleared(matches: Iterable[Match], threshold: float) -> list[dict[str, Any]]:
    """Entries whose name scored at or above the threshold and that the qualifiers took below it."""
    out = []
    for m in sorted(matches, key=lambda m: (-m.explanation["features"].get("name_score", 0), m.entity_id)):
        features = m.explanation.get("features", {})
        if m.score < threshold <= features.get("name_score", 0.0):
            reasons = [q["note"] for q in features.get("qualifiers", []) if q["verdict"] == "contradicts"]
            out.append(
                {
                    "entity_id": m.entity_id,
                    "name": m.name,
                    "name_score": features["name_score"],
                    "score": m.score,
                    "reason": "; ".join(reasons),
                }
            )
    return out


def _min_words(query: NameForm, threshold: float, vocabulary: Container[str] = ()) -> int:
    """How many of the query's words a list name must hold to be worth scoring.

    Two names sharing one word, when the query has two or more, score at most ONE_WORD_CAP (or
    lose to the words each lacks), so above that threshold such names are not candidates. A
    word of three letters or fewer that no listed name has does not count: the index looks such
    words up exactly, so it can never be held, and a slip in it may still be a typo ("Jm Chu").
    """
    if threshold <= ONE_WORD_CAP:
        return 1
    words = sum(
        w >= 0.5 and (len(t) > 3 or t in vocabulary) for t, w in zip(query.tokens, query.weights, strict=True)
    )
    return 2 if words >= 2 else 1


def _entity_kind(entity: Entity) -> str:
    if entity.type == EntityType.PERSON:
        return "any" if _company_named(entity) else "person"
    if entity.type in (EntityType.ORGANIZATION, EntityType.SECURITY):
        return "organization"
    if entity.type in (EntityType.VESSEL, EntityType.AIRCRAFT):
        return str(entity.type)
    return "any"


def _company_named(entity: Entity) -> bool:
    """A listed "person" whose name is a company's: a legal form in it and no "LAST, First" comma
    ("PT ANTASENA KREASI", "CHERAS PLAZA SDN. BHD." typed as individuals on a list). Its type is
    taken as unknown, so that a query naming a company meets it ("PAO, Yu Liang" stays a person)."""
    name = entity.name
    return "," not in name and bool(written_legal_forms(name))


def _screen_type(entity: Entity) -> str:
    """The entry's type as screening reads it: unknown for a "person" named like a company."""
    if entity.type == EntityType.PERSON and _company_named(entity):
        return str(EntityType.UNKNOWN)
    return str(entity.type)


def _countries(entity: Entity) -> frozenset[str]:
    codes = set(entity.countries) | set(entity.nationalities) | set(entity.citizenships)
    codes.update(a.country_code for a in entity.addresses if a.country_code)
    return frozenset(c.upper() for c in codes if c and len(c) == 2)
