"""The front door: one object that a Python caller, the CLI and the HTTP API all use.

>>> import redlist
>>> r = redlist.open()                                   # settings: see redlist.settings
>>> r.check("Xiaomi Corporation", activity="invest", on="2021-03-16").verdict
'allowed'
>>> r.screen("Huawei Technologies Co., Ltd.").matches[0].entity_id

A :class:`Redlist` opens a home directory (its :class:`~redlist.settings.Settings`), owns the
store and the indexes built from the data it holds now (a :class:`Generation`), and offers the
operations by name: :meth:`~Redlist.screen`, :meth:`~Redlist.screen_file`, :meth:`~Redlist.check`,
:meth:`~Redlist.check_file`, :meth:`~Redlist.entity`, :meth:`~Redlist.timeline`,
:meth:`~Redlist.changes`, :meth:`~Redlist.sources`, :meth:`~Redlist.update`,
:meth:`~Redlist.export`, and the API keys (:attr:`~Redlist.keys`).

When the store's data changes (``redlist update`` here or in another process), the next call
after ``settings.reload_interval`` seconds sees a new data key and builds a new generation: at
once (``background=False``, the default) or in a background thread while calls keep using the
old one (``background=True``, the server). A generation's store connection is closed when it has
been replaced and its last call has finished. Everything derived from one generation (the
indexes, entity lookups, prefix search) is kept on that generation and nowhere else.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from redlist import __version__, compiled
from redlist.errors import InvalidInput, RedlistError
from redlist.keys import ApiKey, create_key, load_keys, revoke_key, verify
from redlist.model import LIST_IDS, LISTS, Activity, Change, ChangeEvent, Entity
from redlist.screen import MATCH_THRESHOLD, QUERY_TYPES, Match, Query, Screener, ScreenResult, kind_of
from redlist.service.generation import INDEX_FILES, JUDGEMENTS_FILE, Generation, data_key, suggest
from redlist.service.quick import QuickSettings, default_home, load_settings
from redlist.service.watching import WatchOperations
from redlist.util import gc_paused

# Imported when used (start-up time): a one-name screening needs neither the status engine
# (regimes, curated data, parties), nor the watchlists, nor the batch readers and writers, nor the
# download code (httpx), nor SQLAlchemy (a SQLite store is read with sqlite3: redlist.store.lite).
# Each method imports what it uses; the names this module exports are looked up on first use
# (see __getattr__ below).
if TYPE_CHECKING:
    from redlist.batch.run import BatchSummary
    from redlist.check import CheckResult
    from redlist.parties import Party, PartyGraph
    from redlist.regimes.rules import ACTIVITIES, ACTIVITY_TEXT
    from redlist.regimes.timeline import Timeline
    from redlist.settings import Settings
    from redlist.store import Store
    from redlist.store.update import Progress, UpdateResult
    from redlist.watch.audit import AuditWriter
    from redlist.watch.monitor import RunReport

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_TEXT",
    "LISTS",
    "MATCH_THRESHOLD",
    "Match",
    "QUERY_TYPES",
    "BatchSummary",
    "CheckResult",
    "EntityRecord",
    "Generation",
    "JUDGEMENTS_FILE",
    "Keys",
    "Query",
    "QuickSettings",
    "Redlist",
    "ScreenResult",
    "Settings",
    "Timeline",
    "UpdateResult",
    "default_home",
    "load_settings",
    "open",
]

log = logging.getLogger("redlist")

#: Screened once by :meth:`Redlist.preload` so that the tables and modules each script needs
#: (transliteration, the Chinese and other CJK tables) are loaded before the server forks.
PRELOAD_NAMES = (
    "Maria Lopez Garcia",
    "Golden Star Trading LLC",
    "Ахмед Иванов",
    "习近平",
    "华为技术有限公司",
    "محمد علي",
)


def __getattr__(name: str) -> Any:
    """The exported names of the modules imported when used (see the imports above)."""
    if name == "BatchSummary":
        from redlist.batch.run import BatchSummary

        return BatchSummary
    if name == "UpdateResult":
        from redlist.store.update import UpdateResult

        return UpdateResult
    if name == "CheckResult":
        from redlist.check import CheckResult

        return CheckResult
    if name in ("ACTIVITIES", "ACTIVITY_TEXT"):
        from redlist.regimes import rules

        return getattr(rules, name)
    if name == "Timeline":
        from redlist.regimes.timeline import Timeline

        return Timeline
    if name == "Settings":
        from redlist.settings import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class EntityRecord:
    """One entry by id: as listed now (merged across sources), whether it is listed today, and its
    change history. ``current`` is None for an official entry no longer published."""

    entity_id: str
    current: Entity | None
    listed: bool
    history: list[ChangeEvent] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "current": self.current.to_dict() if self.current else None,
            "history": [e.to_dict() for e in self.history],
        }


class Keys:
    """The API keys of a home directory (stored hashed; a secret is shown once, when created)."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def create(self, name: str) -> tuple[ApiKey, str]:
        return create_key(name, self.home)

    def list(self) -> list[ApiKey]:
        return load_keys(self.home)

    def revoke(self, key_id: str) -> ApiKey:
        return revoke_key(key_id, self.home)

    def verify(self, secret: str | None) -> ApiKey | None:
        """The active key a secret belongs to, or None."""
        return verify(secret, load_keys(self.home))

    def any_active(self) -> bool:
        return any(k.revoked is None for k in load_keys(self.home))


