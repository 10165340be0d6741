"""Update the store from the official publications: fetch -> parse -> check -> store -> diff.

An update of one source is all-or-nothing. The raw bytes are archived first (content-addressed,
harmless if unused); then the snapshot, its records and its change events are written in one
database transaction, and only after every check passed:

- the file parsed, and any bad rows are proven harmless by the file's own record count;
- the records the file declares (an XML ``Record_Count``, the CSL's ``total``) are all there;
- every record has a name, and the keys are unique;
- the as-of date is not in the future, and agrees with the date the file states for itself;
- the record count did not shrink by more than the source's ``max_shrink`` against the snapshot
  before it by date *and* the last one loaded, unless ``allow_shrink`` gives a reason, which is
  kept with the snapshot.

The write lock is taken before the neighbouring snapshots are read, so two updates of one source
at once cannot write a history from a stale view: the second waits, saying so.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection

from redlist import sources
from redlist.errors import RedlistError, ShrinkageError, SourceError
from redlist.model import ChangeEvent, RawFile, Snapshot, iso_date
from redlist.sources.base import Format, ParseResult, SourceSpec, accept_row_errors
from redlist.sources.fetch import DEFAULT_DEADLINE, download, file_name
from redlist.sources.local import read_path
from redlist.store import Store, history

#: How far a file's own publication date may lie before the --as-of it is loaded as.
MAX_STATED_AGE_DAYS = 31

#: The snapshot loaded last is a yardstick for a new one dated within this many days of it (a
#: backfill of a years-old publication may rightly hold far fewer records than the newest one).
LAST_LOADED_WINDOW_DAYS = 31

#: progress(stage, done, total): stage is a short label such as "us_ofac_sdn: sdn.csv".
Progress = Callable[[str, int, int | None], None]


@dataclass(slots=True)
class UpdateResult:
    """What happened to one source."""

    source: str
    status: str  # "stored" | "unchanged" | "refused" | "failed"
    message: str = ""
    snapshot: Snapshot | None = None
    changes: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "unchanged")

    def to_dict(self) -> dict[str, object]:
        snap = self.snapshot
        return {
            "source": self.source,
            "status": self.status,
            "message": self.message,
            "as_of": snap.as_of if snap else None,
            "records": snap.record_count if snap else None,
            "sha256": snap.sha256 if snap else None,
            "changes": self.changes,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
        }


def update(
    store: Store,
    source_ids: Iterable[str] = (),
    *,
    origin: str | None = None,
    as_of: str | None = None,
    allow_shrink: str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    download_deadline: float | None = None,
) -> list[UpdateResult]:
    """Update the given sources (all when none) from their official URLs or from ``origin``.

    ``origin`` is a file, a folder of the official file names, or a URL. With an origin and no
    sources, the sources are recognised from the file names. Failures are reported per source
    in the results; they never touch the stored data. ``allow_shrink`` is the reason for storing
    a publication that lost more records than its source allows (kept with the snapshot).
    ``download_deadline`` bounds each download, retries included (default: the fetcher's).
    """
    as_of = _checked_as_of(as_of, today or date.today())
    wanted = list(source_ids)
    local_files: dict[str, bytes] | None = None
    if origin and not _is_url(origin):
        local_files = read_path(origin, source=wanted[0] if len(wanted) == 1 else None)
        if not wanted:
            wanted = detect_sources(local_files)
            if not wanted:
                raise SourceError(
                    f"no known publication among {sorted(local_files) or 'no files'}", file=origin
                )
    elif origin and not wanted:
        wanted = detect_sources({file_name(origin): b""})
        if not wanted:
            raise SourceError("cannot tell which source this URL is; name the source", file=origin)
    for s in wanted:
        sources.get(s)  # unknown ids fail before anything is fetched

    results = []
    for source_id in wanted or list(sources.SOURCES):
        started = time.perf_counter()
        spec = sources.get(source_id)
        try:
            files, urls = _gather(spec, origin, local_files, as_of, progress, download_deadline)
            result = load(
                store,
                source_id,
                files,
                as_of=as_of,
                origin=origin or "official",
                urls=urls,
                allow_shrink=allow_shrink,
                progress=progress,
            )
        except RedlistError as exc:
            if isinstance(exc, SourceError):
                exc.with_context(source=source_id)
            status = "refused" if isinstance(exc, ShrinkageError) else "failed"
            result = UpdateResult(source_id, status, str(exc))
        result.seconds = time.perf_counter() - started
        store.log_update(source_id, result.status, result.message)
        results.append(result)
    return results


def detect_sources(files: dict[str, bytes]) -> list[str]:
    """The sources whose file sets are present among ``files``."""
    names = set(files)
    return [s.id for s in sources.SOURCES.values() if any(f.matches(names) for f in s.formats)]


def load(
    store: Store,
    source_id: str,
    files: dict[str, bytes],
    *,
    as_of: str | None = None,
    origin: str | None = None,
    urls: dict[str, str] | None = None,
    allow_shrink: str | None = None,
    fetched_at: str | None = None,
    progress: Progress | None = None,
) -> UpdateResult:
    """Parse the raw files of one publication and store them as a new snapshot (all-or-nothing)."""
    spec = sources.get(source_id)
    if progress:
        progress(f"{source_id}: parsing", 0, None)
    fmt, used, result = _parse(spec, files)
    if progress:
        progress(f"{source_id}: parsing", 1, 1)

    snapshot = Snapshot(
        source=source_id,
        as_of=_as_of(as_of, result),
        fetched_at=fetched_at or datetime.now(UTC).isoformat(timespec="seconds"),
        sha256=_set_digest(used),
        parser_version=spec.parser_version,
        record_count=len(result.records),
        files=[],
        origin=origin,
        format=fmt.name,
        warnings=list(result.warnings),
        note=f"stored despite shrinking: {allow_shrink}" if allow_shrink else None,
    )
    _check_stated_date(result, snapshot, spec.id, fmt.required[0])
    for name, data in sorted(used.items()):
        digest = store.archive.put(data)
        snapshot.files.append(RawFile(name, digest, len(data), (urls or {}).get(name)))

    def waiting() -> None:
        if progress:
            progress(f"{source_id}: waiting for another update of this store to finish", 0, None)

    with store.transaction(waiting=waiting) as conn:
        same = store.find_same(source_id, snapshot.sha256, snapshot.as_of)
        if same is not None:
            return UpdateResult(source_id, "unchanged", f"already stored as snapshot {same.id}", same)
        previous, following = store.neighbours(source_id, snapshot.as_of)
        _check_shrinkage(spec, previous, store.last_loaded(source_id), snapshot, allow_shrink)
        store.insert_snapshot(conn, snapshot, result.records)
        events = _link_history(store, conn, previous, snapshot, following)
    message = f"{snapshot.record_count} records as of {snapshot.as_of}"
    if previous is None:
        message += " (first snapshot of this source)"
    return UpdateResult(
        source_id, "stored", message, snapshot, history.summarize(events), list(result.warnings)
    )


def reparse(store: Store, snapshot: Snapshot, *, progress: Progress | None = None) -> UpdateResult:
    """Parse a stored snapshot's archived raw bytes again with the current parser.

    The snapshot keeps its id and date; its records are replaced and the events on both sides
    of it are recomputed, so history reflects what the newer parser reads.
    """
    spec = sources.get(snapshot.source)
    fmt, _, result = _parse(spec, store.raw_files(snapshot))
    previous, following = store.neighbours_of(snapshot)
    snapshot.parser_version = spec.parser_version
    snapshot.record_count = len(result.records)
    snapshot.format = fmt.name
    snapshot.warnings = list(result.warnings)
    with store.transaction() as conn:
        store.replace_records(conn, snapshot, result.records)
        events = _link_history(store, conn, previous, snapshot, following)
    message = f"re-parsed {snapshot.record_count} records with parser {spec.parser_version}"
    return UpdateResult(snapshot.source, "stored", message, snapshot, history.summarize(events))


# --- internals ---------------------------------------------------------------------------------


def _parse(spec: SourceSpec, files: dict[str, bytes]) -> tuple[Format, dict[str, bytes], ParseResult]:
    """Pick the format, parse the files it uses, and refuse what cannot be stored."""
    fmt = spec.pick_format(set(files))
    used = {n: files[n] for n in (*fmt.required, *fmt.optional) if n in files}
    try:
        result = fmt.parse(used)
    except SourceError as exc:
        raise exc.with_context(source=spec.id) from None
    accept_row_errors(result, spec.id)
    _check_declared_count(result, spec.id, fmt.required[0])
    _check_records(result, spec.id, fmt.required[0])
    return fmt, used, result


def _link_history(
    store: Store,
    conn: Connection,
    previous: Snapshot | None,
    snapshot: Snapshot,
    following: Snapshot | None,
) -> list[ChangeEvent]:
    """Write the events on both sides of a (new or re-read) snapshot, inside the transaction.

    Events that went straight from ``previous`` to ``following`` are replaced by the two steps
    through ``snapshot``. Returns the events against ``previous``.
    """
    events: list[ChangeEvent] = []
    if previous is not None:
        events = _diff(store, previous, snapshot)
        store.insert_events(conn, snapshot.id or 0, previous.id, events)
    if following is not None:
        if previous is not None:
            store.delete_events_between(conn, previous.id or 0, following.id or 0)
        store.insert_events(conn, following.id or 0, snapshot.id, _diff(store, snapshot, following))
    return events


def _gather(
    spec: SourceSpec,
    origin: str | None,
    local_files: dict[str, bytes] | None,
    as_of: str | None,
    progress: Progress | None,
    deadline: float | None = None,
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The raw files for one source: from the local files, one URL, or the official URLs."""
    if local_files is not None:
        return local_files, {}
    if origin:
        urls = {file_name(origin): origin}
    else:
        day = as_of or date.today().isoformat()
        urls = spec.download_urls(day)
    files = {}
    for name, url in urls.items():
        label = f"{spec.id}: {name}"

        def report(done: int, total: int | None, label: str = label) -> None:
            if progress:
                progress(label, done, total)

        try:
            files[name] = download(
                url, source=spec.id, progress=report, deadline=deadline or DEFAULT_DEADLINE
            )
        except SourceError as exc:
            raise exc.with_context(source=spec.id, file=url) from None
    return files, urls


def _check_records(result: ParseResult, source_id: str, file: str) -> None:
    if not result.records:
        raise SourceError("the publication holds no records", source=source_id, file=file)
    seen: set[str] = set()
    for entity in result.records:
        if entity.key in seen:
            raise SourceError(f"record key {entity.key!r} occurs twice", source=source_id, file=file)
        if not any(n.value.strip() for n in entity.names):
            # the parser should have made it a bad row; a nameless record would break screening
            raise SourceError(f"record {entity.key!r} has no name", source=source_id, file=file)
        seen.add(entity.key)


def _check_declared_count(result: ParseResult, source_id: str, file: str) -> None:
    """Refuse a file that declares more (or fewer) records than it holds: cut or corrupt."""
    declared = result.expected_count
    held = len(result.records) + len(result.row_errors)
    if declared is not None and held != declared:
        raise SourceError(
            f"the file declares {declared:,} records but holds {held:,} (truncated or corrupt?)",
            source=source_id,
            file=file,
        )


def _checked_as_of(as_of: str | None, today: date) -> str | None:
    """An explicit --as-of as ISO, refused when more than a day ahead of today."""
    if as_of is None:
        return None
    day = iso_date(as_of)
    if date.fromisoformat(day) > today + timedelta(days=1):
        raise RedlistError(f"--as-of {day} is in the future (today is {today.isoformat()})")
    return day


def _check_stated_date(result: ParseResult, snapshot: Snapshot, source_id: str, file: str) -> None:
    """The date a file states for itself must fit the date it is loaded as."""
    stated = result.as_of
    if stated is None or stated == snapshot.as_of:
        return
    loaded = date.fromisoformat(snapshot.as_of)
    if date.fromisoformat(stated) > loaded:
        raise SourceError(
            f"the file says it was published on {stated}, after the --as-of {snapshot.as_of} it is loaded as",
            source=source_id,
            file=file,
        )
    if (loaded - date.fromisoformat(stated)).days > MAX_STATED_AGE_DAYS:
        raise SourceError(
            f"the file says it was published on {stated}, more than {MAX_STATED_AGE_DAYS} days before the "
            f"--as-of {snapshot.as_of}: load it with --as-of {stated}",
            source=source_id,
            file=file,
        )


def _check_shrinkage(
    spec: SourceSpec,
    previous: Snapshot | None,
    last: Snapshot | None,
    snapshot: Snapshot,
    allow_shrink: str | None,
) -> None:
    """Refuse a snapshot that lost more than ``spec.max_shrink`` of the records of the snapshot
    before it by date, or of the one loaded last when dated near it (a truncated file loaded with
    an --as-of just before the newest snapshot has no smaller neighbour before it)."""
    if allow_shrink:
        return
    yardsticks = [previous]
    if last is not None and _days_apart(last.as_of, snapshot.as_of) <= LAST_LOADED_WINDOW_DAYS:
        yardsticks.append(last)
    for other in {s.id: s for s in yardsticks if s is not None}.values():
        floor = other.record_count * (1 - spec.max_shrink)
        if snapshot.record_count < floor:
            drop = 1 - snapshot.record_count / other.record_count
            raise ShrinkageError(
                f"{snapshot.source}: refused: {snapshot.record_count:,} records is {drop:.1%} fewer than the "
                f"{other.record_count:,} of the snapshot of {other.as_of} (limit {spec.max_shrink:.0%}); "
                "check the publication, then store it with --allow-shrink REASON if it is right"
            )


def _days_apart(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _diff(store: Store, old: Snapshot, new: Snapshot) -> list[ChangeEvent]:
    old_index = {k: h for k, (h, _) in store.record_index(old.id or 0).items()}
    new_index = {k: h for k, (h, _) in store.record_index(new.id or 0).items()}
    return history.diff(
        source=new.source,
        date=new.as_of,
        previous_date=old.as_of,
        old=old_index,
        new=new_index,
        bodies=store.record_bodies,
    )


def _as_of(explicit: str | None, result: ParseResult) -> str:
    if explicit:
        return iso_date(explicit)
    if result.as_of:
        return result.as_of
    return date.today().isoformat()


def _set_digest(files: dict[str, bytes]) -> str:
    if len(files) == 1:
        return hashlib.sha256(next(iter(files.values()))).hexdigest()
    lines = "".join(f"{n} {hashlib.sha256(d).hexdigest()}\n" for n, d in sorted(files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def _is_url(origin: str) -> bool:
    return origin.startswith(("http://", "https://"))
