"""Qualifiers: a date of birth and a nationality in the query confirm a listed person or clear a namesake."""

from __future__ import annotations

import pytest

from redlist.errors import RedlistError
from redlist.match.qualifiers import (
    NAMESAKE_CAP,
    apply_qualifiers,
    birth_evidence,
    nationality_evidence,
    parse_birth_date,
    parse_country,
)
from redlist.model import Entity, EntityType, Listing, Name, NameType
from redlist.screen import MATCH_THRESHOLD, Query, Screener


def _person(eid: str, names: list[str], **kw) -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key=eid,
        entity_id=eid,
        type=EntityType.PERSON,
        names=[Name(n, NameType.PRIMARY if i == 0 else NameType.AKA) for i, n in enumerate(names)],
        listings=[Listing(list_id="us_ofac_sdn", source_id=eid, programs=["SDGT"])],
        **kw,
    )


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(
        [
            _person("p-1", ["LOPEZ GARCIA, Jose Luis"], birth_dates=["1962-05-03"], nationalities=["MX"]),
            _person(
                "p-2", ["IVANOV, Sergei Petrovich"], birth_dates=["1960", "1961", "1962"], citizenships=["RU"]
            ),
            _person("p-3", ["KARIMOV, Anvar"]),  # no date of birth, no nationality
            Entity(
                source="us_ofac_sdn",
                key="o-1",
                entity_id="o-1",
                type=EntityType.ORGANIZATION,
                names=[Name("LOPEZ GARCIA TRADING")],
                countries=["MX"],
            ),
        ]
    )


def _score(screener: Screener, query: Query, eid: str) -> float | None:
    result = screener.screen(query, threshold=0.0, limit=50)
    assert result.error is None, result.error
    return next((m.score for m in result.matches if m.entity_id == eid), None)


def _match(screener: Screener, query: Query, eid: str):
    return next(m for m in screener.screen(query, threshold=0.0, limit=50).matches if m.entity_id == eid)


def test_parse_birth_date_and_country() -> None:
    assert parse_birth_date("1962") == "1962"
    assert parse_birth_date(" 1962-05-03 ") == "1962-05-03"
    assert parse_birth_date("1962.0") == "1962"  # a year from a spreadsheet number cell
    assert parse_birth_date("") is None and parse_birth_date(None) is None
    for bad in ("03/05/1962", "62", "1962-13", "1962-05-40", "0900"):
        with pytest.raises(RedlistError):
            parse_birth_date(bad)
    assert parse_country(" cn ") == "CN"
    for bad in ("China", "C1", "ЯЯ"):
        with pytest.raises(RedlistError):
            parse_country(bad)


def test_birth_evidence_verdicts() -> None:
    assert birth_evidence(None, ["1962"]) is None
    assert birth_evidence("1962", []).verdict == "unknown"  # type: ignore[union-attr]
    assert birth_evidence("1962-05-03", ["1962-05-03"]).verdict == "match"  # type: ignore[union-attr]
    assert birth_evidence("1962", ["1962-05-03"]).verdict == "match"  # type: ignore[union-attr]
    assert birth_evidence("1962-05-03", ["1962"]).verdict == "match"  # type: ignore[union-attr]
    near = birth_evidence("1964", ["1960", "1961", "1962"])
    assert near is not None and near.verdict == "near" and "2 year(s)" in near.note
    far = birth_evidence("1992", ["1960", "1961", "1962"])
    assert far is not None and far.verdict == "contradicts" and "30 years" in far.note


def test_nationality_evidence_falls_back_to_countries() -> None:
    assert nationality_evidence("MX", ["MX"], []).verdict == "match"  # type: ignore[union-attr]
    assert nationality_evidence("ES", ["MX"], ["ES"]).verdict == "contradicts"  # type: ignore[union-attr]
    assert nationality_evidence("ES", [], ["ES"]).verdict == "match"  # type: ignore[union-attr]
    assert nationality_evidence("ES", [], []).verdict == "unknown"  # type: ignore[union-attr]


def test_apply_raises_lowers_and_caps() -> None:
    same = [birth_evidence("1962-05-03", ["1962-05-03"]), nationality_evidence("MX", ["MX"], [])]
    assert apply_qualifiers(0.9, same)[0] == pytest.approx(0.97)
    other = [birth_evidence("1992", ["1962"]), nationality_evidence("ES", ["MX"], [])]
    score, evidence = apply_qualifiers(1.0, other)
    assert score == NAMESAKE_CAP and evidence[-1].qualifier == "namesake"
    one = [birth_evidence("1992", ["1962"]), None]
    assert NAMESAKE_CAP < apply_qualifiers(1.0, one)[0] < 1.0
    assert apply_qualifiers(0.8, [None, None]) == (0.8, [])


def test_namesake_cleared_with_the_reason(screener: Screener) -> None:
    name = "Jose Luis Lopez Garcia"
    assert (_score(screener, Query(name), "p-1") or 0) >= MATCH_THRESHOLD
    namesake = Query(name, birth_date="1992", nationality="ES")
    assert (_score(screener, namesake, "p-1") or 0) < MATCH_THRESHOLD
    assert screener.screen(namesake).matches == []
    m = _match(screener, namesake, "p-1")
    assert "a namesake, cleared" in m.explanation["summary"]
    verdicts = {q["qualifier"]: q["verdict"] for q in m.explanation["features"]["qualifiers"]}
    assert verdicts == {"birth_date": "contradicts", "nationality": "contradicts", "namesake": "contradicts"}


def test_own_qualifiers_raise_and_missing_change_nothing(screener: Screener) -> None:
    base = _score(screener, Query("Sergei Ivanov"), "p-2")
    assert base is not None
    own = _score(screener, Query("Sergei Ivanov", birth_date="1961-02-01", nationality="RU"), "p-2")
    assert own is not None and own > base
    near = _score(screener, Query("Sergei Ivanov", birth_date="1964"), "p-2")
    assert near == base  # within the reporting error: neither raised nor lowered
    # the entry lists neither: the qualifiers change nothing, and say so
    plain = _score(screener, Query("Anvar Karimov"), "p-3")
    m = _match(screener, Query("Anvar Karimov", birth_date="1990", nationality="UZ"), "p-3")
    assert m.score == plain
    assert {q["verdict"] for q in m.explanation["features"]["qualifiers"]} == {"unknown"}


def test_birth_date_does_not_apply_to_organisations(screener: Screener) -> None:
    base = _score(screener, Query("Lopez Garcia Trading", type="company"), "o-1")
    other = Query("Lopez Garcia Trading", type="company", birth_date="1990", nationality="ES")
    assert base is not None and _score(screener, other, "o-1") == base


def test_bad_qualifiers_are_errors(screener: Screener) -> None:
    assert "YYYY" in (screener.screen(Query("Sergei Ivanov", birth_date="sometime")).error or "")
    assert "ISO-2" in (screener.screen(Query("Sergei Ivanov", nationality="Russia")).error or "")
    assert Query("A", birth_date="1962", nationality="RU").to_dict() == {
        "name": "A",
        "birth_date": "1962",
        "nationality": "RU",
    }


def test_a_date_of_birth_makes_an_untyped_query_a_person() -> None:
    person = _person("p-9", ["HITTA, Sidan Ag"], birth_dates=["1970"])
    screener = Screener([person])
    assert not screener.screen(Query("HITTA, Sidan Ag")).matches  # "Ag" read as a legal form (AG)
    [m] = screener.screen(Query("HITTA, Sidan Ag", birth_date="1970")).matches
    assert m.entity_id == "p-9"
