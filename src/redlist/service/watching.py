"""The facade's watchlist, alert and audit-trail operations (a part of :class:`redlist.service.Redlist`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from redlist.errors import InvalidInput

# Imported when used (start-up time), as in redlist.service.
if TYPE_CHECKING:
    from redlist.service.generation import Generation
    from redlist.settings import Settings
    from redlist.store import Store
    from redlist.watch.audit import AuditWriter
    from redlist.watch.monitor import Monitor, RunReport
    from redlist.watch.storage import WatchStore


class WatchOperations:
    """Watchlists, their re-checks and webhooks, alerts and decisions, and the audit trail: the
    operations :class:`redlist.service.Redlist` takes from here."""

    settings: Settings
    last_watch_report: RunReport | None

    if TYPE_CHECKING:  # what the operations use of the facade

        @property
        def _auditor(self) -> AuditWriter: ...

        def _open_store(self, *, shared: bool) -> Store: ...

        def _current(self) -> Generation: ...

        def generation(self) -> contextlib.AbstractContextManager[Generation]: ...

    # --- watchlists, alerts, the audit trail -------------------------------------------------------

    @contextmanager
    def _watch_store(self) -> Iterator[WatchStore]:
        from redlist.watch.storage import WatchStore

        with self._open_store(shared=False) as store:
            yield WatchStore(store)

    @staticmethod
    def default_user() -> str:
        """Who acts when no API key names the caller: the OS user."""
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # noqa: BLE001 - no user name in this environment
            return "unknown"

    def audit(self, action: str, given: Any, answer: Any, *, who: str | None = None) -> dict[str, Any]:
        """Append one row to the audit trail now (the data generation is the current one)."""
        from redlist.watch import audit as watch_audit

        self._auditor.flush()  # rows submitted earlier come first
        with self.generation() as gen:
            generation = {"data_key": gen.key, "sources": gen.receipt.get("sources", [])}
        with self._watch_store() as ws:
            return watch_audit.append(ws, action, who or self.default_user(), generation, given, answer)

    def record(
        self,
        action: str,
        given: Any,
        answer: Any,
        *,
        who: str | None = None,
        receipt: Mapping[str, Any] | None = None,
        wait: bool = False,
    ) -> None:
        """Put a screening or a check in the audit trail (when the ``audit`` setting is on), from a
        background writer: ``wait`` until it is written (the CLI), or not (the API). ``receipt`` is
        the answer's ``data`` (the snapshots it answered from)."""
        if not self.settings.audit:
            return
        generation: dict[str, Any]
        if receipt is not None:
            generation = {"data_key": None, "sources": list(receipt.get("sources", []))}
        else:
            with self.generation() as gen:
                generation = {"data_key": gen.key, "sources": gen.receipt.get("sources", [])}
        self._auditor.submit(action, who or self.default_user(), generation, given, answer)
        if wait:
            self._auditor.flush()

    def watch_add(
        self,
        name: str,
        input_path: str | Path,
        *,
        kind: str = "parties",
        activity: str | None = None,
        encoding: str | None = None,
        who: str | None = None,
        today: str | date | None = None,
    ) -> dict[str, Any]:
        """Create (or replace the rows of) a watchlist from a CSV/XLSX/Parquet/JSONL file and screen
        it once in full, which raises its first alerts. ``kind`` is ``parties`` (customers,
        counterparties, suppliers: the ``activity`` asked, default transact, several comma
        separated) or ``portfolio`` (rows by ISIN, with quantity: buy, sell and divest-by)."""
        from redlist.regimes.status import parse_activity
        from redlist.watch.rows import read_watch_file

        name = _watch_name(name)
        rows = read_watch_file(input_path, kind, encoding=encoding)
        activities = activity or ("invest,divest" if kind == "portfolio" else "transact")
        for a in activities.split(","):
            parse_activity(a)
        with self._watch_store() as ws:
            with ws.transaction():
                ws.put_watchlist(name, kind, activities, rows)
            report = self._monitor(ws, today).run_full([name])
        self.audit(
            "watch.add", {"watchlist": name, "rows": len(rows), "kind": kind}, report.to_dict(), who=who
        )
        self._audit_raised(report, who)
        self._notify(report)
        return {
            "watchlist": name,
            "rows": len(rows),
            "kind": kind,
            "activity": activities,
            "run": report.to_dict(),
        }

    def watch_add_rows(
        self,
        name: str,
        rows: list[dict[str, Any]],
        *,
        kind: str = "parties",
        activity: str | None = None,
        who: str | None = None,
        today: str | date | None = None,
    ) -> dict[str, Any]:
        """:meth:`watch_add` from row objects (the API's JSON body: the file's columns as keys)."""
        import json
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "rows.jsonl"
            lines = (json.dumps({"name": None, **r}, ensure_ascii=False) + "\n" for r in rows)
            path.write_text("".join(lines), encoding="utf-8")
            try:
                return self.watch_add(name, path, kind=kind, activity=activity, who=who, today=today)
            except InvalidInput as exc:
                raise InvalidInput(str(exc).replace(str(path), "rows")) from None

    def watchlists(self) -> list[dict[str, Any]]:
        """Every watchlist with its row and open alert counts (webhook secrets left out)."""
        with self._watch_store() as ws:
            return [_public_watchlist(w) for w in ws.watchlists()]

    def watchlist(self, name: str) -> dict[str, Any]:
        """One watchlist: its settings, rows and alerts."""
        with self._watch_store() as ws:
            found = ws.watchlist(name)
            if found is None:
                raise InvalidInput(f"no watchlist {name!r} (see `redlist watch list`)")
            return {
                **_public_watchlist(found),
                "rows": ws.rows(name),
                "alerts": ws.alerts(watchlist=name),
            }

    def watch_remove(self, name: str, *, who: str | None = None) -> None:
        """Delete a watchlist with its rows, alerts and exclusions (the audit trail keeps its history)."""
        with self._watch_store() as ws:
            if ws.watchlist(name) is None:
                raise InvalidInput(f"no watchlist {name!r} (see `redlist watch list`)")
            with ws.transaction():
                ws.remove_watchlist(name)
        self.audit("watch.remove", {"watchlist": name}, {"removed": True}, who=who)

    def watch_webhook(self, name: str, url: str | None, secret: str | None = None) -> dict[str, Any]:
        """Set (or clear, with ``url=None``) the webhook of a watchlist."""
        from redlist.watch import webhooks as watch_webhooks

        if url is not None:
            watch_webhooks.check_url(url)
            if not secret:
                raise InvalidInput("a webhook needs a secret (to sign what is sent)")
        with self._watch_store() as ws:
            if ws.watchlist(name) is None:
                raise InvalidInput(f"no watchlist {name!r} (see `redlist watch list`)")
            ws.set_webhook(name, url, secret)
            return _public_watchlist(ws.watchlist(name) or {})

    def watch_run(
        self,
        *,
        full: bool = False,
        today: str | date | None = None,
        who: str | None = None,
        notify: bool = True,
    ) -> RunReport:
        """Re-check the watchlists: against what changed since the last run (reverse search), or
        every row against the lists (``full``); date-driven alerts are raised either way."""
        with self._watch_store() as ws:
            monitor = self._monitor(ws, today)
            report = monitor.run_full() if full else monitor.run_changes()
        self.audit("watch.run", {"full": full, "on": report.on}, report.to_dict(), who=who)
        self._audit_raised(report, who)
        if notify:
            self._notify(report)
        return report

    def _audit_raised(self, report: RunReport, who: str | None) -> None:
        """One audit row per raised alert, written together (one transaction for a run's alerts)."""
        if not report.raised:
            return
        with self.generation() as gen:
            generation = {"data_key": gen.key, "sources": gen.receipt.get("sources", [])}
        for alert in report.raised:
            self._auditor.submit(
                "alert.raised",
                who or self.default_user(),
                generation,
                {"alert": alert["id"]},
                _alert_summary(alert),
            )
        self._auditor.flush()

    def _monitor(self, ws: WatchStore, today: str | date | None) -> Monitor:
        from redlist.regimes.status import parse_date
        from redlist.watch.monitor import Monitor

        day = parse_date(today, "today") if today is not None else date.today()
        gen = self._current()
        folder = self.settings.cache_dir if self.settings.cache else None
        return Monitor(ws, gen, today=day, cache_dir=folder)

    def _notify(self, report: RunReport, *, dry_run: bool = False) -> list[dict[str, Any]]:
        from redlist.watch import webhooks as watch_webhooks

        out = []
        down: set[str] = set()  # receivers that failed every attempt in this run: tried once more each
        with self._watch_store() as ws:
            lists = {w["name"]: w for w in ws.watchlists()}
            for alert in report.raised:
                wl = lists.get(alert["watchlist"])
                if not wl or not wl.get("webhook_url"):
                    continue
                if dry_run:
                    out.append(watch_webhooks.preview(wl, alert))
                    continue
                timing = dict(self._webhook_timing)
                if wl["webhook_url"] in down:
                    timing["attempts"] = 1
                sent = watch_webhooks.deliver(ws, wl, alert, **timing)
                if not sent["delivered"]:
                    down.add(wl["webhook_url"])
                out.append(sent)
        return out

    def webhook_previews(self, report: RunReport) -> list[dict[str, Any]]:
        """What the alerts a run raised would send to their watchlists' webhooks (nothing is sent)."""
        return self._notify(report, dry_run=True)

    #: Retry timing of webhook deliveries (tests shorten it).
    _webhook_timing: dict[str, Any] = {}

    def webhook_preview(self, name: str) -> list[dict[str, Any]]:
        """What would be sent for the watchlist's open alerts (``--dry-run``): nothing is sent."""
        from redlist.watch import webhooks as watch_webhooks

        with self._watch_store() as ws:
            wl = ws.watchlist(name)
            if wl is None:
                raise InvalidInput(f"no watchlist {name!r} (see `redlist watch list`)")
            if not wl.get("webhook_url"):
                raise InvalidInput(f"watchlist {name!r} has no webhook (see `redlist watch webhook`)")
            return [watch_webhooks.preview(wl, a) for a in ws.alerts(watchlist=name, status="open")]

    def webhook_deliveries(self, name: str | None = None) -> list[dict[str, Any]]:
        """The delivery log (every attempt)."""
        with self._watch_store() as ws:
            return ws.deliveries(name)

    def alerts(self, *, open_only: bool = False, watchlist: str | None = None) -> list[dict[str, Any]]:
        """Alerts, oldest change first (``open_only``: those waiting for a decision)."""
        with self._watch_store() as ws:
            return ws.alerts(watchlist=watchlist, status="open" if open_only else None)

    def alert(self, alert_id: str) -> dict[str, Any]:
        """One alert with its decisions."""
        with self._watch_store() as ws:
            found = ws.alert(alert_id)
            if found is None:
                raise InvalidInput(f"no alert {alert_id!r} (see `redlist alerts`)")
            found["decisions"] = ws.decisions(alert_id)
            return found

    def decide(self, alert_id: str, decision: str, reason: str, *, who: str | None = None) -> dict[str, Any]:
        """Record an analyst's decision (true_match, false_positive or escalate) with its reason."""
        from redlist.watch import alerts as watch_alerts

        who = who or self.default_user()
        with self._watch_store() as ws:
            alert = watch_alerts.decide(ws, alert_id, decision, reason, who)
        self.audit(
            "alert.decision",
            {"alert": alert_id, "decision": alert["decision"], "reason": reason},
            {"status": alert["status"], "evidence_hash": alert["evidence_hash"]},
            who=who,
        )
        return alert

    def audit_rows(self, since: str | date | None = None) -> list[dict[str, Any]]:
        """The audit trail's rows (from ``since``, a date), oldest first."""
        from redlist.regimes.status import parse_date

        self._auditor.flush()
        day = parse_date(since, "since").isoformat() if since else None
        with self._watch_store() as ws:
            return ws.audit_rows(day)

    def audit_verify(self, text: str | None = None) -> dict[str, Any]:
        """Verify the hash chain of the stored trail, or of an export's text."""
        from redlist.watch import audit as watch_audit

        if text is not None:  # an export may start mid-chain (--since)
            return watch_audit.verify(watch_audit.read_export(text), complete=False)
        return watch_audit.verify(self.audit_rows())

    def audit_export(self, handle: IO[str], *, since: str | date | None = None, format: str = "jsonl") -> int:
        """Write the trail (from ``since``) as JSON lines or CSV; returns how many rows."""
        from redlist.watch import audit as watch_audit

        return watch_audit.export(self.audit_rows(since), handle, format)


def _watch_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > 100 or any(c in clean for c in "\x00\x1f/"):
        raise InvalidInput(f"watchlist name {name!r}: 1 to 100 characters, no '/'")
    return clean


def _public_watchlist(w: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in w.items() if k != "webhook_secret"}
    out["webhook"] = bool(w.get("webhook_url"))
    return out


def _alert_summary(alert: dict[str, Any]) -> dict[str, Any]:
    ev = alert["evidence"]
    return {
        "watchlist": alert["watchlist"],
        "row_id": alert["row_id"],
        "party_id": alert["party_id"],
        "status": ev.get("status"),
        "change": alert["changes"][-1]["text"] if alert["changes"] else None,
        "evidence_hash": alert["evidence_hash"],
    }
