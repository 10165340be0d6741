"""The party graph read back from the store (written by :mod:`redlist.parties.storage`).

Plain SQL through the store's :meth:`~redlist.store.Store.rows`: with sqlite3 on a one-shot
caller's SQLite store (:class:`~redlist.store.lite.LiteStore`), through SQLAlchemy otherwise
(PostgreSQL, the server). The parties are decoded when first asked for (:class:`LazyParties`):
a status question reads a handful of the tens of thousands; on a one-shot caller's store each is
also read from the database then.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, KeysView, MutableMapping
from typing import Any

from redlist.model import Entity
from redlist.parties.graph import PartyGraph
from redlist.parties.model import Party
from redlist.store.lite import LiteStore

#: Bumped when resolution changes, so a graph resolved by an older redlist is resolved again.
RESOLVER_VERSION = "4"  # 4: published subsidiary_of relations, primary/copy name links


def meta(store: Any) -> dict[str, str]:
    """The stored graph's ``party_meta`` (data key, when built, counts, notes, unlisted parties)."""
    return dict(store.rows("SELECT key, value FROM party_meta"))


def built_key(store: Any) -> str | None:
    """The data key the stored graph was built from (None: never built)."""
    return meta(store).get("data_key")


def load(store: Any, key: str) -> PartyGraph | None:
    """The stored graph if it was built from the data named ``key``, else None."""
    found = meta(store)
    if found.get("data_key") != f"{key}:{RESOLVER_VERSION}":
        return None
    of_entry: MutableMapping[str, str]
    if isinstance(store, LiteStore):  # looked up entry by entry; read whole when iterated
        entries = LazyEntries(store, stamp(found))
        parties = LazyParties(entries.party_ids, lambda pid: _first(store.rows(_ONE, {"id": pid})))
        of_entry = entries
    else:  # read once: the full store may be shared by a server's threads and closed on reload
        of_entry = dict(store.rows("SELECT entry_id, party_id FROM party_entries"))
        raw: dict[str, str] = dict(store.rows("SELECT id, data FROM parties"))
        parties = LazyParties(dict.fromkeys(raw), raw.get)
    unlisted = {k: Entity.from_dict(v) for k, v in json.loads(found.get("unlisted", "{}")).items()}
    return PartyGraph(parties, of_entry, json.loads(found.get("notes", "[]")), unlisted)  # type: ignore[arg-type]


def stamp(found: dict[str, str]) -> str:
    """What tells one stored graph from another: its data key, when it was built and its counts
    (``save`` writes them with every graph)."""
    return json.dumps([found.get("data_key"), found.get("built_at"), found.get("stats")])


def _first(rows: list[tuple[Any, ...]]) -> Any:
    return rows[0][0] if rows else None


_ONE = "SELECT data FROM parties WHERE id = :id"
_ENTRY = "SELECT party_id FROM party_entries WHERE entry_id = :id"
_WITHOUT_ENTRIES = "SELECT id FROM parties WHERE id NOT IN (SELECT party_id FROM party_entries)"


class LazyEntries(MutableMapping[str, str]):
    """Entry id -> party id of a graph stored in a one-shot caller's SQLite store: each entry
    looked up when first asked for (a status question asks about a few dozen of tens of
    thousands: reading the whole map took 25-40 ms), the whole map read once something iterates,
    counts or changes it. ``stamp`` names the stored graph (:func:`stamp`)."""

    def __init__(self, store: LiteStore, stamp: str) -> None:
        self.stamp = stamp
        self._store = store
        self._seen: dict[str, str | None] = {}
        self._all: dict[str, str] | None = None

    def whole(self) -> dict[str, str]:
        """The whole map (read on first use)."""
        if self._all is None:
            self._all = dict(self._store.rows("SELECT entry_id, party_id FROM party_entries"))
        return self._all

    def party_ids(self) -> dict[str, None]:
        """Every party's id: those of the entries and any party without one (``save`` writes each
        party with its entries: the others are looked for only when the counts differ)."""
        ids = dict.fromkeys(self.whole().values())
        if self._store.rows("SELECT count(*) FROM parties")[0][0] != len(ids):
            ids.update(dict.fromkeys(pid for (pid,) in self._store.rows(_WITHOUT_ENTRIES)))
        return ids

    def __getitem__(self, entry_id: str) -> str:
        if self._all is not None:
            return self._all[entry_id]
        if entry_id not in self._seen:
            self._seen[entry_id] = _first(self._store.rows(_ENTRY, {"id": entry_id}))
        found = self._seen[entry_id]
        if found is None:
            raise KeyError(entry_id)
        return found

    def __setitem__(self, entry_id: str, party_id: str) -> None:
        self.whole()[entry_id] = party_id

    def __delitem__(self, entry_id: str) -> None:
        del self.whole()[entry_id]

    def keys(self) -> KeysView[str]:
        """The entry ids (a view of a dict's keys: set operations on it run in C)."""
        return self.whole().keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole())

    def __len__(self) -> int:
        return len(self.whole())


class LazyParties(MutableMapping[str, Party]):
    """The parties of a stored graph, each decoded from its JSON (``fetch(party id)``, None when
    there is no such party) when first asked for: a status question reads a handful of the tens
    of thousands (decoding them all took a second). ``ids`` are the party ids, or what reads them
    when something iterates, counts or changes the parties."""

    def __init__(
        self, ids: dict[str, None] | Callable[[], dict[str, None]], fetch: Callable[[str], str | None]
    ) -> None:
        self._ids = ids if isinstance(ids, dict) else None
        self._read_ids = ids if callable(ids) else None
        self._fetch = fetch
        self._done: dict[str, Party] = {}
        self._absent: set[str] = set()

    def _all_ids(self) -> dict[str, None]:
        if self._ids is None:
            assert self._read_ids is not None
            self._ids = self._read_ids()
        return self._ids

    def __getitem__(self, party_id: str) -> Party:
        found = self._done.get(party_id)
        if found is None:
            if party_id in self._absent or (self._ids is not None and party_id not in self._ids):
                raise KeyError(party_id)
            data = self._fetch(party_id)
            if data is None:
                self._absent.add(party_id)
                raise KeyError(party_id)
            found = self._done[party_id] = Party.from_dict(json.loads(data))
        return found

    def __setitem__(self, party_id: str, party: Party) -> None:
        self._all_ids()[party_id] = None
        self._absent.discard(party_id)
        self._done[party_id] = party

    def __delitem__(self, party_id: str) -> None:
        del self._all_ids()[party_id]
        self._done.pop(party_id, None)

    def __contains__(self, party_id: object) -> bool:
        if self._ids is not None or not isinstance(party_id, str):
            return party_id in self._all_ids()
        try:
            self[party_id]
        except KeyError:
            return False
        return True

    def keys(self) -> KeysView[str]:
        """The party ids (a view of a dict's keys: set operations on it run in C)."""
        return self._all_ids().keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all_ids())

    def __len__(self) -> int:
        return len(self._all_ids())
