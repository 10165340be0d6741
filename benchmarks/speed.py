"""Speed and memory of the matcher on the real lists, with the peer scorer side by side (issue 3 §4).

Loads SDN 2024-05-03 + consolidated 2025-12-19 + the CSL (via benchmarks/reallists.py), then measures:

- ``Screener(entities)`` build time (loading the entities is timed separately);
- single ``screen()`` latency p50/p95/p99/max over a seeded, realistic query mix;
- ``screen_many`` throughput in one process, and in N worker processes forked after the build
  (copy-on-write: the workers share the parent's built index and do not rebuild it);
- peak RSS (``resource.getrusage``);
- nomenklatura's logic-v2 (yente's default scorer) scoring 50 candidates per query, against
  redlist on the same queries and candidates; the ratio.

Query mix (seeded): 70 % clean names -- people from yente's negative fixtures and generated company
names -- and 30 % real list names with one small perturbation (typo, transposition, dropped or
reordered token, case change); 20 % of all queries carry no type.

Usage::

    python benchmarks/speed.py [--latency N] [--batch N] [--processes P] [--peer-queries N] [--seed S]

Prints a markdown section for docs/benchmarks.md. Targets: build <= 10 s; p50 <= 2 ms, p99 <= 20 ms;
>= 2,000 queries/s in one process; RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import gc
import math
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402  (benchmarks/ is not a package)

# Generic words for synthetic company names: none of them is a listed party's name on its own.
_CO_FIRST = [
    "Northern", "Blue", "Summit", "Harbor", "Silver", "Pacific", "Green", "Atlas", "Prairie", "Coastal",
    "Granite", "Maple", "Sunrise", "Meridian", "Cedar", "Lakeside", "Golden", "Riverbend", "Orchard", "Pioneer",
]  # fmt: skip
_CO_SECOND = [
    "Logistics", "Textiles", "Software", "Dental", "Bakery", "Plumbing", "Analytics", "Furniture", "Printing",
    "Foods", "Consulting", "Packaging", "Robotics", "Apparel", "Ceramics", "Optics", "Florists", "Auto Parts",
]  # fmt: skip
_CO_SUFFIX = ["LLC", "Inc.", "Ltd", "GmbH", "S.A.", "Co.", "Corporation", "Group", "Holdings", "B.V.", ""]

TARGETS = {"build_s": 10.0, "p50_ms": 2.0, "p99_ms": 20.0, "qps": 2000.0, "rss_mb": 1024.0}


# --------------------------------------------------------------------------- pure helpers


def percentiles(values: Sequence[float], ps: Iterable[float]) -> dict[float, float]:
    """Nearest-rank percentiles (p in (0, 100]) of the values."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    n = len(ordered)
    return {p: ordered[max(1, math.ceil(p / 100 * n)) - 1] for p in ps}


def perturb(name: str, rng: random.Random) -> str:
    """One small, realistic edit of a name: a typo, a transposition, a deletion, a dropped or moved token,
    or a case change. Names too short to edit come back with a case change only."""
    tokens = name.split()
    ops = ["case"]
    long_tokens = [i for i, t in enumerate(tokens) if len(t) >= 4 and t.isalpha()]
    if long_tokens:
        ops += ["typo", "swap", "delete"]
    if len(tokens) >= 3:
        ops.append("drop")
    if len(tokens) >= 2:
        ops.append("reorder")
    op = rng.choice(ops)
    if op in ("typo", "swap", "delete"):
        i = rng.choice(long_tokens)
        token = tokens[i]
        j = rng.randrange(1, len(token) - 1)  # keep the first letter: typos rarely hit it
        if op == "typo":
            token = token[:j] + rng.choice("aeiourstnl") + token[j + 1 :]
        elif op == "swap":
            token = token[:j] + token[j + 1] + token[j] + token[j + 2 :]
        else:
            token = token[:j] + token[j + 1 :]
        tokens[i] = token
        return " ".join(tokens)
    if op == "drop":
        del tokens[rng.randrange(1, len(tokens))]  # never the first token
        return " ".join(tokens)
    if op == "reorder":
        return " ".join(tokens[1:] + tokens[:1])
    return name.lower() if rng.random() < 0.5 else name.title()


