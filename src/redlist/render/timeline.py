"""A party's timeline rendered for people: plain text lines, or a chart (SVG or PNG).

The chart has one row per list of the party. Each row is a bar coloured by what the listing
meant on each day (the timeline's ``states``, from the status engine): pending, in force,
enjoined, suspended, removed or expired, each with its own colour *and* hatching and a spread of
lightness, so the states stay apart in greyscale. Bars start at legal dates; a first-seen date
(the first publication loaded that shows an entry) is only a faint tick. Legal events are
markers with a number, staggered so no two numbers touch, and a key below the chart says what
each number is. A dotted line marks today and a solid one the asked date, when there is one.

Charts need matplotlib (the ``charts`` extra); it is imported only when a chart is drawn, and no
pyplot state is used (the server draws charts from several threads).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from redlist.errors import RedlistError
from redlist.model import LISTS
from redlist.regimes.timeline import CHART_STATES, Timeline, TimelineEntry

#: The message when matplotlib is missing (shown literally: the CLI escapes Rich markup).
MISSING_MATPLOTLIB = "charts need matplotlib: pip install 'redlist[charts]'"


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


# --- the chart ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateStyle:
    """How one state is drawn: a fill, a hatch pattern (for greyscale) and the hatch's colour."""

    label: str
    color: str
    hatch: str
    hatch_color: str


_STYLES: dict[str, StateStyle] = {
    "pending": StateStyle("pending (not yet in force)", "#f4a582", "//", "#7f3b08"),
    "in_force": StateStyle("in force", "#b2182b", "", "#b2182b"),
    "enjoined": StateStyle("enjoined by a court", "#4393c3", "xx", "#08306b"),
    "suspended": StateStyle("suspended", "#6a51a3", "..", "#ffffff"),
    "removed": StateStyle("removed (off the list)", "#d4d4d4", "", "#d4d4d4"),
    "expired": StateStyle("expired", "#efefef", "\\\\", "#8c8c8c"),
}
#: One style per state, in the legend's order; they differ in lightness (in force darkest,
#: expired lightest) or hatching as well as in hue.
STATE_STYLES: dict[str, StateStyle] = {state: _STYLES[state] for state in CHART_STATES}

_MARKERS = {
    "injunction": "X",
    "vacatur": "s",
    "removed": "v",
    "removal": "v",
    "listed": "^",
    "designation": "^",
    "effective": "D",
}
_WIDTH_IN = 11.0
_DPI = 100
_LEFT, _RIGHT = 0.25, 0.98  # the axes, in figure fractions
_BAR = 0.44  # bar height, in row units
_LEVEL = 0.3  # height of one staggered level of event numbers, in row units (a line of 8 pt text)
_GAP_PX = 6  # the least room between two event numbers on one level
_ROW_IN = 0.42  # inches per row unit
_KEY_LINE_IN = 0.2
_KEY_CHARS = 150


@dataclass
class Chart:
    """A drawn chart: the figure, its axes, each list's row (y), and the event numbers' places."""

    figure: Any
    axes: Any
    rows: dict[str, float]
    numbers: list[dict[str, Any]] = field(default_factory=list)  # n, x (day), y, level, list, label

    def save(self, path: str, fmt: str) -> None:
        self.figure.savefig(path, format=fmt, dpi=150 if fmt == "png" else _DPI)


def render_chart(
    timeline: Timeline, path: str, fmt: str, today: date | None = None, on: str | date | None = None
) -> None:
    """Draw the timeline to ``path`` as SVG or PNG (see :func:`draw`)."""
    draw(timeline, today=today, on=on).save(path, fmt)


