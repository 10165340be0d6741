"""The pack file's tables: bulk lookups answer as one-at-a-time lookups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from redlist.match.packfile import (
    IdMap,
    Pack,
    Records,
    Strings,
    StrMap,
    blob,
    hash64,
    hashes64,
    strmap_arrays,
    write_pack,
)


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


def _records(tmp_path: Path, items: list[bytes], keep: int | None) -> tuple[Records[str], list[str]]:
    data, offsets = blob(items)
    write_pack(tmp_path / "r.pack", {"data": data, "offsets": offsets}, {})
    pack = Pack(tmp_path / "r.pack")
    decoded: list[str] = []

    def decode(raw: bytes) -> str:
        decoded.append(raw.decode())
        return raw.decode().upper()

    return Records(pack["data"], pack["offsets"], decode, keep=keep), decoded


def test_records_keep_the_last_decoded(tmp_path: Path) -> None:
    items = [f"name {i}".encode() for i in range(10)]
    records, decoded = _records(tmp_path, items, keep=3)
    assert len(records) == 10 and records[-1] == "NAME 9" and records[2:4] == ["NAME 2", "NAME 3"]
    decoded.clear()
    for i in (0, 1, 2, 0, 3, 0, 1):  # 0 is the first decoded of those kept when 3 comes in
        assert records[i] == f"NAME {i}"
    assert decoded == ["name 0", "name 1", "name 2", "name 3", "name 0", "name 1"]
    assert len(records._done) == 3
    assert list(records) == [f"NAME {i}" for i in range(10)]  # decoded again, the same
    records.forget()
    assert not records._done
    with pytest.raises(IndexError):
        records[10]


def test_records_without_a_bound_decode_once(tmp_path: Path) -> None:
    records, decoded = _records(tmp_path, [b"a", b"", b"c"], keep=None)
    assert list(records) == ["A", "", "C"] and list(records) == ["A", "", "C"]
    assert decoded == ["a", "", "c"]


def test_strings_read_the_mapped_offsets(tmp_path: Path) -> None:
    data, offsets = blob(w.encode() for w in ["huawei", "", "华为"])
    write_pack(tmp_path / "s.pack", {"data": data, "offsets": offsets}, {})
    pack = Pack(tmp_path / "s.pack")
    strings = Strings(pack["data"], pack["offsets"])
    assert list(strings) == ["huawei", "", "华为"] and strings[1:] == ["", "华为"] and len(strings) == 3
