"""Entity resolution: which list entries are one party, with the evidence of every link.

- :mod:`redlist.parties.model`: :class:`Party`, its members, links and related parties;
- :mod:`redlist.parties.evidence`: the kinds of evidence, strongest first;
- :mod:`redlist.parties.judgements`: reviewed judgements, bundled and the user's own;
- :mod:`redlist.parties.graph`: :class:`PartyGraph`, the parties of a data generation;
- :mod:`redlist.parties.resolve`: the party graph of a data generation, resolved;
- :mod:`redlist.parties.storage`: the graph kept in the store beside the data it was built from
  (read back by :mod:`redlist.parties.stored`).

The names below are imported on first use: the resolution reads the judgements (pydantic, YAML),
which a status question reading the stored graph does without. (``resolve`` is also the name of
its module: import the function as ``from redlist.parties.resolve import resolve``.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redlist.parties.graph import PartyGraph
    from redlist.parties.model import Link, Member, Party, Related
    from redlist.parties.resolve import resolve

__all__ = ["Link", "Member", "Party", "PartyGraph", "Related", "resolve"]


def __getattr__(name: str) -> Any:
    """The exported names, each from its module when first asked for."""
    if name in ("Link", "Member", "Party", "Related"):
        from redlist.parties import model

        return getattr(model, name)
    if name == "PartyGraph":
        from redlist.parties.graph import PartyGraph

        return PartyGraph
    if name == "resolve":
        # importing the submodule sets this package's ``resolve`` to it: the function replaces it
        from redlist.parties.resolve import resolve

        globals()["resolve"] = resolve
        return resolve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
