"""What every route shares: the facade, API-key checks, JSON errors and fast JSON responses."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from redlist.service import Redlist

#: The web UI's session cookie: set from a valid ?api_key= on a /ui page, so that a browser
#: (which cannot send key headers) stays signed in while it follows the pages' links.
KEY_COOKIE = "redlist_key"


class ApiError(Exception):
    """An error answered as JSON ``{"error": {"status", "message"}}`` with that status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


class FastJSON(JSONResponse):
    """Plain json.dumps of library dicts (already JSON-ready), skipping FastAPI's slow encoder."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def facade(request: Request) -> Redlist:
    """The app's :class:`~redlist.service.Redlist`."""
    redlist: Redlist = request.app.state.redlist
    return redlist


async def require_key(request: Request) -> None:
    """Refuse a request without an active API key when the app requires one.

    A coroutine, as the facade's dependency, so that FastAPI runs it on the event loop: a plain
    function is run in the thread pool, a thread switch per dependency and request (with two
    workers sharing a core, process switches; docs/benchmarks.md)."""
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
    if facade(request).keys.verify(secret) is None:
        raise ApiError(401, "a valid API key is required (Authorization: Bearer <key>)")
    request.state.api_key = secret


async def _facade(request: Request) -> Redlist:
    return facade(request)


Auth = Annotated[None, Depends(require_key)]
Facade = Annotated[Redlist, Depends(_facade)]


def actor(request: Request) -> str:
    """Who is asking, for the audit trail: ``api-key:<name>``, or ``api`` without API keys."""
    secret = getattr(request.state, "api_key", None)
    key = facade(request).keys.verify(secret) if secret else None
    return f"api-key:{key.name}" if key is not None else "api"
