"""OFAC advanced XML (SDN_ADVANCED.XML / CONS_ADVANCED.XML): fixture, real 2020 file, bad input."""

from __future__ import annotations

import pytest

from redlist.errors import SourceError
from redlist.model import EntityType, IdType, NameType, Relation
from redlist.sources.ofac_advanced import parse_cons_advanced, parse_sdn_advanced

from conftest import FIXTURES, raw_path

FIXTURE = FIXTURES / "ofac_xml" / "sdn_advanced.xml"
NEW_NS = b"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"
OLD_NS = b"http://www.un.org/sanctions/1.0"


def adv(data: bytes):
    return parse_sdn_advanced({"sdn_advanced.xml": data})


@pytest.fixture(scope="module")
def fixture_result():
    return adv(FIXTURE.read_bytes())


def test_fixture_header(fixture_result):
    r = fixture_result
    assert (r.format, r.as_of, r.expected_count) == ("advanced_xml", "2025-03-14", None)
    assert [e.key for e in r.records] == ["6365", "32091", "15036"]
    assert [e.entity_id for e in r.records] == ["ofac-6365", "ofac-32091", "ofac-15036"]
    assert [e.type for e in r.records] == [EntityType.PERSON, EntityType.ORGANIZATION, EntityType.VESSEL]
    assert r.row_errors == []
    # the relationship to a profile that is not in the file is reported, not invented
    assert r.warnings == [
        "sdn_advanced.xml: profile 15036 owned_or_controlled_by profile 99999, which is not in the file"
    ]


def test_fixture_person(fixture_result):
    e = fixture_result.records[0]
    # name parts are published first-name first; the primary form is OFAC's "LAST, First"
    assert [(n.value, n.type, n.lang) for n in e.names] == [
        ("AL-ZAWAHIRI, Ayman", NameType.PRIMARY, None),
        ("THE DOCTOR", NameType.WEAK, None),
        ("SALEM, Abdel Muaz", NameType.FKA, None),
        ("أيمن الظواهري", NameType.AKA, "Arab"),
    ]
    assert e.birth_dates == ["1951-06-19", "1950/1952"]
    assert e.birth_places == ["Giza, Egypt"]
    assert (e.gender, e.title, e.remarks) == (
        "Male",
        "Operational and Military Leader of JIHAD GROUP",
        "Hand-written test record.",
    )
    assert e.nationalities == ["EG"] and e.countries == ["EG"]
    assert [(a.city, a.country, a.country_code) for a in e.addresses] == [("Cairo", "Egypt", "EG")]
    crypto, passport = e.identifiers
    assert (crypto.type, crypto.label) == (IdType.CRYPTO, "Digital Currency Address - XBT")
    assert (passport.type, passport.value, passport.country, passport.issued) == (
        IdType.PASSPORT,
        "1084010",
        "EG",
        "1990-02-05",
    )
    assert e.relations == [Relation("associate_of", "EXAMPLE TELECOM TECHNOLOGIES CO., LTD.", "32091")]
    (listing,) = e.listings
    assert (listing.list_id, listing.source_id, listing.programs, listing.listed_on) == (
        "us_ofac_sdn",
        "6365",
        ["SDGT", "SDT"],
        "2001-10-12",
    )


def test_fixture_cmic_entity(fixture_result):
    e = fixture_result.records[1]
    assert [(n.value, n.type) for n in e.names] == [
        ("EXAMPLE TELECOM TECHNOLOGIES CO., LTD.", NameType.PRIMARY),
        ("EXAMPLE TELECOM GROUP", NameType.NKA),
    ]
    (listing,) = e.listings  # a non-SDN list in the SDN file: us_ofac_cons
    assert listing.list_id == "us_ofac_cons" and listing.programs == ["CMIC-EO13959"]
    # the CMIC "Listing Date" feature wins over the entry event date (2021-06-04)
    assert (listing.listed_on, listing.effective_on, listing.divestment_on) == (
        "2021-06-03",
        "2021-08-02",
        "2022-06-03",
    )
    assert [(i.type, i.value, i.valid) for i in e.identifiers] == [
        (IdType.ISIN, "CNE100000Q43", True),
        (IdType.OTHER, "www.Example-Telecom.cn", None),
        (IdType.USCC, "91350100M000100Y43", True),
    ]
    (address,) = e.addresses
    # ADDRESS1 before ADDRESS2 whatever the published order; the Primary part value is used
    assert address.street == "No. 55 Keji Road South, Hi-Tech Park"
    assert (address.city, address.state, address.postal_code, address.country, address.country_code) == (
        "Shenzhen",
        "Guangdong",
        "518057",
        "China",
        "CN",
    )
    assert e.relations == [Relation("associate_of", "AL-ZAWAHIRI, Ayman", "6365")]  # symmetrical


