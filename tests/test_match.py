"""Name normalisation and pair scoring (redlist.compare) on hand-written names."""

from __future__ import annotations

import pytest

from redlist.match.normalize import fold, form, forms
from redlist.screen import MATCH_THRESHOLD, compare


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Müller GmbH", "muller gmbh"),
        ("  HUAWEI   TECHNOLOGIES, CO.,LTD. ", "huawei technologies co ltd"),
        ("AT&T Inc.", "at and t inc"),
        ("Deutsche Bank's AG", "deutsche bank ag"),
        ("S.A.", "sa"),
        ("Brigade Forty-Four", "brigade 44"),
        ("Ig0r Sech1n", "igor sechin"),
        ("1st Bank", "1 bank"),
        ("FridrichBuchenberg", "fridrich buchenberg"),
        ("Володимир Зеленський", "volodimir zelenskiy"),  # as the lists romanise Cyrillic
        ("Қасым-Жомарт Тоқаев", "kasym zhomart tokaev"),  # Kazakh letters are not lost
        ("Сергей Щетинин", "sergey shchetinin"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_cyrillic_names_keep_the_letter_for_letter_form_too() -> None:
    # "Вукић" / "Вучић" are one slip apart letter for letter (vukic / vucic), two as the lists spell
    assert fold("Сергей", cyrillic=False) == "sergej"
    assert compare("Александар Вукић", "Александар Вучић", "person") >= MATCH_THRESHOLD
    assert compare("Serej Lavrov", "Сергей Викторович Лавров", "person") >= MATCH_THRESHOLD


def test_legal_forms_are_set_apart() -> None:
    a = form("HUAWEI TECHNOLOGIES CO., LTD.", "organization")
    b = form("Huawei Technologies Company Limited", "organization")
    assert a.tokens == b.tokens == ("huawei", "technologies")
    assert a.legal_forms == b.legal_forms == {"ltd"}
    assert form("ООО Ромашка", "organization").legal_forms == {"llc"}
    assert form("ООО Ромашка", "organization").tokens == ("romashka",)


def test_legal_form_alone_never_matches() -> None:
    assert form("Company Limited", "organization").tokens == ()
    assert compare("Company Limited", "Co., Ltd.", "organization") == 0.0
    assert compare("Acme LLC", "Globex LLC", "organization") < 0.5


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES COMPANY LIMITED", "organization"),
        ("BIN LADEN, Usama", "Usama bin Laden", "person"),
        ("Usama ibn Laden", "Usama bin Laden", "person"),
        ("Olaf Scholze", "Olaf Scholz", "person"),
        ("Rosoboronexprot", "Rosoboronexport", "organization"),
        ("Huaweitechnologies", "Huawei Technologies", "organization"),
        ("AT&T Inc.", "AT and T Inc.", "organization"),
        ("Mohammed Hassan Ali", "Muhammad Hassan Ali", "person"),
        ("华为技术有限公司", "HUAWEI TECHNOLOGIES CO., LTD.", "organization"),
        ("華為技術有限公司", "HUAWEI TECHNOLOGIES CO., LTD.", "organization"),
        ("中国航空工业集团有限公司", "AVIATION INDUSTRY CORPORATION OF CHINA", "organization"),
        (
            "杭州海康威视数字技术股份有限公司",
            "Hangzhou Hikvision Digital Technology Co., Ltd.",
            "organization",
        ),
        # romanisations: -off/-ov, ee/i, kh/h, double letters, x/ks
        ("KOZLOFF, Sergey Mikhaylovich", "KOZLOV, Sergey Mikhaylovich", "person"),
        ("Cherif Saeed BEN ABDELHAKIM", "BEN ABDELHAKIM, Cherif Said", "person"),
        ("Kim Joonng-un", "Kim Jong-un", "person"),
        ("Aleksandr Timofeev", "Alexander Timofeev", "person"),
        ("Ben Netanyahu", "Benjamin Netanyahu", "person"),
        ("Keir Starkey", "Keir Starmer", "person"),  # two slips in a long word
        # a slip in a legal form, or the form spelt another way, is still the legal form
        ("JONT STOCK COMPANY SEROV MECHANICAL PLANT", "JSC SEROV MECHANICAL PLANT", "organization"),
        ("JATRONICS SEN BHD", "JATRONICS SDN BHD", "organization"),
        ("LKC PROGOROD", "LLC PROGOROD", "organization"),
        ("SYSKON PVT LIMITED", "SYSKON PVT LTD", "organization"),
        ("LUCERO IMP S.A.C.", "LUCERO IMPORT S.A.C.", "organization"),
        ("U.S. Department of State", "United States Department of State", "organization"),
        ("Citigroup Capital Trust I", "Citigroup Capital Trust II", "organization"),  # as VII/VIII
        ("Pedro Javier Lopez-Lopz", "Pedro Javier Lopez-Lopez", "person"),  # a repeated word
        ("Lopez-Lopez Pedro Javier", "Pedro Javier Lopez-Lopez", "person"),  # ... turned round
        ("ABDUL GHANI TURK", "ABDUL GHANI BARADAR ABDUL AHMAD TURK", "person"),
        ("MARS INV ESTMENT L.L.C", "MARS INVESTMENT L.L.C", "organization"),  # split, not "inv"
        ("KOK TONG LUM", "KOK TONG LIM", "person"),  # a slip in a short word of a longer name
        ("REINALDO GREGORIO LENIN CERNA", "Reinaldo Lenin Gregorio Cerna", "person"),
        ("FORENINGEN EL AQSA", "FORENINGEN AL-AQSA", "organization"),
        ("Luminor Oy Limited", "Luminor Oy", "organization"),
        # digits typed for letters, 9 for g too
        ("Ser9ei Ivan0v", "Sergei IVANOV", "person"),
        # Latvian and Lithuanian spellings: a nominative -s, j for the glide y
        ("Andrejs Kozlovs", "Andrey Nikolayevich KOZLOV", "person"),
        # 'Abd al-X is Abdul X; Ben is the particle bin; Shaikh is a title
        ("'Abd al-Qadir Karimi", "Abdul Qadir KAREEMI", "person"),
        ("Shaikh Hamad Ben Salem", "Hamad bin Salem AL BIN ALI", "person"),
        # a place left unmet in a company's name (a branch of it) and "Sp. z o.o." written out
        ("Nordlux", "NORDLUX EUROPE Sp. z o.o.", "organization"),
        ("Tancotex", "TANCOTEX KOREA", "organization"),
    ],
)
def test_same_party_scores_over_threshold(a: str, b: str, kind: str) -> None:
    assert compare(a, b, kind) >= MATCH_THRESHOLD, (a, b, compare(a, b, kind))


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI", "person"),
        ("TARIQ ANWAR EL SAYED MOHAMED", "TARIQ ANWAR EL SAYED AHMED", "person"),
        ("WALIJAN ABDUL GHAFOOR HAQQANI", "WALIJAN", "person"),
        ("Industrial and Commercial Bank of Chad", "Industrial and Commercial Bank of China", "organization"),
        ("高石早苗", "高市早苗", "person"),
        ("최영수", "최영숙", "person"),  # Korean names too are compared syllable by syllable
        ("Apple Inc.", "Huawei Technologies Co., Ltd.", "organization"),
        ("Aaron A. Wendt", "Josh A. Wendt", "person"),
        ("Ahmed Hassan", "Mohamed Hassan", "person"),
        ("Ali Hassan", "Ari Hassan", "person"),  # a short word's slip alone does not make a match
        ("Khalid Najjar", "Khamis Najjar", "person"),  # two changed letters in six are another name
        ("Open Technologies", "Technologies OJSC", "organization"),  # "open" is a word here
        ("ABC Trading", "Alpha Beta Corp", "organization"),
        # a given name or surname against the patronymic made from it is another name
        ("Olga Petrova", "Olga Petrovna SIDORENKO", "person"),
        ("Mykola Bondar", "Taras Mykolaovych BONDAR", "person"),
        # a place is not a branch when the names differ in another word too
        ("Nordlux Trading", "NORDLUX EUROPE FOODS", "organization"),
    ],
)
def test_different_parties_score_under_threshold(a: str, b: str, kind: str) -> None:
    assert compare(a, b, kind) < MATCH_THRESHOLD, (a, b, compare(a, b, kind))


