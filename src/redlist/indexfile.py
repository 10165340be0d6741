"""The screening index as a file: written once per data generation, opened by every later process.

:func:`save` writes a :class:`~redlist.screen.Screener` (its entries, name forms, token postings,
fuzzy-lookup tables and identifier table) to one memory-mappable pack file
(:mod:`redlist.match.packfile`); :func:`load` opens it in milliseconds: the arrays stay in the
mapped file (shared between processes by the OS page cache), entries and name forms are decoded
one by one when a query first touches them. An opened screener answers exactly as the one that
was saved (tests/test_indexfile.py compares them).

Entries are pickled one by one: the file lives in the user's own cache folder, next to the store
it was built from, and is written by redlist only.
"""

from __future__ import annotations

import dataclasses
import marshal
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from redlist.match import caches
from redlist.match.index import NameIndex
from redlist.match.lookup import WordPrefixes
from redlist.match.normalize import NameForm
from redlist.match.packfile import (
    IdMap,
    Pack,
    PackError,
    Ragged,
    Records,
    Strings,
    StrMap,
    blob,
    csr,
    strmap_arrays,
    write_pack,
)
from redlist.match.weights import SCHEMAS, WordCounts, WordWeights
from redlist.model import Entity
from redlist.screen import Screener, _countries

#: Changes whenever the layout or the meaning of a saved index changes: older files are rebuilt.
FORMAT = 7  # 2: the common person names table; 3: the word counts of both schemas (match.weights)
# on one branch and the list name forms of the recall work (Cyrillic, el-/al-) on another; 4: both;
# 5: listed "persons" named like companies read as either (their kinds, types and name forms);
# 6: the delete table also finds each vocabulary entry under its own key (match.index); 7: the
# prefix search table of the entries' names (match.lookup, read by redlist.service's suggest)
SUFFIX = ".rlx"
#: Decoded list name forms and entries a process keeps (the most recently used; the rest are
#: decoded again from the mapped file when asked for): sized by measurement (docs/benchmarks.md,
#: "Memory of a batch process", "A batch process under 300 MB"), a query meets about a hundred
#: names and shows a few entries; scaled as the matcher's caches are (``REDLIST_MATCH_CACHES``, :mod:`redlist.match.caches`).
KEEP_NAMES = caches.scaled(4_096)
KEEP_ENTITIES = caches.scaled(512)
_FIELDS = [f.name for f in dataclasses.fields(NameForm)]
_ID_SEP = "\x1f"

__all__ = ["FORMAT", "SUFFIX", "PackError", "load", "save"]


def _encode_form(form: NameForm) -> bytes:
    return marshal.dumps(tuple(getattr(form, f) for f in _FIELDS))


def _decode_form(data: bytes) -> NameForm:
    return NameForm(*marshal.loads(data))


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    table = sorted(set(values))
    index = {v: i for i, v in enumerate(table)}
    return np.fromiter((index[v] for v in values), dtype=np.uint8, count=len(values)), table


def save(screener: Screener, path: Path) -> None:
    """Write ``screener`` to ``path`` (atomically)."""
    index = screener.index
    arrays: dict[str, np.ndarray] = {}
    arrays["entities"], arrays["entities.offsets"] = blob(
        pickle.dumps(e, protocol=pickle.HIGHEST_PROTOCOL) for e in screener.entities
    )
    arrays["entity_ids"], arrays["entity_ids.offsets"] = blob(e.entity_id.encode() for e in screener.entities)
    arrays["names"], arrays["names.offsets"] = blob(_encode_form(f) for f in index.names)
    arrays["name_entity"] = np.asarray(screener._name_entity, dtype=np.int32)
    arrays["name_type"], name_types = _codes(screener._name_type)
    arrays["kinds"], kinds = _codes(screener._kinds)
    arrays["types"], types = _codes(screener._types)
    arrays["vocab"], arrays["vocab.offsets"] = blob(t.encode("utf-8", "surrogatepass") for t in index.vocab)
    arrays["postings"], arrays["postings.offsets"] = csr(p.tolist() for p in index.postings)
    arrays["idf"] = np.asarray(index.idf)
    arrays["norm"] = np.asarray(index.norm)
    arrays.update(strmap_arrays("token_ids", {t: (i,) for t, i in index.token_ids.items()}))
    arrays.update(strmap_arrays("by_delete", index._by_delete))
    arrays.update(strmap_arrays("by_skeleton", index._by_skeleton))
    weights = screener.word_weights()
    for schema in SCHEMAS:
        counts = weights.counts(schema)
        words = sorted(counts.counts)
        arrays[f"words.{schema}"], arrays[f"words.{schema}.offsets"] = blob(
            t.encode("utf-8", "surrogatepass") for t in words
        )
        arrays[f"words.{schema}.counts"] = np.asarray([counts.counts[t] for t in words], dtype=np.int32)
    arrays.update(WordPrefixes.of_entities(screener.entities).arrays("suggest"))
    arrays.update(strmap_arrays("id_index", {_ID_SEP.join(k): v for k, v in screener._id_index.items()}))
    meta = {
        "format": FORMAT,
        "name_types": name_types,
        "kinds": kinds,
        "types": types,
        "word_names": {schema: weights.counts(schema).names for schema in SCHEMAS},
    }
    write_pack(path, arrays, meta)


