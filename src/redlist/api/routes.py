"""The core JSON API: screen, batch screen, status check, entities, timeline, changes, sources, health."""

from __future__ import annotations

import os
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from redlist.api.deps import ApiError, Auth, Facade, FastJSON, actor
from redlist.api.yente import entity_dict
from redlist.service import Query as ScreenQuery
from redlist.service import Redlist, ScreenResult, check_summary, screen_summary

router = APIRouter()


class ScreenRequest(BaseModel):
    """One party to screen."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is a 422 naming it, not ignored

    name: str | None = Field(None, max_length=10_000, examples=["Huawei Technologies Co., Ltd."])
    type: str | None = Field(None, examples=["company"])
    country: str | None = Field(None, max_length=2, examples=["CN"])
    birth_date: str | None = Field(
        None,
        max_length=10,
        examples=["1962-05-03"],
        description="Date of birth (YYYY-MM-DD, YYYY-MM or YYYY).",
    )
    nationality: str | None = Field(None, max_length=2, examples=["RU"], description="ISO-2 nationality.")
    identifiers: dict[str, str] = Field(default_factory=dict, examples=[{"isin": "HK0941009539"}])
    lists: list[str] | None = None
    id: str | None = None
    threshold: float | None = Field(None, ge=0, le=1)
    limit: int = Field(10, ge=1, le=100)
    on: str | None = Field(default=None, description="Screen against the lists as they stood on this date.")

    def query(self) -> ScreenQuery:
        return ScreenQuery(
            name=self.name,
            type=self.type,
            country=self.country,
            identifiers=dict(self.identifiers),
            lists=self.lists,
            id=self.id,
            birth_date=self.birth_date,
            nationality=self.nationality,
        )


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    queries: list[ScreenRequest]
    threshold: float | None = Field(None, ge=0, le=1)
    limit: int = Field(10, ge=1, le=100)


class CheckRequest(BaseModel):
    """One status question: the party by name, id (or ``isin:...``) or identifiers."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=10_000, examples=["Xiaomi Corporation"])
    entity_id: str | None = Field(None, examples=["us_dod_ccmc:xiaomi", "isin:CNE100000PM8"])
    isin: str | None = Field(None, max_length=12, examples=["CNE100000PM8"])
    identifiers: dict[str, str] = Field(default_factory=dict, examples=[{"lei": "300300JEMI6RZZR0D834"}])
    activity: str = Field("transact", examples=["invest"])
    on: str | None = Field(None, examples=["2021-03-16"])
    replay: dict[str, Any] | None = Field(
        default=None,
        description="An earlier answer's receipt (its 'data'): answer from exactly those snapshots.",
    )
    purpose: str | None = Field(
        default=None,
        examples=["public_safety"],
        description="What the party's equipment is used for (public_safety, government_facilities, "
        "critical_infrastructure, national_security, other); listings limited to some purposes answer "
        "review without it.",
    )


@router.get("/healthz", tags=["service"])
def healthz() -> dict[str, Any]:
    """The process is alive; ``pid`` tells the workers of ``redlist serve --workers N`` apart."""
    return {"status": "ok", "pid": os.getpid()}


@router.get("/readyz", tags=["service"])
def readyz(redlist: Facade) -> JSONResponse:
    """The lists are loaded (503 until then)."""
    status = redlist.status()
    return JSONResponse(status, status_code=200 if status["ready"] else 503)


def _record_screen(redlist: Redlist, request: Request, given: BaseModel, result: ScreenResult) -> None:
    """One screening in the audit trail: what was asked, the answer's summary, who and on what data."""
    redlist.record(
        "screen",
        given.model_dump(exclude_none=True),
        screen_summary(result),
        who=actor(request),
        receipt=result.data,
    )


@router.post("/screen", tags=["screening"], response_class=FastJSON)
async def screen(
    body: ScreenRequest, request: Request, redlist: Facade, _: Auth
) -> FastJSON:  # ~1 ms of CPU: no thread hop
    """Screen one party: matches at or above the threshold, with explained scores."""
    result = redlist.screen(body.query(), threshold=body.threshold, limit=body.limit, on=body.on)
    _record_screen(redlist, request, body, result)
    if result.error:
        raise ApiError(400, result.error)
    return FastJSON(result.to_dict())