def test_compare_is_symmetric_enough_and_bounded() -> None:
    pairs = [("Olaf Scholz", "Scholz, Olaf"), ("Acme Trading LLC", "ACME TRADING"), ("x", "y")]
    for a, b in pairs:
        assert 0.0 <= compare(a, b) <= 1.0
        assert abs(compare(a, b) - compare(b, a)) < 0.05


def test_han_names_get_latin_forms() -> None:
    made = forms("华为技术有限公司", "organization")
    assert made[0].via == "translation"
    assert "huawei" in made[0].tokens
    assert any(f.via == "pinyin" for f in made)


def test_compare_rejects_unknown_kind() -> None:
    from redlist.errors import RedlistError

    with pytest.raises(RedlistError, match="unknown type"):
        compare("a", "b", kind="planet")


def test_the_spelling_and_structure_rules_are_named_in_the_explanation() -> None:
    from redlist.match.explain import name_features, name_summary
    from redlist.match.normalize import forms
    from redlist.match.score import compare_forms

    def summary(a: str, b: str, kind: str) -> str:
        comparison = compare_forms(forms(a, kind)[0], forms(b, kind)[0], kind)
        assert name_features(comparison, "primary")["rules"]
        return name_summary(comparison, "primary")

    assert "a Baltic or Slavic spelling" in summary("Andrejs Kozlovs", "KOZLOV, Andrey", "person")
    assert "'abd al' read as abdul" in summary("'Abd al-Qadir Karimi", "Abdul Qadir KARIMI", "person")
    assert "ben is the particle bin" in summary("Hamad Ben Salem", "Hamad bin Salem", "person")
    assert "a place, a branch" in summary("Tancotex", "TANCOTEX KOREA", "organization")
    assert "a name and a patronymic" in summary("Olga Petrova", "Olga Petrovna SIDORENKO", "person")
