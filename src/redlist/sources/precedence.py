"""Which publication is authoritative for each list (``data/precedence.yaml``).

A list's *primary* source dates and describes its entries; its *copies* (the CSL, and the bundled
curated entries of a list redlist also parses from official text) add only what the primary lacks. :func:`rank` orders sources for merging a record seen in several of them, and
:func:`is_copy` tells the status engine which listings to set aside when the primary has its own.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from pydantic import Field

from redlist import datafile
from redlist.datafile import Schema
from redlist.errors import DataFileError
from redlist.model import LIST_IDS, SOURCE_IDS

#: The bundled curated entries' source: a copy of the lists parsed from official text.
CURATED = "curated"


class _ListSources(Schema):
    primary: str | None = None
    copies: list[str] = Field(default_factory=list)
    distinct: bool = False


class _File(Schema):
    lists: dict[str, _ListSources]


def _path() -> Path:
    return Path(str(resources.files("redlist.sources").joinpath("data", "precedence.yaml")))


@functools.cache
def _load() -> dict[str, _ListSources]:
    doc = datafile.read(_path())
    spec, problems = datafile.validate(doc, _File)
    if spec is not None:
        for list_id, entry in spec.lists.items():
            if list_id not in LIST_IDS:
                problems.append(doc.problem(("lists", list_id), f"unknown list id {list_id!r}"))
            for source in [entry.primary, *entry.copies]:
                if source is not None and source not in (*SOURCE_IDS, CURATED):
                    problems.append(doc.problem(("lists", list_id), f"unknown source id {source!r}"))
    datafile.raise_problems(problems, DataFileError)
    assert spec is not None
    return dict(spec.lists)


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
