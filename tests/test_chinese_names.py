"""Chinese personal names: syllables, name order, one shared syllable is another name."""

from __future__ import annotations

import pytest

from redlist.match.chinese_names import (
    _syllables,
    derive_syllables,
    pinyin_name_keys,
    same_name,
    spelt_in,
    split_pinyin,
)
from redlist.match.cjk import personal_name
from redlist.model import Entity, EntityType, Listing, Name
from redlist.screen import MATCH_THRESHOLD, Query, Screener


def test_split_pinyin() -> None:
    assert split_pinyin("xiaoming") == ("xiao", "ming")
    assert split_pinyin("zhang") == ("zhang",)
    assert split_pinyin("lopez") is None
    assert split_pinyin("ab1") is None


def test_syllable_file_is_pypinyins_syllables() -> None:
    # the kept list is exactly what pypinyin's table gives (rewrite the file when pypinyin changes)
    assert _syllables() == derive_syllables()
    assert {"zhang", "xiao", "lu", "nu"} <= _syllables() and "ng" not in _syllables()


def test_pinyin_name_keys() -> None:
    assert pinyin_name_keys(("wei", "zhang")) == frozenset({"weizhang", "zhangwei"})
    assert pinyin_name_keys(("jose", "garcia")) is None  # not pinyin
    assert pinyin_name_keys(("ming", "hui")) is None  # pinyin, but no surname at either end
    assert same_name(frozenset({"zhangwei"}), ("zhang", "wei"))
    assert spelt_in("huawei", ("hua", "wei", "technologies")) and not spelt_in("sunming", ("sun", "wing"))


def test_personal_name() -> None:
    assert personal_name("张伟") == ("zhang", "wei")
    assert personal_name("欧阳娜娜") == ("ouyang", "nana")
    assert personal_name("中国移动") is None  # business words: a company
    assert personal_name("张伟", "organization") is None


def _person(eid: str, name: str) -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key=eid,
        entity_id=eid,
        type=EntityType.PERSON,
        names=[Name(name)],
        listings=[Listing(list_id="us_ofac_sdn", source_id=eid)],
    )


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(
        [
            _person("zw", "ZHANG, Wei"),
            _person("cz", "CHEN, Zhu"),
            _person("xb", "YAN, Xiaobing"),
            _person("lj", "LI, Jin"),
            _person("ph", "LUO, Pinghua"),
        ]
    )


def _alerts(screener: Screener, name: str) -> list[str]:
    return [m.entity_id for m in screener.screen(Query(name)).matches]


def test_han_names_match_their_syllables_in_either_order(screener: Screener) -> None:
    assert _alerts(screener, "张伟") == ["zw"]
    assert _alerts(screener, "周晨") == []  # "CHEN, Zhu": one shared syllable
    assert _alerts(screener, "李静") == []  # li jing is not li jin


def test_pinyin_names_syllable_by_syllable(screener: Screener) -> None:
    assert _alerts(screener, "Wei Zhang") == ["zw"] and _alerts(screener, "Zhang Wei") == ["zw"]
    assert _alerts(screener, "Xiaoming Yan") == []  # xiaoming is not xiaobing
    assert _alerts(screener, "Ping Luo") == []  # a given name cut short is another name
    top = screener.screen(Query("Ping Luo"), threshold=0.0).matches
    assert all(m.score < MATCH_THRESHOLD for m in top)
