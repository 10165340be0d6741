"""Tests of the legacy OFAC CSV parsers (sdn.csv / cons_prim.csv and their side files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from redlist import sources
from redlist.errors import SourceError
from redlist.model import EntityType, IdType, NameType
from redlist.sources.base import accept_row_errors
from redlist.sources.ofac_csv import CONS_URL, SDN_URL, parse_cons_csv, parse_sdn_csv

from conftest import FIXTURES, raw_path

N = "-0- "


def load(folder: Path) -> dict[str, bytes]:
    """The CSV files of a folder as the updater passes them (lower-case name -> bytes)."""
    return {p.name.lower(): p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix.lower() == ".csv"}


def csv_bytes(*rows: str) -> bytes:
    """Rows in OFAC's legacy layout: CRLF after each row and a closing 0x1A."""
    return "".join(r + "\r\n" for r in rows).encode("ascii") + b"\x1a"


def sdn_row(ent: str, name: str, sdn_type: str = N, program: str = '"SDGT"', remarks: str = N) -> str:
    return f"{ent},{name},{sdn_type},{program}," + ",".join([N] * 7) + f",{remarks}"


@pytest.fixture
def sdn_files() -> dict[str, bytes]:
    return load(FIXTURES / "ofac_csv" / "sdn")


# --- hand-written fixtures ---------------------------------------------------------------------


def test_sdn_fixture_records(sdn_files):
    result = parse_sdn_csv(sdn_files)
    assert result.format == "csv"
    assert result.as_of is None and result.expected_count is None  # the CSV states neither
    assert result.row_errors == [] and result.warnings == []
    assert [e.key for e in result.records] == ["101", "102", "103", "104"]
    org, person, vessel, aircraft = result.records
    assert [e.type for e in result.records] == [
        EntityType.ORGANIZATION,
        EntityType.PERSON,
        EntityType.VESSEL,
        EntityType.AIRCRAFT,
    ]
    assert org.source == "us_ofac_sdn" and org.entity_id == "ofac-101"
    assert [(n.value, n.type) for n in org.names] == [
        ("EXAMPLE TRADING COMPANY LLC", NameType.PRIMARY),
        ("EXAMPLE TRADING CO", NameType.AKA),
        ("OLD EXAMPLE TRADERS", NameType.FKA),
        ("ETC", NameType.WEAK),
    ]
    (listing,) = org.listings
    assert listing.list_id == "us_ofac_sdn" and listing.source_id == "101"
    assert listing.programs == ["SDGT", "SYRIA"]
    assert listing.source_url == SDN_URL
    assert org.remarks == listing.remarks and org.remarks.startswith("Website www.example-trading.test;")
    assert [(a.street, a.city, a.country_code, a.remarks) for a in org.addresses] == [
        ("Office 5, Example Tower", "Dubai", "AE", None),
        (None, "Damascus", "SY", "Branch office"),
    ]
    assert org.countries == ["AE", "SY"]
    assert [(i.type, i.value, i.country) for i in org.identifiers] == [
        (IdType.REGISTRATION, "12345678", "AE")
    ]
    assert org.unpublished == []
    # "Linked To: DOE, John." resolved to the record carrying that primary name
    assert [(r.type, r.target_name, r.target_key) for r in org.relations] == [
        ("linked_to", "DOE, John", "102")
    ]


