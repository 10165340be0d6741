"""regimes.yaml: the packaged file is complete and valid; date rules; program matching; bad files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from redlist.model import LISTS, Listing
from redlist.regimes.rules import (
    ACTIVITIES,
    DateRule,
    RegimeError,
    check_regimes,
    load_regimes,
    regimes_for,
)


def _regime(regime_id: str):
    return next(r for r in load_regimes() if r.id == regime_id)


# --- the packaged file ---------------------------------------------------------------------------


def test_packaged_file_has_no_problems():
    assert check_regimes() == []


def test_every_list_has_a_regime_and_every_rule_a_citation():
    regimes = load_regimes()
    assert {r.list_id for r in regimes} == set(LISTS)
    for regime in regimes:
        assert regime.citation and regime.source_url.startswith("https://")
        for rule in regime.rules:
            assert rule.activity in ACTIVITIES
            assert rule.citation.strip(), (regime.id, rule.activity)
            assert rule.verification in ("confirmed", "secondary", "unconfirmed")


def test_requirement_regimes_say_what_the_issue_asks():
    def effects(regime_id: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for rule in _regime(regime_id).rules:
            out.setdefault(rule.activity, set()).add(rule.effect)
        return out

    assert effects("ofac_sdn") == {a: {"prohibited"} for a in ACTIVITIES}
    assert effects("bis_entity_list") == {"export": {"restricted"}}
    assert effects("bis_denial_order")["export"] == {"prohibited"}
    assert effects("dhs_uflpa") == {"import": {"restricted"}}
    assert effects("dod_1260h") == {"procure": {"prohibited"}}
    assert effects("ndaa_889") == {"procure": {"prohibited"}}
    assert "prohibited" in effects("fcc_covered")["telecom"]
    assert effects("ofac_cmic") == {"invest": {"prohibited"}, "divest": {"allowed", "prohibited"}}
    assert effects("ofac_ssi") == {
        "invest": {"restricted"},
        "transact": {"restricted"},
        "export": {"restricted"},
    }
    assert effects("ofac_fse")["transact"] == {"prohibited"}
    assert _regime("dod_ccmc_eo13959").ends.date.resolve({}) == "2021-06-03"


# --- date rules ----------------------------------------------------------------------------------


def test_date_rule_forms():
    dates = {"listed_on": "2021-01-14", "effective_on": None}
    assert DateRule("date", value="2021-01-11").resolve(dates) == "2021-01-11"
    assert DateRule("field", field="listed_on").resolve(dates) == "2021-01-14"
    assert DateRule("field", field="listed_on", days=60).resolve(dates) == "2021-03-15"
    assert DateRule("field", field="listed_on", days=-14).resolve(dates) == "2020-12-31"
    assert DateRule("field", field="effective_on").resolve(dates) is None
    first = DateRule(
        "first", options=(DateRule("field", field="effective_on"), DateRule("date", value="2000-01-01"))
    )
    assert first.resolve(dates) == "2000-01-01"
    latest = DateRule(
        "latest", options=(DateRule("date", value="2026-06-30"), DateRule("field", field="listed_on"))
    )
    assert latest.resolve(dates) == "2026-06-30"
    assert latest.resolve({"listed_on": "2026-08-01"}) == "2026-08-01"
    assert latest.resolve({}) == "2026-06-30"  # a missing field drops out
    cohort = DateRule(
        "if",
        field="listed_on",
        on_or_before="2020-11-12",
        then=DateRule("date", value="2021-01-11"),
        otherwise=DateRule("field", field="listed_on", days=60),
    )
    assert cohort.resolve({"listed_on": "2020-11-12"}) == "2021-01-11"
    assert cohort.resolve({"listed_on": "2020-11-13"}) == "2021-01-12"
    assert cohort.resolve({}) is None


@pytest.mark.parametrize(
    ("listed", "purchase_ban", "divest_until"),
    [
        ("2020-06-24", "2021-01-11", "2021-11-11"),  # first tranche: EO 13959's fixed dates (notes #28)
        ("2020-11-12", "2021-01-11", "2021-11-11"),  # the day EO 13959 was signed still counts as first
        ("2020-12-03", "2021-02-01", "2021-12-03"),  # SMIC: 60 / 365 days (notes #29)
        ("2021-01-14", "2021-03-15", "2022-01-14"),  # Xiaomi (notes #38)
    ],
)
def test_eo13959_cohort_dates(listed, purchase_ban, divest_until):
    dates = _regime("dod_ccmc_eo13959").resolve_dates({"listed_on": listed})
    assert (dates["effective_on"], dates["divestment_on"]) == (purchase_ban, divest_until)


def test_cmic_published_dates_win_and_the_fallback_matches_them():
    cmic = _regime("ofac_cmic")
    published = {"listed_on": "2021-12-16", "effective_on": "2022-02-14", "divestment_on": "2022-12-15"}
    assert cmic.resolve_dates(published) == published  # DJI as OFAC published it (notes #61, #72)
    # Without published dates the rules reproduce OFAC's own arithmetic for the same entry.
    computed = cmic.resolve_dates({"listed_on": "2021-12-16"})
    assert (computed["effective_on"], computed["divestment_on"]) == ("2022-02-14", "2022-12-15")
    annex = cmic.resolve_dates({"listed_on": "2021-06-03"})
    assert annex["effective_on"] == "2021-08-02"


# --- program matching ----------------------------------------------------------------------------


def _ids(listing: Listing) -> list[str]:
    return [r.id for r in regimes_for(listing, load_regimes())]


def test_programs_pick_the_regime():
    assert _ids(Listing("us_ofac_cons", programs=["CMIC-EO13959"])) == ["ofac_cmic"]
    assert _ids(Listing("us_ofac_cons", programs=["FSE-SY", "SYRIA"])) == ["ofac_fse"]
    assert _ids(Listing("us_ofac_cons", programs=["ukraine-eo13662", "RUSSIA-EO14024"])) == [
        "ofac_ssi",
        "ofac_russia_directives",
    ]
    assert _ids(Listing("us_ofac_cons", programs=["BURMA-EO14014"])) == ["ofac_cons_other"]
    assert _ids(Listing("us_ofac_cons")) == ["ofac_cons_other"]
    assert _ids(Listing("us_ofac_sdn", programs=["SDGT", "IRGC"])) == ["ofac_sdn"]
    assert _ids(Listing("us_bis_el")) == ["bis_entity_list"]
    assert _ids(Listing("not_a_list")) == []


def test_rule_details_quote_the_entry_only_when_published():
    rule = _regime("bis_entity_list").rules[0]
    bare = rule.render(Listing("us_bis_el"))
    quoted = rule.render(
        Listing(
            "us_bis_el",
            license_requirement="For all items subject to the EAR.",
            license_policy="Presumption of denial.",
        )
    )
    assert "Licence requirement" not in bare
    assert "Licence requirement: For all items subject to the EAR." in quoted
    assert "Licence review policy: Presumption of denial." in quoted


# --- bad files -----------------------------------------------------------------------------------

_GOOD_RULE = """
      - activity: export
        effect: restricted
        text: A licence is required.
        citation: 15 CFR 744.11
