"""A generation: the data of one data key and everything built from it (indexes, the checker,
the party graph), shared by every call of the facade that uses it (:mod:`redlist.service`)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from redlist import cache
from redlist.match.lookup import FirstOf, WordPrefixes, fold
from redlist.model import Entity
from redlist.screen import Screener, ScreenResult
from redlist.util import write_cache_file

# Imported when used (start-up time), as in redlist.service.
if TYPE_CHECKING:
    from redlist.check import Checker
    from redlist.curated import CuratedData
    from redlist.parties import PartyGraph
    from redlist.settings import Settings
    from redlist.store import Store


#: The home's own judgements file (redlist.parties.judgements.USER_FILE, a test checks): named
#: here so that working out the data key does not import the judgements' reader (pydantic, YAML).
JUDGEMENTS_FILE = "judgements.yaml"


#: The index files of a generation: the screener's and the status checker's.
INDEX_FILES = ("screener-current", "screener-check")


def data_key(settings: Settings, store: Store) -> str:
    """The key of the data a store and the home's own judgements hold now."""
    return cache.data_key(store, [settings.home / JUDGEMENTS_FILE])


class Generation:
    """The data of one data key and everything built from it, shared by every call that uses it.

    The store connection is opened for the generation; the indexes are built on first use (a
    server that only screens never builds the checker's index) and taken from the disk cache
    when the settings allow it.
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.key = data_key(settings, store)
        self.loaded_at = time.time()
        self._lock = threading.RLock()
        self._users = 0
        self._retired = False

    # --- lifetime --------------------------------------------------------------------------------

    def acquire(self) -> None:
        with self._lock:
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            close = self._retired and self._users == 0
        if close:
            self.store.close()

    def retire(self) -> None:
        """Replaced by a newer generation: close the store once no call uses it any more."""
        with self._lock:
            self._retired = True
            close = self._users == 0
        if close:
            self.store.close()

    # --- what is built from the data ---------------------------------------------------------------

    def _cached(self, name: str, build: Callable[[], Screener]) -> Screener:
        """The index ``name`` of this data: opened from its file in the cache folder (memory-mapped,
        nothing deserialised up front), or built and written there."""
        from redlist import indexfile

        return cache.cached_file(
            self._cache_folder, name, self.key, build, indexfile.save, indexfile.load, indexfile.SUFFIX
        )

    @property
    def _cache_folder(self) -> Path | None:
        return self.settings.cache_dir if self.settings.cache else None

    def indexes_to_write(self) -> bool:
        """Whether an index file of this data is missing from the cache folder, or cannot be
        opened (written by another version of redlist): the next use builds it."""
        from redlist import indexfile

        folder = self._cache_folder
        if folder is None:
            return False
        for name in INDEX_FILES:
            try:
                indexfile.load(folder / f"{name}-{self.key}{indexfile.SUFFIX}")
            except Exception:  # noqa: BLE001 - whatever cache.cached_file would rebuild
                return True
        return False

    @cached_property
    def curated(self) -> CuratedData:
        """The bundled curated data: the strict loader's output, kept compiled in the cache folder
        (importing the loader, pydantic and YAML, and parsing the files take ten times as long as
        reading it back; :mod:`redlist.curated.compiled`)."""
        from redlist.curated.compiled import packaged

        return packaged()

    @cached_property
    def parties(self) -> PartyGraph:
        """The party graph of this data: read from the store, or resolved (and stored) when the
        data changed since it was built (resolution normally runs in :meth:`Redlist.update`)."""
        from redlist.parties import stored

        found = stored.load(self.store, self.key)
        if found is not None:
            return found
        from redlist.parties import storage as party_storage
        from redlist.parties.resolve import resolve

        graph = resolve(self.store, self.curated, self.settings.home)
        party_storage.save(self.store, graph, self.key)
        return graph

    @cached_property
    def screener(self) -> Screener:
        """The index of the entries listed today (official and curated)."""
        return self._cached("screener-current", lambda: Screener.from_store(self.store))

    @cached_property
    def checker(self) -> Checker:
        """The status checker, whose index also holds entries no longer listed."""
        from redlist.check import Checker, status_index

        index = self._cached(
            "screener-check", lambda: Screener(status_index(self.store, self.curated, self.parties))
        )
        mark = self._coverage_mark()
        covered = mark is not None and _read(mark[0]) == mark[1]
        checker = Checker(
            self.store,
            screener=index,
            curated=self.curated,
            parties=self.parties,
            stale_after=self.settings.stale_after,
            covered=covered,
        )
        if mark is not None and not covered and checker.lacking == 0:
            _write_mark(*mark)
        return checker

    def _coverage_mark(self) -> tuple[Path, str] | None:
        """Where it is kept that the stored party graph has a party for every entry of the
        checker's index file, and what the file must say: the graph's stamp and the index file's
        size and time. Finding that out reads the whole entry map and every entry id of the index
        (50-60 ms, a sixth of a one-shot status question); it holds for as long as neither is
        rebuilt. None when the graph was not read from a one-shot caller's store or the index
        has no file."""
        from redlist import indexfile

        stamp = getattr(self.parties.of_entry, "stamp", None)
        folder = self._cache_folder
        if stamp is None or folder is None:
            return None
        try:
            stat = (folder / f"screener-check-{self.key}{indexfile.SUFFIX}").stat()
        except OSError:
            return None
        return folder / f"screener-check-{self.key}.covered", f"{stamp}\n{stat.st_size}:{stat.st_mtime_ns}\n"

    @cached_property
    def by_id(self) -> FirstOf[Entity]:
        """Entries listed today by entity id (:func:`entity_lookup`)."""
        return entity_lookup(self.screener)

    @cached_property
    def name_index(self) -> WordPrefixes:
        """The prefix search table of the names of the entries listed today (:func:`name_table`)."""
        return name_table(self.screener)

    @cached_property
    def receipt(self) -> dict[str, Any]:
        """The data this generation answers from (see :func:`redlist.check.receipt`)."""
        from redlist.versions import latest_snapshots, receipt

        return receipt(latest_snapshots(self.store).values(), self.curated_version)

    @cached_property
    def curated_version(self) -> str:
        """The curated data's version, without parsing the curated files when they are not loaded
        (a screening answer needs only this digest of them)."""
        if "curated" in self.__dict__:
            return self.curated.version
        from redlist.versions import curated_version

        return curated_version()

    @cached_property
    def screen_warning(self) -> str | None:
        """Said with every screening answer when no official list is loaded at all."""
        from redlist.versions import latest_snapshots

        if latest_snapshots(self.store):
            return None
        return (
            "No official list is loaded (only the bundled curated lists): OFAC, BIS and the CSL are not "
            "screened. Load them with `redlist update` (or --from saved files)."
        )

    def stamp(self, result: ScreenResult) -> ScreenResult:
        """``result`` with the receipt of this data and the warning of a store without lists."""
        result.data = self.receipt
        if self.screen_warning and self.screen_warning not in result.warnings:
            result.warnings.insert(0, self.screen_warning)
        return result

    @contextmanager
    def index_file(self) -> Iterator[Path]:
        """The file of the screening index of this data (for processes that open it themselves):
        the one in the cache folder, or a temporary copy removed afterwards."""
        from redlist import indexfile

        screener = self.screener  # opens the cached file, or builds the index and writes it
        path = self.settings.cache_dir / f"screener-current-{self.key}{indexfile.SUFFIX}"
        if self.settings.cache and path.exists():
            yield path
            return
        import tempfile

        with tempfile.TemporaryDirectory(prefix="redlist-index-") as folder:
            path = Path(folder) / f"screener{indexfile.SUFFIX}"
            indexfile.save(screener, path)
            yield path

    def warm(self) -> None:
        """Build the screening index now (the server does this before it reports ready)."""
        _ = self.screener, self.by_id


def entity_lookup(screener: Screener) -> FirstOf[Entity]:
    """A screener's entries by entity id, the first entry of an id listed twice winning: a table
    of the ids' positions, the entry decoded from the index when asked for (a dict of every entry
    decoded took 114 MB of a server's parent, docs/benchmarks.md)."""
    return FirstOf(screener.entity_ids, screener.entities)


