"""Federal Register pages -> publication dates (sources/fr_pages.py) and undated BIS entries."""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path

import pytest

from redlist.errors import DataFileError
from redlist.sources import fr_pages
from redlist.sources.bis_el import parse_ecfr_xml
from redlist.sources.fr_pages import FROM_INDEX, FROM_LIST, FrIndex, parse_citations
from redlist.sources.trade_csl import parse_csl_json

from conftest import raw_path

# Hand-written index rows: one issue cover, two documents of one day, one printed citation.
ROWS = """\
rows:
  - {volume: 88, date: 2023-02-01, first_page: 6601, last_page: 6800, kind: issue, issue: 21,
     url: 'https://www.govinfo.gov/content/pkg/FR-2023-02-01/', evidence: "cover: Pages 6601-6800"}
  - {volume: 88, date: 2023-02-03, first_page: 7300, last_page: 7310, kind: document,
     url: 'https://www.federalregister.gov/d/2023-00001', evidence: "FR Doc. 2023-00001"}
  - {volume: 88, date: 2023-02-03, first_page: 7390, last_page: 7399, kind: document,
     url: 'https://www.federalregister.gov/d/2023-00002', evidence: "FR Doc. 2023-00002"}
  - {volume: 84, date: 2019-10-09, first_page: 54002, last_page: 54002, kind: citation,
     url: 'https://www.federalregister.gov/citation/84-FR-54002', evidence: "printed as '84 FR 54002, 10/9/19'"}
"""


@pytest.fixture
def index(tmp_path: Path) -> FrIndex:
    path = tmp_path / "fr_pages.yaml"
    path.write_text(ROWS)
    return FrIndex.load(path)


@pytest.mark.parametrize(
    ("volume", "page", "expected"),
    [
        (88, 6601, "2023-02-01"),  # the cover's first page
        (88, 6700, "2023-02-01"),
        (88, 6800, "2023-02-01"),  # and its last
        (88, 7350, "2023-02-03"),  # between two documents of the same day: that day's issue
        (88, 7000, None),  # between two issues: could be 02-01, 02-02 or 02-03
        (88, 7400, None),  # after the last attested page of 02-03
        (84, 54002, "2019-10-09"),  # exactly the printed page
        (84, 54003, None),  # one page further is not attested
        (87, 6700, None),  # another volume
    ],
)
def test_date_of(index, volume, page, expected):
    assert index.date_of(volume, page) == expected


def _load(tmp_path: Path, rows: str) -> FrIndex:
    path = tmp_path / "fr_pages.yaml"
    path.write_text("rows:\n" + rows)
    return FrIndex.load(path)


def test_overlapping_issues_are_refused(tmp_path):
    rows = (
        "  - {volume: 88, date: 2023-02-01, first_page: 6601, last_page: 6800, kind: issue,"
        " url: 'https://www.govinfo.gov/a', evidence: x}\n"
        "  - {volume: 88, date: 2023-02-02, first_page: 6790, last_page: 6900, kind: issue,"
        " url: 'https://www.govinfo.gov/b', evidence: y}\n"
    )
    with pytest.raises(DataFileError, match="fr_pages.yaml: volume 88: 2023-02-01 .* overlaps 2023-02-02"):
        _load(tmp_path, rows)


def test_pages_running_backwards_are_refused(tmp_path):
    # a misprinted pair: a later date on a lower page
    rows = (
        "  - {volume: 89, date: 2024-07-16, first_page: 52852, last_page: 52852, kind: citation,"
        " url: 'https://www.federalregister.gov/citation/89-FR-52852', evidence: x}\n"
        "  - {volume: 89, date: 2024-07-03, first_page: 55033, last_page: 55036, kind: document,"
        " url: 'https://www.federalregister.gov/d/2024-14635', evidence: y}\n"
    )
    with pytest.raises(DataFileError, match="2024-07-03 .* is not after 2024-07-16"):
        _load(tmp_path, rows)


def test_bad_rows_name_the_line(tmp_path):
    rows = (
        "  - {volume: 88, date: 2022-02-01, first_page: 10, last_page: 5, kind: issue,"
        " url: 'https://www.govinfo.gov/a', evidence: x}\n"
        "  - {volume: 88, date: 2023-02-30, first_page: 1, last_page: 2, kind: issue,"
        " url: 'https://www.govinfo.gov/a', evidence: x}\n"
    )
    with pytest.raises(DataFileError) as err:
        _load(tmp_path, rows)
    text = "\n".join(err.value.problems)
    assert "fr_pages.yaml:3" in text  # the impossible date, with its line
    with pytest.raises(DataFileError) as err:
        _load(tmp_path, rows.splitlines(keepends=True)[0])
    text = "\n".join(err.value.problems)
    assert "last page before first" in text and "not in the volume's year" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("84 FR 54002; 85 FR 44159", [(84, 54002, None), (85, 44159, None)]),
        ("84 FR 54,002.", [(84, 54002, None)]),
        (
            "63 FR 64322 (11/19/98), 65 FR 14444 (03/17/00)",
            [(63, 64322, "1998-11-19"), (65, 14444, "2000-03-17")],
        ),
        (
            "84 FR 22963, 5/21/19. 85 FR 51603, 8/20/20.",
            [(84, 22963, "2019-05-21"), (85, 51603, "2020-08-20")],
        ),
        ("67 F.R. 56530 9/4/02", [(67, 56530, "2002-09-04")]),
        ("46 F.R. 19290 3/30/81", [(46, 19290, "1981-03-30")]),  # two-digit years in the volume's century
        ("87 FR 52740 (8/29/02)", [(87, 52740, None)]),  # a date outside volume 87's year (2022)
        ("86 FR 29193-29198", [(86, 29193, None)]),  # a range: its first page
        ("85 FR 83799, 2/31/20", [(85, 83799, None)]),  # no such day
        ("", []),
        ("Vol. 83, No. 91, 05/10/2018", []),
    ],
)
def test_parse_citations(text, expected):
    assert [(c.volume, c.page, c.printed_date) for c in parse_citations([text])] == expected


