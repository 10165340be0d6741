"""Memory of a batch process as the rows go by: RSS (anonymous and file-backed) and CPU time of
one process answering the rows of an input file as ``redlist screen --input`` does (the index
file opened, :func:`redlist.batch.run.screen_answer`, repeated queries answered once), without
writing the output.

Usage::

    python benchmarks/batch_memory.py INPUT [--rows 30000] [--scale 1.0] [--set NAME=VALUE ...]
        [--answers N] [--keep-names N] [--keep-entities N]

INPUT is a file ``redlist screen --input`` reads (``benchmarks/scale.py --keep DIR`` leaves its
seeded Parquet input there). ``--scale`` multiplies every size of :mod:`redlist.match.caches`,
``--set`` sets one (``--set SIMILAR_WORDS=32768``), ``--answers`` the repeated-query answers kept,
``--keep-names`` / ``--keep-entities`` the decoded records an opened index keeps: to choose the
sizes by measurement (run the variants side by side: CPU time varies with the machine's load).
The index file is the one of ``$REDLIST_BENCH_HOME`` (see reallists.py).
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from reallists import bench_home  # noqa: E402

MARKS = (100, 1_000, 5_000, 10_000, 20_000, 30_000, 50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000)


def memory() -> str:
    """RSS of this process, anonymous and file-backed (the mapped index, the libraries), in MB."""
    fields = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-1] == "kB":
            fields[parts[0].rstrip(":")] = int(parts[1]) / 1024
    rss, anon = fields["Rss"], fields["Anonymous"]
    return f"RSS {rss:.0f} MB (anonymous {anon:.0f}, file {rss - anon:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--answers", type=int, default=None)
    parser.add_argument("--keep-names", type=int, default=None)
    parser.add_argument("--keep-entities", type=int, default=None)
    args = parser.parse_args()

    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # as the CLI does (cli.py)
    from redlist.match import caches  # before the modules whose decorators read the sizes

    for name in [n for n in dir(caches) if n.isupper()]:
        setattr(caches, name, max(1, int(getattr(caches, name) * args.scale)))
    for item in args.set:
        name, value = item.split("=")
        setattr(caches, name, int(value))
    from redlist import indexfile
    from redlist.batch import run as batch_run
    from redlist.batch.read import read_rows

    if args.answers is not None:
        batch_run.ANSWER_CACHE = args.answers
    if args.keep_names is not None:
        indexfile.KEEP_NAMES = args.keep_names
    if args.keep_entities is not None:
        indexfile.KEEP_ENTITIES = args.keep_entities
    [path] = sorted(glob.glob(str(bench_home() / "cache" / f"screener-current-*{indexfile.SUFFIX}")))[-1:]
    screener = indexfile.load(Path(path))
    answer = batch_run.screen_answer(screener, None, 10, None)
    print(f"index opened: {memory()}")
    started = time.process_time()
    done = 0
    for done, row in enumerate(read_rows(args.input), 1):
        answer(row)
        if done in MARKS:
            print(f"{done:,} rows: {memory()}, CPU {time.process_time() - started:.1f} s", flush=True)
        if done >= args.rows:
            break
    if done not in MARKS:
        print(f"{done:,} rows: {memory()}, CPU {time.process_time() - started:.1f} s")


if __name__ == "__main__":
    main()
