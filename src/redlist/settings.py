"""Every setting in one typed object, read once and passed down.

Sources, highest first: the values a caller passes (CLI options, ``redlist.open(...)`` keywords),
environment variables (``REDLIST_HOME``, ``REDLIST_DATABASE_URL``, ``REDLIST_API_AUTH``, ...: the
field name in upper case after ``REDLIST_``), a ``redlist.toml`` file, and the defaults below.
The TOML file is ``REDLIST_CONFIG`` when set, else ``redlist.toml`` in the home directory; its
keys are the field names::

    # redlist.toml
    api_cors = ["https://refine.example.org"]
    max_batch = 500
    log_level = "warning"

Nothing here writes to ``os.environ``: the server gets its settings as an object.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from redlist.errors import RedlistError
from redlist.home import HomePaths, default_home

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class SettingsError(RedlistError):
    """A setting has a value redlist cannot use (the message names the setting and its source)."""


class Settings(HomePaths, BaseSettings):
    """redlist's settings; build them with :meth:`load`."""

    model_config = SettingsConfigDict(env_prefix="REDLIST_", extra="forbid", frozen=True)

    home: Path = Field(default_factory=default_home, description="The data directory.")
    database_url: str | None = Field(
        None,
        description="The store: sqlite:///PATH (default: redlist.sqlite in the home directory) or "
        "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (needs redlist[postgres]).",
    )
    cache: bool = Field(True, description="Keep built indexes in <home>/cache between runs.")
    audit: bool = Field(
        True, description="Record every screening and status check of the CLI and the API in the audit trail."
    )
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"

    # the HTTP API
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1)
    api_auth: bool | None = Field(
        None, description="Require API keys (default: unless the host is loopback)."
    )
    api_cors: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS."
    )
    access_log: bool = False
    max_body: int = Field(2 * 1024 * 1024, ge=1, description="Largest request body, in bytes.")
    max_batch: int = Field(1000, ge=1, description="Most queries in one batch request.")
    max_upload: int = Field(10 * 1024 * 1024, ge=1, description="Largest web UI upload, in bytes.")
    reload_interval: float = Field(5.0, ge=0, description="Seconds between checks for new data.")
    public_url: str | None = Field(
        None,
        description="The API's public base URL (e.g. https://redlist.example.org) for the links it "
        "publishes (reconciliation manifest); default: http://HOST:PORT. Never taken from a request's Host.",
    )
    forwarded_allow_ips: str | None = Field(
        None,
        description="Proxies (comma-separated IPs, or *) whose X-Forwarded-For/-Proto headers are trusted; "
        "default: none.",
    )
    header_timeout: float = Field(
        10.0, gt=0, description="Seconds a client may take to send a request's headers."
    )
    body_timeout: float = Field(30.0, gt=0, description="Seconds a client may pause while sending a body.")
    keep_alive: int = Field(5, ge=1, description="Seconds an idle keep-alive connection stays open.")
    max_header: int = Field(
        16 * 1024, ge=1024, description="Largest request head (line and headers), in bytes."
    )
    max_json_depth: int = Field(64, ge=2, description="Deepest nesting accepted in a JSON request.")
    stale_after: dict[str, int] = Field(
        default_factory=dict,
        description="Days after its newest snapshot a source's data counts as out of date, per source id "
        '(e.g. {"us_ofac_sdn": 3}); default: each source\'s own rhythm (7 days for OFAC and the CSL).',
    )
    download_deadline: float = Field(
        900.0, gt=0, description="Seconds one publication's download may take in all, retries included."
    )

    @field_validator("api_cors", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):  # REDLIST_API_CORS=https://a.example,https://b.example
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("public_url", mode="after")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^/\s?#]+(/[^\s?#]*)?$", value):
            raise ValueError(f"must be an http(s) base URL without query, got {value!r}")
        return value

    @field_validator("home", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls, init_settings, env_settings))

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Settings from ``overrides`` (None values are ignored), the environment and ``redlist.toml``."""
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls(**given)
        except RedlistError:
            raise
        except Exception as exc:  # pydantic's ValidationError: say which setting, not a traceback
            raise SettingsError(f"invalid settings: {_summary(exc)}") from exc

    # --- derived paths ---------------------------------------------------------------------------

    @property
    def database_path(self) -> Path | None:
        """The SQLite file of the store (None when the store is a PostgreSQL database)."""
        url = self.database_url
        if not url:
            return self.sqlite_path
        if url.startswith("sqlite:///"):
            return Path(url.removeprefix("sqlite:///")).expanduser()
        if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
            return None
        raise SettingsError(
            f"database_url {url.split('@')[-1]!r}: use sqlite:///PATH or postgresql://USER@HOST/DATABASE"
        )

    @property
    def store_url(self) -> str | None:
        """The database URL to open the store with (None: the SQLite file :attr:`database_path`)."""
        path = self.database_path
        return None if path is not None else self.database_url

    def base_url(self) -> str:
        """The public base URL of the API, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def auth_required(self) -> bool:
        """Whether the API requires keys: as set, else on any address but loopback."""
        return self.api_auth if self.api_auth is not None else self.host not in LOOPBACK


class _TomlSource(PydanticBaseSettingsSource):
    """``redlist.toml``: ``REDLIST_CONFIG``, else the file in the home directory (if any)."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        init: PydanticBaseSettingsSource,
        env: PydanticBaseSettingsSource,
    ) -> None:
        super().__init__(settings_cls)
        self._init, self._env = init, env

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False  # __call__ reads the whole file at once

    def __call__(self) -> dict[str, Any]:
        path = self._path()
        if path is None or not path.is_file():
            return {}
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read the settings file: {exc}") from exc
        unknown = sorted(set(data) - set(self.settings_cls.model_fields))
        if unknown:
            raise SettingsError(f"{path}: unknown setting(s): {', '.join(unknown)}")
        return data

    def _path(self) -> Path | None:
        explicit = os.environ.get("REDLIST_CONFIG")
        if explicit:
            return Path(explicit).expanduser()
        home = self._init().get("home") or self._env().get("home")
        return Path(home or default_home()).expanduser() / "redlist.toml"


def _summary(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors()[:5])