@router.post("/screen/batch", tags=["screening"], response_class=FastJSON)
def screen_batch(body: BatchRequest, request: Request, redlist: Facade, _: Auth) -> FastJSON:
    """Screen many parties (up to the server's ``max_batch``); results in the order of the queries."""
    limit = redlist.settings.max_batch
    if len(body.queries) > limit:
        raise ApiError(422, f"queries: {len(body.queries):,} in one batch; the limit is {limit:,}")
    results = redlist.screen_many(
        (q.query() for q in body.queries), threshold=body.threshold, limit=body.limit
    )
    for query, result in zip(body.queries, results, strict=True):
        _record_screen(redlist, request, query, result)
    return FastJSON({"results": [r.to_dict() for r in results]})


@router.get("/check", tags=["status"])
def check_get(
    request: Request,
    redlist: Facade,
    _: Auth,
    name: Annotated[str | None, Query(max_length=10_000)] = None,
    entity_id: Annotated[str | None, Query(alias="id")] = None,
    isin: Annotated[str | None, Query(max_length=12)] = None,
    activity: str = "transact",
    on: str | None = None,
    purpose: str | None = None,
) -> dict[str, Any]:
    """May a US person do ACTIVITY with this party on this date? Verdict, findings, citations, and
    the receipt of the data (``data``).

    ``purpose``: what the party's equipment is used for, for listings that cover it only for some
    purposes (s.889 and the FCC Covered List for Hytera, Hikvision and Dahua)."""
    return _check(
        redlist,
        CheckRequest(name=name, entity_id=entity_id, isin=isin, activity=activity, on=on, purpose=purpose),
        actor(request),
    )


@router.post("/check", tags=["status"])
def check_post(body: CheckRequest, request: Request, redlist: Facade, _: Auth) -> dict[str, Any]:
    """The same question as a JSON body."""
    return _check(redlist, body, actor(request))


def _check(redlist: Any, body: CheckRequest, who: str) -> dict[str, Any]:
    identifiers = dict(body.identifiers) | ({"isin": body.isin.strip()} if body.isin else {})
    if not body.name and not body.entity_id and not identifiers:
        raise ApiError(400, "give name, entity_id, isin or identifiers")
    result = redlist.check(
        body.name,
        entity_id=body.entity_id,
        identifiers=identifiers or None,
        activity=body.activity,
        on=body.on,
        replay=body.replay,
        purpose=body.purpose,
    )
    redlist.record(
        "check", body.model_dump(exclude_none=True), check_summary(result), who=who, receipt=result.data
    )
    return dict(result.to_dict())


@router.get("/entities/{entity_id}", tags=["lists"])
def entity(entity_id: str, redlist: Facade, _: Auth, nested: bool | None = None) -> dict[str, Any]:
    """One entry: its current record and change history (in yente's shape when ``nested`` is given)."""
    record = redlist.entity(entity_id)
    if nested is not None:  # yente-client's fetch always sends nested=; our own clients never do
        if record is None or not record.listed or record.current is None:
            raise ApiError(404, f"no entity {entity_id!r}")
        return entity_dict(record.current)
    if record is None:
        raise ApiError(404, f"no entity {entity_id!r}")
    return record.to_dict()


@router.get("/parties/{party_id}", tags=["lists"])
def party(party_id: str, redlist: Facade, _: Auth) -> dict[str, Any]:
    """One party by its id or any of its entry ids: entries, the evidence of each link, related parties."""
    found, _result = redlist.party(party_id)
    if found is None or (party_id not in found.entry_ids and party_id != found.id):
        raise ApiError(404, f"no party or entry {party_id!r}")
    return found.to_dict()


@router.get("/timeline", tags=["status"])
def timeline(
    redlist: Facade,
    _: Auth,
    name: str | None = None,
    entity_id: Annotated[str | None, Query(alias="id")] = None,
) -> dict[str, Any]:
    """A party's dated history across every list and court."""
    if not name and not entity_id:
        raise ApiError(400, "give name or id")
    return redlist.timeline(name, entity_id=entity_id).to_dict()


@router.get("/changes", tags=["lists"])
def changes(
    redlist: Facade,
    _: Auth,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    list_id: Annotated[str | None, Query(alias="list")] = None,
    change: str | None = None,
    entity_id: Annotated[str | None, Query(alias="entity")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    """What was added, removed and amended, oldest first."""
    events = redlist.changes(
        source=source, since=since, until=until, entity_id=entity_id, list_id=list_id, change=change
    )
    return {"count": len(events), "changes": [e.to_dict() for e in events[:limit]]}


@router.get("/sources", tags=["lists"])
def sources(redlist: Facade, _: Auth) -> list[dict[str, Any]]:
    """Per source: the newest stored publication, its date, size and status."""
    return redlist.sources()
