"""Reading a watchlist file: the batch screening columns, plus ``isin``, ``quantity`` and ``dob``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redlist.batch.read import read_rows
from redlist.errors import InvalidInput, RedlistError
from redlist.model import Entity, EntityType, Identifier, IdType, Name
from redlist.screen import Query, kind_of

KINDS = ("parties", "portfolio")
_DOB = ("dob", "birth_date", "date_of_birth")


def read_watch_file(path: str | Path, kind: str, *, encoding: str | None = None) -> list[dict[str, Any]]:
    """The rows of a watchlist file; a clear error naming the file and line for a bad row.

    A portfolio row needs an ``isin`` (its ``name`` is optional); a parties row needs a name or an
    identifier. Row ids come from the ``id`` column, else the line number; they must be unique.
    """
    if kind not in KINDS:
        raise InvalidInput(f"unknown watchlist kind {kind!r}: use {' or '.join(KINDS)}")
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    try:
        rows = read_rows(path, encoding=encoding)
        for row in rows:
            where = f"{path}: line {row.line + 1}"
            if row.error:
                raise InvalidInput(f"{where}: {row.error}")
            extra = dict(row.extra)
            quantity = extra.pop("quantity", None)
            birth = next((extra.pop(k) for k in _DOB if k in extra), None)
            ids = {k: v for k, v in row.identifiers.items() if v and v.strip()}
            if kind == "portfolio" and "isin" not in ids:
                raise InvalidInput(f"{where}: a portfolio row needs an isin")
            if not (row.name and row.name.strip()) and not ids:
                raise InvalidInput(f"{where}: give a name or an identifier")
            if row.type:
                try:
                    kind_of(row.type)
                except RedlistError as exc:
                    raise InvalidInput(f"{where}: {exc}") from None
            if quantity is not None:
                try:
                    float(quantity)
                except ValueError:
                    raise InvalidInput(f"{where}: quantity {quantity!r} is not a number") from None
            row_id = row.key
            if row_id in seen:
                raise InvalidInput(f"{where}: id {row_id!r} repeats line {seen[row_id] + 1}")
            seen[row_id] = row.line
            out.append(
                {
                    "row_id": row_id,
                    "name": row.name.strip() if row.name else None,
                    "type": row.type,
                    "country": row.country,
                    "birth_date": birth,
                    "identifiers": ids,
                    "quantity": quantity,
                    "extra": extra,
                }
            )
    except InvalidInput:
        raise
    except RedlistError as exc:
        raise InvalidInput(str(exc)) from None
    if not out:
        raise InvalidInput(f"{path}: no rows")
    return out


def row_key(watchlist: str, row_id: str) -> str:
    """One watched row's key across watchlists (the reverse index's entity id)."""
    return f"{watchlist}\x1f{row_id}"


def split_key(key: str) -> tuple[str, str]:
    watchlist, _, row_id = key.partition("\x1f")
    return watchlist, row_id


def row_query(row: dict[str, Any]) -> Query:
    """The screening query of a watched row (the forward direction)."""
    return Query(
        name=row.get("name"),
        type=row.get("type"),
        country=row.get("country"),
        identifiers=dict(row.get("identifiers") or {}),
        id=row["row_id"],
    )


def row_entity(watchlist: str, row: dict[str, Any]) -> Entity:
    """A watched row as an index entry, so list entries can be run against the rows (reverse search)."""
    kind = kind_of(row.get("type"))
    etype = {"person": EntityType.PERSON, "organization": EntityType.ORGANIZATION}.get(
        kind, EntityType.UNKNOWN
    )
    if kind in ("vessel", "aircraft"):
        etype = EntityType(kind)
    idents = []
    for label, value in (row.get("identifiers") or {}).items():
        try:
            idents.append(Identifier(IdType(label), value))
        except ValueError:
            continue
    return Entity(
        source="watch",
        key=row["row_id"],
        entity_id=row_key(watchlist, row["row_id"]),
        type=etype,
        names=[Name(row["name"])] if row.get("name") else [],
        identifiers=idents,
        countries=[row["country"].upper()] if row.get("country") else [],
    )
