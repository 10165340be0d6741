"""Answer identity: every answer of a fixed query set, written out, to check that speed work changes none.

Screens, on the real lists (``benchmarks/reallists.py``):

- ``speed.py``'s query mixes (the 500 warm-up queries, the latency mix and the ``screen_many``
  batch; seeds as in ``speed.py``) at the default threshold, through ``screen_many``;
- the first ``--country`` queries of the batch again, each with a country (matches, mismatches);
- ``evaluate.py``'s labelled set (positives, Han, negatives, qualified namesakes; defaults as in
  ``evaluate.py``), untyped and typed, at threshold 0 with a limit of 1,000, so that every scored
  candidate of every query is written with its score and explanation;
- the batch again through an index file (``redlist.indexfile`` saved and opened), unless
  ``--no-index-file``.

Each answer is one JSON line (``ScreenResult.to_dict()``: entry ids, scores, explanations,
cleared namesakes); the SHA-256 of the whole output is printed. Run it before and after a change
and compare the files (``cmp``): speed work must leave them byte-identical.

Usage::

    python benchmarks/answers.py --out answers.jsonl [--batch 5000] [--latency 2000] [--no-eval]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402  (benchmarks/ is not a package)
from speed import query_mix  # noqa: E402

_COUNTRIES = ("RU", "CN", "IR", "US", "KP", "SY", "DE", "VE")


def _write(out: TextIO, section: str, results: Iterable[Any]) -> int:
    n = 0
    for result in results:
        out.write(json.dumps({"section": section, **result.to_dict()}, ensure_ascii=False, sort_keys=True))
        out.write("\n")
        n += 1
    return n


def _speed_queries(mix: Sequence[tuple[str, str | None, str]]) -> list[Any]:
    from redlist.screen import Query

    return [Query(name=name, type=kind) for name, kind, _ in mix]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--latency", type=int, default=2000)
    parser.add_argument("--country", type=int, default=1000, help="batch queries screened with a country")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--no-eval", action="store_true", help="skip evaluate.py's labelled set")
    parser.add_argument("--no-index-file", action="store_true")
    args = parser.parse_args(argv)

    from reallists import load_entities

    from redlist.screen import Query, Screener

    started = time.perf_counter()
    entities = load_entities()
    screener = Screener(entities)
    print(f"loaded and built in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    listed = [(str(e.type), n.value) for e in entities for n in e.names]
    fixtures = peers.peers_dir() / "yente_candidate_fixtures"
    clean_people = peers.read_people(fixtures / "negatives_us.csv")
    clean_people += peers.read_people(fixtures / "negatives_global.csv")
    warm = query_mix(500, listed, clean_people, seed=args.seed - 1)
    latency = query_mix(args.latency, listed, clean_people, seed=args.seed)
    batch = query_mix(args.batch, listed, clean_people, seed=args.seed + 1)

    with args.out.open("w", encoding="utf-8") as out:
        started = time.process_time()
        n = _write(out, "speed.warm", screener.screen_many(_speed_queries(warm)))
        n += _write(out, "speed.latency", screener.screen_many(_speed_queries(latency)))
        n += _write(out, "speed.batch", screener.screen_many(_speed_queries(batch)))
        with_country = _speed_queries(batch[: args.country])
        for i, q in enumerate(with_country):
            q.country = _COUNTRIES[i % len(_COUNTRIES)]
        n += _write(out, "speed.country", screener.screen_many(with_country))
        print(f"speed mixes: {n:,} answers, {time.process_time() - started:.1f} CPU s", file=sys.stderr)

        if not args.no_eval:
            from evalset import build

            evalset = build(entities)
            for typed in (False, True):
                started = time.process_time()
                queries = [
                    Query(
                        name=q.text,
                        type=q.kind if typed else None,
                        birth_date=q.birth_date,
                        nationality=q.nationality,
                    )
                    for q in evalset.queries
                ]
                section = "eval.typed" if typed else "eval.untyped"
                k = _write(out, section, screener.screen_many(queries, threshold=0.0, limit=1000))
                print(f"{section}: {k:,} answers, {time.process_time() - started:.1f} CPU s", file=sys.stderr)

        if not args.no_index_file:
            from redlist import indexfile

            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"index{indexfile.SUFFIX}"
                indexfile.save(screener, path)
                opened = indexfile.load(path)
                _write(out, "indexfile.batch", opened.screen_many(_speed_queries(batch)))
                del opened

    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"{args.out}: sha256 {digest}")


if __name__ == "__main__":
    main()
