"""Timeline charts a person reads at a glance: the state of each list day by day (from the status
engine), bars from legal dates, numbered events that never overlap, today and the asked date.

The snapshot tests draw Xiaomi's and Hikvision's charts from the bundled curated data (a fresh
install) at a fixed size and read the colour of the bar on given days from the pixels.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from itertools import combinations

import pytest

from redlist.check import Checker, party_timeline
from redlist.model import Listing
from redlist.regimes.status import ListingSpan
from redlist.regimes.timeline import CHART_STATES, build

mdates = pytest.importorskip("matplotlib.dates", reason="charts need matplotlib (the charts extra)")
np = pytest.importorskip("numpy")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from redlist.render.timeline import MISSING_MATPLOTLIB, STATE_STYLES, draw, render_chart  # noqa: E402

TODAY = date(2026, 12, 1)
WHITE = (255, 255, 255)


@pytest.fixture(scope="module")
def offline() -> Checker:
    return Checker(None)


def pixels(chart):
    canvas = FigureCanvasAgg(chart.figure)
    canvas.draw()
    return canvas, np.asarray(canvas.buffer_rgba())[:, :, :3]


def colour_on(chart, image, day: str, lane: str) -> tuple[int, int, int]:
    """The most common colour in a small patch of ``lane``'s bar on ``day`` (hatch lines are thin)."""
    x, y = chart.axes.transData.transform((mdates.date2num(date.fromisoformat(day)), chart.rows[lane]))
    row, col = image.shape[0] - int(round(y)), int(round(x))
    patch = image[row - 3 : row + 4, col - 4 : col + 5].reshape(-1, 3)
    return Counter(tuple(int(v) for v in p) for p in patch).most_common(1)[0][0]


def state_colour(state: str) -> tuple[int, int, int]:
    return tuple(round(c * 255) for c in to_rgb(STATE_STYLES[state].color))  # type: ignore[return-value]


def assert_colour(chart, image, day: str, lane: str, expected: tuple[int, int, int]) -> None:
    found = colour_on(chart, image, day, lane)
    assert max(abs(a - b) for a, b in zip(found, expected, strict=True)) <= 3, (day, lane, found, expected)


def test_xiaomi_states_follow_the_status_engine(offline) -> None:
    line = party_timeline(offline, entity_id="us_dod_ccmc:xiaomi")
    assert line.states == [
        {"list": "us_dod_ccmc", "state": "pending", "start": "2021-01-14", "end": "2021-03-12"},
        {"list": "us_dod_ccmc", "state": "enjoined", "start": "2021-03-12", "end": "2021-05-25"},
        {"list": "us_dod_ccmc", "state": "removed", "start": "2021-05-25", "end": None},
    ]
    data = line.to_dict()  # the JSON keeps its fields and gains "states"
    assert {"name", "entity_ids", "entries", "periods", "states"} <= set(data)
    assert data["periods"] == [{"list": "us_dod_ccmc", "start": "2021-01-14", "end": "2021-05-25"}]
    json.dumps(data)


def test_xiaomi_chart_colours_by_day(offline, tmp_path) -> None:
    line = party_timeline(offline, entity_id="us_dod_ccmc:xiaomi")
    chart = draw(line, today=TODAY, on="2021-03-16")
    _, image = pixels(chart)
    lane = "us_dod_ccmc"
    assert_colour(chart, image, "2020-11-01", lane, WHITE)  # before the designation: no bar
    assert_colour(chart, image, "2021-02-10", lane, state_colour("pending"))
    assert_colour(chart, image, "2021-04-20", lane, state_colour("enjoined"))  # not "in force"
    assert_colour(chart, image, "2023-06-01", lane, state_colour("removed"))  # vacated
    assert colour_on(chart, image, "2021-04-20", lane) != state_colour("in_force")
    chart.save(str(tmp_path / "xiaomi.png"), "png")
    chart.save(str(tmp_path / "xiaomi.svg"), "svg")
    assert (tmp_path / "xiaomi.png").read_bytes()[:4] == b"\x89PNG"
    svg = (tmp_path / "xiaomi.svg").read_text()
    assert STATE_STYLES["enjoined"].color in svg and "asked date 2021-03-16" in svg


