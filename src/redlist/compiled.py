"""The bundled data files compiled: each strict loader's output kept between processes.

The curated lists, the regimes and the sources' precedence are YAML files read by one strict
loader each (checked against a pydantic schema, every problem with its file and line). Importing
that loader (pydantic, YAML) costs more than a one-name status question; :func:`load` keeps the
loader's output as a pickle in the home's cache folder, named by the data files' digest, redlist's
version and the modules that declare and build the result, so that the next process reads the
pickle instead. The pickle is only ever written from the strict loader's output, which stays the
one authority: a changed file, loader or version names another pickle, built by the loader again;
a pickle that does not load, or holds something else, is rebuilt. The facade names the folder
(:func:`keep_in`, from its settings); with none, the loader runs in every process.

:func:`cached` is the pickle kept per name and key (the facade keeps the watchlists' per-generation
data with it too).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any, TypeVar

from redlist.util import gc_paused, write_cache_file

T = TypeVar("T")

#: Where :func:`load` keeps the compiled data (None: not kept); see :func:`keep_in`.
_folder: list[Path | None] = [None]


def keep_in(folder: Path | None) -> None:
    """Keep the compiled data files in ``folder`` (the home's cache folder; None: not kept). A
    pickle is named by what it was compiled from, so any folder gives the same data."""
    _folder[0] = folder


def load(name: str, digest: str, code: tuple[str, ...], build: Callable[[], T], kind: type[T]) -> T:
    """``build()``, a strict loader's output, kept compiled between processes (see the module
    docstring): ``digest`` names the data files' bytes, ``code`` the modules that declare and
    build the result (their size and modification time count), and redlist's version counts."""
    from redlist import __version__

    parts = [__version__, digest]
    for module in code:
        spec = find_spec(module)  # found, not imported
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is not None and origin.is_file():
            stat = origin.stat()
            parts.append(f"{module}:{stat.st_size}:{stat.st_mtime_ns}")
        else:
            parts.append(module)
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]
    return cached(_folder[0], name, key, build, kind)


def cached(folder: Path | None, name: str, key: str, build: Callable[[], T], kind: type[T]) -> T:
    """``build()``, kept in ``folder/<name>-<key>.pickle`` between runs (no folder: not kept).

    An older file of the same name (another generation) is replaced; a file that fails to load or
    holds something else than a ``kind`` is rebuilt.
    """
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.pickle"
    if path.exists():
        try:
            with path.open("rb") as fh, gc_paused():
                found = pickle.load(fh)
            if isinstance(found, kind):
                return found
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt
            pass
    value = build()
    _write(path, value, name)
    return value


def _write(path: Path, value: Any, name: str) -> None:
    """Write atomically, replacing older generations of ``name``; a read-only home skips it."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    write_cache_file(path, data, replaces=f"{name}-*.pickle")
