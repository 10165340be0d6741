"""Purpose-limited listings (issue 13 item 5): NDAA s.889(f)(3)(B) and the FCC Covered List cover
Hytera, Hikvision and Dahua equipment only for public safety, security of government facilities,
physical security surveillance of critical infrastructure and other national security purposes.

The scope is data (a curated list file's ``scopes``, a source's reviewed mapping) carried on the
listing; the status engine turns it into ``review`` when no purpose is stated, the rule's effect
for a covered purpose and no effect for another, and a rule with ``beyond_scope`` applies whatever
the purpose. The engine is tested on hand-written regimes and listings; the facade, the CLI and the
API on the bundled data.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from redlist.cli import app
from redlist.curated import check as check_curated
from redlist.curated import policy
from redlist.curated.loader import load_lists
from redlist.model import Listing, Scope
from redlist.regimes import rules
from redlist.regimes.rules import check_regimes, load_regimes
from redlist.regimes.status import ListingSpan, StatusError, combine, evaluate
from redlist.service import Redlist
from redlist.settings import Settings

from conftest import cover_every_list

TODAY = date(2026, 3, 1)
LIMIT = Scope(
    id="limited",
    purposes=("public_safety", "critical_infrastructure"),
    text="for the purpose of public safety and physical security surveillance of critical infrastructure",
    citation="Example Act s.1(b)",
    source_url="https://www.congress.gov/example",
    verification="confirmed",
)

# Two hand-written regimes: a procurement ban every scope limits, and an authorization bar that
# reaches scoped equipment whatever its use.
REGIMES = """\
regimes:
  - id: ndaa_889
    list: us_ndaa_889
    title: Example procurement ban
    authority: Example Act
    citation: Example Act s.1
    source_url: https://www.congress.gov/example
    who: Executive agencies
    verification: confirmed
    rules:
      - activity: procure
        effect: prohibited
        from: {field: listed_on}
        text: Agencies may not procure the covered equipment.
        citation: Example Act s.1(a)
  - id: fcc_covered
    list: us_fcc_covered
    title: Example authorization bar
    authority: Example Order
    citation: Example Order para. 1
    source_url: https://www.fcc.gov/example
    who: Applicants for equipment authorization
    verification: confirmed
    rules:
      - activity: telecom
        effect: restricted
        from: {field: listed_on}
        text: No subsidy may buy the covered equipment.
        citation: Example Order para. 2
      - activity: telecom
        effect: prohibited
        from: {date: "2023-02-06"}
        text: No new equipment authorizations.
        citation: Example Order para. 3
        beyond_scope:
          text: The order authorizes none of the company's equipment until its marketing plan is approved.
          citation: Example Order para. 4
          source_url: https://www.example.org/summary
          verification: secondary
