"""REDLIST_MATCH_CACHES: the sizes of the matcher's caches, chosen per process before they are made."""

from __future__ import annotations

import os
import subprocess
import sys

from redlist.match import caches

_PROBE = (
    "from redlist.match import caches, cjk, score; from redlist import indexfile; "
    "print(caches.SCALE, score.token_similarity.cache_info().maxsize, "
    "cjk.pinyin_syllables.cache_info().maxsize, indexfile.KEEP_NAMES, indexfile.KEEP_ENTITIES)"
)


def _run(value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REDLIST_MATCH_CACHES"}
    if value is not None:
        env["REDLIST_MATCH_CACHES"] = value
    return subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env)


def test_default_sizes() -> None:
    done = _run(None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1.0", "16384", "4096", "4096", "512"]


def test_a_factor_scales_every_cache_of_the_process() -> None:
    done = _run("0.25")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0.25", "4096", "1024", "1024", "128"]


def test_a_factor_that_is_not_positive_is_refused() -> None:
    done = _run("0")
    assert done.returncode != 0 and "REDLIST_MATCH_CACHES" in done.stderr


def test_scaled_keeps_at_least_one() -> None:
    assert caches.scaled(1) >= 1 and caches.scaled(0) == 1


def test_the_command_line_says_a_bad_factor_in_one_line(tmp_path) -> None:
    for value in ("abc", "-1"):
        env = {**os.environ, "REDLIST_MATCH_CACHES": value, "PYTHONPATH": os.pathsep.join(sys.path)}
        for command in (["screen", "Huawei"], ["sources"]):
            done = subprocess.run(
                [sys.executable, "-m", "redlist", "--home", str(tmp_path), *command],
                capture_output=True,
                text=True,
                env=env,
            )
            assert done.returncode == 2, (command, done.stderr)
            assert "Traceback" not in done.stderr
            assert (
                f"REDLIST_MATCH_CACHES must be a positive factor such as 0.25, not '{value}'" in done.stderr
            )
