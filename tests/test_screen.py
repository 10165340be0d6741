"""The Screener on a small hand-built list: names, scripts, identifiers, qualifiers, bad input."""

from __future__ import annotations

import pytest

from redlist.identifiers import make
from redlist.model import Entity, EntityType, Listing, Name, NameType
from redlist.screen import MATCH_THRESHOLD, Query, Screener


def _entity(eid: str, kind: EntityType, names: list[str], lists: list[str], **kw) -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key=eid,
        entity_id=eid,
        type=kind,
        names=[Name(n, NameType.PRIMARY if i == 0 else NameType.AKA) for i, n in enumerate(names)],
        listings=[Listing(list_id=lst, source_id=eid.split("-")[-1], programs=["SDGT"]) for lst in lists],
        **kw,
    )


def _china_mobile() -> Entity:
    return _entity(
        "ofac-4",
        EntityType.ORGANIZATION,
        ["CHINA MOBILE LIMITED"],
        ["us_ofac_cons"],
        identifiers=[make("isin", "HK0941009539")],
    )


@pytest.fixture(scope="module")
def screener() -> Screener:
    org, person = EntityType.ORGANIZATION, EntityType.PERSON
    return Screener(
        [
            _entity("ofac-1", org, ["HUAWEI TECHNOLOGIES CO., LTD."], ["us_bis_el"], countries=["CN"]),
            _entity("ofac-2", person, ["BIN LADEN, Usama", "BIN LADIN, Osama"], ["us_ofac_sdn"]),
            _entity("ofac-3", org, ["AVIATION INDUSTRY CORPORATION OF CHINA", "AVIC"], ["us_ofac_cons"]),
            _china_mobile(),
            _entity("ofac-5", org, ["ROSOBORONEXPORT OAO"], ["us_ofac_sdn"], countries=["RU"]),
            _entity("ofac-6", EntityType.VESSEL, ["HUAWEI STAR"], ["us_ofac_sdn"]),
            _entity("ofac-7", person, ["MUHAMMAD, Ali Hassan"], ["us_ofac_sdn"]),
        ]
    )


def _ids(result) -> list[str]:
    return [m.entity_id for m in result.matches]


def test_exact_and_fuzzy_names(screener: Screener) -> None:
    assert _ids(screener.screen(Query("Huawei Technologies Company Limited")))[0] == "ofac-1"
    assert _ids(screener.screen(Query("Usama bin Laden", type="person"))) == ["ofac-2"]
    assert _ids(screener.screen(Query("Rosoboronexprot")))[0] == "ofac-5"
    assert _ids(screener.screen(Query("Mohammed Ali Hassan", type="person"))) == ["ofac-7"]


def test_chinese_names_find_english_entries(screener: Screener) -> None:
    result = screener.screen(Query("中国航空工业集团有限公司"))
    assert _ids(result)[0] == "ofac-3"
    assert result.matches[0].explanation["features"]["query_form_via"] == "translation"
    assert _ids(screener.screen(Query("華為技術有限公司")))[0] == "ofac-1"


def test_match_shape_and_explanation(screener: Screener) -> None:
    match = screener.screen(Query("HUAWEI TECHNOLOGIES CO LTD")).matches[0]
    record = match.to_dict()
    assert record["entity_id"] == "ofac-1"
    assert record["name"] == "HUAWEI TECHNOLOGIES CO., LTD."
    assert record["matched_name"] == "HUAWEI TECHNOLOGIES CO., LTD."
    assert record["score"] == 1.0
    assert record["lists"] == [{"list": "us_bis_el", "source_id": "1", "programs": ["SDGT"]}]
    assert "huawei" in record["explanation"]["summary"]
    tokens = record["explanation"]["features"]["tokens"]
    assert {"query": "huawei", "list": "huawei", "similarity": 1.0} in tokens


def test_type_filter(screener: Screener) -> None:
    assert "ofac-6" not in _ids(screener.screen(Query("Huawei Star", type="company")))
    assert _ids(screener.screen(Query("Huawei Star", type="vessel"))) == ["ofac-6"]
    assert _ids(screener.screen(Query("Usama bin Laden", type="company"))) == []