def test_sdn_fixture_person_vessel_aircraft(sdn_files):
    _, person, vessel, aircraft = parse_sdn_csv(sdn_files).records
    assert person.title == "Commander"
    assert person.birth_dates == ["1970-02-01", "1968", "1969"]
    assert person.birth_places == ["Aleppo, Syria"]
    assert person.nationalities == ["SY"] and person.citizenships == ["TR"]
    assert person.countries == ["SY", "TR"]
    assert person.gender == "male"
    assert person.addresses == []  # the all-null address row is no address
    (passport,) = person.identifiers
    assert (passport.type, passport.value, passport.country, passport.issued, passport.expires) == (
        IdType.PASSPORT,
        "N1234567",
        "SY",
        "2010-03-05",
        "2016-03-04",
    )
    assert [n.type for n in person.names] == [NameType.PRIMARY, NameType.AKA, NameType.WEAK]

    assert vessel.vessel == {
        "call_sign": "9HAB7",
        "type": "Crude Oil Tanker",
        "tonnage": "150,000",
        "grt": "80,000",
        "flag": "Malta",
        "owner": "EXAMPLE SHIPPING CO",
    }
    imo, mmsi = vessel.identifiers
    assert (imo.type, imo.value, imo.valid) == (IdType.IMO, "9187629", True)
    assert (mmsi.type, mmsi.value) == (IdType.MMSI, "572469210")

    assert aircraft.vessel == {}
    assert [(i.type, i.value) for i in aircraft.identifiers] == [(IdType.AIRCRAFT_SERIAL, "21234")]
    assert aircraft.relations[0].target_key == "101"


def test_only_primary_file_marks_the_rest_unpublished(sdn_files):
    result = parse_sdn_csv({"sdn.csv": sdn_files["sdn.csv"]})
    org = result.records[0]
    assert org.unpublished == ["aliases", "addresses", "comments"]
    assert [n.type for n in org.names] == [NameType.PRIMARY, NameType.WEAK]  # weak a.k.a. is in sdn.csv
    assert org.addresses == []
    with_comments = parse_sdn_csv({"sdn.csv": sdn_files["sdn.csv"], "sdn_comments.csv": b""})
    assert with_comments.records[0].unpublished == ["aliases", "addresses"]


def test_comments_continue_the_cut_remarks():
    # Remarks are cut at exactly 1000 characters, mid-word; the rest is in sdn_comments.csv.
    start = (
        "DOB 1970; "
        + "; ".join(f"Linked To: FRONT COMPANY {i:03d}" for i in range(20))
        + "; Organization Type: "
    )
    start += "x" * (999 - len(start) - 2) + "; "
    full = start + "Phone Number 1234567890; Passport X998877 (Iran)."
    head, tail = full[:1000], full[1000:]
    assert head.endswith("; P") and tail.startswith("hone Number")
    files = {
        "sdn.csv": csv_bytes(sdn_row("7", '"DOE, Jane"', '"individual"', remarks=f'"{head}"')),
        "sdn_comments.csv": csv_bytes(f'7,"{tail}"'),
    }
    (rec,) = parse_sdn_csv(files).records
    assert rec.remarks == full
    assert [(i.type, i.value, i.country) for i in rec.identifiers] == [(IdType.PASSPORT, "X998877", "IR")]
    assert len(rec.relations) == 20
    assert rec.unpublished == ["aliases", "addresses"]
    # without the comments file the entry keeps its cut remarks and says the rest is unpublished
    (cut,) = parse_sdn_csv({"sdn.csv": files["sdn.csv"]}).records
    assert cut.remarks == head and cut.identifiers == []
    assert "comments" in cut.unpublished


def test_cons_fixture_cmic_entry():
    result = parse_cons_csv(load(FIXTURES / "ofac_csv" / "cons"))
    assert [e.key for e in result.records] == ["201", "202", "203"]
    telecom = result.records[0]
    assert telecom.source == "us_ofac_cons" and telecom.entity_id == "ofac-201"
    (listing,) = telecom.listings
    assert (listing.list_id, listing.source_id, listing.source_url) == ("us_ofac_cons", "201", CONS_URL)
    assert listing.programs == ["CMIC-EO13959"]
    assert (listing.listed_on, listing.effective_on, listing.divestment_on) == (
        "2021-06-03",
        "2021-08-02",
        "2022-06-03",
    )
    tickers = [(i.value, i.market) for i in telecom.identifiers if i.type == IdType.TICKER]
    assert tickers == [("0728", "HK"), ("CHA", "US")]
    isins = [(i.value, i.valid) for i in telecom.identifiers if i.type == IdType.ISIN]
    assert isins == [("US1694261033", True), ("CNE1000002V2", True)]
    (uscc,) = [i for i in telecom.identifiers if i.type == IdType.USCC]
    assert (uscc.value, uscc.country, uscc.valid) == ("9111000071093019X7", "CN", True)
    assert telecom.relations[0].target_key == "202"
    energy = result.records[2]
    assert energy.listings[0].programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert energy.listings[0].listed_on is None  # EO 14024 directive dates are not CMIC dates
    assert energy.unpublished == ["comments"]
    assert [n.type for n in energy.names] == [NameType.PRIMARY, NameType.FKA]


