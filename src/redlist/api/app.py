"""The HTTP API: a thin FastAPI shell over the library (screen, check, entities, timeline, changes).

``create_app()`` builds the app; ``redlist serve`` runs it with uvicorn. Every error is JSON
(``{"error": {"status", "message"}}``) and no stack trace reaches a client. API keys (see
:mod:`redlist.api.keys`) are required when ``auth`` is on, which ``redlist serve`` turns on by
default on any non-loopback address.
"""

from __future__ import annotations

import json
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from redlist import __version__
from redlist.api.keys import load_keys, verify
from redlist.api.service import Service
from redlist.errors import RedlistError

log = logging.getLogger("redlist.api")

MAX_BODY = 2 * 1024 * 1024  # bytes
MAX_BATCH = 1000


class ScreenRequest(BaseModel):
    """One party to screen."""

    name: str | None = Field(None, max_length=10_000, examples=["Huawei Technologies Co., Ltd."])
    type: str | None = Field(None, examples=["company"])
    country: str | None = Field(None, max_length=2, examples=["CN"])
    identifiers: dict[str, str] = Field(default_factory=dict, examples=[{"isin": "HK0941009539"}])
    lists: list[str] | None = None
    id: str | None = None
    threshold: float | None = Field(None, ge=0, le=1)
    limit: int = Field(10, ge=1, le=100)


class BatchRequest(BaseModel):
    queries: list[ScreenRequest] = Field(..., max_length=MAX_BATCH)
    threshold: float | None = Field(None, ge=0, le=1)
    limit: int = Field(10, ge=1, le=100)


class CheckRequest(BaseModel):
    name: str | None = Field(None, max_length=10_000, examples=["Xiaomi Corporation"])
    entity_id: str | None = None
    activity: str = Field("transact", examples=["invest"])
    on: str | None = Field(None, examples=["2021-03-16"])


class FastJSON(JSONResponse):
    """Plain json.dumps of library dicts (already JSON-ready), skipping FastAPI's slow encoder."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


def create_app(
    home: Path | None = None,
    *,
    auth: bool = False,
    cors_origins: list[str] | None = None,
    service: Service | None = None,
    max_body: int = MAX_BODY,
) -> FastAPI:
    """The API app over the data in ``home`` (default ``REDLIST_HOME``)."""
    the_service = service or Service(home)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # noqa: ANN202 - load the lists in the background; /readyz is 503 until then
        threading.Thread(target=_warm, args=(the_service,), daemon=True).start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="redlist",
        version=__version__,
        description="US restriction lists: screening, status on a date, history, with citations.",
    )
    app.state.service = the_service

    app.state.auth = auth
    app.state.home = home
    if cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=cors_origins, allow_methods=["*"], allow_headers=["*"]
        )
    _add_error_handlers(app, max_body)
    _add_routes(app)
    for module in ("redlist.api.yente", "redlist.api.reconcile", "redlist.api.web"):  # routers, when present
        try:
            router = __import__(module, fromlist=["router"]).router
        except ImportError:
            continue
        app.include_router(router)
    return app


class _UiKeyCookie:
    """After a /ui page opened with a valid ?api_key=, keep the key in a strict, HTTP-only cookie."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/ui"):
            await self.app(scope, receive, send)
            return

        async def with_cookie(message: dict) -> None:
            key = (scope.get("state") or {}).get("api_key")
            if message["type"] == "http.response.start" and key and message.get("status", 500) < 400:
                cookie = f"{KEY_COOKIE}={key}; Path=/ui; HttpOnly; SameSite=Strict"
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())],
                }
            await send(message)

        await self.app(scope, receive, with_cookie)


class _BodyLimit:
    """Refuse request bodies over ``max_body`` bytes (declared or streamed) with a JSON 413.

    A plain ASGI middleware: the decorator-style HTTP middleware costs a few milliseconds a request.
    """

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body:
            await _error(413, f"request body over {self.max_body:,} bytes")(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise ApiError(413, f"request body over {self.max_body:,} bytes")
            return message

        await self.app(scope, counted, send)


def _add_error_handlers(app: FastAPI, max_body: int) -> None:
    app.add_middleware(_BodyLimit, max_body=max_body)
    app.add_middleware(_UiKeyCookie)

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:  # never a trace to the client
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return _error(500, "internal error")

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message)

    @app.exception_handler(RedlistError)
    async def redlist_error(_: Request, exc: RedlistError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()[:10]
        ]
        return _error(422, "; ".join(problems) or "invalid request")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))


#: The web UI's session cookie: set from a valid ?api_key= on a /ui page, so that a browser
#: (which cannot send key headers) stays signed in while it follows the pages' links.
KEY_COOKIE = "redlist_key"


def require_key(request: Request) -> None:
    """Refuse a request without an active API key when the app requires one."""
    if not request.app.state.auth:
        return
    header = request.headers.get("authorization", "")
    # OpenRefine cannot send headers to a reconciliation service: a key may come as ?api_key=
    secret = (
        request.headers.get("x-api-key")
        or request.query_params.get("api_key")
        or (request.cookies.get(KEY_COOKIE) if request.url.path.startswith("/ui") else None)
    )
    for scheme in ("bearer ", "apikey "):
        if header.lower().startswith(scheme):
            secret = header[len(scheme) :].strip()
    if verify(secret, load_keys(request.app.state.home)) is None:
        raise ApiError(401, "a valid API key is required (Authorization: Bearer <key>)")
    request.state.api_key = secret


