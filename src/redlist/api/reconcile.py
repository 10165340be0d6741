"""The W3C Entity Reconciliation API (v0.2) at ``/reconcile``, for OpenRefine and its kin.

``GET /reconcile`` is the service manifest. Queries come as a form field ``queries`` (a JSON
string; how OpenRefine and the ``reconciler`` package send them), as ``GET ?queries=...`` or as a
JSON body ``{"queries": {...}}``; data extension comes the same ways as ``extend``. Suggest
(entity, type, property), preview and property proposal live under ``/reconcile/...``.

Candidates come from :meth:`redlist.service.Redlist.screen` with a low threshold, so a user sees
near misses too; ``match`` is set only for a clear best candidate at or above the screener's
own threshold.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from redlist import __version__
from redlist.api.deps import ApiError, Auth, Facade, facade
from redlist.model import LISTS, Entity, EntityType, IdType, NameType
from redlist.service import MATCH_THRESHOLD, QUERY_TYPES, Query, Redlist

router = APIRouter(tags=["reconciliation"])

#: Candidates below this are not worth showing a reviewer.
CANDIDATE_THRESHOLD = 0.5
DEFAULT_LIMIT = 5
MAX_LIMIT = 25
MAX_QUERIES = 1000
#: A best candidate within this much of the runner-up is not "clearly" the match.
MATCH_MARGIN = 0.05
SUGGEST_LIMIT = 10

IDENTIFIER_SPACE = "https://github.com/redlist/redlist/entities/"
SCHEMA_SPACE = "https://github.com/redlist/redlist/schema/"

#: Reconciliation types: id -> (name, the screener's query type).
TYPES: dict[str, tuple[str, str]] = {
    "company": ("Company or organisation", "company"),
    "person": ("Person", "person"),
    "vessel": ("Vessel", "vessel"),
    "aircraft": ("Aircraft", "aircraft"),
}
_ENTITY_TYPE = {
    EntityType.PERSON: "person",
    EntityType.ORGANIZATION: "company",
    EntityType.SECURITY: "company",  # a listed security names its issuer
    EntityType.VESSEL: "vessel",
    EntityType.AIRCRAFT: "aircraft",
}

#: Properties a query may match on (pid -> name, description).
MATCH_PROPERTIES: dict[str, tuple[str, str]] = {
    "country": ("Country", "ISO 3166-1 alpha-2 code; a mismatch lowers the score"),
    **{str(t): (str(t).upper(), f"{t} identifier; an equal one is an exact match") for t in IdType},
}
#: Properties data extension can fetch (id -> name).
EXTEND_PROPERTIES: dict[str, str] = {
    "name": "Primary name",
    "aliases": "Other names",
    "type": "Entity type",
    "lists": "Lists",
    "programs": "Programs",
    "country": "Countries",
    "listed_on": "Listed on",
    **{str(t): f"{str(t).upper()} identifier" for t in IdType},
}
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


# --- routes ----------------------------------------------------------------------------------


@router.get("/reconcile")
async def reconcile_get(request: Request, _: Auth) -> Response:
    """The service manifest, or a query/extension batch given as ``?queries=`` / ``?extend=``."""
    params = request.query_params
    if "queries" in params or "extend" in params:
        # screening is CPU work: off the event loop, like FastAPI's sync routes
        return await run_in_threadpool(_answer, request, dict(params))
    # the base URL comes from the settings: a Host header is the client's to choose
    base = facade(request).settings.base_url()
    return _json(request, manifest(base, params.get("api_key")))


@router.post("/reconcile")
async def reconcile_post(request: Request, _: Auth) -> Response:
    """A query batch (``queries``) or a data extension request (``extend``), form or JSON."""
    return await run_in_threadpool(_answer, request, await _payload(request))


@router.get("/reconcile/suggest/entity")
def suggest_entity(request: Request, redlist: Facade, _: Auth, prefix: str = "", cursor: int = 0) -> Response:
    """List entries whose names (or a word in them) start with ``prefix``."""
    found = redlist.suggest(prefix, cursor + SUGGEST_LIMIT)[cursor:]
    result = []
    for entity in found:
        result.append(
            {
                "id": entity.entity_id,
                "name": entity.name,
                "description": describe(entity),
                "notable": [type_of(entity)],
            }
        )
    return _json(request, {"result": result})


@router.get("/reconcile/suggest/type")
def suggest_type(request: Request, _: Auth, prefix: str = "") -> Response:
    """Types whose id or name starts with ``prefix``."""
    result = [t for t in default_types() if _starts(prefix, t["id"], t["name"])]
    return _json(request, {"result": result})


@router.get("/reconcile/suggest/property")
def suggest_property(request: Request, _: Auth, prefix: str = "") -> Response:
    """Properties to match on or fetch whose id or name starts with ``prefix``."""
    props = {**{k: v[0] for k, v in MATCH_PROPERTIES.items()}, **EXTEND_PROPERTIES}
    result = [{"id": k, "name": v} for k, v in props.items() if _starts(prefix, k, v)]
    return _json(request, {"result": result})


@router.get("/reconcile/preview", response_class=HTMLResponse)
def preview(redlist: Facade, _: Auth, id: str) -> HTMLResponse:  # noqa: A002 - the spec's name
    """A small HTML card for one entry: name, type, lists and programs."""
    entity = redlist.listed(id)
    if entity is None:
        raise ApiError(404, f"no entity {id!r}")
    return HTMLResponse(preview_html(entity))


@router.get("/reconcile/propose_properties")
def propose_properties(request: Request, _: Auth, type: str | None = None, limit: int = 50) -> Response:  # noqa: A002
    """The properties data extension can fetch (the same for every type)."""
    props = [{"id": k, "name": v} for k, v in EXTEND_PROPERTIES.items()][: max(limit, 0)]
    out: dict[str, Any] = {"properties": props, "limit": limit}
    if type:
        out["type"] = type
    return _json(request, out)


# --- the manifest ----------------------------------------------------------------------------


def default_types() -> list[dict[str, str]]:
    """The reconciliation types, as the spec writes them."""
    return [{"id": k, "name": name} for k, (name, _) in TYPES.items()]


def manifest(base: str, api_key: str | None = None) -> dict[str, Any]:
    """The service manifest for a service reachable at ``base`` (no trailing slash).

    With ``api_key`` (the key the client put in the service URL, as OpenRefine must), every URL
    the client will call back (preview, view, suggest) carries it too, so they work under auth.
    """
    key = f"api_key={quote(api_key, safe='')}" if api_key else ""

    def path(p: str) -> str:
        return f"{p}{'&' if '?' in p else '?'}{key}" if key else p

    return {
        "versions": ["0.2"],
        "name": "redlist: US restriction lists",
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "serviceVersion": __version__,
        "defaultTypes": default_types(),
        "view": {"url": base + path("/entities/{{id}}")},
        "preview": {"url": base + path("/reconcile/preview?id={{id}}"), "width": 430, "height": 160},
        "suggest": {
            "entity": {
                "service_url": base,
                "service_path": path("/reconcile/suggest/entity"),
                "flyout_service_path": path("/reconcile/preview?id=${id}"),
            },
            "type": {"service_url": base, "service_path": path("/reconcile/suggest/type")},
            "property": {"service_url": base, "service_path": path("/reconcile/suggest/property")},
        },
        "extend": {
            "propose_properties": {
                "service_url": base,
                "service_path": path("/reconcile/propose_properties"),
            },
            "property_settings": [],
        },
    }


# --- queries ---------------------------------------------------------------------------------


def reconcile(redlist: Redlist, queries: dict[str, Any]) -> dict[str, Any]:
    """Results for a query batch: ``{key: {"result": [candidates]}}``."""
    if len(queries) > MAX_QUERIES:
        raise ApiError(413, f"{len(queries):,} queries in one batch; the limit is {MAX_QUERIES:,}")
    out = {}
    for key, raw in queries.items():
        if not isinstance(raw, dict):
            raise ApiError(400, f"query {key!r} is not a JSON object")
        query, allowed, limit = _query(key, raw)
        result = redlist.screen(query, threshold=CANDIDATE_THRESHOLD, limit=MAX_LIMIT * 2)
        # a query the screener cannot read (empty, only a legal form) has no candidates
        matches = [m for m in result.matches if allowed is None or _type_id(m.type) in allowed][:limit]
        out[str(key)] = {"result": [_candidate(m, i, matches) for i, m in enumerate(matches)]}
    return out


def _query(key: str, raw: dict[str, Any]) -> tuple[Query, set[str] | None, int]:
    """The screener query of one reconciliation query, the type ids allowed, and the limit."""
    text = raw.get("query")
    if text is not None and not isinstance(text, str):
        raise ApiError(400, f"query {key!r}: 'query' must be a string")
    types = _types(key, raw.get("type"))
    limit = raw.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 1:
        raise ApiError(400, f"query {key!r}: 'limit' must be a positive number")
    query = Query(name=text if text and text.strip() else None)
    if types is not None and len(types) == 1:
        query.type = TYPES[next(iter(types))][1]
    for prop in raw.get("properties") or []:
        _apply_property(key, query, prop)
    if query.name is None and not query.identifiers:
        query.name = text or ""  # the screener says it is empty; we return no candidates
    return query, types, min(int(limit), MAX_LIMIT)


def _types(key: str, raw: Any) -> set[str] | None:
    if raw is None or raw == "" or raw == []:
        return None
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ApiError(400, f"query {key!r}: 'type' must be a type id or a list of them")
    out = set()
    for value in values:
        type_id = value.strip().lower()
        if type_id in ("organization", "organisation", "entity", "security"):
            type_id = "company"
        elif type_id == "individual":
            type_id = "person"
        if type_id not in TYPES:
            if type_id in QUERY_TYPES:  # "any"
                return None
            raise ApiError(400, f"query {key!r}: unknown type {value!r}; use one of: {', '.join(TYPES)}")
        out.add(type_id)
    return out


def _apply_property(key: str, query: Query, prop: Any) -> None:
    if not isinstance(prop, dict) or not isinstance(prop.get("pid"), str):
        raise ApiError(400, f"query {key!r}: each property needs a 'pid' and a 'v'")
    pid = prop["pid"].strip().lower()
    value = _first_value(prop.get("v"))
    if pid not in MATCH_PROPERTIES:
        raise ApiError(
            400, f"query {key!r}: unknown property {prop['pid']!r}; use one of: {', '.join(MATCH_PROPERTIES)}"
        )
    if not value:
        return  # an empty cell in the property's column says nothing
    if pid == "country":
        query.country = value
    else:
        query.identifiers[pid] = value


def _first_value(v: Any) -> str:
    """The first non-empty value of a property value (a string, number, entity or list of them)."""
    for item in v if isinstance(v, list) else [v]:
        if isinstance(item, dict):
            item = item.get("id") or item.get("name")
        if item is None or isinstance(item, bool):
            continue
        text = str(item).strip()
        if text:
            return text
    return ""


def _candidate(match: Any, rank: int, matches: list[Any]) -> dict[str, Any]:
    features = match.explanation.get("features", {})
    out_features: list[dict[str, Any]] = [{"id": "score", "value": round(match.score, 4)}]
    if "identifier" in features:
        out_features.append({"id": "identifier_match", "value": True})
    note = features.get("country")
    if isinstance(note, str):
        out_features.append({"id": "country_match", "value": note.endswith("matches")})
    clear = rank == 0 and (len(matches) < 2 or matches[1].score <= match.score - MATCH_MARGIN)
    type_id = _type_id(match.type)
    return {
        "id": match.entity_id,
        "name": match.name,
        "type": [{"id": type_id, "name": TYPES[type_id][0]}] if type_id in TYPES else [],
        "score": round(match.score * 100, 1),
        "match": clear and match.score >= MATCH_THRESHOLD,
        "features": out_features,
        "description": _listings_text(match.lists, match.matched_name, match.name),
    }


def _listings_text(lists: list[dict[str, Any]], matched: str, name: str) -> str:
    parts = []
    for lst in lists:
        programs = ", ".join(lst.get("programs") or [])
        parts.append(f"{lst['list']} ({programs})" if programs else lst["list"])
    text = "; ".join(parts)
    if matched and matched.casefold() != name.casefold():
        text += f" [matched: {matched}]"
    return text


def _type_id(entity_type: str) -> str:
    try:
        return _ENTITY_TYPE.get(EntityType(entity_type), str(entity_type))
    except ValueError:
        return str(entity_type)


def type_of(entity: Entity) -> dict[str, str]:
    """The reconciliation type of an entry."""
    type_id = _type_id(str(entity.type))
    return {"id": type_id, "name": TYPES[type_id][0] if type_id in TYPES else type_id}


# --- data extension --------------------------------------------------------------------------


def extend(lookup: Callable[[str], Entity | None], request: dict[str, Any]) -> dict[str, Any]:
    """Property values for entity ids: ``{"meta": [...], "rows": {id: {prop: [values]}}}``."""
    ids, props = request.get("ids"), request.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError(400, "extend: 'ids' must be a list of entity ids")
    if not isinstance(props, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in props
    ):
        raise ApiError(400, "extend: 'properties' must be a list of {\"id\": ...}")
    wanted = [p["id"] for p in props]
    unknown = [p for p in wanted if p not in EXTEND_PROPERTIES]
    if unknown:
        raise ApiError(400, f"extend: unknown properties {unknown}; use: {', '.join(EXTEND_PROPERTIES)}")
    rows = {}
    for entity_id in ids:
        entity = lookup(entity_id)
        rows[entity_id] = {p: (_values(entity, p) if entity else []) for p in wanted}
    return {"meta": [{"id": p, "name": EXTEND_PROPERTIES[p]} for p in wanted], "rows": rows}


def _values(entity: Entity, prop: str) -> list[dict[str, Any]]:
    if prop == "name":
        texts = [entity.name]
    elif prop == "aliases":
        texts = [n.value for n in entity.names if n.value != entity.name and n.type != NameType.WEAK]
    elif prop == "type":
        return [{"str": type_of(entity)["name"]}]
    elif prop == "lists":
        texts = entity.list_ids
    elif prop == "programs":
        texts = sorted({p for lst in entity.listings for p in lst.programs})
    elif prop == "country":
        texts = sorted(_countries(entity))
    elif prop == "listed_on":
        return [_date(d) for d in sorted({lst.listed_on for lst in entity.listings if lst.listed_on})]
    else:
        texts = [i.value for i in entity.identifiers if str(i.type) == prop]
    return [{"str": t} for t in dict.fromkeys(texts) if t]


def _date(value: str) -> dict[str, str]:
    # the spec's dates are full timestamps; a partial date ("2019-05") stays a string
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return {"date": f"{value}T00:00:00Z"}
    return {"str": value}


def _countries(entity: Entity) -> set[str]:
    codes = set(entity.countries) | set(entity.nationalities) | set(entity.citizenships)
    codes.update(a.country_code for a in entity.addresses if a.country_code)
    return {c for c in codes if c}


# --- preview and suggest ---------------------------------------------------------------------


def describe(entity: Entity) -> str:
    """Lists and programs of an entry, on one line."""
    return "; ".join(
        f"{lst.list_id} ({', '.join(lst.programs)})" if lst.programs else lst.list_id
        for lst in entity.listings
    )


def preview_html(entity: Entity) -> str:
    """The preview card; every published text is escaped."""
    esc = html.escape
    rows = []
    for lst in entity.listings:
        title = LISTS.get(lst.list_id, lst.list_id)
        extra = f" &middot; {esc(', '.join(lst.programs))}" if lst.programs else ""
        since = f" &middot; listed {esc(lst.listed_on)}" if lst.listed_on else ""
        rows.append(f"<li>{esc(title)}{extra}{since}</li>")
    aliases = [n.value for n in entity.names if n.value != entity.name][:5]
    aka = f"<div>a.k.a. {esc('; '.join(aliases))}</div>" if aliases else ""
    return (
        '<html><body style="font-family:sans-serif;font-size:13px;margin:4px">'
        f"<strong>{esc(entity.name)}</strong> <small>({esc(type_of(entity)['name'])}, {esc(entity.entity_id)})</small>"
        f'{aka}<ul style="margin:4px 0;padding-left:18px">{"".join(rows)}</ul></body></html>'
    )


def _starts(prefix: str, *texts: str) -> bool:
    p = prefix.strip().casefold()
    return not p or any(t.casefold().startswith(p) or f" {p}" in f" {t.casefold()}" for t in texts)


# --- request plumbing ------------------------------------------------------------------------


async def _payload(request: Request) -> dict[str, Any]:
    """The request's fields: a form (OpenRefine), a JSON body, or the URL's query string."""
    fields: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError as exc:
            raise ApiError(400, f"the request body is not valid JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise ApiError(400, 'the JSON body must be an object like {"queries": {...}}')
        fields.update(body)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        fields.update({k: v for k, v in form.items() if isinstance(v, str)})
    return fields


def _answer(request: Request, fields: dict[str, Any]) -> Response:
    if "queries" in fields:
        queries = _decode(fields["queries"], "queries")
        return _json(request, reconcile(facade(request), queries))
    if "extend" in fields:
        return _json(request, extend(facade(request).listed, _decode(fields["extend"], "extend")))
    raise ApiError(400, "give 'queries' (a JSON object of queries) or 'extend'")


def _decode(value: Any, field: str) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ApiError(400, f"'{field}' is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ApiError(400, f"'{field}' must be a JSON object")
    return value


def _json(request: Request, data: Any) -> Response:
    """JSON, or JSONP when a ``callback`` is given (OpenRefine's suggest widgets use it)."""
    callback = request.query_params.get("callback")
    if callback is None:
        return JSONResponse(data)
    if not _CALLBACK.match(callback):
        raise ApiError(400, "callback must be a JavaScript identifier")
    body = f"/**/{callback}({json.dumps(data)});"
    return Response(body, media_type="application/javascript")
