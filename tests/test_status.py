"""The status engine on hand-built listing histories and legal events (no store needed).

Dates and cases follow the shared research notes (legal-timeline-research.md, rows cited as
"notes #N"); the inputs are small fixtures written here, not copies of curated data.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from redlist.curated.loader import CaseRef, LegalEvent
from redlist.errors import RedlistError
from redlist.model import Listing
from redlist.regimes.status import ListingSpan, StatusError, evaluate

TODAY = date(2026, 3, 1)


def event(eid, day, kind, list_id, effect, *, until=None, case=None, summary="", entry=None):
    return LegalEvent(
        id=eid,
        date=day,
        kind=kind,
        list_id=list_id,
        parties=({"entity_id": entry or f"{list_id}:party"},),
        effect=effect,
        until=until,
        case=case,
        citation=f"citation of {eid}",
        source_url=f"https://example.org/{eid}",
        verification="secondary",
        summary=summary or f"{kind} event",
    )


def span(list_id, *, name="Party", source="curated", seen_from=None, removed_on=None, **listing):
    return ListingSpan(
        listing=Listing(list_id, **listing),
        source=source,
        entity_id=f"{list_id}:party",
        name=name,
        seen_from=seen_from,
        removed_on=removed_on,
    )


def ask(spans, activity, on, events=(), **kw):
    kw.setdefault("today", TODAY)
    return evaluate(list(spans), list(events), activity, on, **kw)


def only(verdict):
    assert len(verdict.findings) == 1, verdict.findings
    return verdict.findings[0]


# --- Xiaomi: listed, pending, enjoined, vacated (notes #38, #44, #50) ----------------------------------

XIAOMI_CASE = CaseRef("Xiaomi Corp. v. Department of Defense", "1:21-cv-00280-RC", "D.D.C.")
XIAOMI = span("us_dod_ccmc", name="Xiaomi Corporation", listed_on="2021-01-14", removed_on="2021-05-25")
XIAOMI_EVENTS = [
    event("xiaomi-designation", "2021-01-14", "designation", "us_dod_ccmc", "start"),
    event(
        "xiaomi-suit", "2021-01-29", "rule", "us_dod_ccmc", "none", case=XIAOMI_CASE, summary="Xiaomi sues"
    ),
    event(
        "xiaomi-pi",
        "2021-03-12",
        "injunction",
        "us_dod_ccmc",
        "suspend",
        case=XIAOMI_CASE,
        summary="Preliminary injunction against the designation",
    ),
    event(
        "xiaomi-vacatur", "2021-05-25", "vacatur", "us_dod_ccmc", "end", case=XIAOMI_CASE, summary="Vacated."
    ),
]


def test_xiaomi_before_listing_is_allowed_with_no_finding():
    v = ask([XIAOMI], "invest", "2021-01-10", XIAOMI_EVENTS)
    assert (v.verdict, v.findings) == ("allowed", [])
    assert any("only from 2021-01-14" in n for n in v.notices)


def test_xiaomi_listed_but_ban_pending():
    v = ask([XIAOMI], "invest", "2021-02-15", XIAOMI_EVENTS)
    f = only(v)
    assert v.verdict == "allowed"
    assert (f.state, f.effect, f.effect_from) == ("pending", "none", "2021-03-15")
    assert (f.listed_on, f.effective_on, f.divestment_on) == ("2021-01-14", "2021-03-15", "2022-01-14")
    assert "2021-03-15" in f.explanation
    assert f.removed_on is None  # a later removal is not leaked into an earlier date


def test_xiaomi_enjoined_after_the_injunction():
    v = ask([XIAOMI], "invest", "2021-03-16", XIAOMI_EVENTS)
    f = only(v)
    assert (v.verdict, f.state, f.effect) == ("allowed", "enjoined", "none")
    assert f.case == {"title": XIAOMI_CASE.title, "docket": "1:21-cv-00280-RC", "court": "D.D.C."}
    assert "citation of xiaomi-pi" in f.citations
    assert [e["id"] for e in f.events] == ["xiaomi-designation", "xiaomi-suit", "xiaomi-pi"]


def test_xiaomi_removed_after_the_vacatur():
    f = only(ask([XIAOMI], "invest", "2021-07-01", XIAOMI_EVENTS))
    assert (f.state, f.effect, f.removed_on) == ("removed", "none", "2021-05-25")
    assert f.case["docket"] == "1:21-cv-00280-RC"
    assert "Vacated" in f.explanation


def test_without_the_injunction_xiaomi_would_have_been_prohibited():
    v = ask([XIAOMI], "invest", "2021-03-16", XIAOMI_EVENTS[:2])
    assert (v.verdict, only(v).state) == ("prohibited", "in_force")


def test_injunction_dissolved_resumes_the_ban():
    events = [
        *XIAOMI_EVENTS[:3],
        event("dissolved", "2021-04-01", "injunction_dissolved", "us_dod_ccmc", "resume"),
    ]
    still = [span("us_dod_ccmc", listed_on="2021-01-14")]
    assert only(ask(still, "invest", "2021-03-20", events)).state == "enjoined"
    v = ask(still, "invest", "2021-04-02", events)
    assert (v.verdict, only(v).state) == ("prohibited", "in_force")


def test_a_suspension_with_an_end_date_lapses():
    events = [event("stay", "2021-03-01", "injunction", "us_dod_ccmc", "suspend", until="2021-04-01")]
    still = [span("us_dod_ccmc", listed_on="2021-01-14")]
    assert only(ask(still, "invest", "2021-03-31", events)).state == "enjoined"
    f = only(ask(still, "invest", "2021-04-01", events))
    assert (f.state, f.effect) == ("in_force", "prohibited")
    assert "ended on 2021-04-01" in f.explanation


# --- Luokung: name corrected (clock reset), enjoined, regime replaced (notes #43, #47, #52) ----------

LUOKUNG_CASE = CaseRef("Luokung Tech. Corp. v. Department of Defense", "1:21-cv-00583-RC", "D.D.C.")
LUOKUNG = span("us_dod_ccmc", name="Luokung Technology Corp.", listed_on="2021-01-14")
LUOKUNG_EVENTS = [
    event("luokung-name", "2021-03-09", "amendment", "us_dod_ccmc", "start", summary="Listed name corrected"),
    event("luokung-pi", "2021-05-05", "injunction", "us_dod_ccmc", "suspend", case=LUOKUNG_CASE),
]


def test_luokung_name_correction_restarts_the_60_days():
    f = only(ask([LUOKUNG], "invest", "2021-03-20", LUOKUNG_EVENTS))
    assert (f.state, f.effect_from, f.effective_on) == ("pending", "2021-05-08", "2021-05-08")
    assert f.listed_on == "2021-01-14"  # the original listing date is still reported
    # Without the correction the ban would already have started on 2021-03-15.
    assert ask([LUOKUNG], "invest", "2021-03-20").verdict == "prohibited"


def test_luokung_enjoined_then_expired_with_eo13959():
    f = only(ask([LUOKUNG], "invest", "2021-05-06", LUOKUNG_EVENTS))
    assert (f.state, f.case["title"]) == ("enjoined", LUOKUNG_CASE.title)
    f = only(ask([LUOKUNG], "invest", "2021-06-10", LUOKUNG_EVENTS))
    assert (f.state, f.expired_on, f.effect) == ("expired", "2021-06-03", "none")
    assert "EO 14032" in f.explanation
    assert any("86 FR 30145" in c for c in f.citations)


# --- EO 13959 first tranche ---------------------------------------------------------------------------


def test_first_tranche_dates_and_divestment_window():
    avic = [span("us_dod_ccmc", listed_on="2020-06-24")]
    assert only(ask(avic, "invest", "2021-01-10")).state == "pending"
    assert ask(avic, "invest", "2021-01-11").verdict == "prohibited"
    sell = only(ask(avic, "divest", "2021-02-01"))
    assert (sell.state, sell.effect, sell.effect_until) == ("in_force", "allowed", "2021-06-03")
    assert ask(avic, "transact", "2021-02-01").verdict == "allowed"
    assert only(ask(avic, "invest", "2021-06-03")).state == "expired"


# --- CMIC date arithmetic with OFAC's published dates ------------------------------------------------

DJI_CMIC = span(
    "us_ofac_cons",
    name="SZ DJI Technology Co., Ltd.",
    source="us_ofac_cons",
    seen_from="2022-01-01",
    programs=["CMIC-EO13959"],
    listed_on="2021-12-16",
    effective_on="2022-02-14",
    divestment_on="2022-12-15",
)


@pytest.mark.parametrize(
    ("activity", "on", "verdict", "state", "effect"),
    [
        ("invest", "2022-02-13", "allowed", "pending", "none"),  # buy before the effective date
        ("invest", "2022-02-14", "prohibited", "in_force", "prohibited"),  # on it
        ("invest", "2023-05-01", "prohibited", "in_force", "prohibited"),  # after
        ("divest", "2022-02-13", "allowed", "pending", "none"),  # sell before anything applies
        ("divest", "2022-06-01", "allowed", "in_force", "allowed"),  # sell to divest in the window
        ("divest", "2022-12-15", "allowed", "in_force", "allowed"),  # the published last day
        ("divest", "2022-12-16", "prohibited", "in_force", "prohibited"),  # after the divestment date
        ("transact", "2023-01-01", "allowed", "in_force", "none"),  # buying goods is not restricted
        ("export", "2023-01-01", "allowed", "in_force", "none"),
    ],
)
def test_cmic_date_arithmetic(activity, on, verdict, state, effect):
    v = ask([DJI_CMIC], activity, on, coverage={"us_ofac_cons": "2018-04-06"})
    f = only(v)
    assert (v.verdict, f.state, f.effect) == (verdict, state, effect)
    assert (f.effective_on, f.divestment_on) == ("2022-02-14", "2022-12-15")
    assert f.regime == "ofac_cmic"


def test_cmic_pending_sale_says_when_it_stops():
    f = only(ask([DJI_CMIC], "divest", "2022-02-13"))
    assert f.effect_from == "2022-12-16"


def test_an_effective_event_sets_a_party_specific_date():
    # OFAC told the market CNOOC Ltd's ban started 2021-03-09, 60 days after its own listing (notes #40).
    cnooc = [span("us_ofac_cons", programs=["CMIC-EO13959"], listed_on="2021-01-08")]
    events = [event("cnooc-effective", "2021-03-09", "effective", "us_ofac_cons", "start")]
    f = only(ask(cnooc, "invest", "2021-03-08", events))
    assert (f.state, f.effect_from) == ("pending", "2021-03-09")
    assert ask(cnooc, "invest", "2021-03-09", events).verdict == "prohibited"


# --- ZTE's 2018 denial order, known from events only (notes #6, #8, #9) -------------------------------

ZTE_EVENTS = [
    event("zte-denial", "2018-04-15", "denial_order", "us_bis_dpl", "start", until="2025-03-13", entry="zte"),
    event("zte-tga", "2018-07-02", "rule", "us_bis_dpl", "none", until="2018-08-01", entry="zte"),
    event(
        "zte-lifted",
        "2018-07-13",
        "denial_lifted",
        "us_bis_dpl",
        "end",
        entry="zte",
        summary="Order terminated",
    ),
]


def test_zte_denial_order_window():
    before = ask([], "export", "2018-04-14", ZTE_EVENTS)
    assert (before.verdict, before.findings) == ("allowed", [])
    during = ask([], "export", "2018-05-01", ZTE_EVENTS)
    f = only(during)
    assert (during.verdict, f.state, f.list, f.listed_on) == (
        "prohibited",
        "in_force",
        "us_bis_dpl",
        "2018-04-15",
    )
    assert f.sources == ["events"] and f.entity_ids == ["zte"]
    assert ask([], "transact", "2018-05-01", ZTE_EVENTS).verdict == "restricted"
    assert ask([], "export", "2018-07-12", ZTE_EVENTS).verdict == "prohibited"
    after = ask([], "export", "2018-07-13", ZTE_EVENTS)
    f = only(after)
    assert (after.verdict, f.state, f.removed_on) == ("allowed", "removed", "2018-07-13")
    assert "Order terminated" in f.explanation


def test_denial_order_term_expires():
    # Had it not been lifted, the order's own term would have ended it.
    v = ask([], "export", "2025-03-13", ZTE_EVENTS[:1])
    assert (v.verdict, only(v).state, only(v).expired_on) == ("allowed", "expired", "2025-03-13")


def test_dpl_entry_expires_on_its_end_date():
    dpl = [span("us_bis_dpl", source="us_bis_dpl", listed_on="2019-01-01", ends_on="2024-01-01")]
    assert ask(dpl, "export", "2023-12-31").verdict == "prohibited"
    f = only(ask(dpl, "export", "2024-01-01"))
    assert (f.state, f.expired_on) == ("expired", "2024-01-01")


# --- Huawei's Entity List date (notes #13) ------------------------------------------------------------

HUAWEI_EL = span(
    "us_bis_el",
    name="Huawei Technologies Co., Ltd.",
    source="us_bis_el",
    seen_from="2024-01-01",
    listed_on="2019-05-16",
    license_requirement="For all items subject to the EAR.",
    license_policy="Presumption of denial.",
    federal_register=["84 FR 22961"],
)


def test_huawei_entity_list_date():
    assert ask([HUAWEI_EL], "export", "2019-05-15").verdict == "allowed"
    v = ask([HUAWEI_EL], "export", "2019-05-16")
    f = only(v)
    assert (v.verdict, f.state, f.effect) == ("restricted", "in_force", "restricted")
    assert "For all items subject to the EAR." in f.activity_text
    assert "Presumption of denial." in f.activity_text
    assert "84 FR 22961" in f.citations
    invest = ask([HUAWEI_EL], "invest", "2020-01-01")
    assert (invest.verdict, only(invest).effect) == ("allowed", "none")


def test_published_listing_date_covers_a_date_before_the_first_snapshot():
    v = ask([HUAWEI_EL], "export", "2020-01-01", coverage={"us_bis_el": "2024-01-01"})
    assert (v.verdict, only(v).state) == ("restricted", "in_force")
    assert [n for n in v.notices if "History here starts" in n] == [
        "History here starts after 2020-01-01 for us_bis_el from 2024-01-01: a listing added and removed "
        "before then would not be seen (listings still published with their own dates are)."
    ]


# --- SDN: removal seen between two publications, and coverage ------------------------------------------

SDN = span(
    "us_ofac_sdn", source="us_ofac_sdn", seen_from="2024-02-28", removed_on="2024-05-01", programs=["SDGT"]
)
SDN_COVERAGE = {"us_ofac_sdn": "2024-02-28"}


def test_sdn_in_force_until_the_publication_without_it():
    v = ask([SDN], "transact", "2024-04-30", coverage=SDN_COVERAGE)
    assert (v.verdict, only(v).state) == ("prohibited", "in_force")
    assert ask([SDN], "invest", "2024-04-30").verdict == "prohibited"


def test_sdn_removed_from_the_later_publication_date():
    f = only(ask([SDN], "transact", "2024-05-01", coverage=SDN_COVERAGE))
    assert (f.state, f.removed_on, f.effect) == ("removed", "2024-05-01", "none")
    assert "absent from the publication" in f.explanation


def test_before_the_first_snapshot_is_unknown_not_allowed():
    v = ask([SDN], "transact", "2024-01-15", coverage=SDN_COVERAGE)
    f = only(v)
    assert (v.verdict, f.state) == ("unknown", "unknown")
    assert any("for us_ofac_sdn from 2024-02-28" in n for n in v.notices)
    # A restricting listing in force elsewhere still decides the verdict.
    el = span("us_bis_el", listed_on="2019-05-16")
    v = ask([SDN, el], "export", "2024-01-15", coverage=SDN_COVERAGE)
    assert v.verdict == "restricted"
    assert any("might restrict" in n for n in v.notices)


def test_no_span_before_coverage_only_warns():
    v = ask([], "transact", "2020-01-01", coverage={**SDN_COVERAGE, "us_ofac_cons": "2025-12-19"})
    assert v.verdict == "allowed"
    # one line for every source whose history starts later, not one per source
    [line] = [n for n in v.notices if "would not be seen" in n]
    assert "us_ofac_sdn from 2024-02-28, us_ofac_cons from 2025-12-19" in line


def test_a_csl_copy_and_the_ofac_record_merge_into_one_finding():
    copy = span("us_ofac_sdn", source="us_trade_csl", seen_from="2024-02-28", removed_on="2024-05-01")
    f = only(ask([SDN, copy], "transact", "2024-03-01"))
    assert f.sources == ["us_ofac_sdn", "us_trade_csl"]


# --- procurement, import, telecom: statutory start dates ---------------------------------------------


def test_1260h_informational_until_section_805():
    listed = [span("us_dod_1260h", listed_on="2021-06-03")]
    f = only(ask(listed, "procure", "2025-01-10"))
    assert (f.state, f.effect, f.effect_from) == ("pending", "none", "2026-06-30")
    v = ask(listed, "procure", "2026-06-30")
    assert (v.verdict, only(v).effect_from) == ("prohibited", "2026-06-30")
    assert "include goods or services" not in only(v).activity_text
    assert "include goods or services" in only(ask(listed, "procure", "2027-06-30")).activity_text
    assert only(ask(listed, "invest", "2025-01-10")).effect == "none"


def test_section_889_two_steps():
    huawei = [span("us_ndaa_889", listed_on="2018-08-13")]
    assert only(ask(huawei, "procure", "2019-08-12")).state == "pending"
    first = only(ask(huawei, "procure", "2019-08-13"))
    assert (first.effect, first.effect_from) == ("prohibited", "2019-08-13")
    assert "contract with any entity that uses" not in first.activity_text
    assert "contract with any entity that uses" in only(ask(huawei, "procure", "2020-08-13")).activity_text


def test_uflpa_import_presumption_is_restricted():
    entity = [span("us_dhs_uflpa", listed_on="2023-06-12")]
    v = ask(entity, "import", "2023-06-12")
    assert (v.verdict, only(v).effect) == ("restricted", "restricted")
    assert ask(entity, "import", "2023-06-11").verdict == "allowed"
    assert ask(entity, "export", "2023-07-01").verdict == "allowed"


def test_fcc_covered_list_subsidy_then_authorization_ban():
    covered = [span("us_fcc_covered", listed_on="2021-03-12")]
    # the subsidy ban applies 60 days after placement (47 U.S.C. 1602(a)(2)): 2021-05-11
    assert ask(covered, "telecom", "2021-05-10").verdict == "allowed"
    assert ask(covered, "telecom", "2021-06-01").verdict == "restricted"
    # FCC 22-84's authorization and import bar took effect on publication, 2023-02-06
    assert ask(covered, "telecom", "2023-02-05").verdict == "restricted"
    assert ask(covered, "telecom", "2023-02-06").verdict == "prohibited"
    assert ask(covered, "import", "2023-02-05").verdict == "allowed"
    assert ask(covered, "import", "2023-02-06").verdict == "restricted"


def test_curated_end_date_means_removed():
    # Curated listings carry their removal as the listing's end date.
    ended = [span("us_dod_1260h", listed_on="2024-01-31", ends_on="2024-12-17")]
    f = only(ask(ended, "procure", "2025-01-10"))
    assert (f.state, f.removed_on) == ("removed", "2024-12-17")


def test_same_day_delisting_and_relisting():
    # Hesai: removed from its original 1260H record and re-listed on a new one on 2024-10-16 (notes #80).
    periods = [
        span("us_dod_1260h", listed_on="2024-01-31", removed_on="2024-10-16"),
        span("us_dod_1260h", listed_on="2024-10-16"),
    ]
    events = [
        event("hesai-removal", "2024-10-16", "removal", "us_dod_1260h", "end"),
        event("hesai-relisting", "2024-10-16", "relisting", "us_dod_1260h", "start"),
    ]
    v = ask(periods, "procure", "2026-07-01", events)
    assert sorted(f.state for f in v.findings) == ["in_force", "removed"]
    assert v.verdict == "prohibited"


# --- severity, programs, notices ---------------------------------------------------------------------


def test_most_severe_in_force_effect_wins():
    spans = [span("us_bis_el", listed_on="2019-05-16"), span("us_ofac_sdn", listed_on="2020-01-01")]
    v = ask(spans, "export", "2021-01-01")
    assert v.verdict == "prohibited"
    assert [f.list for f in v.findings] == ["us_ofac_sdn", "us_bis_el"]


def test_ssi_and_unmodelled_programs():
    ssi = [span("us_ofac_cons", programs=["UKRAINE-EO13662"], listed_on="2014-07-16")]
    assert ask(ssi, "invest", "2020-01-01").verdict == "restricted"
    other = [span("us_ofac_cons", programs=["BURMA-EO14014"], listed_on="2023-10-31")]
    v = ask(other, "transact", "2024-01-01")
    assert (v.verdict, only(v).regime) == ("restricted", "ofac_cons_other")
    assert any("not modelled in detail" in n for n in v.notices)


def test_events_without_a_listing_are_reported_not_applied():
    events = [event("stray-pi", "2021-03-12", "injunction", "us_dod_ccmc", "suspend")]
    v = ask([], "invest", "2021-04-01", events)
    assert v.verdict == "allowed"
    assert any("stray-pi" in n and "not applied" in n for n in v.notices)


def test_an_earlier_start_event_extends_a_publication_span_back():
    late = [span("us_ofac_sdn", source="us_ofac_sdn", seen_from="2024-02-28")]
    events = [event("designated", "2019-05-01", "designation", "us_ofac_sdn", "start")]
    f = only(ask(late, "transact", "2020-01-01", events, coverage=SDN_COVERAGE))
    assert (f.state, f.listed_on) == ("in_force", "2019-05-01")


def test_verdict_serialises_to_json():
    v = ask([XIAOMI], "invest", "2021-03-16", XIAOMI_EVENTS)
    data = json.loads(json.dumps(v.to_dict()))
    assert data["verdict"] == "allowed"
    assert data["findings"][0]["case"]["docket"] == "1:21-cv-00280-RC"


# --- bad input ---------------------------------------------------------------------------------------


def test_unknown_activity_is_an_error():
    with pytest.raises(StatusError, match="unknown activity 'smuggle'"):
        ask([], "smuggle", "2021-01-01")
    assert issubclass(StatusError, RedlistError)
    assert ask([], " Invest ", "2021-01-01").activity == "invest"


@pytest.mark.parametrize("bad", ["2021/01/01", "20210101", "", "yesterday", "2021-1-1", None, 20210101])
def test_malformed_dates_are_errors(bad):
    with pytest.raises(StatusError, match="ISO date"):
        ask([], "invest", bad)


@pytest.mark.parametrize("bad", ["2021-02-30", "2021-13-01", "2021-00-10"])
def test_impossible_dates_are_errors(bad):
    with pytest.raises(StatusError, match="not a real calendar date"):
        ask([], "invest", bad)


def test_bad_coverage_date_is_an_error():
    with pytest.raises(StatusError, match="coverage date of us_ofac_sdn"):
        ask([], "invest", "2021-01-01", coverage={"us_ofac_sdn": "28/02/2024"})


def test_future_date_answers_from_latest_data_with_a_notice():
    listed = [span("us_dod_1260h", listed_on="2021-06-03")]
    v = ask(listed, "procure", "2026-07-01", today=date(2026, 3, 1))
    assert v.verdict == "prohibited"
    assert any("after today (2026-03-01)" in n for n in v.notices)
    assert not any("after today" in n for n in ask(listed, "procure", date(2026, 2, 1)).notices)


def test_an_effective_event_without_effect_still_sets_the_date():
    # The curated events record scheduled effective dates with effect "none" (notes #43, #47).
    events = [event("luokung-effective", "2021-05-08", "effective", "us_dod_ccmc", "none")]
    f = only(ask([LUOKUNG], "invest", "2021-03-20", events))
    assert (f.state, f.effect_from) == ("pending", "2021-05-08")


# --- the packaged curated data, when present -----------------------------------------------------------


def _curated():
    from redlist import curated

    return curated.curated_entities(), curated.load_events()


def _curated_party(entities, events, entity_id):
    spans = [
        ListingSpan(lst, "curated", e.entity_id, e.name, None, lst.ends_on)
        for e in entities
        if e.entity_id == entity_id
        for lst in e.listings
    ]
    mine = [e for e in events if any(p.get("entry") == entity_id for p in e.parties)]
    return spans, mine


def test_xiaomi_sequence_on_the_packaged_curated_data():
    spans, events = _curated_party(*_curated(), entity_id="us_dod_ccmc:xiaomi")
    assert spans, "the packaged data has Xiaomi's s.1237 entry"
    states = {
        d: ask(spans, "invest", d, events) for d in ("2021-01-10", "2021-02-15", "2021-03-16", "2021-07-01")
    }
    assert [v.verdict for v in states.values()] == ["allowed"] * 4
    assert states["2021-01-10"].findings == []
    assert [(f.state, f.effect_from) for f in states["2021-02-15"].findings] == [("pending", "2021-03-15")]
    assert [f.state for f in states["2021-03-16"].findings] == ["enjoined"]
    assert [(f.state, f.removed_on) for f in states["2021-07-01"].findings] == [("removed", "2021-05-25")]


def test_zte_denial_order_on_the_packaged_curated_events():
    _, events = _curated()
    _, zte = _curated_party([], events, entity_id="us_ndaa_889:zte")
    assert any(e.list_id == "us_bis_dpl" and e.effect == "start" for e in zte)  # the 2018 denial order
    assert ask([], "export", "2018-04-14", zte).verdict == "allowed"
    assert ask([], "export", "2018-05-01", zte).verdict == "prohibited"
    assert ask([], "export", "2018-07-14", zte).verdict == "allowed"
