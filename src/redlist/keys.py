"""API keys: created and revoked with the CLI, stored hashed in ``api_keys.json`` in the home directory.

A key is shown once, when created (``rl_<id>_<secret>``); only its SHA-256 is kept. Keys are long
random tokens, so a plain hash (no slow KDF) is enough, and lookups compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from redlist.errors import RedlistError
from redlist.home import KEYS_FILE

_FILE = KEYS_FILE


@dataclass
class ApiKey:
    id: str
    name: str
    sha256: str
    created: str
    revoked: str | None = None

    def public(self) -> dict[str, str | None]:
        """What `keys list` shows: never the hash."""
        return {"id": self.id, "name": self.name, "created": self.created, "revoked": self.revoked}


def _path(home: Path) -> Path:
    return home / _FILE


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def load_keys(home: Path) -> list[ApiKey]:
    path = _path(home)
    if not path.exists():
        return []
    try:
        return [ApiKey(**row) for row in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError) as exc:
        raise RedlistError(f"cannot read the API keys in {path}: {exc}") from exc


def _save(keys: list[ApiKey], home: Path) -> None:
    path = _path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(k) for k in keys], indent=1), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def create_key(name: str, home: Path) -> tuple[ApiKey, str]:
    """A new key named ``name``: the stored record and the secret (shown once)."""
    if not name.strip():
        raise RedlistError("give the key a name (who or what uses it)")
    keys = load_keys(home)
    key_id = secrets.token_hex(4)
    secret = f"rl_{key_id}_{secrets.token_urlsafe(32)}"
    record = ApiKey(key_id, name.strip(), _digest(secret), datetime.now(UTC).isoformat(timespec="seconds"))
    _save([*keys, record], home)
    return record, secret


def revoke_key(key_id: str, home: Path) -> ApiKey:
    keys = load_keys(home)
    for key in keys:
        if key.id == key_id:
            if key.revoked is None:
                key.revoked = datetime.now(UTC).isoformat(timespec="seconds")
                _save(keys, home)
            return key
    raise RedlistError(f"no API key {key_id!r} (see `redlist keys list`)")


def verify(secret: str | None, keys: list[ApiKey]) -> ApiKey | None:
    """The active key this secret belongs to, or None."""
    if not secret:
        return None
    digest = _digest(secret)
    found = None
    for key in keys:
        if hmac.compare_digest(key.sha256, digest) and key.revoked is None:
            found = key
    return found
