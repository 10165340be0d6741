"""Entity resolution: which list entries are one party, with the evidence of every link.

- :mod:`redlist.parties.model`: :class:`Party`, its members, links and related parties;
- :mod:`redlist.parties.evidence`: the kinds of evidence, strongest first;
- :mod:`redlist.parties.judgements`: reviewed judgements, bundled and the user's own;
- :mod:`redlist.parties.resolve`: the party graph of a data generation;
- :mod:`redlist.parties.storage`: the graph kept in the store beside the data it was built from.
"""

from redlist.parties.model import Link, Member, Party, Related
from redlist.parties.resolve import PartyGraph, resolve

__all__ = ["Link", "Member", "Party", "PartyGraph", "Related", "resolve"]
