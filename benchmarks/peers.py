"""Peer benchmarks: redlist's matcher on two peers' public test sets (issue 3 §3).

1. nomenklatura's ``name_bench`` (826 labelled name pairs): ``redlist.compare`` scored pair by pair;
   precision / recall / F1 at ``MATCH_THRESHOLD``, per case group, the best-F1 threshold, a small
   curve, the 20 worst errors, and the per-pair time -- side by side with nomenklatura's own frozen
   logic-v2 run and with logic-v2 run live in the same process.
2. yente's candidate-generation fixtures: synthetic people who are on no list, screened as persons
   against a Screener built on the SDN list only (alerts per 1,000 names), and the UN-listed people
   (``positives_un_*``) and US Congress members when those files are present.

Usage::

    python benchmarks/peers.py [--limit N] [--seed S] [--skip-bench] [--skip-yente] [--no-logicv2]

The yente sets are screened on a seeded 10,000-row sample per file by default (a full run took ~6.5
minutes on the shared 2-core machine); ``--limit 0`` screens every row.

Peer data: ``$REDLIST_TEST_DATA/peers`` (default ``../shared/data/peers``); see PROVENANCE.md there.
The helpers at the top are pure (no redlist, no peer data) so that tests/test_peers_harness.py can
check them in CI.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# name_bench schemas -> redlist kinds (the mapping)
SCHEMA_KIND = {
    "Person": "person",
    "Company": "organization",
    "Organization": "organization",
    "LegalEntity": "organization",
    "Vessel": "vessel",
}
# redlist kinds -> FollowTheMoney schemata, for feeding the same cases to nomenklatura
KIND_SCHEMA = {
    "person": "Person",
    "organization": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "any": "LegalEntity",
    None: "LegalEntity",
}
CURVE = [0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95]
LOGICV2_THRESHOLD = 0.70  # nomenklatura's and yente's default match threshold for logic-v2
# A full yente run (2 x 50,000 names + positives) took 389 s on the shared 2-core machine, over the
# ~5 minute budget: by default a seeded 10,000-row sample per file; --limit 0 runs every row.
DEFAULT_LIMIT = 10_000

# CJK unified ideographs (incl. extension A and the compatibility block): enough to tell a name
# written in Han script from one in Latin, Cyrillic or Arabic script.
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF))


# --------------------------------------------------------------------------- pure helpers


@dataclass(frozen=True)
class Pair:
    """One labelled name pair of name_bench."""

    group: str
    schema: str
    name1: str
    name2: str
    is_match: bool
    quality: str = ""
    category: str = ""

    @property
    def kind(self) -> str:
        return schema_kind(self.schema)


@dataclass(frozen=True)
class Metrics:
    """Confusion counts of a thresholded scorer and the usual ratios (None when undefined)."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        # F1 from counts, so that it is defined (0.0) when there are positives but no hits
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    @property
    def accuracy(self) -> float | None:
        return (self.tp + self.tn) / self.n if self.n else None


def schema_kind(schema: str) -> str:
    """The redlist kind for a name_bench schema; unknown schemata compare as "any"."""
    return SCHEMA_KIND.get(schema, "any")


def parse_bool(text: str) -> bool:
    """name_bench's "true"/"false" labels (also 1/0, yes/no)."""
    value = text.strip().lower()
    if value in ("true", "1", "yes", "t"):
        return True
    if value in ("false", "0", "no", "f"):
        return False
    raise ValueError(f"not a boolean label: {text!r}")