def test_listing_date_is_the_earliest_citation(index):
    dated = index.listing_date(["88 FR 7395; 84 FR 54002"])
    assert dated is not None
    assert (dated.date, dated.basis, dated.citation.label) == ("2019-10-09", FROM_INDEX, "84 FR 54002")
    assert dated.label == "84 FR 54002, date from the Federal Register index"
    assert dated.citation.url == "https://www.federalregister.gov/citation/84-FR-54002"


def test_a_later_dated_citation_does_not_date_the_listing(index):
    # the first citation (the rule that added it) is not provable: unknown, not the later date
    assert index.listing_date(["88 FR 7000; 88 FR 7395"]) is None
    assert index.listing_date([None, ""]) is None


def test_printed_date_is_used_unless_the_pages_say_otherwise(index):
    dated = index.listing_date(["88 FR 6622, 2/1/23"])
    assert dated is not None and (dated.date, dated.basis) == ("2023-02-01", FROM_LIST)
    assert index.listing_date(["88 FR 9999, 3/1/23"]).date == "2023-03-01"  # nothing contradicts it
    assert index.listing_date(["88 FR 6622, 2/2/23"]) is None  # the issue of 02-01 holds page 6622


# --- the bundled index ---------------------------------------------------------------------------


def test_bundled_index_loads_and_cites_the_federal_register():
    index = fr_pages.bundled()
    spans = index.spans()
    assert len(spans) > 500
    text = (Path(fr_pages.__file__).parent / "data" / "fr_pages.yaml").read_text()
    urls = re.findall(r"url: '([^']+)'", text)
    assert urls and all(
        u.startswith(("https://www.federalregister.gov/", "https://www.govinfo.gov/")) for u in urls
    )
    assert not re.search(r"/(work|root|home|Users)/", text)


@pytest.mark.parametrize(
    ("volume", "page", "expected"),
    [
        (85, 83799, "2020-12-23"),  # the MEU List's first tranche (FR Doc. 2020-28052, 83793-83804)
        (88, 6622, "2023-02-01"),  # FR Doc. 2023-02130, 6621-6624
        (89, 55034, "2024-07-03"),  # FR Doc. 2024-14635, 55033-55036
        (84, 54002, None),  # between the attested pages of 2019-10-07 and 2019-10-30: not provable
    ],
)
def test_bundled_dates(volume, page, expected):
    assert fr_pages.date_of(volume, page) == expected


# --- parsers -------------------------------------------------------------------------------------

EL = "Entity List (EL) - Bureau of Industry and Security"
MEU = "Military End User (MEU) List - Bureau of Industry and Security"


def _csl(*rows: dict) -> dict:
    result = parse_csl_json({"consolidated.json": json.dumps({"results": list(rows)}).encode()})
    assert result.row_errors == []
    return {e.name: e.listings[0] for e in result.records}


def test_csl_entry_without_start_date_is_dated_by_its_first_citation():
    listings = _csl(
        {"source": EL, "name": "Example Trading Co.", "federal_register_notice": "89 FR 55034; 90 FR 14032"},
        {"source": MEU, "name": "Example Aviation Institute", "federal_register_notice": "85 FR 83799"},
        {
            "source": EL,
            "name": "Dated Co.",
            "start_date": "2019-05-16",
            "federal_register_notice": "84 FR 22963",
        },
        {"source": EL, "name": "Undated Co.", "federal_register_notice": "84 FR 54002"},
        {
            "source": "Specially Designated Nationals (SDN) - Treasury Department",
            "name": "NOT DATED BY FR",
            "entity_number": "1",
            "federal_register_notice": "89 FR 55034",
        },
    )
    el = listings["Example Trading Co."]
    assert el.listed_on == "2024-07-03"
    assert el.listed_on_basis == "89 FR 55034, date from the Federal Register index"
    assert listings["Example Aviation Institute"].listed_on == "2020-12-23"
    # the list's own date stands, and needs no explanation
    dated = listings["Dated Co."]
    assert (dated.listed_on, dated.listed_on_basis) == ("2019-05-16", None)
    assert (listings["Undated Co."].listed_on, listings["Undated Co."].listed_on_basis) == (None, None)
    assert listings["NOT DATED BY FR"].listed_on is None  # only the BIS lists are dated this way