def company_names(n: int, rng: random.Random) -> list[str]:
    """``n`` synthetic company names from generic words."""
    return [
        " ".join(w for w in (rng.choice(_CO_FIRST), rng.choice(_CO_SECOND), rng.choice(_CO_SUFFIX)) if w)
        for _ in range(n)
    ]


def query_mix(
    n: int,
    listed: Sequence[tuple[str, str]],
    clean_people: Sequence[str],
    seed: int,
    listed_share: float = 0.3,
    untyped_share: float = 0.2,
) -> list[tuple[str, str | None, str]]:
    """``n`` seeded queries (name, kind or None, origin).

    ``listed`` holds (kind, name) of real list names; a ``listed_share`` of the queries are perturbed
    list names, the rest are clean people and generated companies in equal parts. An
    ``untyped_share`` of all queries carry no type, as screening requests often do not.
    """
    rng = random.Random(seed)
    out: list[tuple[str, str | None, str]] = []
    for _ in range(n):
        r = rng.random()
        if r < listed_share:
            kind, name = rng.choice(listed)
            query = (perturb(name, rng), kind, "listed")
        elif r < listed_share + (1 - listed_share) / 2:
            query = (rng.choice(clean_people), "person", "clean_person")
        else:
            query = (company_names(1, rng)[0], "organization", "clean_company")
        if rng.random() < untyped_share:
            query = (query[0], None, query[2])
        out.append(query)
    return out


def rss_mb() -> float:
    """Peak RSS of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


# --------------------------------------------------------------------------- measurements

_SCREENER: Any = None  # set before forking, shared copy-on-write by the workers


def _to_queries(mix: Sequence[tuple[str, str | None, str]]) -> list[Any]:
    from redlist.screen import Query

    return [Query(name=name, type=kind) for name, kind, _ in mix]


def _worker(chunk: list[tuple[str, str | None, str]]) -> tuple[int, int, float, float]:
    """Screen a chunk in a forked worker: (queries, alerted, seconds, worker peak RSS MB)."""
    queries = _to_queries(chunk)
    started = time.perf_counter()
    alerted = sum(1 for r in _SCREENER.screen_many(queries) if r.matches)
    return len(queries), alerted, time.perf_counter() - started, rss_mb()


def measure_latency(
    screener: Any, mix: Sequence[tuple[str, str | None, str]]
) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each single ``screen()`` call (CPU time is less disturbed by other jobs)."""
    wall, cpu = [], []
    for query in _to_queries(mix):
        started, started_cpu = time.perf_counter(), time.process_time()
        screener.screen(query)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return wall, cpu


class GcTimer:
    """CPU seconds the cyclic garbage collector spends, by generation, while attached.

    A full collection visits every tracked object of the process (the loaded entries and the
    built index: about a million here) and takes about half a second; whether one falls inside
    a timed pass moves its queries per second by a fifth, so the runs say how many fell in.
    """

    def __init__(self) -> None:
        self.runs = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.runs[info["generation"]] += 1
            self.seconds[info["generation"]] += time.process_time() - self._started

    def __enter__(self) -> GcTimer:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def measure_batch(
    screener: Any, mix: Sequence[tuple[str, str | None, str]]
) -> tuple[float, float, int, GcTimer]:
    """(wall seconds, CPU seconds, names alerted, GC time) of one ``screen_many`` pass."""
    queries = _to_queries(mix)
    with GcTimer() as collector:
        started, started_cpu = time.perf_counter(), time.process_time()
        alerted = sum(1 for r in screener.screen_many(queries) if r.matches)
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    return wall, cpu, alerted, collector


def measure_parallel(
    screener: Any, mix: Sequence[tuple[str, str | None, str]], processes: int
) -> tuple[float, float, float]:
    """(wall seconds incl. forking, slowest worker's screening seconds, max worker RSS MB)."""
    global _SCREENER
    _SCREENER = screener
    size = math.ceil(len(mix) / processes)
    chunks = [list(mix[i : i + size]) for i in range(0, len(mix), size)]
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(processes) as pool:
        results = pool.map(_worker, chunks, chunksize=1)
    wall = time.perf_counter() - started
    return wall, max(r[2] for r in results), max(r[3] for r in results)