def test_list_filter(screener: Screener) -> None:
    assert _ids(screener.screen(Query("Huawei Technologies", lists=["us_ofac_sdn"]))) == []
    assert _ids(screener.screen(Query("Huawei Technologies", lists=["us_bis_el"]))) == ["ofac-1"]


def test_country_qualifier(screener: Screener) -> None:
    same = screener.screen(Query("Rosoboronexport", country="RU"), threshold=0).matches[0]
    other = screener.screen(Query("Rosoboronexport", country="FR"), threshold=0).matches[0]
    assert same.score > other.score
    assert "country FR not among" in other.explanation["summary"]


def test_identifier_exact_hit_and_invalid_isin(screener: Screener) -> None:
    hit = screener.screen(Query(identifiers={"isin": "hk0941009539"}))
    assert _ids(hit) == ["ofac-4"]
    assert hit.matches[0].score == 1.0
    assert hit.matches[0].matched_name == "isin:HK0941009539"
    bad = screener.screen(Query(identifiers={"isin": "HK0941009538"}))
    assert bad.matches == [] and bad.error is None
    assert "invalid" in bad.warnings[0]


def test_identifier_typed_with_hyphens_and_one_listed_with_a_bad_check_digit() -> None:
    """An ISIN printed with hyphens is the same ISIN; one the list itself prints with a wrong check
    digit is still found when asked exactly so (the answer says its check digit fails), while an
    unlisted invalid one is refused as before."""
    from redlist.identifiers import is_valid
    from redlist.model import IdType

    misprinted = "CNE0000XY0Q1"
    assert is_valid(IdType.ISIN, misprinted) is False
    screener = Screener(
        [
            _china_mobile(),
            _entity(
                "ofac-9",
                EntityType.ORGANIZATION,
                ["EXAMPLE SECURITIES CO"],
                ["us_ofac_cons"],
                identifiers=[make("isin", misprinted)],
            ),
        ]
    )
    hyphens = screener.screen(Query(identifiers={"isin": "HK-094100953-9"}))
    assert _ids(hyphens) == ["ofac-4"] and hyphens.warnings == []
    as_listed = screener.screen(Query(identifiers={"isin": misprinted.lower()}))
    assert _ids(as_listed) == ["ofac-9"] and as_listed.matches[0].score == 1.0
    assert "fails its check digit" in as_listed.matches[0].explanation["summary"]
    unlisted = screener.screen(Query(identifiers={"isin": "CNE0000XY0Q2"}))
    assert unlisted.matches == [] and "invalid" in unlisted.warnings[0]


def test_threshold_and_limit(screener: Screener) -> None:
    loose = screener.screen(Query("Huawei"), threshold=0.0, limit=10)
    assert len(loose.matches) >= 2 and all(m.score >= 0 for m in loose.matches)
    assert [m.score for m in loose.matches] == sorted((m.score for m in loose.matches), reverse=True)
    assert len(screener.screen(Query("Huawei"), threshold=0.0, limit=1).matches) == 1
    strict = screener.screen(Query("Huawei Technologies"))
    assert strict.matches and all(m.score >= MATCH_THRESHOLD for m in strict.matches)
    assert len(strict.matches) < len(loose.matches)  # the threshold filtered something out


def test_legal_form_alone_finds_nothing(screener: Screener) -> None:
    result = screener.screen(Query("Co., Ltd."))
    assert result.matches == []
    assert "nothing to match" in result.error


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "empty name"),
        ("   ", "empty name"),
        ("x" * 10_000, "limit is 1,000"),
        ("\x00\x01\x02", "no letters or digits"),
        ("abc\ufffddef", "undecodable"),
        ("!!! ---", "no letters or digits"),
    ],
)
def test_bad_names_give_errors_not_exceptions(screener: Screener, name: str, message: str) -> None:
    result = screener.screen(Query(name))
    assert result.matches == []
    assert message in result.error


def test_unknown_type_is_an_error(screener: Screener) -> None:
    assert "unknown type" in screener.screen(Query("Huawei", type="planet")).error