ECFR_ROWS = (
    "<TR><TD>CHINA</TD><TD>Example Co., Beijing, China.</TD><TD>For all items.</TD><TD>Denial.</TD>"
    "<TD>85 FR 51603, 8/20/20. 84 FR 22963, 5/21/19.</TD></TR>\n"
    "<TR><TD/><TD>Second Co., Shanghai, China.</TD><TD>For all items.</TD><TD>Denial.</TD>"
    "<TD>89 FR 55034; 90 FR 14780, 4/4/25.</TD></TR>\n"
    "<TR><TD/><TD>Third Co., Shanghai, China.</TD><TD>For all items.</TD><TD>Denial.</TD>"
    "<TD>84 FR 54002; 85 FR 51603, 8/20/20.</TD></TR>\n"
)


def test_ecfr_entry_is_dated_by_its_earliest_citation():
    from test_bis_el import _doc

    result = parse_ecfr_xml({"part-744.xml": _doc(ECFR_ROWS)})
    listings = {e.name: e.listings[0] for e in result.records}
    first = listings["Example Co."]
    assert (first.listed_on, first.listed_on_basis) == (
        "2019-05-21",
        "84 FR 22963, date printed with the citation",
    )
    second = listings["Second Co."]
    assert (second.listed_on, second.listed_on_basis) == (
        "2024-07-03",
        "89 FR 55034, date from the Federal Register index",
    )
    # the first citation cannot be dated: a later one's printed date is not the listing date
    assert listings["Third Co."].listed_on is None


# --- real data -----------------------------------------------------------------------------------


def test_real_csl_bis_entries_dated_from_the_federal_register():
    """How many EL, MEU and UVL entries of the real CSL (no start_date) get a date, and how."""
    path = raw_path("trade_csl", "2026-07-31_reconstructed", "consolidated.json")
    result = parse_csl_json({"consolidated.json": path.read_bytes()})
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for entity in result.records:
        listing = entity.listings[0]
        if listing.list_id not in ("us_bis_el", "us_bis_meu", "us_bis_uvl"):
            continue
        if listing.listed_on is None:
            counts[(listing.list_id, "unknown")] += 1
            continue
        basis = listing.listed_on_basis or ""
        counts[(listing.list_id, basis.split(", ", 1)[1])] += 1
        # a date always names its citation, which is the entry's earliest, in the volume's year
        first = fr_pages.earliest(parse_citations(listing.federal_register))
        assert first is not None and basis.startswith(first.label + ", ")
        assert listing.listed_on[:4] == str(fr_pages.volume_year(first.volume))
    print("\nCSL 2026-07-31, BIS entries dated from the Federal Register:", dict(sorted(counts.items())))
    el_dated = counts[("us_bis_el", FROM_INDEX)] + counts[("us_bis_el", FROM_LIST)]
    assert el_dated + counts[("us_bis_el", "unknown")] == 3420
    assert el_dated >= 400
    assert counts[("us_bis_meu", FROM_INDEX)] >= 69
    assert counts[("us_bis_uvl", "unknown")] == 222  # the UVL rows of this copy cite no rule


# --- the explanation reaches check (CLI text and JSON) and the timeline ----------------------------


def test_check_explains_where_the_date_came_from(home, tmp_path):
    from typer.testing import CliRunner

    from redlist.cli import app

    csl = tmp_path / "consolidated.json"
    row = {"source": EL, "name": "Example Trading Co.", "federal_register_notice": "89 FR 55034; 90 FR 14032"}
    csl.write_text(json.dumps({"results": [row]}))
    runner = CliRunner()
    result = runner.invoke(app, ["update", "us_trade_csl", "--from", str(csl), "--as-of", "2026-07-31"])
    assert result.exit_code == 0, result.output

    result = runner.invoke(
        app, ["check", "Example Trading Co.", "--activity", "export", "--on", "2025-01-02", "--json"]
    )
    # the exit code is the verdict's (docs/status.md); the answer is read from the JSON
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["list"] == "us_bis_el"]
    assert finding["listed_on"] == "2024-07-03"
    assert finding["listed_on_basis"] == "89 FR 55034, date from the Federal Register index"
    assert "since 2024-07-03 (89 FR 55034, date from the Federal Register index)" in finding["explanation"]

    text = runner.invoke(
        app,
        ["check", "Example Trading Co.", "--activity", "export", "--on", "2025-01-02"],
        env={"COLUMNS": "200"},
    ).output
    assert "listed 2024-07-03 (89 FR 55034, date from the Federal Register index)" in " ".join(text.split())

    timeline = runner.invoke(app, ["timeline", "Example Trading Co.", "--json"])
    assert timeline.exit_code == 0, timeline.output
    entries = json.loads(timeline.stdout)["entries"]
    assert any(
        e["date"] == "2024-07-03" and "date from the Federal Register index" in e["text"] for e in entries
    )
