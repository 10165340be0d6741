"""Watchlist re-checks after a day's list change: the reverse search against a full re-screen.

Usage: python benchmarks/watch.py [--rows 10000 100000] [--database-url URL | --postgres]

``--database-url``: the store in that database instead of the home's SQLite file (an empty one:
one size per run); ``--postgres``: a throwaway PostgreSQL server started as the tests start it
(tests/pg.py: Debian's initdb and pg_ctl, fsync off), a fresh database for each size.

For each size: a fresh home with the real SDN snapshot of 2024-02-28 (REDLIST_TEST_DATA, default
../shared/data), a watchlist of N rows (synthetic people and company names from a fixed
vocabulary, seeded; 1% are names of SDN entries so that alerts exist, including entries changed
on 2024-03-04), then the update to 2024-03-04 (2 added, 86 removed, 12 amended: a typical daily
OFAC change). Measured, with the data generation already built (the indexes of the lists are
not what is compared):

- reverse: the re-check of what changed (``watch run``), the watch index loaded from its cache;
- full: every row screened again (``watch run --full``);
- index build: building and caching the watch index (once per watchlist change).

The machine's load average is printed with the figures (other jobs share the 2 cores).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redlist
from redlist.store import Store
from redlist.watch.monitor import reverse_index
from redlist.watch.storage import WatchStore

DATA = Path(os.environ.get("REDLIST_TEST_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
SDN = DATA / "raw" / "ofac_sdn"
FIRST = [
    "James",
    "Maria",
    "Wei",
    "Olga",
    "Ahmed",
    "Lucia",
    "Kenji",
    "Amara",
    "Pierre",
    "Ingrid",
    "Rahul",
    "Sofia",
    "Mateo",
    "Hana",
    "Tomasz",
    "Aylin",
    "Kofi",
    "Elena",
    "Diego",
    "Yuki",
    "Nadia",
    "Samuel",
]
LAST = [
    "Smith",
    "Garcia",
    "Chen",
    "Petrova",
    "Hassan",
    "Rossi",
    "Tanaka",
    "Okafor",
    "Dubois",
    "Larsen",
    "Sharma",
    "Costa",
    "Novak",
    "Yilmaz",
    "Mensah",
    "Ivanova",
    "Lopez",
    "Sato",
    "Haddad",
    "Brown",
]
WORDS = [
    "Northern",
    "Blue",
    "Harbor",
    "Summit",
    "Atlas",
    "Green",
    "Pacific",
    "Granite",
    "Silver",
    "Union",
    "Meridian",
    "Crescent",
    "Pioneer",
    "Delta",
    "Orchid",
    "Falcon",
    "Cedar",
    "Lakeside",
    "Vertex",
]
KINDS = ["Trading", "Logistics", "Foods", "Textiles", "Holdings", "Electronics", "Shipping", "Capital"]
FORMS = ["Ltd", "LLC", "GmbH", "S.A.", "Inc", "Co., Ltd.", "B.V."]


#: Entries added, removed or amended on 2024-03-04 (tests/test_watch_real.py), so that the
#: re-check has rows to screen again and alerts to raise.
CHANGED = [
    "Auxillia Mnangagwa",
    "Asher Walter Tapfumaneyi",
    "Zidco Holdings",
    "Leo Mugabe",
    "Kudakwashe Regimond Tagwirei",
    "Sakunda Holdings",
    "Owen Ncube",
    "Fossil Agro",
]


def watch_file(path: Path, rows: int, listed: list[str], seed: int = 17) -> None:
    rng = random.Random(seed)
    lines = ["id,name,type"]
    for i in range(rows):
        if i % 1000 == 500:
            name, kind = CHANGED[(i // 1000) % len(CHANGED)], ""
        elif i % 100 == 0:
            name, kind = rng.choice(listed), ""
        elif rng.random() < 0.5:
            name, kind = f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}", "person"
        else:
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {rng.choice(FORMS)}"
            kind = "company"
        lines.append(f'r{i},"{name.replace(chr(34), "")}",{kind}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(rows: int, base: Path, listed: list[str], url: str | None = None) -> dict[str, float | int | str]:
    home = base / f"home-{rows}"
    r = redlist.open(home, database_url=url)
    [first] = r.update(["us_ofac_sdn"], origin=str(SDN / "2024-02-28"), as_of="2024-02-28")
    assert first.ok, first.message
    watch_file(base / f"watch-{rows}.csv", rows, listed)
    started = time.perf_counter()
    r.watch_add("bench", base / f"watch-{rows}.csv")
    added = time.perf_counter() - started
    with Store.open(home, url=url) as store:
        ws = WatchStore(store)
        before = ws.state("last_event_id")
        folder = r.settings.cache_dir
        shutil.rmtree(folder / "watch-index", ignore_errors=True)
        for old in folder.glob("watch-index-*.pickle"):
            old.unlink()
        started = time.perf_counter()
        reverse_index(ws, folder)
        build = time.perf_counter() - started
    [second] = r.update(
        ["us_ofac_sdn"], origin=str(SDN / "2024-03-04"), as_of="2024-03-04", allow_shrink="bench"
    )
    assert second.ok, second.message
    with r.generation() as gen:  # the lists' indexes are built: not part of what is compared
        _ = gen.screener, gen.checker, gen.by_id
    timings: dict[str, float | int | str] = {"add (first full screen)": added, "watch index build": build}
    for label in ("reverse", "reverse again"):
        with Store.open(home, url=url) as store:
            WatchStore(store).set_state("last_event_id", before or "0")
        report = r.watch_run(notify=False)
        timings[label] = report.seconds
        timings[f"{label}: rows screened"] = report.rows_screened
        timings[f"{label}: changed entries"] = report.changed_entries + report.removed_entries
        timings[f"{label}: alerts recomputed / left"] = (
            f"{len(r.alerts()) - report.skipped} / {report.skipped}"
        )
        for step, seconds in report.steps.items():
            timings[f"{label}: {step}"] = seconds
    known = {a["id"] for a in r.alerts()}
    full = r.watch_run(full=True, notify=False)
    timings["full"] = full.seconds
    timings["full: rows screened"] = full.rows_screened
    timings["full: alerts the reverse runs had missed"] = len({a["id"] for a in full.raised} - known)
    timings["full: known alerts raised again (evidence changed)"] = len(
        [a for a in full.raised if a["id"] in known]
    )
    timings["alerts"] = len(r.alerts())
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="postgresql://... of an empty database (one size per run)")
    where.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    if not SDN.exists():
        sys.exit(f"real data not found under {DATA} (set REDLIST_TEST_DATA)")
    if args.database_url and len(args.rows) > 1:
        sys.exit("--database-url: one size per run (each size needs an empty database)")
    server = _throwaway_server() if args.postgres else None
    try:
        _run(args.rows, args.database_url, server)
    finally:
        if server is not None:
            server.stop()


def _throwaway_server() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from pg import PostgresServer, pg_bin

    bindir = pg_bin()
    if bindir is None:
        sys.exit("no PostgreSQL server binaries (initdb): pass --database-url or install postgresql")
    server = PostgresServer(bindir)
    server.start()
    return server


def _run(sizes: list[int], url: str | None, server: Any) -> None:
    with Store.open(Path(tempfile.mkdtemp()) / "names") as store:
        from redlist.store.update import update

        [loaded] = update(store, ["us_ofac_sdn"], origin=str(SDN / "2024-02-28"), as_of="2024-02-28")
        snap = store.latest("us_ofac_sdn")
        assert snap is not None and snap.id is not None
        listed = sorted({e.name for e in store.entities(snap.id)})
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            where = server.database() if server is not None else url
            figures = measure(rows, Path(folder), listed, where)
            load = os.getloadavg()
            backend = "SQLite" if where is None else "PostgreSQL"
            print(
                f"\n{rows:,} watched rows, {backend} (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
            )
            for label, value in figures.items():
                shown = (
                    f"{value:.2f} s"
                    if isinstance(value, float)
                    else (f"{value:,}" if isinstance(value, int) else value)
                )
                print(f"  {label:32} {shown}")


if __name__ == "__main__":
    main()
