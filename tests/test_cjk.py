"""Chinese-script matching support: simplification, pinyin, vocabulary and brand translation."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from redlist.match import cjk

# Words that English company names add, drop or move ("Co., Ltd.", "Corporation of China").
LEGAL_WORDS = {"company", "limited", "group", "corporation", "of"}


def token_sets(forms: list[str]) -> list[set[str]]:
    return [set(f.split()) - LEGAL_WORDS for f in forms]


def read_rows(package: str, path: str) -> list[dict[str, str]]:
    text = resources.files(package).joinpath(*path.split("/")).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


# --- script helpers ---------------------------------------------------------------------------


def test_has_han():
    assert cjk.has_han("华为")
    assert cjk.has_han("TCL科技")
    assert cjk.has_han("華為")
    assert not cjk.has_han("Huawei Technologies Co., Ltd.")
    assert not cjk.has_han("")
    assert not cjk.has_han("ＴＣＬ")  # full-width Latin is not Han


def test_to_simplified():
    assert cjk.to_simplified("華為技術有限公司") == "华为技术有限公司"
    assert cjk.to_simplified("中國航空工業集團") == "中国航空工业集团"
    assert cjk.to_simplified("华为") == "华为"
    assert cjk.to_simplified("Huawei") == "Huawei"


def test_pinyin_uses_phrase_readings_and_plain_u():
    assert cjk.pinyin_syllables("重庆") == ("chong", "qing")
    assert cjk.pinyin_syllables("银行") == ("yin", "hang")
    assert cjk.pinyin_syllables("吕") == ("lu",)  # ü written u, not v
    assert cjk.pinyin_syllables("女") == ("nu",)


# --- the two examples of the requirement ------------------------------------------------------


def test_avic_translates_to_its_english_words():
    forms = cjk.latin_forms("中国航空工业集团有限公司")
    assert forms[0] == "china aviation industry group company limited"
    assert {"aviation", "industry", "china"} <= token_sets(forms)[0]


def test_huawei_is_pinyin_plus_vocabulary():
    forms = cjk.latin_forms("华为技术有限公司")
    first = token_sets(forms)[0]
    assert "huawei" in first
    assert first & {"technologies", "technology"}
    # the alternative rendering gives the word the list uses
    assert any("technologies" in s for s in token_sets(forms))


def test_pinyin_forms_follow_the_translation():
    forms = cjk.latin_forms("中国航空工业集团有限公司")
    assert "zhongguo hangkong gongye jituan youxian gongsi" in forms
    assert forms[-1] == "zhong guo hang kong gong ye ji tuan you xian gong si"


def test_traditional_gives_the_same_forms_as_simplified():
    assert cjk.latin_forms("華為技術有限公司") == cjk.latin_forms("华为技术有限公司")
    assert cjk.latin_forms("中國航空工業集團有限公司") == cjk.latin_forms("中国航空工业集团有限公司")


# --- brands -----------------------------------------------------------------------------------


def test_brand_alias_replaces_the_transliteration():
    forms = cjk.latin_forms("杭州海康威视数字技术股份有限公司")
    assert forms[0] == "hangzhou hikvision digital technology company limited"
    assert "haikang weishi" in forms[-2]  # the pinyin form is still there


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("深圳市大疆创新科技有限公司", "dji"),
        ("中芯国际集成电路制造有限公司", "smic"),
        ("科大讯飞股份有限公司", "iflytek"),
        ("北京旷视科技有限公司", "megvii"),
        ("長江存儲科技有限責任公司", "yangtze"),
    ],
)
def test_brand_hits(name, word):
    assert word in cjk.latin_forms(name)[0].split()


def test_brand_alternative_name_makes_a_second_form():
    forms = cjk.latin_forms("中芯国际集成电路制造有限公司")
    assert forms[0].startswith("smic ")
    assert forms[1].startswith("semiconductor manufacturing international ")


def test_city_suffix_is_dropped_like_english_does():
    assert cjk.latin_forms("深圳市大疆创新科技有限公司")[0].startswith("shenzhen dji ")
    assert cjk.latin_forms("广东省")[0] == "guangdong"
    assert cjk.latin_forms("乌鲁木齐")[0] == "urumqi"  # the English name, not wulumuqi


# --- mixed scripts --------------------------------------------------------------------------


def test_mixed_latin_and_han():
    assert cjk.latin_forms("TCL科技集团")[0] == "tcl technology group"
    assert cjk.latin_forms("ＴＣＬ科技集团")[0] == "tcl technology group"  # full-width letters


def test_no_han_gives_nothing():
    assert cjk.latin_forms("Huawei Technologies Co., Ltd.") == []
    assert cjk.latin_forms("") == []
    assert cjk.latin_forms("Иванов") == []


def test_forms_are_lowercase_ascii_words_without_duplicates():
    for name in ["中华人民共和国", "华为技术（深圳）有限公司", "ＴＣＬ科技集团", "習近平"]:
        forms = cjk.latin_forms(name)
        assert forms and len(forms) == len(set(forms))
        for form in forms:
            assert form.isascii() and form == form.lower()
            assert all(w.isalnum() for w in form.split())


# --- people -----------------------------------------------------------------------------------


def test_person_name_surname_first_and_last():
    assert cjk.latin_forms("习近平", kind="person")[:3] == ["xi jinping", "jinping xi", "xi jin ping"]
    assert cjk.latin_forms("習近平", kind="person")[0] == "xi jinping"


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("欧阳娜娜", "ouyang nana"),  # compound surname
        ("司马光", "sima guang"),
        ("诸葛亮", "zhuge liang"),
        ("尉迟恭", "yuchi gong"),  # 尉迟 is yuchi, not weichi
        ("万俟卨", "moqi xie"),
        ("单雄信", "shan xiongxin"),  # polyphonic surnames: 单 shan not dan
        ("曾国藩", "zeng guofan"),  # 曾 zeng not ceng
        ("解缙", "xie jin"),  # 解 xie not jie
        ("仇英", "qiu ying"),  # 仇 qiu not chou
        ("朴槿惠", "piao jinhui"),  # 朴 piao not pu
        ("吕布", "lu bu"),  # ü written u
    ],
)
def test_person_surnames(name, first):
    assert cjk.latin_forms(name, kind="person")[0] == first


def test_person_names_are_not_translated():
    forms = cjk.latin_forms("李中国", kind="person")
    assert forms[0] == "li zhongguo"
    assert not any("china" in f for f in forms)


def test_any_kind_offers_person_forms_for_short_plain_names():
    forms = cjk.latin_forms("习近平")
    assert "xi jinping" in forms
    # but not for a name that is business vocabulary
    assert "zhong guo" not in cjk.latin_forms("中国", kind="organization")[:1]
    assert cjk.latin_forms("中国")[0] == "china"


def test_long_or_mixed_person_names_fall_back_to_pinyin():
    # a foreign name in Han transliteration (Antony Blinken): no surname split, runs kept apart
    forms = cjk.latin_forms("安东尼·布林肯", kind="person")
    assert forms == ["andongni bulinken", "an dong ni bu lin ken"]
    assert cjk.latin_forms("Xi 习近平", kind="person") == ["xi xijinping", "xi xi jin ping"]


# --- tables -----------------------------------------------------------------------------------


def test_vocabulary_rows_are_complete_and_simplified():
    rows = read_rows("redlist.match", "data/zh_vocab.csv")
    assert len(rows) >= 300
    seen = set()
    for row in rows:
        assert row["zh"] and row["en"] and row["category"], row
        assert cjk.has_han(row["zh"]), row
        assert cjk.to_simplified(row["zh"]) == row["zh"], row  # looked up after t2s
        assert row["zh"] not in seen, row
        seen.add(row["zh"])
    for word, english in [
        ("中国", "china"),
        ("航空", "aviation"),
        ("工业", "industry"),
        ("科技", "technology"),
    ]:
        assert cjk.vocabulary()[word].en[0] == english
    assert cjk.vocabulary()["电子"].en[0] == "electronics"
    assert cjk.vocabulary()["集团"].en[0] == "group"


def test_brand_rows_are_complete_and_sourced():
    rows = read_rows("redlist.curated", "brand_aliases.csv")
    assert len(rows) >= 15
    for row in rows:
        for field in ("zh", "en", "kind", "source_url", "verification", "notes"):
            assert row[field], (field, row)
        assert row["source_url"].startswith("https://"), row
        assert row["verification"] in {"confirmed", "secondary", "unconfirmed"}, row
        assert cjk.to_simplified(row["zh"]) == row["zh"], row
    brands = {row["zh"]: row["en"] for row in rows}
    assert brands["海康威视"] == "Hikvision"
    assert brands["大疆"] == "DJI"
    assert "华为" not in brands  # a transliteration: pinyin already gives Huawei
