"""Benchmark: the same workload on the SQLite store and on a PostgreSQL store.

Usage: python benchmarks/store_backends.py [--pg URL] [DATA_DIR]
       (DATA_DIR default: $REDLIST_TEST_DATA or ../shared/data)

Without ``--pg`` a throwaway PostgreSQL server is started as the tests do (tests/pg.py: Debian's
initdb and pg_ctl, fsync off like any scratch cluster; pass ``--pg`` to measure a real server).
For each backend, in a fresh home:

- load: six SDN publications (2024-02-28 .. 2024-05-03, so history has events), the consolidated
  list of 2025-12-19 and the 25,921-record CSL, one update per publication;
- history: every change event, and every stored version of 200 entities (the timeline's reads);
- parties: resolve the party graph and save it, then read it back;
- index: build the screening index and the status checker from the store (no index cache);
- screen: 300 screenings (listed names and clean ones) and 100 status checks.

Prints seconds per step and backend. Figures go in docs/benchmarks.md with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from redlist.curated import load as load_curated
from redlist.parties import storage as party_storage
from redlist.parties.resolve import resolve
from redlist.service import Redlist, data_key
from redlist.settings import Settings
from redlist.store import Store
from redlist.store.update import update

LOADS = [
    ("us_ofac_sdn", "raw/ofac_sdn/2024-02-28", "2024-02-28"),
    ("us_ofac_sdn", "raw/ofac_sdn/2024-03-04", "2024-03-04"),
    ("us_ofac_sdn", "raw/ofac_sdn/2024-04-26", "2024-04-26"),
    ("us_ofac_sdn", "raw/ofac_sdn/2024-05-01", "2024-05-01"),
    ("us_ofac_sdn", "raw/ofac_sdn/2024-05-02", "2024-05-02"),
    ("us_ofac_sdn", "raw/ofac_sdn/2024-05-03", "2024-05-03"),
    ("us_ofac_cons", "raw/ofac_consolidated/2025-12-19", "2025-12-19"),
    ("us_trade_csl", "raw/trade_csl/2026-07-31_reconstructed", "2026-07-31"),
]

CLEAN = ["Acme Widgets Ltd", "Northern Lights Bakery", "Maria Schmidt", "Blue River Logistics GmbH"]


@contextmanager
def step(figures: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    figures[name] = time.perf_counter() - started


def workload(data: Path, home: Path, url: str | None) -> dict[str, float]:
    figures: dict[str, float] = {}
    with Store.open(home, url=url) as store:
        with step(figures, "load 8 publications"):
            for source, folder, as_of in LOADS:
                [result] = update(store, [source], origin=str(data / folder), as_of=as_of)
                if not result.ok:
                    raise SystemExit(f"{source} {as_of}: {result.message}")
        with step(figures, "history: all events"):
            events = store.events()
        ids = sorted({e.entity_id for e in events})[:200]
        with step(figures, "history: 200 entities"):
            for entity_id in ids:
                store.records_of(entity_id)
        settings = Settings.load(home=home, database_url=url, cache=False)
        with step(figures, "parties: resolve + save"):
            graph = resolve(store, load_curated(), home)
            party_storage.save(store, graph, data_key(settings, store))
        with step(figures, "parties: read back"):
            party_storage.load(store, data_key(settings, store))
    service = Redlist(settings)
    try:
        with step(figures, "index: screener + checker"):
            service.warm()
            service.warm_checker()
        with service.generation() as gen:
            names = [e.names[0].value for e in gen.screener.entities[::97][:296]] + CLEAN
        with step(figures, f"screen: {len(names)} names"):
            for name in names:
                service.screen(name)
        with step(figures, "check: 100 names"):
            for name in names[:100]:
                service.check(name, activity="export", on="2026-08-01")
    finally:
        service.close()
    figures["(events stored)"] = float(len(events))
    return figures


def _throwaway_server() -> tuple[str, Callable[[], None]]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from pg import PostgresServer, pg_bin

    bindir = pg_bin()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries (initdb): pass --pg URL or install postgresql")
    server = PostgresServer(bindir)
    server.start()
    return server.database(), server.stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=os.environ.get("REDLIST_TEST_DATA", "../shared/data"))
    parser.add_argument("--pg", help="postgresql://... of an empty database (default: a throwaway server)")
    args = parser.parse_args()
    data = Path(args.data)
    stop: Callable[[], None] = lambda: None  # noqa: E731
    url = args.pg
    if url is None:
        url, stop = _throwaway_server()
    try:
        results = {}
        for backend, where in (("sqlite", None), ("postgresql", url)):
            with tempfile.TemporaryDirectory() as home:
                results[backend] = workload(data, Path(home), where)
                print(f"{backend} done", file=sys.stderr)
    finally:
        stop()
    print(f"{'step':30} {'SQLite':>9} {'PostgreSQL':>11}")
    for name in results["sqlite"]:
        a, b = results["sqlite"][name], results["postgresql"][name]
        if name.startswith("("):
            print(f"{name:30} {a:9.0f} {b:11.0f}")
        else:
            print(f"{name:30} {a:8.2f}s {b:10.2f}s")
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min), cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
