"""Webhooks: each raised alert POSTed as JSON to the watchlist's URL, signed with HMAC-SHA256,
retried with exponential backoff, every attempt in the delivery log.

The signature header is ``X-Redlist-Signature: sha256=<hex HMAC-SHA256 of the body with the
watchlist's secret>``; receivers recompute it over the raw body (:func:`signature`). Plain http
is accepted only for loopback receivers (tests, a local relay); anything else must be https.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from redlist.errors import InvalidInput
from redlist.watch.storage import WatchStore, now

HEADER = "X-Redlist-Signature"
ATTEMPTS = 4
BACKOFF = 1.0  # seconds before the 2nd attempt; doubled each time
TIMEOUT = 10.0
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def signature(secret: str, body: bytes) -> str:
    """The signature header's value for a body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def check_url(url: str) -> str:
    """``url`` when it is https (or http to a loopback host); InvalidInput otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return url
    raise InvalidInput(f"webhook URL {url!r}: use https:// (http only to a loopback address)")


def payload(alert: dict[str, Any]) -> bytes:
    """The body sent for an alert: the alert's JSON (canonical, so the signature is reproducible)."""
    body = {"type": "redlist.alert", "alert": alert}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def deliver(
    ws: WatchStore,
    watchlist: dict[str, Any],
    alert: dict[str, Any],
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """POST one alert until a 2xx answer or the attempts run out; each attempt is logged."""
    url = str(watchlist["webhook_url"])
    body = payload(alert)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "redlist-webhook",
        HEADER: signature(str(watchlist.get("webhook_secret") or ""), body),
        "X-Redlist-Delivery": str(uuid.uuid4()),
    }
    digest = hashlib.sha256(body).hexdigest()
    last: dict[str, Any] = {}
    for attempt in range(1, attempts + 1):
        code: int | None = None
        error: str | None = None
        try:
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - URL checked
                code = response.status
        except urllib.error.HTTPError as exc:
            code, error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            error = str(getattr(exc, "reason", exc))
        last = {
            "id": uuid.uuid4().hex[:16],
            "watchlist": watchlist["name"],
            "alert_id": alert["id"],
            "url": url,
            "attempt": attempt,
            "at": now(),
            "status_code": code,
            "error": error,
            "body_sha256": digest,
        }
        ws.log_delivery(last)
        if code is not None and 200 <= code < 300:
            return {**last, "delivered": True}
        if attempt < attempts:
            sleep(backoff * 2 ** (attempt - 1))
    return {**last, "delivered": False}


def preview(watchlist: dict[str, Any], alert: dict[str, Any]) -> dict[str, Any]:
    """What would be sent (``--dry-run``): URL, headers and body, nothing sent or logged."""
    body = payload(alert)
    return {
        "url": watchlist.get("webhook_url"),
        "headers": {HEADER: signature(str(watchlist.get("webhook_secret") or ""), body)},
        "body": json.loads(body),
    }
