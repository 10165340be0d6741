"""The settings of a one-shot command, read without pydantic when nothing but the home is set."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from redlist.home import HomePaths, default_home

if TYPE_CHECKING:
    from redlist.settings import Settings


class QuickSettings(HomePaths):
    """The settings when nothing but the home directory is set: :class:`~redlist.settings.Settings`'
    defaults, read without pydantic (a one-shot command's start-up; see :func:`load_settings`).

    It holds what opening the data and answering one question read; any other setting is taken from
    a full :class:`~redlist.settings.Settings` loaded on first use (the same values: a test
    compares them field by field).
    """

    database_url: str | None = None
    cache: bool = True
    audit: bool = True
    reload_interval: float = 5.0

    def __init__(self, home: Path) -> None:
        self.home = home
        self.stale_after: dict[str, int] = {}

    @property
    def database_path(self) -> Path:
        return self.sqlite_path

    @property
    def store_url(self) -> None:
        return None

    @cached_property
    def full(self) -> Settings:
        from redlist.settings import Settings

        return Settings.load(home=self.home)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "full":
            raise AttributeError(name)
        return getattr(self.full, name)


def load_settings(home: str | Path | None = None, **overrides: Any) -> Settings:
    """:meth:`Settings.load <redlist.settings.Settings.load>`, or :class:`QuickSettings` when
    nothing but the home directory is set: no other setting given, no ``REDLIST_*`` variable but
    ``REDLIST_HOME``, no ``redlist.toml`` (nothing to validate, so nothing to say differently)."""
    folder = _quick_home(home, overrides)
    if folder is not None:
        return cast("Settings", QuickSettings(folder))
    from redlist.settings import Settings

    return Settings.load(home=home, **overrides)


def _quick_home(home: str | Path | None, overrides: dict[str, Any]) -> Path | None:
    """The home directory when :func:`load_settings` may answer with the defaults, else None."""
    if any(v is not None for v in overrides.values()):
        return None
    if any(k.upper().startswith("REDLIST_") and k != "REDLIST_HOME" for k in os.environ):
        return None  # another setting, or REDLIST_CONFIG (names are matched in any case)
    if home is None:
        home = os.environ.get("REDLIST_HOME")
        if home == "":
            return None
    folder = Path(home).expanduser() if home is not None else default_home()
    return None if (folder / "redlist.toml").exists() else folder
