"""yente-compatible endpoints, so a yente / OpenSanctions client works against redlist unchanged.

``POST /match/{dataset}``, ``GET /search/{dataset}`` and ``GET /catalog`` speak yente's wire
format; entities come out in FollowTheMoney (FtM) shape (property names as in
:mod:`redlist.render.ftm`) with redlist's own entity ids. Datasets are ``default`` (every list)
and one per list id in :data:`redlist.model.LISTS`.

yente's ``GET /entities/{id}`` path is the main API's own entity route; :func:`entity_dict`
gives the yente shape for it (yente clients always send a ``nested`` query parameter).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from redlist.api.deps import ApiError, Auth, Facade
from redlist.model import LISTS, Entity
from redlist.render.ftm import to_ftm
from redlist.service import MATCH_THRESHOLD, Match, Redlist
from redlist.service import Query as ScreenQuery

router = APIRouter(tags=["yente"])

DEFAULT_DATASET = "default"
DEFAULT_CUTOFF = 0.5  # yente's default: candidates below this are not returned at all
MAX_LIMIT = 500

#: FtM schema -> redlist query type. LegalEntity and Thing may be a person or a company.
SCHEMA_TYPES: dict[str, str] = {
    "Person": "person",
    "Company": "company",
    "Organization": "company",
    "PublicBody": "company",
    "LegalEntity": "any",
    "Thing": "any",
    "Vessel": "vessel",
    "Airplane": "aircraft",
    "Security": "company",
}
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
_BIRTH_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry")
#: FtM identifier property -> redlist identifier type (see redlist.model.IdType).
ID_PROPS: dict[str, str] = {
    "isin": "isin",
    "isinCode": "isin",
    "leiCode": "lei",
    "uscCode": "uscc",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "ticker": "ticker",
    "passportNumber": "passport",
    "idNumber": "national_id",
    "taxNumber": "tax_id",
    "innCode": "tax_id",
    "registrationNumber": "registration",
    "swiftBic": "swift",
    "serialNumber": "aircraft_serial",
}


class MatchQuery(BaseModel):
    """One example entity, as yente takes it."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is a 422 naming it, not ignored

    schema_: str = Field(..., alias="schema", examples=["Company"])
    properties: dict[str, list[str] | str] = Field(default_factory=dict)
    id: str | None = None


class MatchBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    queries: dict[str, MatchQuery]
    weights: dict[str, float] = Field(default_factory=dict)  # accepted for compatibility; unused
    config: dict[str, Any] = Field(default_factory=dict)  # accepted for compatibility; unused


# --- datasets ----------------------------------------------------------------------------------


def dataset_lists(
    dataset: str, include: list[str] | None = None, exclude: list[str] | None = None
) -> list[str] | None:
    """The list ids a dataset selection means (None: every list); unknown datasets are a 404."""
    for name in [dataset, *(include or []), *(exclude or [])]:
        if name != DEFAULT_DATASET and name not in LISTS:
            raise ApiError(404, f"no dataset {name!r}; see GET /catalog")
    chosen = [dataset, *(include or [])]
    if DEFAULT_DATASET in chosen:
        if not exclude:
            return None
        chosen = list(LISTS)
    lists = [x for x in dict.fromkeys(chosen) if x not in set(exclude or [])]
    if not lists:
        raise ApiError(400, "every dataset chosen is excluded")
    return lists


@router.get("/catalog")
def catalog(_: Auth) -> dict[str, Any]:
    """The datasets: ``default`` (every list) and one per list."""
    datasets = [
        {
            "name": DEFAULT_DATASET,
            "title": "All US restriction lists",
            "load": True,
            "children": list(LISTS),
        }
    ]
    datasets += [
        {"name": list_id, "title": title, "load": True, "children": []} for list_id, title in LISTS.items()
    ]
    return {
        "datasets": datasets,
        "current": [d["name"] for d in datasets],
        "outdated": [],
        "index_stale": False,
    }


# --- entities ----------------------------------------------------------------------------------


def entity_dict(entity: Entity) -> dict[str, Any]:
    """An entity in yente's shape: FtM schema and properties, redlist's id, lists as datasets."""
    ftm = to_ftm(entity)
    return {
        "id": entity.entity_id,
        "caption": entity.name or entity.entity_id,
        "schema": ftm["schema"],
        "properties": ftm["properties"],
        "datasets": entity.list_ids,
        "referents": [],
        "target": True,
    }


# --- match -------------------------------------------------------------------------------------


def _values(props: dict[str, list[str] | str], names: tuple[str, ...] | str) -> list[str]:
    out: list[str] = []
    for name in (names,) if isinstance(names, str) else names:
        raw = props.get(name) or []
        for value in [raw] if isinstance(raw, str) else raw:
            text = str(value).strip()
            if text and text not in out:
                out.append(text)
    return out


