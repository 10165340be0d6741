"""Parties from the parsed publications (issue 13): the subsidiaries the UFLPA, s.1260H and FCC
parsers make records of their own are related to their parent, with the publication as evidence;
a parsed record and the bundled curated copy of the same company are one party.

Hand-written fixtures: the parsers' own (``tests/fixtures/{dhs_uflpa,dod_1260h,fcc_covered}``) and
small curated folders written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from redlist.check import Checker
from redlist.curated import load as load_curated
from redlist.model import Entity, EntityType, Listing, Name, Relation
from redlist.parties.evidence import EntryInfo, published_relations
from redlist.parties.resolve import resolve
from redlist.sources.listed_names import stable_id
from redlist.store import Store
from redlist.store.update import update

from conftest import FIXTURES
from pdf_bytes import make_pdf

UFLPA_PAGE = FIXTURES / "dhs_uflpa" / "uflpa-entity-list.html"
FCC_PAGE = FIXTURES / "fcc_covered" / "coveredlist.html"


def _store(tmp_path: Path, source: str, origin: Path, as_of: str | None = None) -> Store:
    store = Store.open(tmp_path / "home")
    [result] = update(store, [source], origin=str(origin), as_of=as_of)
    assert result.ok, result.message
    return store


def _curated(folder: Path, list_id: str, entries: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{list_id}.yaml").write_text(
        f"list: {list_id}\ntitle: t\nauthority: a\nsource_url: https://www.dhs.gov/x\nentries:\n{entries}",
        encoding="utf-8",
    )
    return folder


def _entry(entry_id: str, name: str, listed_on: str, country: str = "CN") -> str:
    return (
        f"  - {{id: {entry_id}, name: '{name}', country: {country}, listed_on: '{listed_on}', citation: c, "
        "source_url: 'https://www.dhs.gov/x', verification: confirmed}\n"
    )


def _related(party, name: str):
    [rel] = [r for r in party.related if r.name == name]
    return rel


# --- published relations ---------------------------------------------------------------------------


def test_uflpa_subsidiaries_are_related_to_their_parent(tmp_path: Path) -> None:
    with _store(tmp_path, "us_dhs_uflpa", UFLPA_PAGE) as store:
        graph = resolve(
            store, load_curated(_curated(tmp_path / "c", "us_dod_ccmc", _entry("x", "X", "2021-01-14"))), None
        )
    child = graph.party_of(stable_id("us_dhs_uflpa", "Zhuhai Example Electronics Co., Ltd."))
    parent = graph.party_of(stable_id("us_dhs_uflpa", "Example Printing Corporation"))
    assert child is not None and parent is not None and child.id != parent.id  # related, never merged
    up = _related(child, "Example Printing Corporation")
    assert (up.relation, up.evidence, up.source) == ("subsidiary", "published", "us_dhs_uflpa")
    assert up.source_url == "https://www.dhs.gov/uflpa-entity-list"
    assert up.reason == "us_dhs_uflpa publishes 'subsidiary of: Example Printing Corporation'"
    down = _related(parent, "Zhuhai Example Electronics Co., Ltd.")
    assert (down.relation, down.evidence, down.source) == ("parent", "published", "us_dhs_uflpa")
    assert {r.name for r in parent.related} == {
        "Zhuhai Example Electronics Co., Ltd.",
        "Zhuhai Example Information Technology Co., Ltd.",
    }
    assert child.to_dict()["related"][0]["source"] == "us_dhs_uflpa"


def test_1260h_subsidiaries_are_related_to_their_parent(tmp_path: Path) -> None:
    pdf = tmp_path / "entities.pdf"
    pdf.write_bytes(
        make_pdf(
            [
                [
                    "ENTITIES IDENTIFIED AS CHINESE MILITARY COMPANIES OPERATING IN THE UNITED STATES",
                    "IN ACCORDANCE WITH SECTION 1260H OF THE NDAA FOR FISCAL YEAR 2021",
                    "1. Example Mobile Communications Group Co., Ltd.",
                    "- Example Mobile Hong Kong Co., Ltd.",
                    "2. Example Technology Co., Ltd. and its subsidiaries: Example Tech (Shenzhen) Co., Ltd.; "
                    "Example Tech Wuhan Co., Ltd.",
                    "1",
                ]
            ]
        )
    )
    with _store(tmp_path, "us_dod_1260h", pdf, as_of="2025-01-07") as store:
        graph = resolve(
            store, load_curated(_curated(tmp_path / "c", "us_dod_ccmc", _entry("x", "X", "2021-01-14"))), None
        )
    hong_kong = graph.party_of(stable_id("us_dod_1260h", "Example Mobile Hong Kong Co., Ltd."))
    wuhan = graph.party_of(stable_id("us_dod_1260h", "Example Tech Wuhan Co., Ltd."))
    assert hong_kong is not None and wuhan is not None
    assert _related(hong_kong, "Example Mobile Communications Group Co., Ltd.").relation == "subsidiary"
    rel = _related(wuhan, "Example Technology Co., Ltd.")
    assert (rel.relation, rel.evidence, rel.source) == ("subsidiary", "published", "us_dod_1260h")


def _info(source: str, key: str, name: str, *relations: Relation) -> tuple[str, EntryInfo]:
    entity = Entity(
        source,
        key,
        key,
        EntityType.ORGANIZATION,
        names=[Name(name)],
        relations=list(relations),
        listings=[Listing("us_dhs_uflpa", source_url="https://www.dhs.gov/uflpa-entity-list")],
    )
    return key, EntryInfo(entity, [source], ["us_dhs_uflpa"], True, "official")


def test_a_relation_reaches_a_record_of_its_own_publication_by_key_or_by_one_name() -> None:
    by_name = Relation("subsidiary_of", target_name="Parent Co., Ltd.")
    entries = dict(
        [
            _info("us_dhs_uflpa", "p1", "Parent Co., Ltd."),
            _info("us_dhs_uflpa", "s1", "Sub One Co., Ltd.", by_name),
            _info(
                "us_dhs_uflpa",
                "s2",
                "Sub Two Co., Ltd.",
                Relation("subsidiary_of", "Renamed", target_key="p1"),
            ),
            _info("us_dod_1260h", "other", "Parent Co. Ltd", Relation("subsidiary_of", target_name="Nobody")),
        ]
    )
    links = {(link.a, link.b, link.relation, link.source) for link in published_relations(entries)}
    assert links == {("s1", "p1", "subsidiary", "us_dhs_uflpa"), ("s2", "p1", "subsidiary", "us_dhs_uflpa")}
    # a name two records of the publication bear designates neither; another publication's record is no target
    entries.update([_info("us_dhs_uflpa", "p2", "Parent Co Ltd")])
    assert {(link.a, link.b) for link in published_relations(entries)} == {("s2", "p1")}
    lone = dict(
        [
            _info(
                "us_fcc_covered", "s3", "Sub Three", Relation("subsidiary_of", target_name="Parent Co., Ltd.")
            )
        ]
    )
    assert not any(link.a == "s3" for link in published_relations(entries | lone))


# --- a parsed record and its curated copy ------------------------------------------------------------


def test_a_parsed_uflpa_record_and_its_curated_copy_are_one_party(tmp_path: Path) -> None:
    folder = _curated(
        tmp_path / "c",
        "us_dhs_uflpa",
        _entry("hair", "Example Hair Accessories Co., Ltd.", "2022-06-21")
        + _entry("printing", "Example Printing Corporation", "2023-06-12"),
    )
    # the same name on another list, no country on the parsed record: not enough on its own
    _curated(folder, "us_dod_ccmc", _entry("food", "Example Food Co., Ltd.", "2021-01-14"))
    curated = load_curated(folder)
    with _store(tmp_path, "us_dhs_uflpa", UFLPA_PAGE) as store:
        graph = resolve(store, curated, None)
        parsed = stable_id("us_dhs_uflpa", "Example Hair Accessories Co., Ltd.")
        party = graph.party_of("us_dhs_uflpa:hair")
        assert party is not None and party.id == parsed  # the primary publication's record anchors it
        assert set(party.entry_ids) == {parsed, "us_dhs_uflpa:hair"}
        [link] = party.links
        assert link.evidence == "name" and "published by us_dhs_uflpa and copied by curated" in link.reason
        assert graph.party_of("us_dod_ccmc:food") != graph.party_of(
            stable_id("us_dhs_uflpa", "Example Food Co., Ltd.")
        )
        # the copy defers to the primary publication's listing, and the parent's copy joins it too
        checker = Checker(store, curated=curated, parties=graph)
        assert [s.source for s in checker.spans(party)] == ["us_dhs_uflpa"]
        printing = graph.party_of("us_dhs_uflpa:printing")
        assert printing is not None and printing.id == stable_id(
            "us_dhs_uflpa", "Example Printing Corporation"
        )
        result = checker.check(entity_id="us_dhs_uflpa:hair", activity="import", on="2025-02-01")
        assert result.verdict == "restricted" and result.party["id"] == parsed


def test_the_parsed_fcc_list_joins_the_bundled_entries_and_keeps_the_scope(tmp_path: Path) -> None:
    curated = load_curated()
    with _store(tmp_path, "us_fcc_covered", FCC_PAGE) as store:
        graph = resolve(store, curated, None)
        parsed = stable_id("us_fcc_covered", "Hangzhou Hikvision Digital Technology Company")
        party = graph.party_of(parsed)
        assert party is not None
        assert {parsed, "us_fcc_covered:hikvision", "us_ndaa_889:hikvision"} <= set(party.entry_ids)
        comnet = graph.party_of(stable_id("us_fcc_covered", "ComNet (USA) LLC"))
        assert comnet is not None
        assert _related(comnet, "Pacific Networks Corp.").relation == "subsidiary"
        checker = Checker(store, curated=curated, parties=graph)
        fcc = [s for s in checker.spans(party) if s.listing.list_id == "us_fcc_covered"]
        assert [s.source for s in fcc] == ["us_fcc_covered"] and fcc[0].listing.scope is not None
        unstated = checker.check(entity_id=parsed, activity="procure", on="2025-06-01")
        stated = checker.check(entity_id=parsed, activity="procure", on="2025-06-01", purpose="other")
        # the store holds the FCC page only: OFAC's lists (which also govern procurement) are
        # missing, so "not restricted by these lists" cannot be a clearance
        assert (unstated.verdict, stated.verdict) == ("review", "unknown")
        assert [m["list"] for m in stated.missing] == ["us_ofac_sdn", "us_ofac_cons", "us_state_isn"]
        assert [f["effect"] for f in stated.findings if f["list"] == "us_fcc_covered"] == ["none"]


@pytest.mark.parametrize("source", ["us_dhs_uflpa", "us_fcc_covered", "us_dod_1260h"])
def test_the_parsed_lists_are_primary_and_curated_a_copy(source: str) -> None:
    from redlist.sources import precedence

    assert precedence.primary(source) == source and precedence.is_copy(source, "curated")
