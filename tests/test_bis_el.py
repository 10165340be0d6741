"""BIS Entity List from the eCFR XML of 15 CFR Part 744 (Supplement No. 4, and No. 7 = MEU).

The fixtures under tests/fixtures/bis_el/ are hand-written in the two shapes the table comes in:
the versioner's processed XML (TABLE/TR/TH/TD, ``sup`` footnote marks, ``br`` line breaks) and
GPO's XML (GPOTABLE/BOXHD/CHED/ROW/ENT, ``SU``/``FTREF`` marks, ``LI`` lines, with AMDDATE).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redlist import sources
from redlist.errors import SourceError
from redlist.model import EntityType, NameType
from redlist.sources.base import accept_row_errors
from redlist.sources.bis_el import (
    ecfr_url,
    fr_citations,
    latest_issue_date,
    parse_ecfr_xml,
    split_entity,
    versions_url,
)
from redlist.sources.common import digest, named_entity_id, norm_key

from conftest import FIXTURES, raw_path

HERE = FIXTURES / "bis_el"
EL_URL = (
    "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/"
    "appendix-Supplement%20No.%204%20to%20Part%20744"
)


def _parse(path: Path):
    return parse_ecfr_xml({"part-744.xml": path.read_bytes()})


@pytest.fixture(scope="module")
def versioner():
    return _parse(HERE / "part-744.xml")


@pytest.fixture(scope="module")
def gpo():
    return _parse(HERE / "title-15-gpotable.xml")


def _by_name(result, name):
    matches = [r for r in result.records if r.name == name]
    assert len(matches) == 1, [r.name for r in result.records]
    return matches[0]


# --- the versioner shape ---------------------------------------------------------------------


def test_versioner_fixture_counts_and_metadata(versioner):
    el = [r for r in versioner.records if r.list_ids == ["us_bis_el"]]
    meu = [r for r in versioner.records if r.list_ids == ["us_bis_meu"]]
    assert (len(el), len(meu), len(versioner.records)) == (7, 2, 9)
    assert versioner.row_errors == []
    assert versioner.warnings == []
    assert versioner.format == "ecfr_xml"
    assert versioner.as_of is None  # the versioner answer carries no date of its own
    assert versioner.expected_count is None
    assert all(r.source == "us_bis_el" for r in versioner.records)
    assert len({r.key for r in versioner.records}) == 9


def test_order_is_as_published(versioner):
    assert [r.name for r in versioner.records] == [
        "DJI",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "Huawei Technologies Co., Ltd. (Huawei)",
        "National University of Defense Technology (NUDT)",
        "Scikro (Hong Kong) Instruments Limited",
        "Ivan Petrovich Testov",
        "Rostec (Russian Technologies State Corporation)",
        "Academy of Aerospace Solid Propulsion Technology (AASPT)",
        "AECC Aviation Power Co. Ltd.",
    ]


def test_country_cell_is_inherited_by_the_rows_below(versioner):
    countries = {r.name: r.countries for r in versioner.records}
    # Huawei's and NUDT's country cells are empty: they sit under CHINA, PEOPLE'S REPUBLIC OF
    assert countries["Huawei Technologies Co., Ltd. (Huawei)"] == ["CN"]
    assert countries["National University of Defense Technology (NUDT)"] == ["CN"]
    assert countries["Rostec (Russian Technologies State Corporation)"] == ["RU"]
    assert countries["Scikro (Hong Kong) Instruments Limited"] == ["HK"]
    huawei = _by_name(versioner, "Huawei Technologies Co., Ltd. (Huawei)")
    cell = "Huawei Technologies Co., Ltd. (Huawei), Bantian Huawei Base, Longgang District, Shenzhen, 518129, China."
    assert huawei.key == digest("CHINA, PEOPLE'S REPUBLIC OF", cell)


def test_huawei_row(versioner):
    huawei = _by_name(versioner, "Huawei Technologies Co., Ltd. (Huawei)")
    assert huawei.entity_id == named_entity_id("us_bis_el", "Huawei Technologies Co., Ltd. (Huawei)")
    assert huawei.type == EntityType.ORGANIZATION
    assert [n.type for n in huawei.names] == [NameType.PRIMARY]
    (address,) = huawei.addresses
    assert address.street == "Bantian Huawei Base, Longgang District, Shenzhen, 518129"
    assert (address.country, address.country_code) == ("China", "CN")
    (listing,) = huawei.listings
    assert listing.list_id == "us_bis_el"
    # the footnote marks (<sup>1</sup>, <sup>2</sup>) are taken out of the text and kept aside
    assert (
        listing.license_requirement
        == "For all items subject to the EAR, see §§ 734.9(e) and 744.11 of the EAR."
    )
    assert listing.remarks == "footnotes: 1, 2"
    assert listing.license_policy == "Presumption of denial."
    assert listing.federal_register == [
        "84 FR 22963, 5/21/19",
        "84 FR 43495, 8/21/19",
        "85 FR 29853, 5/19/20",
        "85 FR 51603, 8/20/20",
    ]
    assert listing.listed_on == "2019-05-21"
    assert listing.source_url == EL_URL


def test_aliases_on_separate_lines(versioner):
    dji = _by_name(versioner, "DJI")
    assert [(n.value, n.type) for n in dji.names[1:]] == [
        ("Shenzhen DJI Innovation Technology Co., Ltd.", NameType.AKA),
        ("SZ DJI Technology Co., Ltd.", NameType.AKA),
        ("Shenzhen DJI Sciences and Technologies Ltd.", NameType.AKA),
        ("Da-Jiang Innovations", NameType.AKA),
    ]
    assert dji.type == EntityType.ORGANIZATION  # from the aliases' company forms
    assert dji.addresses[0].text() == (
        "14th Floor, West Wing, Skyworth Semiconductor Design Building, Nanshan District, Shenzhen, China"
    )
    assert dji.listings[0].listed_on == "2020-12-22"


def test_aliases_inline_without_line_breaks(versioner):
    nudt = _by_name(versioner, "National University of Defense Technology (NUDT)")
    assert [n.value for n in nudt.names] == [
        "National University of Defense Technology (NUDT)",
        "Central South CAD Center",
        "CSCC",
        "Hunan Guofang Keji University",
    ]
    assert nudt.addresses[0].street == "109 Deya Road, Kaifu District, Changsha, Hunan"
    assert (
        nudt.listings[0].license_requirement
        == "For all items subject to the EAR. (See §§ 734.9(e) and 744.11 of the EAR)"
    )
    assert nudt.listings[0].remarks == "footnotes: 4"
    assert nudt.listings[0].listed_on == "2015-02-18"


def test_single_alias_and_two_citations(versioner):
    hik = _by_name(versioner, "Hangzhou Hikvision Digital Technology Co., Ltd.")
    assert [n.value for n in hik.names] == ["Hangzhou Hikvision Digital Technology Co., Ltd.", "Hikvision"]
    assert hik.listings[0].federal_register == ["84 FR 54002, 10/9/19", "85 FR 44159, 7/22/20"]
    assert hik.listings[0].listed_on == "2019-10-09"


def test_two_addresses_and_cross_reference(versioner):
    scikro = _by_name(versioner, "Scikro (Hong Kong) Instruments Limited")
    assert [a.text() for a in scikro.addresses] == [
        "Flat 3, 9/F, Example Industrial Building, 8 Sample Street, Kwun Tong, Kowloon, Hong Kong",
        "Room 12, 2 Demo Road, Sheung Wan, Hong Kong",
    ]
    assert scikro.listings[0].remarks == "See alternate address under China"


def test_inline_footnote_mark_in_the_middle_of_a_sentence(versioner):
    rostec = _by_name(versioner, "Rostec (Russian Technologies State Corporation)")
    assert rostec.listings[0].license_requirement == (
        "For all items subject to the EAR. (See §§ 734.9(g), 746.8(a)(3), and 744.21(b) of the EAR)."
    )
    assert rostec.listings[0].license_policy.startswith("Policy of denial for all items")
    assert rostec.listings[0].listed_on == "2022-03-03"
    person = _by_name(versioner, "Ivan Petrovich Testov")
    assert person.type == EntityType.UNKNOWN  # the list does not say; no company words
    assert person.addresses[0].text() == "10 Example Prospekt, Moscow, Russia"


def test_reserved_rows_and_other_supplements_are_skipped(versioner):
    names = {n.value for r in versioner.records for n in r.names}
    assert not any("Reserved" in n for n in names)
    assert "Example Unverified Trading Co." not in names  # Supplement No. 6 (UVL) is not read


def test_meu_supplement(versioner):
    meu = _by_name(versioner, "Academy of Aerospace Solid Propulsion Technology (AASPT)")
    assert meu.key.startswith("meu-")
    assert meu.entity_id == named_entity_id("us_bis_meu", meu.name)
    (listing,) = meu.listings
    assert listing.list_id == "us_bis_meu"
    assert listing.license_requirement is None
    assert listing.federal_register == ["85 FR 83799, 12/23/20"]
    assert listing.source_url.endswith("appendix-Supplement%20No.%207%20to%20Part%20744")
    second = _by_name(versioner, "AECC Aviation Power Co. Ltd.")
    assert second.countries == ["CN"]  # inherited within the MEU table too


def test_parse_is_deterministic():
    a = _parse(HERE / "part-744.xml")
    b = _parse(HERE / "part-744.xml")
    assert [r.to_dict() for r in a.records] == [r.to_dict() for r in b.records]


def test_registry_runs_this_parser():
    spec = sources.get("us_bis_el")
    fmt = spec.pick_format({"part-744.xml"})
    result = fmt.parse({"part-744.xml": (HERE / "part-744.xml").read_bytes()})
    assert len(result.records) == 9


# --- the GPO shape -------------------------------------------------------------------------------


def test_gpotable_shape(gpo):
    assert gpo.as_of == "2025-03-03"  # from AMDDATE "Mar. 3, 2025"
    assert gpo.row_errors == []
    assert gpo.warnings == ["Supplement No. 7 to Part 744 (us_bis_meu) not in the file; not read"]
    assert [r.name for r in gpo.records] == [
        "Qods Aviation Industry",
        "Example Gulf General Trading LLC",
        "Example Desert Logistics L.L.C.",
    ]
    qods = gpo.records[0]
    assert [n.value for n in qods.names[1:]] == [
        "Qods Aviation Industries",
        "Ghods Aviation Industries",
        "Qods Research Center",
    ]
    assert qods.addresses[0].text() == "Km 5 Example Highway, Tehran, Iran"
    assert qods.listings[0].license_requirement == (
        "For all items subject to the EAR. (See §§ 734.9(g), 744.21(b), and 746.8(a)(3) of the EAR)"
    )
    assert qods.listings[0].remarks == "footnotes: 3"


def test_gpotable_fka_emphasis_and_inherited_country(gpo):
    gulf, desert = gpo.records[1], gpo.records[2]
    assert [(n.value, n.type) for n in gulf.names] == [
        ("Example Gulf General Trading LLC", NameType.PRIMARY),
        ("Example Gulf Electronics FZE", NameType.FKA),
    ]
    assert gulf.addresses[0].country_code == "AE"
    assert gulf.listings[0].listed_on == "2008-09-22"
    assert desert.countries == ["AE"]
    assert desert.listings[0].listed_on == "1998-01-15"  # two-digit year 98 is 1998
    assert desert.key == digest(
        "UNITED ARAB EMIRATES",
        "Example Desert Logistics L.L.C., P.O. Box 1234, Jebel Ali, Dubai, United Arab Emirates.",
    )


# --- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "84 FR 22963, 5/21/19. 85 FR 51603, 8/20/20.",
            [("84 FR 22963, 5/21/19", "2019-05-21"), ("85 FR 51603, 8/20/20", "2020-08-20")],
        ),
        ("63 FR 64322, 11/19/98.", [("63 FR 64322, 11/19/98", "1998-11-19")]),
        ("84 FR 22963; 85 FR 29853", [("84 FR 22963", None), ("85 FR 29853", None)]),
        ("89 FR 1234, 1/5/2024", [("89 FR 1234, 1/5/2024", "2024-01-05")]),
        ("84  FR 21233, 5/14/19", [("84 FR 21233, 5/14/19", "2019-05-14")]),
        ("", []),
    ],
)
def test_fr_citations(text, expected):
    assert fr_citations(text) == expected


@pytest.mark.parametrize(
    ("lines", "name", "aliases", "addresses"),
    [
        (
            ["Mahan Air, a.k.a. Mahan Airlines, Mahan Air Building, Azadegan Street, Tehran, Iran."],
            "Mahan Air",
            ["Mahan Airlines"],
            ["Mahan Air Building, Azadegan Street, Tehran, Iran"],
        ),
        (
            ["Some Co., Ltd., a.k.a., the following alias: —Other Co., Ltd. 5 Road, Beijing, China."],
            "Some Co., Ltd.",
            ["Other Co., Ltd."],
            ["5 Road, Beijing, China"],
        ),
        (
            [
                "Foo Trading Co., Ltd., a.k.a., the following two aliases: -Foo HK Ltd.; and -Bar Trading. 1 Road, Hong Kong."
            ],
            "Foo Trading Co., Ltd.",
            ["Foo HK Ltd.", "Bar Trading"],
            ["1 Road, Hong Kong"],
        ),
        (
            ["Big Group, a.k.a., the following twenty-one aliases: —A1; —A2."],
            "Big Group",
            ["A1", "A2"],
            [],
        ),
        (["Jane Q. Example."], "Jane Q. Example", [], []),
        (["Example Holdings Inc."], "Example Holdings Inc.", [], []),
    ],
)
def test_split_entity(lines, name, aliases, addresses):
    parsed = split_entity(lines)
    assert parsed.name == name
    assert [a for a, _ in parsed.aliases] == aliases
    assert parsed.addresses == addresses


def test_urls():
    assert (
        ecfr_url("2024-05-01")
        == "https://www.ecfr.gov/api/versioner/v1/full/2024-05-01/title-15.xml?part=744"
    )
    assert ecfr_url("2024-05-01", appendix="Supplement No. 4 to Part 744").endswith(
        "?part=744&appendix=Supplement%20No.%204%20to%20Part%20744"
    )
    assert versions_url() == "https://www.ecfr.gov/api/versioner/v1/versions/title-15.json?part=744"
    assert versions_url("2024-05-01").endswith("&issue_date%5Blte%5D=2024-05-01")


VERSIONS = json.dumps(
    {
        "content_versions": [
            {"date": "2024-04-11", "amendment_date": "2024-04-11", "issue_date": "2024-04-11",
             "identifier": "Supplement No. 4 to Part 744", "type": "appendix", "part": "744"},
            {"date": "2024-05-01", "amendment_date": "2024-05-01", "issue_date": "2024-05-01",
             "identifier": "744.11", "type": "section", "part": "744"},
            {"date": "2024-06-14", "amendment_date": "2024-06-14", "issue_date": "2024-06-13",
             "identifier": "Supplement No. 4 to Part 744", "type": "appendix", "part": "744"},
        ],
        "meta": {},
    }
).encode()  # fmt: skip


def test_latest_issue_date():
    assert latest_issue_date(VERSIONS) == "2024-06-14"
    assert latest_issue_date(VERSIONS, "2024-06-01") == "2024-05-01"
    assert (
        latest_issue_date(VERSIONS, "2024-06-01", identifier="Supplement No. 4 to Part 744") == "2024-04-11"
    )
    assert latest_issue_date(VERSIONS, "2020-01-01") is None
    with pytest.raises(SourceError) as err:
        latest_issue_date(b"<html>busy</html>")
    assert err.value.source == "us_bis_el"


# --- bad input -----------------------------------------------------------------------------------

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<DIV5 N="744" TYPE="PART">\n'
HEADER_ROW = (
    "<TR><TH>Country</TH><TH>Entity</TH><TH>License requirement</TH>"
    "<TH>License review policy</TH><TH>Federal Register citation</TH></TR>\n"
)


def _doc(table_rows: str, header: str = HEADER_ROW) -> bytes:
    return (
        HEAD
        + '<DIV9 N="Supplement No. 4 to Part 744" TYPE="APPENDIX">\n'
        + "<HEAD>Supplement No. 4 to Part 744—Entity List</HEAD>\n"
        + "<TABLE>\n"
        + header
        + table_rows
        + "</TABLE>\n</DIV9>\n</DIV5>\n"
    ).encode()


GOOD_ROW = "<TR><TD>IRAN</TD><TD>Example Co., Tehran, Iran.</TD><TD>For all items.</TD><TD>Denial.</TD><TD>88 FR 1, 1/3/23.</TD></TR>\n"


def _error(data: bytes) -> SourceError:
    with pytest.raises(SourceError) as err:
        parse_ecfr_xml({"part-744.xml": data})
    assert err.value.source == "us_bis_el"
    assert err.value.file == "part-744.xml"
    return err.value


def test_minimal_document_parses():
    result = parse_ecfr_xml({"part-744.xml": _doc(GOOD_ROW)})
    assert [r.name for r in result.records] == ["Example Co."]


def test_empty_file():
    assert "empty" in _error(b"  \n").message


def test_html_error_page():
    err = _error(b"<!DOCTYPE html><html><body>Request Rejected</body></html>")
    assert "HTML" in err.message
    assert err.line == 1


def test_truncated_xml():
    data = _doc(GOOD_ROW * 3)
    err = _error(data[: len(data) // 2])
    assert "truncated" in err.message
    assert err.line is not None and err.line > 1


def test_entity_bomb_refused():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        b"<DIV5><HEAD>&lol2;</HEAD></DIV5>"
    )
    assert "unsafe XML" in _error(bomb).message


def test_external_entity_refused():
    xxe = b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<DIV5>&x;</DIV5>'
    assert "unsafe XML" in _error(xxe).message


def test_missing_supplement_names_what_was_found():
    data = (HEAD + '<DIV9 N="Supplement No. 6 to Part 744" TYPE="APPENDIX"><HEAD>Supplement No. 6 to Part 744—'
            "Unverified List</HEAD></DIV9></DIV5>").encode()  # fmt: skip
    err = _error(data)
    assert "Supplement No. 4 to Part 744" in err.message
    assert "Supplement No. 6" in err.message


def test_supplement_without_table():
    data = (HEAD + '<DIV9 N="Supplement No. 4 to Part 744" TYPE="APPENDIX"><HEAD>Supplement No. 4 to Part 744—'
            "Entity List</HEAD><P>[Reserved]</P></DIV9></DIV5>").encode()  # fmt: skip
    assert "no table" in _error(data).message


def test_unknown_column_layout_names_the_columns_found():
    header = "<TR><TH>Country</TH><TH>Entity</TH><TH>Federal Register citation</TH><TH>Notes</TH></TR>\n"
    err = _error(_doc("<TR><TD>IRAN</TD><TD>X</TD><TD>88 FR 1</TD><TD/></TR>\n", header=header))
    assert "expected 5 columns" in err.message
    assert "'Notes'" in err.message
    assert err.line == 6  # the heading row


def test_table_with_no_entries():
    assert "no entries" in _error(_doc("")).message


def test_row_with_wrong_cell_count_is_a_row_error():
    bad = "<TR><TD/><TD>Short Row Ltd., Tehran, Iran.</TD><TD>For all items.</TD><TD>88 FR 2, 1/4/23.</TD></TR>\n"
    result = parse_ecfr_xml(
        {"part-744.xml": _doc(GOOD_ROW + bad + GOOD_ROW.replace("Example Co.", "Second Co."))}
    )
    assert [r.name for r in result.records] == ["Example Co.", "Second Co."]
    (error,) = result.row_errors
    assert (error.file, error.line) == ("part-744.xml", 8)
    assert "expected 5 cells, found 4" in error.message
    # no record count in the eCFR: the updater cannot prove the rest complete, so it refuses
    with pytest.raises(SourceError) as err:
        accept_row_errors(result, "us_bis_el")
    assert err.value.line == 8


def test_entry_before_any_country_is_a_row_error():
    orphan = GOOD_ROW.replace("<TD>IRAN</TD>", "<TD/>")
    result = parse_ecfr_xml({"part-744.xml": _doc(orphan + GOOD_ROW)})
    assert len(result.records) == 1
    assert result.row_errors[0].line == 7
    assert "before any country" in result.row_errors[0].message


def test_duplicate_rows_get_distinct_keys():
    result = parse_ecfr_xml({"part-744.xml": _doc(GOOD_ROW + GOOD_ROW)})
    keys = [r.key for r in result.records]
    assert keys[1] == keys[0] + "-2"
    assert "duplicate entry" in result.warnings[0]


def test_wrong_file_set():
    with pytest.raises(SourceError) as err:
        parse_ecfr_xml({"dpl.txt": b"x", "other.csv": b"y"})
    assert "part-744.xml" in err.value.message


# --- size and real data ----------------------------------------------------------------------------


def test_full_size_table_parses_fast():
    """~3,500 rows (the real list's size) in well under the time budget."""
    row = (
        "<TR><TD>{c}</TD><TD>Entity Number {i} Co., Ltd., a.k.a., the following two aliases:<br/>—Alias {i} A;"
        " and<br/>—Alias {i} B.<br/>No. {i} Example Road, Shenzhen, China.</TD>"
        "<TD>For all items subject to the EAR. (See § 744.11 of the EAR)<sup>1</sup></TD>"
        "<TD>Presumption of denial.</TD><TD>84 FR 22963, 5/21/19. 85 FR 51603, 8/20/20.</TD></TR>\n"
    )
    rows = "".join(row.format(c="CHINA" if i % 50 == 0 else "", i=i) for i in range(3500))
    data = _doc(rows)
    result = parse_ecfr_xml({"part-744.xml": data})  # the time it takes: benchmarks/parsers.py
    assert len(result.records) == 3500
    assert result.records[-1].names[2].value == "Alias 3499 B"
    assert result.records[-1].countries == ["CN"]


def test_fixture_names_are_real_entity_list_names():
    """The organisations in the hand-written fixture are on the real list (CSL copy of 2026-07-31),
    and their entity ids agree with the ids a CSL row of the same name gets."""
    path = raw_path("bis_entity_list", "2026-07-31_csl_derived", "screening-list.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    sources_table = data["tables"]["sources"]
    el = sources_table.index("Entity List (EL) - Bureau of Industry and Security")
    meu = sources_table.index("Military End User (MEU) List - Bureau of Industry and Security")
    el_names = {norm_key(e["n"]) for e in data["entries"] if e["s"] == el}
    meu_names = {norm_key(e["n"]) for e in data["entries"] if e["s"] == meu}
    assert len([e for e in data["entries"] if e["s"] == el]) == 3420
    result = _parse(HERE / "part-744.xml")
    for record in result.records:
        if record.name == "Ivan Petrovich Testov":
            continue  # invented for the fixture
        names = meu_names if record.list_ids == ["us_bis_meu"] else el_names
        assert norm_key(record.name) in names, record.name
    huawei = _by_name(result, "Huawei Technologies Co., Ltd. (Huawei)")
    assert huawei.entity_id == named_entity_id("us_bis_el", "Huawei Technologies Co., Ltd. (Huawei)")
