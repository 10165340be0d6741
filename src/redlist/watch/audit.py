"""The audit trail: an append-only, hash-chained log of screenings, checks, alerts and decisions.

Each row holds who (API key name or OS user), when, the data generation (the data key and the
snapshot ids), the input and the answer, and ``hash = sha256(prev_hash + canonical JSON of the
row)``. Changing, removing or reordering any row breaks the chain from there on, which
:func:`verify` reports. Rows are only ever inserted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

from redlist.errors import InvalidInput
from redlist.watch.canonical import dumps, now

if TYPE_CHECKING:
    from redlist.store import Store
    from redlist.store.lite import LiteStore
    from redlist.watch.storage import WatchStore

log = logging.getLogger("redlist")

GENESIS = "0" * 64
FIELDS = ("seq", "at", "who", "action", "generation", "input", "answer", "prev_hash", "hash")


def row_hash(row: dict[str, Any]) -> str:
    """The hash of an audit row: its predecessor's hash and its own content."""
    body = {k: row[k] for k in ("seq", "at", "who", "action", "generation", "input", "answer")}
    body["seq"] = int(body["seq"])
    return hashlib.sha256((row["prev_hash"] + dumps(body)).encode("utf-8")).hexdigest()


def append(
    ws: WatchStore, action: str, who: str, generation: dict[str, Any], given: Any, answer: Any
) -> dict[str, Any]:
    """Append one row (inside its own transaction, so the chain's tail is read and extended at once)."""
    with ws.transaction():
        _append_in(ws, action, who, generation, given, answer)
        tail = ws.audit_rows_from(int((ws.audit_tail() or {"seq": 0})["seq"]))
    return tail[0]


def verify(rows: Iterable[dict[str, Any]], *, complete: bool = True) -> dict[str, Any]:
    """Check the chain: ``{"ok", "rows", "first_bad", "problem"}``. ``rows`` in ``seq`` order.
    ``complete``: they start at the first row ever written (the stored trail); an export ``--since``
    a date starts mid-chain, and its first ``prev_hash`` is taken as given."""
    prev: str | None = None
    count = 0
    expected_seq: int | None = None
    for row in rows:
        count += 1
        seq = int(row["seq"])
        if complete and expected_seq is None and seq != 1:
            return _bad(count, seq, f"row {seq} is the first: rows are missing from the start")
        if expected_seq is not None and seq != expected_seq:
            return _bad(
                count, seq, f"row {seq} follows row {expected_seq - 1}: rows are missing or reordered"
            )
        if prev is not None and row["prev_hash"] != prev:
            return _bad(count, seq, f"row {seq} does not chain to the row before it")
        if prev is None and seq == 1 and row["prev_hash"] != GENESIS:
            return _bad(count, seq, "the first row does not start the chain")
        if row_hash(row) != row["hash"]:
            return _bad(count, seq, f"row {seq} was changed after it was written (its hash does not match)")
        prev = row["hash"]
        expected_seq = seq + 1
    return {"ok": True, "rows": count, "first_bad": None, "problem": None}


def _bad(count: int, seq: int, problem: str) -> dict[str, Any]:
    return {"ok": False, "rows": count, "first_bad": seq, "problem": problem}


def export(rows: list[dict[str, Any]], handle: IO[str], fmt: str) -> int:
    """Write rows as JSON lines or CSV, every field as stored (so the export verifies on its own)."""
    if fmt == "jsonl":
        for row in rows:
            handle.write(json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(handle, fieldnames=list(FIELDS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row[k] for k in FIELDS})
    else:
        raise InvalidInput(f"unknown audit export format {fmt!r}: use jsonl or csv")
    return len(rows)


def read_export(text: str, fmt: str | None = None) -> list[dict[str, Any]]:
    """The rows of an export (JSON lines or CSV, guessed from the first character when not given)."""
    fmt = fmt or ("jsonl" if text.lstrip().startswith("{") else "csv")
    rows: list[dict[str, Any]] = []
    if fmt == "jsonl":
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"line {n}: not JSON ({exc.msg})") from None
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    for n, row in enumerate(rows, 1):
        missing = [f for f in FIELDS if f not in row]
        if missing:
            raise InvalidInput(f"row {n}: missing {', '.join(missing)}")
        row["seq"] = int(row["seq"])
    return rows