"""


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "regimes.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _one_regime(rules: str = _GOOD_RULE, extra: str = "") -> str:
    return f"""
regimes:
  - id: bis_entity_list
    list: us_bis_el
    title: Entity List
    authority: EAR
    citation: 15 CFR 744.11
    source_url: https://www.ecfr.gov/
    who: exporters
    verification: secondary
{extra}    rules:{rules}"""


def test_a_file_missing_lists_is_reported(tmp_path):
    problems = check_regimes(_write(tmp_path, _one_regime()))
    missing = {p.split("'")[1] for p in problems if "no regime" in p}
    assert missing == set(LISTS) - {"us_bis_el"}


@pytest.mark.parametrize(
    ("rules", "extra", "message"),
    [
        (_GOOD_RULE.replace("export", "smuggle"), "", "'smuggle' is not one of"),
        (_GOOD_RULE.replace("restricted", "forbidden"), "", "'forbidden' is not one of"),
        (_GOOD_RULE.replace("        citation: 15 CFR 744.11\n", ""), "", "citation': missing or empty"),
        (_GOOD_RULE + "        from: {date: 2021-02-30}\n", "", "not a valid ISO date"),
        (_GOOD_RULE + "        from: {date: 21-2-3}\n", "", "not a valid ISO date"),
        (_GOOD_RULE + "        from: {field: listing_date}\n", "", "unknown date field 'listing_date'"),
        (_GOOD_RULE + "        from: {field: listed_on, days: soon}\n", "", "whole number of days"),
        (_GOOD_RULE + "        from: {sometime: true}\n", "", "unknown date rule"),
        (_GOOD_RULE + "        form: {field: listed_on}\n", "", "form': unknown field"),
        (_GOOD_RULE + '        details: ["{licence}"]\n', "", "unknown listing field {licence}"),
        (_GOOD_RULE, "    ends_on: vanished\n", "'vanished' is not one of"),
        (_GOOD_RULE, "    programs: []\n", "'programs': missing or empty"),
        (" []", "", "'rules': missing or empty"),
    ],
)
def test_bad_regimes_are_reported(tmp_path, rules, extra, message):
    path = _write(tmp_path, _one_regime(rules, extra))
    problems = [p for p in check_regimes(path) if "no regime" not in p]
    assert any(message in p for p in problems), problems
    with pytest.raises(RegimeError):
        load_regimes(path)


def test_unreadable_and_duplicate(tmp_path):
    assert "cannot read YAML" in check_regimes(_write(tmp_path, "regimes: [unclosed"))[0]
    assert "must be a mapping with a 'regimes' list" in check_regimes(_write(tmp_path, "- 1"))[0]
    doubled = _one_regime() + _one_regime().replace("regimes:\n", "")
    problems = check_regimes(_write(tmp_path, doubled))
    assert any("duplicate id" in p for p in problems)
    assert any("at most one whole-list or fallback regime" in p for p in problems)
