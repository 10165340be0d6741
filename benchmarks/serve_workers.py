"""`redlist serve` with 1, 2 (and 3) workers under wrk: req/s, p50/p99, server CPU per 1,000
requests, and the memory of every server process (RSS, PSS, USS from /proc/PID/smaps_rollup).

Usage: python benchmarks/serve_workers.py [--duration S] [--connections C] [--workers 1,2,3]
                                          [--pin | --no-pin] [--audit | --no-audit]

Needs `wrk` on the PATH (Debian: `apt-get install wrk`; this script installs nothing) and the
benchmark home of reallists.py ($REDLIST_BENCH_HOME, loaded on first use). Each run starts
`redlist serve --no-auth --workers N` on a free loopback port, waits for every worker to answer,
warms them, then runs `wrk -t1 -cC -dS --latency -s benchmarks/screen.lua` (single-name
``POST /screen``, a rotating mix of clean and listed names).

With --pin (the default on a machine with 2 or more cores), wrk runs on core 0 and the server
(the parent and every worker it forks) on the other cores, both through `taskset`, so that the
load generator does not take CPU from the server within a core and the CPU per request is
measured without that contention. The server's CPU is the user + system time of all its
processes (/proc/PID/stat) during the wrk run; memory is read right after it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from reallists import bench_home, open_store  # noqa: E402

LUA = Path(__file__).parent / "screen.lua"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def family(pid: int) -> list[int]:
    """``pid`` and its children (the forked workers)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(int(k) for k in kids)]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of ``pids``; a process that has gone (a worker restarted by its
    supervisor during the run) raises ProcessLookupError."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            raise ProcessLookupError(pid) from None
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def switches(pids: list[int]) -> int:
    """Involuntary context switches of ``pids`` (the kernel taking the core away mid-work)."""
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("nonvoluntary_ctxt_switches"):
                total += int(line.split()[1])
    return total


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) in MB, and the thread count."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
            out[key] = int(rest.split()[0]) / 1024
    out["Uss"] = out.pop("Private_Clean") + out.pop("Private_Dirty")
    out["threads"] = len(os.listdir(f"/proc/{pid}/task"))
    return out


def wait_workers(base: str, workers: int, timeout: float = 600) -> None:
    """Until the lists are in and every worker has answered (each reports its pid)."""
    deadline = time.monotonic() + timeout
    seen: set[int] = set()
    while time.monotonic() < deadline:
        try:  # a new connection each time: the kernel hands them to the workers in turn
            if httpx.get(base + "/readyz", timeout=5).status_code == 200:
                # a server before the pre-fork runner reports no pid: ready is all it says
                seen.add(httpx.get(base + "/healthz", timeout=5).json().get("pid", 0))
                if len(seen) >= workers or 0 in seen:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"not every worker answered within {timeout:g} s")


def warm(base: str, requests: int = 400) -> None:
    names = re.findall(r'"([^"]+)"', LUA.read_text().split("\n", 1)[0])
    with httpx.Client(timeout=60) as client:  # new connections: the kernel spreads them over the workers
        for i in range(requests):
            client.post(
                base + "/screen", json={"name": names[i % len(names)]}, headers={"Connection": "close"}
            )


def run_wrk(base: str, duration: int, connections: int, cpus: str | None) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(LUA), base + "/"]
    if cpus is not None:
        cmd = ["taskset", "-c", cpus, *cmd]
    start = os.times()
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    end = os.times()
    out = {
        "requests": float(re.search(r"(\d+) requests in", text).group(1)),  # type: ignore[union-attr]
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),  # type: ignore[union-attr]
        "wrk_cpu": (end.children_user - start.children_user) + (end.children_system - start.children_system),
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["errors"] = float(errors.group(1)) if errors else 0.0
    for pct in ("50", "99"):
        value, unit = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
        out[f"p{pct}"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return out


def bench(workers: int, args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, REDLIST_HOME=str(bench_home()), REDLIST_AUDIT="1" if args.audit else "0")
    cmd = [
        sys.executable,
        "-m",
        "redlist",
        "serve",
        "--port",
        str(port),
        "--no-auth",
        "--workers",
        str(workers),
    ]
    server_cpus = wrk_cpus = None
    if args.pin:
        wrk_cpus, server_cpus = "0", f"1-{os.cpu_count() - 1}"  # type: ignore[operator]
        cmd = ["taskset", "-c", server_cpus, *cmd]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        try:
            wait_workers(base, workers, args.ready_timeout)
        except TimeoutError as exc:
            print(
                f"| {workers} | {'yes' if args.pin else 'no'} | {'on' if args.audit else 'off'} | {exc} |",
                flush=True,
            )
            return
        up = time.monotonic() - started
        warm(base)
        pids = family(proc.pid)
        load = os.getloadavg()[0]
        cpu0, switched0 = cpu_seconds(pids), switches(pids)
        result = run_wrk(base, args.duration, args.connections, wrk_cpus)
        try:
            cpu = cpu_seconds(pids) - cpu0
            switched = switches(pids) - switched0
        except ProcessLookupError as gone:
            print(
                f"| {workers} | server process {gone} exited during the run (a worker restarted) |",
                flush=True,
            )
            return
        mems = [memory(pid) for pid in pids]
        total_pss = sum(m["Pss"] for m in mems)
        per = ", ".join(
            f"{m['Rss']:.0f}/{m['Pss']:.0f}/{m['Uss']:.0f}"
            + (f" ({m['threads']:.0f} thr)" if m["threads"] > 1 else "")
            for m in mems
        )
        print(
            f"| {workers} | {'yes' if args.pin else 'no'} | {'on' if args.audit else 'off'} | {result['rps']:.0f} "
            f"| {result['p50']:.1f} | {result['p99']:.1f} | {cpu / result['requests'] * 1000:.2f} "
            f"| {switched / result['requests'] * 1000:.0f} "
            f"| {cpu / args.duration:.2f} | {result['wrk_cpu'] / args.duration:.2f} | {per} | {total_pss:.0f} "
            f"| {up:.0f} | {load:.1f} |",
            flush=True,
        )
        if result["errors"]:
            print(f"  ({result['errors']:.0f} answers were not 2xx)", flush=True)
    finally:
        proc.terminate()
        proc.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--pin", action=argparse.BooleanOptionalAction, default=(os.cpu_count() or 1) >= 2)
    parser.add_argument("--ready-timeout", type=float, default=300, help="seconds for every worker to answer")
    parser.add_argument("--audit", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is not installed (Debian: apt-get install wrk); this benchmark installs nothing"
        )
    open_store().close()  # the lists are loaded into the benchmark home once
    print(
        "| workers | pinned | audit | req/s | p50 ms | p99 ms | server CPU s per 1,000 req "
        "| involuntary switches per 1,000 req | server cores busy "
        "| wrk cores busy | RSS/PSS/USS MB per process (parent first) | total PSS MB | up in s | load |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for workers in (int(w) for w in args.workers.split(",")):
        bench(workers, args)


if __name__ == "__main__":
    main()