def read_name_bench(path: Path) -> list[Pair]:
    """The labelled pairs of a name_bench ``cases.csv`` (or of a frozen run, which has more columns)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [
            Pair(
                group=row["case_group"],
                schema=row["schema"],
                name1=row["name1"],
                name2=row["name2"],
                is_match=parse_bool(row["is_match"]),
                quality=row.get("quality") or "",
                category=row.get("category") or "",
            )
            for row in csv.DictReader(fh)
        ]


def read_frozen(path: Path) -> list[tuple[Pair, float]]:
    """A frozen nomenklatura run: each pair with the score the peer gave it."""
    pairs = read_name_bench(path)
    with open(path, newline="", encoding="utf-8") as fh:
        scores = [float(row["score"]) for row in csv.DictReader(fh)]
    return list(zip(pairs, scores, strict=True))


def metrics(scored: Iterable[tuple[float, bool]], threshold: float) -> Metrics:
    """Confusion counts when a score >= threshold means "match"."""
    tp = fp = fn = tn = 0
    for score, truth in scored:
        predicted = score >= threshold
        if predicted and truth:
            tp += 1
        elif predicted:
            fp += 1
        elif truth:
            fn += 1
        else:
            tn += 1
    return Metrics(tp, fp, fn, tn)


def curve(
    scored: Sequence[tuple[float, bool]], thresholds: Iterable[float] = CURVE
) -> list[tuple[float, Metrics]]:
    """Metrics at each threshold."""
    return [(t, metrics(scored, t)) for t in thresholds]


def best_threshold(scored: Sequence[tuple[float, bool]], step: float = 0.01) -> tuple[float, Metrics]:
    """The threshold on a ``step`` grid in (0, 1] with the highest F1 (the lowest such on ties)."""
    best: tuple[float, Metrics] | None = None
    for i in range(1, round(1 / step) + 1):
        threshold = round(i * step, 6)
        m = metrics(scored, threshold)
        if best is None or (m.f1 or 0.0) > (best[1].f1 or 0.0):
            best = (threshold, m)
    assert best is not None
    return best


def worst_errors(
    pairs: Sequence[Pair], scores: Sequence[float], threshold: float, n: int = 20
) -> list[tuple[str, float, Pair]]:
    """The ``n`` errors furthest from the threshold: ("FP"|"FN", score, pair), worst first."""
    errors = []
    for pair, score in zip(pairs, scores, strict=True):
        predicted = score >= threshold
        if predicted and not pair.is_match:
            errors.append(("FP", score, pair))
        elif not predicted and pair.is_match:
            errors.append(("FN", score, pair))
    errors.sort(key=lambda e: (-abs(e[1] - threshold), e[2].name1))
    return errors[:n]


def is_han(text: str) -> bool:
    """Whether the text contains a Han (Chinese) character."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _HAN_RANGES)


def per_thousand(count: int, total: int) -> float:
    """A rate per 1,000 (0.0 for an empty set)."""
    return 1000.0 * count / total if total else 0.0


def sample(rows: Sequence[Any], limit: int | None, seed: int) -> list[Any]:
    """A seeded sample of ``limit`` rows in their original order; all rows when limit is None or big."""
    if limit is None or limit >= len(rows):
        return list(rows)
    keep = sorted(random.Random(seed).sample(range(len(rows)), limit))
    return [rows[i] for i in keep]


def read_people(path: Path) -> list[str]:
    """The ``full_name`` column of a yente fixture file (blank names dropped)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [name for row in csv.DictReader(fh) if (name := (row.get("full_name") or "").strip())]


def fmt(value: float | None, digits: int = 3) -> str:
    """A ratio for a markdown table ("–" when undefined)."""
    return "–" if value is None else f"{value:.{digits}f}"


def md_escape(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------- locations


def peers_dir() -> Path:
    """The peers' data: $REDLIST_TEST_DATA/peers (default ../shared/data/peers)."""
    return Path(os.environ.get("REDLIST_TEST_DATA", "../shared/data")) / "peers"


# --------------------------------------------------------------------------- nomenklatura side