class AuditWriter:
    """Appends audit rows from a background thread, so that a request never waits for the
    database's write lock (an update holds it for seconds); :meth:`flush` waits until every
    submitted row is written. Rows submitted together are written in one transaction."""

    def __init__(self, open_store: Callable[[], Store], *, linger: float = 0.0) -> None:
        self._open_store = open_store
        self._queue: queue.Queue[tuple[str, str, dict[str, Any], Any, Any]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.errors: list[str] = []
        # Seconds the writer waits after a first row for more before it writes them all in one
        # transaction (a server: one wake-up of this thread and one transaction per row cost a
        # fifth of a screening's CPU); flush() cuts the wait short.
        self.linger = linger
        self._hurry = threading.Event()

    def submit(self, action: str, who: str, generation: dict[str, Any], given: Any, answer: Any) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True, name="redlist-audit")
                self._thread.start()
        self._queue.put((action, who, generation, given, answer))

    def flush(self) -> None:
        """Wait until every submitted row is written (or failed: see ``errors``)."""
        if self._thread is not None:
            self._hurry.set()
            self._queue.join()

    def _run(self) -> None:
        store: Store | None = None
        while True:
            items = [self._queue.get()]
            if self.linger and not self._hurry.is_set():
                self._hurry.wait(self.linger)
            self._hurry.clear()
            while True:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                if store is None:
                    store = self._open_store()
                ws = _trail(store)
                with ws.transaction():
                    for item in items:
                        _append_in(ws, *item)
            except Exception as exc:  # noqa: BLE001 - kept and logged; answering goes on
                self.errors.append(str(exc))
                log.error("audit rows not written: %s", exc)
            finally:
                for _ in items:
                    self._queue.task_done()


def _trail(store: Store) -> WatchStore | _LiteTrail:
    """The audit table of ``store``: through :class:`WatchStore`, or for a SQLite store opened
    with sqlite3 (a one-shot command's, :mod:`redlist.store.lite`) through the same statements
    without SQLAlchemy."""
    from redlist.store.lite import LiteStore

    if isinstance(store, LiteStore):
        return _LiteTrail(store)
    from redlist.watch.storage import WatchStore

    return WatchStore(store)


class _LiteTrail:
    """The audit table's tail and insert (as :class:`WatchStore` runs them) over a LiteStore."""

    def __init__(self, store: LiteStore) -> None:
        self.store = store

    def transaction(self) -> Any:
        return self.store.write()

    def audit_tail(self) -> dict[str, Any] | None:
        return self.store.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")

    def audit_insert(self, row: dict[str, Any]) -> None:
        self.store.run(
            "INSERT INTO audit_log (seq, at, who, action, generation, input, answer, prev_hash, hash) "
            "VALUES (:seq, :at, :who, :action, :generation, :input, :answer, :prev_hash, :hash)",
            row,
        )


def _append_in(
    ws: WatchStore | _LiteTrail, action: str, who: str, generation: dict[str, Any], given: Any, answer: Any
) -> None:
    """Append one row inside an open transaction."""
    tail = ws.audit_tail()
    row = {
        "seq": (int(tail["seq"]) + 1) if tail else 1,
        "at": now(),
        "who": who,
        "action": action,
        "generation": dumps(generation),
        "input": dumps(given),
        "answer": dumps(answer),
        "prev_hash": tail["hash"] if tail else GENESIS,
    }
    row["hash"] = row_hash(row)
    ws.audit_insert(row)