class Redlist(WatchOperations):
    """redlist's operations over one home directory; see the module docstring."""

    def __init__(
        self, settings: Settings | None = None, *, background: bool = False, freeze: bool = False
    ) -> None:
        if settings is None:
            from redlist.settings import Settings

            settings = Settings.load()
        self.settings = settings
        # the bundled data files' compiled form (curated lists, regimes) is kept in the cache folder
        compiled.keep_in(settings.cache_dir if settings.cache else None)
        self.background = background
        self.freeze = freeze  # keep the indexes out of the cyclic GC (the server's long-lived objects)
        self.keys = Keys(self.settings.home)
        self.error: str | None = None
        self._gen: Generation | None = None
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._building = False
        self.last_watch_report: RunReport | None = None  # of the watchlists' re-check after an update
        self.watch_error: str | None = None  # why that re-check failed

    @cached_property
    def _auditor(self) -> AuditWriter:
        """The audit trail's writer, made when a first row is recorded (start-up time)."""
        from redlist.watch.audit import AuditWriter

        # a server's rows wait up to 50 ms to be written together (a one-shot command waits for its
        # row: flush() writes at once)
        return AuditWriter(lambda: self._open_store(shared=False), linger=0.05 if self.background else 0.0)

    # --- generations -----------------------------------------------------------------------------

    def _open_store(self, *, shared: bool) -> Store:
        """The store of the settings. A SQLite store of a one-shot caller (not the server) is read
        with sqlite3, SQLAlchemy imported only when a call needs more (redlist.store.lite)."""
        settings = self.settings
        path = settings.database_path
        if path is not None and not self.background:
            from redlist.store.lite import open_lite

            lite = open_lite(settings.home, path)
            if lite is not None:
                return cast("Store", lite)  # the same calls: the others go to a full Store
        from redlist.store import Store

        return Store.open(settings.home, path=path, url=settings.store_url, shared=shared)

    def _build(self) -> Generation:
        gen = Generation(self.settings, self._open_store(shared=True))
        if not self.background:
            return gen
        if gen.indexes_to_write():
            _write_indexes_apart(self.settings)
        # The server builds the index before the new generation takes calls, while it answers
        # others. The cyclic GC stays off meanwhile: every full pass over the million objects
        # being built holds the GIL for a few hundred ms, stalling every request. The new objects
        # are then frozen out of the GC, without a collection (another such pass): the indexes
        # hold no reference cycles (tests/test_service.py), so nothing frozen is garbage later.
        try:
            with gc_paused():
                gen.warm()
                if self.freeze:
                    gc.freeze()
        except BaseException:
            gen.store.close()
            raise
        return gen

    def _current(self) -> Generation:
        gen = self._gen
        if gen is None:
            with self._lock:
                if self._gen is None:
                    self._gen = self._build()
                return self._gen
        self._maybe_reload(gen)
        return self._gen or gen

    def _maybe_reload(self, gen: Generation) -> None:
        now = time.monotonic()
        if now - self._checked < self.settings.reload_interval or self._building:
            return
        self._checked = now
        try:
            key = data_key(self.settings, gen.store)
        except Exception:  # noqa: BLE001 - a busy or locked store is checked again later
            return
        if key == gen.key:
            return
        if self.background:
            self._building = True
            threading.Thread(target=self._rebuild_behind, daemon=True, name="redlist-reload").start()
        else:
            self._rebuild()

    def _rebuild_behind(self) -> None:
        """Rebuild in this background thread, behind the requests being answered meanwhile."""
        with behind_requests():
            self._rebuild()

    def _rebuild(self) -> None:
        try:
            fresh = self._build()
        except Exception as exc:  # noqa: BLE001 - keep serving the last good data
            self.error = f"reload failed: {exc}"
            log.error("reload failed; the previous data stays in use", exc_info=exc)
        else:
            old, self._gen = self._gen, fresh  # one assignment: calls see the old or the new, never a mix
            self.error = None
            if old is not None:
                old.retire()
                del old  # freed here, or by the last call still using it
                if self.background:
                    release_free_memory()
        finally:
            self._building = False

    @contextmanager
    def generation(self) -> Iterator[Generation]:
        """The current generation, held for the duration of the ``with`` block."""
        gen = self._current()
        gen.acquire()
        try:
            yield gen
        finally:
            gen.release()

    def refresh(self) -> None:
        """Drop the current generation: the next call builds one from the data as it is now."""
        with self._lock:
            old, self._gen = self._gen, None
        if old is not None:
            old.retire()

    def warm(self) -> None:
        """Build the current generation and its screening index now (blocking)."""
        try:
            with self.generation() as gen:
                gen.warm()
        except Exception as exc:
            self.error = f"loading failed: {exc}"
            raise

    def preload(self) -> None:
        """Load everything the server's requests use, before its workers are forked from this
        process (so that they share it): the screening index, the status checker, and the tables
        and modules the first screening in each script loads. Then close the store's connections,
        which a forked process must not share (each worker opens its own)."""
        with self.generation() as gen:
            gen.warm()
            _ = gen.checker
            if self._reopen_built(gen):
                gen.warm()
                _ = gen.checker
            _ = gen.name_index, gen.receipt, gen.screen_warning
            for name in PRELOAD_NAMES:  # the results are not kept: only what they load is
                gen.screener.screen(name)
        gen.store.engine.dispose()

    def reload_now(self) -> bool:
        """Build a new generation now, in this thread, when the data changed since the current one
        was built; True when it did (the server's parent, which then forks workers sharing it)."""
        gen = self._gen
        if gen is None:
            return False
        try:
            key = data_key(self.settings, gen.store)
        except Exception:  # noqa: BLE001 - a busy or locked store is checked again later
            return False
        if key == gen.key:
            return False
        self._rebuild()
        return self._gen is not gen

    def _reopen_built(self, gen: Generation) -> bool:
        """When the indexes were just built here (no file for this data yet), drop the built
        objects and open them again from the files they were saved to: mapped pages that the
        workers share, instead of a few hundred MB of Python objects. True when it did."""
        from redlist import indexfile

        built = not hasattr(gen.screener, "pack") or not hasattr(gen.checker.screener, "pack")
        saved = all(
            (self.settings.cache_dir / f"{name}-{gen.key}{indexfile.SUFFIX}").exists() for name in INDEX_FILES
        )
        if not (built and saved and self.settings.cache):
            return False
        for name in ("screener", "by_id", "name_index", "checker"):
            gen.__dict__.pop(name, None)
        release_free_memory()
        return True

    def after_fork(self) -> None:
        """In a process forked from this one: drop the connections and the audit writer inherited
        from the parent (never used across processes), so that this process opens its own."""
        with self._lock:
            gen = self._gen
        if gen is not None:
            gen.store.engine.dispose(close=False)
        self.__dict__.pop("_auditor", None)  # made again on first use, with this process's store
        self._checked = time.monotonic()

    def warm_checker(self) -> None:
        """Build the status checker and its index now (the CLI does this under a spinner)."""
        with self.generation() as gen:
            _ = gen.checker

    def status(self) -> dict[str, Any]:
        """Whether data is loaded, its key and size, and the last reload problem."""
        gen = self._gen
        ready = gen is not None and "screener" in gen.__dict__
        return {
            "ready": ready,
            "data_key": gen.key if gen else None,
            "entities": len(gen.screener) if ready and gen else 0,
            "loaded_at": gen.loaded_at if gen else None,
            "reloading": self._building,
            "error": self.error,
            "version": __version__,
        }

    def close(self) -> None:
        if "_auditor" in self.__dict__:  # rows were recorded
            self._auditor.flush()
        self.refresh()

    def __enter__(self) -> Redlist:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- screening -------------------------------------------------------------------------------

    def screen(
        self,
        query: Query | str,
        *,
        threshold: float | None = None,
        limit: int = 10,
        scope: str = "current",
        on: str | date | None = None,
    ) -> ScreenResult:
        """Matches for one name and/or identifiers; a bad query gives a result with ``error`` set.

        ``scope`` is ``current`` (the entries listed today) or ``all`` (also entries no longer
        listed, as a status question sees them). ``on`` screens against the lists as they stood
        on that date instead (from the stored history and the curated listing dates).
        """
        if isinstance(query, Query):
            check_list_ids(query.lists)
        if on is not None:
            from redlist.regimes.status import parse_date

            return self._screen_on(query, parse_date(on, "on").isoformat(), threshold, limit)
        with self.generation() as gen:
            return gen.stamp(self._screener(gen, scope).screen(query, threshold=threshold, limit=limit))

    def _screen_on(self, query: Query | str, day: str, threshold: float | None, limit: int) -> ScreenResult:
        """Screen against the lists as they stood on ``day``: every entry ever loaded, kept when
        its history shows it listed that day (with the lists it was on then)."""
        from redlist.regimes.coverage import history_note

        with self.generation() as gen:
            checker = gen.checker
            result = checker.screener.screen(query, threshold=threshold, limit=max(limit * 5, 50))
            kept = []
            for match in result.matches:
                lists = set(checker.listed_on(match.entity_id, day))
                if lists:
                    match.lists = [x for x in match.lists if x.get("list") in lists] or match.lists
                    kept.append(match)
            result.matches = kept[:limit]
            history = history_note(day, checker.coverage)
            if history:
                result.warnings.append(history)
            return gen.stamp(result)

    def screen_many(
        self, queries: Iterable[Query], *, threshold: float | None = None, limit: int = 10
    ) -> list[ScreenResult]:
        """Results for many queries, in order."""
        queries = list(queries)
        for query in queries:
            check_list_ids(query.lists)
        with self.generation() as gen:
            return [gen.stamp(r) for r in gen.screener.screen_many(queries, threshold=threshold, limit=limit)]

    def screen_file(
        self,
        input_path: str | Path,
        output_path: str | Path = "-",
        *,
        name_column: str = "name",
        id_column: str = "id",
        threshold: float | None = None,
        limit: int = 10,
        lists: list[str] | None = None,
        progress: Progress | None = None,
        encoding: str | None = None,
        workers: int = 1,
        engine: str = "local",
        scheduler: str | None = None,
    ) -> BatchSummary:
        """Screen every row of a CSV/XLSX/Parquet/JSONL file into a JSONL/JSON/CSV/XLSX/Parquet
        file, in order (``encoding``: of a CSV input not in UTF-8).

        ``engine`` ``local`` screens here, in ``workers`` processes forked after the index is
        loaded (0: one per core); ``dask`` on a Dask cluster (``scheduler``: its address; none:
        a local cluster of ``workers`` processes), each worker opening the index file once.
        """
        check_list_ids(lists)
        if engine not in ("local", "dask"):
            raise InvalidInput(f"unknown engine {engine!r}; use local or dask")
        with self.generation() as gen:
            from redlist.batch import run as batch

            if engine == "dask":
                from redlist.batch import dask_engine

                with gen.index_file() as index_path:
                    return dask_engine.screen_file(
                        index_path,
                        str(input_path),
                        str(output_path),
                        name_column=name_column,
                        id_column=id_column,
                        threshold=threshold,
                        limit=limit,
                        lists=lists,
                        progress=progress,
                        encoding=encoding,
                        scheduler=scheduler,
                        workers=batch.worker_count(workers) if workers != 1 else 2,
                    )
            return batch.screen_file(
                gen.screener,
                str(input_path),
                str(output_path),
                name_column=name_column,
                id_column=id_column,
                threshold=threshold,
                limit=limit,
                lists=lists,
                progress=progress,
                encoding=encoding,
                workers=workers,
            )

    @staticmethod
    def _screener(gen: Generation, scope: str) -> Screener:
        if scope == "current":
            return gen.screener
        if scope == "all":
            return gen.checker.screener
        raise RedlistError(f"unknown scope {scope!r}: use current or all")

    def listed(self, entity_id: str) -> Entity | None:
        """The entry ``entity_id`` as listed today (official or curated), or None."""
        with self.generation() as gen:
            return gen.by_id.get(entity_id)

    def party_of(self, entry_id: str) -> Party | None:
        """The party an entry (or a party id) belongs to, or None."""
        with self.generation() as gen:
            return gen.parties.party_of(entry_id)

    def suggest(self, prefix: str, limit: int = 10) -> list[Entity]:
        """Entries listed today with a name starting with ``prefix``, then with a word starting so."""
        with self.generation() as gen:
            return suggest(gen.name_index, gen.by_id, prefix, limit)

    # --- status ----------------------------------------------------------------------------------

    def check(
        self,
        name: str | None = None,
        *,
        entity_id: str | None = None,
        identifiers: Mapping[str, str] | None = None,
        activity: str = "transact",
        on: str | date | None = None,
        replay: Mapping[str, Any] | None = None,
        purpose: str | None = None,
    ) -> CheckResult:
        """May a US person do ``activity`` with this party on ``on`` (default today), and why?

        The party is named by ``name``, an ``entity_id`` (a party or entry id; ``isin:...``,
        ``lei:...`` and other ``TYPE:VALUE`` identifiers are accepted here too) or
        ``identifiers`` (``{"isin": ...}``), resolved through the party layer. ``replay`` is the
        receipt of an earlier answer (its ``data``): the question is answered again from exactly
        the snapshots it names, as on the day it was answered. ``purpose`` (public_safety,
        government_facilities, critical_infrastructure, national_security or other) is what the
        party's equipment is used for: a listing that covers it only for some purposes (s.889, the
        FCC Covered List for Hytera, Hikvision and Dahua) answers ``review`` without it.
        """
        ids = dict(identifiers or {})
        if not name and not entity_id and not ids:
            raise InvalidInput("give a name, an entity id or an identifier (e.g. isin:CNE100000PM8)")
        if replay is not None:
            return self._replayed(replay, name, entity_id, ids, activity, on, purpose)
        with self.generation() as gen:
            return gen.checker.check(
                name, entity_id=entity_id, identifiers=ids or None, activity=activity, on=on, purpose=purpose
            )

    def _replayed(
        self,
        receipt: Mapping[str, Any],
        name: str | None,
        entity_id: str | None,
        ids: dict[str, str],
        activity: str,
        on: str | date | None,
        purpose: str | None,
    ) -> CheckResult:
        from redlist.check import Checker
        from redlist.parties.resolve import resolve
        from redlist.store.pinned import PinnedStore

        pins, answered_on = read_receipt(receipt)
        with self.generation() as gen:
            pinned = PinnedStore(gen.store, pins)
            parties = resolve(pinned, gen.curated, self.settings.home)
            checker = Checker(
                pinned, curated=gen.curated, parties=parties, stale_after=self.settings.stale_after
            )
            result = checker.check(
                name,
                entity_id=entity_id,
                identifiers=ids or None,
                activity=activity,
                on=on if on is not None else answered_on,
                today=date.fromisoformat(answered_on),
                purpose=purpose,
            )
        notes = [f"Replayed from the receipt of {answered_on}: the snapshots it names, as loaded then."]
        for part in ("curated", "regimes"):
            if receipt.get(part) and result.data and receipt[part] != result.data.get(part):
                notes.append(
                    f"The bundled {part} data is {result.data.get(part)} now, {receipt[part]} in the receipt: "
                    f"this answer uses the current {part} data."
                )
        result.notices = notes + result.notices
        return result

    def check_file(
        self,
        input_path: str | Path,
        output_path: str | Path = "-",
        *,
        name_column: str = "name",
        id_column: str = "id",
        activity: str = "transact",
        on: str | None = None,
        purpose: str | None = None,
        progress: Progress | None = None,
        encoding: str | None = None,
    ) -> dict[str, int]:
        """One status question per input row (columns id, name, entity_id or an identifier such
        as isin, activity, date, purpose) into JSON lines, JSON, CSV, XLSX or Parquet (one row per
        answer)."""
        with self.generation() as gen:
            from redlist.batch import run as batch

            return batch.check_file(
                gen.checker,
                str(input_path),
                str(output_path),
                name_column=name_column,
                id_column=id_column,
                default_activity=activity,
                default_date=on,
                default_purpose=purpose,
                progress=progress,
                encoding=encoding,
            )

    @staticmethod
    def write_results(
        records: Iterable[dict[str, Any]], output_path: str | Path, *, layout: str = "screen"
    ) -> int:
        """Write batch records (rows of a JSONL result) again as JSONL/JSON/CSV/XLSX, by the
        output's extension; ``layout`` is ``screen`` or ``check`` (status answers). Returns how
        many were written."""
        from redlist.batch import write as batch_write

        with batch_write.open_writer(str(output_path), layout=layout) as writer:
            return writer.write_all(records)

    def timeline(self, name: str | None = None, *, entity_id: str | None = None) -> Timeline:
        """The party's dated history across every list and court."""
        from redlist.check import party_timeline

        if not name and not entity_id:
            raise RedlistError("give a name or an entity id")
        with self.generation() as gen:
            return party_timeline(gen.checker, name, entity_id=entity_id)

    # --- the lists -------------------------------------------------------------------------------

    def entity(self, entity_id: str) -> EntityRecord | None:
        """One entry by id (official or curated, listed today or not), or None when unknown."""
        from redlist.store.current import merge

        with self.generation() as gen:
            listed = gen.by_id.get(entity_id)
            if listed is not None and listed.source == "curated":
                return EntityRecord(entity_id, listed, True)
            curated = gen.curated.entities.get(entity_id)
            if curated is not None:
                return EntityRecord(entity_id, curated, False)
            versions = gen.store.records_of(entity_id)
            if not versions:
                return None
            newest = {s: gen.store.latest(s) for s in {snap.source for snap, _ in versions}}
            latest = [e for snap, e in versions if (n := newest[snap.source]) is not None and n.id == snap.id]
            history = gen.store.events(entity_id=entity_id)
            current = listed or (merge(latest) if latest else None)
            return EntityRecord(entity_id, current, current is not None, history)

    def changes(
        self,
        *,
        source: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        list_id: str | None = None,
        change: str | None = None,
        entity_id: str | None = None,
    ) -> list[ChangeEvent]:
        """What was added, removed and amended between consecutive publications, oldest first."""
        from redlist import sources
        from redlist.regimes.status import parse_date

        since = parse_date(since, "since").isoformat() if since else None
        until = parse_date(until, "until").isoformat() if until else None
        check_list_ids([list_id] if list_id else None)
        _check_choice("source", source, sources.SOURCES)
        _check_choice("change", change, [c.value for c in Change])
        with self.generation() as gen:
            return gen.store.events(
                source=source, since=since, until=until, entity_id=entity_id, list_id=list_id, change=change
            )

    def stored_sources(self) -> list[str]:
        """The ids of the sources with at least one stored publication."""
        with self.generation() as gen:
            return sorted({s.source for s in gen.store.snapshots()})

    def sources(self, today: date | None = None) -> list[dict[str, Any]]:
        """Every list redlist answers from, and how fresh it is.

        Official sources (``kind: official``): the newest stored publication, its date and age,
        whether it is older than its source's limit (``stale``), where its stored history begins,
        size, checksum and status. Then each bundled curated list (``kind: curated``): its newest
        edition and date, its entries and how many are confirmed from government text.
        """
        from redlist import sources
        from redlist.curated.summary import summary as curated_summary
        from redlist.store.inventory import source_status

        today = today or date.today()
        with self._open_store(shared=False) as store:
            rows = source_status(store)
            first = {
                s.source: s.as_of for s in sorted(store.snapshots(), key=lambda s: s.as_of, reverse=True)
            }
        for row in rows:
            row["kind"] = "official"
            row["age_days"] = (today - date.fromisoformat(row["as_of"])).days if row["as_of"] else None
            limit = self.settings.stale_after.get(row["source"], sources.get(row["source"]).stale_after_days)
            row["stale_after_days"] = limit
            row["stale"] = row["age_days"] is not None and row["age_days"] > limit
            row["history_from"] = first.get(row["source"])
        for summary in curated_summary():
            newest = summary.newest_edition_date
            rows.append(
                {
                    "source": summary.list_id,
                    "kind": "curated",
                    "title": summary.title,
                    "as_of": newest,
                    "age_days": (today - date.fromisoformat(newest)).days if newest else None,
                    "records": summary.entries,
                    "entries": summary.entries,
                    "confirmed": summary.confirmed,
                    "secondary": summary.secondary,
                    "unconfirmed": summary.unconfirmed,
                    "newest_edition": summary.newest_edition,
                    "status": "bundled (reviewed data; see docs/status.md for its known gaps)",
                }
            )
        return rows

    def has_official_data(self) -> bool:
        with self.generation() as gen:
            return bool(gen.store.snapshots())

    def export(self, handle: IO[str], format: str = "ftm") -> int:
        """Write the current entries of every list (merged across sources); returns how many."""
        from redlist.store.current import current_entities

        if format not in ("ftm", "json"):
            raise RedlistError(f"unknown export format {format!r}: use ftm or json")
        with self.generation() as gen:
            entities = current_entities(gen.store)
        if format == "ftm":
            from redlist.render.ftm import write_ftm

            return write_ftm(entities, handle)
        import json

        for entity in entities:
            handle.write(json.dumps(entity.to_dict(), ensure_ascii=False) + "\n")
        return len(entities)

    # --- the delta feed ------------------------------------------------------------------------------

    def delta_versions(self) -> list[dict[str, Any]]:
        """The versions of the delta feed, oldest first: one per publication date that changed
        something, with how many entries it added, amended and removed."""
        counts: dict[str, dict[str, int]] = {}
        with self.generation() as gen:
            for event in gen.store.events():
                day = counts.setdefault(event.date, {"added": 0, "amended": 0, "removed": 0})
                day[str(event.change)] = day.get(str(event.change), 0) + 1
        return [{"version": d, **c} for d, c in sorted(counts.items())]

    def delta(self, handle: IO[str], *, since: str | date | None = None, version: str | None = None) -> int:
        """Write what changed in the OpenSanctions delta format: JSON lines of ``{"op": "ADD" |
        "MOD" | "DEL", "entity": <FtM entity>}``, from ``since`` (a date, inclusive) or for one
        ``version`` (a date from :meth:`delta_versions`). An entry's FtM party entity is written
        (a DEL carries its last published version). Returns the number of lines."""
        import json

        from redlist.regimes.status import parse_date
        from redlist.render.ftm import to_ftm

        first = parse_date(since, "since").isoformat() if since else None
        if version is not None:
            first = parse_date(version, "version").isoformat()
        last = first if version is not None else None
        ops = {"added": "ADD", "amended": "MOD", "removed": "DEL"}
        count = 0
        with self.generation() as gen:
            for event in gen.store.events(since=first, until=last):
                entity = gen.by_id.get(event.entity_id)
                if entity is None:
                    versions = gen.store.records_of(event.entity_id)
                    entity = versions[-1][1] if versions else None
                body = to_ftm(entity) if entity is not None else {"id": f"redlist-{event.entity_id}"}
                line = {"op": ops[str(event.change)], "entity": body, "version": event.date}
                handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        return count

    def changed_since(self, since: str | date) -> set[str]:
        """The ids of entries added or amended on or after ``since`` (yente's ``changed_since``)."""
        from redlist.regimes.status import parse_date

        day = parse_date(since, "changed_since").isoformat()
        with self.generation() as gen:
            return {e.entity_id for e in gen.store.events(since=day) if str(e.change) != "removed"}

    # --- parties -------------------------------------------------------------------------------------

    def party(self, name_or_id: str) -> tuple[Party | None, CheckResult]:
        """The party an id (party or entry) or a name designates, with how it was found; the
        result lists the candidates when a name is ambiguous."""
        from redlist.check import CheckResult

        with self.generation() as gen:
            checker = gen.checker
            result = CheckResult({"name": name_or_id}, None, Activity.TRANSACT, date.today().isoformat())
            if gen.parties.party_of(name_or_id) is not None:
                return checker.find(result, None, entity_id=name_or_id), result
            return checker.find(result, name_or_id), result

    def party_notes(self) -> list[str]:
        """Judgements replaced by the user's own, links refused or pointing at missing entries."""
        with self.generation() as gen:
            return list(gen.parties.notes)

    def party_stats(self) -> dict[str, Any]:
        with self.generation() as gen:
            return gen.parties.stats()

    def link(
        self,
        a: str | dict[str, Any],
        b: str,
        judgement: str,
        reason: str,
        *,
        relation: str | None = None,
        share: float | None = None,
        by: str | None = None,
    ) -> dict[str, Any]:
        """Record the user's judgement about two entries (same, not_same or related) and resolve again."""
        from redlist.parties import judgements as party_judgements

        row = party_judgements.add(
            self.settings.home, a, b, judgement, reason, relation=relation, share=share, by=by
        )
        with self._open_store(shared=False) as store:
            self._resolve_parties(store)
        self.refresh()
        return row

    # --- changing the data ---------------------------------------------------------------------------

    def update(
        self,
        sources: Iterable[str] = (),
        *,
        origin: str | None = None,
        as_of: str | None = None,
        allow_shrink: str | None = None,
        progress: Progress | None = None,
    ) -> list[UpdateResult]:
        """Download (or load from ``origin``) publications and store them as new snapshots."""
        with self._open_store(shared=False) as store:
            from redlist.store.update import update as update_store

            results = update_store(
                store,
                list(sources),
                origin=origin,
                as_of=as_of,
                allow_shrink=allow_shrink,
                progress=progress,
                download_deadline=self.settings.download_deadline,
            )
            if any(r.status == "stored" for r in results):
                self._resolve_parties(store, progress)
        if any(r.status == "stored" for r in results):
            self.refresh()
            self._write_indexes(progress)
            self.after_update(progress)
        return results

    def after_update(self, progress: Progress | None = None) -> RunReport | None:
        """Re-check every watchlist against what the update changed (nothing when none is kept)."""
        self.watch_error = None
        if not self.watchlists():
            return None
        if progress:
            progress("watchlists: re-checking what changed", 0, None)
        try:
            report = self.watch_run()
        except Exception as exc:  # noqa: BLE001 - the update is stored; the re-check is said to have failed
            log.error("the watchlists' re-check failed", exc_info=exc)
            self.watch_error = f"the watchlists were not re-checked ({exc}); run `redlist watch run`"
            return None
        if progress:
            progress("watchlists: re-checking what changed", 1, 1)
        self.last_watch_report = report
        return report

    def _write_indexes(self, progress: Progress | None = None) -> None:
        """Build the indexes of the new data and write their files now (update time), so that the
        next question opens them in milliseconds instead of building them (seconds on full lists)."""
        if not self.settings.cache:
            return
        if progress:
            progress("indexes: writing", 0, None)
        try:
            with self.generation() as gen:
                _ = gen.screener, gen.checker
        except OSError as exc:  # a read-only home or a full disk: the question builds them later
            log.warning("the indexes were not written: %s", exc)
        finally:
            self.refresh()  # this process's copies: a later call opens the files
        if progress:
            progress("indexes: writing", 1, 1)

    def _resolve_parties(self, store: Store, progress: Progress | None = None) -> PartyGraph:
        """Resolve the party graph of the data as it is now and store it (update time, not query time)."""
        from redlist.curated.compiled import packaged
        from redlist.parties import storage as party_storage
        from redlist.parties.resolve import resolve

        if progress:
            progress("parties: resolving", 0, None)
        graph = resolve(store, packaged(), self.settings.home)
        party_storage.save(store, graph, data_key(self.settings, store))
        if progress:
            progress("parties: resolving", 1, 1)
        return graph

    def upgrade_store(self) -> dict[str, Any]:
        """Bring the store's database schema to this version's (`redlist db upgrade`); opening
        the store does it too, this says what was done."""
        from redlist.store import Store

        settings = self.settings
        with Store.open(
            settings.home, path=settings.database_path, url=settings.store_url, migrate=False
        ) as store:
            before, after = store.migrate()
            return {"database": store.describe(), "backend": store.backend, "was": before, "revision": after}

    def reparse(
        self, sources: Iterable[str] = (), *, every: bool = False, progress: Progress | None = None
    ) -> list[UpdateResult]:
        """Re-read stored snapshots from their archived bytes with the current parsers."""
        from redlist import sources as registry
        from redlist.store.update import reparse as reparse_snapshot

        results = []
        with self._open_store(shared=False) as store:
            for source in list(sources) or list(registry.SOURCES):
                current = registry.get(source).parser_version
                for snap in store.snapshots(source):
                    if every or snap.parser_version != current:
                        results.append(reparse_snapshot(store, snap, progress=progress))
        if results:
            self.refresh()
        return results


