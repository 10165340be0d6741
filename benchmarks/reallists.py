"""The real lists for evaluation and speed runs: SDN + consolidated + the CSL from shared/, loaded once.

The loaded store is kept in a cache directory (``$REDLIST_BENCH_HOME``, default a folder under the
system temp dir) so that repeated runs skip the ~11 s load.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from redlist.model import Entity
from redlist.store import Store
from redlist.store.current import current_entities
from redlist.store.update import update

SETS = [
    ("us_ofac_sdn", "raw/ofac_sdn/2024-05-03", "2024-05-03"),
    ("us_ofac_cons", "raw/ofac_consolidated/2025-12-19", "2025-12-19"),
    ("us_trade_csl", "raw/trade_csl/2026-07-31_reconstructed", "2026-07-31"),
]


def data_dir() -> Path:
    """The shared data folder: $REDLIST_TEST_DATA or ../shared/data."""
    return Path(os.environ.get("REDLIST_TEST_DATA", "../shared/data"))


def bench_home() -> Path:
    return Path(os.environ.get("REDLIST_BENCH_HOME", Path(tempfile.gettempdir()) / "redlist-bench-home"))


def open_store() -> Store:
    """A store holding the real lists, loaded on first use."""
    home = bench_home()
    store = Store.open(home)
    for source, folder, as_of in SETS:
        if store.latest(source) is None:
            [result] = update(store, [source], origin=str(data_dir() / folder), as_of=as_of)
            if not result.ok:
                raise SystemExit(f"{source}: {result.message}")
    return store


def load_entities(sources: tuple[str, ...] | None = None) -> list[Entity]:
    """Merged current entities of the real lists (optionally of some sources only)."""
    with open_store() as store:
        if sources is None:
            return current_entities(store)
        return current_entities(store, sources)
