"""redlist: US restriction lists, screened by name and identifier, with their history over time.

The front door is :class:`redlist.Redlist` (see :mod:`redlist.service`):

>>> import redlist
>>> r = redlist.open()
>>> r.check("Xiaomi Corporation", activity="invest", on="2021-03-16").verdict
'allowed'

Also exported: ``Settings``, ``Query``, ``Screener``, ``compare``, ``MATCH_THRESHOLD``, ``Checker``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "open": "redlist.service",
    "Redlist": "redlist.service",
    "Settings": "redlist.settings",
    "Screener": "redlist.screen",
    "Query": "redlist.screen",
    "compare": "redlist.screen",
    "MATCH_THRESHOLD": "redlist.screen",
    "Checker": "redlist.check",
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    # imported on first use so that `redlist --help` stays fast
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'redlist' has no attribute {name!r}")
