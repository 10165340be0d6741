"""The time of the facade calls that look entries up by id or by the start of a name (issue 18,
item 5): ``Redlist.listed``, ``Redlist.entity`` (an entry listed today) and ``Redlist.suggest``.

Usage::

    python benchmarks/lookup_calls.py [--calls 2000] [--seed 3]

Over the benchmark home of reallists.py, after ``Redlist.preload()`` as ``redlist serve`` runs it
(``REDLIST_MATCH_CACHES`` at serve's factor, ``api.prefork.WORKER_CACHES``): a seeded sample of the
ids listed today (and as many ids listed nowhere) and of prefixes a user types (the first 1-8
characters of a word of a listed name, or of the whole name), each call timed in CPU time. Prints
the mean and the 99th percentile per call, and the CPU time preload took.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from reallists import bench_home  # noqa: E402


def timed(label: str, calls: list[Callable[[], object]]) -> None:
    times = []
    for call in calls:
        started = time.process_time_ns()
        call()
        times.append(time.process_time_ns() - started)
    times.sort()
    mean = sum(times) / len(times) / 1e3
    p99 = times[int(len(times) * 0.99)] / 1e3
    print(f"{label:<36} {len(times):6,} calls  mean {mean:8.1f} us  p99 {p99:8.1f} us", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    os.environ["REDLIST_HOME"] = str(bench_home())
    from redlist.api.prefork import worker_caches

    worker_caches()  # the cache sizes redlist serve runs with, before redlist.match is imported
    from redlist.service import Redlist
    from redlist.settings import Settings

    redlist = Redlist(Settings.load(), background=True, freeze=True)
    started = time.process_time()
    redlist.preload()
    print(f"preload: {time.process_time() - started:.2f} s CPU")
    with redlist.generation() as gen:
        ids = list(gen.screener.entity_ids)
        rng = random.Random(args.seed)
        picked = [ids[rng.randrange(len(ids))] for _ in range(args.calls)]
        names = [gen.screener.entities[ids.index(i)].names[0].value for i in picked[: args.calls // 2]]
    absent = [f"{i}-x" for i in picked]
    prefixes = []
    for name in names:
        words = name.split() or [name]
        text = rng.choice([rng.choice(words), name])
        prefixes.append(text[: rng.randint(1, 8)])
    timed("listed (listed today)", [lambda i=i: redlist.listed(i) for i in picked])
    timed("listed (no such id)", [lambda i=i: redlist.listed(i) for i in absent])
    timed("entity (listed today)", [lambda i=i: redlist.entity(i) for i in picked])
    timed("suggest (limit 10)", [lambda p=p: redlist.suggest(p, 10) for p in prefixes])


if __name__ == "__main__":
    main()
