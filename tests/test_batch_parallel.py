"""Batch screening in several processes and on Dask answers exactly as one process: same rows, same
order, same errors for the rows that cannot be screened."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

import redlist
from redlist.cli import app
from redlist.errors import RedlistError

from conftest import FIXTURES, cover_every_list

_NAMES = [
    "Northwind Shipping Lines",
    "NORTHWND SHIPPING",
    "Banco Ejemplo del Caribe",
    "Example Trading Company Limited",
    "Exampel Trading Co",
    "华为技术有限公司",
    "Summit Dental LLC",
    "Maria Garcia Lopez",
    "",  # no name: an error row
    "---",  # no letters: an error row
]


@pytest.fixture
def batch(home: Path, tmp_path: Path) -> tuple[redlist.Redlist, Path]:
    """A home with the OFAC and CSL fixtures, and a 700-row input (several chunks)."""
    r = redlist.open(home)
    [result] = r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
    assert result.ok, result.message
    cover_every_list(r, "2024-01-02")
    rng = random.Random(5)
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "name", "type", "isin"])
        for i in range(700):
            isin = "US0378331006" if i % 97 == 0 else ("US0378331007" if i % 101 == 0 else "")
            out.writerow([f"row-{i}", rng.choice(_NAMES), rng.choice(["", "company", "person"]), isin])
    return r, source


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_workers_answer_as_one_process(batch, tmp_path: Path) -> None:
    r, source = batch
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    summary = r.screen_file(source, one)
    assert summary.rows == 700 and summary.errors > 0 and summary.matched > 0
    assert r.screen_file(source, two, workers=2).to_dict() == {**summary.to_dict(), "output": str(two)}
    assert two.read_bytes() == one.read_bytes()
    records = _lines(two)
    assert [x["id"] for x in records] == [f"row-{i}" for i in range(700)]
    assert all(x["error"] for x in records if not x["query"]["name"] and not x["query"].get("identifiers"))


def test_workers_through_the_command_line(batch, tmp_path: Path) -> None:
    r, source = batch
    expected, got = tmp_path / "expected.jsonl", tmp_path / "got.jsonl"
    r.screen_file(source, expected)
    args = ["--home", str(r.settings.home), "screen", "--input", str(source), "--output", str(got)]
    result = CliRunner().invoke(app, [*args, "--workers", "0", "--allow-errors"])
    assert result.exit_code == 0, result.output
    assert got.read_bytes() == expected.read_bytes()
    wrong = CliRunner().invoke(app, [*args, "--engine", "spark"])
    assert wrong.exit_code == 2 and "unknown engine" in wrong.output


def test_dask_answers_as_one_process(batch, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    r, source = batch
    one, dask = tmp_path / "one.jsonl", tmp_path / "dask.jsonl"
    summary = r.screen_file(source, one)
    got = r.screen_file(source, dask, engine="dask", workers=2)
    assert (got.rows, got.errors, got.matched) == (summary.rows, summary.errors, summary.matched)
    assert dask.read_bytes() == one.read_bytes()


def test_dask_names_an_unreachable_scheduler(batch, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    r, source = batch
    with pytest.raises(RedlistError, match="cannot reach the Dask scheduler"):
        r.screen_file(source, tmp_path / "x.jsonl", engine="dask", scheduler="tcp://127.0.0.1:9")


def test_repeated_rows_answered_as_if_screened_alone(batch, tmp_path: Path) -> None:
    """A row repeating an earlier query gets the earlier answer, exactly as if screened alone
    (qualifiers in their parsed forms, a bad date of birth still an error), under its own id."""
    from redlist.batch.read import read_rows
    from redlist.batch.run import screen_answer

    r, _ = batch
    source = tmp_path / "repeats.csv"
    rows = [
        ["a", "Maria Garcia Lopez", "person", "1961", "es"],
        ["b", "Maria Garcia Lopez", "person", "not a date", ""],
        ["c", "Example Trading Company Limited", "", "", ""],
        ["d", "Maria Garcia Lopez", "person", "1961", "es"],
        ["e", "Example Trading Company Limited", "", "", ""],
        ["f", "Maria Garcia Lopez", "person", "not a date", ""],
        ["g", "Maria Garcia Lopez", "person", "", "ES"],
    ]
    with source.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["id", "name", "type", "dob", "nationality"], *rows])
    with r.generation() as gen:
        shared = screen_answer(gen.screener, None, 10, None)
        together = [shared(row) for row in read_rows(source)]
        alone = [screen_answer(gen.screener, None, 10, None)(row) for row in read_rows(source)]
    assert json.dumps(together) == json.dumps(alone)
    assert [x["id"] for x in together] == list("abcdefg")
    assert together[1]["error"] and together[5]["error"] == together[1]["error"]
    assert together[3]["query"] == {**together[0]["query"], "id": "d"}


def _rows(names: list[str]) -> list:
    from redlist.batch.read import InputRow

    return [
        InputRow(line=i + 2, id=f"r{i}", name=name, type=None, country=None) for i, name in enumerate(names)
    ]


class _PidAnswer:
    """An answer function routed by name that says which process answered."""

    def route_key(self, row) -> str:
        return row.name

    def __call__(self, row) -> dict:
        import os

        if row.name == "boom":
            raise ValueError("cannot answer boom")
        if row.name == "die":
            os._exit(3)
        return {"name": row.name, "pid": os.getpid()}


def test_workers_send_every_repeat_of_a_query_to_one_worker() -> None:
    """Repeats meet the worker that answered the query first (and its answer cache): two workers
    screen as many distinct queries as one process would, and the order is the input's."""
    from redlist.batch.run import answer_rows

    names = [f"name {i % 37}" for i in range(3000)]
    records = list(answer_rows(_rows(names), _PidAnswer(), workers=2))
    assert [x["id"] for x in records] == [f"r{i}" for i in range(3000)]
    assert [x["line"] for x in records] == list(range(2, 3002))
    pids_of: dict[str, set[int]] = {}
    for x in records:
        pids_of.setdefault(x["name"], set()).add(x["pid"])
    assert all(len(pids) == 1 for pids in pids_of.values())
    assert len(set().union(*pids_of.values())) == 2  # both workers had work


