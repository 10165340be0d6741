"""What a server worker forked from a preloaded parent copies for itself as it answers varied
names (issue 18, item 4): the worker's private memory (USS) and RSS / PSS after N names.

Usage::

    python benchmarks/worker_memory.py [--names 5000] [--seed 7]

Does what ``redlist serve --workers N`` does before forking (``Redlist.preload()`` over the
benchmark home of reallists.py, ``gc.freeze()``), forks one child and has it screen a seeded mix
of perturbed list names, clean people and generated companies (``speed.query_mix``) through
``Redlist.screen`` (no HTTP, no audit trail), reading ``/proc/PID/smaps_rollup`` along the way.
CPython writes the reference count of every object a request reads, so the pages of shared
objects a worker reads are copied into it: the USS after thousands of names is what an extra
worker costs beyond its start. The HTTP figures are benchmarks/serve_workers.py's and api_load.py's.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import peers  # noqa: E402
from reallists import bench_home  # noqa: E402
from speed import query_mix  # noqa: E402

MARKS = (0, 500, 1_000, 2_000, 3_000, 5_000, 10_000, 20_000)


def smaps(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-1] == "kB":
            out[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return out


def line(label: str, m: dict[str, float]) -> str:
    uss = m["Private_Dirty"] + m["Private_Clean"]
    return f"{label}: USS {uss:.0f} MB, RSS {m['Rss']:.0f}, PSS {m['Pss']:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ["REDLIST_HOME"] = str(bench_home())

    from redlist.screen import Query
    from redlist.service import Redlist
    from redlist.settings import Settings

    redlist = Redlist(Settings.load(), freeze=True)
    redlist.preload()
    with redlist.generation() as gen:
        entities = [gen.screener.entities[e] for e in range(0, len(gen.screener.entities), 7)]
        listed = [(str(e.type), n.value) for e in entities for n in e.names][:6000]
        decoded = gen.screener.entities
        if hasattr(decoded, "forget"):  # picking the names decoded entries a server would not
            decoded.forget()
        elif isinstance(getattr(decoded, "_done", None), list):  # the code before bounded records
            decoded._done = [None] * len(decoded._done)
    del entities
    people = peers.read_people(peers.peers_dir() / "yente_candidate_fixtures" / "negatives_us.csv")
    queries = query_mix(args.names, listed, people, args.seed)
    gc.collect()
    gc.freeze()
    print(line("parent after preload", smaps(os.getpid())), flush=True)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        started = time.process_time()
        for i in range(args.names + 1):
            if i in MARKS or i == args.names:
                text = line(f"worker after {i:,} names", smaps(os.getpid()))
                os.write(write, f"{text}, CPU {time.process_time() - started:.1f} s\n".encode())
            if i < args.names:
                name, kind, _ = queries[i]
                redlist.screen(Query(name=name, type=kind))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        for text in fh:
            print(text, end="", flush=True)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
