"""A party's timeline rendered for people: plain text lines, or a chart (SVG or PNG).

Charts need matplotlib (the ``charts`` extra); it is imported only when a chart is drawn.
"""

from __future__ import annotations

from datetime import date

from redlist.errors import RedlistError
from redlist.model import LISTS
from redlist.regimes.timeline import Timeline


def render_text(timeline: Timeline) -> str:
    """The timeline as plain lines: date, list, what happened, citation."""
    lines = [f"{timeline.name}  ({', '.join(timeline.entity_ids)})"]
    for e in timeline.entries:
        line = f"{e.date}  {e.list:15} {e.kind:20} {e.text}"
        if e.case:
            line += f" [{e.case['title']}, {e.case.get('docket') or ''} ({e.case.get('court') or ''})]"
        if e.citation:
            line += f"\n{'':49}cite: {e.citation}"
        lines.append(line)
    return "\n".join(lines)


def render_chart(timeline: Timeline, path: str, fmt: str, today: date | None = None) -> None:
    """Draw the timeline: one lane per list, a bar while listed, a marker per event (SVG or PNG)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RedlistError("charts need matplotlib: pip install 'redlist[charts]'") from exc
    today = today or date.today()
    lanes = sorted({p["list"] for p in timeline.periods} | {e.list for e in timeline.entries})
    fig, ax = plt.subplots(figsize=(11, 1.2 + 0.9 * max(len(lanes), 1)))
    for row, lane in enumerate(lanes):
        for p in (p for p in timeline.periods if p["list"] == lane):
            start = date.fromisoformat(p["start"])
            end = date.fromisoformat(p["end"]) if p["end"] else today
            ax.barh(
                row, (end - start).days, left=mdates.date2num(start), height=0.35, color="#c0392b", alpha=0.55
            )
        for e in (e for e in timeline.entries if e.list == lane):
            day = date.fromisoformat(e.date)
            ax.plot(
                mdates.date2num(day), row, marker=_MARKERS.get(e.kind, "o"), color="#222222", markersize=6
            )
            ax.annotate(
                e.kind.replace("_", " "),
                (day, row),
                xytext=(0, 9),
                textcoords="offset points",
                fontsize=7,
                rotation=30,
            )
    ax.set_yticks(range(len(lanes)))
    ax.set_yticklabels([LISTS.get(lane, lane) for lane in lanes], fontsize=8)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    ax.set_title(f"{timeline.name}: listings (bars) and legal events (markers)", fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, format=fmt)
    plt.close(fig)


_MARKERS = {
    "injunction": "X",
    "vacatur": "s",
    "removed": "v",
    "removal": "v",
    "listed": "^",
    "designation": "^",
}
