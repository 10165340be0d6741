"""Low-level helpers with no redlist imports: every layer may use them."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small records are built.

    Parsing allocates millions of small acyclic objects; with the collector on, its repeated
    passes over the growing heap doubled the CSL's parse time and tripled a 100 MB XML file's.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_problem(text: str, max_depth: int) -> str | None:
    """Why ``text`` is not safe to parse as JSON, or None: nested deeper than ``max_depth`` (the
    parser would recurse until it fails) or a string escaping a lone UTF-16 surrogate (no valid
    text; it breaks every encoder downstream). Syntax errors are left to the parser."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        value = token.group()
        if value in "[{":
            depth += 1
            if depth > max_depth:
                return f"JSON nested deeper than {max_depth} levels (at character {token.start()})"
        elif value in "]}":
            depth -= 1
        elif "\\u" in value or _SURROGATE.search(value):
            problem = _string_problem(value, token.start())
            if problem:
                return problem
    return None


def _string_problem(literal: str, offset: int) -> str | None:
    try:
        decoded = json.loads(literal)
    except ValueError:
        return None  # malformed: the parser will say so
    if _SURROGATE.search(decoded):
        return f"JSON string at character {offset} holds a lone UTF-16 surrogate (not valid Unicode text)"
    return None


#: List parser ("the following three aliases") and the name normaliser ("Brigade Forty-Four").
NUMBER_WORDS: dict[str, int] = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
} | {
    w: 10 * i
    for i, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2
    )
}


def limit_thread_pools() -> None:
    """One thread per numerical library: a server's workers are the parallelism (a BLAS or
    OpenMP pool per worker would start one thread per core in each of them), and a one-shot
    answer does no linear algebra. Must run before numpy is imported; a value set by the
    user is kept."""
    for name in (
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "BLIS_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
    ):
        os.environ.setdefault(name, "1")


def write_cache_file(path: Path, data: bytes, *, replaces: str) -> None:
    """``data`` in ``path``, written whole or not at all (another process may be reading it, or
    writing it too); the files beside it named like ``replaces`` (a glob: the older generations of
    the same cache) are removed first. A home that cannot be written to keeps none: a cache only
    saves time."""
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(replaces):
            if old != path:
                old.unlink(missing_ok=True)
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
