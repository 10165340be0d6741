"""FCC Covered List: the fcc.gov page on a hand-written fixture, and the reviewed item mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from redlist.errors import DataFileError, SourceError
from redlist.model import EntityType
from redlist.sources.fcc_covered import load_mapping, mapping_path, parse_covered_page

from conftest import FIXTURES

PAGE = (FIXTURES / "fcc_covered" / "coveredlist.html").read_text(encoding="utf-8")


def parse(text: str = PAGE):
    return parse_covered_page({"coveredlist.html": text.encode("utf-8")})


def test_items_become_the_companies_they_name():
    result = parse()
    assert result.row_errors == [] and result.as_of == "2026-01-07"
    entities = {e.name: e for e in result.records}
    assert set(entities) == {
        "Huawei Technologies Company",
        "Hangzhou Hikvision Digital Technology Company",
        "Pacific Networks Corp.",
        "ComNet (USA) LLC",
        "Kaspersky Lab, Inc.",
        "Example Networks Limited",
        "Shenzhen Da-Jiang Innovations Sciences and Technologies Company Limited",
        "Autel Robotics",
    }
    huawei = entities["Huawei Technologies Company"]
    assert [n.value for n in huawei.names] == ["Huawei Technologies Company", "Huawei"]
    [listing] = huawei.listings
    assert (listing.list_id, listing.listed_on, listing.source_url) == (
        "us_fcc_covered",
        "2021-03-12",
        "https://www.fcc.gov/supplychain/coveredlist",
    )
    assert listing.remarks.startswith(
        "Telecommunications equipment produced by Huawei"
    )  # the page's own wording
    comnet = entities["ComNet (USA) LLC"]
    assert comnet.relations[0].target_key == entities["Pacific Networks Corp."].key
    assert entities["Autel Robotics"].listings[0].listed_on == "2025-12-22"
    assert "DJI" in [
        n.value
        for n in entities["Shenzhen Da-Jiang Innovations Sciences and Technologies Company Limited"].names
    ]


def test_an_unmapped_item_is_kept_and_reported_never_dropped():
    result = parse()
    example = next(e for e in result.records if e.name == "Example Networks Limited")
    assert (
        example.type == EntityType.ORGANIZATION and example.listings[0].listed_on == "2026-02-02"
    )  # "**" ignored
    assert any(
        "not in the reviewed mapping" in w and "'Example Networks Limited'" in w for w in result.warnings
    )
    # an item that names no producer at all is kept under its own words
    odd = PAGE.replace(
        "Routing equipment produced by Example Networks Limited, including services provided by such entity.",
        "Any satellite ground stations.",
    )
    kept = next(e for e in parse(odd).records if e.name == "Any satellite ground stations.")
    assert kept.type == EntityType.UNKNOWN
    # a reviewed category row (foreign-produced UAS) makes no entry, and says so
    assert any("names no company" in w and "foreign-uas" in w for w in result.warnings)
    assert any("conditional-approval" in w for w in result.warnings)
    assert not any("Approved Maker" in e.name for e in result.records)


def test_changed_layout_or_empty_table_is_refused():
    with pytest.raises(SourceError, match="no table with a covered equipment/services column.*Item \\| When"):
        parse(
            PAGE.replace(
                "<th>Covered Equipment or Services*</th><th>Date of Inclusion on Covered List</th>",
                "<th>Item</th><th>When</th>",
            )
        )
    start, end = PAGE.index("<tbody>"), PAGE.index("</tbody>")
    with pytest.raises(SourceError, match="Covered List table has no rows"):
        parse(PAGE[: start + 7] + PAGE[end:])
    with pytest.raises(SourceError, match="ends before </html>"):
        parse(PAGE[:2000])
    result = parse(PAGE.replace("<td>March 12, 2021</td>", "<td>soon</td>", 1))
    assert "unreadable date of inclusion 'soon'" in result.row_errors[0].message


def test_every_mapping_row_matches_its_own_wording_and_names_companies_once():
    rows = load_mapping()
    assert len(rows) >= 12
    names = [c.name for row, _, _ in rows for c in row.companies]
    assert len(names) == len(set(names))
    for row, pattern, scope in rows:
        assert row.verification in ("confirmed", "secondary", "unconfirmed")
        assert pattern.search(row.wording)
        matching = [other.id for other, p, _ in rows if p.search(row.wording)]
        assert matching == [row.id], f"{row.id}'s wording also matches {matching}"
        # a row is purpose-limited exactly when its wording says so
        assert (scope is not None) == ("to the extent it is used for" in row.wording), row.id
    assert {row.id for row, _, scope in rows if scope} == {"hytera", "hikvision", "dahua"}


def test_purpose_limited_items_carry_their_scope():
    result = parse()
    entities = {e.name: e for e in result.records}
    [hikvision] = entities["Hangzhou Hikvision Digital Technology Company"].listings
    assert hikvision.scope is not None and hikvision.scope.purposes == (
        "public_safety",
        "government_facilities",
        "critical_infrastructure",
        "national_security",
    )
    assert "to the extent it is used for the purpose of public safety" in hikvision.scope.text
    assert entities["Huawei Technologies Company"].listings[0].scope is None
    assert not any("purpose-limited" in w for w in result.warnings)
    # the scope survives the store's round trip
    from redlist.model import Entity

    record = entities["Hangzhou Hikvision Digital Technology Company"]
    assert Entity.from_dict(record.to_dict()) == record


def test_a_scope_the_page_no_longer_shows_is_reported():
    changed = parse(PAGE.replace("to the extent it is used for", "when used for", 1))
    assert any("no longer reads as purpose-limited" in w and "'hikvision'" in w for w in changed.warnings)


def test_a_bad_mapping_file_names_each_problem(tmp_path: Path):
    text = mapping_path().read_text(encoding="utf-8")
    bad = tmp_path / "fcc_covered_items.yaml"
    bad.write_text(
        text.replace("pattern: 'produced by ZTE Corporation'", "pattern: 'produced by ZTE Corp('"),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as info:
        load_mapping(bad)
    assert any("fcc_covered_items.yaml" in p and "not a regular expression" in p for p in info.value.problems)
    bad.write_text(
        text.replace("pattern: 'produced by ZTE Corporation'", "pattern: 'produced by Nobody'"),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="does not match the row's own wording"):
        load_mapping(bad)
    bad.write_text(text.replace("scope: purpose-limited", "scope: limited", 1), encoding="utf-8")
    with pytest.raises(DataFileError, match="no scope 'limited' in this file's scopes"):
        load_mapping(bad)
    bad.write_text(text.replace("- id: zte\n", "- id: huawei\n", 1), encoding="utf-8")
    with pytest.raises(DataFileError, match="duplicate id"):
        load_mapping(bad)