def draw(timeline: Timeline, *, today: date | None = None, on: str | date | None = None) -> Chart:
    """The chart of a timeline: one row per list, bars coloured by state, numbered events, a key.

    ``today`` (default: the real today) ends the bars still open; ``on`` is the asked date, drawn
    as a line when given.
    """
    try:
        from matplotlib import dates as mdates
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RedlistError(MISSING_MATPLOTLIB) from exc

    today = today or date.today()
    asked = date.fromisoformat(on) if isinstance(on, str) else on
    lanes = _lanes(timeline)
    groups = _event_groups(timeline)
    first_day, last_day = _span_of(timeline, today, asked)
    pad = timedelta(days=max(30, (last_day - first_day).days // 25))
    x0, x1 = first_day - pad, last_day + pad
    axes_px = (_RIGHT - _LEFT) * _WIDTH_IN * _DPI
    px_per_day = axes_px / max((x1 - x0).days, 1)
    levels = _stagger(groups, px_per_day)

    # rows from the top: each as tall as its stacked numbers need
    heights = {
        lane: 1.0 + _LEVEL * max([lv for g, lv in levels if g["list"] == lane], default=0) for lane in lanes
    }
    rows: dict[str, float] = {}
    y = 0.0
    for lane in reversed(lanes):  # the first list at the top
        rows[lane] = y + 0.5
        y += heights[lane]
    plot_units = max(y, 1.0)
    key_lines = len(groups)
    plot_in = plot_units * _ROW_IN
    top_in, axis_in, legend_in = 0.45, 0.5, 0.75
    key_in = (key_lines * _KEY_LINE_IN + 0.25) if key_lines else 0.0
    height_in = top_in + plot_in + axis_in + legend_in + key_in
    fig = Figure(figsize=(_WIDTH_IN, height_in), dpi=_DPI)
    bottom_in = axis_in + legend_in + key_in
    ax = fig.add_axes((_LEFT, bottom_in / height_in, _RIGHT - _LEFT, plot_in / height_in))

    def x(day: date) -> float:
        return float(mdates.date2num(day))

    now_end = max(today, asked or today)
    drawn = {r["list"] for r in timeline.states}
    for run in timeline.states:
        style = STATE_STYLES.get(run["state"])
        if style is None or run["list"] not in rows:
            continue
        start = date.fromisoformat(run["start"])
        end = date.fromisoformat(run["end"]) if run["end"] else max(now_end, start)
        ax.barh(
            rows[run["list"]],
            max((end - start).days, 1),
            left=x(start),
            height=_BAR,
            color=style.color,
            hatch=style.hatch or None,
            edgecolor=style.hatch_color,
            linewidth=0,
        )
    for period in timeline.periods:  # a list the status engine has no regime for: an outline only
        if period["list"] in drawn or period["list"] not in rows:
            continue
        start = date.fromisoformat(period["start"])
        end = date.fromisoformat(period["end"]) if period["end"] else max(now_end, start)
        ax.barh(
            rows[period["list"]],
            max((end - start).days, 1),
            left=x(start),
            height=_BAR,
            fill=False,
            edgecolor="#666666",
            linestyle="--",
        )

    chart = Chart(fig, ax, rows)
    for (group, level), n in zip(levels, range(1, len(levels) + 1), strict=True):
        day, row = date.fromisoformat(group["date"]), rows[group["list"]]
        seen_only = all(e.kind == "first_seen" for e in group["entries"])
        if seen_only:
            ax.plot(x(day), row, marker="|", markersize=18, color="#777777", alpha=0.7, markeredgewidth=1.2)
        else:
            kind = next((e.kind for e in group["entries"] if e.kind != "first_seen"), "event")
            ax.plot(
                x(day),
                row,
                marker=_MARKERS.get(kind, "o"),
                markersize=7,
                color="#111111",
                markeredgecolor="#ffffff",
                markeredgewidth=0.8,
            )
        label_y = row + _BAR / 2 + 0.08 + level * _LEVEL
        ax.text(
            x(day),
            label_y,
            str(n),
            ha="center",
            va="bottom",
            fontsize=8,
            fontweight="normal" if seen_only else "bold",
            color="#777777" if seen_only else "#111111",
        )
        chart.numbers.append({"n": n, "x": day, "y": label_y, "level": level, "list": group["list"]})

    today_line = ax.axvline(x(today), color="#222222", linestyle=":", linewidth=1.3)
    handles: list[Any] = [
        Patch(facecolor=s.color, hatch=s.hatch or None, edgecolor=s.hatch_color, linewidth=0, label=s.label)
        for s in STATE_STYLES.values()
    ]
    handles += [
        Line2D(
            [], [], marker="^", color="#111111", linestyle="", markersize=7, label="legal event (numbered)"
        ),
        Line2D(
            [],
            [],
            marker="|",
            color="#777777",
            linestyle="",
            markersize=12,
            label="first seen (not a legal date)",
        ),
        Line2D(
            [],
            [],
            color=today_line.get_color(),
            linestyle=":",
            linewidth=1.3,
            label=f"today {today.isoformat()}",
        ),
    ]
    if asked is not None:
        ax.axvline(x(asked), color="#000000", linestyle="-", linewidth=1.6)
        handles.append(
            Line2D([], [], color="#000000", linewidth=1.6, label=f"asked date {asked.isoformat()}")
        )

    ax.set_xlim(x(x0), x(x1))
    ax.set_ylim(0, plot_units)
    ax.set_yticks([rows[lane] for lane in lanes])
    ax.set_yticklabels([textwrap.fill(LISTS.get(lane, lane), 38) for lane in lanes], fontsize=9)
    ax.tick_params(axis="y", length=0)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelsize=9)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.suptitle(
        f"{timeline.name}: what each listing meant, day by day",
        fontsize=11,
        x=_LEFT,
        ha="left",
        y=1 - 0.12 / height_in,
    )
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(_LEFT - 0.02, (key_in + legend_in) / height_in),
        ncol=4,
        frameon=False,
        fontsize=8.5,
        handlelength=2.2,
        columnspacing=1.4,
    )
    for i, (group, _level) in enumerate(levels):
        line_y = (key_in - 0.2 - i * _KEY_LINE_IN) / height_in
        fig.text(
            0.02, line_y, _key_line(i + 1, group), fontsize=8.5, va="top", ha="left", family="DejaVu Sans"
        )
    return chart