def test_parse_is_deterministic(sdn_files):
    one = [e.to_dict() for e in parse_sdn_csv(sdn_files).records]
    two = [e.to_dict() for e in parse_sdn_csv(dict(sdn_files)).records]
    assert one == two


def test_registry_picks_the_csv_format(sdn_files):
    spec = sources.get("us_ofac_sdn")
    fmt = spec.pick_format(set(sdn_files))
    assert fmt.name == "csv"
    assert len(fmt.parse(sdn_files).records) == 4


def test_orphan_side_rows_are_warnings(sdn_files):
    files = dict(sdn_files)
    files["alt.csv"] = files["alt.csv"].rstrip(b"\x1a") + csv_bytes(f'999,299,"aka","NOBODY",{N}')
    result = parse_sdn_csv(files)
    assert result.row_errors == []
    assert len(result.records) == 4
    assert any("alt.csv" in w and "line 5" in w for w in result.warnings)


# --- bad input ---------------------------------------------------------------------------------


def test_malformed_row_is_a_row_error(sdn_files):
    rows = sdn_files["sdn.csv"].rstrip(b"\x1a").decode().split("\r\n")[:-1]
    rows.insert(2, '105,"SHORT ROW",-0- ,"SDGT"')  # becomes line 3
    rows.append(sdn_row("1O6", '"LETTER O IN ENT_NUM"'))  # line 6
    result = parse_sdn_csv({"sdn.csv": csv_bytes(*rows)})
    assert [e.key for e in result.records] == ["101", "102", "103", "104"]
    assert [(e.file, e.line) for e in result.row_errors] == [("sdn.csv", 3), ("sdn.csv", 6)]
    assert "12 columns" in result.row_errors[0].message
    assert "not an integer" in result.row_errors[1].message
    # no record count in the CSV: the updater must refuse to skip rows
    with pytest.raises(SourceError) as err:
        accept_row_errors(result, "us_ofac_sdn")
    assert (err.value.source, err.value.file, err.value.line) == ("us_ofac_sdn", "sdn.csv", 3)


def test_truncated_file_ends_in_a_row_error(sdn_files):
    data = sdn_files["sdn.csv"]
    cut = data[: data.index(b"POB Aleppo")]  # the download stopped inside row 2's quoted remarks
    result = parse_sdn_csv({"sdn.csv": cut})
    assert [e.key for e in result.records] == ["101"]
    assert [(e.file, e.line) for e in result.row_errors] == [("sdn.csv", 2)]
    assert "truncated" in result.row_errors[0].message
    with pytest.raises(SourceError) as err:
        accept_row_errors(result, "us_ofac_sdn")
    assert (err.value.file, err.value.line) == ("sdn.csv", 2)


def test_file_cut_inside_its_only_row():
    result = parse_sdn_csv({"sdn.csv": b'1,"EXAMPLE",-0- ,"SDG'})
    assert result.records == []
    assert [(e.file, e.line) for e in result.row_errors] == [("sdn.csv", 1)]


def test_real_partial_set_without_sdn_csv_is_refused():
    files = load(raw_path("ofac_sdn", "2025-12-24_partial_no_sdn_csv"))
    assert "alt.csv" in files and "sdn.csv" not in files
    with pytest.raises(SourceError) as err:
        parse_sdn_csv(files)
    assert (err.value.source, err.value.file) == ("us_ofac_sdn", "sdn.csv")