def test_fixture_vessel(fixture_result):
    e = fixture_result.records[2]
    assert e.vessel == {"call_sign": "T2EU4", "type": "Crude Oil Tanker", "flag": "Tanzania"}
    assert [(i.type, i.value, i.valid) for i in e.identifiers] == [(IdType.IMO, "9187629", True)]
    assert e.relations == [
        Relation("owned_or_controlled_by", "EXAMPLE TELECOM TECHNOLOGIES CO., LTD.", "32091")
    ]
    assert e.listings[0].listed_on == "2012-07-12"


def test_old_namespace_and_determinism(fixture_result):
    old = adv(FIXTURE.read_bytes().replace(NEW_NS, OLD_NS))
    assert [e.to_dict() for e in old.records] == [e.to_dict() for e in fixture_result.records]
    odd = adv(FIXTURE.read_bytes().replace(NEW_NS, b"urn:example:other"))
    assert len(odd.records) == 3 and "urn:example:other" in odd.warnings[0]


def test_cons_variant_source():
    r = parse_cons_advanced({"cons_advanced.xml": FIXTURE.read_bytes()})
    assert {e.source for e in r.records} == {"us_ofac_cons"}


# --- malformed rows ----------------------------------------------------------------------------


def test_party_without_fixed_ref_is_a_row_error_with_its_line():
    data = FIXTURE.read_bytes().replace(b'<DistinctParty FixedRef="32091">', b"<DistinctParty>")
    r = adv(data)
    assert [e.key for e in r.records] == ["6365", "15036"]
    (err,) = r.row_errors
    assert err.file == "sdn_advanced.xml"
    assert err.line == data[: data.index(b"<DistinctParty>")].count(b"\n") + 1
    assert "FixedRef" in err.message
    # the relation to the dropped party is reported rather than kept dangling
    assert any("32091" in w for w in r.warnings)


def test_party_without_name_is_a_row_error():
    data = FIXTURE.read_bytes().replace(b">SEA STAR<", b"><")
    r = adv(data)
    assert [e.key for e in r.records] == ["6365", "32091"]
    assert "no name" in r.row_errors[0].message


# --- whole-file problems -----------------------------------------------------------------------


def check(exc: pytest.ExceptionInfo[SourceError], line: int | None = None) -> None:
    assert (exc.value.source, exc.value.file) == ("us_ofac_sdn", "sdn_advanced.xml")
    if line is not None:
        assert exc.value.line == line


def test_truncated_file():
    data = FIXTURE.read_bytes()
    cut = data[: data.index(b"<ProfileRelationships>") + 30]
    with pytest.raises(SourceError, match="truncated") as exc:
        adv(cut)
    check(exc, line=cut.count(b"\n") + 1)


def test_html_error_page():
    with pytest.raises(SourceError, match="HTML") as exc:
        adv(b"\n<html><head><title>502 Bad Gateway</title></head></html>")
    check(exc, line=1)


