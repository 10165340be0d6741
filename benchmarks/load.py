"""Benchmark: load SDN 2024-05-03 + consolidated 2025-12-19 + the 25,921-record CSL into a fresh store.

Usage: python benchmarks/load.py [DATA_DIR]   (default: $REDLIST_TEST_DATA or ../shared/data)
Prints the seconds per source and in all, and the process's peak RSS. Target: <= 20 s, <= 1 GB.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from redlist.store import Store
from redlist.store.update import update

SETS = [
    ("us_ofac_sdn", "raw/ofac_sdn/2024-05-03", "2024-05-03"),
    ("us_ofac_cons", "raw/ofac_consolidated/2025-12-19", "2025-12-19"),
    ("us_trade_csl", "raw/trade_csl/2026-07-31_reconstructed", "2026-07-31"),
]


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("REDLIST_TEST_DATA", "../shared/data"))
    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        with Store.open(Path(home)) as store:
            for source, folder, as_of in SETS:
                t0 = time.perf_counter()
                [result] = update(store, [source], origin=str(data / folder), as_of=as_of)
                assert result.ok, result.message
                print(
                    f"{source:14} {result.snapshot.record_count:7,} records  {time.perf_counter() - t0:6.2f} s"
                )
        total = time.perf_counter() - started
        size = sum(f.stat().st_size for f in Path(home).rglob("*") if f.is_file())
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'total':14} {'':16} {total:6.2f} s   peak RSS {rss_mb:.0f} MB   store {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
