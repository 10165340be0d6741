"""Monitoring over HTTP: watchlists, alerts and decisions, the audit trail and the delta feed."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redlist.api.deps import ApiError, Auth, Facade, FastJSON, actor

router = APIRouter(tags=["monitoring"])


def who(request: Request, redlist: Any) -> str:
    """Who acts: the API key's name, or ``api`` when the API runs without keys."""
    return actor(request)


class WatchlistBody(BaseModel):
    """A watchlist: rows with the batch screening columns (id, name, type, country, dob, isin and
    other identifiers; quantity for a portfolio)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., max_length=100, examples=["customers"])
    kind: str = Field("parties", examples=["parties", "portfolio"])
    activity: str | None = Field(None, examples=["transact"])
    rows: list[dict[str, Any]] = Field(..., min_length=1, examples=[[{"id": "c1", "name": "Example Co"}]])


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: str = Field(
        ..., examples=["false_positive"], description="true_match, false_positive or escalate"
    )
    reason: str = Field(..., max_length=10_000, examples=["different date of birth"])


@router.get("/watchlists", response_class=FastJSON)
def list_watchlists(redlist: Facade, _: Auth) -> Any:
    """Every watchlist with its row and open alert counts."""
    return redlist.watchlists()


@router.post("/watchlists", response_class=FastJSON, status_code=201)
def create_watchlist(body: WatchlistBody, request: Request, redlist: Facade, _: Auth) -> Any:
    """Create a watchlist (or replace its rows) and screen it once in full."""
    if len(body.rows) > 100_000:
        raise ApiError(413, "more than 100,000 rows: use `redlist watch add` with a file")
    return redlist.watch_add_rows(
        body.name, body.rows, kind=body.kind, activity=body.activity, who=who(request, redlist)
    )


@router.get("/watchlists/{name}", response_class=FastJSON)
def show_watchlist(name: str, redlist: Facade, _: Auth) -> Any:
    """A watchlist's settings, rows and alerts."""
    return _found(lambda: redlist.watchlist(name))


@router.delete("/watchlists/{name}", status_code=204)
def delete_watchlist(name: str, request: Request, redlist: Facade, _: Auth) -> Response:
    """Delete a watchlist with its alerts (the audit trail keeps its history)."""
    _found(lambda: redlist.watch_remove(name, who=who(request, redlist)))
    return Response(status_code=204)


@router.post("/watchlists/run", response_class=FastJSON)
def run_watchlists(request: Request, redlist: Facade, _: Auth, full: bool = False) -> Any:
    """Re-check the watchlists against what changed (or everything, ``full=true``)."""
    return redlist.watch_run(full=full, who=who(request, redlist)).to_dict()


@router.get("/alerts", response_class=FastJSON)
def list_alerts(
    redlist: Facade,
    _: Auth,
    open: bool = False,
    watchlist: str | None = None,  # noqa: A002 - the query name
) -> Any:
    """Alerts (``open=true``: those waiting for a decision)."""
    return redlist.alerts(open_only=open, watchlist=watchlist)


@router.get("/alerts/{alert_id}", response_class=FastJSON)
def show_alert(alert_id: str, redlist: Facade, _: Auth) -> Any:
    """One alert with its decisions."""
    return _found(lambda: redlist.alert(alert_id))


@router.post("/alerts/{alert_id}/decision", response_class=FastJSON)
def decide_alert(alert_id: str, body: DecisionBody, request: Request, redlist: Facade, _: Auth) -> Any:
    """Decide an alert: true_match, false_positive (excluded for that row from then on) or escalate."""
    if redlist_alert_missing(redlist, alert_id):
        raise ApiError(404, f"no alert {alert_id!r}")
    return redlist.decide(alert_id, body.decision, body.reason, who=who(request, redlist))


@router.get("/audit/verify", response_class=FastJSON)
def audit_verify(redlist: Facade, _: Auth) -> Any:
    """Check the audit trail's hash chain."""
    return redlist.audit_verify()


@router.get("/audit/export")
def audit_export(
    redlist: Facade,
    _: Auth,
    since: str | None = None,
    format: Annotated[str, Query(pattern="^(jsonl|csv)$")] = "jsonl",  # noqa: A002 - the query name
) -> PlainTextResponse:
    """The audit trail (from ``since``) as JSON lines or CSV."""
    handle = io.StringIO()
    redlist.audit_export(handle, since=since, format=format)
    media = "application/x-ndjson" if format == "jsonl" else "text/csv"
    return PlainTextResponse(handle.getvalue(), media_type=media)


@router.get("/delta", response_model=None)
def delta(request: Request, redlist: Facade, _: Auth, since: str | None = None) -> Any:
    """Without ``since``: the index of versions (OpenSanctions' delta index). With ``since`` (a
    date): the changes from then on as JSON lines of ``{"op": "ADD"|"MOD"|"DEL", "entity": ...}``."""
    if since is None:
        base = str(request.base_url).rstrip("/")
        versions = redlist.delta_versions()
        return FastJSON(
            {
                "versions": {v["version"]: f"{base}/delta/{v['version']}" for v in versions},
                "counts": versions,
            }
        )
    handle = io.StringIO()
    redlist.delta(handle, since=since)
    return PlainTextResponse(handle.getvalue(), media_type="application/x-ndjson")


@router.get("/delta/{version}")
def delta_version(version: str, redlist: Facade, _: Auth) -> PlainTextResponse:
    """The changes of one version (a publication date) as delta JSON lines."""
    handle = io.StringIO()
    redlist.delta(handle, version=version)
    return PlainTextResponse(handle.getvalue(), media_type="application/x-ndjson")


def redlist_alert_missing(redlist: Any, alert_id: str) -> bool:
    try:
        redlist.alert(alert_id)
    except Exception:  # noqa: BLE001 - InvalidInput: not there
        return True
    return False


def _found(call: Any) -> Any:
    """The call's answer; a 404 when it names something that does not exist."""
    from redlist.errors import InvalidInput

    try:
        return call()
    except InvalidInput as exc:
        if str(exc).startswith("no "):
            raise ApiError(404, str(exc)) from None
        raise