def screen_summary(result: ScreenResult) -> dict[str, Any]:
    """What the audit trail keeps of a screening answer: each match's entry, score and lists."""
    out: dict[str, Any] = {
        "matches": [
            {"entity_id": m.entity_id, "score": m.score, "lists": [x.get("list") for x in m.lists]}
            for m in result.matches
        ]
    }
    if result.error:
        out["error"] = result.error
    return out


def check_summary(result: CheckResult) -> dict[str, Any]:
    """What the audit trail keeps of a status answer: the verdict, the party and each finding's
    list and state."""
    return {
        "verdict": result.verdict,
        "party": (result.party or {}).get("id"),
        "findings": [{"list": f.get("list"), "state": f.get("state")} for f in result.findings],
        "error": result.error,
    }


def open(home: str | Path | None = None, **settings: Any) -> Redlist:  # noqa: A001 - redlist.open()
    """A :class:`Redlist` over ``home`` (default: ``REDLIST_HOME`` or the user data directory).

    Keyword arguments are settings (see :class:`~redlist.settings.Settings`).
    """
    from redlist.settings import Settings

    return Redlist(Settings.load(home=home, **settings))


def validate_query_type(value: str | None) -> str:
    """The comparison kind for a query type; RedlistError for an unknown one."""
    return kind_of(value)


