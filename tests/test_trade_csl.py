"""trade.gov Consolidated Screening List: CSV (2019 and 2025 layouts) and JSON."""

from __future__ import annotations

import collections
import json

import pytest

from redlist.errors import SourceError
from redlist.model import EntityType, IdType, NameType
from redlist.sources.common import dpl_entity_id, named_entity_id
from redlist.sources.trade_csl import CSV_COLUMNS, list_id_for, parse_csl_csv, parse_csl_json

from conftest import FIXTURES, raw_path

CSL = FIXTURES / "trade_csl"


def by_key(result):
    return {e.key: e for e in result.records}


@pytest.mark.parametrize(
    ("source", "list_id"),
    [
        ("Specially Designated Nationals (SDN) - Treasury Department", "us_ofac_sdn"),
        ("Entity List (EL) - Bureau of Industry and Security", "us_bis_el"),
        ("Military End User (MEU) List - Bureau of Industry and Security", "us_bis_meu"),
        ("Unverified List (UVL) - Bureau of Industry and Security", "us_bis_uvl"),
        ("Denied Persons List (DPL) - Bureau of Industry and Security", "us_bis_dpl"),
        ("ITAR Debarred (DTC) - State Department", "us_state_dtc"),
        ("Nonproliferation Sanctions (ISN) - State Department", "us_state_isn"),
        (
            "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
            "us_ofac_cons",
        ),
        ("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department", "us_ofac_cons"),
        ("Capta List (CAP) - Treasury Department", "us_ofac_cons"),
        ("Sectoral Sanctions Identifications List (SSI) - Treasury Department", "us_ofac_cons"),
        ("Foreign Sanctions Evaders (FSE) - Treasury Department", "us_ofac_cons"),
        ("Palestinian Legislative Council List (PLC) - Treasury Department", "us_ofac_cons"),
        ("SDN", "us_ofac_sdn"),
        ("Denied Persons List - Bureau of Industry and Security", "us_bis_dpl"),
        ("Some New List (SNL) - Commerce", None),
    ],
)
def test_list_mapping(source, list_id):
    assert list_id_for(source) == list_id


# --- CSV, 2025 layout -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def csv2025():
    return parse_csl_csv({"consolidated.csv": (CSL / "consolidated_2025.csv").read_bytes()})


def test_2025_layout(csv2025):
    assert csv2025.row_errors == [] and csv2025.warnings == []
    assert csv2025.format == "csv"
    assert list(by_key(csv2025)) == ["1001", "2002", "3003", "4004", "5005", "6006", "7007", "8008"]
    assert [e.listings[0].list_id for e in csv2025.records] == [
        "us_ofac_sdn",
        "us_ofac_cons",
        "us_state_isn",
        "us_bis_dpl",
        "us_bis_el",
        "us_bis_meu",
        "us_ofac_cons",
        "us_state_dtc",
    ]


def test_2025_ofac_person(csv2025):
    kim = by_key(csv2025)["1001"]
    assert kim.entity_id == "ofac-1001"
    assert kim.type == EntityType.PERSON
    assert [(n.value, n.type) for n in kim.names] == [
        ("KIM, Test Person", NameType.PRIMARY),
        ("KIM, Tester", NameType.AKA),
        ("KIM Test", NameType.AKA),
    ]
    [passport] = kim.identifiers
    assert (passport.type, passport.value, passport.country, passport.label) == (
        IdType.PASSPORT,
        "123456789",
        "KP",
        "Passport",
    )
    assert kim.gender == "male"
    assert [(a.city, a.country_code) for a in kim.addresses] == [("Dandong", "CN"), ("Pyongyang", "KP")]
    assert kim.countries == ["CN", "KP"] and kim.nationalities == ["KP"]
    assert kim.birth_dates == ["1970-01-15", "1971"]
    listing = kim.listings[0]
    assert listing.source_id == "1001"
    assert listing.programs == ["NPWMD", "DPRK3"]
    assert (
        listing.remarks
        == "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210"
    )


def test_2025_sanctions_info_and_ids(csv2025):
    bank = by_key(csv2025)["2002"]
    assert [(i.type, i.value) for i in bank.identifiers] == [
        (IdType.REGISTRATION, "HE 12345"),
        (IdType.SWIFT, "EXMPCY2L"),
    ]
    assert bank.addresses[0].street == "1 Harbour Road, Limassol, 3035"
    assert bank.addresses[0].country_code == "CY"
    assert bank.listings[0].remarks.endswith(
        "; Executive Order 13662 Directive Determination: Subject to Directive 2"
    )