def test_header_row_is_an_unknown_layout():
    header = (
        "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,Vess_flag,Vess_owner,Remarks"
    )
    files = {"sdn.csv": csv_bytes(header, sdn_row("1", '"X"'))}
    with pytest.raises(SourceError) as err:
        parse_sdn_csv(files)
    assert (err.value.source, err.value.file, err.value.line) == ("us_ofac_sdn", "sdn.csv", 1)
    assert "header" in err.value.message


def test_wrong_column_count_everywhere_is_an_unknown_layout():
    # e.g. a CSL-style or fixed-width file saved under the SDN name
    files = {"cons_prim.csv": csv_bytes('1,"A","B"', '2,"C","D"', sdn_row("3", '"OK"'))}
    with pytest.raises(SourceError) as err:
        parse_cons_csv(files)
    assert (err.value.source, err.value.file, err.value.line) == ("us_ofac_cons", "cons_prim.csv", 1)
    assert "column layout" in err.value.message


def test_wrong_column_count_in_a_side_file(sdn_files):
    files = dict(sdn_files, **{"add.csv": csv_bytes('101,"only three"', '102,"x"')})
    with pytest.raises(SourceError) as err:
        parse_sdn_csv(files)
    assert (err.value.file, err.value.line) == ("add.csv", 1)


def test_html_page_is_refused(sdn_files):
    page = b"<!DOCTYPE html><html><body>Service Unavailable</body></html>"
    with pytest.raises(SourceError) as err:
        parse_sdn_csv({"sdn.csv": page})
    assert (err.value.source, err.value.file, err.value.line) == ("us_ofac_sdn", "sdn.csv", 1)
    with pytest.raises(SourceError) as err:
        parse_sdn_csv(dict(sdn_files, **{"alt.csv": page}))
    assert err.value.file == "alt.csv"


def test_empty_or_missing_primary_file_is_refused():
    with pytest.raises(SourceError) as err:
        parse_sdn_csv({"sdn.csv": b"\x1a"})
    assert (err.value.source, err.value.file) == ("us_ofac_sdn", "sdn.csv")
    with pytest.raises(SourceError) as err:
        parse_cons_csv({"cons_alt.csv": csv_bytes(f'1,2,"aka","X",{N}')})
    assert (err.value.source, err.value.file) == ("us_ofac_cons", "cons_prim.csv")


# --- real publications -------------------------------------------------------------------------


def test_real_sdn_2024_05_03():
    folder = raw_path("ofac_sdn", "2024-05-03")
    result = parse_sdn_csv(load(folder))  # the time it takes: benchmarks/parsers.py
    assert len(result.records) == 14965
    assert result.row_errors == [] and result.warnings == []
    types = {t: sum(e.type == t for e in result.records) for t in EntityType}
    assert (types["organization"], types["person"], types["vessel"], types["aircraft"]) == (
        6884,
        6854,
        851,
        376,
    )
    assert sum(n.type == NameType.WEAK for e in result.records for n in e.names) == 3663
    assert all(e.unpublished == ["aliases", "addresses", "comments"] for e in result.records)
    bnc = next(e for e in result.records if e.key == "306")
    assert bnc.name == "BANCO NACIONAL DE CUBA"
    assert [(n.value, n.type) for n in bnc.names[1:]] == [("BNC", NameType.WEAK)]
    assert bnc.listings[0].programs == ["CUBA"]
    naqdi = next(e for e in result.records if e.key == "12057")
    assert naqdi.birth_dates == [
        "1951",
        "1952",
        "1953",
        "1960",
        "1961",
        "1962",
        "1961-04",
    ]  # two ranges + one month