def test_exhaustive_finds_what_the_index_finds(screener: Screener) -> None:
    for name in ("Huawei Technologies", "Usama bin Laden", "Rosoboronexprot", "中国航空工业集团有限公司"):
        fast = _ids(screener.screen(Query(name)))
        full = _ids(screener.screen(Query(name), exhaustive=True))
        assert fast == full


def test_screen_many_keeps_order(screener: Screener) -> None:
    queries = [Query("Usama bin Laden", id="a"), Query("", id="b"), Query("Huawei Technologies", id="c")]
    results = list(screener.screen_many(queries))
    assert [r.query.id for r in results] == ["a", "b", "c"]
    assert results[1].error == "empty name"


def test_common_names_met_while_the_list_name_has_more_count_less() -> None:
    person = EntityType.PERSON
    screener = Screener(
        [
            _entity("p-1", person, ["MARTINEZ MORALES, Luis Miguel"], ["us_ofac_sdn"]),
            _entity("p-2", person, ["MORALES, Miguel Angel"], ["us_ofac_sdn"], birth_dates=["1970-03-04"]),
            _entity("p-3", person, ["GUZMAN LOERA, Joaquin Archivaldo"], ["us_ofac_sdn"]),
        ]
    )
    scores = {m.entity_id: m for m in screener.screen(Query("Miguel Morales"), threshold=0.0).matches}
    # two common names (each borne by two listed people) meet part of each name: not an alert
    assert scores["p-1"].score < scores["p-2"].score < MATCH_THRESHOLD
    summary = scores["p-2"].explanation["summary"]
    assert "only common name words met: miguel, morales; listed name also has angel" in summary
    assert scores["p-1"].explanation["features"]["adjustments"] == [
        "only common name words met: miguel, morales; listed name also has luis, martinez",
        # neither Luis, his first given name, nor Martinez, his first surname
        "the listed person's first given name or surname not met: luis, martinez",
    ]
    # the whole name is an alert as before, and a matching date of birth lifts the partial one
    assert [m.entity_id for m in screener.screen(Query("Miguel Angel Morales")).matches] == ["p-2"]
    lifted = screener.screen(Query("Miguel Morales", birth_date="1970-03-04")).matches
    assert [m.entity_id for m in lifted] == ["p-2"]
    # rare names meeting part of a name still alert ("Joaquin Guzman")
    [m] = screener.screen(Query("Joaquin Guzman")).matches
    assert m.entity_id == "p-3"


def test_one_short_word_met_with_a_typo_is_not_an_alert_alone() -> None:
    org = EntityType.ORGANIZATION
    screener = Screener(
        [
            _entity("o-1", org, ["CIMEX, S.A."], ["us_ofac_sdn"]),
            _entity("o-2", org, ["ROSOBORONEXPORT"], ["us_ofac_sdn"]),
            _entity("o-3", org, ["CIMEX TRADING HOLDINGS"], ["us_ofac_sdn"]),
        ]
    )
    [m] = [m for m in screener.screen(Query("Cemex"), threshold=0.0).matches if m.entity_id == "o-1"]
    assert m.score < MATCH_THRESHOLD
    assert (
        "one distinctive word met only with a typo in a short word: cemex/cimex" in m.explanation["summary"]
    )
    # exact, it is an alert; a typo in a long word still is ("Rosoboronexprot")
    assert "o-1" in {m.entity_id for m in screener.screen(Query("Cimex")).matches}
    assert [m.entity_id for m in screener.screen(Query("Rosoboronexprot")).matches] == ["o-2"]


