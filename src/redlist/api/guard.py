"""What stands between the network and the routes: request limits, response headers, log redaction.

- :class:`RequestGuard` reads a request body under a size limit and a per-message timeout
  (413 and 408), and refuses JSON (or a form field holding JSON) nested too deeply or holding a
  lone surrogate with 422, before any parser recurses into it.
- :class:`SecurityHeaders` adds ``nosniff``, ``Referrer-Policy``, framing rules and, on HTML, a
  Content-Security-Policy (the UI's, the API docs' or framing only); the reconciliation preview
  may be framed (OpenRefine shows it so).
- :class:`RedactKeys` is a logging filter that hides API keys in every log line.
- :class:`GuardedH11` is uvicorn's HTTP/1.1 protocol with a deadline for a request's head.

All are plain ASGI or stdlib pieces: the decorator-style HTTP middleware costs milliseconds.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from uvicorn.protocols.http.h11_impl import H11Protocol

from redlist.api.deps import error_response
from redlist.util import json_problem

_JSON_TYPES = ("application/json", "application/ld+json", "text/json")
_FORM_TYPE = "application/x-www-form-urlencoded"


class RequestGuard:
    """Refuse oversized, slow or unsafe request bodies with a JSON 4xx, then replay the body."""

    def __init__(self, app: Any, *, max_body: int, body_timeout: float, max_json_depth: int) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body:
            await self._refuse(scope, receive, send, 413, f"request body over {self.max_body:,} bytes")
            return
        problem = _query_problem(scope.get("query_string", b""), self.max_json_depth)
        if problem:
            await self._refuse(scope, receive, send, 422, problem)
            return
        body, more = b"", True
        while more:
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                await self._refuse(scope, receive, send, 408, f"no body data for {self.body_timeout:g} s")
                return
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                await self._refuse(scope, receive, send, 413, f"request body over {self.max_body:,} bytes")
                return
        problem = _body_problem(body, headers.get(b"content-type", b""), self.max_json_depth)
        if problem:
            await self._refuse(scope, receive, send, 422, problem)
            return
        await self.app(scope, _replay(body, receive), send)

    @staticmethod
    async def _refuse(scope: dict, receive: Any, send: Any, status: int, message: str) -> None:
        await error_response(status, message)(scope, receive, send)


def _replay(body: bytes, receive: Any) -> Any:
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect

    return replay


def _body_problem(body: bytes, content_type: bytes, max_depth: int) -> str | None:
    kind = content_type.split(b";")[0].strip().decode("latin-1").lower()
    if not body or kind not in (*_JSON_TYPES, _FORM_TYPE):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the request body is not UTF-8 (byte {exc.start})"
    if kind == _FORM_TYPE:
        return _form_problem(text, max_depth)
    problem = json_problem(text, max_depth)
    return f"the request body: {problem}" if problem else None


def _query_problem(query: bytes, max_depth: int) -> str | None:
    if not query:
        return None
    return _form_problem(query.decode("latin-1"), max_depth)


def _form_problem(text: str, max_depth: int) -> str | None:
    try:
        fields = parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return "a form or query field is not UTF-8 text"
    for name, value in fields:
        if value[:1] in ("{", "[", '"'):  # fields such as OpenRefine's queries= carry JSON
            problem = json_problem(value, max_depth)
            if problem:
                return f"field {name!r}: {problem}"
        elif re.search("[\ud800-\udfff]", value):
            return f"field {name!r} holds a lone UTF-16 surrogate"
    return None


# --- response headers ----------------------------------------------------------------------------

#: The web UI serves its own stylesheet and embeds charts as data: images; no script at all.
UI_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
#: The API docs (Swagger UI, ReDoc): their scripts and styles from this server plus the inline
#: start-up script and styles they need; nothing from elsewhere (ReDoc's sidebar logo from its
#: CDN is refused, and hides itself), so the pages work offline and tell no third party.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc"})
#: The reconciliation preview is a fragment OpenRefine shows in a frame, styled inline.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'"


class SecurityHeaders:
    """Add security headers to every response (without overriding ones a route set)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        framable = scope["path"] == "/reconcile/preview"
        policy = (
            UI_POLICY
            if scope["path"].startswith("/ui")
            else DOCS_POLICY
            if scope["path"] in DOCS_PATHS
            else "frame-ancestors 'none'"
        )

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = _secured(list(message.get("headers", [])), framable, policy)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _secured(headers: list[tuple[bytes, bytes]], framable: bool, policy: str) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
    extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
    if framable:
        extra.append((b"content-security-policy", PREVIEW_POLICY.encode()))
    else:
        extra.append((b"x-frame-options", b"DENY"))
        if html:  # the UI's and the docs' own policies; any other page may not be framed either
            extra.append((b"content-security-policy", policy.encode()))
    return headers + [(n, v) for n, v in extra if n not in present]


# --- logs ---------------------------------------------------------------------------------------

_SECRET = re.compile(
    r"(\b(?:api_key|apikey|key|token)=)[^&\s\"']+|((?:x-api-key|authorization)\s*[:=]\s*)(?:bearer\s+)?[^\s,\"']+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with API keys (query parameters and key headers) replaced by ``REDACTED``."""
    return _SECRET.sub(lambda m: (m.group(1) or m.group(2)) + "REDACTED", text)


class RedactKeys(logging.Filter):
    """Hide API keys in a log record's message and arguments (uvicorn's access log passes the
    full path with its query string as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install_redaction() -> None:
    """Attach :class:`RedactKeys` to the loggers that may see a URL or header (once)."""
    for name in ("uvicorn.access", "uvicorn.error", "redlist", "redlist.api"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactKeys) for f in logger.filters):
            logger.addFilter(RedactKeys())


# --- the HTTP protocol ------------------------------------------------------------------------


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head is not complete within
    ``config.redlist_header_timeout`` seconds (uvicorn times out idle keep-alive connections
    only, so a client trickling its headers would hold a connection forever)."""

    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._head_deadline = float(getattr(config, "redlist_header_timeout", 10.0))
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self.cycle is None or self.cycle.response_complete:  # these bytes start a request head
            self._arm_head_timer()
        super().data_received(data)
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm_head_timer()  # the head arrived: the request is being handled

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self._head_deadline, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if (self.cycle is None or self.cycle.response_complete) and not self.transport.is_closing():
            self.transport.close()