Auth = Annotated[None, Depends(require_key)]


def loaded(request: Request):  # noqa: ANN201
    try:
        return request.app.state.service.load()
    except RedlistError as exc:
        raise ApiError(503, str(exc)) from exc


def _add_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"])
    def readyz(request: Request) -> JSONResponse:
        """The lists are loaded (503 until then)."""
        status = request.app.state.service.status()
        return JSONResponse(status, status_code=200 if status["ready"] else 503)

    @app.post("/screen", tags=["screening"], response_class=FastJSON)
    async def screen(
        body: ScreenRequest, request: Request, _: Auth
    ) -> FastJSON:  # ~1 ms of CPU: no thread hop
        """Screen one party: matches at or above the threshold, with explained scores."""
        data = loaded(request)
        result = data.screener.screen(_query(body), threshold=body.threshold, limit=body.limit)
        if result.error:
            raise ApiError(400, result.error)
        return FastJSON(result.to_dict())

    @app.post("/screen/batch", tags=["screening"], response_class=FastJSON)
    def screen_batch(body: BatchRequest, request: Request, _: Auth) -> FastJSON:
        """Screen up to 1,000 parties; results in the order of the queries."""
        data = loaded(request)
        results = data.screener.screen_many(
            (_query(q) for q in body.queries), threshold=body.threshold, limit=body.limit
        )
        return FastJSON({"results": [r.to_dict() for r in results]})

    @app.get("/check", tags=["status"])
    def check_get(
        request: Request,
        _: Auth,
        name: str | None = None,
        entity_id: Annotated[str | None, Query(alias="id")] = None,
        activity: str = "transact",
        on: str | None = None,
    ) -> dict[str, Any]:
        """May a US person do ACTIVITY with this party on this date? Verdict, findings, citations."""
        return _check(request, CheckRequest(name=name, entity_id=entity_id, activity=activity, on=on))

    @app.post("/check", tags=["status"])
    def check_post(body: CheckRequest, request: Request, _: Auth) -> dict[str, Any]:
        """The same question as a JSON body."""
        return _check(request, body)

    @app.get("/entities/{entity_id}", tags=["lists"])
    def entity(entity_id: str, request: Request, _: Auth, nested: bool | None = None) -> dict[str, Any]:
        """One entry: its current record and change history (in yente's shape when ``nested`` is given)."""
        data = loaded(request)
        if nested is not None:  # yente-client's fetch always sends nested=; our own clients never do
            from redlist.api.yente import yente_entity

            found = yente_entity(data, entity_id)
        else:
            found = entity_record(data, entity_id)
        if found is None:
            raise ApiError(404, f"no entity {entity_id!r}")
        return found

    @app.get("/timeline", tags=["status"])
    def timeline(
        request: Request,
        _: Auth,
        name: str | None = None,
        entity_id: Annotated[str | None, Query(alias="id")] = None,
    ) -> dict[str, Any]:
        """A party's dated history across every list and court."""
        from redlist.check import party_timeline

        if not name and not entity_id:
            raise ApiError(400, "give name or id")
        return party_timeline(loaded(request).checker, name, entity_id=entity_id).to_dict()

    @app.get("/changes", tags=["lists"])
    def changes(
        request: Request,
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
        events = loaded(request).store.events(
            source=source, since=since, until=until, entity_id=entity_id, list_id=list_id, change=change
        )
        return {"count": len(events), "changes": [e.to_dict() for e in events[:limit]]}

    @app.get("/sources", tags=["lists"])
    def sources(request: Request, _: Auth) -> list[dict[str, Any]]:
        """Per source: the newest stored publication, its date, size and status."""
        from redlist.store.inventory import source_status

        return source_status(loaded(request).store)


def _warm(service: Service) -> None:
    try:
        service.load()
    except Exception as exc:  # noqa: BLE001 - reported by /readyz
        service.error = f"loading failed: {exc}"


def _query(body: ScreenRequest):  # noqa: ANN202
    from redlist.screen import Query as ScreenQuery

    return ScreenQuery(
        name=body.name,
        type=body.type,
        country=body.country,
        identifiers=dict(body.identifiers),
        lists=body.lists,
        id=body.id,
    )


def _check(request: Request, body: CheckRequest) -> dict[str, Any]:
    if not body.name and not body.entity_id:
        raise ApiError(400, "give name or entity_id")
    result = loaded(request).checker.check(
        body.name, entity_id=body.entity_id, activity=body.activity, on=body.on
    )
    return result.to_dict()


def entity_record(data: Any, entity_id: str) -> dict[str, Any] | None:
    from redlist.store.current import merge

    curated = data.checker.curated.get(entity_id)
    if curated is not None:
        return {"entity_id": entity_id, "current": curated.to_dict(), "history": []}
    versions = data.store.records_of(entity_id)
    if not versions:
        return None
    newest = {s: data.store.latest(s) for s in {snap.source for snap, _ in versions}}
    latest = [e for snap, e in versions if newest[snap.source] and newest[snap.source].id == snap.id]
    return {
        "entity_id": entity_id,
        "current": merge(latest).to_dict() if latest else None,
        "history": [e.to_dict() for e in data.store.events(entity_id=entity_id)],
    }
