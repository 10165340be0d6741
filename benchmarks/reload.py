"""Reloads under load: the server's memory across data reloads, and latency while it reloads.

Usage: python benchmarks/reload.py [--reloads 10] [--concurrency 8] [--idle 20]

Copies the benchmark store (SDN + consolidated + CSL, see reallists.py) to a temporary home and
starts `redlist serve` over it (one worker, reload check every second). A load generator keeps C
connections busy with single-name POST /screen requests for the whole run. After an idle phase,
each reload is triggered by a data change the server must pick up: the home's judgements file is
rewritten (it is part of the data key), so the server builds a new generation (party graph and
screening index) while it answers, then releases the old one. Recorded: the server's RSS before
the first and after each reload, and the latency percentiles while idle and while reloading.

Targets (issue 16): RSS flat within 10% across 10 reloads; p99 while reloading within 2x of idle.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from api_load import free_port  # noqa: E402
from reallists import bench_home, load_entities  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_server(home: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, REDLIST_HOME=str(home), REDLIST_RELOAD_INTERVAL="1")
    cmd = [sys.executable, "-m", "redlist", "serve", "--port", str(port), "--no-auth"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def status(base: str) -> dict:
    return httpx.get(f"{base}/readyz", timeout=30).json()


def wait_for(predicate, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("timed out waiting for the server")


class Load:
    """C connections posting screen requests until stopped; latencies with their start times."""

    def __init__(self, base: str, bodies: list[dict], concurrency: int) -> None:
        self.base, self.bodies, self.concurrency = base, bodies, concurrency
        self.samples: list[tuple[float, float]] = []  # (start, seconds)
        self.errors = 0
        self.running = True

    async def run(self) -> None:
        limits = httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            await asyncio.gather(*(self._worker(client, i) for i in range(self.concurrency)))

    async def _worker(self, client: httpx.AsyncClient, offset: int) -> None:
        i = offset
        while self.running:
            body = self.bodies[i % len(self.bodies)]
            i += self.concurrency
            t0 = time.monotonic()
            try:
                response = await client.post(f"{self.base}/screen", json=body)
                self.errors += response.status_code != 200
            except httpx.HTTPError:
                self.errors += 1
            self.samples.append((t0, time.monotonic() - t0))

    def between(self, start: float, end: float) -> list[float]:
        return sorted(s for t, s in self.samples if start <= t < end)


def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")


async def run(args: argparse.Namespace) -> None:
    entities = load_entities()  # also makes sure the bench store is loaded
    rng = random.Random(7)
    names = [n.value for e in entities for n in e.names]
    bodies = [{"name": rng.choice(names)} for _ in range(5000)]
    home = Path(tempfile.mkdtemp(prefix="redlist-reload-")) / "home"
    shutil.copytree(bench_home(), home, ignore=shutil.ignore_patterns("cache"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(home, port)
    loop = asyncio.get_running_loop()
    load: Load | None = None
    try:
        await loop.run_in_executor(None, wait_for, lambda: status(base).get("ready"))
        load = Load(base, bodies, args.concurrency)
        runner = asyncio.create_task(load.run())
        await asyncio.sleep(5)  # warm-up, not measured
        idle_start = time.monotonic()
        await asyncio.sleep(args.idle)
        idle = load.between(idle_start, time.monotonic())
        rss = [rss_mb(server.pid)]
        windows = []
        for n in range(args.control):
            await asyncio.sleep(15)  # the same load, no reload: what traffic alone does to RSS
            rss.append(rss_mb(server.pid))
            print(f"control {n + 1}: RSS {rss[-1]:.0f} MB", flush=True)
        for n in range(args.reloads):
            before = (await loop.run_in_executor(None, status, base))["data_key"]
            judgements = home / "judgements.yaml"
            judgements.write_text(f"# reload {n}\njudgements: []\n", encoding="utf-8")
            start = time.monotonic()
            await loop.run_in_executor(
                None,
                wait_for,
                lambda b=before: (s := status(base))["data_key"] != b and not s["reloading"],
            )
            windows.append((start, time.monotonic()))
            await asyncio.sleep(args.settle)
            rss.append(rss_mb(server.pid))
            print(f"reload {n + 1}: {windows[-1][1] - start:.1f} s, RSS {rss[-1]:.0f} MB", flush=True)
        load.running = False
        await runner
    finally:
        if load is not None:
            load.running = False
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(home.parent, ignore_errors=True)
    during = sorted(s for a, b in windows for s in load.between(a, b)) or [float("nan")]
    print()
    print("| phase | requests | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for label, values in (("idle", idle), ("while reloading", during)):
        print(
            f"| {label} | {len(values):,} | {pct(values, 0.5):.1f} | {pct(values, 0.99):.1f} | {pct(values, 1):.0f} |"
        )
    print()
    print(f"errors: {load.errors}")
    print("RSS MB before the first reload and after each: " + ", ".join(f"{r:.0f}" for r in rss))
    growth = (max(rss[1:]) - rss[1]) / rss[1] if len(rss) > 2 else 0.0
    print(f"growth from the first reload to the largest after it: {growth:.1%}")
    print(f"p99 while reloading / idle: {pct(during, 0.99) / pct(idle, 0.99):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reloads", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle measurement")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds after a reload before RSS")
    parser.add_argument("--control", type=int, default=0, help="15 s control steps without a reload")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
