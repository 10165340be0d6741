"""The packaged curated data as the checker and the party resolution read it: the strict loader's
output (:func:`redlist.curated.loader.load`), kept compiled between processes by
:func:`redlist.compiled.load`, so that a status question does not import the loader (pydantic,
YAML) to read the curated lists.
"""

from __future__ import annotations

import functools

from redlist import compiled
from redlist.curated.model import CuratedData
from redlist.versions import curated_version

#: The modules that declare and build the compiled data (a change to them compiles anew).
CODE = (
    "redlist.curated.model",
    "redlist.curated.loader",
    "redlist.curated.schema",
    "redlist.datafile",
    "redlist.identifiers",
    "redlist.model",
)


@functools.cache
def packaged() -> CuratedData:
    """The packaged curated lists and events (read once per process)."""
    return compiled.load("curated", curated_version(), CODE, _strict, CuratedData)


def _strict() -> CuratedData:
    from redlist.curated.loader import load

    return load()
