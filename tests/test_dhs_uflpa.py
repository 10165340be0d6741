"""DHS UFLPA Entity List: the dhs.gov page and a Federal Register notice, on hand-written fixtures."""

from __future__ import annotations

import pytest

from redlist import sources
from redlist.errors import SourceError
from redlist.model import NameType
from redlist.sources.dhs_uflpa import parse_uflpa_notice, parse_uflpa_page
from redlist.sources.listed_names import read_listed_name, stable_id
from redlist.store import Store
from redlist.store.update import update

from conftest import FIXTURES

DIR = FIXTURES / "dhs_uflpa"
PAGE = (DIR / "uflpa-entity-list.html").read_text(encoding="utf-8")


def page(text: str = PAGE, encoding: str = "utf-8"):
    return parse_uflpa_page({"uflpa-entity-list.html": text.encode(encoding)})


def by_name(result):
    return {e.name: e for e in result.records}


def test_page_sections_dates_aliases_and_subsidiaries():
    result = page()
    assert result.row_errors == [] and result.warnings == []
    assert result.as_of == "2025-01-15"  # "Last Updated: 01/15/2025"
    entities = by_name(result)
    assert len(entities) == 12
    hair = entities["Example Hair Accessories Co., Ltd."]
    [listing] = hair.listings
    assert (listing.list_id, listing.programs, listing.listed_on, listing.effective_on) == (
        "us_dhs_uflpa",
        ["UFLPA 2(d)(2)(B)(i)"],
        "2022-06-21",
        "2022-06-21",
    )
    assert listing.source_url == "https://www.dhs.gov/uflpa-entity-list"
    assert hair.entity_id == hair.key == stable_id("us_dhs_uflpa", "Example Hair Accessories Co., Ltd")
    # one entity on two lists: two listings, each with its own clause and date
    metals = entities["Example Nonferrous Metals Co., Ltd."]
    assert [(x.programs[0], x.listed_on) for x in metals.listings] == [
        ("UFLPA 2(d)(2)(B)(ii)", "2024-11-25"),
        ("UFLPA 2(d)(2)(B)(v)", "2025-01-15"),
    ]
    energy = entities["Example Green Energy Co., Ltd."]
    assert [(n.value, n.type) for n in energy.names[1:]] == [
        ("EG Solar", NameType.AKA),
        ("Example Solar Co. Ltd.", NameType.AKA),
        ("Wuxi Example CNC Co., Ltd.", NameType.FKA),
        ("Wuxi Example Automation Co., Ltd.", NameType.FKA),
    ]
    # an alias on a line of its own in the cell (<br>)
    assert [n.value for n in entities["Example Exporter Trading Co., Ltd."].names] == [
        "Example Exporter Trading Co., Ltd.",
        "Example Export Co.",
    ]
    assert entities["Example Food Co., Ltd."].names[1].type == NameType.FKA
    corps = entities["Example Production and Construction Corps"]
    assert [n.value for n in corps.names] == ["Example Production and Construction Corps", "EPCC"]
    assert corps.listings[0].remarks == "and its subordinate and affiliated entities"
    # subsidiaries: records of their own, related to the parent, with the parent's clause and date
    for name, parent in [
        ("Example Silicon Industry (Shanshan) Co., Ltd.", "Example Silicon Industry Co., Ltd."),
        ("Zhuhai Example Information Technology Co., Ltd.", "Example Printing Corporation"),
        ("Zhuhai Example Electronics Co., Ltd.", "Example Printing Corporation"),
    ]:
        sub = entities[name]
        assert sub.relations[0].type == "subsidiary_of" and sub.relations[0].target_name == parent
        assert sub.relations[0].target_key == entities[parent].key
        assert sub.listings[0].listed_on == entities[parent].listings[0].listed_on
        assert sub.listings[0].remarks == f"listed as a subsidiary of {parent}"
    assert "Ürümqi Example Textile Co., Ltd." in entities  # UTF-8 read as declared


