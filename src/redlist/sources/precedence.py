"""Which publication is authoritative for each list (``data/precedence.yaml``).

A list's *primary* source dates and describes its entries; its *copies* (the CSL, and the bundled
curated entries of a list redlist also parses from official text) add only what the primary lacks. :func:`rank` orders sources for merging a record seen in several of them, and
:func:`is_copy` tells the status engine which listings to set aside when the primary has its own.

The file is read by its strict loader (:mod:`redlist.sources.precedence_file`) and kept compiled
between processes (:mod:`redlist.compiled`): a status question reads it without pydantic or YAML.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redlist import compiled
from redlist.versions import file_version, package_dir

#: The bundled curated entries' source: a copy of the lists parsed from official text.
CURATED = "curated"
#: The modules that read the file (a change to them compiles it anew).
CODE = ("redlist.sources.precedence_file", "redlist.datafile")


@dataclass(frozen=True)
class ListSources:
    """Who publishes one list: its primary source (None: only copies), the copies, and whether
    the primary lists each party once."""

    primary: str | None
    copies: tuple[str, ...]
    distinct: bool


def _path() -> Path:
    return package_dir("redlist.sources") / "data" / "precedence.yaml"


@functools.cache
def _load() -> dict[str, ListSources]:
    path = _path()
    found = compiled.load("precedence", file_version(path), CODE, lambda: _strict(path), dict)
    return {
        list_id: ListSources(entry["primary"], tuple(entry["copies"]), bool(entry["distinct"]))
        for list_id, entry in found.items()
    }


def _strict(path: Path) -> dict[str, dict[str, Any]]:
    from redlist.sources.precedence_file import load

    return load(path, others=(CURATED,))


def primary(list_id: str) -> str | None:
    """The authoritative source of a list, or None when only copies publish it."""
    entry = _load().get(list_id)
    return entry.primary if entry else None


def copies(list_id: str) -> list[str]:
    """The sources that only copy a list (``curated``: the bundled entries)."""
    entry = _load().get(list_id)
    return list(entry.copies) if entry else []


def is_copy(list_id: str, source: str) -> bool:
    """Whether ``source`` only copies ``list_id`` (its listings defer to the primary's)."""
    entry = _load().get(list_id)
    return entry is not None and source in entry.copies and source != entry.primary


def rank(source: str) -> int:
    """A sort key: sources that are primary for some list before the copies, then the rest."""
    lists = _load().values()
    if any(entry.primary == source for entry in lists):
        return 0
    if any(source in entry.copies for entry in lists):
        return 1
    return 2


def distinct(list_id: str) -> bool:
    """Whether the list's primary publisher lists each party once (its entries are distinct parties)."""
    entry = _load().get(list_id)
    return entry is not None and entry.distinct
