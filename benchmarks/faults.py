"""Fault injection on the real publications: what a cut, corrupt or interrupted update does.

Usage: python benchmarks/faults.py [--trials 30] [--flips 30] [--kills 10] [--concurrent 2]
                                   [--reload 10] [--seed 16] [--only truncation,flips,...] [--json FILE]

Reads the government files under $REDLIST_TEST_DATA/raw (default ../shared/data/raw). Every
publication redlist can load from there is first stored as a baseline snapshot in a scratch home
(the "last good snapshot"); each trial then loads a damaged copy of its main file one day later,
in a copy of that home, through the same `update()` the CLI calls. Phases:

- truncation: the main file cut at a random row (record) boundary (a quarter of them in the last
  3% of the records), either plainly or resealed
  with the file's own ending (OFAC's 0x1A end mark, the XML closing tags, the JSON brackets), as a
  careful attacker or a broken proxy would. Every trial must be refused or stored with a warning
  the baseline did not have; "unflagged" and "traceback" are failures.
- flips: 1-8 random bytes XOR-ed with a random value or replaced by an ASCII separator, quote
  or digit. No traceback, and no stored snapshot whose
  record count differs from the baseline's without a new warning.
- concurrent: the SDN publications loaded by that many `redlist update` processes started at
  once; the history (snapshots and change events) must equal a serial run in date order. While
  they run, the store is opened and read from this process: the slowest read is reported.
- kill: `redlist update` killed with SIGKILL at a random moment; the store must pass SQLite's
  integrity check, every snapshot must hold exactly its record count, and the baseline must be
  unchanged.
- reload (with --reload): runs benchmarks/reload.py (server RSS over 10 reloads, p99 under load).

Exit status 1 when any trial failed. Figures go to docs/benchmarks.md ("Fault injection").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from redlist import sources
from redlist.errors import RedlistError
from redlist.store import Store
from redlist.store.update import update

RAW_DATA = Path(os.environ.get("REDLIST_TEST_DATA", "../shared/data")) / "raw"
_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})")
#: The XML elements that are one record each (consolidated.xml, the advanced XML).
_XML_RECORD_END = re.compile(rb"</sdnEntry>|</DistinctParty>")


@dataclass
class Publication:
    """One loadable publication among the real files: a source, its files and its date."""

    source: str
    folder: Path
    files: dict[str, bytes]
    main: str  # the file damaged by the trials
    as_of: str | None  # from the folder name, else the file's own date

    @property
    def label(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}/{self.main}"


def publications(raw: Path = RAW_DATA) -> list[Publication]:
    """Every (source, format) file set found in the dated folders under ``raw``."""
    found = []
    for folder in sorted(p for p in raw.glob("*/*") if p.is_dir()):
        names = {f.name.lower(): f for f in folder.iterdir() if f.is_file()}
        m = _DATED.match(folder.name)
        for spec in sources.SOURCES.values():
            for fmt in spec.formats:
                if not fmt.matches(set(names)):
                    continue
                used = [n for n in (*fmt.required, *fmt.optional) if n in names]
                files = {n: names[n].read_bytes() for n in used}
                found.append(Publication(spec.id, folder, files, fmt.required[0], m.group(1) if m else None))
    return found


# --- damage --------------------------------------------------------------------------------------


def record_boundaries(name: str, data: bytes) -> tuple[list[int], bytes]:
    """Byte offsets just after each record but the last, and the file's closing bytes."""
    if name.endswith(".xml"):
        ends = [m.end() for m in _XML_RECORD_END.finditer(data)]
        return ends[:-1], data[ends[-1] :] if ends else b""
    if name.endswith(".json"):
        ends = [m.end() for m in re.finditer(rb"\n\},?\s*\n(?=\{)", data)]
        return ends, b"\n]\n}\n" if data.lstrip().startswith(b"{") else b"\n]\n"
    # a text file: after every line but the last; the ending is what follows the last line break
    # (OFAC's 0x1A end mark), so a resealed cut looks like a whole file
    ends = [m.end() for m in re.finditer(rb"\n", data)]
    return ends[:-1], data[ends[-1] :] if ends else b""