def test_changed_layout_is_refused_naming_what_is_missing():
    renamed = PAGE.replace("<th>Entity Name</th><th>Effective Date</th>", "<th>Company</th><th>Added</th>")
    with pytest.raises(
        SourceError, match="no table with an entity-name and an effective-date column.*Company \\| Added"
    ):
        page(renamed)
    no_heading = PAGE.replace("<h2>Section 2(d)(2)(B)(i)</h2>", "<h2>Entities of the first list</h2>")
    with pytest.raises(SourceError, match=r"unknown section heading above the table at line \d+.*first list"):
        page(no_heading)
    with pytest.raises(SourceError, match=r"unknown UFLPA list 2\(d\)\(2\)\(B\)\(vi\)"):
        page(PAGE.replace("<h3>Section 2(d)(2)(B)(iv)</h3>", "<h3>Section 2(d)(2)(B)(vi)</h3>"))
    start = PAGE.index("<tr><td>Example Exporter")
    empty = PAGE[:start] + PAGE[PAGE.index("</tr>", start) + 5 :]
    with pytest.raises(SourceError, match=r"table of list 2\(d\)\(2\)\(B\)\(iv\) has no rows"):
        page(empty)
    with pytest.raises(SourceError, match="no tables at all"):
        page("<html><body><p>Page not found</p></body></html>")


def test_truncated_undecodable_and_unsafe_pages_are_refused():
    with pytest.raises(SourceError, match="ends before </html>"):
        page(PAGE[: PAGE.index("Section 2(d)(2)(B)(v)")])
    latin1 = PAGE.encode("utf-8").replace("Ürümqi".encode(), "Ürümqi".encode("latin-1"))
    with pytest.raises(SourceError, match="not valid utf-8") as info:
        parse_uflpa_page({"uflpa-entity-list.html": latin1})
    assert info.value.source == "us_dhs_uflpa" and info.value.line is not None
    # the same bytes are fine when the page declares the charset they are in
    declared = PAGE.replace('<meta charset="utf-8" />', '<meta charset="windows-1252" />')
    assert "Ürümqi Example Textile Co., Ltd." in by_name(page(declared, "cp1252"))
    with pytest.raises(SourceError, match="unknown charset"):
        page(PAGE.replace('charset="utf-8"', 'charset="klingon-8"'))
    with pytest.raises(SourceError, match="declares entities"):
        page('<!DOCTYPE html [<!ENTITY x "y">]>' + PAGE)


def test_a_bad_date_is_a_row_error():
    result = page(PAGE.replace("<td>May 17, 2024</td>", "<td>sometime</td>"))
    [error] = result.row_errors
    assert "unreadable effective date 'sometime'" in error.message and error.line > 0


def test_federal_register_notice_appendix():
    files = {n: (DIR / n).read_bytes() for n in ("2025-99901.xml", "2025-99901.json")}
    result = parse_uflpa_notice(files)
    assert result.format == "federal_register" and result.as_of == "2025-01-15"
    entities = by_name(result)
    assert set(entities) == {
        "Example Hair Accessories Co., Ltd",
        "Example Green Energy Co., Ltd.",
        "Example Cotton Co., Ltd.",
        "Example Cotton Warehouse Co., Ltd.",
    }
    energy = entities["Example Green Energy Co., Ltd."]
    assert [n.value for n in energy.names] == ["Example Green Energy Co., Ltd.", "EG Solar"]
    [listing] = energy.listings
    assert (listing.programs, listing.listed_on) == (["UFLPA 2(d)(2)(B)(v)"], "2025-01-15")
    assert listing.federal_register == ["90 FR 99901, FR Doc 2025-99901 (2025-01-15)"]
    assert (
        entities["Example Cotton Warehouse Co., Ltd."].relations[0].target_name == "Example Cotton Co., Ltd."
    )
    # the same entry keeps its id on the page and in the notice, punctuation aside
    assert (
        entities["Example Hair Accessories Co., Ltd"].key
        == by_name(page())["Example Hair Accessories Co., Ltd."].key
    )
    # without the API JSON: no publication date, said so
    xml_only = parse_uflpa_notice({"2025-99901.xml": files["2025-99901.xml"]})
    assert xml_only.as_of is None and "carries no publication date" in xml_only.warnings[0]


