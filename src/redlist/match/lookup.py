"""Lookup tables over an index's strings that hold no Python object per string: the first position
of a key in a sequence (an entry by its id), and prefix search over the words of many names.

A server's parent builds its indexes before forking its workers, and every object it keeps is
paid for in its memory and, as a worker reads it (reference counts), copied into the worker. A
dict of every entry decoded (114 MB of the parent's memory) and a list of every folded name
(58,000 tuples, 9 MB) were the largest such objects; these tables are numpy arrays (made in
memory, or over the mapped index file), the strings decoded one by one when a lookup compares
them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

import numpy as np

from redlist.match.packfile import Pack, Strings, blob
from redlist.model import Entity

T = TypeVar("T")


def fold(text: str) -> str:
    """A name as prefix search compares it: case folded, whitespace runs as one space."""
    return " ".join(text.casefold().split())


class FirstPositions:
    """``key -> the first position holding it`` over a sequence of strings (the index's entity
    ids): their hashes sorted (stably, so that the first of equal keys comes first) beside their
    positions; a lookup compares the key at each position of an equal hash. Python's own string
    hash: the table is made in the process that uses it (and its forked children)."""

    def __init__(self, keys: Sequence[str]) -> None:
        self._keys = keys
        hashes = np.fromiter((hash(k) for k in keys), dtype=np.int64, count=len(keys))
        order = np.argsort(hashes, kind="stable")
        # memoryviews: bisect and indexing run in C and give Python ints (no numpy scalars)
        self._hash = memoryview(np.ascontiguousarray(hashes[order]))  # type: ignore[arg-type]
        self._at = memoryview(np.ascontiguousarray(order, dtype=np.int64))  # type: ignore[arg-type]
        self._len: int | None = None

    def get(self, key: object) -> int | None:
        """The first position of ``key``, or None."""
        if not isinstance(key, str):
            return None
        h = hash(key)
        hashes, keys = self._hash, self._keys
        i = bisect_left(hashes, h)
        while i < len(hashes) and hashes[i] == h:
            at = self._at[i]
            if keys[at] == key:
                return at
            i += 1
        return None

    def __iter__(self) -> Iterator[str]:
        """The distinct keys, in the order of their first position."""
        seen: set[str] = set()
        for key in self._keys:
            if key not in seen:
                seen.add(key)
                yield key

    def __len__(self) -> int:
        """How many distinct keys."""
        if self._len is None:
            self._len = len(set(self._keys))
        return self._len


class FirstOf(Mapping[str, T]):
    """``values[i]`` by ``keys[i]``, the first position of a key winning (as a dict filled with
    ``setdefault`` would): the values are read from their sequence when asked for (an index's
    entries, decoded from the mapped file), not held here."""

    def __init__(self, keys: Sequence[str], values: Sequence[T]) -> None:
        self.keys_at = keys
        self.values_at = values
        self._positions = FirstPositions(keys)

    def __getitem__(self, key: str) -> T:
        at = self._positions.get(key)
        if at is None:
            raise KeyError(key)
        return self.values_at[at]

    def __contains__(self, key: object) -> bool:
        return self._positions.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class WordPrefixes:
    """Names searchable by the start of the whole name or of any of its words.

    Every word start of every folded name (:func:`fold`) is a suffix of it: the (name, character
    offset) pairs of those suffixes, sorted by the suffix, are the table. The suffixes starting
    with a prefix are one run of it, found by two binary searches; the names whose offset is 0
    start with the prefix, the others have a later word starting with it. ``owners[i]`` is the
    position of the entry of name ``i``.
    """

    def __init__(
        self, names: Sequence[str], owners: np.ndarray, name_of: np.ndarray, offset: np.ndarray
    ) -> None:
        self.names = names
        self.owners = owners
        self._name_of = name_of
        self._offset = offset
        # memoryviews of the same arrays: the binary search reads one pair at a time in Python
        self._name_at = memoryview(np.ascontiguousarray(name_of, dtype=np.int32))  # type: ignore[arg-type]
        self._offset_at = memoryview(np.ascontiguousarray(offset, dtype=np.int32))  # type: ignore[arg-type]

    @classmethod
    def of(cls, names: Sequence[str], owners: Sequence[int]) -> WordPrefixes:
        """The table of ``names`` (each folded here), name ``i`` belonging to entry ``owners[i]``."""
        folded = [fold(n) for n in names]
        pairs = [
            (i, at)
            for i, text in enumerate(folded)
            for at in [0, *(j + 1 for j, c in enumerate(text) if c == " ")]
        ]
        pairs.sort(key=lambda p: folded[p[0]][p[1] :])
        name_of = np.fromiter((i for i, _ in pairs), dtype=np.int32, count=len(pairs))
        offset = np.fromiter((at for _, at in pairs), dtype=np.int32, count=len(pairs))
        return cls(folded, np.asarray(owners, dtype=np.int32), name_of, offset)

    @classmethod
    def of_entities(cls, entities: Iterable[Entity]) -> WordPrefixes:
        """The table of every name of every entry, name ``i`` belonging to the entry it is a name of."""
        names: list[str] = []
        owners: list[int] = []
        for e, entity in enumerate(entities):
            for name in entity.names:
                names.append(name.value)
                owners.append(e)
        return cls.of(names, owners)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The table as pack arrays named ``prefix.*`` (:meth:`from_pack` reads them back)."""
        names, offsets = blob(t.encode("utf-8", "surrogatepass") for t in self.names)
        return {
            f"{prefix}.names": names,
            f"{prefix}.names.offsets": offsets,
            f"{prefix}.owners": np.asarray(self.owners, dtype=np.int32),
            f"{prefix}.name_of": np.asarray(self._name_of, dtype=np.int32),
            f"{prefix}.offset": np.asarray(self._offset, dtype=np.int32),
        }

    @classmethod
    def from_pack(cls, pack: Pack, prefix: str) -> WordPrefixes:
        """The table saved by :meth:`arrays`, over the mapped file."""
        names = Strings(pack[f"{prefix}.names"], pack[f"{prefix}.names.offsets"])
        return cls(names, pack[f"{prefix}.owners"], pack[f"{prefix}.name_of"], pack[f"{prefix}.offset"])

    def _suffix(self, j: int) -> str:
        return self.names[self._name_at[j]][self._offset_at[j] :]

    def search(self, prefix: str) -> tuple[list[int], list[int]]:
        """The names starting with ``prefix`` (folded), and those not starting with it that have a
        later word starting with it: two lists of name positions, each in ascending order."""
        if not prefix:
            return [], []
        n = len(prefix)
        every = range(len(self._name_at))
        lo = bisect_left(every, prefix, key=self._suffix)
        hi = bisect_right(every, prefix, lo=lo, key=lambda j: self._suffix(j)[:n])
        name_of = np.asarray(self._name_of[lo:hi])
        first = np.asarray(self._offset[lo:hi]) == 0
        starts = np.sort(name_of[first])
        inner = np.setdiff1d(name_of[~first], starts)  # sorted, each name once
        return starts.tolist(), inner.tolist()
