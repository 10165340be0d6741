"""Person-shaped untyped queries against organisations, and short names one consonant apart (issue 14)."""

from __future__ import annotations

import pytest

from redlist.match.adjust import _consonant_edit, person_shaped
from redlist.match.cjk import personal_name
from redlist.match.normalize import form
from redlist.model import Entity, EntityType, Listing, Name
from redlist.screen import MATCH_THRESHOLD, Query, Screener

COMMON = frozenset({"maria", "gomez", "ali", "issa"})


def _shaped(name: str, common: frozenset[str] = COMMON) -> bool:
    return person_shaped(name, form(name, "person"), common, personal_name(name))


def test_person_shaped() -> None:
    assert _shaped("GAO, Li") and _shaped("MARTINEZ LOPEZ, Jose Luis")
    assert _shaped("Ping Sun") and _shaped("Qiang Gao")  # a pinyin personal name
    assert _shaped("Maria Gomez") and not _shaped("Maria Gomez", frozenset())  # names persons bear
    assert _shaped("郭伟")  # a Han surname and given name
    assert not _shaped("Kish Airlines, Headquarters")  # an organisation's word
    assert not _shaped("Acme Widgets") and not _shaped("Gomez")  # unknown words; one word
    assert not _shaped("中国移动")  # business words: a company


def test_consonant_edit() -> None:
    assert _consonant_edit("barakat", "baraka") and _consonant_edit("awad", "aswad")
    assert not _consonant_edit("hussein", "hussain")  # a vowel: two romanisations
    assert not _consonant_edit("hassan", "hasan")  # a doubled letter
    assert not _consonant_edit("ali", "ali") and not _consonant_edit("omar", "amir")


def _entity(eid: str, kind: EntityType, name: str) -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key=eid,
        entity_id=eid,
        type=kind,
        names=[Name(name)],
        listings=[Listing(list_id="us_ofac_sdn", source_id=eid)],
    )


ORG, PERSON, VESSEL = EntityType.ORGANIZATION, EntityType.PERSON, EntityType.VESSEL


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(
        [
            _entity("sun", ORG, "Sun Wing Ltd."),
            _entity("zg", ORG, "Zhao Gang"),
            _entity("gw", ORG, "Guowei Group"),
            _entity("gw1", ORG, "Guowei"),
            _entity("min", VESSEL, "MIN HANG"),
            _entity("bk", PERSON, "Ali BARAKA"),
            _entity("ob", PERSON, "Omar BARAKAT"),
            _entity("yb", PERSON, "Yusuf BARAKAT"),
            _entity("ah", PERSON, "Ali HASAN"),
            _entity("oh", PERSON, "Omar HUSSAIN"),
            _entity("om", PERSON, "Omar MANSUR"),
            _entity("zm", PERSON, "Zaid MANZUR"),
            _entity("km", PERSON, "Karim MANZUR"),
        ]
    )


def _alerts(screener: Screener, name: str, kind: str | None = None) -> list[str]:
    return [m.entity_id for m in screener.screen(Query(name, type=kind)).matches]


def test_person_shaped_query_meets_organisations_lower(screener: Screener) -> None:
    assert _alerts(screener, "Ping Sun") == []  # not "Sun Wing Ltd."
    assert _alerts(screener, "Ping Sun", "organization") == ["sun"]  # asked for a company
    assert _alerts(screener, "HUANG, Min") == []  # not the vessel "MIN HANG"
    assert _alerts(screener, "Sun Wing") == ["sun"]  # a company's name is still a company's


def test_pinyin_list_names_held_to_their_syllables(screener: Screener) -> None:
    assert _alerts(screener, "ZHAO, Yang") == []  # yang is not gang, whatever the entry's type
    assert _alerts(screener, "Zhao Gang") == ["zg"]
    assert _alerts(screener, "郭伟") == ["gw1"]  # the whole name, not "Guowei Group"
    result = screener.screen(Query("郭伟"), threshold=0.0)
    assert all(m.score < MATCH_THRESHOLD for m in result.matches if m.entity_id == "gw")


def test_another_name_one_consonant_off(screener: Screener) -> None:
    assert "bk" not in _alerts(screener, "Ali Barakat")  # barakat is a name of its own
    result = screener.screen(Query("Ali Barakat"), threshold=0.0)
    (baraka,) = [m for m in result.matches if m.entity_id == "bk"]
    assert "name of its own" in baraka.explanation["summary"]
    assert _alerts(screener, "Ali Barakta") == ["bk"]  # a typo, not a name: still an alert
    assert _alerts(screener, "Ali Hassan") == ["ah"]  # a doubled letter: a romanisation
    assert _alerts(screener, "Omar Hussein") == ["oh"]  # a vowel: a romanisation
    assert _alerts(screener, "Omar Mansour") == ["om"]  # a vowel dropped: a romanisation
    assert "om" not in _alerts(screener, "Omar Manzur")  # two names: mansur, manzur
