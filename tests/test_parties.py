"""Parties: entries judged one legal person, with the evidence of each link, and status on parties.

Hand-written fixtures in the official formats: the OFAC consolidated CSV set (a CMIC issuer with
ISINs and OFAC's dates), a CSL JSON copy of it, the eCFR Entity List, and curated folders.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

import redlist
from redlist.curated import check as check_curated
from redlist.errors import RedlistError
from redlist.parties import judgements
from redlist.service import Redlist
from redlist.settings import Settings

from conftest import FIXTURES, cover_every_list


def _csl_copy(folder: Path, rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "consolidated.json").write_text(json.dumps({"total": len(rows), "results": rows}))
    return folder


CMIC_COPY = {
    "id": "c201",
    "source": "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
    "entity_number": "201",
    "type": "Entity",
    "programs": ["CMIC-EO13959"],
    "name": "Example Telecom Corporation Limited",
    "alt_names": ["Example Telecom"],
    "addresses": [{"address": "31 Example Street", "city": "Beijing", "country": "CN"}],
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def _open(home: Path) -> Redlist:
    return Redlist(Settings.load(home=home, reload_interval=0))


def test_a_csl_copy_defers_to_ofacs_own_dates(home, tmp_path) -> None:
    r = _open(home)
    [cons] = r.update(["us_ofac_cons"], origin=str(FIXTURES / "ofac_csv" / "cons"), as_of="2024-01-02")
    [csl] = r.update(
        ["us_trade_csl"], origin=str(_csl_copy(tmp_path / "csl", [CMIC_COPY])), as_of="2024-06-01"
    )
    assert cons.ok and csl.ok
    party, _ = r.party("ofac-201")
    assert party is not None and party.entry_ids == ["ofac-201"]
    [member] = party.members
    assert member.sources == ["us_ofac_cons", "us_trade_csl"]
    assert [link.evidence for link in party.links] == ["source_key"]
    # OFAC's Listing Date 2021-06-03, Effective 2021-08-02: before the OFAC file was loaded here,
    # and long before the CSL first showed the copy (2024-06-01)
    answer = r.check(entity_id="ofac-201", activity="invest", on="2021-09-01")
    assert answer.verdict == "prohibited"
    [finding] = [f for f in answer.findings if f["list"] == "us_ofac_cons"]
    assert finding["sources"] == ["us_ofac_cons"] and finding["effective_on"] == "2021-08-02"
    assert r.check(entity_id="ofac-201", activity="invest", on="2021-07-01").verdict == "allowed"  # pending


def test_a_copy_alone_stands_on_its_own(home, tmp_path) -> None:
    r = _open(home)
    r.update(["us_trade_csl"], origin=str(_csl_copy(tmp_path / "csl", [CMIC_COPY])), as_of="2024-06-01")
    answer = r.check(entity_id="ofac-201", activity="invest", on="2024-09-01")
    assert answer.verdict == "prohibited"  # the CMIC regime reaches the CSL's copy too
    assert [f["sources"] for f in answer.findings if f["list"] == "us_ofac_cons"] == [["us_trade_csl"]]


def test_shared_identifier_links_entries(home, tmp_path) -> None:
    curated = _curated_folder(
        tmp_path, identifiers="[{type: isin, value: US1694261033}]", name="Zeta Holdings"
    )
    r = _open(home)
    r.update(["us_ofac_cons"], origin=str(FIXTURES / "ofac_csv" / "cons"), as_of="2024-01-02")
    graph = _resolve(r, curated)
    party = graph.party_of("us_dod_1260h:zeta")
    assert party is not None and party.id == "ofac-201"
    [link] = [link for link in party.links if link.evidence == "identifier"]
    assert "US1694261033" in link.reason


def test_curated_same_as_links_and_missing_ids(home, tmp_path) -> None:
    curated = _curated_folder(tmp_path, same_as="[ofac-201]", name="Quite Another Name")
    r = _open(home)
    r.update(["us_ofac_cons"], origin=str(FIXTURES / "ofac_csv" / "cons"), as_of="2024-01-02")
    graph = _resolve(r, curated)
    assert graph.party_of("us_dod_1260h:zeta").id == "ofac-201"
    [link] = [link for link in graph.party_of("ofac-201").links if link.evidence == "curated"]
    assert link.a == "us_dod_1260h:zeta" and link.b == "ofac-201"
    # an official id the data does not hold is reported, not linked
    missing = _curated_folder(tmp_path / "m", same_as="[ofac-999999]", name="Zeta")
    assert any("ofac-999999" in note for note in _resolve(r, missing).notes)
    # a curated id that does not exist is refused when the files load
    bad = _curated_folder(tmp_path / "b", same_as="[us_dod_ccmc:nobody]", name="Zeta")
    assert any("no curated entry 'us_dod_ccmc:nobody'" in p for p in check_curated(bad))


def test_related_is_not_same(home) -> None:
    r = _open(home)
    r.update(["us_ofac_cons"], origin=str(FIXTURES / "ofac_csv" / "cons"), as_of="2024-01-02")
    cover_every_list(r, "2024-05-31")
    party, _ = r.party("ofac-201")  # OFAC: "Linked To: EXAMPLE TELECOM GROUP." (ofac-202)
    assert party is not None and party.entry_ids == ["ofac-201"]
    [rel] = party.related
    assert (rel.party_id, rel.relation, rel.evidence) == ("ofac-202", "linked_to", "published")
    answer = r.check(entity_id="ofac-201", activity="export", on="2024-06-01")
    assert answer.verdict == "allowed"  # CMIC does not restrict exports; the group's listing is context
    [context] = answer.related
    assert context["party_id"] == "ofac-202" and "linked to" in context["text"]


def test_names_need_type_country_and_different_lists(tmp_path) -> None:
    from redlist.model import Address, Entity, EntityType, Listing, Name
    from redlist.parties.evidence import EntryInfo, name_links

    def entry(eid: str, name: str, lst: str, country: str | None, etype=EntityType.ORGANIZATION) -> EntryInfo:
        addresses = [Address(country_code=country)] if country else []
        entity = Entity("x", eid, eid, etype, [Name(name)], addresses=addresses, listings=[Listing(lst)])
        return EntryInfo(entity, ["x"], [lst], True, "official")

    entries = {
        "a": entry("a", "Zeta Optics Co., Ltd.", "us_bis_el", "CN"),
        "b": entry("b", "ZETA OPTICS LIMITED", "us_ofac_sdn", "HK"),  # HK counts as China here
        "c": entry("c", "Zeta Optics Company", "us_bis_dpl", None),  # no country: not enough
        "d": entry("d", "Zeta Optics", "us_bis_meu", "CN", EntityType.PERSON),  # another type
        "e": entry("e", "Zeta Optics Co., Ltd.", "us_bis_el", "CN"),  # the same list as "a"
    }
    pairs = {(link.a, link.b) for link in name_links(entries)}
    assert pairs == {("a", "b"), ("b", "e")}


def test_user_judgement_overrides_a_bundled_one(home, tmp_path, monkeypatch) -> None:
    r = _open(home)
    r.update(["us_ofac_cons"], origin=str(FIXTURES / "ofac_csv" / "cons"), as_of="2024-01-02")
    bundled = tmp_path / "bundled.yaml"
    bundled.write_text(
        textwrap.dedent(
            """\
            judgements:
              - a: ofac-201
                b: ofac-203
                judgement: same
                reason: a test judgement
                citation: test citation
                source_url: https://example.gov/j
            """
        )
    )
    monkeypatch.setattr(judgements, "bundled_path", lambda: bundled)
    r.refresh()
    with r._open_store(shared=False) as store:
        r._resolve_parties(store)
    r.refresh()
    assert r.party("ofac-203")[0].id == "ofac-201"  # a reviewed judgement may join two OFAC entries
    r.link("ofac-201", "ofac-203", "not_same", "they are two companies")
    party, _ = r.party("ofac-203")
    assert party.id == "ofac-203"
    assert any("replaces the bundled one" in note for note in r.party_notes())
    with pytest.raises(RedlistError, match="reason"):
        r.link("ofac-201", "ofac-203", "same", "")


def _own(r: Redlist, share: float | None) -> None:
    sub = {"name": "Example Precision Subsidiary Ltd", "country": "HK"}
    r.link(
        sub, "bis-el-a99a00854017", "related", "annual report of the parent", relation="owned_by", share=share
    )


@pytest.mark.parametrize(
    ("share", "verdicts"),
    [
        (0.6, {"2025-10-15": "restricted", "2025-12-01": "allowed", "2026-11-15": "restricted"}),
        (0.3, {"2025-10-15": "allowed", "2025-12-01": "allowed", "2026-11-15": "allowed"}),
        (None, {"2025-10-15": "review", "2025-12-01": "allowed", "2026-11-15": "review"}),
    ],
)
def test_ownership_through_an_entity_list_owner(home, share, verdicts) -> None:
    r = _open(home)
    [el] = r.update(["us_bis_el"], origin=str(FIXTURES / "bis_el" / "part-744.xml"), as_of="2025-06-01")
    assert el.ok
    cover_every_list(r, "2025-06-01")
    _own(r, share)
    for day, verdict in verdicts.items():
        answer = r.check("Example Precision Subsidiary Ltd", activity="export", on=day)
        assert answer.verdict == verdict, (day, answer.findings, answer.notices)
        assert answer.party is not None and answer.party["id"].startswith("unlisted:")
        through = [f for f in answer.findings if f.get("via")]
        if verdict in ("restricted", "review"):
            [f] = through
            assert f["via"]["owner"] == "bis-el-a99a00854017" and f["via"]["share"] == share
            assert f["regime"] == "bis_affiliates_rule"
            assert ("Through ownership" if verdict == "restricted" else "Review") in f["explanation"]
        if day == "2026-11-15" and verdict == "restricted":
            assert through[0]["verification"] == "unconfirmed"  # the reimposition is not confirmed
    related = r.check("Example Precision Subsidiary Ltd", activity="export", on="2025-10-15").related
    assert [x["relation"] for x in related] == ["owned_by"]


def test_party_cli(home) -> None:
    from typer.testing import CliRunner

    from redlist.cli import app

    runner = CliRunner()
    base = ["--home", str(home)]
    result = runner.invoke(
        app, [*base, "update", "us_bis_el", "--from", str(FIXTURES / "bis_el" / "part-744.xml")]
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, [*base, "party", "show", "Hikvision", "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["id"] == "bis-el-d5cdfb9947b9"
    assert {"us_dod_ccmc:hikvision", "us_fcc_covered:hikvision"} <= {e["entry_id"] for e in data["entries"]}
    linked = runner.invoke(
        app,
        [*base, "party", "link", "Example Holdings Ltd", "bis-el-d5cdfb9947b9", "--related", "owned_by",
         "--share", "55", "--country", "CN", "--reason", "filing"],
    )  # fmt: skip
    assert linked.exit_code == 0, linked.output
    check = runner.invoke(
        app, [*base, "check", "Example Holdings Ltd", "--activity", "export", "--on", "2025-10-15"]
    )
    assert check.exit_code == 7 and "RESTRICTED" in check.stdout and "through ownership" in check.stdout
    assert runner.invoke(app, [*base, "party", "link", "a", "b"]).exit_code == 2  # no judgement given


# --- helpers --------------------------------------------------------------------------------------


def _curated_folder(tmp_path: Path, *, name: str, same_as: str = "[]", identifiers: str = "[]") -> Path:
    folder = tmp_path / "curated"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "us_dod_1260h.yaml").write_text(
        textwrap.dedent(
            f"""\
            list: us_dod_1260h
            title: Test
            authority: test
            source_url: https://example.gov/1260h
            entries:
              - id: zeta
                name: {name}
                country: CN
                listed_on: 2022-10-05
                same_as: {same_as}
                identifiers: {identifiers}
                citation: test
                source_url: https://example.gov/1260h
                verification: secondary
            """
        )
    )
    return folder


def _resolve(r: Redlist, folder: Path):  # noqa: ANN202 - a PartyGraph
    from redlist.curated import load
    from redlist.parties.resolve import resolve

    with r._open_store(shared=False) as store:
        return resolve(store, load(folder), r.settings.home)


def test_open_accepts_settings(tmp_path) -> None:
    assert redlist.open(tmp_path / "h", max_batch=7).settings.max_batch == 7
    shutil.rmtree(tmp_path / "h", ignore_errors=True)
