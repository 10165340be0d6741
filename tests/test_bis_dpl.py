"""BIS Denied Persons List (dpl.txt): hand-written fixture, bad input, and the real 2022 file."""

from __future__ import annotations

import pytest

from redlist.errors import SourceError
from redlist.model import EntityType
from redlist.sources.bis_dpl import dpl_entity_type, parse_dpl, split_fr_citations
from redlist.sources.common import dpl_entity_id

from conftest import FIXTURES, raw_path

HEADER = '"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t"Effective_Date"\t"Expiration_Date"\t"Standard_Order"\t"Last_Update"\t"Action"\t"FR_Citation"\r\n'
ROW = '"JANE DOE"\t"1 ELM STREET"\t"RENO"\t"NV"\t""\t"89501"\t"05/06/2019"\t"05/06/2029"\t"Y"\t"2019-05-10"\t"NEW"\t"84 F.R. 5000 5/9/2019"\r\n'


def parse_text(text: str):
    return parse_dpl({"dpl.txt": text.encode()})


def test_fixture_merges_rows_of_one_denial():
    result = parse_dpl({"dpl.txt": (FIXTURES / "bis_dpl" / "dpl.txt").read_bytes()})
    assert result.row_errors == []
    assert result.as_of is None
    assert result.warnings == ["dpl.txt carries no publication date; its latest Last_Update is 2021-06-09"]
    # 4 rows: two rows of one denial merge; the same name with another effective date stays apart.
    assert len(result.records) == 3
    first, second, company = result.records
    assert first.name == second.name == "JOHN Q. EXPORTER"  # leading space stripped
    assert first.entity_id == dpl_entity_id("JOHN Q. EXPORTER", "2015-01-02")
    assert second.entity_id == dpl_entity_id("JOHN Q. EXPORTER", "2020-03-04")
    assert first.key != second.key
    assert [a.city for a in first.addresses] == ["EL PASO", "JUAREZ"]
    # Blank Country with a US state code means US.
    assert first.addresses[0].country is None and first.addresses[0].country_code == "US"
    assert first.countries == ["MX", "US"]
    listing = first.listings[0]
    assert listing.list_id == "us_bis_dpl"
    assert (listing.listed_on, listing.effective_on, listing.ends_on) == (
        "2015-01-02",
        "2015-01-02",
        "2025-01-02",
    )
    assert listing.federal_register == ["80 F.R. 1000 1/5/15", "81 F.R. 2000 2/6/16"]
    assert listing.remarks == "Last update 2015-01-06: FR NOTICE ADDED\nLast update 2016-02-08: ADDRESS ADDED"
    assert listing.standard_order == "Y"
    assert first.type == EntityType.PERSON
    assert company.name == 'EXAMPLE "ACME" TRADING CO., LTD.'
    assert company.type == EntityType.ORGANIZATION
    assert company.listings[0].federal_register == ["86 F.R. 4000, 4001 6/8/2021"]
    assert company.listings[0].standard_order == "N"


def test_deterministic():
    data = {"dpl.txt": (FIXTURES / "bis_dpl" / "dpl.txt").read_bytes()}
    assert [e.to_dict() for e in parse_dpl(data).records] == [e.to_dict() for e in parse_dpl(data).records]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06", ["68 F.R. 38290 6/27/03", "71 F.R. 38843 7/10/06"]),
        (
            "46 F.R. 46154 9/17/81 and 46 F.R. 19290 3/30/81",
            ["46 F.R. 46154 9/17/81", "46 F.R. 19290 3/30/81"],
        ),
        ("83 FR 37423; 87 FR 77505", ["83 FR 37423", "87 FR 77505"]),
        (
            "82 F.R. 61745 12/29/2017,  83F.R. 28801 6/21/2018",
            ["82 F.R. 61745 12/29/2017", "83F.R. 28801 6/21/2018"],
        ),
        ("82 F.R. 16788, 16789 4/6/2017", ["82 F.R. 16788, 16789 4/6/2017"]),
        ("Vol. 83, No. 91, 05/10/2018", ["Vol. 83, No. 91, 05/10/2018"]),
        ("", []),
    ],
)
def test_split_fr_citations(text, expected):
    assert split_fr_citations(text) == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("AIR FREIGHT LTD", EntityType.ORGANIZATION),
        ("COTRICOM S.A.", EntityType.ORGANIZATION),
        ("MAHAN AIRWAYS", EntityType.ORGANIZATION),
        ("P&P COMPUTERS", EntityType.ORGANIZATION),
        ("ABEL HERNANDEZ, JR.", EntityType.PERSON),
        ("CAPTAIN ELYAZGI", EntityType.PERSON),
        ("CO WORKER SMITH", EntityType.ORGANIZATION),  # a known limit: "CO" reads as a legal form
    ],
)
def test_entity_type_heuristic(name, kind):
    assert dpl_entity_type(name) == kind


