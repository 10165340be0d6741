"""The UI's key cookie and the error handlers: every error is JSON, without a trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from redlist.api.deps import KEY_COOKIE, ApiError, error_response
from redlist.errors import InvalidInput, RedlistError

log = logging.getLogger("redlist.api")


class UiKeyCookie:
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


def add_error_handlers(app: FastAPI) -> None:
    """Every error is JSON with a status and a message; no stack trace reaches a client."""

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return error_response(500, "internal error")

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message)

    @app.exception_handler(RedlistError)
    async def redlist_error(_: Request, exc: RedlistError) -> JSONResponse:
        return error_response(400, str(exc))

    @app.exception_handler(InvalidInput)
    async def invalid_input(_: Request, exc: InvalidInput) -> JSONResponse:
        return error_response(422, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: "
            + ("unknown field" if e.get("type") == "extra_forbidden" else str(e.get("msg")))
            for e in exc.errors()[:10]
        ]
        return error_response(422, "; ".join(problems) or "invalid request")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail))
