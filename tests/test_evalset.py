"""The matcher evaluation's query generators and metrics, on hand-written names (no real data)."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import evalset as ev  # noqa: E402
import evaluate as evm  # noqa: E402

from redlist.model import Entity, EntityType, Name, NameType  # noqa: E402

SEEDS = range(40)


def osa(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def letters(s: str) -> str:
    return re.sub(r"[\W_]", "", s).casefold()


def rngs():
    return (random.Random(s) for s in SEEDS)


def entity(
    eid: str, *names: str, type: EntityType = EntityType.ORGANIZATION, weak: tuple[str, ...] = ()
) -> Entity:
    ns = [Name(names[0], NameType.PRIMARY)] + [Name(n, NameType.AKA) for n in names[1:]]
    ns += [Name(n, NameType.WEAK) for n in weak]
    return Entity(source="us_ofac_sdn", key=eid, entity_id=eid, type=type, names=ns)


# --- perturbations ----------------------------------------------------------------------------------


def test_norm_ignores_case_accents_and_punctuation():
    assert ev.norm("Nestlé,  S.A.") == ev.norm("NESTLE S.A") == "nestle s a"


def test_case_punct_keeps_the_letters_and_changes_the_string():
    name = "AL-RAWI, Saif-al-Din Fulayyih"
    for rng in rngs():
        out = ev.case_punct(name, rng)
        assert out is not None and out != name
        assert letters(out) == letters(name)


def test_typo_word_is_one_edit_and_spares_the_first_letter():
    for rng in rngs():
        out = ev.typo_word("Hikvision", rng)
        assert osa(out, "Hikvision") == 1
        assert out[0] == "H"


def test_typo_keeps_upper_case_words_upper_case():
    for rng in rngs():
        out = ev.typo_word("SHIPBUILDING", rng)
        assert out == out.upper()


def test_typo1_changes_exactly_one_long_word_and_never_short_tokens():
    name = "AB Xi Hikvision Digital Co"
    for rng in rngs():
        out = ev.typo1(name, rng)
        before, after = name.split(), out.split()
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert len(changed) == 1
        assert changed[0][0] in ("Hikvision", "Digital")
        assert osa(*changed[0]) == 1


def test_typos_need_a_word_of_three_letters():
    assert ev.typo1("AB Xi", random.Random(1)) is None
    assert ev.typo2("AB Xi", random.Random(1)) is None


def test_typo2_puts_two_typos_in_two_words():
    name = "Hangzhou Hikvision Digital"
    for rng in rngs():
        out = ev.typo2(name, rng)
        pairs = list(zip(name.split(), out.split(), strict=True))
        changed = [(a, b) for a, b in pairs if a != b]
        assert len(changed) == 2
        assert all(osa(a, b) == 1 for a, b in changed)


def test_typo2_on_a_single_long_word_edits_it_twice():
    for rng in rngs():
        out = ev.typo2("Megvii", rng)
        # two slips; OSA counts a slip inside a swapped pair as two edits, hence up to 3
        assert out != "Megvii" and osa(out, "Megvii") <= 3
        assert abs(len(out) - len("Megvii")) <= 2
    assert ev.typo2("Kona", random.Random(0)) is None


def test_find_legal_form_suffix_and_prefix():
    start, end, variants = ev.find_legal_form("Huawei Technologies Co., Ltd.")
    assert "Huawei Technologies Co., Ltd."[start:end] == "Co., Ltd."
    assert "Company Limited" in variants
    start, end, variants = ev.find_legal_form("OOO Romashka Trade")
    assert (start, end) == (0, 3) and "LLC" in variants
    # "Joint Stock Company" at the end is one form, not "Company" alone
    assert ev.find_legal_form("MOSCOW REFINERY JOINT STOCK COMPANY")[2][0] == "JSC"
    assert ev.find_legal_form("Hikvision") is None


def test_legal_form_swaps_or_drops_and_keeps_the_rest():
    name = "Huawei Technologies Co., Ltd."
    seen = set()
    for rng in rngs():
        out = ev.legal_form(name, rng)
        assert out.startswith("Huawei Technologies")
        assert ev.norm(out) != ev.norm(name)
        seen.add(out)
    assert "Huawei Technologies" in seen  # dropped
    assert "Huawei Technologies Company Limited" in seen  # swapped


def test_legal_form_adds_one_when_the_name_has_none():
    out = ev.legal_form("Hikvision", random.Random(3))
    assert out.startswith("Hikvision ") and ev.find_legal_form(out) is not None


def test_legal_form_leaves_a_form_in_the_middle_alone():
    assert (
        ev.legal_form("Tactical Missile Corporation, Joint Stock Company Severny Press", random.Random(1))
        is None
    )


def test_drop_token_needs_three_meaningful_words():
    assert ev.drop_token("Hikvision Digital Co., Ltd.", random.Random(1)) is None
    for rng in rngs():
        out = ev.drop_token("Hangzhou Hikvision Digital Co., Ltd.", rng)
        assert len(ev.tokens(out)) == len(ev.tokens("Hangzhou Hikvision Digital Co., Ltd.")) - 1
        assert "Hikvision" in out  # the longest word is taken as the distinctive one


def test_drop_token_keeps_the_rarest_word_when_frequencies_are_known():
    freq = {"taerio": 1, "international": 900, "trading": 700, "group": 300}
    for rng in rngs():
        out = ev.drop_token("TAERIO INTERNATIONAL TRADING", rng, frequency=freq.__getitem__)
        assert out.startswith("TAERIO")


def test_drop_token_on_a_person_drops_a_middle_name_only():
    for rng in rngs():
        out = ev.drop_token("MORDASHOV, Kirill Alekseyevich Ivan", rng, person=True)
        assert out.startswith("MORDASHOV, Kirill")
        out = ev.drop_token("Roman Georgiyevich Kvinikadze", rng, person=True)
        assert out == "Roman Kvinikadze"
    assert ev.drop_token("MORDASHOV, Kirill", random.Random(0), person=True) is None


def test_join_split_changes_only_spacing():
    name = "Hik Vision Digital"
    outs = set()
    for rng in rngs():
        out = ev.join_split(name, rng)
        assert letters(out) == letters(name)
        assert abs(out.count(" ") - name.count(" ")) == 1
        outs.add(out)
    assert "HikVision Digital" in outs
    assert any(o.count(" ") == 3 for o in outs)  # "Digital" is long enough to split


def test_abbreviation_abbreviates_and_expands():
    out = ev.abbreviation("China Electronics Technology Group Corporation", random.Random(0))
    assert ev.norm(out) != ev.norm("China Electronics Technology Group Corporation")
    assert set(ev.tokens(out)) <= {
        "China",
        "Electronics",
        "Elec",
        "Technology",
        "Tech",
        "Group",
        "Corporation",
        "Corp",
    }
    # an abbreviation is expanded, and its period goes with it
    assert ev.abbreviation("Acme Ltd.", random.Random(0)) == "Acme Limited"
    # the legal form "Limited Liability Company" is not abbreviated word by word
    assert ev.abbreviation("LIMITED LIABILITY COMPANY RIGINTEL", random.Random(0)) is None


def test_person_reorder_both_ways():
    assert (
        ev.person_reorder("MORDASHOV, Kirill Alekseyevich", random.Random(0))
        == "Kirill Alekseyevich MORDASHOV"
    )
    outs = {ev.person_reorder("Roman Georgiyevich Kvinikadze", rng) for rng in rngs()}
    assert outs == {"Kvinikadze, Roman Georgiyevich", "Kvinikadze Roman Georgiyevich"}
    assert ev.person_reorder("Madonna", random.Random(0)) is None


def test_person_initials_prefers_a_middle_name():
    for rng in rngs():
        assert ev.person_initials("MORDASHOV, Kirill Alekseyevich", rng) == "MORDASHOV, Kirill A."
        assert ev.person_initials("Roman Georgiyevich Kvinikadze", rng) == "Roman G. Kvinikadze"
    assert ev.person_initials("NOUREDDINE, Mohamad", random.Random(0)) == "NOUREDDINE, M."


def test_translit_uses_known_spellings():
    outs = {ev.translit("Mohammed Yusuf", rng) for rng in rngs()}
    group_m = set(ev.TRANSLIT_WORDS[0])
    group_y = {"yusuf", "yousef", "yusef", "youssef"}
    for out in outs:
        first, second = out.split()
        assert first.casefold() in group_m and second.casefold() in group_y
        assert out != "Mohammed Yusuf"
    assert len(outs) > 3


def test_translit_endings_and_article():
    outs = {ev.translit("KISELEV, Dmitry", rng) for rng in rngs()}
    assert "KISELEFF, Dmitry" in outs
    assert any(o.startswith("KISELEV, Dmitr") and o != "KISELEV, Dmitry" for o in outs)
    assert any(
        o.startswith(("EL-RAWI", "EL RAWI", "ELRAWI"))
        for o in (ev.translit("AL-RAWI Fulan", r) for r in rngs())
    )


def test_translit_leaves_spanish_articles_and_english_words_of_companies_alone():
    assert ev.translit("INDUSTRIA DE PESCA SOBRE EL PACIFICO", random.Random(0), person=False) is None
    assert ev.translit("Blue Group House", random.Random(0), person=False) is None


# --- Han ------------------------------------------------------------------------------------------


def test_traditional_and_pinyin():
    assert ev.to_traditional("华为技术有限公司") == "華爲技術有限公司"
    assert ev.to_pinyin("华为 技术 有限 公司") == "Huawei Jishu Youxian Gongsi"
    assert ev.to_pinyin("绿 地") == "Lu Di"  # ü written as u, not pypinyin's v


def test_han_table_rows_are_chinese_with_english_names():
    for spaced, english in ev.HAN_TABLE:
        assert re.fullmatch(r"[\u4e00-\u9fff0-9() ]+", spaced), spaced
        assert english and all(re.search(r"[A-Za-z]", e) for e in english)
    assert len(ev.HAN_TABLE) >= 40


def test_build_han_resolves_by_exact_normalised_name_and_reports_the_rest():
    entities = [
        entity("e1", "HUAWEI TECHNOLOGIES CO., LTD."),
        entity("e2", "Huawei Technologies Co. Ltd"),  # another list's record of the same company
        entity("e3", "HIKVISION"),
    ]
    queries, unresolved, resolved = ev.build_han(entities)
    huawei = [q for q in queries if q.source_name == "Huawei Technologies Co., Ltd."]
    assert {q.family for q in huawei} == {"han_simplified", "han_traditional", "pinyin"}
    assert all(q.expected == {"e1", "e2"} for q in huawei)
    assert {q.text for q in huawei} >= {"华为技术有限公司", "華爲技術有限公司", "Huawei Jishu Youxian Gongsi"}
    assert resolved == 2  # Huawei Technologies and the short name Hikvision
    assert "Aviation Industry Corporation of China, Ltd." in unresolved


# --- positives and negatives -----------------------------------------------------------------------


def _toy_entities() -> list[Entity]:
    return [
        entity("o1", "Hangzhou Hikvision Digital Technology Co., Ltd.", "Hikvision"),
        entity("o2", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."),  # twin of o1
        entity("o3", "China Electronics Technology Group Corporation", weak=("CETC",)),
        entity("p1", "MORDASHOV, Kirill Alekseyevich", type=EntityType.PERSON),
        entity("p2", "AL-RAWI, Mohammed Yusuf", type=EntityType.PERSON),
        entity("v1", "ORIENT VISION", type=EntityType.VESSEL),
    ]


def test_build_positives_is_seeded_and_labelled():
    es = _toy_entities()
    a = ev.build_positives(es, n=10, seed=7)
    assert a == ev.build_positives(es, n=10, seed=7)
    assert a != ev.build_positives(es, n=10, seed=8)
    assert {q.expected for q in a} == {frozenset({x}) for x in ("o1", "o2", "o3", "p1", "p2")}  # no vessel
    o1 = [q for q in a if q.expected == {"o1"}]
    assert all(q.accepted == {"o1", "o2"} for q in o1)
    assert all(q.text != "CETC" for q in a)  # weak aliases are not screened
    fams = {q.family for q in a if q.expected == {"p1"}}
    assert {"person_reorder", "person_initials", "exact"} <= fams
    assert "legal_form" not in fams and "abbreviation" not in fams
    assert "person_reorder" not in {q.family for q in o1}
    assert all(q.positive and q.script == "latin" for q in a)


def test_build_negatives_drops_list_names_and_is_seeded():
    es = [*_toy_entities(), entity("x", "APPLE INC"), entity("y", "联想集团有限公司")]
    negs, dropped = ev.build_negatives(es, n=600, seed=1)
    assert "Apple Inc." in dropped and "联想集团有限公司" in dropped
    texts = [q.text for q in negs]
    assert "Apple Inc." not in texts
    assert len(texts) == len(set(texts))
    assert all(not q.positive for q in negs)
    fams = ev.family_counts(negs)
    assert set(fams) == {
        "neg_real_company",
        "neg_real_company_zh",
        "neg_company_en",
        "neg_person",
        "neg_company_zh",
        "neg_person_zh",
    }
    assert 590 <= len(negs) <= 600
    assert [q.text for q in ev.build_negatives(es, n=600, seed=1)[0]] == texts
    assert all(re.search(r"[\u4e00-\u9fff]", q.text) for q in negs if q.script == "han")


# --- metrics --------------------------------------------------------------------------------------


def _q(family: str, expected=(), accepted=None, script: str = "latin") -> ev.EvalQuery:
    exp = frozenset(expected)
    return ev.EvalQuery("x", family, script, exp, frozenset(accepted or expected))


def test_outcome_hit_rank_and_alerts():
    o = evm.Outcome(_q("typo1", ["a"], ["a", "a2"]), [("b", 0.9, "B"), ("a2", 0.85, "A"), ("a", 0.7, "A")])
    assert o.hit(0.7) and not o.hit(0.75)
    assert o.rank() == 3
    assert o.accepted_alerts(0.8) == 1 and len(o.alerts(0.8)) == 2


def test_metrics_from_outcomes():
    outcomes = [
        evm.Outcome(_q("typo1", ["a"]), [("a", 0.9, "A"), ("z", 0.85, "Z")]),
        evm.Outcome(_q("typo1", ["b"]), [("b", 0.6, "B")]),
        evm.Outcome(_q("han_simplified", ["c"], script="han"), [("c", 0.82, "C")]),
        evm.Outcome(_q("neg_person"), [("z", 0.81, "Z")]),
        evm.Outcome(_q("neg_person"), []),
    ]
    assert evm.recall(outcomes, 0.8) == 2 / 3
    assert evm.recall(evm.select(outcomes, ["typo1"]), 0.5) == 1.0
    assert evm.precision(evm.select(outcomes, ["typo1"]), 0.8) == 0.5
    assert evm.alerts_per_1000(outcomes, 0.8) == 500.0
    assert evm.alerts_per_1000(outcomes, 0.82) == 0.0
    h = evm.headline(outcomes, 0.8)
    assert h["latin_recall"] == 0.5 and h["han_recall"] == 1.0 and h["pinyin_recall"] is None
    rows = {r["family"]: r for r in evm.family_rows(outcomes, 0.8)}
    assert rows["typo1"]["recall"] == 0.5 and rows["typo1"]["top1"] == 0.5
    assert rows["neg_person"]["alerts"] == 1


def test_best_threshold_respects_the_alert_budget():
    outcomes = [evm.Outcome(_q("typo1", ["a"]), [("a", 0.9, "A")])]
    outcomes += [evm.Outcome(_q("neg_person"), [("z", 0.7, "Z")])] + [
        evm.Outcome(_q("neg_person"), []) for _ in range(99)
    ]
    best = evm.best_threshold(outcomes, budget=5.0)
    assert best is not None and best["threshold"] == pytest.approx(0.71)
    assert best["latin_recall"] == 1.0 and best["alerts_per_1000"] == 0.0


def test_chinese_namesakes_of_listed_people_are_not_clean_names():
    assert "wang wei" in ev._pinyin_forms("王伟") and "wei wang" in ev._pinyin_forms("王伟")
    es = [entity("p", "WANG, Wei", type=EntityType.PERSON)]
    negs, dropped = ev.build_negatives(es, n=3000, seed=1)
    assert "王伟" in dropped
    assert "王伟" not in {q.text for q in negs}


def test_name_twins_share_a_real_name_not_a_weak_alias():
    es = [
        entity("a", "SMIC Holdings Limited", weak=("SMIC",)),
        entity("b", "Semiconductor Manufacturing International Corporation", weak=("SMIC",)),
        entity("c", "SMIC HOLDINGS LIMITED"),
    ]
    twins = ev.name_twins(es)
    assert twins["a"] == {"a", "c"} and twins["b"] == {"b"}


# --- qualifier sets (issue 14) ----------------------------------------------------------------------


def _listed_person(eid: str, births: list[str], nationalities: list[str]) -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key=eid,
        entity_id=eid,
        type=EntityType.PERSON,
        names=[Name("LOPEZ, Jose", NameType.PRIMARY)],
        birth_dates=births,
        nationalities=nationalities,
    )


def test_namesake_and_own_qualifier_queries():
    person = _listed_person("p", ["1962-05-03"], ["US"])
    namesake = ev.namesake_query(person, random.Random(1))
    assert namesake is not None and namesake.text == "LOPEZ, Jose" and not namesake.positive
    assert not namesake.clean and namesake.namesake_of == frozenset({"p"})
    assert namesake.nationality not in ("US", None)
    gap = abs(int(namesake.birth_date or "0") - 1962)
    assert ev.NAMESAKE_GAP[0] <= gap <= ev.NAMESAKE_GAP[1]
    own = ev.own_qualifier_query(person, frozenset({"p"}))
    assert own is not None and own.positive and (own.birth_date, own.nationality) == ("1962-05-03", "US")
    assert ev.namesake_query(_listed_person("q", [], ["US"]), random.Random(1)) is None
    assert ev.own_qualifier_query(_listed_person("q", ["1962"], []), frozenset({"q"})) is None
    built = ev.build_qualified([person, _listed_person("q", [], [])], 10, 7)
    assert [q.family for q in built] == ["namesake_qualified", "own_qualifiers"]


def test_namesakes_cleared_and_exact_one_shares():
    namesake = ev.EvalQuery("x", "namesake_qualified", "latin", namesake_of=frozenset({"p"}))
    outcomes = [
        evm.Outcome(namesake, [("p", 0.6, "P")]),  # cleared at 0.7
        evm.Outcome(namesake, [("p", 0.9, "P")]),  # not cleared
        evm.Outcome(_q("typo1", ["a"]), [("a", 1.0, "A"), ("z", 0.8, "Z")]),
        evm.Outcome(_q("neg_person"), [("z", 1.0, "Z")]),
    ]
    assert evm.namesakes_cleared(outcomes, 0.7) == 0.5
    assert evm.alerts_per_1000(outcomes, 0.7) == 1000.0  # namesakes are not clean names
    shares = evm.exact_one_shares(outcomes, 0.7)
    assert shares["true_at_1"] == 1.0 and shares["false_at_1"] == 0.5
    assert (shares["true_matches"], shares["false_matches"]) == (1, 2)
