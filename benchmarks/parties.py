"""Benchmark: party resolution on the full corpus (update-time cost, counts by kind of evidence).

Usage: python benchmarks/parties.py [DATA_DIR]   (default: $REDLIST_TEST_DATA or ../shared/data)

Loads the six daily SDN snapshots, the consolidated list of 2025-12-19, the CSL of 2026-07-31 and
the DPL into a fresh store, then resolves the parties three times and reports the median time,
the memory the resolution adds, how many parties the corpus forms, the links by kind of evidence,
and how many of the CSL's copies of OFAC entries are linked to OFAC's own records.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from redlist.curated import load
from redlist.parties.resolve import resolve
from redlist.store import Store
from redlist.store.update import update

SDN_DAYS = ("2024-02-28", "2024-03-04", "2024-04-26", "2024-05-01", "2024-05-02", "2024-05-03")


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("REDLIST_TEST_DATA", "../shared/data"))
    raw = data / "raw"
    loads = [("us_ofac_sdn", raw / "ofac_sdn" / day, day) for day in SDN_DAYS]
    loads += [
        ("us_ofac_cons", raw / "ofac_consolidated" / "2025-12-19", "2025-12-19"),
        ("us_trade_csl", raw / "trade_csl" / "2026-07-31_reconstructed", "2026-07-31"),
        ("us_bis_dpl", raw / "bis_dpl" / "2022-09-07", "2022-09-07"),
    ]
    with tempfile.TemporaryDirectory() as home, Store.open(Path(home)) as store:
        for source, folder, as_of in loads:
            [result] = update(store, [source], origin=str(folder), as_of=as_of)
            assert result.ok, result.message
        curated = load()
        times = []
        for _ in range(3):
            start = time.perf_counter()
            graph = resolve(store, curated, None)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        graph = resolve(store, curated, None)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        csl = store.latest("us_trade_csl")
        copies = {eid for _, eid in store.record_index(csl.id or 0).values() if eid.startswith("ofac-")}
        ofac = {
            eid
            for source in ("us_ofac_sdn", "us_ofac_cons")
            for snap in store.snapshots(source)
            for _, eid in store.record_index(snap.id or 0).values()
        }
    stats = graph.stats()
    print(f"resolution: median {statistics.median(times):.2f} s of {', '.join(f'{t:.2f}' for t in times)}")
    print(f"python allocations at peak during one resolution: {peak / 2**20:.0f} MB")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(
        f"entries {stats['entries']:,}; parties {stats['parties']:,}; with several entries {stats['parties_with_several_entries']:,}"
    )
    print(f"links by evidence: {stats['links']}; related links: {stats['related_links']:,}")
    linked = copies & ofac
    print(
        f"CSL copies of OFAC entries: {len(copies):,}; linked to OFAC's own record: {len(linked):,}; "
        f"not in any OFAC file loaded here (designated after the snapshots): {len(copies - ofac):,}"
    )
    multi = sorted(graph.parties.values(), key=lambda p: -len(p.members))[:5]
    print("largest parties:", "; ".join(f"{p.name} ({len(p.members)})" for p in multi))


if __name__ == "__main__":
    main()
