"""A status question answered the short way (issue 18) gives the answer of the full way.

The short way, what a one-shot ``redlist check NAME`` takes: the SQLite store read with sqlite3
(each entry's stored versions and the party graph: ``redlist.store.lite``,
``redlist.parties.stored``) and the bundled data files (curated lists, regimes, the sources'
precedence) read compiled from the home's cache folder (``redlist.compiled``). The full way: the
SQLAlchemy store and the strict loaders (YAML checked by pydantic) run in the process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from redlist import compiled, service
from redlist.curated import compiled as curated_compiled
from redlist.curated.loader import load as strict_curated
from redlist.regimes import compiled as regimes_compiled
from redlist.regimes.rules import load_regimes as strict_regimes
from redlist.sources import precedence
from redlist.store import lite

from conftest import FIXTURES, cover_every_list

SRC = Path(__file__).resolve().parents[1] / "src"

#: Questions over the fixtures: an entry removed from the SDN (asked before and after), one amended,
#: one added, curated-only parties (events, purposes, removals), ids, and a name nothing matches.
QUESTIONS: list[dict[str, Any]] = [
    {"name": "Example Trading Company Limited"},
    {"name": "Example Trading Company Limited", "on": "2024-01-05", "activity": "export"},
    {"name": "Banco Ejemplo del Caribe", "activity": "invest"},
    {"name": "Second Example LLC", "activity": "transact"},
    {"name": "Huawei Technologies", "activity": "invest"},
    {"name": "Huawei Technologies", "activity": "telecom", "purpose": "public_safety"},
    {"name": "Hikvision", "activity": "procure"},
    {"name": "Xiaomi", "activity": "invest", "on": "2021-03-01"},
    {"entity_id": "ofac-7001", "on": "2024-01-03"},
    {"entity_id": "us_dod_ccmc:xiaomi", "activity": "divest"},
    {"name": "Nobody At All Whatsoever"},
]


@pytest.fixture
def history(home: Path) -> Path:
    """A home with two SDN publications (an entry removed, one amended, one added) and the CSL."""
    with service.open(home) as r:
        for folder, as_of in (("sdn_a", "2024-01-02"), ("sdn_b", "2024-01-09")):
            [result] = r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / folder), as_of=as_of)
            assert result.ok, result.message
        cover_every_list(r, "2024-01-09")
    return home


def _forget_compiled() -> None:
    """Drop this process's copies of the compiled data: the next use reads (or compiles) them."""
    curated_compiled.packaged.cache_clear()
    regimes_compiled._packaged.cache_clear()
    precedence._load.cache_clear()


def _answers(r: service.Redlist) -> list[dict[str, Any]]:
    out = []
    for question in QUESTIONS:
        asked = dict(question)
        out.append(r.check(asked.pop("name", None), **asked).to_dict())
    return out


def test_short_and_full_ways_answer_alike(history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as m:  # the full way: SQLAlchemy, the strict loaders, no cache
        m.setattr(lite, "open_lite", lambda home, path: None)
        m.setattr(compiled, "_folder", [None])
        _forget_compiled()
        with service.open(history, cache=False) as r:
            full = _answers(r)
            assert not isinstance(r._current().store, lite.LiteStore)
    _forget_compiled()
    with service.open(history) as r:  # compiles the data files into the cache folder
        r.warm_checker()
    _forget_compiled()
    with service.open(history) as r:
        store = r._current().store
        assert isinstance(store, lite.LiteStore)
        short = _answers(r)
        assert store._full is None  # nothing went through SQLAlchemy
    cached = sorted(p.name.split("-")[0] for p in (history / "cache").glob("*.pickle"))
    assert cached == ["curated", "precedence", "regimes"]
    assert short == full
    assert any(a["party"] and a["findings"] for a in short)  # the questions reach listed parties
    assert any(f.get("removed_on") for a in short for f in a["findings"])  # and the history


def test_a_one_shot_check_imports_no_sqlalchemy_pydantic_or_yaml(history: Path) -> None:
    code = (
        "import json, sys\n"
        "from redlist import service\n"
        "r = service.Redlist(service.load_settings())\n"
        "r.warm_checker()\n"
        "r.check('Example Trading Company Limited', activity='invest')\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'pydantic', 'pydantic_settings', 'yaml'})))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("REDLIST_")}
    env |= {
        "REDLIST_HOME": str(history),
        "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
    }
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, timeout=300
        )
        for _ in range(2)  # the first may build the index files and compile the data files
    ]
    assert json.loads(runs[1].stdout) == []


