"""Downloads from the official URLs: browser-like headers, retries with backoff, progress.

OFAC's Sanctions List Service refuses clients that do not look like a browser, and government
portals fail transiently (429, 5xx, resets), so every download retries with exponential backoff
and honours ``Retry-After``. A download that still fails raises :class:`SourceError` naming the URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import unquote, urlparse

import httpx

from redlist import __version__
from redlist.errors import SourceError

BROWSER_HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/126.0 Safari/537.36 redlist/{__version__}"
    ),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,text/csv,application/json,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}

ProgressFn = Callable[[int, int | None], None]


def file_name(url: str) -> str:
    """The lower-case file name a URL points at (``.../exports/SDN.CSV`` -> ``sdn.csv``)."""
    path = unquote(urlparse(url).path)
    return path.rstrip("/").rsplit("/", 1)[-1].lower()


def download(
    url: str,
    *,
    source: str | None = None,
    retries: int = 4,
    backoff: float = 1.0,
    timeout: float = 120.0,
    progress: ProgressFn | None = None,
    client: httpx.Client | None = None,
) -> bytes:
    """GET ``url`` and return its bytes, retrying transient failures ``retries`` times."""
    own = client is None
    client = client or httpx.Client(headers=BROWSER_HEADERS, follow_redirects=True, timeout=timeout)
    try:
        attempt = 0
        while True:
            try:
                return _get(client, url, progress)
            except _Retryable as exc:
                attempt += 1
                if attempt > retries:
                    raise SourceError(
                        f"download failed after {attempt} attempts: {exc}", source=source, file=url
                    ) from None
                time.sleep(exc.wait if exc.wait is not None else backoff * 2 ** (attempt - 1))
    finally:
        if own:
            client.close()


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


def _get(client: httpx.Client, url: str, progress: ProgressFn | None) -> bytes:
    try:
        with client.stream("GET", url) as response:
            if response.status_code in RETRY_STATUS:
                raise _Retryable(f"HTTP {response.status_code}", _retry_after(response))
            if response.status_code >= 400:
                raise SourceError(f"HTTP {response.status_code} {response.reason_phrase}", file=url)
            total = int(response.headers.get("content-length") or 0) or None
            chunks: list[bytes] = []
            done = 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
            data = b"".join(chunks)
    except httpx.TransportError as exc:
        raise _Retryable(f"{type(exc).__name__}: {exc}") from None
    if total is not None and len(data) < total:
        raise _Retryable(f"truncated download: {len(data)} of {total} bytes")
    return data


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value and value.isdigit():
        return min(float(value), 60.0)
    return None