def test_2025_isn_name_gets_clean_aka(csv2025):
    isn = by_key(csv2025)["3003"]
    assert isn.names[0].value.endswith("subsidiary thereof")
    assert (isn.names[1].value, isn.names[1].type) == ("Example Rocket Works", NameType.AKA)
    assert isn.entity_id == named_entity_id("us_state_isn", isn.names[0].value)
    assert isn.listings[0].federal_register == ["Vol. 88, No. 151, 08/08/2023"]


def test_2025_dpl_row_links_with_dpl_txt(csv2025):
    dpl = by_key(csv2025)["4004"]
    assert dpl.name == "JOHN Q. EXPORTER"  # published with a leading space
    assert dpl.entity_id == dpl_entity_id("JOHN Q. EXPORTER", "2015-01-02")
    assert dpl.type == EntityType.PERSON
    listing = dpl.listings[0]
    assert (listing.listed_on, listing.ends_on, listing.standard_order) == ("2015-01-02", "2025-01-02", "Y")
    assert listing.federal_register == ["80 F.R. 1000 1/5/15", "81 F.R. 2000 2/6/16"]


def test_2025_entity_list_row(csv2025):
    el = by_key(csv2025)["5005"]
    assert el.entity_id == named_entity_id("us_bis_el", "Huawei Technologies Co., Ltd. (Huawei)")
    # "; and" inside an EL address continues that address; in aliases it ends the list.
    assert len(el.addresses) == 1 and el.addresses[0].country_code == "CN"
    assert [n.value for n in el.names[1:]] == ["Shenzhen Huawei Technologies", "Huawei Technology"]
    listing = el.listings[0]
    assert listing.license_requirement == "For all items subject to the EAR. (See §744.11 of the EAR)"
    assert listing.license_policy == "Presumption of denial."
    assert listing.federal_register == ["84 FR 22963", "85 FR 29853"]
    assert by_key(csv2025)["8008"].type == EntityType.PERSON  # DTC: no legal form in the name


def test_deterministic():
    data = {"consolidated.csv": (CSL / "consolidated_2025.csv").read_bytes()}
    assert [e.to_dict() for e in parse_csl_csv(data).records] == [
        e.to_dict() for e in parse_csl_csv(data).records
    ]


# --- CSV, 2019 layout -----------------------------------------------------------------------------


def test_2019_layout():
    result = parse_csl_csv({"csl.csv": (CSL / "csl_2019.csv").read_bytes()})
    assert result.row_errors == []
    vessel, company, uvl, uvl_again, capta = result.records
    # No _id: the key is a digest of list, entity number, name and start date; repeats get -2.
    assert uvl_again.key == uvl.key + "-2"
    assert uvl.entity_id == uvl_again.entity_id == named_entity_id("us_bis_uvl", "Example Trading Post")
    assert vessel.type == EntityType.VESSEL and vessel.entity_id == "ofac-3001"
    assert vessel.vessel == {
        "call_sign": "9BXX",
        "type": "Crude Oil Tanker",
        "flag": "Iran",
        "former_flag": "Panama",
    }
    [imo] = vessel.identifiers
    assert (imo.type, imo.value, imo.valid) == (IdType.IMO, "9116412", True)
    # 2019 ids read "country, number, type".
    [nit] = company.identifiers
    assert (nit.type, nit.value, nit.country, nit.label) == (IdType.TAX_ID, "900123456-7", "CO", "NIT #")
    assert capta.listings[0].list_id == "us_ofac_cons" and capta.entity_id == "ofac-3005"


# --- CSV bad input --------------------------------------------------------------------------------

HEADER = ",".join(CSV_COLUMNS)
GOOD = "Entity List (EL) - Bureau of Industry and Security" + ",,,,Example Co.,,CN" + "," * 21


def test_csv_unknown_layout_names_missing_columns():
    text = HEADER.replace("license_policy", "policy") + "\n" + GOOD + "\n"
    with pytest.raises(SourceError) as exc:
        parse_csl_csv({"consolidated.csv": text.encode()})
    assert exc.value.line == 1 and exc.value.file == "consolidated.csv"
    assert "license_policy" in str(exc.value)


