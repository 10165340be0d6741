"""What a server's parent holds after each step of its preload (issue 18, item 5).

Usage::

    python benchmarks/parent_memory.py [--trace 25] [--serve] [--build]

Does what ``redlist serve`` does before forking its workers (``Redlist.preload()`` over the
benchmark home of reallists.py, ``REDLIST_MATCH_CACHES`` at serve's factor,
``api.prefork.WORKER_CACHES``), one step at a time, reading ``/proc/self/smaps_rollup`` after each
(USS: the process's private pages, which a forked worker shares until it writes them; RSS, and the
anonymous part of it). ``--trace N`` also runs ``tracemalloc`` and prints the N sites that allocated
most of what the parent keeps (tracing slows the load and adds its own memory: the sizes of that run
are not the figures to report). ``--serve`` builds the app as ``redlist serve`` does after
preloading (``create_app``). ``--build`` removes the home's index files first and runs ``preload()``
at once, as ``redlist serve`` starts on data whose indexes were not written (a new version of
redlist, data changed outside ``redlist update``): the figures then include building them.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from reallists import bench_home  # noqa: E402


def smaps() -> dict[str, float]:
    out = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-1] == "kB":
            out[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trace", type=int, default=0, help="print the N top allocation sites")
    parser.add_argument("--serve", action="store_true", help="also build the app, as redlist serve does")
    parser.add_argument(
        "--build", action="store_true", help="remove the index files first: preload builds them"
    )
    args = parser.parse_args()
    os.environ["REDLIST_HOME"] = str(bench_home())
    from redlist.api.prefork import worker_caches

    worker_caches()  # the cache sizes redlist serve runs with, before redlist.match is imported
    if args.trace:
        import tracemalloc

        tracemalloc.start(8)

    last = {"Rss": 0.0, "uss": 0.0}
    started = time.process_time()

    def mark(label: str) -> None:
        m = smaps()
        uss = m["Private_Dirty"] + m["Private_Clean"]
        print(
            f"{label:<34} USS {uss:6.0f} MB ({uss - last['uss']:+5.0f})  RSS {m['Rss']:6.0f} "
            f"({m['Rss'] - last['Rss']:+5.0f})  anon {m['Anonymous']:6.0f}  "
            f"CPU {time.process_time() - started:5.2f} s",
            flush=True,
        )
        last["Rss"], last["uss"] = m["Rss"], uss

    gc.disable()  # as redlist serve's parent loads
    mark("interpreter")
    from redlist.service import PRELOAD_NAMES, Redlist
    from redlist.service.generation import Generation
    from redlist.settings import Settings

    mark("redlist.service imported")
    redlist = Redlist(Settings.load(), background=True, freeze=True)
    if args.build:
        for path in redlist.settings.cache_dir.glob("screener-*"):
            path.unlink()
        redlist.preload()
        mark("preload() (indexes built)")
    # the generation made here, step by step, rather than by generation() (which warms it at once)
    redlist._gen = redlist._gen or Generation(redlist.settings, redlist._open_store(shared=True))
    with redlist.generation() as gen:
        mark("generation (store opened)")
        _ = gen.screener
        mark("screener")
        _ = gen.by_id
        mark("by_id")
        _ = gen.checker
        mark("checker")
        _ = gen.name_index
        mark("name_index")
        _ = gen.receipt, gen.screen_warning
        mark("receipt, screen_warning")
        for name in PRELOAD_NAMES:
            gen.screener.screen(name)
        mark("PRELOAD_NAMES screened")
    redlist.preload()  # what is left of it (nothing more is built: the same generation)
    mark("preload()")
    if args.serve:
        from redlist.api.app import create_app

        create_app(redlist=redlist)
        mark("create_app")
    gc.collect()
    mark("gc.collect()")
    if args.trace:
        import tracemalloc

        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        total = sum(s.size for s in snapshot.statistics("filename"))
        print(f"\ntraced Python allocations kept: {total / 2**20:.1f} MB; top sites:")
        for stat in snapshot.statistics("traceback")[: args.trace]:
            frames = [f"{Path(f.filename).name}:{f.lineno}" for f in reversed(stat.traceback[-5:])]
            print(f"{stat.size / 2**20:7.1f} MB {stat.count:9,}  {' < '.join(frames)}")


if __name__ == "__main__":
    main()