def test_real_sdn_2021_complete_set():
    folder = raw_path("ofac_sdn", "2021-07-07_complete_set")
    result = parse_sdn_csv(load(folder))
    assert len(result.records) == 8976
    assert result.row_errors == [] and result.warnings == []
    names = [n for e in result.records for n in e.names]
    # alt.csv has 11,910 rows: 11,523 aka (two repeat an alias of the same entry), 369 fka, 18 nka
    assert sum(n.type == NameType.AKA for n in names) == 11521
    assert sum(n.type == NameType.FKA for n in names) == 369
    assert sum(n.type == NameType.NKA for n in names) == 18
    # add.csv has 13,837 rows, 2,397 of them all-null placeholders
    assert sum(len(e.addresses) for e in result.records) == 11440
    assert all(e.unpublished == [] for e in result.records)

    li = next(e for e in result.records if e.key == "28264")
    assert li.name == "LI, Jiadong" and li.type == EntityType.PERSON
    assert li.listings[0].programs == ["DPRK3", "CYBER2"]
    assert li.birth_dates == ["1987-01-10"] and li.nationalities == ["CN"] and li.gender == "male"
    assert [(a.city, a.country_code) for a in li.addresses] == [("Anshan, Liaoning", "CN")]
    assert [n.value for n in li.names if n.type == NameType.WEAK] == ["blackjack1987", "khaleesi"]
    assert sum(i.type == IdType.CRYPTO and i.label == "XBT" for i in li.identifiers) == 12
    # the tail of the remarks came from sdn_comments.csv, cut inside "Phone Number"
    assert len(li.remarks) > 1000 and "; Phone Number 8613314257947;" in li.remarks
    assert ("national_id", "210302198701102136", "CN") in [
        (i.type, i.value, i.country) for i in li.identifiers
    ]
    assert [(r.target_name, r.target_key) for r in li.relations] == [("LAZARUS GROUP", "27307")]

    # the five entries with a comments row are the five with remarks over 1,000 characters
    long = sorted(e.key for e in result.records if len(e.remarks or "") > 1000)
    assert long == ["12300", "28263", "28264", "29703", "30518"]


def test_real_cons_2025_12_19():
    result = parse_cons_csv(load(raw_path("ofac_consolidated", "2025-12-19")))
    assert len(result.records) == 442
    assert result.row_errors == [] and result.warnings == []
    assert sum(1 for e in result.records if e.listings[0].listed_on) == 68  # the CMIC entries
    hik = next(e for e in result.records if e.key == "30946")
    assert hik.name == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert [n.value for n in hik.names[1:]] == ["HIKVISION", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY"]
    listing = hik.listings[0]
    assert listing.programs == ["CMIC-EO13959"]
    assert (listing.listed_on, listing.effective_on, listing.divestment_on) == (
        "2021-06-03",
        "2021-08-02",
        "2022-06-03",
    )
    assert [(i.type, i.value, i.market, i.valid) for i in hik.identifiers] == [
        (IdType.TICKER, "002415", "CN", None),
        (IdType.ISIN, "CNE100000PM8", None, True),
        (IdType.USCC, "91330000733796106P", None, True),
    ]
    assert hik.countries == ["CN"]
    mobile = next(e for e in result.records if e.key == "30923")
    assert len([i for i in mobile.identifiers if i.type == IdType.TICKER]) == 8
    assert [(r.target_name, r.target_key) for r in mobile.relations] == [
        ("CHINA MOBILE COMMUNICATIONS GROUP CO., LTD.", "30944")
    ]
    # ten entries spill over into cons_comments.csv
    assert sum(len(e.remarks or "") > 1000 for e in result.records) == 10


def test_real_cons_2018_04_06():
    result = parse_cons_csv(load(raw_path("ofac_consolidated", "2018-04-06")))  # cons_comments.csv is 0 bytes
    assert len(result.records) == 639
    assert result.row_errors == []
    assert all(e.unpublished == [] for e in result.records)
    shona = next(e for e in result.records if e.key == "15036")
    assert shona.type == EntityType.VESSEL and shona.name == "SHONA"
    assert shona.vessel["call_sign"] == "T2EU4" and shona.vessel["flag"] == "Tanzania"
    assert [(n.value, n.type) for n in shona.names[1:]] == [("ABADAN", NameType.FKA), ("ALPHA", NameType.FKA)]
    assert [(i.type, i.value) for i in shona.identifiers] == [
        (IdType.IMO, "9187629"),
        (IdType.MMSI, "572469210"),
    ]