def truncate(name: str, data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The file cut at a random record boundary, plainly or resealed with its own ending."""
    ends, tail = record_boundaries(name, data)
    # a quarter of the cuts fall in the last 3% of the records: the hardest case, a shrink under
    # OFAC's limit that no count shows
    near_end = rng.random() < 0.25
    cut = rng.choice(ends[int(len(ends) * 0.97) :] if near_end else ends)
    share = cut / len(data)
    if rng.random() < 0.5:
        return data[:cut], f"cut at {share:.0%}"
    if name.endswith(".json"):
        head = data[:cut].rstrip()
        return head.rstrip(b",") + tail, f"cut at {share:.0%}, resealed"
    return data[:cut] + tail, f"cut at {share:.0%}, resealed"


#: Bytes that keep a text file ASCII but may change its structure (separators, quotes, digits).
_STRUCTURAL = b',"\t\n\r|;:<>/{}[]-0123456789AZaz '


def flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The file with 1-8 random bytes damaged: XOR-ed with a random value (half the trials, which
    mostly breaks UTF-8), or replaced by an ASCII separator, quote or digit (which does not)."""
    out = bytearray(data)
    n = rng.randint(1, 8)
    ascii_ = rng.random() < 0.5
    for _ in range(n):
        i = rng.randrange(len(out))
        if ascii_:
            out[i] = rng.choice(_STRUCTURAL)
        else:
            out[i] ^= rng.randint(1, 255)
    return bytes(out), f"{n} byte(s) {'replaced by ASCII' if ascii_ else 'XOR-ed'}"


# --- one trial -----------------------------------------------------------------------------------


@dataclass
class Baseline:
    home: Path
    as_of: str
    records: int
    warnings: frozenset[str]


def next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def baseline(pub: Publication, cache: Path) -> Baseline:
    """A home holding the undamaged publication as its last good snapshot (built once)."""
    home = cache / re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{pub.source}-{pub.label}")
    with Store.open(home) as store:
        snap = store.latest(pub.source)
        if snap is None:
            folder = home.parent / (home.name + "-in")
            folder.mkdir(exist_ok=True)
            for n, b in pub.files.items():
                (folder / n).write_bytes(b)
            [result] = update(store, [pub.source], origin=str(folder), as_of=pub.as_of)
            if not result.ok or result.snapshot is None:
                raise SystemExit(f"{pub.label}: the undamaged file is not accepted: {result.message}")
            snap = result.snapshot
        return Baseline(home, snap.as_of, snap.record_count, frozenset(snap.warnings))


def load_damaged(pub: Publication, base: Baseline, data: bytes, work: Path) -> tuple[str, str]:
    """Load the publication with its main file replaced by ``data`` on a copy of the baseline.

    Returns (outcome, detail): refused | flagged | same-count | unflagged | traceback."""
    home = work / "home"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base.home, home)
    folder = work / "in"
    folder.mkdir()
    for n, b in pub.files.items():
        (folder / n).write_bytes(data if n == pub.main else b)
    try:
        with Store.open(home) as store:
            [result] = update(store, [pub.source], origin=str(folder), as_of=next_day(base.as_of))
    except RedlistError as exc:
        return "refused", str(exc)[:160]
    except Exception:  # noqa: BLE001 - a traceback is exactly what this harness looks for
        return "traceback", traceback.format_exc(limit=3)[-400:]
    if not result.ok:
        return "refused", result.message[:160]
    snap = result.snapshot
    assert snap is not None
    new_warnings = set(snap.warnings) - base.warnings
    if new_warnings:
        return "flagged", f"{snap.record_count} records, {sorted(new_warnings)[0][:120]}"
    if snap.record_count == base.records:
        return "same-count", f"{snap.record_count} records"
    return "unflagged", f"{snap.record_count} records stored silently (baseline {base.records})"


@dataclass
class Tally:
    name: str
    outcomes: Counter = field(default_factory=Counter)
    by_file: dict[str, Counter] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, label: str, outcome: str, detail: str, bad: bool) -> None:
        self.outcomes[outcome] += 1
        self.by_file.setdefault(label, Counter())[outcome] += 1
        if bad:
            self.failures.append(f"{label}: {outcome}: {detail}")


def damage_phase(name: str, pubs: list[Publication], trials: int, rng: random.Random, cache: Path) -> Tally:
    """Round-robin over the publications: damage the main file, load it, classify the outcome."""
    tally = Tally(name)
    for i in range(trials):
        pub = pubs[i % len(pubs)]
        base = baseline(pub, cache)
        original = pub.files[pub.main]
        data, how = truncate(pub.main, original, rng) if name == "truncation" else flip(original, rng)
        outcome, detail = load_damaged(pub, base, data, cache / "trial")
        if name == "truncation":
            bad = outcome in ("unflagged", "same-count", "traceback")
        else:
            bad = outcome in ("unflagged", "traceback")
        tally.add(pub.label, outcome, f"{how}: {detail}", bad)
        print(f"{name} {i + 1}/{trials} {pub.label} ({how}): {outcome}: {detail[:150]}", flush=True)
    return tally


