"""The strict loader of ``sources/data/precedence.yaml`` (see :mod:`redlist.sources.precedence`):
the file checked against its schema, every problem with its place; the result as plain data, which
:mod:`redlist.compiled` keeps between processes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from redlist import datafile
from redlist.datafile import Schema
from redlist.errors import DataFileError
from redlist.model import LIST_IDS, SOURCE_IDS


class _ListSources(Schema):
    primary: str | None = None
    copies: list[str] = Field(default_factory=list)
    distinct: bool = False


class _File(Schema):
    lists: dict[str, _ListSources]


def load(path: Path, others: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    """``list id -> {primary, copies, distinct}``; raises DataFileError naming every problem.
    A source is one of :data:`redlist.model.SOURCE_IDS` or ``others``."""
    doc = datafile.read(path)
    spec, problems = datafile.validate(doc, _File)
    if spec is not None:
        for list_id, entry in spec.lists.items():
            if list_id not in LIST_IDS:
                problems.append(doc.problem(("lists", list_id), f"unknown list id {list_id!r}"))
            for source in [entry.primary, *entry.copies]:
                if source is not None and source not in (*SOURCE_IDS, *others):
                    problems.append(doc.problem(("lists", list_id), f"unknown source id {source!r}"))
    datafile.raise_problems(problems, DataFileError)
    assert spec is not None
    return {list_id: entry.model_dump() for list_id, entry in spec.lists.items()}
