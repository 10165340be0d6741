"""Curated list data: hand-reviewed facts about lists no agency publishes as a machine-readable file.

The YAML files in ``data/`` (shipped with the package) hold, one file per legal list, the entries
of lists such as DoD's s.1237 and s.1260H lists, the FCC Covered List, the UFLPA Entity List and the
NDAA s.889 companies, each with its listing date, citation, source and a verification level:

- ``confirmed``: read in government text or a verbatim copy of it;
- ``secondary``: from non-government sources only;
- ``unconfirmed``: one weak source, or inferred.

A list file (``<list id>.yaml``)::

    list: us_dod_ccmc              # one of redlist.model.LIST_IDS; must match the file name
    title: ...
    authority: ...
    source_url: https://...
    editions:                      # optional dated tranches/editions
      - {id: tranche-5, date: 2021-01-14, citation: ..., source_url: ..., verification: ...}
    entries:
      - id: xiaomi                 # slug, unique in the file; entity id "us_dod_ccmc:xiaomi"
        name: Xiaomi Corporation
        aliases: []
        type: organization         # person | organization | vessel | aircraft | security
        country: CN                # ISO-2, optional
        listed_on: 2021-01-14
        edition: tranche-5         # optional, must be one of the editions
        removed_on: 2021-05-25     # optional
        relisted_on: []            # optional: same-day delist-and-relist dates (see below)
        identifiers: []            # optional [{type: isin|lei|uscc|ticker|..., value: ...}]
        same_as: [ofac-30946]      # optional: official or curated entry ids of the same party
        related:                   # optional: parties this entry relates to
          - {entry: ..., relation: owned_by, share: 0.6, reason: ..., citation: ..., source_url: ...}
        citation: ...
        source_url: https://...
        verification: secondary
        notes: ...                 # optional

Re-listings: ``relisted_on`` is for an entry taken off and put back on the same day (DoD removed
Hesai's original 1260H record and re-listed it on a new record on 2024-10-16); each date ends one
listing period and starts the next, and ``removed_on`` ends the last one. A removal followed by a
re-listing on a later day goes in ``events.yaml`` as ``removal`` and ``relisting`` events.

``events.yaml`` holds dated legal events (designations, injunctions, vacaturs, removals...) with
the parties they act on; see :class:`LegalEvent`. :func:`check` lists every problem in a folder;
the ``load_*`` functions raise :class:`CuratedDataError` on the first. :func:`summary` gives each
list's counts (entries by verification level, newest edition); :mod:`redlist.curated.policy` holds the
citation policy the packaged data is tested against (``confirmed`` only from government text, no
blocked sources, no machine paths).

The names below are imported on first use: the loader imports pydantic and YAML, which a status
question reading the compiled data (:mod:`redlist.curated.compiled`) does without; the data's
classes are declared in :mod:`redlist.curated.model`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# imported now: ``summary`` is also the name of its module, which would shadow the function
from redlist.curated.summary import ListSummary, summary

if TYPE_CHECKING:  # the model's classes as the loader re-exports them
    from redlist.curated.loader import (
        CaseRef,
        CuratedData,
        CuratedDataError,
        CuratedEntry,
        CuratedList,
        CuratedRelation,
        Edition,
        LegalEvent,
        check,
        curated_entities,
        data_dir,
        entry_entity,
        load,
        load_events,
        load_lists,
    )
    from redlist.curated.schema import EFFECTS, EVENT_KINDS
    from redlist.datafile import VERIFICATION

__all__ = [
    "EFFECTS",
    "EVENT_KINDS",
    "VERIFICATION",
    "CaseRef",
    "CuratedData",
    "CuratedDataError",
    "CuratedEntry",
    "CuratedList",
    "CuratedRelation",
    "Edition",
    "LegalEvent",
    "ListSummary",
    "check",
    "curated_entities",
    "data_dir",
    "entry_entity",
    "load",
    "load_events",
    "load_lists",
    "summary",
]

_MODEL = ("CaseRef", "CuratedData", "CuratedEntry", "CuratedList", "CuratedRelation", "Edition", "LegalEvent")


def __getattr__(name: str) -> Any:
    """The exported names, each from its module when first asked for."""
    if name in (*_MODEL, "entry_entity"):
        from redlist.curated import model

        return getattr(model, name)
    if name in ("EFFECTS", "EVENT_KINDS"):
        from redlist.curated import schema

        return getattr(schema, name)
    if name == "VERIFICATION":
        from redlist.datafile import VERIFICATION

        return VERIFICATION
    if name in __all__:
        from redlist.curated import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
