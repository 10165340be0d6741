"""Batch screening at scale: a realistic input of N rows screened by one process, by ``--workers 2``
and by a local Dask cluster of 2 workers (issue 18).

The input (seeded, written as Parquet): 25 % names of the real lists under one small perturbation
(typo, transposition, dropped or moved word, case; the Chinese names of the lists lose or change a
character), 35 % clean people (yente's negative fixtures), 30 % generated company names, 8 %
generated Chinese company names, 2 % rows that cannot be screened (empty, punctuation only,
binary junk); 20 % of the rows carry no type.

Each run is the real command line (``redlist screen --input in.parquet --output out.parquet``),
timed from the outside: wall time including start-up, names/s, and the peak of the summed RSS
(and PSS, which counts shared pages once) of the process and its children, sampled every 0.2 s.
The outputs of the three runs must be identical (same answers, same order, same errors).

The peer, measured in the same run on a sample of the input (``--peer-rows``, default 200 rows
that can be screened): nomenklatura's logic-v2 (yente's default scorer) scoring 50 candidates per
row, as in benchmarks/speed.py (candidates from redlist's index, FtM entities built beforehand;
CPU time, so the peer's names/s is per core and counts no retrieval, reading or writing). Needs
``pip install 'redlist[bench]'`` (nomenklatura); skipped with a note when it is not installed.

The input repeats parties as real files do, more so the more rows it has (the clean names come
from pools of about 98,000 people, 4,000 company names and 7,000 Chinese company names): batch
screening answers a repeated query once (:func:`redlist.batch.run.screen_answer`), so the share
of distinct queries is printed beside the figures.

Usage::

    python benchmarks/scale.py [--rows 200000] [--home HOME] [--seed S] [--skip dask] [--peer-rows 200]
        [--keep DIR]

``--home`` holds the real lists (default: $REDLIST_BENCH_HOME, loaded from the shared data on
first use by benchmarks/reallists.py). Prints a markdown section for docs/benchmarks.md.
Goal: 1,000,000 rows in <= 10 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402  (benchmarks/ is not a package)
from speed import company_names, perturb  # noqa: E402

# Generic words for synthetic Chinese company names: places, trades and legal forms, none a
# listed party on its own.
_ZH_PLACE = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "苏州", "青岛", "厦门", "天津"]
_ZH_WORD = ["华盛", "东方", "新元", "金桥", "瑞丰", "宏达", "永安", "恒信", "长江", "明德", "博远", "嘉和"]
_ZH_TRADE = ["食品", "纺织", "家具", "印刷", "物流", "包装", "陶瓷", "园艺", "服装", "文具", "餐饮", "建材"]
_ZH_FORM = ["有限公司", "有限责任公司", "股份有限公司", "贸易有限公司"]
_JUNK = ["", "   ", "---", "\x00\x01\x02", "\ufffd\ufffd", "?!"]

CONFIGS = {
    "one process": [],
    "--workers 2": ["--workers", "2"],
    "dask, local cluster of 2 workers": ["--engine", "dask", "--workers", "2"],
}


def has_han(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def perturb_han(name: str, rng: random.Random) -> str:
    """A Chinese name with one character dropped or its legal form changed."""
    for form in _ZH_FORM:
        if name.endswith(form) and rng.random() < 0.5:
            return name[: -len(form)] + rng.choice(_ZH_FORM)
    if len(name) > 4:
        i = rng.randrange(2, len(name) - 1)
        return name[:i] + name[i + 1 :]
    return name


def make_rows(n: int, listed: list[tuple[str, str]], people: list[str], seed: int) -> dict[str, list[Any]]:
    """The seeded input table: id, name, type."""
    rng = random.Random(seed)
    latin = [x for x in listed if not has_han(x[1])]
    han = [x for x in listed if has_han(x[1])]
    ids, names, types = [], [], []
    for i in range(n):
        r = rng.random()
        kind: str | None
        if r < 0.25:
            kind, name = rng.choice(han) if han and rng.random() < 0.1 else rng.choice(latin)
            name = perturb_han(name, rng) if has_han(name) else perturb(name, rng)
        elif r < 0.60:
            kind, name = "person", rng.choice(people)
        elif r < 0.90:
            kind, name = "organization", company_names(1, rng)[0]
        elif r < 0.98:
            parts = [rng.choice(_ZH_PLACE), rng.choice(_ZH_WORD), rng.choice(_ZH_TRADE), rng.choice(_ZH_FORM)]
            kind, name = "organization", "".join(parts)
        else:
            kind, name = None, rng.choice(_JUNK)
        if rng.random() < 0.2:
            kind = None
        ids.append(f"r{i}")
        names.append(name)
        types.append({"organization": "company"}.get(kind or "", kind))
    return {"id": ids, "name": names, "type": types}


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """(wall seconds, CPU seconds, peak summed RSS MB, peak summed PSS MB) of a command and its
    children (CPU: user + system of every process it waited for, the workers included)."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(proc.pid)
    peak_rss = peak_pss = 0.0
    while proc.poll() is None:
        rss = pss = 0.0
        try:
            for p in [parent, *parent.children(recursive=True)]:
                info = p.memory_full_info()
                rss += info.rss
                pss += info.pss
        except psutil.Error:
            pass
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.2)
    _, stderr = proc.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 9):  # 9: some rows failed (the junk rows, on purpose)
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{stderr}")
    return wall, cpu, peak_rss / 2**20, peak_pss / 2**20


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def distinct_share(rows: dict[str, list[Any]]) -> float:
    """The share of rows asking a query no earlier row asked (name and type)."""
    return len(set(zip(rows["name"], rows["type"], strict=True))) / max(len(rows["name"]), 1)


