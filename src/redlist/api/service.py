"""The loaded lists behind the HTTP API: built once, shared by every request, swapped on update.

A :class:`Service` holds a :class:`redlist.screen.Screener` and a :class:`redlist.check.Checker`
over one ``REDLIST_HOME``. When ``redlist update`` stores a new snapshot there, the next request
after the check interval sees a new data key; the new index is built in a background thread and
swapped in when ready, so requests in flight keep the one they started with and none fails.
"""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path
from typing import Any

from redlist.check import Checker
from redlist.screen import Screener, data_key
from redlist.store import Store


class Loaded:
    """One consistent generation of the data: the key it was built from and its indexes.

    The status checker (a second index, with removed entries) is built on first use, so a
    server that only screens does not pay for it.
    """

    def __init__(self, key: str, screener: Screener, store: Store, loaded_at: float) -> None:
        self.key = key
        self.screener = screener
        self.store = store
        self.loaded_at = loaded_at
        self._checker: Checker | None = None
        self._lock = threading.Lock()

    @property
    def checker(self) -> Checker:
        if self._checker is None:
            with self._lock:
                if self._checker is None:
                    self._checker = Checker(self.store)
        return self._checker


class Service:
    """Shared, reloadable access to the lists of one data directory."""

    def __init__(self, home: Path | None = None, *, check_every: float = 5.0) -> None:
        self.home = home
        self.check_every = check_every
        self._loaded: Loaded | None = None
        self._lock = threading.Lock()
        self._building = False
        self._checked = 0.0
        self.error: str | None = None

    def load(self) -> Loaded:
        """The current generation, building it on first use (blocking)."""
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._build()
        self._maybe_reload()
        return self._loaded

    @property
    def ready(self) -> bool:
        return self._loaded is not None

    def _build(self) -> Loaded:
        store = Store.open(self.home, shared=True)
        key = data_key(store)
        loaded = Loaded(key, Screener.load(store), store, time.time())
        # the index is millions of long-lived objects: freeze them out of the cyclic collector,
        # whose full passes over them would stall requests for half a second
        gc.collect()
        gc.freeze()
        return loaded

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_every or self._building:
            return
        self._checked = now
        current = self._loaded
        if current is None:
            return
        try:
            key = data_key(current.store)
        except Exception:  # noqa: BLE001 - a busy or locked store is checked again later
            return
        if key != current.key:
            self._building = True
            threading.Thread(target=self._rebuild, daemon=True).start()

    def _rebuild(self) -> None:
        try:
            fresh = self._build()
            self._loaded = fresh  # one assignment: requests see the old or the new, never a mix
            self.error = None
        except Exception as exc:  # noqa: BLE001 - keep serving the last good data
            self.error = f"reload failed: {exc}"
        finally:
            self._building = False

    def status(self) -> dict[str, Any]:
        loaded = self._loaded
        return {
            "ready": loaded is not None,
            "data_key": loaded.key if loaded else None,
            "entities": len(loaded.screener) if loaded else 0,
            "loaded_at": loaded.loaded_at if loaded else None,
            "reloading": self._building,
            "error": self.error,
        }
