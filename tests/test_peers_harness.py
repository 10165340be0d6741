"""The pure helpers of the peer and speed benchmarks, on hand-written pairs (no peer data needed)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import peers  # noqa: E402
import speed  # noqa: E402


def test_metrics_counts_and_ratios():
    scored = [(0.9, True), (0.8, False), (0.75, True), (0.4, True), (0.1, False), (0.7, False)]
    m = peers.metrics(scored, 0.7)
    # 0.7 itself counts as a match (score >= threshold)
    assert (m.tp, m.fp, m.fn, m.tn) == (2, 2, 1, 1)
    assert m.precision == pytest.approx(0.5)
    assert m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert m.accuracy == pytest.approx(0.5)


def test_metrics_undefined_ratios():
    none_predicted = peers.metrics([(0.1, True), (0.2, False)], 0.5)
    assert none_predicted.precision is None
    assert none_predicted.recall == 0.0
    assert none_predicted.f1 == 0.0
    no_positives = peers.metrics([(0.1, False)], 0.5)
    assert no_positives.recall is None and no_positives.f1 is None
    assert peers.metrics([], 0.5).accuracy is None


def test_best_threshold_separates_perfectly_when_possible():
    scored = [(0.95, True), (0.83, True), (0.81, False), (0.5, False)]
    threshold, m = peers.best_threshold(scored)
    assert m.f1 == 1.0
    # the lowest grid threshold above 0.81 that keeps 0.83
    assert threshold == pytest.approx(0.82)


def test_curve_is_monotone_in_recall():
    rng = random.Random(1)
    scored = [(rng.random(), rng.random() < 0.5) for _ in range(200)]
    recalls = [m.recall for _, m in peers.curve(scored)]
    assert recalls == sorted(recalls, reverse=True)
    assert [t for t, _ in peers.curve(scored)] == peers.CURVE


def test_worst_errors_orders_by_distance_from_threshold():
    pairs = [
        peers.Pair("g", "Person", "a", "b", True),
        peers.Pair("g", "Person", "c", "d", False),
        peers.Pair("g", "Person", "e", "f", True),
        peers.Pair("g", "Company", "g", "h", False),
    ]
    scores = [0.2, 0.99, 0.9, 0.75]
    errors = peers.worst_errors(pairs, scores, 0.8)
    assert [(kind, score) for kind, score, _ in errors] == [("FN", 0.2), ("FP", 0.99)]
    assert peers.worst_errors(pairs, scores, 0.8, n=1)[0][2].name1 == "a"


def test_schema_kind_mapping():
    assert peers.schema_kind("Person") == "person"
    for schema in ("Company", "Organization", "LegalEntity"):
        assert peers.schema_kind(schema) == "organization"
    assert peers.schema_kind("Vessel") == "vessel"
    assert peers.schema_kind("Airplane") == "any"


def test_read_name_bench(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_group,schema,name1,name2,is_match,quality,category,notes\n"
        "g1,Person,Anna Berg,Ana Berg,true,STRONG,,\n"
        'g2,Company,"Acme, Inc.",Acme Ltd,false,WEAK,suffix,\n',
        encoding="utf-8",
    )
    pairs = peers.read_name_bench(path)
    assert pairs[0] == peers.Pair("g1", "Person", "Anna Berg", "Ana Berg", True, "STRONG", "")
    assert pairs[1].name1 == "Acme, Inc." and pairs[1].is_match is False and pairs[1].kind == "organization"
    with pytest.raises(ValueError):
        peers.parse_bool("maybe")


def test_is_han():
    assert peers.is_han("王伟")
    assert peers.is_han("Li 李")
    assert not peers.is_han("Wang Wei")
    assert not peers.is_han("حسین موسوی")
    assert not peers.is_han("Ёлкин")


def test_sample_is_seeded_ordered_and_bounded():
    rows = list(range(100))
    a = peers.sample(rows, 10, seed=3)
    assert a == peers.sample(rows, 10, seed=3)
    assert a == sorted(a) and len(set(a)) == 10
    assert a != peers.sample(rows, 10, seed=4)
    assert peers.sample(rows, None, seed=3) == rows
    assert peers.sample(rows, 500, seed=3) == rows


def test_per_thousand():
    assert peers.per_thousand(3, 1500) == pytest.approx(2.0)
    assert peers.per_thousand(0, 0) == 0.0


def test_percentiles_nearest_rank():
    values = list(range(1, 101))  # 1..100
    p = speed.percentiles(values, (50, 95, 99, 100))
    assert p == {50: 50, 95: 95, 99: 99, 100: 100}
    assert speed.percentiles([7.0], (50, 99)) == {50: 7.0, 99: 7.0}
    with pytest.raises(ValueError):
        speed.percentiles([], (50,))


def test_perturb_makes_small_seeded_edits():
    rng = random.Random(5)
    name = "Islamic Revolutionary Guard Corps"
    outs = [speed.perturb(name, rng) for _ in range(50)]
    assert any(o != name for o in outs)
    for out in outs:
        # a typo, a swap, a dropped token, a reorder or a case change: never a different name
        assert abs(len(out) - len(name)) <= len("Revolutionary") + 1
        assert set(out.lower().split()) & set(name.lower().split())
    assert [speed.perturb(name, random.Random(9)) for _ in range(3)] == [
        speed.perturb(name, random.Random(9)) for _ in range(3)
    ]


def test_company_names_are_seeded():
    a = speed.company_names(20, random.Random(2))
    assert a == speed.company_names(20, random.Random(2))
    assert len(a) == 20 and all(len(n.split()) >= 2 for n in a)


def test_query_mix_proportions():
    listed = [("organization", "Acme Trading Company"), ("person", "John Quincy Example")]
    clean_people = ["Alice Smith", "Bob Jones", "Carol White"]
    mix = speed.query_mix(1000, listed, clean_people, seed=11, listed_share=0.3)
    assert len(mix) == 1000
    share = sum(origin == "listed" for _, _, origin in mix) / len(mix)
    assert 0.25 < share < 0.35
    assert {origin for _, _, origin in mix} == {"listed", "clean_person", "clean_company"}
    assert mix == speed.query_mix(1000, listed, clean_people, seed=11, listed_share=0.3)


def test_gc_timer_counts_the_collections_while_attached() -> None:
    import gc

    with speed.GcTimer() as timer:
        gc.collect(0)
        gc.collect(2)
    assert timer.runs[0] >= 1 and timer.runs[2] >= 1
    assert all(s >= 0.0 for s in timer.seconds)
    runs = list(timer.runs)
    gc.collect(2)  # detached: not counted
    assert timer.runs == runs
    assert timer not in gc.callbacks
