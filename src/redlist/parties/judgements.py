"""Reviewed judgements about entries: the same party, related (with an ownership share), or not the same.

Two files, one schema: the bundled ``parties/data/judgements.yaml`` (reviewed, each with a
citation) and the user's own ``judgements.yaml`` in the home directory, written by
``redlist party link``. A user judgement on a pair replaces a bundled one on the same pair, and
``redlist party show`` says so; nothing is overridden silently.

A side of a judgement is an entry id (``ofac-30946``, ``us_dod_1260h:...``, ``bis-el-...``) or an
unlisted party named in place (``{name: ..., country: CN}``), which becomes an entry of its own
(``unlisted:<slug>``): a subsidiary that is on no list but is owned by a listed party.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import Field, field_validator, model_validator

from redlist import datafile
from redlist.datafile import Country, PastDay, Schema, Text, Url
from redlist.errors import DataFileError, RedlistError
from redlist.model import Entity, EntityType, Name
from redlist.parties.model import RELATIONS, Link

USER_FILE = "judgements.yaml"
Relation = Literal["owned_by", "parent", "subsidiary", "affiliate", "branch", "linked_to"]
assert get_args(Relation) == RELATIONS


class JudgementError(DataFileError):
    """A judgements file is malformed; the message names the file, the line and the field."""


class UnlistedSpec(Schema):
    """A party on no list, named where a judgement needs it."""

    name: Text
    type: Literal["person", "organization", "vessel", "aircraft"] = "organization"
    country: Country | None = None


class JudgementSpec(Schema):
    a: str | UnlistedSpec
    b: str | UnlistedSpec
    judgement: Literal["same", "related", "not_same"]
    relation: Relation | None = None
    share: float | None = Field(None, gt=0, le=1, strict=False)
    reason: Text
    citation: Text | None = None
    source_url: Url | None = None
    by: Text | None = None
    date: PastDay | None = None

    @field_validator("a", "b")
    @classmethod
    def _entry_id(cls, value: str | UnlistedSpec) -> str | UnlistedSpec:
        if isinstance(value, str) and not value.strip():
            raise ValueError("missing or empty")
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _relation_fits(self) -> JudgementSpec:
        if self.judgement == "related" and self.relation is None:
            raise ValueError("a related judgement needs a relation: " + ", ".join(RELATIONS))
        if self.judgement != "related" and self.relation is not None:
            raise ValueError("only a related judgement has a relation")
        if self.share is not None and self.relation != "owned_by":
            raise ValueError("a share belongs to an owned_by relation")
        return self


class JudgementsFile(Schema):
    judgements: list[dict[str, Any]] = Field(default_factory=list)


def bundled_path() -> Path:
    return Path(str(resources.files("redlist.parties").joinpath("data", "judgements.yaml")))


def unlisted_id(spec: UnlistedSpec) -> str:
    """The entry id of an unlisted party: its name (and country) as a slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", spec.name.casefold()).strip("-")
    return f"unlisted:{slug}" + (f"-{spec.country.lower()}" if spec.country else "")


def unlisted_entity(spec: UnlistedSpec) -> Entity:
    entry_id = unlisted_id(spec)
    return Entity(
        source="unlisted",
        key=entry_id,
        entity_id=entry_id,
        type=EntityType(spec.type),
        names=[Name(spec.name)],
        countries=[spec.country] if spec.country else [],
    )


def load(path: Path, evidence: str, *, require_citation: bool) -> tuple[list[Link], list[Entity]]:
    """The links a judgements file makes and the unlisted parties it names; raise on any problem."""
    if not path.exists():
        return [], []
    doc = datafile.read(path)
    spec, problems = datafile.validate(doc, JudgementsFile)
    items, found = datafile.validate_items(doc, ("judgements",), JudgementSpec)
    problems += found
    links: list[Link] = []
    unlisted: dict[str, Entity] = {}
    for i, item in items:
        if require_citation and not (item.citation and item.source_url):
            problems.append(
                doc.problem(("judgements", i), "a bundled judgement needs a citation and a source_url")
            )
            continue
        ends = []
        for side in (item.a, item.b):
            if isinstance(side, UnlistedSpec):
                entity = unlisted_entity(side)
                unlisted[entity.entity_id] = entity
                ends.append(entity.entity_id)
            else:
                ends.append(side)
        if ends[0] == ends[1]:
            problems.append(doc.problem(("judgements", i), "a judgement links two different entries"))
            continue
        links.append(
            Link(
                ends[0],
                ends[1],
                item.judgement,
                evidence,
                item.reason,
                relation=item.relation,
                share=item.share,
                citation=item.citation,
                source_url=item.source_url,
            )
        )
    if spec is None and not problems:
        problems.append(f"{doc.name}: must be a mapping with a 'judgements' list")
    datafile.raise_problems(problems, JudgementError)
    return links, list(unlisted.values())


def load_all(home: Path | None) -> tuple[list[Link], list[Entity], list[str]]:
    """Bundled and user judgements (a user judgement replaces a bundled one on the same pair).

    Returns the links, the unlisted parties, and a note for each bundled judgement replaced.
    """
    bundled, unlisted = load(bundled_path(), "judgement", require_citation=True)
    user: list[Link] = []
    if home is not None:
        user, more = load(home / USER_FILE, "user", require_citation=False)
        unlisted += more
    pairs = {frozenset((link.a, link.b)) for link in user}
    notes = [
        f"your judgement on {link.a} / {link.b} replaces the bundled one ({link.kind}: {link.reason})"
        for link in bundled
        if frozenset((link.a, link.b)) in pairs
    ]
    kept = [link for link in bundled if frozenset((link.a, link.b)) not in pairs]
    return user + kept, unlisted, notes


def add(
    home: Path,
    a: str | dict[str, Any],
    b: str,
    judgement: str,
    reason: str,
    *,
    relation: str | None = None,
    share: float | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Append a judgement to the user's file (checked like the file itself); returns what was written."""
    if not reason.strip():
        raise RedlistError("give the reason for the judgement (--reason)")
    row: dict[str, Any] = {"a": a, "b": b, "judgement": judgement}
    if relation:
        row["relation"] = relation
    if share is not None:
        row["share"] = share
    row["reason"] = reason.strip()
    if by:
        row["by"] = by
    row["date"] = date.today().isoformat()
    try:
        JudgementSpec.model_validate(row)
    except Exception as exc:  # pydantic's ValidationError, as one line
        raise RedlistError(
            f"invalid judgement: {datafile._message(exc.errors()[0]) if hasattr(exc, 'errors') else exc}"
        ) from None
    path = home / USER_FILE
    rows: list[dict[str, Any]] = []
    if path.exists():
        load(path, "user", require_citation=False)  # refuse to append to a broken file
        rows = list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("judgements") or [])
    rows.append(row)
    home.mkdir(parents=True, exist_ok=True)
    header = "# Your judgements about parties (written by `redlist party link`); they replace bundled ones.\n"
    path.write_text(
        header + yaml.safe_dump({"judgements": rows}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return row
