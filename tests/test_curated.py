"""The curated YAML loader and checks, on hand-written fixtures and on the package's own data."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from redlist.curated import (
    CuratedDataError,
    check,
    curated_entities,
    data_dir,
    load_events,
    load_lists,
)
from redlist.model import EntityType, NameType

LIST_YAML = """\
list: us_dod_ccmc
title: Test CCMC
authority: FY1999 NDAA s.1237
source_url: https://example.gov/ccmc
editions:
  - id: tranche-5
    date: 2021-01-14
    citation: DoD release of 2021-01-14
    source_url: https://example.gov/t5
    verification: confirmed
entries:
  - id: xiaomi
    name: Xiaomi Corporation
    aliases: [Xiaomi]
    type: organization
    country: CN
    listed_on: 2021-01-14
    edition: tranche-5
    removed_on: 2021-05-25
    identifiers: [{type: isin, value: US0378331005}]
    citation: DoD release of 2021-01-14
    source_url: https://example.gov/t5
    verification: secondary
  - id: hesai
    name: Hesai Technology
    listed_on: 2024-01-31
    relisted_on: [2024-10-16]
    citation: FR Doc 2024-06895
    source_url: https://example.gov/h
    verification: secondary
"""

EVENTS_YAML = """\
events:
  - id: xiaomi-preliminary-injunction
    date: 2021-03-12
    kind: injunction
    list: us_dod_ccmc
    parties:
      - entry: us_dod_ccmc:xiaomi
      - entity_id: ofac-99001
    effect: suspend
    until: 2021-05-25
    case: {title: Xiaomi Corp. v. Department of Defense, docket: No. 1:21-cv-00280-RC, court: D.D.C.}
    citation: Memorandum opinion, No. 21-cv-280 (RC)
    source_url: https://example.gov/opinion
    verification: confirmed
    summary: The court enjoined the designation.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path: Path) -> Path:
    write(tmp_path, "us_dod_ccmc.yaml", LIST_YAML)
    write(tmp_path, "events.yaml", EVENTS_YAML)
    return tmp_path


def one_problem(folder: Path) -> str:
    problems = check(folder)
    assert len(problems) == 1, problems
    return problems[0]


# --- fixtures ----------------------------------------------------------------------------------


def test_valid_file_loads(good):
    assert check(good) == []
    (lst,) = load_lists(good)
    assert lst.list_id == "us_dod_ccmc"
    assert [e.entity_id for e in lst.entries] == ["us_dod_ccmc:xiaomi", "us_dod_ccmc:hesai"]
    xiaomi = lst.entries[0]
    assert (xiaomi.listed_on, xiaomi.removed_on, xiaomi.edition) == ("2021-01-14", "2021-05-25", "tranche-5")
    assert xiaomi.aliases == ("Xiaomi",)
    assert lst.editions[0].date == "2021-01-14"


def test_events_load_with_parties_and_case(good):
    (event,) = load_events(good)
    assert event.kind == "injunction" and event.effect == "suspend"
    assert event.parties == ({"entry": "us_dod_ccmc:xiaomi"}, {"entity_id": "ofac-99001"})
    assert event.case is not None and event.case.docket == "No. 1:21-cv-00280-RC"
    assert event.until == "2021-05-25"


def test_missing_citation_names_file_entry_and_field(tmp_path):
    write(tmp_path, "us_dod_ccmc.yaml", LIST_YAML.replace("    citation: FR Doc 2024-06895\n", ""))
    problem = one_problem(tmp_path)
    assert "us_dod_ccmc.yaml" in problem and "'hesai'" in problem and "'citation'" in problem
    # the line is the hesai entry's (the missing field has no line of its own)
    line = LIST_YAML.splitlines().index("  - id: hesai") + 1
    with pytest.raises(
        CuratedDataError, match=rf"us_dod_ccmc\.yaml:{line}: entries\[1\] 'hesai': field 'citation': missing"
    ):
        load_lists(tmp_path)


def test_a_bad_field_is_reported_at_its_own_line(tmp_path):
    write(tmp_path, "us_dod_ccmc.yaml", LIST_YAML.replace("listed_on: 2024-01-31", "listed_on: 2024-13-31"))
    line = LIST_YAML.splitlines().index("    listed_on: 2024-01-31") + 1
    assert one_problem(tmp_path).startswith(f"us_dod_ccmc.yaml:{line}: entries[1] 'hesai': field 'listed_on'")