"""


@pytest.fixture(scope="module")
def regimes(tmp_path_factory: pytest.TempPathFactory) -> list:
    path = tmp_path_factory.mktemp("regimes") / "regimes.yaml"
    path.write_text(REGIMES, encoding="utf-8")
    found, problems = rules._parse(path)  # two regimes: the other lists' missing ones are expected
    assert all("no regime (every list" in p for p in problems), problems
    return found


def span(list_id: str, scope: Scope | None = LIMIT, *, source: str = "curated", **listing) -> ListingSpan:
    listing.setdefault("listed_on", "2021-03-12")
    return ListingSpan(
        Listing(list_id, scope=scope, **listing), source, f"{list_id}:x", "Example Co", None, None
    )


def ask(regimes, spans, activity: str, purpose: str | None = None, on: str = "2025-06-01", **kw):
    return evaluate(list(spans), [], activity, on, today=TODAY, regimes=regimes, purpose=purpose, **kw)


# --- the engine ------------------------------------------------------------------------------------


def test_without_a_scope_the_rule_applies_as_before(regimes) -> None:
    answer = ask(regimes, [span("us_ndaa_889", None)], "procure")
    [f] = answer.findings
    assert (answer.verdict, f.effect, f.scope, f.scope_status) == ("prohibited", "prohibited", None, None)
    assert ask(regimes, [span("us_ndaa_889", None)], "procure", "other").verdict == "prohibited"


def test_no_purpose_gives_review_quoting_the_scope(regimes) -> None:
    answer = ask(regimes, [span("us_ndaa_889")], "procure")
    [f] = answer.findings
    assert answer.verdict == "review"
    assert (f.state, f.effect, f.scope_status) == ("in_force", "review", "not_stated")
    assert f.scope == {
        "id": "limited",
        "purposes": ["public_safety", "critical_infrastructure"],
        "text": LIMIT.text,
        "citation": "Example Act s.1(b)",
        "source_url": "https://www.congress.gov/example",
        "verification": "confirmed",
    }
    assert f'"{LIMIT.text}"' in f.explanation
    assert "No purpose was given" in f.explanation and "this activity is prohibited" in f.explanation
    assert "Example Act s.1(b)" in f.citations
    assert any("no purpose was given" in n for n in answer.notices)
    assert answer.purpose is None


@pytest.mark.parametrize("purpose", ["public_safety", "critical_infrastructure", "Public-Safety"])
def test_a_covered_purpose_gives_the_rules_effect(regimes, purpose: str) -> None:
    answer = ask(regimes, [span("us_ndaa_889")], "procure", purpose)
    [f] = answer.findings
    assert (answer.verdict, f.effect, f.scope_status) == ("prohibited", "prohibited", "covered")
    assert "is one the listing covers" in f.explanation
    assert answer.notices == []


@pytest.mark.parametrize("purpose", ["other", "national_security"])
def test_another_purpose_is_not_restricted_by_that_list(regimes, purpose: str) -> None:
    answer = ask(regimes, [span("us_ndaa_889")], "procure", purpose)
    [f] = answer.findings
    assert (answer.verdict, f.state, f.effect, f.scope_status) == (
        "allowed",
        "in_force",
        "none",
        "not_covered",
    )
    assert "is not one of them" in f.explanation and LIMIT.text in f.explanation


def test_a_rule_beyond_the_scope_applies_whatever_the_purpose(regimes) -> None:
    for purpose in (None, "other", "public_safety"):
        answer = ask(regimes, [span("us_fcc_covered")], "telecom", purpose)
        [f] = answer.findings
        assert (answer.verdict, f.effect, f.scope_status) == ("prohibited", "prohibited", "beyond_scope")
        assert "Whatever the purpose: The order authorizes none" in f.explanation
        assert {"Example Order para. 4", "https://www.example.org/summary"} <= set(f.citations)
        assert f.verification == "secondary"  # the beyond-scope reading is weaker than the rule


def test_before_the_beyond_scope_rule_the_scope_limits_the_other_rule(regimes) -> None:
    spans = [span("us_fcc_covered")]
    assert ask(regimes, spans, "telecom", on="2022-01-01").verdict == "review"
    assert ask(regimes, spans, "telecom", "public_safety", on="2022-01-01").verdict == "restricted"
    assert ask(regimes, spans, "telecom", "other", on="2022-01-01").verdict == "allowed"


def test_another_list_without_a_scope_still_decides(regimes) -> None:
    spans = [span("us_ndaa_889"), span("us_fcc_covered", None)]
    answer = ask(regimes, spans, "telecom", "other")
    assert answer.verdict == "prohibited"
    assert ask(regimes, [span("us_ndaa_889"), span("us_ndaa_889", None)], "procure").verdict == "prohibited"


def test_an_unknown_standing_with_a_scope_is_unknown_not_allowed(regimes) -> None:
    gap = span("us_ndaa_889", source="us_example", listed_on=None)
    gap.seen_from = "2025-01-01"
    answer = ask(regimes, [gap], "procure", on="2024-06-01", coverage={"us_example": "2025-01-01"})
    assert answer.verdict == "unknown"
    assert ask(
        regimes, [gap], "procure", "other", on="2024-06-01", coverage={"us_example": "2025-01-01"}
    ).verdict == ("allowed")


def test_an_unknown_purpose_is_an_error(regimes) -> None:
    with pytest.raises(StatusError, match="unknown purpose 'commercial'"):
        ask(regimes, [span("us_ndaa_889")], "procure", "commercial")


def test_the_answer_serialises_with_the_scope(regimes) -> None:
    data = json.loads(json.dumps(ask(regimes, [span("us_ndaa_889")], "procure", "public_safety").to_dict()))
    assert data["purpose"] == "public_safety"
    assert data["findings"][0]["scope"]["purposes"] == ["public_safety", "critical_infrastructure"]
    assert data["findings"][0]["scope_status"] == "covered"


def test_a_scope_review_is_not_called_an_ownership_review(regimes) -> None:
    base = ask(regimes, [span("us_ndaa_889")], "procure")
    combined = combine(base, [], ["extra"])
    assert combined.verdict == "review"
    assert not any("owner" in n for n in combined.notices)


# --- the data files --------------------------------------------------------------------------------


def _list_file(folder: Path, scopes: str, entry_scope: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    header = "list: us_ndaa_889\ntitle: t\nauthority: a\nsource_url: https://www.congress.gov/x\n"
    entry = (
        "  - {id: hikvision, name: Example Hikvision, listed_on: '2018-08-13', "
        f"scope: {entry_scope}, citation: c, source_url: 'https://www.congress.gov/x', verification: confirmed}}\n"
    )
    text = header + "scopes:\n" + textwrap.indent(scopes, "  ") + "entries:\n" + entry
    (folder / "us_ndaa_889.yaml").write_text(text, encoding="utf-8")
    return folder


GOOD_SCOPE = """\
- id: f3b
  purposes: [public_safety, national_security]
  text: For the purpose of public safety
  citation: s.889(f)(3)(B)
  source_url: https://www.congress.gov/x
  verification: confirmed
