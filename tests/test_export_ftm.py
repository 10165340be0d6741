"""FollowTheMoney export: schemas, properties, Sanction entities, ids, JSON lines."""

from __future__ import annotations

import io
import json
import re

import pytest
from followthemoney import model

from redlist import identifiers
from redlist.model import Address, Entity, EntityType, IdType, Listing, Name, NameType
from redlist.render.ftm import ftm_entities, ftm_id, schema_name, to_ftm, write_ftm
from redlist.sources.bis_el import parse_ecfr_xml

from conftest import FIXTURES

FTM_ID = re.compile(r"^[A-Za-z0-9._-]+$")


def person() -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key="12345",
        entity_id="ofac-12345",
        type=EntityType.PERSON,
        names=[
            Name("EXAMPLE, Hassan"),
            Name("Hassan Examplov", NameType.AKA),
            Name("Abu Example", NameType.WEAK),
            Name("Hassan Oldname", NameType.FKA),
        ],
        identifiers=[
            identifiers.make("Passport", "A1234567", country="IR"),
            identifiers.make("National ID No.", "0012345678"),
            identifiers.make("Tax ID No. (INN)", "7707083893"),
            identifiers.make("Tax ID No. (INN)", "7701234567"),  # fails the INN check digits
            identifiers.make("Digital Currency Address - XBT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        ],
        addresses=[Address(street="12 Example Street", city="Tehran", country="Iran", country_code="IR")],
        countries=["IR"],
        nationalities=["IR"],
        citizenships=["IR"],
        birth_dates=["1962-05-01", "1963"],
        birth_places=["Tehran, Iran"],
        gender="Male",
        title="Example Minister",
        listings=[
            Listing(
                list_id="us_ofac_sdn",
                source_id="12345",
                programs=["SDGT", "IRAN"],
                listed_on="2019-05-21",
                source_url="https://sanctionslist.ofac.treas.gov/Home/SdnList",
                remarks="Linked To: EXAMPLE BANK.",
            )
        ],
        remarks="Additional Sanctions Information - Subject to Secondary Sanctions.",
    )


def company() -> Entity:
    return Entity(
        source="us_ofac_cons",
        key="32001",
        entity_id="ofac-32001",
        type=EntityType.ORGANIZATION,
        names=[Name("EXAMPLE SHIPBUILDING CORPORATION LIMITED")],
        identifiers=[
            identifiers.make(IdType.ISIN, "US0378331005"),
            identifiers.make(IdType.LEI, "5493001KJTIIGC8Y1R12"),
            identifiers.make(IdType.REGISTRATION, "91110000100001234X"),
        ],
        countries=["CN"],
        listings=[Listing(list_id="us_ofac_cons", source_id="32001", programs=["CMIC-EO13959"])],
    )


def el_org() -> Entity:
    return Entity(
        source="us_bis_el",
        key="01eeda08749b989c",
        entity_id="bis-el-a80023526d1d",
        type=EntityType.ORGANIZATION,
        names=[Name("Huawei Technologies Co., Ltd. (Huawei)")],
        addresses=[Address(street="Bantian Huawei Base, Shenzhen", country="China", country_code="CN")],
        countries=["CN"],
        listings=[
            Listing(
                list_id="us_bis_el",
                federal_register=["84 FR 22963, 5/21/19", "85 FR 51603, 8/20/20"],
                listed_on="2019-05-21",
                license_requirement="For all items subject to the EAR.",
                license_policy="Presumption of denial.",
                source_url="https://www.ecfr.gov/current/title-15/part-744",
            )
        ],
    )


def vessel() -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key="99001",
        entity_id="ofac-99001",
        type=EntityType.VESSEL,
        names=[Name("EXAMPLE STAR"), Name("OLD STAR", NameType.FKA)],
        identifiers=[identifiers.make(IdType.IMO, "9074729"), identifiers.make(IdType.MMSI, "572469210")],
        vessel={
            "call_sign": "9BEX1",
            "type": "Crude Oil Tanker",
            "flag": "Iran",
            "tonnage": "150000",
            "grt": "80000",
            "owner": "EXAMPLE TANKER CO",
        },
        listings=[Listing(list_id="us_ofac_sdn", source_id="99001", programs=["IRAN"])],
    )


def aircraft() -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key="99002",
        entity_id="ofac-99002",
        type=EntityType.AIRCRAFT,
        names=[Name("EP-EXA")],
        identifiers=[
            identifiers.make(IdType.AIRCRAFT_SERIAL, "1234"),
            identifiers.make(IdType.AIRCRAFT_TAIL, "EP-EXA"),
        ],
        vessel={"model": "Airbus A310"},
        listings=[Listing(list_id="us_ofac_sdn", source_id="99002", programs=["SDGT"])],
    )