def validate_activity(value: str) -> str:
    """``value`` as a known activity; RedlistError otherwise."""
    from redlist.regimes.status import parse_activity

    return parse_activity(value)


def validate_purpose(value: str | None) -> str | None:
    """``value`` as a known purpose (None when not given); RedlistError otherwise."""
    from redlist.regimes.status import parse_purpose

    return parse_purpose(value)


def validate_date(value: str | date, what: str = "date") -> str:
    """``value`` as an ISO date string; RedlistError for a malformed or impossible date."""
    from redlist.regimes.status import parse_date

    return parse_date(value, what).isoformat()


def check_list_ids(lists: Iterable[str] | None) -> None:
    """Refuse an unknown list id: screening against no list would answer "no match" silently."""
    for list_id in lists or ():
        _check_choice("list", list_id, LIST_IDS)


def _check_choice(what: str, value: str | None, valid: Iterable[str]) -> None:
    known = list(valid)
    if value is not None and value not in known:
        raise InvalidInput(f"unknown {what} {value!r}; valid: {', '.join(known)}")


#: While a reload builds, the GIL changes hands this often (Python's default is 5 ms): a request
#: waiting for it then waits a fraction of a millisecond behind the build, not 5 ms each time.
RELOAD_SWITCH_INTERVAL = 0.0005