def ftm_entity(kind: str | None, names: Sequence[str], entity_id: str, **props: Sequence[str]) -> Any:
    """A FollowTheMoney entity of the schema matching a redlist kind, with the names and properties."""
    from followthemoney import model  # peer library: imported only when the peer is measured

    entity = model.make_entity(KIND_SCHEMA.get(kind, "LegalEntity"))
    entity.id = entity_id
    for name in names:
        entity.add("name", name)
    for prop, values in props.items():
        for value in values:
            entity.add(prop, value, quiet=True)
    return entity


def logicv2() -> tuple[Any, Any]:
    """nomenklatura's logic-v2 algorithm class and its default configuration (yente's default)."""
    from nomenklatura.matching import get_algorithm

    algorithm = get_algorithm("logic-v2")
    if algorithm is None:
        raise SystemExit("nomenklatura has no logic-v2 algorithm")
    return algorithm, algorithm.default_config()


def logicv2_name_bench(pairs: Sequence[Pair]) -> tuple[list[float], float]:
    """Live logic-v2 scores of the pairs (the schema as given) and the mean CPU seconds per pair."""
    algorithm, config = logicv2()
    left = [_bench_entity(p.schema, p.name1, f"q{i}") for i, p in enumerate(pairs)]
    right = [_bench_entity(p.schema, p.name2, f"r{i}") for i, p in enumerate(pairs)]
    algorithm.compare(left[0], right[0], config)  # the first call loads rigour's tables (~10 s)
    started = time.process_time()  # CPU time: other jobs on the machine do not count
    scores = [algorithm.compare(a, b, config).score for a, b in zip(left, right, strict=True)]
    return scores, (time.process_time() - started) / len(pairs)


def _bench_entity(schema: str, name: str, entity_id: str) -> Any:
    from followthemoney import model

    entity = model.make_entity(schema)
    entity.id = entity_id
    entity.add("name", name)
    return entity


# --------------------------------------------------------------------------- name_bench


def redlist_name_bench(pairs: Sequence[Pair]) -> tuple[list[float], float]:
    """redlist.compare scores of the pairs and the mean CPU seconds per pair."""
    from redlist.screen import compare

    compare(pairs[0].name1, pairs[0].name2, pairs[0].kind)  # warm-up: lazy tables
    started = time.process_time()
    scores = [compare(p.name1, p.name2, p.kind) for p in pairs]
    return scores, (time.process_time() - started) / len(pairs)