def test_a_worker_error_reaches_the_caller() -> None:
    from redlist.batch.run import answer_rows

    with pytest.raises(ValueError, match="cannot answer boom"):
        list(answer_rows(_rows(["a", "b"] * 600 + ["boom"]), _PidAnswer(), workers=2))


def test_a_worker_that_dies_stops_the_run_with_a_message() -> None:
    from redlist.batch.run import answer_rows

    with pytest.raises(RedlistError, match=r"worker process stopped \(exit code 3\)"):
        list(answer_rows(_rows(["a"] * 10 + ["die"]), _PidAnswer(), workers=2))


class _FakeDealer:
    """Answers each sent share at once, remembering which worker got which names."""

    def __init__(self) -> None:
        self.got: dict[int, list[str]] = {}
        self.results: dict[tuple[int, int], list[dict]] = {}

    def send(self, worker: int, tag: tuple[int, int], rows: list) -> None:
        self.got.setdefault(worker, []).extend(row.name for row in rows)
        self.results[tag] = [{"id": row.key, "worker": worker} for row in rows]

    def result(self, tag: tuple[int, int]) -> list[dict]:
        return self.results.pop(tag)


@pytest.mark.parametrize("keyed", [True, False])
def test_rows_dealt_by_query_come_back_in_input_order(keyed: bool) -> None:
    from redlist.batch.workers import in_order

    dealer = _FakeDealer()
    names = [f"n{i % 101}" for i in range(1000)]
    key = (lambda row: row.name) if keyed else None
    records = list(in_order(_rows(names), dealer, 3, key, chunk_rows=17, ahead=2))
    assert [x["id"] for x in records] == [f"r{i}" for i in range(1000)]
    assert not dealer.results  # every share collected
    assert len(dealer.got) == 3
    if keyed:  # every repeat of a name meets the same worker
        workers_of = {name: {w for w, got in dealer.got.items() if name in got} for name in set(names)}
        assert all(len(ws) == 1 for ws in workers_of.values())
    else:  # dealt in equal runs
        assert sorted(len(got) for got in dealer.got.values()) == [333, 333, 334]