# --- bad input ----------------------------------------------------------------------------------


def test_html_page_refused():
    with pytest.raises(SourceError) as exc:
        parse_text("<!DOCTYPE html><html><body>Access denied</body></html>")
    assert (exc.value.source, exc.value.file, exc.value.line) == ("us_bis_dpl", "dpl.txt", 1)


def test_empty_file_refused():
    with pytest.raises(SourceError, match="empty"):
        parse_text("\r\n")


def test_unknown_header_refused():
    with pytest.raises(SourceError) as exc:
        parse_text(HEADER.replace('"Effective_Date"', '"Start"') + ROW)
    assert exc.value.line == 1
    assert "Effective_Date" in str(exc.value)


def test_malformed_row_is_a_row_error_with_its_line():
    bad = '"SHORT ROW"\t"1 ELM"\t"RENO"\r\n'
    result = parse_text(HEADER + ROW + bad + ROW.replace("JANE DOE", "JOHN DOE"))
    assert [r.name for r in result.records] == ["JANE DOE", "JOHN DOE"]
    assert len(result.row_errors) == 1
    error = result.row_errors[0]
    assert (error.file, error.line) == ("dpl.txt", 3)
    assert "3 fields, expected 12" in error.message


def test_truncated_file_refused():
    text = HEADER + ROW + ROW.replace("JANE DOE", "JOHN DOE")
    with pytest.raises(SourceError, match="truncated") as exc:
        parse_text(text[:-60])
    assert exc.value.line == 3


def test_wrong_width_everywhere_refused():
    with pytest.raises(SourceError, match="no row has the 12"):
        parse_text(HEADER + ROW.replace("\t", ",") * 3)


def test_unreadable_date_is_a_warning_not_an_error():
    result = parse_text(HEADER + ROW.replace("05/06/2029", "13/45/2029"))
    assert result.row_errors == []
    assert result.records[0].listings[0].ends_on is None
    assert any("unreadable Expiration_Date '13/45/2029'" in w for w in result.warnings)


# --- real data ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    return parse_dpl({"dpl.txt": raw_path("bis_dpl", "2022-09-07", "dpl.txt").read_bytes()})


def test_real_counts(real):
    # 581 rows (verified: all 12 fields) merge into 461 denials (distinct name + effective date).
    assert real.row_errors == []
    assert len(real.records) == 461
    # 579 distinct (denial, address) pairs: two rows repeat an address of their denial.
    assert sum(len(e.addresses) for e in real.records) == 579
    assert sum(e.type == EntityType.ORGANIZATION for e in real.records) == 108
    assert len({e.key for e in real.records}) == 461
    assert "latest Last_Update is 2022-09-02" in real.warnings[0]


def test_real_known_entry(real):
    [entry] = [e for e in real.records if e.name == "ABDULAH AL NASSER"]
    assert entry.to_dict() == {
        "source": "us_bis_dpl",
        "key": entry.key,
        "entity_id": dpl_entity_id("ABDULAH AL NASSER", "2002-03-04"),
        "type": "person",
        "names": [{"value": "ABDULAH AL NASSER", "type": "primary"}],
        "addresses": [
            {
                "street": "605 TRAIL LAKE DRIVE",
                "city": "RICHARDSON",
                "state": "TX",
                "postal_code": "75081",
                "country": "US",
                "country_code": "US",
            },
            {
                "street": "908 AUDELIA ROAD, SUIE 200, PMB #245",
                "city": "RICHARDSON",
                "state": "TX",
                "postal_code": "75081",
                "country": "US",
                "country_code": "US",
            },
        ],
        "countries": ["US"],
        "listings": [
            {
                "list_id": "us_bis_dpl",
                "listed_on": "2002-03-04",
                "effective_on": "2002-03-04",
                "ends_on": "2056-06-29",
                "federal_register": [
                    "67 F.R. 56530 9/4/02",
                    "67 F.R. 10890 3/11/02",
                    "71 F.R. 38843 7/10/06",
                ],
                "standard_order": "Y",
                "source_url": "https://www.bis.doc.gov/dpl/dpl.txt",
                "remarks": "Last update 2006-07-11: 50 YEAR DENIAL",
            }
        ],
    }


def test_real_same_name_two_denials(real):
    # "I. ASH" is denied twice (2002 and 2003); the 2002 one is the CSL's DPL row for that name.
    ash = sorted((e.listings[0].listed_on, e.entity_id) for e in real.records if e.name == "I. ASH")
    assert ash == [
        ("2002-03-04", "bis-dpl-58faaf1b7373"),
        ("2003-06-19", dpl_entity_id("I. ASH", "2003-06-19")),
    ]