def report_name_bench(live_logicv2: bool = True, out: Callable[[str], None] = print) -> None:
    """Run name_bench and print the markdown section."""
    from redlist.screen import MATCH_THRESHOLD

    folder = peers_dir() / "nomenklatura_name_bench"
    pairs = read_name_bench(folder / "cases.csv")
    scores, per_pair = redlist_name_bench(pairs)
    scored = [(s, p.is_match) for s, p in zip(scores, pairs, strict=True)]
    frozen = read_frozen(folder / "logicv2-frozen.csv") if (folder / "logicv2-frozen.csv").exists() else []
    frozen_scored = [(s, p.is_match) for p, s in frozen]
    live: list[float] = []
    live_per_pair = 0.0
    if live_logicv2:
        live, live_per_pair = logicv2_name_bench(pairs)
    live_scored = [(s, p.is_match) for s, p in zip(live, pairs, strict=True)] if live else []

    out(f"### nomenklatura name_bench ({len(pairs)} pairs, `cases.csv`)\n")
    out(f"redlist threshold `MATCH_THRESHOLD` = {MATCH_THRESHOLD}; logic-v2 threshold {LOGICV2_THRESHOLD}.\n")
    out("| scorer | pairs | threshold | precision | recall | F1 | best F1 (threshold) | CPU µs / pair |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = [("redlist `compare`", scored, MATCH_THRESHOLD, per_pair)]
    if live:
        rows.append(("logic-v2 live (nomenklatura installed)", live_scored, LOGICV2_THRESHOLD, live_per_pair))
    if frozen:
        rows.append(("logic-v2 frozen run (`logicv2-frozen.csv`)", frozen_scored, LOGICV2_THRESHOLD, None))
    for label, sc, threshold, seconds in rows:
        m = metrics(sc, threshold)
        bt, bm = best_threshold(sc)
        timing = f"{seconds * 1e6:.0f}" if seconds is not None else "~156 (PROVENANCE.md)"
        out(
            f"| {label} | {len(sc)} | {threshold:.2f} | {fmt(m.precision)} | {fmt(m.recall)} | {fmt(m.f1)} "
            f"| {fmt(bm.f1)} ({bt:.2f}) | {timing} |"
        )
    if frozen:
        out(
            f"\nThe frozen file holds {len(frozen)} pairs of an older case set (groups differ: it has "
            "`synth_corp_positives`, lacks `cluster_align`/`cust_cases`), so its row is not on exactly the same "
            "pairs; the live logic-v2 row is."
        )

    out("\n**Per case group at the default thresholds**\n")
    out("| group | pairs | positives | redlist P | R | F1 | logic-v2 live P | R | F1 |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for group in sorted({p.group for p in pairs}):
        idx = [i for i, p in enumerate(pairs) if p.group == group]
        m = metrics([scored[i] for i in idx], MATCH_THRESHOLD)
        lm = metrics([live_scored[i] for i in idx], LOGICV2_THRESHOLD) if live else None
        peer = f"{fmt(lm.precision)} | {fmt(lm.recall)} | {fmt(lm.f1)}" if lm else "– | – | –"
        positives = sum(pairs[i].is_match for i in idx)
        out(
            f"| {group} | {len(idx)} | {positives} | {fmt(m.precision)} | {fmt(m.recall)} | {fmt(m.f1)} | {peer} |"
        )

    out("\n**Threshold curve**\n")
    out("| threshold | redlist P | R | F1 | logic-v2 live P | R | F1 |")
    out("|---:|---:|---:|---:|---:|---:|---:|")
    live_curve = dict(curve(live_scored)) if live else {}
    for t, m in curve(scored):
        lm = live_curve.get(t)
        peer = f"{fmt(lm.precision)} | {fmt(lm.recall)} | {fmt(lm.f1)}" if lm else "– | – | –"
        out(f"| {t:.2f} | {fmt(m.precision)} | {fmt(m.recall)} | {fmt(m.f1)} | {peer} |")

    errors = worst_errors(pairs, scores, MATCH_THRESHOLD, n=len(pairs))
    fps = [e for e in errors if e[0] == "FP"]
    fns = [e for e in errors if e[0] == "FN"]
    out(
        f"\n**The 20 worst redlist errors at {MATCH_THRESHOLD}**: the 10 false positives and 10 false negatives "
        f"furthest from the threshold (of {len(fps)} FP and {len(fns)} FN)\n"
    )
    out("| | score | logic-v2 | group | schema | name1 | name2 | category |")
    out("|---|---:|---:|---|---|---|---|---|")
    index = {id(p): i for i, p in enumerate(pairs)}
    for kind, score, pair in fps[:10] + fns[:10]:
        peer = fmt(live[index[id(pair)]], 2) if live else "–"
        out(
            f"| {kind} | {score:.2f} | {peer} | {pair.group} | {pair.schema} | {md_escape(pair.name1)} "
            f"| {md_escape(pair.name2)} | {md_escape(pair.category)} |"
        )
    out("")


# --------------------------------------------------------------------------- yente fixtures


@dataclass
class ScreenCount:
    """Screening outcome of one fixture set."""

    label: str
    names: int
    alerted: int
    matches: int
    seconds: float
    examples: list[tuple[str, str, float]]  # (query, matched name, score), highest scores first

    @property
    def per_thousand(self) -> float:
        return per_thousand(self.alerted, self.names)


def screen_names(
    screener: Any, label: str, names: Sequence[str], threshold: float | None = None
) -> ScreenCount:
    """Screen each name as a person; count the names with at least one match at the threshold."""
    from redlist.screen import Query

    queries = [Query(name=name, type="person") for name in names]
    alerted = matches = 0
    examples: list[tuple[str, str, float]] = []
    started = time.perf_counter()
    for name, result in zip(names, screener.screen_many(queries, threshold=threshold, limit=3), strict=True):
        if result.matches:
            alerted += 1
            matches += len(result.matches)
            top = result.matches[0]
            examples.append((name, (top.matched_name or top.name).strip(), top.score))
    seconds = time.perf_counter() - started
    examples.sort(key=lambda e: -e[2])
    return ScreenCount(label, len(names), alerted, matches, seconds, examples[:10])


def report_yente(limit: int | None, seed: int, out: Callable[[str], None] = print) -> None:
    """Screen the yente fixtures against an SDN-only Screener and print the markdown section."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reallists import load_entities

    from redlist.screen import MATCH_THRESHOLD, Screener

    folder = peers_dir() / "yente_candidate_fixtures"
    entities = load_entities(("us_ofac_sdn",))
    started = time.perf_counter()
    screener = Screener(entities)
    build = time.perf_counter() - started
    names_total = sum(len(e.names) for e in entities)
    out(f"### yente candidate fixtures against the SDN list (threshold {MATCH_THRESHOLD})\n")
    out(
        f"Screener on `us_ofac_sdn` 2024-05-03 only: {len(entities):,} entities, {names_total:,} names, "
        f'built in {build:.1f} s. Each `full_name` screened as `Query(name=..., type="person")`, '
        "name only (no birth date or nationality)."
    )
    if limit is not None:
        out(
            f"Seeded sample of {limit:,} rows per file (seed {seed}); a full run of all 50,000 per file "
            "takes ~6 minutes on this machine: `--limit 0`."
        )
    out("")

    counts: list[ScreenCount] = []
    missing: list[str] = []
    for file, label in [("negatives_us.csv", "negatives_us"), ("negatives_global.csv", "negatives_global")]:
        path = folder / file
        if not path.exists():
            missing.append(file)
            continue
        names = sample(read_people(path), limit, seed)
        counts.append(screen_names(screener, label, names))
        if label == "negatives_global":
            han = [n for n in names if is_han(n)]
            counts.append(screen_names(screener, "negatives_global, Han script only", han))
    out("| set | names | names alerted | alerts per 1,000 | matches | names / s |")
    out("|---|---:|---:|---:|---:|---:|")
    for c in counts:
        out(
            f"| {c.label} | {c.names:,} | {c.alerted:,} | {c.per_thousand:.1f} | {c.matches:,} "
            f"| {c.names / c.seconds:,.0f} |"
        )
    total_names = sum(c.names for c in counts if "Han" not in c.label)
    total_alerted = sum(c.alerted for c in counts if "Han" not in c.label)
    out(
        f"| **negatives overall** | {total_names:,} | {total_alerted:,} | {per_thousand(total_alerted, total_names):.1f} | | |"
    )

    positives = _report_positives(screener, folder, limit, seed, out, missing)
    if missing:
        out(f"\nNot present in {folder}: {', '.join(missing)} -- those rows were not measured.")

    out("\n**Highest-scoring alerts on the negatives** (false positives by construction)\n")
    out("| set | query | matched SDN name | score |")
    out("|---|---|---|---:|")
    for c in counts:
        if "Han" in c.label:
            continue
        for query, matched, score in c.examples[:8]:
            out(f"| {c.label} | {md_escape(query)} | {md_escape(matched)} | {score:.2f} |")
    if positives:
        out("\n**Misses on positives_un_treated whose untreated name alerts**\n")
        out("| untreated (UN list) | treated query |")
        out("|---|---|")
        for untreated, treated in positives[:10]:
            out(f"| {md_escape(untreated)} | {md_escape(treated)} |")
    out("")


def _report_positives(
    screener: Any, folder: Path, limit: int | None, seed: int, out: Callable[[str], None], missing: list[str]
) -> list[tuple[str, str]]:
    """The UN positives (treated vs untreated) and the US Congress set; returns treated misses."""
    treated_path = folder / "positives_un_treated.csv"
    untreated_path = folder / "positives_un_untreated.csv"
    congress_path = folder / "positives_us_congress_untreated.csv"
    misses: list[tuple[str, str]] = []
    out("")
    if treated_path.exists() and untreated_path.exists():
        treated = read_people(treated_path)
        untreated = read_people(untreated_path)
        if len(treated) == len(untreated):
            rows = sample(list(zip(untreated, treated, strict=True)), limit, seed)
            u = _hits(screener, [r[0] for r in rows])
            t = _hits(screener, [r[1] for r in rows])
            on_sdn = [i for i, hit in enumerate(u) if hit]
            kept = sum(t[i] for i in on_sdn)
            misses = [rows[i] for i in on_sdn if not t[i]]
            out("| UN Security Council people (yente positives) | names | alerted | rate |")
            out("|---|---:|---:|---:|")
            out(f"| `positives_un_untreated` | {len(rows):,} | {sum(u):,} | {sum(u) / len(rows):.1%} |")
            out(
                f"| `positives_un_treated` (typos, reorderings) | {len(rows):,} | {sum(t):,} | {sum(t) / len(rows):.1%} |"
            )
            out(
                f'| treated, among rows whose untreated name alerts (proxy for "on the SDN list") '
                f"| {len(on_sdn):,} | {kept:,} | {kept / len(on_sdn) if on_sdn else 0:.1%} |"
            )
            out(
                "\nNot every UN-listed person is on this SDN snapshot; the untreated hit rate is the ceiling, "
                "and the last row is the recall of the perturbed names on the people the list does hold."
            )
        else:
            out("positives_un_treated/untreated differ in length; rows cannot be paired, not measured.")
    else:
        missing.extend(p.name for p in (treated_path, untreated_path) if not p.exists())
    if congress_path.exists():
        names = sample(read_people(congress_path), limit, seed)
        c = screen_names(screener, "congress", names)
        out(
            f"\nUS Congress members (`positives_us_congress_untreated`, on no sanctions list, common names): "
            f"{c.alerted:,} of {c.names:,} alerted, {c.per_thousand:.1f} per 1,000"
            + (
                f"; top: {', '.join(f'{q} → {m} ({s:.2f})' for q, m, s in c.examples[:5])}"
                if c.examples
                else ""
            )
            + "."
        )
    else:
        missing.append(congress_path.name)
    return misses


def _hits(screener: Any, names: Sequence[str]) -> list[bool]:
    from redlist.screen import Query

    queries = [Query(name=n, type="person") for n in names]
    return [bool(r.matches) for r in screener.screen_many(queries, limit=1)]


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry: run the selected peer benchmarks and print markdown."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help="rows per yente file, a seeded sample (default 10,000; 0 = every row)",
    )
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--skip-bench", action="store_true", help="skip name_bench")
    parser.add_argument("--skip-yente", action="store_true", help="skip the yente fixtures")
    parser.add_argument("--no-logicv2", action="store_true", help="do not run logic-v2 live on name_bench")
    args = parser.parse_args(argv)
    if not peers_dir().exists():
        raise SystemExit(f"peer data not found: {peers_dir()} (set REDLIST_TEST_DATA)")
    load = os.getloadavg()
    started = time.perf_counter()
    if not args.skip_bench:
        report_name_bench(live_logicv2=not args.no_logicv2)
    if not args.skip_yente:
        report_yente(args.limit or None, args.seed)
    print(
        f"_Run took {time.perf_counter() - started:.0f} s; python {sys.version.split()[0]}; "
        f"load average at start {load[0]:.1f} (other jobs share the 2 cores, so times are noisy)._"
    )


if __name__ == "__main__":
    main()