def measure_peer(home: Path, rows: dict[str, list[Any]], n: int, seed: int) -> str:
    """nomenklatura logic-v2 on a sample of ``n`` rows that can be screened, 50 candidates each:
    a line for the report."""
    try:
        import nomenklatura  # noqa: F401
    except ImportError:
        return "Peer not measured: nomenklatura is not installed (`pip install 'redlist[bench]'`)."
    import glob

    from speed import measure_peer as peer_run

    from redlist import indexfile
    from redlist.screen import Query, RedlistError, clean_name

    [index_path] = sorted(glob.glob(str(home / "cache" / f"screener-current-*{indexfile.SUFFIX}")))[-1:]
    screener = indexfile.load(Path(index_path))
    rng = random.Random(seed)
    picked: list[tuple[str, str | None, str]] = []
    for i in rng.sample(range(len(rows["name"])), len(rows["name"])):
        try:
            clean_name(rows["name"][i])
        except RedlistError:
            continue
        kind = {"company": "organization"}.get(rows["type"][i] or "", rows["type"][i])
        picked.append((rows["name"][i], kind, "sample"))
        if len(picked) == n + 2000:
            break
    # redlist's first use of a freshly opened index (entries decoded, word lookups cached) is
    # not what a run of many rows sees: warm it on other rows of the input first
    warm = [Query(name=name, type=kind) for name, kind, _ in picked[n:]]
    for query in warm:
        screener.screen(query)
    picked = picked[:n]
    peer = peer_run(screener, picked, 50, seed)
    return (
        f"Peer on a sample of {peer['queries']} rows (CPU time, one core): nomenklatura logic-v2 "
        f"scoring {peer['candidates']} candidates per row {1000 / peer['peer_ms']:,.0f} names/s "
        f"({peer['peer_ms']:.1f} ms per row; candidates given, no retrieval, reading or writing); "
        f"redlist `screen()` on the same rows {1000 / peer['screen_ms']:,.0f} names/s "
        f"({peer['peer_ms'] / peer['screen_ms']:.0f}x)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--skip", action="append", default=[], help="skip configs whose name has this word")
    parser.add_argument(
        "--peer-rows", type=int, default=200, help="rows of the sample the peer scores (0: none)"
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the input and outputs in this folder")
    args = parser.parse_args()

    import pyarrow as pa
    import pyarrow.parquet as pq
    from reallists import bench_home, open_store

    from redlist.store.current import current_entities

    home = args.home or bench_home()
    os.environ["REDLIST_BENCH_HOME"] = str(home)
    with open_store() as store:
        entities = current_entities(store)
    listed = [(str(e.type), n.value) for e in entities for n in e.names]
    people = peers.read_people(peers.peers_dir() / "yente_candidate_fixtures" / "negatives_us.csv")
    people += peers.read_people(peers.peers_dir() / "yente_candidate_fixtures" / "negatives_global.csv")
    env = {**os.environ, "REDLIST_HOME": str(home)}

    with tempfile.TemporaryDirectory(prefix="redlist-scale-") as scratch:
        tmp = str(args.keep or scratch)
        Path(tmp).mkdir(parents=True, exist_ok=True)
        source = Path(tmp) / "input.parquet"
        rows = make_rows(args.rows, listed, people, args.seed)
        pq.write_table(pa.table(rows), source)
        # the index file of this data, so that no run pays for building it
        subprocess.run([sys.executable, "-m", "redlist", "screen", "warm up"], env=env, capture_output=True)
        print(f"### Batch screening at scale: {args.rows:,} rows (`benchmarks/scale.py`)\n")
        print(
            f"Load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min), {os.cpu_count()} cores; "
            f"distinct queries: {distinct_share(rows):.0%} of the rows\n"
        )
        print("| run | wall s | names/s | CPU s | names per CPU s | peak RSS MB (sum) | peak PSS MB (sum) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        outputs = {}
        for label, extra in CONFIGS.items():
            if any(word in label for word in args.skip):
                continue
            target = Path(tmp) / f"out-{len(outputs)}.jsonl"
            command = [
                sys.executable,
                "-m",
                "redlist",
                "screen",
                "--input",
                str(source),
                "--output",
                str(target),
            ]
            wall, cpu, rss, pss = run(command + extra, env)
            print(
                f"| {label} | {wall:.1f} | {args.rows / wall:,.0f} | {cpu:.1f} | {args.rows / cpu:,.0f} "
                f"| {rss:,.0f} | {pss:,.0f} |",
                flush=True,
            )
            outputs[label] = file_digest(target)  # not the bytes: a million rows' output is large
            if not args.keep:
                target.unlink()
        first = next(iter(outputs.values()))
        same = all(o == first for o in outputs.values())
        print(
            f"\nOutputs identical across runs: {'yes' if same else '**NO**'}; "
            f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        if args.peer_rows:
            print("\n" + measure_peer(home, rows, args.peer_rows, args.seed), flush=True)


if __name__ == "__main__":
    main()