def screen_queries(query: MatchQuery, lists: list[str] | None) -> list[ScreenQuery]:
    """The redlist queries one yente example stands for: one per name, plus identifier-only ones."""
    kind = SCHEMA_TYPES.get(query.schema_)
    if kind is None:
        raise ApiError(
            400, f"schema {query.schema_!r} cannot be matched; use one of: {', '.join(SCHEMA_TYPES)}"
        )
    props = query.properties
    countries = _values(props, COUNTRY_PROPS)
    country = countries[0] if countries and len(countries[0]) == 2 else None
    by_type: dict[str, list[str]] = {}
    for prop, id_type in ID_PROPS.items():
        for value in _values(props, prop):
            by_type.setdefault(id_type, []).append(value)
    first = {t: vs[0] for t, vs in by_type.items()}
    names = _values(props, NAME_PROPS)
    # qualifiers of a person: the first well-formed birth date, the first ISO-2 nationality
    births = [d[:10] for d in _values(props, "birthDate") if _BIRTH_DATE.match(d[:10])]
    nations = [c.upper() for c in _values(props, ("nationality", "citizenship")) if len(c) == 2]
    qualifiers = {"birth_date": births[0] if births else None, "nationality": nations[0] if nations else None}
    out = [
        ScreenQuery(name=n, type=kind, country=country, identifiers=first, lists=lists, **qualifiers)
        for n in names
    ]
    if not names and first:
        out.append(ScreenQuery(type=kind, identifiers=first, lists=lists))
    # further values of one identifier type get their own identifier-only query
    for id_type, values in by_type.items():
        out += [ScreenQuery(type=kind, identifiers={id_type: v}, lists=lists) for v in values[1:]]
    return out


def features(match: Match) -> dict[str, float]:
    """yente-style numeric features of one match, from its explanation."""
    found = match.explanation.get("features", {})
    if "identifier" in found:
        return {"identifier_match": 1.0, "name_match": 0.0}
    out = {
        "name_match": float(match.score),
        "query_coverage": float(found.get("query_coverage", 0.0)),
        "list_coverage": float(found.get("list_coverage", 0.0)),
    }
    note = found.get("country")
    if note:
        out["country_match" if note.endswith("matches") else "country_mismatch"] = 1.0
    for q in found.get("qualifiers", []):
        label = {"birth_date": "dob", "nationality": "nationality"}.get(q["qualifier"])
        if label and q["verdict"] in ("match", "contradicts"):
            out[f"{label}_{'match' if q['verdict'] == 'match' else 'mismatch'}"] = 1.0
    return out


_LEAD_FEATURES = frozenset({"name_match", "identifier_match"})


def scored(match: Match, entity: Entity, threshold: float) -> dict[str, Any]:
    """A result of /match: the entity plus score, match flag, features and the explanation."""
    feats = features(match)
    summary = match.explanation.get("summary", "")
    return {
        **entity_dict(entity),
        "score": match.score,
        "match": match.score >= threshold,
        "features": feats,
        # yente's per-feature breakdown; the sentence goes with the feature that made the score
        "explanations": {
            name: {"score": value, "detail": summary if name in _LEAD_FEATURES else None}
            for name, value in feats.items()
        },
        "explanation": {"summary": summary, "matched_name": match.matched_name},
    }


def _match_one(
    redlist: Redlist, query: MatchQuery, lists: list[str] | None, cutoff: float, limit: int
) -> tuple[list[Match], list[str], str | None]:
    """The best match per entity over every query form; with warnings and the first error."""
    best: dict[str, Match] = {}
    warnings: list[str] = []
    errors: list[str] = []
    queries = screen_queries(query, lists)
    if not queries:
        return [], warnings, "give at least one name or identifier in properties"
    for q in queries:
        result = redlist.screen(q, threshold=cutoff, limit=limit)
        if result.error:
            errors.append(result.error)
        warnings += [w for w in result.warnings if w not in warnings]
        for m in result.matches:
            if m.entity_id not in best or m.score > best[m.entity_id].score:
                best[m.entity_id] = m
    matches = sorted(best.values(), key=lambda m: (-m.score, m.entity_id))
    error = errors[0] if errors and len(errors) == len(queries) else None  # some form screened: fine
    return matches, warnings, error