def test_organisations_meeting_only_on_generic_words_count_less() -> None:
    org = EntityType.ORGANIZATION
    screener = Screener(
        [
            _entity("o-1", org, ["JIANGSU CATOFISH GENERAL ELECTRIC CO LTD"], ["us_ofac_sdn"]),
            _entity("o-2", org, ["SHANGHAI GENERAL ELECTRIC MOTOR WORKS"], ["us_ofac_sdn"]),
            _entity("o-3", org, ["ENGINEERING MATERIALS AND EQUIPMENT CO"], ["us_ofac_sdn"]),
            _entity("o-4", org, ["ENGINEERING MATERIALS AND EQUIPMENT WORKS"], ["us_ofac_sdn"]),
        ]
    )
    # "general" and "electric" are borne by two listed organisations: met alone, they are not an alert
    [m] = [
        m
        for m in screener.screen(Query("General Electric Company"), threshold=0.0).matches
        if m.entity_id == "o-1"
    ]
    assert m.score < MATCH_THRESHOLD
    assert "only words common in listed organisations' names met" in m.explanation["summary"]
    # the distinctive word met: an alert as before
    [m] = screener.screen(Query("Catofish General Electric")).matches
    assert m.entity_id == "o-1" and "common" not in m.explanation["summary"]
    # an unmet word one typo from the other name's ("ans" for "and") is a typo, not another company
    [m] = [
        m
        for m in screener.screen(Query("Engineering Materials ans Equipment Co.")).matches
        if m.entity_id == "o-3"
    ]
    assert "common" not in m.explanation["summary"]


def test_a_last_word_one_slip_from_a_legal_form_does_not_make_a_company() -> None:
    person, org = EntityType.PERSON, EntityType.ORGANIZATION
    screener = Screener(
        [
            _entity("p-1", person, ["MORALES TINOCO, Saul"], ["us_ofac_sdn"]),  # "Saul" ~ SARL
            _entity("p-2", person, ["OO, Kyaw Min"], ["us_ofac_sdn"]),  # "OO" ~ OOO
            _entity("o-1", org, ["ROSNEFTEGAZ, OOO"], ["us_ofac_sdn"]),
        ]
    )
    assert _ids(screener.screen(Query("MORALES TINOCO, Saul"))) == ["p-1"]
    assert _ids(screener.screen(Query("Kyaw Min OO"))) == ["p-2"]
    # a legal form written out still makes a company's name, and a mistyped one is still read
    # as one against companies, without the person-shaped discount
    assert _ids(screener.screen(Query("Morales Tinoco SARL"))) == []
    match = screener.screen(Query("ROSNEFTEGAZ, OOQ")).matches[0]
    assert match.entity_id == "o-1" and match.score >= 0.9


def test_a_listed_person_named_like_a_company_is_read_as_either() -> None:
    person = EntityType.PERSON
    screener = Screener(
        [
            _entity("p-1", person, ["PT SINAR MAJU BERSAMA"], ["us_bis_dpl"]),
            _entity("p-2", person, ["PAO, Wei Ming"], ["us_ofac_sdn"]),  # a surname, not a legal form
        ]
    )
    match = screener.screen(Query("PT Sinar Maju Bersama")).matches[0]
    assert match.entity_id == "p-1" and match.score == 1.0
    assert "named like a company" in match.explanation["summary"]
    assert _ids(screener.screen(Query("Sinar Maju Bersama", type="company"))) == ["p-1"]
    assert _ids(screener.screen(Query("Wei Ming Pao", type="company"))) == []
    assert _ids(screener.screen(Query("Wei Ming Pao", type="person"))) == ["p-2"]


def test_a_slip_in_a_short_word_no_listed_name_has_is_a_typo() -> None:
    person = EntityType.PERSON
    screener = Screener(
        [
            _entity("p-1", person, ["CHU, Jim"], ["us_ofac_sdn"]),
            _entity("p-2", person, ["HASSAN, Ali"], ["us_ofac_sdn"]),
            _entity("p-3", person, ["TANAKA, Ari"], ["us_ofac_sdn"]),
        ]
    )
    match = screener.screen(Query("Jm Chu")).matches[0]  # "jm" is no listed name's word
    assert match.entity_id == "p-1" and match.score >= MATCH_THRESHOLD
    assert "no listed name's word" in match.explanation["summary"]
    # "ari" is a listed name's word: another short name, not a typo of "ali"
    assert "p-2" not in _ids(screener.screen(Query("Ari Hassan")))


def test_an_entry_of_no_type_is_not_said_to_be_a_person() -> None:
    screener = Screener([_entity("u-1", EntityType.UNKNOWN, ["PT SINAR MAJU BERSAMA"], ["us_bis_dpl"])])
    match = screener.screen(Query("PT Sinar Maju Bersama")).matches[0]
    assert match.entity_id == "u-1" and "named like a company" not in match.explanation["summary"]