def test_csv_html_refused():
    with pytest.raises(SourceError) as exc:
        parse_csl_csv({"consolidated.csv": b"<html><head><title>502 Bad Gateway</title></head></html>"})
    assert (exc.value.source, exc.value.line) == ("us_trade_csl", 1)


def test_csv_unknown_source_and_short_row_are_row_errors():
    unknown = GOOD.replace(
        "Entity List (EL) - Bureau of Industry and Security", "Mystery List (MYS) - Nowhere"
    )
    text = (
        "\n".join([HEADER, GOOD, unknown, "Entity List (EL),,,,Short", GOOD.replace("Example", "Other")])
        + "\n"
    )
    result = parse_csl_csv({"consolidated.csv": text.encode()})
    assert [e.name for e in result.records] == ["Example Co.", "Other Co."]
    assert [(e.line, e.file) for e in result.row_errors] == [(3, "consolidated.csv"), (4, "consolidated.csv")]
    assert "unknown source list 'Mystery List (MYS) - Nowhere'" in result.row_errors[0].message
    assert "5 fields, expected 28" in result.row_errors[1].message


def test_csv_truncated_refused():
    text = HEADER + "\n" + GOOD + "\n" + GOOD
    with pytest.raises(SourceError, match="truncated") as exc:
        parse_csl_csv({"consolidated.csv": text[:-15].encode()})
    assert exc.value.line == 3


def test_csv_wrong_width_everywhere_refused():
    text = HEADER + "\n" + (GOOD.replace(",", ";") + "\n") * 2
    with pytest.raises(SourceError, match="no row has the 28 columns"):
        parse_csl_csv({"consolidated.csv": text.encode()})


# --- JSON ---------------------------------------------------------------------------------------


def test_json_fixture():
    result = parse_csl_json({"consolidated.json": (CSL / "consolidated.json").read_bytes()})
    assert result.row_errors == [] and result.format == "json"
    assert result.expected_count == 3  # the API-style "total"
    kim, el, dpl = result.records
    assert (kim.key, kim.entity_id) == ("a1", "ofac-1001")
    address = kim.addresses[0]
    assert (address.street, address.city, address.state, address.postal_code, address.country_code) == (
        "12 Example Street",
        "Dandong",
        "Liaoning",
        "118000",
        "CN",
    )
    [passport] = kim.identifiers
    assert (passport.issued, passport.expires, passport.country) == ("2015-03-01", "2025-02-28", "KP")
    assert kim.gender == "male" and kim.birth_places == ["Pyongyang"]
    assert el.countries == ["CN", "HK"] and el.listings[0].source_id == "b2"
    assert dpl.entity_id == dpl_entity_id("JOHN Q. EXPORTER", "2015-01-02")


def test_json_bare_list_and_bad_entries():
    entries = [
        {"source": "ITAR Debarred (DTC) - State Department", "name": "Green Supply, Inc."},
        "not an object",
        {"source": "Mystery (MYS)", "name": "X"},
        {
            "source": "Specially Designated Nationals (SDN) - Treasury Department",
            "name": "Y",
            "entity_number": "12a",
        },
    ]
    result = parse_csl_json({"consolidated.json": json.dumps(entries).encode()})
    assert [e.name for e in result.records] == ["Green Supply, Inc."]
    assert result.records[0].type == EntityType.ORGANIZATION
    assert result.expected_count is None
    assert [e.line for e in result.row_errors] == [2, 3, 4]
    assert "not a number" in result.row_errors[2].message