def test_bad_date_is_reported_not_raised_by_yaml(tmp_path):
    # 2021-02-30 would make the stock YAML loader fail on the whole file.
    write(tmp_path, "us_dod_ccmc.yaml", LIST_YAML.replace("listed_on: 2024-01-31", "listed_on: 2021-02-30"))
    problem = one_problem(tmp_path)
    assert "'hesai'" in problem and "'listed_on'" in problem and "2021-02-30" in problem


def test_non_iso_date_refused(tmp_path):
    write(tmp_path, "us_dod_ccmc.yaml", LIST_YAML.replace("listed_on: 2024-01-31", "listed_on: 31/01/2024"))
    assert "not a valid ISO date" in one_problem(tmp_path)


def test_future_date_refused(tmp_path):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    write(
        tmp_path, "us_dod_ccmc.yaml", LIST_YAML.replace("removed_on: 2021-05-25", f"removed_on: {tomorrow}")
    )
    problem = one_problem(tmp_path)
    assert "'xiaomi'" in problem and "future" in problem


def test_removed_before_listed_refused(tmp_path):
    write(tmp_path, "us_dod_ccmc.yaml", LIST_YAML.replace("removed_on: 2021-05-25", "removed_on: 2020-05-25"))
    assert "'removed_on'" in one_problem(tmp_path)


def test_unknown_list_refused(tmp_path):
    write(tmp_path, "us_dod_nope.yaml", LIST_YAML.replace("list: us_dod_ccmc", "list: us_dod_nope"))
    problems = check(tmp_path)
    assert any("unknown list id 'us_dod_nope'" in p for p in problems), problems
    with pytest.raises(CuratedDataError):
        load_lists(tmp_path)


def test_file_name_must_match_list_id(tmp_path):
    write(tmp_path, "ccmc.yaml", LIST_YAML)
    assert "file name must be us_dod_ccmc.yaml" in one_problem(tmp_path)


def test_duplicate_entry_id_refused(tmp_path):
    write(tmp_path, "us_dod_ccmc.yaml", LIST_YAML.replace("id: hesai", "id: xiaomi"))
    problem = one_problem(tmp_path)
    assert "'xiaomi'" in problem and "duplicate id" in problem


def test_unknown_edition_field_and_verification(tmp_path):
    text = (
        LIST_YAML.replace("edition: tranche-5", "edition: tranche-9")
        .replace("verification: secondary\n  - id: hesai", "verification: maybe\n  - id: hesai")
        .replace("    relisted_on:", "    remove_on: 2024-11-01\n    relisted_on:")
    )
    write(tmp_path, "us_dod_ccmc.yaml", text)
    problems = "\n".join(check(tmp_path))
    assert "no edition 'tranche-9'" in problems
    assert "'maybe' is not one of" in problems
    assert "'remove_on': unknown field" in problems


def test_bad_url_and_bad_check_digits(tmp_path):
    text = LIST_YAML.replace("source_url: https://example.gov/h", "source_url: example.gov/h").replace(
        "US0378331005", "US0378331006"
    )
    write(tmp_path, "us_dod_ccmc.yaml", text)
    problems = "\n".join(check(tmp_path))
    assert "must start with http" in problems
    assert "fails its check digits" in problems


def test_bad_event_reference(good):
    write(good, "events.yaml", EVENTS_YAML.replace("us_dod_ccmc:xiaomi", "us_dod_ccmc:xaomi"))
    problem = one_problem(good)
    assert (
        "events.yaml" in problem
        and "'xiaomi-preliminary-injunction'" in problem
        and "us_dod_ccmc:xaomi" in problem
    )
    with pytest.raises(CuratedDataError, match="no curated entry"):
        load_events(good)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("kind: injunction", "kind: lawsuit", "'kind'"),
        ("effect: suspend", "effect: pause", "'effect'"),
        (
            "      - entity_id: ofac-99001\n",
            "      - {entity_id: ofac-99001, entry: us_dod_ccmc:xiaomi}\n",
            "exactly one of",
        ),
        (
            "      - entity_id: ofac-99001\n",
            "      - name: Xiaomi Corporation\n",
            "exactly one of entry, entity_id",
        ),
        ("      - entity_id: ofac-99001\n", "      - entity_id: Xiaomi\n", "is not an entry id"),
        ("until: 2021-05-25", "until: 2021-01-01", "'until'"),
        ("list: us_dod_ccmc", "list: us_nope", "unknown list id"),
    ],
)
def test_malformed_events(good, old, new, expected):
    write(good, "events.yaml", EVENTS_YAML.replace(old, new))
    assert expected in one_problem(good)


