"""Which data generation the store holds (:func:`data_key`) and built indexes kept on disk per generation.

A generation is the latest snapshot of every source plus the bundled data files and the package
version; anything that changes an answer changes the key. Indexes built from a generation
(the screener over current entries, the checker's index with removed entries) are kept under
``<home>/cache`` with the key in the file name (:func:`cached_file`: memory-mapped index files,
:mod:`redlist.indexfile`; :func:`cached`, from :mod:`redlist.compiled`: pickles), so the next process opens them instead of
building them again; a file that cannot be read is rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from redlist.compiled import cached as cached  # re-exported: pickles kept per generation
from redlist.versions import package_dir

T = TypeVar("T")

#: Packages whose bundled data files (CSV, YAML) are part of a generation.
DATA_PACKAGES = ("redlist.match", "redlist.curated", "redlist.regimes", "redlist.parties", "redlist.sources")


def data_key(store: Any, extra: list[Path] | None = None) -> str:
    """A short hash naming the data a store holds now (see the module docstring); ``extra`` files
    (the user's judgements) count when they exist."""
    from redlist import __version__

    parts = [__version__]
    for path in extra or []:
        if path.exists():
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    sources = {snap.source for snap in store.snapshots()}
    latest = [s for s in (store.latest(x) for x in sources) if s is not None]
    for snap in sorted(latest, key=lambda s: s.source):
        parts.append(f"{snap.source}:{snap.id}:{snap.sha256}:{snap.parser_version}:{snap.record_count}")
    for package in DATA_PACKAGES:
        for item in sorted(_data_files(package)):
            stat = item.stat()
            parts.append(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def _data_files(package: str) -> list[Path]:
    root = package_dir(package)  # found, not imported: the packages' modules are not needed here
    return [p for p in root.rglob("*") if p.suffix in (".csv", ".yaml")]


def cached_file(
    folder: Path | None,
    name: str,
    key: str,
    build: Callable[[], T],
    save: Callable[[T, Path], None],
    load: Callable[[Path], T],
    suffix: str,
) -> T:
    """``build()``, kept in ``folder/<name>-<key><suffix>`` by ``save`` and opened by ``load``
    (a memory-mapped index file: opening it deserialises nothing). Older generations of ``name``
    are removed when a new one is written; a file that ``load`` refuses is rebuilt."""
    if folder is None:
        return build()
    path = folder / f"{name}-{key}{suffix}"
    if path.exists():
        try:
            return load(path)
        except Exception:  # noqa: BLE001 - a damaged or older-format file is rebuilt
            pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in [*folder.glob(f"{name}-*{suffix}"), *folder.glob(f"{name}-*.pickle")]:
            with contextlib.suppress(OSError):  # still open in another process (Windows): next time
                old.unlink(missing_ok=True)
        save(value, path)
    except OSError:  # a read-only home: answer without keeping the index
        pass
    return value
