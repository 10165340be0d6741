"""Start-up of one question from the command line (issue 18): `redlist screen NAME` and
`redlist check NAME`, warm and cold, timed from the outside.

    python benchmarks/startup.py [--home HOME] [--runs 5] [--cold 3] [--python-root DIR ...]

HOME holds the real lists (default: the benchmark home of benchmarks/reallists.py, loaded on first
use); a first run builds the index files, then each command is run ``--runs`` times (the median is
reported: wall time, CPU time of the process, peak RSS) and, with ``--cold N``, N times after the
home, redlist's sources and the Python installation (``--python-root``, default: the standard
library and the site-packages in use) are dropped from the page cache with
``posix_fadvise(DONTNEED)``. The load average is printed with each figure: on a shared machine the
CPU seconds are the comparable figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import sysconfig
import time
from pathlib import Path

QUESTIONS = [
    ["screen", "Huawei Technologies"],
    ["check", "Huawei Technologies"],
    ["screen", "Miguel Morales", "--type", "person"],
]


def drop_from_cache(roots: list[Path]) -> int:
    """posix_fadvise(DONTNEED) every file under ``roots``; returns how many."""
    count = 0
    for root in roots:
        for folder, _, files in os.walk(root):
            for name in files:
                try:
                    fd = os.open(os.path.join(folder, name), os.O_RDONLY)
                except OSError:
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    count += 1
                finally:
                    os.close(fd)
    return count


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one run of ``redlist ARGV``, its output discarded."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: python -m redlist, stdout and stderr to /dev/null
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execve(sys.executable, [sys.executable, "-m", "redlist", *argv], env)
    _, _, usage = os.wait4(pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a home holding the real lists")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", type=int, default=0)
    parser.add_argument("--python-root", type=Path, action="append")
    args = parser.parse_args()
    if args.home is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from reallists import bench_home, open_store

        open_store().close()
        args.home = bench_home()
    env = {**os.environ, "REDLIST_HOME": str(args.home)}
    import redlist

    roots = [args.home, Path(redlist.__file__).resolve().parent]
    roots += args.python_root or [
        Path(sysconfig.get_paths()["stdlib"]),
        Path(sysconfig.get_paths()["purelib"]),
    ]
    for argv in QUESTIONS:
        run_once(argv, env)  # builds the index files when missing, warms the page cache
        warm = [run_once(argv, env) for _ in range(args.runs)]
        line = (
            f"redlist {' '.join(argv)}: warm wall {statistics.median(w for w, _, _ in warm):.2f} s, "
            f"CPU {statistics.median(c for _, c, _ in warm):.2f} s, RSS {max(r for _, _, r in warm):.0f} MB"
        )
        if args.cold:
            cold = []
            for _ in range(args.cold):
                drop_from_cache(roots)
                cold.append(run_once(argv, env))
            line += (
                f"; cold wall {statistics.median(w for w, _, _ in cold):.2f} s, "
                f"CPU {statistics.median(c for _, c, _ in cold):.2f} s"
            )
        print(f"{line} (load {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    main()
