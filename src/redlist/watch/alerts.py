"""Analyst decisions on alerts: true match, false positive (remembered as an exclusion of that
party for that watched row, which survives list updates) or escalate, each with a reason."""

from __future__ import annotations

from typing import Any

from redlist.errors import InvalidInput
from redlist.watch.storage import WatchStore, now

DECISIONS = ("true_match", "false_positive", "escalate")
STATUS_AFTER = {"true_match": "closed", "false_positive": "closed", "escalate": "escalated"}


def decide(ws: WatchStore, alert_id: str, decision: str, reason: str, who: str) -> dict[str, Any]:
    """Record a decision and return the alert as it is now."""
    decision = decision.replace("-", "_")
    if decision not in DECISIONS:
        raise InvalidInput(f"unknown decision {decision!r}: use true-match, false-positive or escalate")
    if not reason or not reason.strip():
        raise InvalidInput("a decision needs a reason")
    with ws.transaction():
        alert = ws.alert(alert_id)
        if alert is None:
            raise InvalidInput(f"no alert {alert_id!r} (see `redlist alerts`)")
        ws.add_decision(alert_id, who, decision, reason.strip(), alert["evidence_hash"])
        if decision == "false_positive":
            ws.exclude(alert, reason.strip(), who)
        elif alert.get("decision") == "false_positive":
            ws.unexclude(alert)  # a later decision overrides an earlier false positive
        alert.update(status=STATUS_AFTER[decision], decision=decision, updated_at=now())
        ws.save_alert(alert, new=False)
    found = ws.alert(alert_id)
    assert found is not None
    found["decisions"] = ws.decisions(alert_id)
    return found