def test_hikvision_chart_one_row_per_list_with_the_states(offline, tmp_path) -> None:
    line = party_timeline(offline, "Hikvision")
    chart = draw(line, today=TODAY)
    assert set(chart.rows) == {"us_ndaa_889", "us_bis_el", "us_dod_ccmc", "us_fcc_covered"}
    _, image = pixels(chart)
    assert_colour(chart, image, "2019-06-01", "us_bis_el", WHITE)  # designated 2019-10-09
    assert_colour(chart, image, "2020-06-01", "us_bis_el", state_colour("in_force"))
    assert_colour(chart, image, "2019-01-15", "us_ndaa_889", state_colour("pending"))  # s.889 from 2019-08-13
    assert_colour(chart, image, "2020-10-01", "us_dod_ccmc", state_colour("pending"))
    assert_colour(chart, image, "2021-03-01", "us_dod_ccmc", state_colour("in_force"))
    # the s.1237 securities regime ended on 2021-06-03 (EO 14032): expired, not in force
    assert_colour(chart, image, "2024-01-01", "us_dod_ccmc", state_colour("expired"))
    assert_colour(chart, image, "2024-01-01", "us_fcc_covered", state_colour("in_force"))
    render_chart(line, str(tmp_path / "hikvision.png"), "png", today=TODAY)


def test_a_bar_starts_at_the_legal_date_not_the_first_seen_one(offline) -> None:
    """Hikvision's Entity List row known only from the CSL, first seen in 2025: the bar starts at
    BIS's designation of 2019-10-09 and the first-seen date is a faint, labelled mark."""
    party = offline.parties.party_of("us_dod_ccmc:hikvision")
    csl = ListingSpan(
        Listing(list_id="us_bis_el", source_id="csl-hik"),
        "us_trade_csl",
        "csl-hik",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        seen_from="2025-12-19",
        removed_on=None,
    )
    spans = [*offline.spans(party), csl]
    line = build(
        party.name, party.entry_ids, spans, offline.events_for(party), coverage={"us_trade_csl": "2025-12-19"}
    )
    [run] = [r for r in line.states if r["list"] == "us_bis_el"]
    assert run == {"list": "us_bis_el", "state": "in_force", "start": "2019-10-09", "end": None}
    assert ("2025-12-19", "first_seen") in [(e.date, e.kind) for e in line.entries]
    chart = draw(line, today=TODAY)
    _, image = pixels(chart)
    assert_colour(chart, image, "2022-01-01", "us_bis_el", state_colour("in_force"))
    texts = " ".join(t.get_text() for t in chart.figure.texts)
    assert "first seen in us_trade_csl (not a legal date)" in texts


@pytest.mark.parametrize("query", ["us_dod_ccmc:xiaomi", "us_dod_ccmc:hikvision", "us_dod_ccmc:huawei"])
def test_labels_never_overlap(offline, query) -> None:
    line = party_timeline(offline, entity_id=query)
    chart = draw(line, today=TODAY, on="2021-03-16")
    canvas, _ = pixels(chart)
    renderer = canvas.get_renderer()
    texts = [t for t in [*chart.axes.texts, *chart.figure.texts] if t.get_text().strip()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    assert len(chart.numbers) == len({n["n"] for n in chart.numbers}) > 0
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


def test_today_and_the_asked_date_are_drawn(offline) -> None:
    line = party_timeline(offline, entity_id="us_dod_ccmc:xiaomi")
    chart = draw(line, today=TODAY, on="2021-03-16")
    verticals = {round(float(ln.get_xdata()[0])) for ln in chart.axes.lines if len(set(ln.get_xdata())) == 1}
    assert round(mdates.date2num(TODAY)) in verticals
    assert round(mdates.date2num(date(2021, 3, 16))) in verticals
    labels = [t.get_text() for t in chart.figure.legends[0].get_texts()]
    assert f"today {TODAY.isoformat()}" in labels and "asked date 2021-03-16" in labels
    assert [STATE_STYLES[s].label for s in CHART_STATES] == labels[: len(CHART_STATES)]


def test_states_differ_in_greyscale() -> None:
    """Each pair of states differs in lightness or in hatching, so a greyscale print keeps them apart."""

    def lightness(colour: str) -> float:
        r, g, b = to_rgb(colour)
        return 0.299 * r + 0.587 * g + 0.114 * b

    for (a, sa), (b, sb) in combinations(STATE_STYLES.items(), 2):
        assert abs(lightness(sa.color) - lightness(sb.color)) > 0.08 or sa.hatch != sb.hatch, (a, b)
    assert set(STATE_STYLES) == set(CHART_STATES)


def test_missing_matplotlib_names_the_extra_literally(home, monkeypatch, tmp_path) -> None:
    from typer.testing import CliRunner

    from redlist.cli import app

    for name in (
        "matplotlib",
        "matplotlib.dates",
        "matplotlib.figure",
        "matplotlib.lines",
        "matplotlib.patches",
    ):
        monkeypatch.setitem(__import__("sys").modules, name, None)  # import fails as if not installed
    result = CliRunner().invoke(
        app, ["timeline", "Xiaomi Corporation", "--format", "svg", "--output", str(tmp_path / "t.svg")]
    )
    assert result.exit_code == 1
    assert "pip install 'redlist[charts]'" in result.output, result.output
    assert MISSING_MATPLOTLIB in " ".join(result.output.split())