"""


def test_a_list_file_scope_reaches_the_listing(tmp_path: Path) -> None:
    folder = _list_file(tmp_path / "ok", GOOD_SCOPE, "f3b")
    assert check_curated(folder) == []
    [lst] = load_lists(folder)
    assert lst.scopes[0].purposes == ("public_safety", "national_security")
    assert lst.entries[0].scope == lst.scopes[0]


@pytest.mark.parametrize(
    ("scopes", "entry_scope", "problem"),
    [
        (GOOD_SCOPE, "f3c", "field 'scope': no scope 'f3c' in this file's scopes"),
        (GOOD_SCOPE.replace("national_security", "commercial"), "f3b", "unknown purpose 'commercial'"),
        (GOOD_SCOPE.replace("national_security", "other"), "f3b", "unknown purpose 'other'"),
        (GOOD_SCOPE.replace("national_security", "public_safety"), "f3b", "a purpose is named twice"),
        (GOOD_SCOPE.replace("  text: For the purpose of public safety\n", ""), "f3b", "field 'text'"),
    ],
)
def test_a_bad_scope_is_refused_with_its_place(
    tmp_path: Path, scopes: str, entry_scope: str, problem: str
) -> None:
    found = check_curated(_list_file(tmp_path / "bad", scopes, entry_scope))
    assert any(problem in p and "us_ndaa_889.yaml:" in p for p in found), found


def test_a_confirmed_scope_needs_a_primary_source(tmp_path: Path) -> None:
    folder = _list_file(
        tmp_path / "p", GOOD_SCOPE.replace("https://www.congress.gov/x", "https://lawfirm.example/n"), "f3b"
    )
    assert any("scope 'f3b'" in p and "not a primary" in p for p in policy.problems(folder))


def test_beyond_scope_is_checked_like_a_rule(tmp_path: Path) -> None:
    path = tmp_path / "regimes.yaml"
    path.write_text(
        REGIMES.replace("          verification: secondary\n", "          verification: likely\n")
    )
    assert any("beyond_scope" in p and "verification" in p for p in check_regimes(path))


def test_the_bundled_data_limits_hytera_hikvision_and_dahua_only() -> None:
    for lst in load_lists():
        if lst.list_id not in ("us_ndaa_889", "us_fcc_covered"):
            assert not lst.scopes
            continue
        scoped = {e.id for e in lst.entries if e.scope}
        assert scoped == {"hytera", "hikvision", "dahua"}, lst.list_id
        [scope] = lst.scopes
        assert set(scope.purposes) == {
            "public_safety",
            "government_facilities",
            "critical_infrastructure",
            "national_security",
        }
        assert "public safety, security of government facilities" in scope.text
    fcc = next(r for r in load_regimes() if r.id == "fcc_covered")
    assert [r.beyond_scope is not None for r in fcc.rules] == [False, True, True]


# --- the facade, the CLI and the API on the bundled data ----------------------------------------------


@pytest.fixture(scope="module")
def redlist(tmp_path_factory: pytest.TempPathFactory) -> Redlist:
    r = Redlist(Settings.load(home=tmp_path_factory.mktemp("home"), reload_interval=0))
    cover_every_list(r, "2025-06-01")  # every list loaded: "not restricted" can be a clearance
    return r


def _889(result) -> dict:
    [f] = [f for f in result.findings if f["list"] == "us_ndaa_889"]
    return f


def test_facade_hikvision_procurement_with_and_without_purpose(redlist: Redlist) -> None:
    unstated = redlist.check("Hikvision", activity="procure", on="2025-06-01")
    assert unstated.verdict == "review"
    assert (_889(unstated)["effect"], _889(unstated)["scope_status"]) == ("review", "not_stated")
    assert "No purpose was given" in _889(unstated)["explanation"]
    assert "purpose" not in unstated.query and "purpose" not in unstated.to_dict()

    covered = redlist.check("Hikvision", activity="procure", on="2025-06-01", purpose="public_safety")
    assert covered.verdict == "prohibited" and _889(covered)["scope_status"] == "covered"
    assert covered.to_dict()["purpose"] == covered.query["purpose"] == "public_safety"

    other = redlist.check("Hikvision", activity="procure", on="2025-06-01", purpose="other")
    assert other.verdict == "allowed" and _889(other)["effect"] == "none"


def test_facade_huawei_has_no_scope(redlist: Redlist) -> None:
    for purpose in (None, "other"):
        result = redlist.check(
            "Huawei Technologies Company", activity="procure", on="2025-06-01", purpose=purpose
        )
        assert result.verdict == "prohibited"
        assert _889(result)["scope"] is None and _889(result)["scope_status"] is None


def test_cli_check_purpose(redlist: Redlist) -> None:
    runner = CliRunner()
    home = str(redlist.settings.home)
    base = ["check", "Hikvision", "--activity", "procure", "--on", "2025-06-01"]
    unstated = runner.invoke(app, [*base, "--json"], env={"REDLIST_HOME": home})
    assert unstated.exit_code == 6, unstated.output  # review
    assert json.loads(unstated.stdout)["verdict"] == "review"
    covered = runner.invoke(app, [*base, "--purpose", "public_safety", "--json"], env={"REDLIST_HOME": home})
    assert json.loads(covered.stdout)["verdict"] == "prohibited"
    text = runner.invoke(app, [*base, "--purpose", "other"], env={"REDLIST_HOME": home})
    assert text.exit_code == 0 and "ALLOWED" in text.stdout and "used for other" in text.stdout
    assert "scope: covers public safety" in text.stdout
    bad = runner.invoke(app, [*base, "--purpose", "commercial"], env={"REDLIST_HOME": home})
    assert bad.exit_code != 0 and "unknown purpose" in bad.output


def test_api_check_purpose(redlist: Redlist) -> None:
    from redlist.api.app import create_app

    params = {"name": "Hikvision", "activity": "procure", "on": "2025-06-01"}
    with TestClient(create_app(home=redlist.settings.home), raise_server_exceptions=False) as client:
        assert client.get("/check", params=params).json()["verdict"] == "review"
        covered = client.get("/check", params=params | {"purpose": "public_safety"}).json()
        assert covered["verdict"] == "prohibited" and covered["purpose"] == "public_safety"
        posted = client.post("/check", json=params | {"purpose": "other"}).json()
        assert posted["verdict"] == "allowed"
        assert client.get("/check", params=params | {"purpose": "commercial"}).status_code == 422
        page = client.get("/ui/check", params=params)
        assert page.status_code == 200 and "Look closer" in page.text and "not stated" in page.text


def test_batch_rows_may_state_the_purpose(redlist: Redlist, tmp_path: Path) -> None:
    source = tmp_path / "questions.csv"
    source.write_text(
        "id,name,activity,date,purpose\n"
        "1,Hikvision,procure,2025-06-01,\n"
        "2,Hikvision,procure,2025-06-01,public_safety\n"
        "3,Hikvision,procure,2025-06-01,commercial\n",
        encoding="utf-8",
    )
    answers = tmp_path / "answers.jsonl"
    counts = redlist.check_file(source, answers, purpose="other")  # the default for rows that give none
    rows = [json.loads(line) for line in answers.read_text(encoding="utf-8").splitlines()]
    assert counts == {"rows": 3, "errors": 1}
    assert [r.get("verdict") for r in rows] == ["allowed", "prohibited", None]
    assert "unknown purpose 'commercial'" in rows[2]["error"] and rows[2]["query"]["purpose"] == "commercial"