def test_billion_laughs_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE Sanctions [
 <!ENTITY a "ha">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<Sanctions><DateOfIssue><Year>&c;</Year></DateOfIssue></Sanctions>"""
    with pytest.raises(SourceError, match="unsafe XML") as exc:
        adv(bomb)
    check(exc, line=2)


def test_external_entity_refused():
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE Sanctions SYSTEM "http://example.invalid/evil.dtd">
<Sanctions/>"""
    with pytest.raises(SourceError, match="unsafe XML") as exc:
        adv(xxe)
    check(exc, line=2)


def test_unknown_root_element():
    with pytest.raises(SourceError, match="unknown root element <sdnList>") as exc:
        adv(b'<?xml version="1.0"?>\n<sdnList xmlns="http://tempuri.org/sdnList.xsd"/>')
    check(exc, line=2)


def test_no_reference_values():
    with pytest.raises(SourceError, match="ReferenceValueSets") as exc:
        adv(b'<Sanctions xmlns="http://www.un.org/sanctions/1.0"><DistinctParties/></Sanctions>')
    check(exc)


# --- the real 2020 cons_advanced.xml -------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    path = raw_path("ofac_consolidated", "2020-03-17", "cons_advanced.xml")
    return parse_cons_advanced({"cons_advanced.xml": path.read_bytes()})


def test_real_counts(real):
    assert (real.as_of, real.expected_count, len(real.records)) == ("2020-03-17", None, 375)
    assert real.row_errors == [] and real.warnings == []
    types = [e.type for e in real.records]
    assert (types.count(EntityType.ORGANIZATION), types.count(EntityType.PERSON)) == (293, 82)
    names = [n.type for e in real.records for n in e.names]
    assert (
        len(names),
        names.count(NameType.PRIMARY),
        names.count(NameType.WEAK),
        names.count(NameType.FKA),
    ) == (
        1288,
        375,
        30,
        83,
    )
    assert sum(len(e.relations) for e in real.records) == 276
    assert sum(len(e.addresses) for e in real.records) == 407
    # 9 entries of the consolidated file are also on the SDN list (e.g. SDGT and NS-PLC)
    assert sum(1 for e in real.records if "us_ofac_sdn" in e.list_ids) == 9
    assert all(e.listings[0].list_id == "us_ofac_cons" for e in real.records)


def test_real_plc_person(real):
    e = next(x for x in real.records if x.key == "9639")
    assert e.to_dict() == {
        "source": "us_ofac_cons",
        "key": "9639",
        "entity_id": "ofac-9639",
        "type": "person",
        "names": [
            {"value": "HANIYA, Ismail Abdul Salah", "type": "primary"},
            {"value": "HANIYA, Ismail", "type": "aka"},
            {"value": "HANIYYA, Ismaeel", "type": "aka"},
        ],
        "birth_dates": ["1962"],
        "birth_places": ["Shati"],
        "listings": [
            # the NS-PLC entry (2006) is earlier than the "Consolidated List" umbrella entry (2014)
            {
                "list_id": "us_ofac_cons",
                "source_id": "9639",
                "programs": ["NS-PLC"],
                "listed_on": "2006-04-12",
            }
        ],
    }


def test_real_ssi_subsidiary(real):
    e = next(x for x in real.records if x.key == "18267")
    assert e.name == "OJSC ORENBURGNEFT"
    assert [n.value for n in e.names[1:]] == ["ORENBURGNEFT", "OAO JSC ORENBURGNEFT"]
    assert e.relations == [
        Relation("owned_or_controlled_by", "Open Joint-Stock Company Rosneft Oil Company", "17022")
    ]
    assert [(i.label, i.value) for i in e.identifiers] == [
        ("Email Address", "orenburgneft@rosneft.ru"),
        ("Executive Order 13662 Directive Determination -", "Subject to Directive 2"),
        ("Executive Order 13662 Directive Determination -", "Subject to Directive 4"),
    ]
    assert e.addresses[0].street == "Magistralnaya St., 2"
    assert (e.addresses[0].city, e.addresses[0].state, e.addresses[0].postal_code) == (
        "Buzuluk",
        "the Orenburg Region",
        "461040",
    )
    assert e.countries == ["RU"]
    (listing,) = e.listings
    assert (listing.programs, listing.listed_on) == (["UKRAINE-EO13662"], "2015-07-30")
    assert e.remarks.startswith("For more information on directives")


def test_real_person_on_both_lists(real):
    e = next(x for x in real.records if x.key == "17526")
    assert e.name == "Bektas, Halis"
    assert e.birth_dates == ["1966-02-13"]
    assert e.citizenships == ["CH"]  # published as a bare text location "Switzerland"
    assert [(i.type, i.value, i.country) for i in e.identifiers] == [(IdType.PASSPORT, "X0906223", "CH")]
    assert [(x.list_id, x.programs, x.listed_on) for x in e.listings] == [
        ("us_ofac_cons", ["SYRIA", "FSE-SY"], "2014-12-17"),
        ("us_ofac_sdn", ["SYRIA", "FSE-SY"], "2014-12-17"),
    ]


def test_real_region_becomes_state(real):
    e = next(x for x in real.records if x.key == "9659")
    assert [(a.city, a.state) for a in e.addresses] == [("Jabaliya", "Gaza")]
    assert [(x.list_id, x.programs) for x in e.listings] == [
        ("us_ofac_cons", ["SDGT", "NS-PLC"]),
        ("us_ofac_sdn", ["SDGT", "NS-PLC"]),
    ]