def security() -> Entity:
    return Entity(
        source="us_ofac_cons",
        key="40001",
        entity_id="ofac-40001",
        type=EntityType.SECURITY,
        names=[Name("EXAMPLE CORP 5% BOND 2030")],
        identifiers=[identifiers.make(IdType.ISIN, "US0378331005"), identifiers.make(IdType.TICKER, "EXMP")],
        listings=[Listing(list_id="us_ofac_cons", source_id="40001", programs=["CMIC-EO13959"])],
    )


def unknown(**kwargs) -> Entity:
    return Entity(
        source="us_bis_dpl",
        key="dpl-1",
        entity_id=kwargs.pop("entity_id", "bis-dpl-0123456789ab"),
        type=EntityType.UNKNOWN,
        names=[Name("Example Exports")],
        listings=[Listing(list_id="us_bis_dpl", effective_on="2020-01-02", ends_on="2030-01-02")],
        **kwargs,
    )


def _props(entity: Entity) -> dict[str, list[str]]:
    return to_ftm(entity)["properties"]


# --- schemas -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "schema"),
    [
        (person, "Person"),
        (company, "Company"),
        (el_org, "Organization"),
        (vessel, "Vessel"),
        (aircraft, "Airplane"),
        (security, "Security"),
        (unknown, "LegalEntity"),
    ],
)
def test_schema_by_type(make, schema):
    data = to_ftm(make())
    assert data["schema"] == schema
    assert schema_name(make()) == schema


def test_unknown_with_an_isin_is_a_company():
    entity = unknown(identifiers=[identifiers.make(IdType.ISIN, "US0378331005")])
    assert schema_name(entity) == "Company"
    assert _props(entity)["isinCode"] == ["US0378331005"]


# --- properties ----------------------------------------------------------------------------------


def test_person_properties():
    p = _props(person())
    assert p["name"] == ["EXAMPLE, Hassan"]
    assert p["alias"] == ["Hassan Examplov"]
    assert p["weakAlias"] == ["Abu Example"]
    assert p["previousName"] == ["Hassan Oldname"]
    assert p["passportNumber"] == ["A1234567"]
    assert p["idNumber"] == ["0012345678"]
    assert p["innCode"] == ["7707083893"]  # the label says INN
    assert p["taxNumber"] == ["7701234567"]  # FtM's INN check refuses it: kept as a tax number
    assert p["country"] == ["ir"]
    assert p["nationality"] == ["ir"]
    assert p["citizenship"] == ["ir"]
    assert p["birthDate"] == ["1962-05-01", "1963"]
    assert p["birthPlace"] == ["Tehran, Iran"]
    assert p["gender"] == ["male"]
    assert p["title"] == ["Example Minister"]
    assert p["address"] == ["12 Example Street, Tehran, Iran"]
    assert p["program"] == ["SDGT", "IRAN"]
    assert p["topics"] == ["sanction"]
    assert p["notes"] == ["Additional Sanctions Information - Subject to Secondary Sanctions."]
    assert p["sourceUrl"] == ["https://sanctionslist.ofac.treas.gov/Home/SdnList"]


def test_company_identifiers_and_topics():
    p = _props(company())
    assert p["isinCode"] == ["US0378331005"]
    assert p["leiCode"] == ["5493001KJTIIGC8Y1R12"]
    assert p["registrationNumber"] == ["91110000100001234X"]
    assert p["topics"] == ["sanction", "invest.ban"]  # CMIC program


def test_vessel_properties():
    p = _props(vessel())
    assert p["imoNumber"] == ["IMO9074729"] or p["imoNumber"] == ["9074729"]
    assert p["mmsi"] == ["572469210"]
    assert p["callSign"] == ["9BEX1"]
    assert p["type"] == ["Crude Oil Tanker"]
    assert p["flag"] == ["ir"]
    assert p["tonnage"] == ["150000"]
    assert p["grossRegisteredTonnage"] == ["80000"]
    assert p["previousName"] == ["OLD STAR"]
    assert p["notes"] == ["Owner: EXAMPLE TANKER CO"]


def test_aircraft_and_security_properties():
    a = _props(aircraft())
    assert a["serialNumber"] == ["1234"]
    assert a["registrationNumber"] == ["EP-EXA"]
    assert a["model"] == ["Airbus A310"]
    s = _props(security())
    assert s["isin"] == ["US0378331005"]
    assert s["ticker"] == ["EXMP"]


def test_topics_by_list():
    assert _props(el_org())["topics"] == ["export.control"]
    assert _props(unknown())["topics"] == ["debarment", "export.control"]


# --- sanctions, wallets, ids ---------------------------------------------------------------------