def test_json_truncated_refused():
    data = (CSL / "consolidated.json").read_bytes()
    with pytest.raises(SourceError, match="invalid or truncated JSON") as exc:
        parse_csl_json({"consolidated.json": data[: len(data) // 2]})
    assert exc.value.line and exc.value.line > 1 and exc.value.file == "consolidated.json"


def test_json_partial_page_refused():
    doc = {"total": 5, "results": [{"source": "SDN", "name": "A", "entity_number": "1"}]}
    with pytest.raises(SourceError, match="1 of its 5 results"):
        parse_csl_json({"consolidated.json": json.dumps(doc).encode()})


def test_json_html_and_wrong_shape_refused():
    with pytest.raises(SourceError):
        parse_csl_json({"consolidated.json": b"<!DOCTYPE html><html></html>"})
    with pytest.raises(SourceError, match="expected"):
        parse_csl_json({"consolidated.json": b'{"error": "rate limited"}'})


# --- real data ------------------------------------------------------------------------------------


def real_csv(*parts: str):
    path = raw_path("trade_csl", *parts)
    return parse_csl_csv({path.name: path.read_bytes()})


def test_real_2019_sample():
    result = real_csv("sample_2019", "csl.csv")
    assert result.row_errors == [] and len(result.records) == 115
    assert collections.Counter(e.listings[0].list_id for e in result.records) == {
        "us_ofac_cons": 40,  # SSI 26, PLC 13, CAP 1
        "us_ofac_sdn": 28,
        "us_bis_el": 22,
        "us_state_dtc": 10,
        "us_bis_dpl": 8,
        "us_bis_uvl": 4,
        "us_state_isn": 3,
    }
    assert len({e.key for e in result.records}) == 115
    ofac = [e for e in result.records if e.listings[0].list_id in ("us_ofac_sdn", "us_ofac_cons")]
    assert all(e.entity_id == f"ofac-{e.listings[0].source_id}" for e in ofac)
    [tanker] = [e for e in result.records if e.name == "ADRIAN DARYA 1"]
    assert tanker.entity_id == "ofac-27304" and tanker.type == EntityType.VESSEL
    assert tanker.vessel == {"type": "Crude Oil Tanker", "flag": "Iran", "former_flag": "Panama"}
    assert [(i.type, i.value, i.valid) for i in tanker.identifiers] == [(IdType.IMO, "9116412", True)]


def test_real_2025_sample():
    result = real_csv("sample_2025", "consolidated.csv")
    assert result.row_errors == [] and len(result.records) == 13
    counts = collections.Counter(e.listings[0].list_id for e in result.records)
    assert counts == {
        "us_ofac_cons": 6,  # SSI 3, PLC 2, FSE 1
        "us_ofac_sdn": 1,
        "us_state_isn": 1,
        "us_bis_uvl": 1,
        "us_bis_meu": 1,
        "us_state_dtc": 1,
        "us_bis_dpl": 1,
        "us_bis_el": 1,
    }
    records = by_key(result)
    rim = records["52291"]
    assert rim.entity_id == "ofac-52291" and rim.gender == "male"
    assert [(i.type, i.value, i.country) for i in rim.identifiers] == [(IdType.PASSPORT, "836238033", "KP")]
    # The DPL row links with dpl.txt's record of the same denial (see test_bis_dpl).
    [ash] = [e for e in result.records if e.listings[0].list_id == "us_bis_dpl"]
    assert ash.name == "I. ASH" and ash.entity_id == "bis-dpl-58faaf1b7373"
    assert ash.listings[0].federal_register == [
        "67 F.R. 56530 9/4/02",
        "67 F.R. 10890 3/11/02",
        "71 F.R. 38843 7/10/06",
    ]


def test_real_full_json():
    path = raw_path("trade_csl", "2026-07-31_reconstructed", "consolidated.json")
    data = path.read_bytes()
    result = parse_csl_json({"consolidated.json": data})  # speed: benchmarks/load.py
    assert result.row_errors == [] and len(result.records) == 25921
    assert collections.Counter(e.listings[0].list_id for e in result.records) == {
        "us_ofac_sdn": 19181,
        "us_bis_el": 3420,
        "us_bis_dpl": 1596,
        "us_state_dtc": 787,
        "us_ofac_cons": 484,  # SSI 286, PLC 78, CMIC 68, NS-MBS 51, CAP 1
        "us_bis_uvl": 222,
        "us_state_isn": 161,
        "us_bis_meu": 70,
    }
    assert len({e.key for e in result.records}) == 25921
    ofac = [e for e in result.records if e.listings[0].list_id in ("us_ofac_sdn", "us_ofac_cons")]
    assert len(ofac) == 19665
    assert all(e.entity_id == f"ofac-{int(e.listings[0].source_id)}" for e in ofac)
    [huawei] = [e for e in result.records if e.name == "Huawei Technologies Co., Ltd. (Huawei)"]
    listing = huawei.listings[0]
    assert listing.list_id == "us_bis_el"
    assert (
        listing.license_requirement
        == "For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of the EAR2"
    )
    assert listing.license_policy == "Presumption of denial"
    assert (
        listing.federal_register[:2] == ["84 FR 22963", "84 FR 43495"] and len(listing.federal_register) == 10
    )
    assert [n.value for n in huawei.names[1:]] == ["Shenzhen Huawei Technologies", "Huawei Technology"]
