"""OFAC legacy XML (SDN.XML / CONSOLIDATED.XML): hand-written fixture, real 2018 file, bad input."""

from __future__ import annotations

import pytest

from redlist.errors import SourceError
from redlist.model import EntityType, IdType, NameType
from redlist.sources.ofac_xml import parse_cons_xml, parse_sdn_xml

from conftest import FIXTURES, raw_path

FIXTURE = FIXTURES / "ofac_xml" / "sdn.xml"
OLD_NS = b"http://tempuri.org/sdnList.xsd"
NEW_NS = b"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"


def sdn(data: bytes):
    return parse_sdn_xml({"sdn.xml": data})


@pytest.fixture(scope="module")
def fixture_result():
    return sdn(FIXTURE.read_bytes())


def test_fixture_header_and_keys(fixture_result):
    r = fixture_result
    assert r.format == "xml"
    assert r.as_of == "2025-03-14"
    assert r.expected_count == 4
    assert [e.key for e in r.records] == ["6365", "32091", "15036", "7"]
    assert [e.entity_id for e in r.records] == ["ofac-6365", "ofac-32091", "ofac-15036", "ofac-7"]
    assert {e.source for e in r.records} == {"us_ofac_sdn"}
    assert r.row_errors == [] and r.warnings == []


def test_fixture_person(fixture_result):
    e = fixture_result.records[0]
    assert e.type == EntityType.PERSON
    assert [(n.value, n.type) for n in e.names] == [
        ("AL-ZAWAHIRI, Ayman", NameType.PRIMARY),
        ("AL-ZAWAHRI, Ayman", NameType.AKA),
        ("THE DOCTOR", NameType.WEAK),
        ("SALEM, Abdel Muaz", NameType.FKA),
    ]
    assert e.title == "Operational and Military Leader of JIHAD GROUP"
    assert e.remarks == "Hand-written test record."
    assert e.gender == "Male"
    assert e.birth_dates == ["1951-06-19", "1950/1952"]
    assert e.birth_places == ["Giza, Egypt"]
    assert e.nationalities == ["EG"] and e.citizenships == ["EG"] and e.countries == ["EG"]
    assert e.addresses[0].city == "Cairo" and e.addresses[0].country_code == "EG"
    passport = e.identifiers[0]
    assert (passport.type, passport.value, passport.country) == (IdType.PASSPORT, "1084010", "EG")
    assert (passport.issued, passport.expires) == ("1990-02-05", "1997-02-04")
    assert [(r.type, r.target_name) for r in e.relations] == [("linked_to", "AL QA'IDA")]
    other = e.identifiers[1]
    assert other.type == IdType.OTHER and other.label == "Secondary sanctions risk:"
    assert other.value.startswith("section 1(b)")  # published case kept for prose
    assert e.identifiers[2].type == IdType.CRYPTO
    assert len(e.identifiers) == 3  # Gender and Linked To are not identifiers
    (listing,) = e.listings
    assert (listing.list_id, listing.source_id, listing.programs) == ("us_ofac_sdn", "6365", ["SDGT", "SDT"])


def test_fixture_cmic_entity(fixture_result):
    e = fixture_result.records[1]
    assert e.type == EntityType.ORGANIZATION
    listing = e.listings[0]
    assert (listing.listed_on, listing.effective_on, listing.divestment_on) == (
        "2021-06-03",
        "2021-08-02",
        "2022-06-03",
    )
    kinds = {i.type: i for i in e.identifiers}
    assert kinds[IdType.ISIN].value == "CNE100000Q43" and kinds[IdType.ISIN].valid is True
    assert kinds[IdType.TICKER].value == "000063"
    assert kinds[IdType.USCC].valid is True
    assert [i.value for i in e.identifiers if i.label == "Website"] == ["www.Example-Telecom.cn"]
    assert [i.value for i in e.identifiers if i.label == "Organization Established Date"] == ["1985"]
    assert not any("Date (CMIC)" in (i.label or "") for i in e.identifiers)
    (address,) = e.addresses
    assert address.street == "No. 55 Keji Road South, Hi-Tech Park"
    assert (address.city, address.state, address.postal_code, address.country_code) == (
        "Shenzhen",
        "Guangdong",
        "518057",
        "CN",
    )


def test_fixture_vessel_and_null_name(fixture_result):
    vessel, nobody = fixture_result.records[2], fixture_result.records[3]
    assert vessel.type == EntityType.VESSEL
    assert vessel.vessel == {
        "call_sign": "T2EU4",
        "type": "Crude Oil Tanker",
        "flag": "Tanzania",
        "owner": "NATIONAL IRANIAN TANKER COMPANY",
        "tonnage": "99144",
        "grt": "56068",
    }
    imo = next(i for i in vessel.identifiers if i.type == IdType.IMO)
    assert (imo.value, imo.valid) == ("9187629", True)
    assert vessel.names[1].type == NameType.FKA
    # "-0-" is OFAC's null; an unknown country stays as published and out of `countries`.
    assert nobody.name == "Nobody"
    assert nobody.nationalities == ["Atlantis"] and nobody.countries == []


