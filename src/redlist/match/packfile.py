"""A memory-mappable file of numpy arrays, and the lazy containers read from it.

An index written once (at update time) and opened by every later process: opening maps the file
and reads a small JSON header; nothing is deserialised until it is used. Records (list entries,
name forms) are decoded one by one on first access and kept; string-keyed tables are looked up by
binary search over sorted 64-bit hashes, the key compared on the way, so that a table of a million
keys costs nothing to open.

Layout: ``MAGIC``, the header's length (8 bytes, little-endian), the JSON header, then each
array at an offset aligned to 64 bytes. The header names each array's dtype, length and offset,
and holds the small metadata (``meta``) the writer gave.
"""

from __future__ import annotations

import collections
import hashlib
import json
import mmap
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

MAGIC = b"REDLISTPACK1\n"
_ALIGN = 64
T = TypeVar("T")


class PackError(Exception):
    """A pack file that cannot be read (truncated, another format, another version)."""


def hash64(key: str) -> int:
    """A stable 64-bit hash of a string (Python's own ``hash`` differs between processes)."""
    return int.from_bytes(
        hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


def hashes64(keys: Sequence[str]) -> np.ndarray:
    """:func:`hash64` of every key, as one array (one call per batch of keys, for lookups in bulk)."""
    digests = b"".join(
        hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=8).digest() for k in keys
    )
    return np.frombuffer(digests, dtype="<u8")