def test_notice_of_another_kind_or_without_its_table_is_refused():
    xml = (DIR / "2025-99901.xml").read_text()
    other = xml.replace(
        "Notice Regarding the Uyghur Forced Labor Prevention Act Entity List", "Tuna Tariff-Rate Quota"
    )
    with pytest.raises(SourceError, match="not a UFLPA Entity List notice"):
        parse_uflpa_notice({"2025-99901.xml": other.encode()})
    no_table = (
        xml.replace("Entity name", "Product")
        .replace("Effective date", "Rate")
        .replace("Effective<LI>date</LI>", "Rate")
    )
    with pytest.raises(
        SourceError, match="no appendix table with an entity-name and an effective-date column"
    ):
        parse_uflpa_notice({"2025-99901.xml": no_table.encode()})
    no_clause = xml.replace("Section 2(d)(2)(B)(i): ", "")
    with pytest.raises(SourceError, match="unknown section heading above appendix table 1"):
        parse_uflpa_notice({"2025-99901.xml": no_clause.encode()})


def test_listed_name_forms():
    listed = read_listed_name(
        "Example Printing Corporation and its eight Zhuhai-based subsidiaries: A Co., Ltd., B Co., Ltd., and C Co., Ltd."
    )
    assert (listed.name, listed.subsidiaries) == (
        "Example Printing Corporation",
        ["A Co., Ltd.", "B Co., Ltd.", "C Co., Ltd."],
    )
    listed = read_listed_name(
        "Example Silicon Industry Co., Ltd. (including one alias: Example Silicon Co., Ltd.)"
    )
    assert listed.aliases == ["Example Silicon Co., Ltd."]
    assert (
        read_listed_name("Kashgar Example Engineering (Group) Co., Ltd.").name
        == "Kashgar Example Engineering (Group) Co., Ltd."
    )


def test_update_from_the_page_and_a_changed_page_keeps_the_last_snapshot(tmp_path):
    with Store.open(tmp_path / "home") as store:
        [result] = update(store, ["us_dhs_uflpa"], origin=str(DIR / "uflpa-entity-list.html"))
        assert result.status == "stored", result.message
        assert result.snapshot.as_of == "2025-01-15" and result.snapshot.format == "html"
        broken = tmp_path / "uflpa-entity-list.html"
        broken.write_text(PAGE.replace("Effective Date", "Added"), encoding="utf-8")
        [failed] = update(store, ["us_dhs_uflpa"], origin=str(broken))
        assert (
            failed.status == "failed"
            and "us_dhs_uflpa" in failed.message
            and "effective-date column" in failed.message
        )
        assert store.snapshot_count("us_dhs_uflpa") == 1
        # a notice is recognised by its file names (the FR document number)
        folder = tmp_path / "notice"
        folder.mkdir()
        for name in ("2025-99901.xml", "2025-99901.json"):
            (folder / name).write_bytes((DIR / name).read_bytes())
        [shrunk] = update(store, ["us_dhs_uflpa"], origin=str(folder), as_of="2025-01-15")
        assert shrunk.status == "refused" and "fewer" in shrunk.message  # the fixture notice is shorter
        [notice] = update(
            store,
            ["us_dhs_uflpa"],
            origin=str(folder),
            as_of="2025-01-15",
            allow_shrink="a shorter hand-written notice",
        )
        assert notice.status == "stored", notice.message
        assert notice.snapshot.format == "federal_register" and notice.snapshot.record_count == 4
    spec = sources.get("us_dhs_uflpa")
    assert spec.pick_format({"2025-99901.xml", "2025-99901.json"}).name == "federal_register"
    assert spec.pick_format({"uflpa-entity-list"}).name == "html"
    assert spec.urls == {"uflpa-entity-list.html": "https://www.dhs.gov/uflpa-entity-list"}
