"""A home directory's layout: where the store, the raw archive, the caches and the API keys live.

Shared by the full settings (:class:`redlist.settings.Settings`) and the pydantic-free settings of
a one-shot command (:class:`redlist.service.quick.QuickSettings`), so the two cannot disagree.
"""

from __future__ import annotations

from pathlib import Path

#: The names of a home's files and folders.
DATABASE_FILE = "redlist.sqlite"
RAW_DIR = "raw"
CACHE_DIR = "cache"
KEYS_FILE = "api_keys.json"


def default_home() -> Path:
    """The platform's user data directory for redlist."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("redlist", appauthor=False))


class HomePaths:
    """The files and folders of the home directory ``self.home``."""

    home: Path

    @property
    def sqlite_path(self) -> Path:
        """The store's SQLite file when no other database is set."""
        return self.home / DATABASE_FILE

    @property
    def raw_dir(self) -> Path:
        """The content-addressed archive of raw publications."""
        return self.home / RAW_DIR

    @property
    def cache_dir(self) -> Path:
        """Index files and compiled data, rebuilt when missing."""
        return self.home / CACHE_DIR

    @property
    def keys_path(self) -> Path:
        """The API keys (hashed)."""
        return self.home / KEYS_FILE