def load(path: Path) -> Screener:
    """The screener saved in ``path``; :class:`PackError` when it cannot be read."""
    pack = Pack(path)
    meta = pack.meta
    if meta.get("format") != FORMAT:
        raise PackError(f"{path.name}: format {meta.get('format')}, expected {FORMAT}")
    index = NameIndex.__new__(NameIndex)
    index.names = Records(pack["names"], pack["names.offsets"], _decode_form, keep=KEEP_NAMES)  # type: ignore[assignment]
    index.vocab = Strings(pack["vocab"], pack["vocab.offsets"])  # type: ignore[assignment]
    index.token_ids = IdMap(pack, "token_ids")  # type: ignore[assignment]
    index.postings = Ragged(pack["postings"], pack["postings.offsets"])  # type: ignore[assignment]
    index.idf = pack["idf"]
    index.norm = pack["norm"]
    index._by_delete = StrMap(pack, "by_delete")  # type: ignore[assignment]
    index._by_skeleton = StrMap(pack, "by_skeleton")  # type: ignore[assignment]
    index._caches()

    screener = Screener.__new__(Screener)
    screener.entities = Records(  # type: ignore[assignment]
        pack["entities"], pack["entities.offsets"], pickle.loads, keep=KEEP_ENTITIES
    )
    screener.entity_ids = Strings(pack["entity_ids"], pack["entity_ids.offsets"])  # type: ignore[assignment]
    screener.index = index
    # a view of the mapped array, not a list of 58,000 int objects (see packfile._ints)
    screener._name_entity = memoryview(pack["name_entity"])  # type: ignore[assignment,arg-type]
    screener._name_type = _decode_codes(pack["name_type"], meta["name_types"])
    screener._kinds = _decode_codes(pack["kinds"], meta["kinds"])
    screener._types = _decode_codes(pack["types"], meta["types"])
    screener._id_index = _IdIndex(pack, "id_index")  # type: ignore[assignment]
    screener._countries = _Countries(screener.entities)  # type: ignore[assignment]
    # counted at save time (counting again would decode every name form, 0.7 s); read from the
    # file when a query first needs them (6 ms: not at start-up)
    screener._load_weights = lambda: _load_weights(pack)  # type: ignore[attr-defined]
    screener.pack = pack  # type: ignore[attr-defined]  # keeps the mapping open with the screener
    return screener


def _load_weights(pack: Pack) -> WordWeights:
    """The word counts of both schemas, as saved (a few thousand common words each)."""
    tables = []
    for schema in SCHEMAS:
        words = Strings(pack[f"words.{schema}"], pack[f"words.{schema}.offsets"])
        counts = pack[f"words.{schema}.counts"].tolist()
        tables.append(WordCounts(int(pack.meta["word_names"][schema]), dict(zip(words, counts, strict=True))))
    return WordWeights.of(*tables)


def _decode_codes(codes: np.ndarray, table: list[str]) -> list[str]:
    values = [str(v) for v in table]
    return [values[c] for c in codes.tolist()]


class _IdIndex(StrMap):
    """The identifier table: keyed by (identifier type, normalised value)."""

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(_ID_SEP.join(key), default)


class _Countries:
    """Each entry's country codes, worked out from the entry when first asked for."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self._entities = entities  # not the screener: no reference cycle (the server freezes indexes)
        self._done: dict[int, frozenset[str]] = {}

    def __getitem__(self, e: int) -> frozenset[str]:
        found = self._done.get(e)
        if found is None:
            found = self._done[e] = _countries(self._entities[e])
        return found