@router.post("/match/{dataset}")
def match(
    dataset: str,
    body: MatchBody,
    redlist: Facade,
    _: Auth,
    threshold: Annotated[float, Query(ge=0, le=1)] = MATCH_THRESHOLD,
    cutoff: Annotated[float, Query(ge=0, le=1)] = DEFAULT_CUTOFF,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 5,
    algorithm: str | None = None,
    include_dataset: Annotated[list[str] | None, Query()] = None,
    exclude_dataset: Annotated[list[str] | None, Query()] = None,
    exclude_schema: Annotated[list[str] | None, Query()] = None,
    exclude_entity_ids: Annotated[list[str] | None, Query()] = None,
    topics: Annotated[list[str] | None, Query()] = None,
    changed_since: Annotated[
        str | None, Query(description="Only entities changed on or after this date.")
    ] = None,
) -> dict[str, Any]:
    """Match example entities (yente's /match): per query key, scored entities, best first.
    ``exclude_entity_ids`` takes entry ids with or without the ``redlist-`` prefix of the FtM ids;
    ``changed_since`` keeps entries added or amended on or after that date (yente's filter)."""
    lists = dataset_lists(dataset, include_dataset, exclude_dataset)
    excluded = {x.removeprefix("redlist-") for x in exclude_entity_ids or []}
    changed = redlist.changed_since(changed_since) if changed_since else None
    if len(body.queries) > redlist.settings.max_batch:
        raise ApiError(
            422, f"queries: {len(body.queries):,} in one batch; the limit is {redlist.settings.max_batch:,}"
        )
    floor = min(cutoff, threshold)
    responses: dict[str, Any] = {}
    for key, query in body.queries.items():
        # ask for extra so post-filters (schema, entity ids, topics) still leave `limit` results
        matches, warnings, error = _match_one(redlist, query, lists, floor, limit + 50)
        results = []
        parties_seen: set[str] = set()
        for m in matches:
            entity = redlist.listed(m.entity_id)
            if entity is None or m.entity_id in excluded:
                continue
            if changed is not None and m.entity_id not in changed:
                continue
            party = redlist.party_of(m.entity_id)
            if party is not None:
                if party.id in parties_seen:
                    continue  # one result per party: its best-scoring entry, the others as referents
                parties_seen.add(party.id)
            item = scored(m, entity, threshold)
            if party is not None:
                item["referents"] = [e for e in party.entry_ids if e != m.entity_id]
            if _filtered_out(item, exclude_schema, topics):
                continue
            results.append(item)
        results = results[:limit]
        echo = {"id": query.id or key, "schema": query.schema_, "properties": query.properties}
        out: dict[str, Any] = {
            "status": 200,
            "results": results,
            "total": _total(len(results)),
            "query": echo,
        }
        if error:
            out.update(status=400, detail=error)
        if warnings:
            out["warnings"] = warnings
        responses[key] = out
    return {"responses": responses, "matcher": {"name": "redlist"}, "limit": limit}


def _filtered_out(item: dict[str, Any], exclude_schema: list[str] | None, topics: list[str] | None) -> bool:
    if exclude_schema and item["schema"] in exclude_schema:
        return True
    return bool(topics and not set(topics) & set(item["properties"].get("topics", [])))


def _total(n: int) -> dict[str, Any]:
    return {"value": n, "relation": "eq"}


# --- search ------------------------------------------------------------------------------------


@router.get("/search/{dataset}")
def search(
    dataset: str,
    redlist: Facade,
    _: Auth,
    q: Annotated[str, Query(max_length=1000)] = "",
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    schema: str | None = None,
    countries: Annotated[list[str] | None, Query()] = None,
    include_dataset: Annotated[list[str] | None, Query()] = None,
    exclude_dataset: Annotated[list[str] | None, Query()] = None,
    exclude_schema: Annotated[list[str] | None, Query()] = None,
    topics: Annotated[list[str] | None, Query()] = None,
    fuzzy: bool = False,
) -> dict[str, Any]:
    """Text search (yente's /search): list entries whose names resemble ``q``, best first.

    There is no full-text index: ``q`` is screened as a name with a low threshold (lower still
    with ``fuzzy``), so this finds entries by name, not by other text.
    """
    lists = dataset_lists(dataset, include_dataset, exclude_dataset)
    if not q.strip():
        raise ApiError(400, "give q, the text to search for")
    kind = SCHEMA_TYPES.get(schema, "any") if schema else None
    query = ScreenQuery(name=q, type=kind, lists=lists)
    result = redlist.screen(query, threshold=0.4 if fuzzy else 0.5, limit=offset + limit + 50)
    if result.error:
        raise ApiError(400, result.error)
    wanted = {c.upper() for c in countries or []}
    found = []
    for m in result.matches:
        entity = redlist.listed(m.entity_id)
        if entity is None:
            continue
        item = entity_dict(entity)
        if wanted and not wanted & {c.upper() for c in _values(item["properties"], COUNTRY_PROPS)}:
            continue
        if _filtered_out(item, exclude_schema, topics):
            continue
        found.append(item)
    page = found[offset : offset + limit]
    return {"results": page, "facets": {}, "total": _total(len(found)), "limit": limit, "offset": offset}