def test_duplicate_event_id(good):
    body = EVENTS_YAML.split("events:\n", 1)[1]
    write(good, "events.yaml", EVENTS_YAML + body)
    assert "duplicate id" in one_problem(good)


def test_entities_from_fixture(good):
    by_id = {e.entity_id: e for e in curated_entities(good)}
    xiaomi = by_id["us_dod_ccmc:xiaomi"]
    assert xiaomi.source == "curated" and xiaomi.key == "us_dod_ccmc:xiaomi"
    assert xiaomi.type == EntityType.ORGANIZATION and xiaomi.countries == ["CN"]
    assert [(n.value, n.type) for n in xiaomi.names] == [
        ("Xiaomi Corporation", NameType.PRIMARY),
        ("Xiaomi", NameType.AKA),
    ]
    assert xiaomi.identifiers[0].valid is True
    (listing,) = xiaomi.listings
    assert (listing.list_id, listing.source_id) == ("us_dod_ccmc", "xiaomi")
    assert (listing.listed_on, listing.ends_on) == ("2021-01-14", "2021-05-25")
    assert listing.federal_register == ["DoD release of 2021-01-14"]
    assert listing.remarks == "verification: secondary"
    # a same-day delisting and re-listing gives two back-to-back listing periods
    hesai = by_id["us_dod_ccmc:hesai"]
    assert [(x.listed_on, x.ends_on) for x in hesai.listings] == [
        ("2024-01-31", "2024-10-16"),
        ("2024-10-16", None),
    ]


# --- the package's own data ----------------------------------------------------------------------


def test_packaged_data_has_no_problems():
    assert data_dir().is_dir()
    assert check() == []


def test_packaged_ccmc_has_xiaomi_and_luokung():
    ccmc = {lst.list_id: lst for lst in load_lists()}["us_dod_ccmc"]
    entries = {e.id: e for e in ccmc.entries}
    assert entries["xiaomi"].listed_on == "2021-01-14"
    assert entries["xiaomi"].removed_on == "2021-05-25"
    assert entries["luokung"].listed_on == "2021-01-14"
    # DoD's removal "as of June 3, 2021" was read on the tranche 4 page only
    assert entries["smic"].removed_on == "2021-06-03"
    assert entries["amec"].removed_on is None
    assert {e.edition for e in ccmc.entries} == {"tranche-1", "tranche-2-3", "tranche-4", "tranche-5"}


def test_packaged_1260h_hesai_relisting():
    lists = {lst.list_id: lst for lst in load_lists()}
    hesai = {e.id: e for e in lists["us_dod_1260h"].entries}["hesai"]
    assert hesai.periods() == [("2024-01-31", "2024-10-16"), ("2024-10-16", None)]


def test_packaged_entities_have_listing_dates():
    by_id = {e.entity_id: e for e in curated_entities()}
    xiaomi = by_id["us_dod_ccmc:xiaomi"]
    assert xiaomi.name == "Xiaomi Corporation"
    assert [(x.list_id, x.listed_on, x.ends_on) for x in xiaomi.listings] == [
        ("us_dod_ccmc", "2021-01-14", "2021-05-25")
    ]
    assert by_id["us_dod_ccmc:luokung"].listings[0].listed_on == "2021-01-14"
    assert all(e.listings and e.listings[0].listed_on for e in by_id.values())


def test_packaged_events_load():
    events = load_events()
    assert len(events) > 50
    assert [e.date for e in events] == sorted(e.date for e in events)
    by_id = {e.id: e for e in events}
    assert len(by_id) == len(events)  # ids are unique
    known = {entry.entity_id for lst in load_lists() for entry in lst.entries}
    refs = [p["entry"] for e in events for p in e.parties if "entry" in p]
    assert refs and set(refs) <= known