def candidates_for(screener: Any, query: Any, n: int, rng: random.Random) -> tuple[list[Any], int]:
    """The ``n`` candidates the peer scores for a query, and how many came from redlist's retrieval.

    Uses the Screener's own name index (``NameIndex.candidates``, through the Screener's internal
    name -> entity table, as ``Screener`` has no public candidate API), keeping entries the query's
    type allows; pads with random list entities of the query's type when retrieval returns fewer.
    """
    from redlist.match.normalize import forms
    from redlist.screen import clean_name, kind_of

    kind = kind_of(query.type)
    chosen: dict[int, None] = {}
    try:
        for qf in forms(clean_name(query.name), kind):
            for i in screener.index.candidates(qf, 3 * n):
                e = screener._name_entity[i]
                if screener._allowed(e, query, kind):
                    chosen.setdefault(e, None)
    except AttributeError:  # the Screener's internals changed: fall back to random candidates
        chosen = {}
    picked = list(chosen)[:n]
    retrieved = len(picked)
    pool = [e for e in range(len(screener.entities)) if screener._allowed(e, query, kind)]
    while len(picked) < min(n, len(pool)):
        e = rng.choice(pool)
        if e not in picked:
            picked.append(e)
    return [screener.entities[e] for e in picked], retrieved


def to_ftm(entity: Any) -> Any:
    """A FollowTheMoney entity for a redlist Entity: names, birth dates, nationalities, countries."""
    return peers.ftm_entity(
        str(entity.type),
        [n.value for n in entity.names],
        entity.entity_id,
        birthDate=entity.birth_dates if str(entity.type) == "person" else [],
        nationality=entity.nationalities if str(entity.type) == "person" else [],
        country=entity.countries,
    )


