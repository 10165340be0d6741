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
    of_entry: dict[str, str] = dict(store.rows("SELECT entry_id, party_id FROM party_entries"))
    if isinstance(store, LiteStore):  # the ids: those of the entries, and any party without one
        ids = dict.fromkeys(of_entry.values())
        # save() writes each party with its entries: look for others only when the counts differ
        if store.rows("SELECT count(*) FROM parties")[0][0] != len(ids):
            ids.update(dict.fromkeys(pid for (pid,) in store.rows(_WITHOUT_ENTRIES)))
        parties = LazyParties(ids, lambda pid: store.rows(_ONE, {"id": pid})[0][0])
    else:  # read once: the full store may be shared by a server's threads and closed on reload
        raw: dict[str, str] = dict(store.rows("SELECT id, data FROM parties"))
        parties = LazyParties(dict.fromkeys(raw), raw.__getitem__)
    unlisted = {k: Entity.from_dict(v) for k, v in json.loads(found.get("unlisted", "{}")).items()}
    return PartyGraph(parties, of_entry, json.loads(found.get("notes", "[]")), unlisted)  # type: ignore[arg-type]


_ONE = "SELECT data FROM parties WHERE id = :id"
_WITHOUT_ENTRIES = "SELECT id FROM parties WHERE id NOT IN (SELECT party_id FROM party_entries)"


class LazyParties(MutableMapping[str, Party]):
    """The parties of a stored graph, each decoded from its JSON (``fetch(party id)``) when first
    asked for: a status question reads a handful of the tens of thousands (decoding them all took
    a second)."""

    def __init__(self, ids: dict[str, None], fetch: Callable[[str], str]) -> None:
        self._ids = ids
        self._fetch = fetch
        self._done: dict[str, Party] = {}

    def __getitem__(self, party_id: str) -> Party:
        found = self._done.get(party_id)
        if found is None:
            if party_id not in self._ids:
                raise KeyError(party_id)
            found = self._done[party_id] = Party.from_dict(json.loads(self._fetch(party_id)))
        return found

    def __setitem__(self, party_id: str, party: Party) -> None:
        self._ids[party_id] = None
        self._done[party_id] = party

    def __delitem__(self, party_id: str) -> None:
        del self._ids[party_id]
        self._done.pop(party_id, None)

    def __contains__(self, party_id: object) -> bool:
        return party_id in self._ids

    def keys(self) -> KeysView[str]:
        """The party ids (a view of a dict's keys: set operations on it run in C)."""
        return self._ids.keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
