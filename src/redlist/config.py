"""Where redlist keeps its data: ``REDLIST_HOME`` or the platform's user data directory."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The data directory (created on first use by the store)."""
    env = os.environ.get("REDLIST_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("redlist", appauthor=False))


def db_path(base: Path | None = None) -> Path:
    return (base or home()) / "redlist.sqlite"


def raw_dir(base: Path | None = None) -> Path:
    return (base or home()) / "raw"
