"""Load test of the HTTP API over loopback: single-name POST /screen requests per second and latency.

Usage: python benchmarks/api_load.py [--requests N] [--concurrency C] [--workers W]

Starts `redlist serve` on a free loopback port over the benchmark store (SDN + consolidated + CSL,
see reallists.py), waits for /readyz, then sends N screen requests (a seeded mix of clean names and
perturbed list names) from C concurrent connections with httpx, and prints requests/s and the
latency percentiles, the server's CPU per 1,000 requests and the memory of each server process
after thousands of varied names (RSS/PSS/USS from /proc/PID/smaps_rollup: what a worker decoded
for itself shows in its USS). Target (issue 5): >= 300 requests/s with p99 <= 50 ms on this
2-core machine. The load generator runs on the same machine and takes CPU from the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import peers  # noqa: E402
from reallists import bench_home, load_entities  # noqa: E402
from serve_workers import cpu_seconds, family, memory  # noqa: E402
from speed import query_mix  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, REDLIST_HOME=str(bench_home()))
    cmd = [
        sys.executable,
        "-m",
        "redlist.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-auth",
    ]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            # the workers are forked after the load: ready means every worker has the lists
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                for _ in range(20):
                    httpx.post(f"{base}/screen", json={"name": "warm up"}, timeout=60)
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("the server did not become ready")


async def fire(base: str, bodies: list[dict], concurrency: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            body = queue.get_nowait()
            t0 = time.perf_counter()
            response = await client.post(f"{base}/screen", json=body)
            latencies.append(time.perf_counter() - t0)
            errors += response.status_code != 200

    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    entities = load_entities()  # also makes sure the bench store is loaded
    listed = [(str(e.type), n.value) for e in entities for n in e.names]
    people = peers.read_people(peers.peers_dir() / "yente_candidate_fixtures" / "negatives_us.csv")
    mix = query_mix(args.requests, listed, people, seed=7)
    bodies = [{"name": name, **({"type": kind} if kind else {})} for name, kind, _ in mix]
    random.Random(7).shuffle(bodies)
    port = free_port()
    server = start_server(port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base)
        pids = family(server.pid)
        cpu0 = cpu_seconds(pids)
        latencies, errors, seconds = asyncio.run(fire(base, bodies, args.concurrency))
        cpu = cpu_seconds(pids) - cpu0
        mems = [memory(pid) for pid in pids]  # after thousands of varied names: what workers decoded
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    rps = len(latencies) / seconds
    per = ", ".join(f"{m['Rss']:.0f}/{m['Pss']:.0f}/{m['Uss']:.0f}" for m in mems)
    print(
        "| requests | concurrency | workers | requests/s | p50 ms | p99 ms | errors "
        "| server CPU s per 1,000 req | RSS/PSS/USS MB per process (parent first) | total PSS MB | load |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    print(
        f"| {len(latencies):,} | {args.concurrency} | {args.workers} | {rps:,.0f} | {pct(0.5):.1f} | {pct(0.99):.1f} "
        f"| {errors} | {cpu / len(latencies) * 1000:.2f} | {per} | {sum(m['Pss'] for m in mems):.0f} "
        f"| {os.getloadavg()[0]:.1f} |"
    )


if __name__ == "__main__":
    main()