def _lanes(timeline: Timeline) -> list[str]:
    """Every list of the party, the earliest first."""
    first: dict[str, str] = {}
    for item in [*timeline.states, *timeline.periods]:
        first[item["list"]] = min(first.get(item["list"], item["start"]), item["start"])
    for e in timeline.entries:
        first[e.list] = min(first.get(e.list, e.date), e.date)
    return sorted(first, key=lambda lane: (first[lane], lane))


def _event_groups(timeline: Timeline) -> list[dict[str, Any]]:
    """The timeline's entries grouped by list and day, oldest first (one marker and number each).

    ``listed`` entries are left out when a legal event of the same day says the same (the
    designation), as are ``removed`` ones explained by an event that day (the vacatur)."""
    groups: dict[tuple[str, str], list[TimelineEntry]] = {}
    for e in timeline.entries:
        groups.setdefault((e.list, e.date), []).append(e)
    out = []
    for (lane, day), entries in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        events = [
            e for e in entries if e.source == "curated" and e.kind not in ("listed", "removed", "first_seen")
        ]
        if events:
            entries = events + [e for e in entries if e.kind == "first_seen"]
        out.append({"list": lane, "date": day, "entries": entries})
    return out


def _stagger(groups: list[dict[str, Any]], px_per_day: float) -> list[tuple[dict[str, Any], int]]:
    """Each group with the level of its number: the lowest level of its row where it keeps
    ``_GAP_PX`` from the number before it (numbers are placed in date order)."""
    right_edge: dict[tuple[str, int], float] = {}
    out = []
    for n, group in enumerate(groups, start=1):
        centre = date.fromisoformat(group["date"]).toordinal() * px_per_day
        half = 3.5 * len(str(n)) + 1  # half the width of the number at 8 pt, in pixels
        level = 0
        while centre - half < right_edge.get((group["list"], level), float("-inf")) + _GAP_PX:
            level += 1
        right_edge[(group["list"], level)] = centre + half
        out.append((group, level))
    return out


def _span_of(timeline: Timeline, today: date, asked: date | None) -> tuple[date, date]:
    days = [date.fromisoformat(e.date) for e in timeline.entries]
    days += [date.fromisoformat(r["start"]) for r in [*timeline.states, *timeline.periods]]
    days += [date.fromisoformat(r["end"]) for r in [*timeline.states, *timeline.periods] if r["end"]]
    days += [today] + ([asked] if asked else [])
    return min(days), max(days)


def _key_line(n: int, group: dict[str, Any]) -> str:
    lane = LISTS.get(group["list"], group["list"])
    parts = []
    for e in group["entries"]:
        if e.kind == "first_seen":
            parts.append(f"first seen in {e.source or 'a publication'} (not a legal date)")
        else:
            parts.append(f"{e.kind.replace('_', ' ')}: {' '.join(e.text.split())}")
    text = f"{n:>2}.  {group['date']}  {textwrap.shorten(lane, 40, placeholder='…')} — " + "; ".join(parts)
    return textwrap.shorten(text, _KEY_CHARS, placeholder=" …")