def name_table(screener: Screener) -> WordPrefixes:
    """The prefix search table of every name of a screener's entries: the one saved in its index
    file (mapped), or made from the entries of one built in memory."""
    pack = getattr(screener, "pack", None)
    if pack is not None:
        return WordPrefixes.from_pack(pack, "suggest")
    return WordPrefixes.of_entities(screener.entities)


def suggest(names: WordPrefixes, lookup: FirstOf[Entity], prefix: str, limit: int) -> list[Entity]:
    """The entries with a name starting with ``prefix`` (case and spacing aside), then those with a
    later word of a name starting so, each id once in the order of its first name, at most
    ``limit`` (sliced as a list is: ``-2`` all but the last two)."""
    p = fold(prefix)
    if not p:
        return []
    starts, inner = names.search(p)
    owner_at = memoryview(np.ascontiguousarray(names.owners, dtype=np.int32))  # type: ignore[arg-type]
    ids = lookup.keys_at
    chosen: dict[str, None] = {}
    last = -1
    for at in itertools.chain(starts, inner):
        e = owner_at[at]
        if e != last:  # an entry's names are next to each other: skip its other names cheaply
            chosen.setdefault(ids[e])
            last = e
            if 0 < limit <= len(chosen):
                break
    return [lookup[eid] for eid in list(chosen)[:limit]]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def _write_mark(path: Path, text: str) -> None:
    """``text`` in ``path``, written whole (another process may read it); the marks of older data
    are removed. A home that cannot be written to keeps none."""
    write_cache_file(path, text.encode("utf-8"), replaces="screener-check-*.covered")