@contextmanager
def behind_requests() -> Iterator[None]:
    """Run the calling thread's work behind the server's requests: the GIL switches often, and
    (on Linux, where a thread has its own nice value) the OS schedules the thread last."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(RELOAD_SWITCH_INTERVAL)
    thread = threading.get_native_id()
    niced = False
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not permitted
        niced_from = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(niced_from + 10, 19))
        niced = True
    try:
        yield
    finally:
        sys.setswitchinterval(previous)
        if niced:  # a pooled thread may run other work later (raising back may be refused)
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, thread, niced_from)


def write_indexes(settings: Settings) -> None:
    """Build the index files of the data as it is now and write them (:func:`_write_indexes_apart`'s
    child process). Without the cyclic GC: its passes over the million objects being built cost
    seconds, and the process exits once they are written."""
    with gc_paused():
        Redlist(settings)._write_indexes()


#: What the child process of :func:`_write_indexes_apart` runs: its import path and settings are
#: read from its standard input.
_WRITE_INDEXES = (
    "import pickle, sys; sys.path[:0] = pickle.load(sys.stdin.buffer); "
    "from redlist.service import write_indexes; write_indexes(pickle.load(sys.stdin.buffer))"
)


def _write_indexes_apart(settings: Settings) -> None:
    """The server's index files, missing or of another version, built and written by a child
    process: a process that builds them keeps its heap at the peak of the build after opening
    them again from their files (freed but fragmented: 520-580 MB against 150 MB for a parent
    that only opens them, docs/benchmarks.md), which the server's parent would hand to every
    worker it forks; and a build in the process holds the GIL for seconds. A new interpreter, not
    a fork: the parent may run threads, and multiprocessing would leave a helper process among
    the server's children. When the child fails, the caller builds the indexes itself."""
    import pickle
    import subprocess

    if not sys.executable:  # an embedded interpreter: no program to start
        return
    log.info("building the indexes in a child process")
    started = time.monotonic()
    data = pickle.dumps(sys.path) + pickle.dumps(settings)
    try:
        done = subprocess.run([sys.executable, "-c", _WRITE_INDEXES], input=data, check=False)
    except OSError as exc:
        log.warning("the indexes could not be built in a child process (%s): building them here", exc)
        return
    if done.returncode != 0:
        log.warning(
            "building the indexes in a child process failed (exit %s): building them here", done.returncode
        )
        return
    log.info("indexes built in a child process in %.1f s", time.monotonic() - started)


def release_free_memory() -> None:
    """Hand the heap pages freed by a replaced generation back to the OS (glibc's malloc_trim):
    without it the process keeps the peak of two generations for good."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def read_receipt(receipt: Mapping[str, Any]) -> tuple[dict[str, tuple[int, str]], str]:
    """The pins (source -> snapshot id and SHA-256) and the answer date of a receipt, which may be
    given as the receipt itself or as a whole answer holding it under ``data``."""
    from redlist.regimes.status import parse_date

    data = receipt.get("data", receipt) if isinstance(receipt, Mapping) else None
    try:
        assert isinstance(data, Mapping)
        pins = {str(s["source"]): (int(s["snapshot"]), str(s["sha256"])) for s in data["sources"]}
        answered_on = parse_date(data["answered_on"], "answered_on").isoformat()
    except (AssertionError, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            "not a receipt: expected an answer's JSON (with its 'data') or its 'data' object, "
            f"with 'sources' [{{source, snapshot, sha256}}] and 'answered_on' ({type(exc).__name__}: {exc})"
        ) from None
    return pins, answered_on
