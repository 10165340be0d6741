"""Content-addressed archive of raw publication bytes, so any snapshot can be re-parsed later."""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import zlib
from pathlib import Path

from redlist.errors import StoreError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RawArchive:
    """Files stored gzip-compressed under ``<root>/<sha[:2]>/<sha>.gz``, named by the sha256 of
    their uncompressed bytes. Writing is atomic (temp file + rename) and idempotent."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.gz"

    def put(self, data: bytes) -> str:
        digest = sha256(data)
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(gzip.compress(data, compresslevel=6))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str) -> bytes:
        try:
            data = gzip.decompress(self.path(digest).read_bytes())
        except FileNotFoundError:
            raise StoreError(f"raw file {digest} is missing from the archive {self.root}") from None
        except (OSError, EOFError, zlib.error) as exc:  # not gzip, or cut short
            raise StoreError(f"raw file {digest} in the archive is corrupt ({exc})") from None
        if sha256(data) != digest:
            raise StoreError(f"raw file {digest} in the archive is corrupt (checksum mismatch)")
        return data

    def has(self, digest: str) -> bool:
        return self.path(digest).exists()
