"""Read a publication from local files: one file or a folder of the official file names."""

from __future__ import annotations

from pathlib import Path

from redlist.errors import SourceError


def read_path(path: str | Path, *, source: str | None = None) -> dict[str, bytes]:
    """Return ``{lower-case file name: bytes}`` for a file or for every file in a folder."""
    p = Path(path).expanduser()
    try:
        if p.is_dir():
            return {f.name.lower(): f.read_bytes() for f in sorted(p.iterdir()) if f.is_file()}
        if p.exists() and not p.is_file():
            # a pipe or a device would block or never end: only files and folders are publications
            raise SourceError("cannot read: not a regular file or folder", source=source, file=str(p))
        return {p.name.lower(): p.read_bytes()}
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", source=source, file=str(p)) from exc
