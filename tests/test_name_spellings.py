"""Other spellings of a name (issue 14, name_bench F1): Wade-Giles read as pinyin, run-together
initials, katakana's added vowels; numbered siblings of one digit and different legal forms
(hand-written names)."""

from __future__ import annotations

import pytest

from redlist.match.normalize import form
from redlist.match.score import compare_forms, token_similarity
from redlist.match.spellings import initials_form, katakana_form, other_spellings
from redlist.match.wade_giles import pinyin_readings, readings, to_wade_giles
from redlist.model import Entity, EntityType, Listing, Name
from redlist.screen import MATCH_THRESHOLD, Query, Screener, compare


def test_pinyin_syllables_in_wade_giles() -> None:
    # initials: aspirated and plain stops alike once the apostrophe is dropped; x, r, z/c, zh/ch
    assert [to_wade_giles(s) for s in ("bing", "ping", "deng", "teng", "guo", "kuo")] == [
        "ping",
        "ping",
        "teng",
        "teng",
        "kuo",
        "kuo",
    ]
    assert [to_wade_giles(s) for s in ("xiao", "ren", "zong", "cai", "zhou", "jiang", "qing")] == [
        "hsiao",
        "jen",
        "tsung",
        "tsai",
        "chou",
        "chiang",
        "ching",
    ]
    # finals and whole syllables
    assert [to_wade_giles(s) for s in ("dong", "xiong", "lian", "xie", "xue", "duo", "gui", "ge", "de")] == [
        "tung",
        "hsiung",
        "lien",
        "hsieh",
        "hsueh",
        "to",
        "kuei",
        "ko",
        "te",
    ]
    assert [to_wade_giles(s) for s in ("zhi", "shi", "ri", "zi", "si", "er", "ye", "yan", "you")] == [
        "chih",
        "shih",
        "jih",
        "tzu",
        "ssu",
        "erh",
        "yeh",
        "yen",
        "yu",
    ]


def test_wade_giles_spellings_read_back() -> None:
    table = readings()
    assert table["chin"] == ("jin", "qin")  # ch'in and chin, typed alike
    assert table["hsi"] == ("xi",)
    assert table["szu"] == ("si",)  # the other spelling of ssu
    assert table["tse"] == ("ce", "ze")


def test_names_read_as_pinyin() -> None:
    assert ("xi", "jin", "ping") in pinyin_readings(("hsi", "chin", "ping"))
    assert ("mao", "ze", "dong") in pinyin_readings(("mao", "tse", "tung"))
    assert ("deng", "xiao", "ping") in pinyin_readings(("teng", "hsiao", "ping"))
    # every word a pinyin syllable: the name is pinyin, not to be read again
    assert pinyin_readings(("li", "peng")) == ()
    # a word no Wade-Giles syllable: not a Chinese name in Wade-Giles
    assert pinyin_readings(("hsi", "smith")) == ()
    assert pinyin_readings(("hsi",)) == ()  # one syllable is no name


def test_wade_giles_against_pinyin() -> None:
    assert compare("Hsi Chin-ping", "Xi Jinping", "person") >= 0.95
    assert compare("Mao Tse-tung", "Mao Zedong", "person") >= 0.95
    assert compare("Chiang Ching-kuo", "Jiang Jingguo", "person") >= 0.95
    # the reading is of the syllables: another given name stays another
    assert compare("Hsi Chin-ping", "Xi Jinhua", "person") < MATCH_THRESHOLD
    # a company's name is not read (a brand keeps its spelling)
    assert compare("Hsi Chin Ping", "Xi Jin Ping", "organization") < MATCH_THRESHOLD


def test_run_together_initials() -> None:
    f = initials_form(form("JC Juncker", "person"))
    assert f is not None and f.tokens == ("j", "c", "juncker") and f.via == "initials"
    assert initials_form(form("J.C. Juncker", "person")) is not None  # "j.c." folds to "jc"
    assert initials_form(form("Jean Juncker", "person")) is None  # no word without a vowel
    assert initials_form(form("JFK", "person")) is None  # nothing but initials: nothing to meet
    # an untyped company name is read as a person's too: its legal form is no initials
    assert initials_form(form("Harbor Ceramics LLC", "person")) is None
    assert initials_form(form("Prairie Ceramics B.V.", "person")) is None
    assert compare("JC Juncker", "Jean-Claude Juncker", "person") >= MATCH_THRESHOLD
    assert compare("JC Juncker", "Jean-Claude Junot", "person") < MATCH_THRESHOLD


def test_katakana_added_vowels() -> None:
    f = katakana_form(form("バラク・オバマ", "person", via="transliteration"))
    assert f is not None and f.tokens == ("barak", "obama") and f.via == "katakana"
    assert compare("Barack Obama", "バラク・オバマ", "person") >= MATCH_THRESHOLD
    assert katakana_form(form("オバマ", "person", via="transliteration")) is None  # "obama" ends in a
    # only names written in katakana: "Baraku" typed in Latin letters is left alone
    assert other_spellings([form("Baraku Obama", "person")]) == []


def test_one_digit_against_another_is_a_numbered_sibling() -> None:
    assert token_similarity("1", "2") == token_similarity("2004", "2005") == 0.6
    assert token_similarity("1", "a") == 0.0
    assert compare("Snow Storm 1", "Snow Storm 2", "vessel") >= MATCH_THRESHOLD
    assert compare("Snow Storm 1", "Snow Storm 1", "vessel") > compare(
        "Snow Storm 1", "Snow Storm 2", "vessel"
    )


def test_different_legal_forms() -> None:
    # the same words under two legal forms: two companies, more likely than one
    different = compare("Bowne Solutions, L.P.", "Bowne Solutions, L.L.C.", "organization")
    same = compare("Bowne Solutions, L.P.", "Bowne Solutions LP", "organization")
    assert same == 1.0 and different == pytest.approx(0.8)
    # forms the lists and translations use for one another are no difference
    assert compare("Homs Refinery Corporation", "Homs Refinery Company", "organization") >= 0.95
    # a loose form against a specific one ("Inc" / JSC) says less
    assert compare("Bowne Solutions, Inc.", "Bowne Solutions JSC", "organization") == pytest.approx(0.9)
    features = compare_forms(
        form("Bowne Solutions, L.P.", "organization"),
        form("Bowne Solutions, L.L.C.", "organization"),
        "organization",
        symmetric=True,
    )
    assert features.rules == ("legal forms lp and llc: another company, likely (counts 0.8)",)


PERSON = EntityType.PERSON


def _entity(eid: str, name: str) -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key=eid,
        entity_id=eid,
        type=PERSON,
        names=[Name(name)],
        listings=[Listing(list_id="us_ofac_sdn", source_id=eid)],
    )


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener([_entity("xj", "XI, Jinping"), _entity("jj", "Jean-Claude JUNCKER")])


def test_screening_names_the_spelling(screener: Screener) -> None:
    for name, eid, via in (
        ("Hsi Chin-ping", "xj", "Wade-Giles read as pinyin"),
        ("JC Juncker", "jj", "run-together initials read apart"),
    ):
        result = screener.screen(Query(name), threshold=MATCH_THRESHOLD)
        match = next(m for m in result.matches if m.entity_id == eid)
        assert via in match.explanation["summary"], match.explanation["summary"]
        assert match.explanation["features"]["query_form_via"] in ("wade-giles", "initials")