def test_old_namespace_parses_the_same(fixture_result):
    old = sdn(FIXTURE.read_bytes().replace(NEW_NS, OLD_NS))
    assert [e.to_dict() for e in old.records] == [e.to_dict() for e in fixture_result.records]
    assert old.warnings == []


def test_unknown_namespace_warns_but_parses():
    r = sdn(FIXTURE.read_bytes().replace(NEW_NS, b"urn:example:other"))
    assert len(r.records) == 4
    assert r.warnings and "urn:example:other" in r.warnings[0]


def test_deterministic(fixture_result):
    again = sdn(FIXTURE.read_bytes())
    assert [e.to_dict() for e in again.records] == [e.to_dict() for e in fixture_result.records]


def test_consolidated_uses_its_own_source_and_list():
    data = FIXTURE.read_bytes()
    r = parse_cons_xml({"consolidated.xml": data})
    assert {e.source for e in r.records} == {"us_ofac_cons"}
    assert {lst.list_id for e in r.records for lst in e.listings} == {"us_ofac_cons"}


# --- malformed rows ----------------------------------------------------------------------------


def test_entry_without_uid_is_a_row_error_with_its_line():
    data = FIXTURE.read_bytes().replace(b"<uid>15036</uid>", b"")
    r = sdn(data)
    assert [e.key for e in r.records] == ["6365", "32091", "7"]
    (err,) = r.row_errors
    start = data.rindex(b"<sdnEntry>", 0, data.index(b"<lastName>SEA STAR"))
    line = data[:start].count(b"\n") + 1
    assert (err.file, err.line) == ("sdn.xml", line)
    assert "uid" in err.message


def test_entry_without_name_and_duplicate_uid_are_row_errors():
    data = FIXTURE.read_bytes().replace(b"<lastName>SEA STAR</lastName>", b"")
    data = data.replace(b"<uid>7</uid>", b"<uid>6365</uid>")
    r = sdn(data)
    assert [e.key for e in r.records] == ["6365", "32091"]
    assert ["no name" in e.message for e in r.row_errors] == [True, False]
    assert "duplicate" in r.row_errors[1].message
    assert r.row_errors[0].line < r.row_errors[1].line


# --- whole-file problems -----------------------------------------------------------------------


def assert_source_error(exc: pytest.ExceptionInfo[SourceError], line: int | None = None) -> None:
    assert exc.value.source == "us_ofac_sdn"
    assert exc.value.file == "sdn.xml"
    if line is not None:
        assert exc.value.line == line


def test_truncated_file():
    data = FIXTURE.read_bytes()
    cut = data[: data.index(b"<lastName>SEA STAR") + 14]  # mid-line, mid-element
    with pytest.raises(SourceError, match="truncated") as exc:
        sdn(cut)
    assert_source_error(exc, line=cut.count(b"\n") + 1)


def test_html_error_page():
    with pytest.raises(SourceError, match="HTML") as exc:
        sdn(b"<!DOCTYPE html>\n<html><body>Service Unavailable</body></html>")
    assert_source_error(exc, line=1)


def test_empty_and_missing_file():
    with pytest.raises(SourceError, match="empty") as exc:
        sdn(b" \r\n\x1a")
    assert_source_error(exc)
    with pytest.raises(SourceError, match="missing"):
        parse_sdn_xml({})


