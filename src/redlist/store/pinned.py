"""A store as it stood when an answer was given: only the snapshots loaded by then.

An answer's receipt names, per source, the newest snapshot it used (its id and the SHA-256 of the
publication). Snapshot ids only grow, so "loaded by then" is "id up to the receipt's" for each
source: a later publication, and a back-filled older one loaded later, are both left out. The
view is read-only and offers what the status checker and the party resolver read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from redlist.errors import StoreError
from redlist.model import ChangeEvent, Entity, Snapshot
from redlist.store.db import Store


class PinnedStore(Store):
    """``store`` limited to the snapshots a receipt's answer could see (read it, never write)."""

    def __init__(self, store: Store, pins: Mapping[str, tuple[int, str]]) -> None:  # noqa: D107
        """``pins`` maps a source id to (snapshot id, SHA-256) as the receipt names them."""
        super().__init__(store.engine, store.home)
        self._store = store
        self._pins = {source: snapshot for source, (snapshot, _) in pins.items()}
        for source, (snapshot_id, sha256) in pins.items():
            try:
                snap = store.snapshot(snapshot_id)
            except StoreError:
                raise StoreError(
                    f"the store no longer holds snapshot {snapshot_id} of {source} named by the receipt"
                ) from None
            if snap.source != source or snap.sha256 != sha256:
                raise StoreError(
                    f"snapshot {snapshot_id} of this store is not the receipt's {source} publication "
                    f"(sha256 {sha256[:12]}...): the receipt comes from another store"
                )

    def _allowed(self, snap: Snapshot) -> bool:
        pin = self._pins.get(snap.source)
        return pin is not None and (snap.id or 0) <= pin

    def snapshots(self, source: str | None = None) -> list[Snapshot]:
        return [s for s in self._store.snapshots(source) if self._allowed(s)]

    def latest(self, source: str) -> Snapshot | None:
        return max(self.snapshots(source), key=lambda s: (s.as_of, s.id or 0), default=None)

    def snapshot(self, snapshot_id: int) -> Snapshot:
        snap = self._store.snapshot(snapshot_id)
        if not self._allowed(snap):
            raise StoreError(f"snapshot {snapshot_id} was loaded after the receipt")
        return snap

    def records_of(self, entity_id: str) -> list[tuple[Snapshot, Entity]]:
        return [(s, e) for s, e in self._store.records_of(entity_id) if self._allowed(s)]

    def entities(self, snapshot_id: int) -> Iterator[Entity]:
        self.snapshot(snapshot_id)
        return self._store.entities(snapshot_id)

    def record_index(self, snapshot_id: int) -> dict[str, tuple[str, str]]:
        self.snapshot(snapshot_id)
        return self._store.record_index(snapshot_id)

    def record_bodies(self, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        return self._store.record_bodies(hashes)

    def events(self, **filters: Any) -> list[ChangeEvent]:
        """Change events up to each pinned source's newest snapshot (a candidate set: the checker
        reads listings from the pinned snapshots themselves)."""
        until = {source: snap.as_of for source in self._pins if (snap := self.latest(source))}
        return [e for e in self._store.events(**filters) if e.source in until and e.date <= until[e.source]]

    def close(self) -> None:
        """The underlying store belongs to its opener."""
