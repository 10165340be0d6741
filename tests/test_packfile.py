"""The pack file's tables: bulk lookups answer as one-at-a-time lookups."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from redlist.match.packfile import IdMap, Pack, StrMap, hash64, hashes64, strmap_arrays, write_pack


def _pack(tmp_path: Path, tables: dict[str, dict[str, tuple[int, ...]]]) -> Pack:
    arrays: dict[str, np.ndarray] = {}
    for prefix, table in tables.items():
        arrays.update(strmap_arrays(prefix, table))
    write_pack(tmp_path / "t.pack", arrays, {})
    return Pack(tmp_path / "t.pack")


def test_hashes64_are_hash64() -> None:
    keys = ["huawei", "", "华为", "a\udcff"]
    assert hashes64(keys).tolist() == [hash64(k) for k in keys]


def test_get_many_answers_as_get(tmp_path: Path) -> None:
    table = {f"w{i}": tuple(range(i % 4 + 1)) for i in range(300)} | {"华为": (7,)}
    ids = {k: (i,) for i, k in enumerate(table)}
    pack = _pack(tmp_path, {"lists": table, "ids": ids})
    lists, id_map = StrMap(pack, "lists"), IdMap(pack, "ids")
    keys = ["w0", "nope", "w299", "华为", "", "w17", "w17"]
    assert lists.get_many(keys) == [lists.get(k) for k in keys]
    assert lists.get_many(keys) == [table.get(k) for k in keys]
    assert id_map.get_many(keys, hashes64(keys)) == [id_map.get(k) for k in keys]
    assert id_map.get("w5") == 5 and id_map.get_many([]) == []


def test_get_many_on_an_empty_table(tmp_path: Path) -> None:
    pack = _pack(tmp_path, {"empty": {}})
    assert StrMap(pack, "empty").get_many(["a", "b"], default=()) == [(), ()]