def write_pack(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Write ``arrays`` and ``meta`` to ``path`` atomically (a temporary file, then a rename)."""
    header: dict[str, Any] = {"meta": meta, "arrays": {}}
    offset = 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        header["arrays"][name] = {"dtype": array.dtype.str, "count": int(array.size), "offset": offset}
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    head = json.dumps(header, ensure_ascii=True).encode()
    start = -(-(len(MAGIC) + 8 + len(head)) // _ALIGN) * _ALIGN
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(MAGIC + len(head).to_bytes(8, "little") + head)
        fh.write(b"\0" * (start - fh.tell()))
        for array in arrays.values():
            data = np.ascontiguousarray(array).tobytes()
            fh.write(data)
            fh.write(b"\0" * (-len(data) % _ALIGN))
    os.replace(tmp, path)


class Pack:
    """An opened pack file: ``pack[name]`` is a read-only array over the mapped file."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size < len(MAGIC) + 8:
                raise PackError(f"{path.name}: truncated")
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[: len(MAGIC)] != MAGIC:
            raise PackError(f"{path.name}: not a redlist pack file")
        length = int.from_bytes(self._map[len(MAGIC) : len(MAGIC) + 8], "little")
        head_end = len(MAGIC) + 8 + length
        try:
            header = json.loads(self._map[len(MAGIC) + 8 : head_end])
        except ValueError as exc:
            raise PackError(f"{path.name}: damaged header") from exc
        self.meta: dict[str, Any] = header["meta"]
        self._arrays: dict[str, dict[str, Any]] = header["arrays"]
        self._start = -(-head_end // _ALIGN) * _ALIGN
        end = max(
            (a["offset"] + a["count"] * np.dtype(a["dtype"]).itemsize for a in self._arrays.values()),
            default=0,
        )
        if self._start + end > size:
            raise PackError(f"{path.name}: truncated")

    def __getitem__(self, name: str) -> np.ndarray:
        spec = self._arrays[name]
        return np.frombuffer(
            self._map, dtype=spec["dtype"], count=spec["count"], offset=self._start + spec["offset"]
        )


# --- writing the containers -------------------------------------------------------------------


def blob(items: Iterable[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Byte strings as one uint8 array and their int64 offsets (n + 1 of them)."""
    parts = list(items)
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=offsets[1:])
    return np.frombuffer(b"".join(parts), dtype=np.uint8), offsets


def csr(rows: Iterable[Sequence[int]], dtype: str = "<i4") -> tuple[np.ndarray, np.ndarray]:
    """Integer lists as one array and their int64 offsets (n + 1 of them)."""
    lists = list(rows)
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in lists], out=offsets[1:])
    flat = np.fromiter((v for r in lists for v in r), dtype=dtype, count=int(offsets[-1]))
    return flat, offsets


def strmap_arrays(prefix: str, table: Mapping[str, Sequence[int]]) -> dict[str, np.ndarray]:
    """The arrays of a :class:`StrMap` of ``table`` (string -> integer list), named ``prefix.*``."""
    keys = sorted(table, key=lambda k: (hash64(k), k))
    hashes = np.fromiter((hash64(k) for k in keys), dtype="<u8", count=len(keys))
    key_blob, key_offsets = blob(k.encode("utf-8", "surrogatepass") for k in keys)
    values, value_offsets = csr(table[k] for k in keys)
    return {
        f"{prefix}.hash": hashes,
        f"{prefix}.keys": key_blob,
        f"{prefix}.key_offsets": key_offsets,
        f"{prefix}.values": values,
        f"{prefix}.value_offsets": value_offsets,
    }


# --- reading them -----------------------------------------------------------------------------


class Records(Sequence[T], Generic[T]):
    """A sequence of records decoded from a blob on access; the ``keep`` last decoded are kept.

    Bounded, so that a long batch run or a server worker does not end up holding every record
    decoded as Python objects (tens of MB for the list name forms, more for the entries), and so
    that a server's parent process hands its forked workers few decoded objects whose reference
    counts they would write to (and so copy the pages of). ``keep=None`` keeps every record.
    """

    def __init__(
        self,
        data: np.ndarray,
        offsets: np.ndarray,
        decode: Callable[[bytes], T],
        keep: int | None = None,
    ) -> None:
        self._data = memoryview(data)  # type: ignore[arg-type]
        self._offsets = _ints(offsets)
        self._decode = decode
        self._keep = keep
        # in the order they were decoded: a hit costs one dict lookup (moving it to the end, as
        # an LRU would, cost more than the decoding it saved on the benchmark's input); the order
        # is kept beside the dict because taking a dict's first key again and again scans the
        # slots its earlier deletions left (about 7 us per eviction at this size, against 0.2)
        self._done: dict[int, T] = {}
        self._order: collections.deque[int] = collections.deque()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        done = self._done
        found = done.get(i)
        if found is None:
            if not 0 <= i < len(self):
                raise IndexError(i)
            found = self._decode(bytes(self._data[self._offsets[i] : self._offsets[i + 1]]))
            if self._keep is not None:
                if len(done) >= self._keep:
                    del done[self._order.popleft()]  # the first decoded of those kept
                self._order.append(i)
            done[i] = found
        return found

    def __iter__(self) -> Iterator[T]:
        for i in range(len(self)):
            yield self[i]

    def forget(self) -> None:
        """Drop every decoded record (a server's parent does, before forking its workers)."""
        self._done.clear()
        self._order.clear()


def _ints(offsets: np.ndarray) -> memoryview:
    """The offsets as a memoryview over the mapped array: indexing it makes a Python int on
    each access (as fast as a list's) instead of keeping hundreds of thousands of int objects,
    whose reference counts every process sharing them would write to."""
    return memoryview(np.ascontiguousarray(offsets, dtype=np.int64))  # type: ignore[arg-type]


class Strings(Sequence[str]):
    """A sequence of strings over a blob, decoded on each access (they are short)."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray) -> None:
        self._data = memoryview(data)  # type: ignore[arg-type]
        self._offsets = _ints(offsets)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return str(self._data[self._offsets[i] : self._offsets[i + 1]], "utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        # one comprehension over the offsets: half the time of a method call per string
        data, offsets = self._data, self._offsets
        return iter(
            [str(data[a:b], "utf-8", "surrogatepass") for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
        )


class Ragged(Sequence[np.ndarray]):
    """``ragged[i]``: the i-th integer list of a CSR pair, as a read-only array view."""

    def __init__(self, values: np.ndarray, offsets: np.ndarray) -> None:
        self._values = values
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: Any) -> Any:
        return self._values[self._offsets[i] : self._offsets[i + 1]]


class StrMap:
    """A read-only ``dict[str, tuple[int, ...]]`` over a pack (see :func:`strmap_arrays`)."""

    def __init__(self, pack: Pack, prefix: str) -> None:
        self._hash = pack[f"{prefix}.hash"]
        self._keys = Strings(pack[f"{prefix}.keys"], pack[f"{prefix}.key_offsets"])
        self._values = Ragged(pack[f"{prefix}.values"], pack[f"{prefix}.value_offsets"])

    def __len__(self) -> int:
        return len(self._hash)

    def _find(self, key: str) -> int:
        h = np.uint64(hash64(key))
        i = int(np.searchsorted(self._hash, h))
        while i < len(self._hash) and self._hash[i] == h:
            if self._keys[i] == key:
                return i
            i += 1
        return -1

    def _find_many(self, keys: Sequence[str], hashes: np.ndarray) -> list[int]:
        """:meth:`_find` of every key (``hashes``: their :func:`hashes64`), with one binary search
        over the table for all of them: most keys looked up in bulk (a word's deletes) are absent."""
        found = [-1] * len(keys)
        size = len(self._hash)
        if not size or not len(keys):
            return found
        at = np.searchsorted(self._hash, hashes)
        present = self._hash[np.minimum(at, size - 1)] == hashes
        for k in np.flatnonzero(present).tolist():
            i, h, key = int(at[k]), self._hash[at[k]], keys[k]
            while i < size and self._hash[i] == h:
                if self._keys[i] == key:
                    found[k] = i
                    break
                i += 1
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) >= 0

    def _value(self, i: int) -> Any:
        return tuple(self._values[i].tolist())

    def get(self, key: str, default: Any = None) -> Any:
        """The integers stored under ``key`` (a tuple), or ``default``."""
        i = self._find(key)
        return default if i < 0 else self._value(i)

    def get_many(
        self, keys: Sequence[str], hashes: np.ndarray | None = None, default: Any = None
    ) -> list[Any]:
        """``[self.get(k, default) for k in keys]``, looked up together (``hashes``: the keys'
        :func:`hashes64`, when the caller has them already for another table)."""
        if hashes is None:
            hashes = hashes64(keys)
        return [default if i < 0 else self._value(i) for i in self._find_many(keys, hashes)]


class IdMap(StrMap):
    """``token -> id`` (one integer per key): ``get`` answers the integer itself."""

    def _value(self, i: int) -> Any:
        return int(self._values[i][0])
