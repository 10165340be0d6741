"""Evaluate the name matcher on a labelled query set made from the real lists (issue 3 §3).

Usage:
    python benchmarks/evaluate.py [--n 2000] [--negatives 5000] [--seed 20261125] [--json FILE]
                                  [--candidate-sample 500] [--typed] [--dump typo2,drop_token|all]

Builds the query set (``evalset.py``), screens every query once with ``threshold=0`` and a generous
limit, and computes every metric for every threshold from the returned scores, so the curve costs
nothing extra. Prints markdown tables (per family at the default threshold, the threshold curve,
the best threshold under the alert budget, the index's candidate recall) and optionally writes all
numbers, plus every miss and false alert at the default threshold, to a JSON file.

Definitions:
- hit: an expected entity id is among the matches scoring >= threshold (rank: its place in the list).
- precision (positives): the share of alerts that are the expected entity or one of its name twins
  (another list's record with one of the same names).
- alerts per 1,000 clean names: negatives with at least one match >= threshold, per thousand.
- Latin recall: all Latin-script perturbation families (not the ``exact`` control, not pinyin);
  Han recall: simplified and traditional characters of the hand-made Chinese-name table.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evalset import EvalQuery, EvalSet, build, family_counts  # noqa: E402

LATIN_RECALL_FAMILIES = (
    "case_punct",
    "legal_form",
    "typo1",
    "typo2",
    "drop_token",
    "join_split",
    "abbreviation",
    "person_reorder",
    "person_initials",
    "translit",
)
HAN_RECALL_FAMILIES = ("han_simplified", "han_traditional")
CURVE = [round(0.50 + 0.05 * i, 2) for i in range(10)]  # 0.50 .. 0.95
FINE = [round(0.50 + 0.01 * i, 2) for i in range(50)]  # 0.50 .. 0.99
ALERT_BUDGET = 5.0  # alerts per 1,000 clean names
GOALS = {"latin_recall": 0.98, "han_recall": 0.80, "alerts_per_1000": ALERT_BUDGET}


@dataclass(slots=True)
class Outcome:
    """What the screener returned for one query: (entity id, score, matched name), best first."""

    query: EvalQuery
    matches: list[tuple[str, float, str]] = field(default_factory=list)
    error: str | None = None

    def alerts(self, t: float) -> list[tuple[str, float, str]]:
        return [m for m in self.matches if m[1] >= t]

    def hit(self, t: float) -> bool:
        return any(eid in self.query.expected for eid, s, _ in self.matches if s >= t)

    def rank(self) -> int | None:
        """1-based place of the first expected entity in the full result list."""
        for i, (eid, _, _) in enumerate(self.matches, 1):
            if eid in self.query.expected:
                return i
        return None

    def accepted_alerts(self, t: float) -> int:
        return sum(1 for eid, s, _ in self.matches if s >= t and eid in self.query.accepted)


# --- metrics (pure functions of outcomes; unit-tested) -------------------------------------------


def recall(outcomes: Sequence[Outcome], t: float) -> float | None:
    """Share of positive queries whose expected entity scores >= t (None when there are none)."""
    pos = [o for o in outcomes if o.query.positive]
    return sum(o.hit(t) for o in pos) / len(pos) if pos else None


def precision(outcomes: Sequence[Outcome], t: float) -> float | None:
    """Share of alerts (over all queries given) that point at an accepted entity."""
    total = sum(len(o.alerts(t)) for o in outcomes)
    good = sum(o.accepted_alerts(t) for o in outcomes)
    return good / total if total else None


def alerts_per_1000(outcomes: Sequence[Outcome], t: float) -> float | None:
    """Clean names with at least one match >= t, per thousand clean names."""
    neg = [o for o in outcomes if o.query.clean]
    return 1000 * sum(1 for o in neg if o.alerts(t)) / len(neg) if neg else None


def namesakes_cleared(outcomes: Sequence[Outcome], t: float) -> float | None:
    """Share of namesake queries (a listed person's name with a contradicting birth year and
    nationality) on which that listed person does not alert at t."""
    group = [o for o in outcomes if o.query.namesake_of]
    if not group:
        return None
    return sum(1 for o in group if not any(eid in o.query.namesake_of for eid, _, _ in o.alerts(t))) / len(
        group
    )


def exact_one_shares(outcomes: Sequence[Outcome], t: float) -> dict[str, float | None]:
    """Share of true and of false matches at t that score exactly 1.0 (can an analyst rank them?).

    True: alerts on positive queries pointing at an accepted entity; false: alerts on clean names
    and alerts on positive queries pointing elsewhere. Identifier hits are 1.0 by design and the
    evaluation has none.
    """
    true = [s for o in outcomes if o.query.positive for eid, s, _ in o.alerts(t) if eid in o.query.accepted]
    false = [s for o in outcomes if o.query.clean for _, s, _ in o.alerts(t)]
    false += [
        s for o in outcomes if o.query.positive for eid, s, _ in o.alerts(t) if eid not in o.query.accepted
    ]
    return {
        "true_at_1": sum(1 for s in true if s >= 0.99995) / len(true) if true else None,
        "false_at_1": sum(1 for s in false if s >= 0.99995) / len(false) if false else None,
        "true_matches": len(true),
        "false_matches": len(false),
    }


def select(outcomes: Iterable[Outcome], families: Iterable[str]) -> list[Outcome]:
    wanted = set(families)
    return [o for o in outcomes if o.query.family in wanted]


def headline(outcomes: Sequence[Outcome], t: float) -> dict[str, float | None]:
    """Latin recall, Han recall, pinyin recall, alerts per 1,000 clean names at threshold t."""
    return {
        "threshold": t,
        "latin_recall": recall(select(outcomes, LATIN_RECALL_FAMILIES), t),
        "han_recall": recall(select(outcomes, HAN_RECALL_FAMILIES), t),
        "pinyin_recall": recall(select(outcomes, ["pinyin"]), t),
        "alerts_per_1000": alerts_per_1000(outcomes, t),
        "namesakes_cleared": namesakes_cleared(outcomes, t),
        "own_qualifier_recall": recall(select(outcomes, ["own_qualifiers"]), t),
    }


def family_rows(outcomes: Sequence[Outcome], t: float) -> list[dict[str, Any]]:
    """One row per family: counts, recall, top-1, precision, alerts/1000, errors."""
    rows = []
    for family in family_counts(o.query for o in outcomes):
        group = select(outcomes, [family])
        positive = group[0].query.positive
        row: dict[str, Any] = {
            "family": family,
            "script": group[0].query.script,
            "queries": len(group),
            "errors": sum(1 for o in group if o.error),
        }
        if positive:
            ranks = [o.rank() for o in group]
            row["recall"] = recall(group, t)
            row["top1"] = sum(
                1 for o in group if o.alerts(t) and o.alerts(t)[0][0] in o.query.accepted
            ) / len(group)
            row["precision"] = precision(group, t)
            row["not_in_results"] = sum(1 for r in ranks if r is None)
        elif group[0].query.namesake_of:
            row["cleared"] = namesakes_cleared(group, t)
        else:
            row["alerts_per_1000"] = alerts_per_1000(group, t)
            row["alerts"] = sum(1 for o in group if o.alerts(t))
        rows.append(row)
    return rows


def best_threshold(outcomes: Sequence[Outcome], budget: float = ALERT_BUDGET) -> dict[str, Any] | None:
    """The threshold (0.01 steps) with the highest Latin recall whose alert rate is within budget."""
    best = None
    for t in FINE:
        h = headline(outcomes, t)
        if h["alerts_per_1000"] is None or h["alerts_per_1000"] > budget:
            continue
        key = (h["latin_recall"] or 0.0, h["han_recall"] or 0.0, -t)
        if best is None or key > best[0]:
            best = (key, h)
    return best[1] if best else None


# --- running --------------------------------------------------------------------------------------


def screen_all(screener: Any, queries: Sequence[EvalQuery], limit: int, typed: bool) -> list[Outcome]:
    """Screen every query once with threshold 0 (all candidates with their scores)."""
    import dataclasses

    from redlist.screen import Query

    # code before issue 14 has no qualifiers: its queries go without them (the "before" figures)
    qualifiers = "birth_date" in {f.name for f in dataclasses.fields(Query)}
    out = []
    step = max(1, len(queries) // 20)
    for i, q in enumerate(queries):
        extra = {"birth_date": q.birth_date, "nationality": q.nationality} if qualifiers else {}
        query = Query(name=q.text, type=q.kind if typed else None, **extra)
        res = screener.screen(query, threshold=0.0, limit=limit)
        matches = [(m.entity_id, float(m.score), m.matched_name) for m in res.matches]
        out.append(Outcome(q, matches, res.error))
        if i % step == 0:
            print(f"  screened {i:,}/{len(queries):,}", file=sys.stderr, flush=True)
    return out


_SCREENER: Any = None  # the screener shared with forked workers of candidate_recall


def _both_ways(args: tuple[str, str | None, frozenset[str], float, int]) -> tuple[bool, bool]:
    """(found by the exhaustive scan, found through the index) for one query."""
    from redlist.screen import Query

    text, kind, expected, t, limit = args
    query = Query(name=text, type=kind)
    ex = any(m.entity_id in expected for m in _SCREENER.screen(query, t, limit, exhaustive=True).matches)
    ix = any(m.entity_id in expected for m in _SCREENER.screen(query, t, limit).matches)
    return ex, ix


def candidate_recall(
    screener: Any,
    queries: Sequence[EvalQuery],
    sample: int,
    t: float,
    seed: int,
    limit: int,
    typed: bool,
    jobs: int = 1,
) -> dict[str, Any]:
    """Recall of the index's candidates against scoring every list name, on a sample of positives.

    Both runs use threshold ``t``. The exhaustive scan takes seconds per query, so it can run in
    ``jobs`` forked processes (sharing the built screener), with progress on stderr.
    """
    import inspect
    import multiprocessing

    global _SCREENER
    if "exhaustive" not in inspect.signature(screener.screen).parameters:
        return {"available": False}
    pos = [q for q in queries if q.positive and q.family not in ("exact", "own_qualifiers")]
    picked = random.Random(seed).sample(pos, min(sample, len(pos)))
    work = [(q.text, q.kind if typed else None, q.expected, t, limit) for q in picked]
    started = time.perf_counter()
    _SCREENER = screener
    pool = multiprocessing.get_context("fork").Pool(jobs) if jobs > 1 else None
    results = pool.imap(_both_ways, work) if pool else map(_both_ways, work)
    exhaustive_hits = index_hits = 0
    lost: list[dict[str, Any]] = []
    try:
        for i, (q, (ex, ix)) in enumerate(zip(picked, results, strict=True), 1):
            exhaustive_hits += ex
            index_hits += ix
            if ex and not ix:
                lost.append({"query": q.text, "family": q.family, "source_name": q.source_name})
            if i % 25 == 0:
                print(
                    f"  candidate recall {i}/{len(picked)}: index {index_hits}, exhaustive {exhaustive_hits} "
                    f"({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        if pool:
            pool.close()
            pool.join()
    return {
        "available": True,
        "sample": len(picked),
        "threshold": t,
        "exhaustive_recall": exhaustive_hits / len(picked),
        "index_recall": index_hits / len(picked),
        "ratio": index_hits / exhaustive_hits if exhaustive_hits else None,
        "lost_by_index": lost,
        "seconds": round(time.perf_counter() - started, 1),
    }


def misses(outcomes: Sequence[Outcome], t: float) -> list[dict[str, Any]]:
    """Positives not found at t, with what came back instead."""
    return [
        {
            "family": o.query.family,
            "query": o.query.text,
            "source_name": o.query.source_name,
            "expected": sorted(o.query.expected),
            "rank": o.rank(),
            "expected_score": next((s for eid, s, _ in o.matches if eid in o.query.expected), None),
            "top": o.matches[:3],
            "error": o.error,
        }
        for o in outcomes
        if o.query.positive and not o.hit(t)
    ]


def false_alerts(outcomes: Sequence[Outcome], t: float) -> list[dict[str, Any]]:
    """Clean names that alerted at t, with the matches."""
    return [
        {"family": o.query.family, "query": o.query.text, "alerts": o.alerts(t)[:3]}
        for o in outcomes
        if o.query.clean and o.alerts(t)
    ]


# --- reporting ------------------------------------------------------------------------------------


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def num(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def markdown(report: dict[str, Any]) -> str:
    """The section for docs/benchmarks.md."""
    t = report["threshold"]
    h = report["at_default"]
    lines = [
        "## Name matching quality (`benchmarks/evaluate.py`)",
        "",
        f"Query set made by `benchmarks/evalset.py` (seed {report['seed']}) from the real lists "
        f"({report['entities']:,} entities): {report['sampled']:,} sampled persons and organisations under "
        f"realistic perturbations, {report['han_rows']} hand-made Chinese names of listed companies "
        "(simplified, traditional, pinyin), and "
        f"{report['negatives']:,} names on no list. Each query is screened once "
        f"(threshold 0, limit {report['limit']}, query type {'given' if report['typed'] else 'not given'}); "
        "all thresholds are computed from those scores.",
        "",
        f"**At the default threshold {t:.2f}:** Latin-script recall {pct(h['latin_recall'])} (goal ≥ 98%), "
        f"Han-script recall {pct(h['han_recall'])} (goal ≥ 80%), "
        f"{num(h['alerts_per_1000'])} alerts per 1,000 clean names (goal ≤ 5). "
        f"Pinyin recall {pct(h['pinyin_recall'])} (no goal). "
        f"Namesakes with a contradicting birth year and nationality cleared: {pct(h['namesakes_cleared'])} "
        f"(goal ≥ 95%); listed persons with their own date of birth and nationality found: "
        f"{pct(h['own_qualifier_recall'])} (goal 100%).",
        "",
        f"Matches scoring exactly 1.0 at the default threshold: {pct(report['exact_one']['true_at_1'])} of "
        f"{report['exact_one']['true_matches']:,} true matches and {pct(report['exact_one']['false_at_1'])} of "
        f"{report['exact_one']['false_matches']:,} false ones.",
        "",
        "| family | script | queries | recall | top-1 | precision | alerts / 1,000 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in report["families"]:
        if "recall" in r:
            lines.append(
                f"| {r['family']} | {r['script']} | {r['queries']:,} | {pct(r['recall'])} | {pct(r['top1'])} "
                f"| {pct(r['precision'])} | |"
            )
        elif "cleared" in r:
            lines.append(
                f"| {r['family']} | {r['script']} | {r['queries']:,} | cleared {pct(r['cleared'])} | | | |"
            )
        else:
            lines.append(
                f"| {r['family']} | {r['script']} | {r['queries']:,} | | | | {num(r['alerts_per_1000'])} |"
            )
    lines += [
        "",
        "| threshold | Latin recall | Han recall | pinyin recall | alerts / 1,000 clean "
        "| namesakes cleared | own-qualifier recall |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in report["curve"]:
        mark = " (default)" if abs(c["threshold"] - t) < 1e-9 else ""
        lines.append(
            f"| {c['threshold']:.2f}{mark} | {pct(c['latin_recall'])} | {pct(c['han_recall'])} "
            f"| {pct(c['pinyin_recall'])} | {num(c['alerts_per_1000'])} | {pct(c.get('namesakes_cleared'))} "
            f"| {pct(c.get('own_qualifier_recall'))} |"
        )
    b = report["best_threshold"]
    lines.append("")
    if b:
        lines.append(
            f"Best threshold with ≤ {ALERT_BUDGET:g} alerts per 1,000 clean names (0.01 steps): "
            f"**{b['threshold']:.2f}** — Latin recall {pct(b['latin_recall'])}, Han recall "
            f"{pct(b['han_recall'])}, {num(b['alerts_per_1000'])} alerts per 1,000."
        )
    else:
        lines.append(
            f"No threshold in 0.50–0.99 keeps alerts at or under {ALERT_BUDGET:g} per 1,000 clean names."
        )
    c = report["candidate_recall"]
    lines.append("")
    if c.get("available"):
        lines.append(
            f"Candidate recall of the index ({c['sample']} perturbed positives, threshold {c['threshold']:.2f}): "
            f"index {pct(c['index_recall'])} vs scoring every name {pct(c['exhaustive_recall'])}, "
            f"ratio **{pct(c['ratio'])}** (goal ≥ 99.5%); {len(c['lost_by_index'])} found only by the "
            f"exhaustive scan ({c['seconds']} s)."
        )
    elif c.get("skipped"):
        lines.append("Candidate recall: not measured in this run (`--candidate-sample 0`).")
    else:
        lines.append("Candidate recall: `Screener.screen` has no `exhaustive` mode; not measured.")
    dropped = report["negatives_dropped"]
    lines += [
        "",
        f"Run time: building the set {report['seconds']['build']:.1f} s, screening "
        f"{report['queries']:,} queries {report['seconds']['screen']:.1f} s "
        f"({report['queries'] / max(report['seconds']['screen'], 1e-9):.0f} queries/s), index build "
        f"{report['seconds']['index']:.1f} s, loading the lists {report['seconds']['load']:.1f} s.",
        f"Clean names dropped because they are list names verbatim: {len(dropped)}"
        + (f" ({', '.join(dropped)})" if dropped else "")
        + ". Han table rows resolved to list entries: "
        + f"{report['han_rows']}"
        + (
            f"; English names not found: {', '.join(report['han_unresolved'])}"
            if report["han_unresolved"]
            else ""
        )
        + ".",
    ]
    return "\n".join(lines)


def examples(report: dict[str, Any], per_family: int = 3) -> str:
    """A few misses per family and a few false alerts, for whoever tunes the matcher."""
    lines = ["", "### Examples at the default threshold (not for the docs)", ""]
    seen: dict[str, int] = {}
    for m in report["misses"]:
        if seen.get(m["family"], 0) >= per_family:
            continue
        seen[m["family"]] = seen.get(m["family"], 0) + 1
        top = ", ".join(f"{name} {score:.2f}" for _, score, name in m["top"][:2])
        lines.append(
            f"- miss [{m['family']}] {m['query']!r} (from {m['source_name']!r}; expected score "
            f"{m['expected_score']}, rank {m['rank']}) top: {top}{'; error ' + m['error'] if m['error'] else ''}"
        )
    for a in report["false_alerts"][:15]:
        top = ", ".join(f"{name} {score:.2f}" for _, score, name in a["alerts"][:2])
        lines.append(f"- false alert [{a['family']}] {a['query']!r}: {top}")
    return "\n".join(lines)


def dump(report: dict[str, Any], families: str) -> str:
    """Every miss of the given families (comma-separated, or "all") and every false alert, one a
    line, tab-separated: kind, family, query, source name, expected score, rank, best match."""
    wanted = None if families == "all" else set(families.split(","))
    lines = ["", "### Misses and false alerts at the default threshold (tab-separated)", ""]
    for m in report["misses"]:
        if wanted is None or m["family"] in wanted:
            top = f"{m['top'][0][2]} {m['top'][0][1]:.4f}" if m["top"] else ""
            lines.append(
                "\t".join(
                    [
                        "miss",
                        m["family"],
                        m["query"],
                        m["source_name"],
                        str(m["expected_score"]),
                        str(m["rank"]),
                        top,
                    ]
                )
            )
    for a in report["false_alerts"]:
        top = f"{a['alerts'][0][2]} {a['alerts'][0][1]:.4f}" if a["alerts"] else ""
        lines.append("\t".join(["false alert", a["family"], a["query"], "", "", "", top]))
    return "\n".join(lines)


def evaluate(
    evalset: EvalSet,
    screener: Any,
    threshold: float,
    limit: int,
    typed: bool,
    seed: int,
    sample: int,
    jobs: int = 1,
) -> tuple[list[Outcome], dict[str, Any]]:
    """Screen the set and compute all metrics."""
    queries = evalset.queries
    started = time.perf_counter()
    outcomes = screen_all(screener, queries, limit, typed)
    screen_s = time.perf_counter() - started
    report: dict[str, Any] = {
        "threshold": threshold,
        "at_default": headline(outcomes, threshold),
        "families": family_rows(outcomes, threshold),
        "exact_one": exact_one_shares(outcomes, threshold),
        "curve": [headline(outcomes, t) for t in sorted({*CURVE, threshold})],
        "best_threshold": best_threshold(outcomes),
        "queries": len(queries),
        "negatives": len(evalset.negatives),
        "han_rows": evalset.han_resolved,
        "han_unresolved": evalset.han_unresolved,
        "negatives_dropped": evalset.negatives_dropped,
        "misses": misses(outcomes, threshold),
        "false_alerts": false_alerts(outcomes, threshold),
        "seconds": {"screen": screen_s},
    }
    if sample:
        report["candidate_recall"] = candidate_recall(
            screener, queries, sample, threshold, seed, limit, typed, jobs
        )
    else:
        report["candidate_recall"] = {"available": False, "skipped": True}
    return outcomes, report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="entities to sample for the positives")
    parser.add_argument("--negatives", type=int, default=5000, help="clean names")
    parser.add_argument(
        "--qualified", type=int, default=1000, help="listed persons for the namesake and own-qualifier sets"
    )
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--limit", type=int, default=100, help="matches kept per query")
    parser.add_argument(
        "--threshold", type=float, default=None, help="default: redlist.screen.MATCH_THRESHOLD"
    )
    parser.add_argument(
        "--candidate-sample", type=int, default=500, help="0 to skip the exhaustive comparison"
    )
    parser.add_argument(
        "--typed", action="store_true", help="pass the person/organization type with each query"
    )
    parser.add_argument("--json", type=Path, help="write every number, miss and false alert here")
    parser.add_argument(
        "--dump",
        metavar="FAMILIES",
        help="print every miss of these families (comma-separated, or 'all') and every false alert, "
        "tab-separated, after the report",
    )
    parser.add_argument("--jobs", type=int, default=1, help="processes for the exhaustive comparison")
    parser.add_argument(
        "--candidates-only", action="store_true", help="only the index-versus-exhaustive comparison"
    )
    args = parser.parse_args(argv)

    from reallists import load_entities

    from redlist.screen import MATCH_THRESHOLD, Screener

    threshold = MATCH_THRESHOLD if args.threshold is None else args.threshold
    t0 = time.perf_counter()
    entities = load_entities()
    t1 = time.perf_counter()
    evalset = build(
        entities, n=args.n, n_negatives=args.negatives, seed=args.seed, n_qualified=args.qualified
    )
    t2 = time.perf_counter()
    screener = Screener(entities)
    t3 = time.perf_counter()
    print(f"{len(evalset.queries):,} queries: {family_counts(evalset.queries)}", file=sys.stderr)
    if args.candidates_only:
        c = candidate_recall(
            screener,
            evalset.queries,
            args.candidate_sample or 500,
            threshold,
            args.seed,
            args.limit,
            args.typed,
            args.jobs,
        )
        print(json.dumps({k: v for k, v in c.items() if k != "lost_by_index"}, indent=1))
        for lost in c.get("lost_by_index", []):
            print(f"- lost by the index [{lost['family']}] {lost['query']!r} (from {lost['source_name']!r})")
        if args.json:
            args.json.write_text(json.dumps(c, indent=1, ensure_ascii=False))
        return
    _, report = evaluate(
        evalset, screener, threshold, args.limit, args.typed, args.seed, args.candidate_sample, args.jobs
    )
    report.update(
        seed=args.seed,
        entities=len(entities),
        sampled=args.n,
        limit=args.limit,
        typed=args.typed,
    )
    report["seconds"].update(load=t1 - t0, build=t2 - t1, index=t3 - t2, total=time.perf_counter() - t0)
    print(markdown(report))
    print(examples(report))
    if args.dump:
        print(dump(report, args.dump))
    print(f"\ntotal run time {report['seconds']['total']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