def test_sanction_entity_per_listing():
    party, sanction, wallet = ftm_entities(person())
    assert party["id"] == "redlist-ofac-12345"
    assert sanction["schema"] == "Sanction"
    assert sanction["id"] == "redlist-ofac-12345-us_ofac_sdn-12345"
    sp = sanction["properties"]
    assert sp["entity"] == [party["id"]]
    assert sp["authority"] == ["Office of Foreign Assets Control (OFAC), U.S. Department of the Treasury"]
    assert sp["authorityId"] == ["12345"]
    assert sp["program"] == ["SDGT", "IRAN"]
    assert sp["listingDate"] == ["2019-05-21"]
    assert sp["startDate"] == ["2019-05-21"]
    assert sp["summary"] == ["Linked To: EXAMPLE BANK."]
    assert sp["country"] == ["us"]
    assert wallet["schema"] == "CryptoWallet"
    assert wallet["properties"]["publicKey"] == ["1BoatSLRHtKNngkdXEeobR76b53LETtpyT"]
    assert wallet["properties"]["holder"] == [party["id"]]
    assert wallet["properties"]["currency"] == ["XBT"]
    assert "cryptoWallets" not in party["properties"]


def test_export_control_sanction():
    party, sanction = ftm_entities(el_org())
    sp = sanction["properties"]
    assert sanction["id"] == "redlist-bis-el-a80023526d1d-us_bis_el"
    assert sp["provisions"] == [
        "License requirement: For all items subject to the EAR.",
        "License review policy: Presumption of denial.",
    ]
    assert sp["description"] == ["Federal Register: 84 FR 22963, 5/21/19; 85 FR 51603, 8/20/20"]
    assert sp["authority"] == ["Bureau of Industry and Security (BIS), U.S. Department of Commerce"]
    assert "authorityId" not in sp


def test_dates_of_a_denial_order():
    _, sanction = ftm_entities(unknown())
    assert sanction["properties"]["startDate"] == ["2020-01-02"]
    assert sanction["properties"]["endDate"] == ["2030-01-02"]
    assert "listingDate" not in sanction["properties"]


def test_two_listings_on_one_list_get_distinct_ids():
    entity = el_org()
    entity.listings.append(Listing(list_id="us_bis_el", listed_on="2020-08-20"))
    ids = [e["id"] for e in ftm_entities(entity)]
    assert len(ids) == len(set(ids)) == 3


def test_ids_are_ascii_and_stable():
    odd = unknown(entity_id="bis dpl/é 01")
    data = to_ftm(odd)
    assert data["id"] == "redlist-bis-dpl-01"
    assert ftm_id("ofac-1", None, "us_ofac_sdn") == "redlist-ofac-1-us_ofac_sdn"
    for make in (person, company, el_org, vessel, aircraft, security, unknown):
        for item in ftm_entities(make()):
            assert FTM_ID.match(item["id"]), item["id"]
        assert ftm_entities(make()) == ftm_entities(make())


# --- round trip and JSON lines -------------------------------------------------------------------


@pytest.mark.parametrize("make", [person, company, el_org, vessel, aircraft, security, unknown])
def test_round_trip_through_ftm(make):
    for data in ftm_entities(make()):
        proxy = model.get_proxy(data)
        assert proxy.id == data["id"]
        assert proxy.schema.name == data["schema"]
        assert proxy.to_dict() == data
        # every property is one the schema knows, and the values survive cleaning again
        again = model.get_proxy(data, cleaned=False)
        for prop, values in data["properties"].items():
            assert proxy.schema.get(prop) is not None, prop
            assert again.get(prop) == values, prop


def test_write_ftm_json_lines():
    out = io.StringIO()
    records = [person(), company(), el_org(), vessel(), aircraft(), security(), unknown()]
    count = write_ftm(records, out)
    lines = out.getvalue().splitlines()
    assert count == len(lines) == 7 + 7 + 1  # parties, sanctions, one wallet
    items = [json.loads(line) for line in lines]
    assert [i["schema"] for i in items[:3]] == ["Person", "Sanction", "CryptoWallet"]
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids))
    parties = {i["id"] for i in items if i["schema"] not in ("Sanction", "CryptoWallet")}
    for item in items:
        if item["schema"] == "Sanction":
            assert item["properties"]["entity"][0] in parties


def test_write_ftm_from_parsed_entity_list():
    result = parse_ecfr_xml({"part-744.xml": (FIXTURES / "bis_el" / "part-744.xml").read_bytes()})
    out = io.StringIO()
    assert write_ftm(result.records, out) == 2 * len(result.records)
    items = [json.loads(line) for line in out.getvalue().splitlines()]
    huawei = next(
        i for i in items if i["properties"].get("name") == ["Huawei Technologies Co., Ltd. (Huawei)"]
    )
    assert huawei["schema"] == "Organization"
    assert huawei["properties"]["topics"] == ["export.control"]
    assert huawei["properties"]["country"] == ["cn"]
    meu = next(i for i in items if i["schema"] == "Sanction" and i["id"].endswith("us_bis_meu"))
    assert meu["properties"]["description"] == ["Federal Register: 85 FR 83799, 12/23/20"]


def test_export_of_many_records_counts_every_ftm_entity():
    records = []
    for i in range(2000):
        p = person()
        p.entity_id = p.key = f"ofac-{i}"
        records.append(p)
    out = io.StringIO()
    count = write_ftm(records, out)  # the time it takes: benchmarks/parsers.py
    assert count == 6000 == len(out.getvalue().splitlines())
