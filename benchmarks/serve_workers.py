"""The server with 1 and 2 workers: req/s, p50/p99, server CPU per 1,000 requests, RSS and PSS of
each server process (issue 18). A Python client (httpx, 4 threads) sends single-name ``POST
/screen`` requests; it shares the machine with the server, so req/s is a floor.

Usage: REDLIST_HOME=<home with the lists> python benchmarks/serve_workers.py [REQUESTS]
"""

import os
import subprocess
import sys
import threading
import time

import httpx
import psutil

NAMES = [
    "Kathryn Barr",
    "Huawei Technologies",
    "Usama bin Laden",
    "Maria Lopez Garcia",
    "Golden Star Trading LLC",
    "Rosoboronexport",
    "Jane Smith",
    "Acme Widgets GmbH",
]


def bench(workers, port, n=1000):
    env = dict(os.environ)
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "redlist",
            "serve",
            "--port",
            str(port),
            "--no-auth",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        with httpx.Client() as c:  # warm every worker
            for i in range(200):
                c.post(url + "/screen", json={"name": NAMES[i % 8]}, timeout=60)
        procs = [psutil.Process(p.pid), *psutil.Process(p.pid).children(recursive=True)]
        cpu0 = sum(sum(x.cpu_times()[:2]) for x in procs)
        lat = []

        def client(k):
            with httpx.Client() as c:
                for i in range(n // 4):
                    t = time.perf_counter()
                    r = c.post(url + "/screen", json={"name": NAMES[(i + k) % 8]}, timeout=60)
                    lat.append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text

        t = time.perf_counter()
        ths = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        [th.start() for th in ths]
        [th.join() for th in ths]
        wall = time.perf_counter() - t
        cpu = sum(sum(x.cpu_times()[:2]) for x in procs) - cpu0
        mem = [(x.pid, x.memory_full_info()) for x in procs]
        lat.sort()
        print(
            f"| {workers} | {len(lat) / wall:.0f} | {lat[len(lat) // 2] * 1000:.1f} | {lat[int(len(lat) * 0.99)] * 1000:.1f} | {cpu / len(lat) * 1000:.2f} | "
            + ", ".join(f"{m.rss / 2**20:.0f}/{m.pss / 2**20:.0f}" for _, m in mem)
            + f" | {os.getloadavg()[0]:.1f} |",
            flush=True,
        )
    finally:
        p.terminate()
        p.wait(20)


print("| workers | req/s | p50 ms | p99 ms | server CPU s per 1,000 req | RSS/PSS MB per process | load |")
print("|---:|---:|---:|---:|---:|---|---:|")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
bench(1, 8791, n)
bench(2, 8792, n)