# --- processes: concurrent updaters and kill -9 --------------------------------------------------


def cli(home: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, REDLIST_HOME=str(home))
    return subprocess.Popen(
        [sys.executable, "-m", "redlist", "update", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def history(home: Path) -> tuple[list[tuple], list[tuple]]:
    """Snapshots and change events of a home, without ids or load times."""
    conn = sqlite3.connect(home / "redlist.sqlite")
    snaps = sorted(conn.execute("SELECT source, as_of, record_count, sha256 FROM snapshots"))
    events = sorted(
        conn.execute("SELECT date, previous_date, source, source_id, change, name, fields FROM events")
    )
    conn.close()
    return snaps, events


def concurrent_phase(pubs: list[Publication], trials: int, rng: random.Random, work: Path) -> Tally:
    """Load the same SDN publications serially and by processes started at once; compare."""
    tally = Tally("concurrent")
    sdn = [p for p in pubs if p.source == "us_ofac_sdn" and p.as_of and p.as_of >= "2024"][:4]
    if len(sdn) < 2:
        tally.failures.append("fewer than two dated SDN publications: phase skipped")
        return tally
    serial = work / "serial"
    shutil.rmtree(serial, ignore_errors=True)
    for pub in sorted(sdn, key=lambda p: p.as_of or ""):
        proc = cli(serial, pub.source, "--from", str(pub.folder / pub.main), "--as-of", pub.as_of or "")
        proc.wait()
    reference = history(serial)
    for t in range(trials):
        home = work / f"concurrent{t}"
        shutil.rmtree(home, ignore_errors=True)
        Store.open(home).close()
        order = rng.sample(sdn, len(sdn))
        procs = [
            cli(home, p.source, "--from", str(p.folder / p.main), "--as-of", p.as_of or "") for p in order
        ]
        slowest = 0.0
        while any(p.poll() is None for p in procs):
            t0 = time.monotonic()
            with Store.open(home, create=False) as store:
                store.snapshots()
            slowest = max(slowest, time.monotonic() - t0)
            time.sleep(0.2)
        codes = [p.returncode for p in procs]
        same = history(home) == reference
        outcome = "identical" if same and not any(codes) else "different"
        detail = f"order {[p.as_of for p in order]}, exit codes {codes}, slowest read {slowest:.2f} s"
        tally.add(f"sdn x{len(sdn)}", outcome, detail, outcome != "identical")
        tally.by_file.setdefault("slowest read s", Counter())[f"{slowest:.2f}"] += 1
        print(f"concurrent {t + 1}/{trials}: {outcome} ({detail})", flush=True)
    return tally


def check_store(home: Path, base: Baseline, source: str) -> str | None:
    """None when the store is whole after a kill, else what is wrong."""
    conn = sqlite3.connect(home / "redlist.sqlite")
    try:
        if (ok := conn.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            return f"integrity check: {ok}"
        rows = conn.execute(
            "SELECT s.id, s.as_of, s.record_count, "
            "(SELECT COUNT(*) FROM snapshot_records r WHERE r.snapshot_id = s.id) "
            "FROM snapshots s WHERE source = ?",
            (source,),
        ).fetchall()
    finally:
        conn.close()
    if not any(as_of == base.as_of and n == base.records == held for _, as_of, n, held in rows):
        return f"the baseline snapshot of {base.as_of} is not intact: {rows}"
    for sid, _, n, held in rows:
        if n != held:
            return f"snapshot {sid} says {n} records but holds {held}"
    with Store.open(home, create=False) as store:
        snap = store.latest(source)
        assert snap is not None
        if sum(1 for _ in store.entities(snap.id or 0)) != snap.record_count:
            return "the newest snapshot's entities cannot all be read"
    return None


def kill_phase(pubs: list[Publication], trials: int, rng: random.Random, cache: Path) -> Tally:
    """SIGKILL `redlist update` at a random moment of its run; the store must be whole."""
    tally = Tally("kill")
    sdn = [p for p in pubs if p.source == "us_ofac_sdn" and p.as_of and p.as_of >= "2024"]
    if len(sdn) < 2:
        tally.failures.append("fewer than two dated SDN publications: phase skipped")
        return tally
    first, second = sdn[-2], sdn[-1]  # the newest two: the second is stored on the first
    base = baseline(first, cache)
    work = cache / "kill"
    # how long an uninterrupted update takes, to spread the kills over it
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base.home, work)
    t0 = time.monotonic()
    cli(work, second.source, "--from", str(second.folder / second.main), "--as-of", second.as_of or "").wait()
    full = time.monotonic() - t0
    for t in range(trials):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(base.home, work)
        proc = cli(
            work, second.source, "--from", str(second.folder / second.main), "--as-of", second.as_of or ""
        )
        delay = rng.uniform(0.3, 1.0) * full
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        problem = check_store(work, base, second.source)
        stored = len(history(work)[0]) > 1
        outcome = "damaged" if problem else ("intact, new snapshot complete" if stored else "intact")
        tally.add(second.label, outcome, problem or "", problem is not None)
        state = "finished before the kill" if finished else f"killed after {delay:.1f} s of ~{full:.1f} s"
        print(f"kill {t + 1}/{trials}: {state}: {outcome} {problem or ''}", flush=True)
    return tally


def reload_phase(reloads: int) -> Tally:
    """benchmarks/reload.py: RSS across reloads and p99 while reloading, under load."""
    tally = Tally("reload")
    script = Path(__file__).with_name("reload.py")
    out = subprocess.run(
        [sys.executable, str(script), "--reloads", str(reloads), "--idle", "15"],
        capture_output=True,
        text=True,
        check=False,
    )
    print(out.stdout, flush=True)
    growth = re.search(r"largest after it: ([\d.]+)%", out.stdout)
    ratio = re.search(r"reloading / idle: ([\d.]+)x", out.stdout)
    if not growth or not ratio:
        tally.failures.append(f"reload.py failed: {out.stderr[-400:]}")
        return tally
    tally.add("rss growth %", growth.group(1), "", float(growth.group(1)) > 10)
    tally.add("p99 ratio", ratio.group(1), "", float(ratio.group(1)) > 2)
    return tally


# --- report --------------------------------------------------------------------------------------


def report(tallies: list[Tally]) -> None:
    for t in tallies:
        print(f"\n## {t.name}: " + ", ".join(f"{k} {v}" for k, v in sorted(t.outcomes.items())))
        for label, counts in sorted(t.by_file.items()):
            print(f"  {label}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        for f in t.failures:
            print(f"  FAILED {f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=30, help="truncation trials")
    parser.add_argument("--flips", type=int, default=30, help="byte-flip trials")
    parser.add_argument("--concurrent", type=int, default=2, help="concurrent-updater trials")
    parser.add_argument("--kills", type=int, default=10, help="kill -9 trials")
    parser.add_argument("--reload", type=int, default=0, help="reloads under load (reload.py); 0 skips")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated phases to run")
    parser.add_argument("--json", type=Path, help="write the tallies as JSON here")
    parser.add_argument("--work", type=Path, help="scratch folder (baselines are kept there)")
    args = parser.parse_args()
    if not RAW_DATA.is_dir():
        raise SystemExit(f"no test data at {RAW_DATA}: set REDLIST_TEST_DATA")
    rng = random.Random(args.seed)
    work = args.work or Path(tempfile.gettempdir()) / "redlist-faults"
    work.mkdir(parents=True, exist_ok=True)
    pubs = publications()
    only = set(filter(None, args.only.split(",")))
    wanted = lambda phase: not only or phase in only  # noqa: E731
    print(f"{len(pubs)} publications: " + ", ".join(p.label for p in pubs), flush=True)
    print(f"load: {os.getloadavg()}", flush=True)
    tallies = []
    if wanted("truncation") and args.trials:
        tallies.append(damage_phase("truncation", pubs, args.trials, rng, work))
    if wanted("flips") and args.flips:
        tallies.append(damage_phase("flips", pubs, args.flips, rng, work))
    if wanted("concurrent") and args.concurrent:
        tallies.append(concurrent_phase(pubs, args.concurrent, rng, work))
    if wanted("kill") and args.kills:
        tallies.append(kill_phase(pubs, args.kills, rng, work))
    if wanted("reload") and args.reload:
        tallies.append(reload_phase(args.reload))
    print(f"\nload: {os.getloadavg()}")
    report(tallies)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    t.name: {"outcomes": t.outcomes, "by_file": t.by_file, "failures": t.failures}
                    for t in tallies
                },
                indent=1,
            )
        )
    sys.exit(1 if any(t.failures for t in tallies) else 0)


if __name__ == "__main__":
    main()