def measure_peer(
    screener: Any, mix: Sequence[tuple[str, str | None, str]], n: int, seed: int
) -> dict[str, Any]:
    """logic-v2 scoring ``n`` candidates per query vs redlist on the same queries and candidates."""
    from redlist.screen import compare

    rng = random.Random(seed)
    queries = _to_queries(mix)
    # screen() first, before retrieval below warms any per-name caches for these queries
    started = time.process_time()
    for q in queries:
        screener.screen(q)
    screen_s = time.process_time() - started
    found = [candidates_for(screener, q, n, rng) for q in queries]
    cands = [cs for cs, _ in found]
    retrieved = sum(k for _, k in found) / len(found)
    retrieval = (
        f"redlist's own index retrieval ({retrieved:.1f} per query on average), "
        f"padded to {n} with random list entities of a type the query allows"
    )
    # The peer gets its entities ready-made, as yente does from its search index: not timed.
    ftm_queries = [peers.ftm_entity(q.type, [q.name], f"q{i}") for i, q in enumerate(queries)]
    ftm_cands = [[to_ftm(c) for c in cs] for cs in cands]
    algorithm, config = peers.logicv2()
    algorithm.compare(ftm_queries[0], ftm_cands[0][0], config)  # rigour's first-use loading (~10 s)

    # CPU time, so that other jobs on the machine do not tilt the ratio
    started = time.process_time()
    for fq, fcs in zip(ftm_queries, ftm_cands, strict=True):
        for fc in fcs:
            algorithm.compare(fq, fc, config)
    peer_s = time.process_time() - started

    started = time.process_time()
    for q, cs in zip(queries, cands, strict=True):
        kind = q.type or "any"
        for c in cs:
            max(compare(q.name, name.value, kind) for name in c.names)
    compare_s = time.process_time() - started

    pairs = sum(len(cs) for cs in cands)
    return {
        "queries": len(queries),
        "candidates": n,
        "pairs": pairs,
        "retrieval": retrieval,
        "peer_ms": 1000 * peer_s / len(queries),
        "compare_ms": 1000 * compare_s / len(queries),
        "screen_ms": 1000 * screen_s / len(queries),
        "peer_us_pair": 1e6 * peer_s / pairs,
        "compare_us_pair": 1e6 * compare_s / pairs,
    }


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    """Run the measurements and print the markdown section."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=int, default=2000, help="single screen() calls timed")
    parser.add_argument("--batch", type=int, default=10000, help="queries in the screen_many runs")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--peer-queries", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="move the built index out of the cyclic GC (gc.freeze), as `redlist serve` and batch workers do",
    )
    args = parser.parse_args(argv)

    from reallists import load_entities

    from redlist.screen import MATCH_THRESHOLD, Screener

    rss_start = rss_mb()
    started = time.perf_counter()
    entities = load_entities()
    load_s = time.perf_counter() - started
    names = sum(len(e.names) for e in entities)
    rss_loaded = rss_mb()

    gc.collect()
    load_avg = os.getloadavg()
    started, started_cpu = time.perf_counter(), time.process_time()
    screener = Screener(entities)
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    rss_built = rss_mb()
    if args.gc_freeze:
        gc.freeze()

    listed = [(str(e.type), n.value) for e in entities for n in e.names]
    clean_people = peers.read_people(peers.peers_dir() / "yente_candidate_fixtures" / "negatives_us.csv")
    clean_people += peers.read_people(peers.peers_dir() / "yente_candidate_fixtures" / "negatives_global.csv")
    warm = query_mix(500, listed, clean_people, seed=args.seed - 1)
    latency_mix = query_mix(args.latency, listed, clean_people, seed=args.seed)
    batch_mix = query_mix(args.batch, listed, clean_people, seed=args.seed + 1)

    measure_latency(screener, warm)  # lazy caches, first-use tables
    lat, lat_cpu = measure_latency(screener, latency_mix)
    pct = percentiles([t * 1000 for t in lat], (50, 95, 99, 100))
    pct_cpu = percentiles([t * 1000 for t in lat_cpu], (50, 95, 99, 100))
    by_origin = {
        origin: percentiles(
            [t * 1000 for t, (_, _, o) in zip(lat, latency_mix, strict=True) if o == origin], (50, 99)
        )
        for origin in ("clean_person", "clean_company", "listed")
    }
    batch_s, batch_cpu, alerted, collector = measure_batch(screener, batch_mix)
    qps1 = len(batch_mix) / batch_s
    qps1_cpu = len(batch_mix) / batch_cpu
    rss_redlist = rss_mb()
    par_wall, par_slowest, par_rss = measure_parallel(screener, batch_mix, args.processes)
    qpsn = len(batch_mix) / par_wall

    peer = None
    if not args.no_peer:
        peer_mix = query_mix(args.peer_queries, listed, clean_people, seed=args.seed + 2)
        peer = measure_peer(screener, peer_mix, args.candidates, args.seed)
    rss_end = rss_mb()

    out = print
    out("## Matching speed and memory (`benchmarks/speed.py`)\n")
    out("```\npython benchmarks/speed.py\n```\n")
    out(
        f"Lists: SDN 2024-05-03 + consolidated 2025-12-19 + CSL: {len(entities):,} entities, {names:,} names "
        f"(loaded from the cached store in {load_s:.1f} s, not counted below). Threshold {MATCH_THRESHOLD}. "
        f"Query mix (seed {args.seed}): 70 % clean names (yente negative people, generated company names), "
        "30 % real list names with one small perturbation; 20 % untyped.\n"
    )
    out(
        f"Load average when the measurements started: {load_avg[0]:.1f} on {os.cpu_count()} cores; wall times "
        "suffer when other jobs run, so CPU times (`time.process_time`) are given beside them.\n"
    )
    if args.gc_freeze:
        out("The built index was moved out of the cyclic GC (`--gc-freeze`) before the measurements.\n")
    out("| measure | wall | CPU | target | |")
    out("|---|---:|---:|---:|---|")
    out(
        f"| `Screener(entities)` build | {build_s:.2f} s | {build_cpu:.2f} s | ≤ 10 s "
        f"| {mark(build_s <= TARGETS['build_s'])} |"
    )
    out(
        f"| single `screen()` p50 ({len(lat):,} queries) | {pct[50]:.2f} ms | {pct_cpu[50]:.2f} ms | ≤ 2 ms "
        f"| {mark(pct[50] <= TARGETS['p50_ms'])} |"
    )
    out(f"| p95 | {pct[95]:.2f} ms | {pct_cpu[95]:.2f} ms | | |")
    out(f"| p99 | {pct[99]:.2f} ms | {pct_cpu[99]:.2f} ms | ≤ 20 ms | {mark(pct[99] <= TARGETS['p99_ms'])} |")
    out(f"| max | {pct[100]:.1f} ms | {pct_cpu[100]:.1f} ms | | |")
    out(
        f"| mean (1 / mean = {1 / statistics.fmean(lat):,.0f} q/s) | {statistics.fmean(lat) * 1000:.2f} ms "
        f"| {statistics.fmean(lat_cpu) * 1000:.2f} ms | | |"
    )
    out(
        f"| `screen_many`, 1 process ({len(batch_mix):,} queries, {alerted / len(batch_mix):.1%} alerted) "
        f"| {qps1:,.0f} q/s | {qps1_cpu:,.0f} q/s | ≥ 2,000 q/s | {mark(qps1 >= TARGETS['qps'])} |"
    )
    out(
        f"| of which cyclic GC ({collector.runs[2]} full, {collector.runs[1]} middle, {collector.runs[0]} young "
        f"collections) | | {sum(collector.seconds):.2f} s of {batch_cpu:.2f} s | | |"
    )
    out(
        f"| `screen_many`, {args.processes} processes forked after the build (wall incl. fork) "
        f"| {qpsn:,.0f} q/s | | | |"
    )
    out(
        f"| 1,000,000 names at the {args.processes}-process rate | {1e6 / qpsn / 60:.1f} min | | < 10 min "
        f"| {mark(1e6 / qpsn < 600)} |"
    )
    out(
        f"| peak RSS after load / build / screening | {rss_loaded:.0f} / {rss_built:.0f} / {rss_redlist:.0f} MB "
        f"| | ≤ 1 GB | {mark(rss_redlist <= TARGETS['rss_mb'])} |"
    )
    out(f"| peak RSS of a forked worker (shared pages counted) | {par_rss:.0f} MB | | | |")
    out("")
    out(
        "Latency by query origin (p50 / p99 ms): "
        + "; ".join(f"{o} {v[50]:.2f} / {v[99]:.2f}" for o, v in by_origin.items())
    )
    out(
        f"\nThe {args.processes}-process run forks after the build (copy-on-write, no rebuild per worker); "
        f"its slowest worker screened for {par_slowest:.1f} s of the {par_wall:.1f} s wall time. "
        f"Index size: RSS grew {rss_built - rss_loaded:.0f} MB in the build (peak RSS at start {rss_start:.0f} MB)."
    )
    if peer:
        out(
            f"\n### Side by side with nomenklatura logic-v2 ({peer['queries']} queries × {peer['candidates']} candidates)\n"
        )
        out(
            f"Candidates: {peer['retrieval']}. FtM entities for the peer built beforehand (untimed), as yente gets them from its index.\n"
        )
        out("CPU time per query (`time.process_time`):\n")
        out("| | ms / query | µs / pair | vs logic-v2 |")
        out("|---|---:|---:|---:|")
        out(
            f"| nomenklatura logic-v2, scoring {peer['candidates']} candidates | {peer['peer_ms']:.1f} | {peer['peer_us_pair']:.0f} | 1× |"
        )
        out(
            f"| redlist `compare` on the same {peer['candidates']} candidates (best of their names) "
            f"| {peer['compare_ms']:.1f} | {peer['compare_us_pair']:.0f} | {peer['peer_ms'] / peer['compare_ms']:.0f}× faster |"
        )
        out(
            f"| redlist `screen()` whole query (retrieval + scoring + explanation) | {peer['screen_ms']:.2f} | "
            f"| {peer['peer_ms'] / peer['screen_ms']:.0f}× faster |"
        )
    out(
        f"\nPeak RSS of the whole run (incl. nomenklatura/rigour): {rss_end:.0f} MB. Python {sys.version.split()[0]}."
    )


if __name__ == "__main__":
    main()
