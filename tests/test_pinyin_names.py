"""Chinese company names typed in pinyin, read as the Chinese words they spell (issue 14)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from redlist.match import cjk
from redlist.match.pinyin_reading import pinyin_forms, read_pinyin
from redlist.model import Entity, EntityType, Listing, Name, NameType
from redlist.screen import MATCH_THRESHOLD, Query, Screener


def test_word_pinyin_table_is_derived_from_pypinyin():
    """data/zh_word_pinyin.csv is what pypinyin says today for every vocabulary and brand word."""
    text = resources.files("redlist.match").joinpath("data", "zh_word_pinyin.csv").read_text("utf-8")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    stored = [(r["zh"], r["pinyin"]) for r in rows]
    assert stored == cjk.derive_word_pinyin(), (
        "regenerate with write_word_pinyin (see the file's header) after editing the vocabulary"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi",
            "hangzhou hikvision digital technology company limited",
        ),
        ("Haikang Weishi", "hikvision"),
        ("HaikangWeishi", "hikvision"),  # without spaces
        ("Hai Kang Wei Shi", "hikvision"),  # a syllable a word
        ("Hǎikāng Wēishì", "hikvision"),  # tone marks
        ("hai3kang1 wei1shi4", "hikvision"),  # tone digits
        ("Huawei Jishu Youxian Gongsi", "huawei technology company limited"),
        ("Hua Wei Ji Shu You Xian Gong Si", "huawei technology company limited"),  # leftover joined
        ("huaweijishuyouxiangongsi", "huawei technology company limited"),
        ("Huajishuyouxiangongsi", "hua technology company limited"),  # hua + jishu, not huaji + shu
        ("Zhongguo Yidong", "china mobile"),
        ("Shenzhenshi Dajiang Chuangxin Keji Youxian Gongsi", "shenzhen dji technology company limited"),
        ("Qihu 360 Keji Youxian Gongsi", "qihoo 360 technology company limited"),  # numbers kept
        ("Zhongxing Tongxun Co., Ltd.", "zte communications co ltd"),  # English legal form kept
        ("Xi'an Jiaotong Daxue", "xian jiaotong university"),  # apostrophe cuts syllables
        ("Xian Jiaotong Daxue", "xian jiaotong university"),
    ],
)
def test_pinyin_company_names_are_translated(query: str, expected: str) -> None:
    reading = read_pinyin(query, "organization")
    assert reading is not None
    assert reading.forms[0] == expected


def test_reading_says_what_was_read_as_what():
    reading = read_pinyin("Haikang Weishi Jishu")
    assert reading is not None
    assert reading.read == (("hai kang wei shi", "hikvision"), ("ji shu", "technology"))


@pytest.mark.parametrize(
    "query",
    [
        "Huawei Technologies Co., Ltd.",  # English words are not pinyin
        "China Mobile",
        "Huawei",  # all pinyin, but no Chinese word read: the name itself is already a form
        "Zhong Xing",  # a personal name (钟兴) before it is 中兴 ZTE
        "Wang Wei",
        "Li Keji",  # surname + a business word: still a personal name
        "Hou Gongsi",  # even with an organisation word: a name, unless all of it is read
        "Zhong Guoqiang",
        "",
        "360",
        "Co., Ltd.",
        "HOU, Xueyuan",  # LAST, First: a person (学院 would make "Hou College")
        "Xueyuan HOU",
        "ZHIFULIN",  # a joined personal name, not 支付 payment + lin
        "MIZULINA, Yelena Borisovna",  # a foreign name that spells 租赁 somewhere
        "SHUSHANASHVILI, Lasha",  # v is ü only after l and n
        "HAMIDI E",  # 哈密, a place alone, translates nothing
        "a" * 40 + "9",  # not pinyin, and no regular-expression blow-up
        "Zhong Xing Inc.",  # a legal form alone does not make a personal name a company's
    ],
)
def test_names_that_are_not_read(query: str) -> None:
    assert read_pinyin(query) is None


def test_a_person_is_never_read_as_a_company():
    assert read_pinyin("Zhongguo Yidong", "person") is None
    assert pinyin_forms("Haikang Weishi", "person") == []


def test_one_syllable_words_are_not_read():
    # 厂 (chang, factory) and 市 (shi, city) alone: "Chang" is a surname, "Shi" too
    assert read_pinyin("Chang") is None
    assert read_pinyin("Liu Shi") is None


def test_personal_looking_name_read_when_all_of_it_is_business_words():
    reading = read_pinyin("Zhongxing Gongsi")
    assert reading is not None
    assert reading.forms[0] == "zte company"


def test_pinyin_forms_carry_the_reading_for_the_explanation():
    (first, *_) = pinyin_forms("Haikang Weishi Jishu", "organization")
    assert first.via == "pinyin reading"
    assert first.tokens == ("hikvision", "technology")
    assert "hai kang wei shi = hikvision" in first.text


def _entity(eid: str, kind: EntityType, names: list[str]) -> Entity:
    return Entity(
        source="us_bis_el",
        key=eid,
        entity_id=eid,
        type=kind,
        names=[Name(n, NameType.PRIMARY if i == 0 else NameType.AKA) for i, n in enumerate(names)],
        listings=[Listing(list_id="us_bis_el", source_id=eid, programs=["EAR"])],
    )


@pytest.fixture(scope="module")
def screener() -> Screener:
    org, person = EntityType.ORGANIZATION, EntityType.PERSON
    return Screener(
        [
            _entity("el-1", org, ["Hangzhou Hikvision Digital Technology Co., Ltd."]),
            _entity("el-2", org, ["ZTE Corporation"]),
            _entity("el-3", org, ["China Mobile Communications Group Co., Ltd."]),
            _entity("el-4", person, ["ZHONG, Xing"]),
            _entity("el-5", org, ["Beijing Nuodian Keji Youxian Gongsi"]),
        ]
    )


def test_pinyin_query_finds_the_english_entry_and_says_why(screener: Screener) -> None:
    result = screener.screen(Query("Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi"))
    assert result.matches and result.matches[0].entity_id == "el-1"
    assert result.matches[0].score >= MATCH_THRESHOLD
    explanation = result.matches[0].explanation
    assert explanation["features"]["query_form_via"] == "pinyin reading"
    assert "pinyin read as Chinese: " in explanation["summary"]
    assert "hai kang wei shi = hikvision" in explanation["summary"]


def test_pinyin_reading_is_an_extra_form(screener: Screener) -> None:
    # the name as typed is still compared: a list name in pinyin is met by its own spelling
    org_forms = pinyin_forms("Zhongguo Yidong Tongxin Jituan Youxian Gongsi", "organization")
    assert org_forms and org_forms[0].core == "china mobile communications group"
    result = screener.screen(Query("Zhongguo Yidong Tongxin Jituan Youxian Gongsi"))
    assert [m.entity_id for m in result.matches][:1] == ["el-3"]
    # a list name printed in pinyin is still met by the name as typed, at full score
    result = screener.screen(Query("Beijing Nuodian Keji Youxian Gongsi"))
    assert result.matches[0].entity_id == "el-5" and result.matches[0].score == 1.0
    assert result.matches[0].explanation["features"]["query_form_via"] == "name"


def test_pinyin_personal_name_meets_the_person_not_the_company(screener: Screener) -> None:
    result = screener.screen(Query("Zhong Xing"))
    ids = [m.entity_id for m in result.matches if m.score >= MATCH_THRESHOLD]
    assert ids == ["el-4"]


# --- company-name structure, shared by Han and pinyin names ----------------------------------


def test_province_prefix_is_optional_before_a_trade_name():
    # 浙江 (province) + 大华 (trade name) + 技术 + 股份有限公司: English names drop the province
    assert "dahua technology company limited" in cjk.latin_forms("浙江大华技术股份有限公司")
    reading = read_pinyin("Zhejiang Dahua Jishu Gufen Youxian Gongsi")
    assert reading is not None and "dahua technology company limited" in reading.forms


def test_city_and_institution_names_keep_their_place():
    # a city stays (Shenzhen DJI); a university has no trade name to stand alone
    assert "hongjin logistics company limited" not in cjk.latin_forms("深圳市宏锦物流有限公司")
    assert all(f.startswith(("sichuan", "si chuan")) for f in cjk.latin_forms("四川大学"))


def test_brand_with_its_legal_form_alone():
    forms = cjk.latin_forms("中芯国际集成电路制造有限公司")
    assert "smic company limited" in forms
    assert "semiconductor manufacturing international limited" in forms


def test_each_alternative_rendering_is_tried_on_its_own():
    # 北京 beijing|peking, 理工大学 university of science and technology|institute of technology
    assert "beijing institute of technology" in cjk.latin_forms("北京理工大学")
    assert "beijing institute of technology" in read_pinyin("Beijing Ligong Daxue").forms
    # a third rendering is reached too: 终端 terminals|terminal|device
    assert "huawei device company limited" in cjk.latin_forms("华为终端有限公司")


def test_ordinals_are_translated():
    forms = cjk.latin_forms("中国航天科工集团第二研究院")
    assert "china aerospace science and industry group second academy" in forms


def test_structure_variants():
    brand, place, trade = ("brand", ""), ("vocab", "province"), ("han", "")
    industry, legal = ("vocab", "industry"), ("vocab", "legal")
    assert cjk.structure_variants([place, trade, industry, legal]) == [[1, 2, 3]]
    assert cjk.structure_variants([place, industry, legal]) == []  # nothing names the company
    assert cjk.structure_variants([("vocab", "city"), trade, legal]) == []
    assert cjk.structure_variants([place, brand, industry, legal]) == [[1, 2, 3], [1, 3]]
