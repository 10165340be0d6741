"""What an answer came from, named without parsing anything: the digests of the bundled data
files and the receipt (each source's newest snapshot).

A one-name screening states these with its answer; they are kept here, apart from the status
engine, the curated lists' reader and the regimes' reader (which re-export them), so that such
an answer does not import those modules (pydantic, YAML) only to hash a few files.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redlist import __version__

if TYPE_CHECKING:
    from redlist.model import Snapshot


def package_dir(package: str) -> Path:
    """The folder of one of redlist's packages, found without importing it (its ``__init__``
    may import much more than its data files need)."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(package)
    return Path(next(iter(spec.submodule_search_locations)))


def folder_version(folder: Path) -> str:
    """A short digest of the data files of ``folder`` (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".csv")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def curated_version() -> str:
    """The digest of the packaged curated data (``redlist/curated/data``)."""
    return folder_version(package_dir("redlist.curated") / "data")


def file_version(path: Path) -> str:
    """A short digest of one data file's bytes."""
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@functools.cache
def regimes_version() -> str:
    """A short digest of the packaged ``regimes.yaml``: names it in a receipt."""
    return file_version(package_dir("redlist.regimes") / "data" / "regimes.yaml")


def receipt(latest: Iterable[Snapshot], curated_version: str) -> dict[str, Any]:
    """What an answer came from: each source's newest snapshot (id, date, SHA-256 of the
    publication), the versions of the bundled curated data and regimes, and redlist's version.
    ``--replay`` answers again from exactly these snapshots."""
    return {
        "sources": [
            {"source": s.source, "snapshot": s.id, "as_of": s.as_of, "sha256": s.sha256}
            for s in sorted(latest, key=lambda s: s.source)
        ],
        "curated": curated_version,
        "regimes": regimes_version(),
        "redlist": __version__,
    }


def latest_snapshots(store: Any) -> dict[str, Snapshot]:
    """Each source's newest snapshot (by date, then by id); ``store`` a Store (or None)."""
    out: dict[str, Snapshot] = {}
    for snap in store.snapshots() if store is not None else []:
        newest = out.get(snap.source)
        if newest is None or (snap.as_of, snap.id) > (newest.as_of, newest.id):
            out[snap.source] = snap
    return out
