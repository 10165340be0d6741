"""The packaged regimes as the status engine reads them: the strict loader's output
(:func:`redlist.regimes.rules.load_regimes`), kept compiled between processes by
:func:`redlist.compiled.load`, so that a status question does not import the loader (pydantic,
YAML) to read ``regimes.yaml``.
"""

from __future__ import annotations

import functools

from redlist import compiled
from redlist.regimes.model import Regime
from redlist.versions import regimes_version

#: The modules that declare and build the compiled regimes (a change to them compiles anew).
CODE = (
    "redlist.regimes.model",
    "redlist.regimes.dates",
    "redlist.regimes.rules",
    "redlist.regimes.schema",
    "redlist.datafile",
    "redlist.model",
)


def regimes() -> list[Regime]:
    """The packaged regimes (read once per process)."""
    return list(_packaged())


@functools.lru_cache(maxsize=1)
def _packaged() -> tuple[Regime, ...]:
    return compiled.load("regimes", regimes_version(), CODE, _strict, tuple)


def _strict() -> tuple[Regime, ...]:
    from redlist.regimes.rules import load_regimes

    return tuple(load_regimes())