def test_billion_laughs_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE sdnList [
 <!ENTITY a "lol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<sdnList><publshInformation><Publish_Date>&d;</Publish_Date></publshInformation></sdnList>"""
    with pytest.raises(SourceError, match="unsafe XML") as exc:
        sdn(bomb)
    assert_source_error(exc, line=2)


def test_external_entity_refused():
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE sdnList [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<sdnList><sdnEntry><uid>1</uid><lastName>&x;</lastName></sdnEntry></sdnList>"""
    with pytest.raises(SourceError, match="unsafe XML") as exc:
        sdn(xxe)
    assert_source_error(exc, line=2)


def test_unknown_root_element():
    data = b'<?xml version="1.0"?>\n\n<Sanctions xmlns="urn:x"><DateOfIssue/></Sanctions>'
    with pytest.raises(SourceError, match="unknown root element <Sanctions>") as exc:
        sdn(data)
    assert_source_error(exc, line=3)


def test_not_xml_at_all():
    with pytest.raises(SourceError, match="invalid or truncated XML") as exc:
        sdn(b'"ent_num","SDN_Name"\n1,"X"\n')
    assert_source_error(exc, line=1)


# --- the real 2018 consolidated.xml --------------------------------------------------------------


@pytest.fixture(scope="module")
def real_cons():
    path = raw_path("ofac_consolidated", "2018-04-06", "consolidated.xml")
    return parse_cons_xml({"consolidated.xml": path.read_bytes()})


def test_real_counts(real_cons):
    r = real_cons
    assert (r.as_of, r.expected_count, len(r.records)) == ("2018-04-06", 639, 639)
    assert r.row_errors == [] and r.warnings == []
    types = [e.type for e in r.records]
    assert (
        types.count(EntityType.ORGANIZATION),
        types.count(EntityType.PERSON),
        types.count(EntityType.VESSEL),
    ) == (
        471,
        94,
        74,
    )
    names = [n.type for e in r.records for n in e.names]
    assert (len(names), names.count(NameType.WEAK), names.count(NameType.FKA)) == (1893, 45, 185)
    imos = [i for e in r.records for i in e.identifiers if i.type == IdType.IMO]
    assert len(imos) == 74 and all(i.valid for i in imos)


def test_real_keys_match_cons_prim_csv(real_cons):
    csv_path = raw_path("ofac_consolidated", "2018-04-06", "cons_prim.csv")
    ent_nums = {
        line.split(b",", 1)[0].decode()
        for line in csv_path.read_bytes().split(b"\r\n")
        if line.strip(b"\x1a")
    }
    assert len(ent_nums) == 639
    assert {e.key for e in real_cons.records} == ent_nums


def test_real_central_bank_entry(real_cons):
    e = next(x for x in real_cons.records if x.key == "4632")
    assert e.to_dict() == {
        "source": "us_ofac_cons",
        "key": "4632",
        "entity_id": "ofac-4632",
        "type": "organization",
        "names": [
            {"value": "BANK MARKAZI JOMHOURI ISLAMI IRAN", "type": "primary"},
            {"value": "CENTRAL BANK OF THE ISLAMIC REPUBLIC OF IRAN", "type": "aka"},
            {"value": "BANK MARKAZI IRAN", "type": "aka"},
            {"value": "CENTRAL BANK OF IRAN", "type": "aka"},
        ],
        "identifiers": [
            {
                "type": "other",
                "value": "Not on the SDN List and Not Subject to Secondary Sanctions; U.S. Persons Must "
                "Continue to Block the Property and Interests in Property of this Person Pursuant to "
                "Executive Order 13599",
                "label": "Additional Sanctions Information -",
            },
            {
                "type": "other",
                "value": "https://www.treasury.gov/resource-center/sanctions/Programs/Documents/jcpoa_faqs.pdf",
                "label": "For more information, please see:",
            },
        ],
        "addresses": [
            {
                "street": "PO Box 15875/7177, 144 Mirdamad Blvd",
                "city": "Tehran",
                "country": "Iran",
                "country_code": "IR",
            },
            {
                "street": "213 Ferdowsi Avenue",
                "city": "Tehran",
                "postal_code": "11365",
                "country": "Iran",
                "country_code": "IR",
            },
        ],
        "countries": ["IR"],
        "listings": [{"list_id": "us_ofac_cons", "source_id": "4632", "programs": ["IRAN"]}],
    }


def test_real_vessel_and_person(real_cons):
    by_key = {e.key: e for e in real_cons.records}
    vessel = by_key["15036"]
    assert [(n.value, n.type) for n in vessel.names] == [
        ("SHONA", NameType.PRIMARY),
        ("ABADAN", NameType.FKA),
        ("ALPHA", NameType.FKA),
    ]
    assert vessel.vessel == {
        "call_sign": "T2EU4",
        "type": "Crude/Oil Products Tanker",
        "flag": "Tanzania",
        "tonnage": "99144",
        "grt": "56068",
    }
    assert [(i.type, i.value) for i in vessel.identifiers[:2]] == [
        (IdType.MMSI, "572469210"),
        (IdType.IMO, "9187629"),
    ]
    assert vessel.remarks == "(Linked To: NATIONAL IRANIAN TANKER COMPANY)"
    person = by_key["9639"]
    assert [n.value for n in person.names] == [
        "HANIYA, Ismail Abdul Salah",
        "HANIYA, Ismail",
        "HANIYYA, Ismaeel",
    ]
    assert (person.type, person.birth_dates, person.birth_places) == (EntityType.PERSON, ["1962"], ["Shati"])
    assert person.listings[0].programs == ["NS-PLC"]