def test_compiled_data_is_the_strict_loaders_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "_folder", [tmp_path])
    _forget_compiled()
    curated_compiled.packaged(), regimes_compiled.regimes(), precedence.primary("us_ofac_sdn")
    assert sorted(p.name.split("-")[0] for p in tmp_path.glob("*.pickle")) == [
        "curated",
        "precedence",
        "regimes",
    ]
    _forget_compiled()
    with monkeypatch.context() as m:  # read back without the loaders
        m.setattr(curated_compiled, "_strict", _refuse)
        m.setattr(regimes_compiled, "_strict", _refuse)
        m.setattr(precedence, "_strict", _refuse)
        assert curated_compiled.packaged() == strict_curated()
        assert regimes_compiled.regimes() == strict_regimes()
        assert precedence.copies("us_ofac_sdn") == ["us_trade_csl"]
    # a damaged pickle is compiled again, by the loader
    [pickle] = tmp_path.glob("curated-*.pickle")
    pickle.write_bytes(b"not a pickle")
    _forget_compiled()
    assert curated_compiled.packaged() == strict_curated()


def test_other_data_or_code_compiles_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "_folder", [tmp_path])
    built: list[str] = []

    def build(what: str) -> dict[str, str]:
        built.append(what)
        return {"built": what}

    assert compiled.load("probe", "sha256:1", (), lambda: build("a"), dict) == {"built": "a"}
    assert compiled.load("probe", "sha256:1", (), lambda: build("b"), dict) == {"built": "a"}  # kept
    assert compiled.load("probe", "sha256:2", (), lambda: build("c"), dict) == {"built": "c"}  # other data
    assert compiled.load("probe", "sha256:2", ("json",), lambda: build("d"), dict) == {
        "built": "d"
    }  # other code
    assert built == ["a", "c", "d"]
    assert len(list(tmp_path.glob("probe-*.pickle"))) == 1  # older ones replaced
    monkeypatch.setattr(compiled, "_folder", [None])  # no folder: the loader every time
    compiled.load("probe", "sha256:2", (), lambda: build("e"), dict)
    assert built[-1] == "e"


def _refuse() -> Any:
    raise AssertionError("the strict loader ran: the compiled data was not read")


def test_the_stored_graph_read_with_sqlite3_has_every_party(history: Path) -> None:
    """Parties are listed through their entries; one without any (not written by save()) too."""
    import sqlite3

    from redlist.parties import stored
    from redlist.store.db import Store

    with service.open(history) as r:
        key = r._current().key
    with sqlite3.connect(history / "redlist.sqlite") as db:
        db.execute("INSERT INTO parties (id, name, data) SELECT 'probe', name, data FROM parties LIMIT 1")
    short = lite.open_lite(history, history / "redlist.sqlite")
    assert isinstance(short, lite.LiteStore)
    with short, Store.open(history) as full:
        one, other = stored.load(short, key), stored.load(full, key)
        assert one is not None and other is not None
        assert set(one.parties) == set(other.parties) and "probe" in one.parties
        assert one.of_entry == other.of_entry
        assert [one.parties[p].to_dict() for p in sorted(one.parties)] == [
            other.parties[p].to_dict() for p in sorted(other.parties)
        ]


def test_the_graph_covering_the_index_is_found_out_once(history: Path) -> None:
    """Whether the stored graph has a party for every entry of the checker's index is worked out
    once and kept beside the index file; the answers are the same with it, and a graph that
    lacks an entry is never taken for one that covers the index."""
    import sqlite3

    from redlist.parties import stored

    _forget_compiled()
    with service.open(history) as r:
        r.warm_checker()
        first = _answers(r)
        assert r._current().checker.lacking == 0
    [mark] = (history / "cache").glob("screener-check-*.covered")
    with service.open(history) as r:  # the mark read: the whole entry map is not
        again = _answers(r)
        entries = r._current().parties.of_entry
        assert isinstance(entries, stored.LazyEntries) and entries._all is None
    assert again == first
    mark.write_text("another graph\n", encoding="utf-8")
    with service.open(history) as r:  # a mark of something else: worked out again, and kept
        assert _answers(r) == first
        assert r._current().checker.lacking == 0
    assert mark.read_text(encoding="utf-8") != "another graph\n"
    # an entry the graph lacks (gone from the stored graph behind save()'s back): a party alone
    mark.unlink()
    with sqlite3.connect(history / "redlist.sqlite") as db:
        db.execute("DELETE FROM party_entries WHERE entry_id = 'ofac-7001'")
    with service.open(history) as r:
        checker = r._current().checker
        assert checker.lacking == 1
        found = r.check(entity_id="ofac-7001", on="2024-01-03").to_dict()
        assert found["party"]["id"] == "ofac-7001" and found["findings"]
    assert not mark.exists()
