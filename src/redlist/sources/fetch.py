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

#: Seconds one download may take in all, retries included (the ``download_deadline`` setting).
DEFAULT_DEADLINE = 900.0
#: Seconds to wait for a connection (a host that does not answer is reported quickly).
CONNECT_TIMEOUT = 10.0
#: Attempts before a host that cannot be connected to at all is reported (not the full backoff).
UNREACHABLE_TRIES = 2

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
    deadline: float | None = DEFAULT_DEADLINE,
    progress: ProgressFn | None = None,
    client: httpx.Client | None = None,
) -> bytes:
    """GET ``url`` and return its bytes, retrying transient failures ``retries`` times.

    ``timeout`` bounds each connect and read; ``deadline`` (seconds) bounds the whole download,
    retries and their waits included, so a server that trickles bytes cannot hold an update for
    ever: past it the download fails with a clear error (checked as each chunk arrives, so within
    one read ``timeout`` of the deadline).
    """
    own = client is None
    client = client or httpx.Client(
        headers=BROWSER_HEADERS,
        follow_redirects=True,
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
    )
    end = time.monotonic() + deadline if deadline is not None else None
    try:
        attempt = 0
        while True:
            try:
                return _get(client, url, progress, end, deadline)
            except _Retryable as exc:
                attempt += 1
                if exc.unreachable and attempt >= UNREACHABLE_TRIES:
                    # offline or blocked: say so at once instead of backing off for a minute
                    raise SourceError(
                        f"cannot reach {httpx.URL(url).host} ({exc}); offline? Load a saved copy with "
                        f"`redlist update {source or 'SOURCE'} --from FILE`",
                        source=source,
                        file=url,
                    ) from None
                if attempt > retries:
                    raise SourceError(
                        f"download failed after {attempt} attempts: {exc}", source=source, file=url
                    ) from None
                wait = exc.wait if exc.wait is not None else backoff * 2 ** (attempt - 1)
                if end is not None and time.monotonic() + wait > end:
                    raise SourceError(
                        f"download failed ({exc}) and a retry would pass the {deadline:g} s deadline",
                        source=source,
                        file=url,
                    ) from None
                time.sleep(wait)
            except SourceError as exc:
                raise exc.with_context(source=source, file=url) from None
    finally:
        if own:
            client.close()


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None, unreachable: bool = False) -> None:
        super().__init__(message)
        self.wait = wait
        self.unreachable = unreachable  # no connection at all (offline, DNS, refused)


def _get(
    client: httpx.Client, url: str, progress: ProgressFn | None, end: float | None, deadline: float | None
) -> bytes:
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
                if end is not None and time.monotonic() > end:
                    raise SourceError(
                        f"download took longer than its {deadline:g} s deadline ({done:,} bytes received)",
                        file=url,
                    )
                chunks.append(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
            data = b"".join(chunks)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise _Retryable(f"{type(exc).__name__}: {exc}", unreachable=True) from None
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
