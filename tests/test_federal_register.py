"""The Federal Register reader: API JSON (document and search results) and full-text XML."""

from __future__ import annotations

import json
import re

import pytest

from redlist.errors import SourceError
from redlist.sources.base import Format
from redlist.sources.federal_register import (
    newest,
    read_document_json,
    read_full_text_xml,
    read_notice,
    read_search_json,
)

from conftest import FIXTURES

UFLPA = FIXTURES / "dhs_uflpa"


def test_document_json_fields():
    doc = read_document_json((UFLPA / "2025-99901.json").read_bytes(), source="t", file="2025-99901.json")
    assert (doc.document_number, doc.citation, doc.publication_date, doc.effective_on) == (
        "2025-99901",
        "90 FR 99901",
        "2025-01-15",
        None,
    )
    assert doc.agencies == ["Homeland Security Department"] and doc.type == "Notice"
    assert doc.full_text_xml_url.endswith("/2025-99901.xml")


def test_search_results_and_the_newest_matching_notice():
    results = {
        "count": 3,
        "results": [
            {
                "document_number": "2024-00001",
                "title": "Notice of Designation of Chinese Military Companies",
                "publication_date": "2024-04-02",
            },
            {
                "document_number": "2025-00002",
                "title": "Notice of Availability of Designation of Chinese Military Companies",
                "publication_date": "2025-01-07",
            },
            {"document_number": "2025-00003", "title": "Something else", "publication_date": "2025-02-01"},
        ],
    }
    docs = read_search_json(json.dumps(results).encode(), source="t", file="documents.json")
    title = re.compile("Designation of Chinese Military Compan")
    assert newest(docs, title).document_number == "2025-00002"
    assert newest(docs, title, on_or_before="2024-12-31").document_number == "2024-00001"
    assert newest(docs, title, on_or_before="2020-01-01") is None
    with pytest.raises(SourceError, match="not Federal Register search results"):
        read_search_json(b'{"document_number": "2025-00002"}', source="t", file="documents.json")
    with pytest.raises(SourceError, match="no document_number"):
        read_document_json(json.dumps(results).encode(), source="t", file="x.json")


def test_full_text_xml_paragraphs_tables_and_frdoc():
    doc = read_full_text_xml((UFLPA / "2025-99901.xml").read_bytes(), source="t", file="2025-99901.xml")
    assert doc.title == "Notice Regarding the Uyghur Forced Labor Prevention Act Entity List"
    assert doc.document_number == "2025-99901" and doc.filed_on == "2025-01-14"
    assert doc.dates_text == "The entity added is effective January 15, 2025."
    assert [t.header for t in doc.tables] == [["Entity name", "Effective date"]] * 2
    assert "Section 2(d)(2)(B)(v)" in doc.tables[1].context and "(B)(i)" not in doc.tables[1].context
    # footnote marks (SU, FTREF) are not part of a cell's text
    assert doc.tables[1].rows[0] == [
        "Example Green Energy Co., Ltd. (also known as EG Solar)",
        "January 15, 2025.",
    ]
    assert doc.paragraphs[0].heading == "I. Background"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE NOTICE [<!ENTITY x "boom">]><NOTICE>&x;</NOTICE>', "unsafe XML"),
        (b"<NOTICE><PREAMB><SUBJECT>Cut off", "invalid or truncated XML"),
        (
            b"<FEDREG><NOTICE><SUPLINF/></NOTICE><NOTICE><SUPLINF/></NOTICE></FEDREG>",
            "2 documents in one file",
        ),
        (b"<RULE><PREAMB><SUBJECT>A rule</SUBJECT></PREAMB></RULE>", "no SUPPLEMENTARY INFORMATION"),
        (b"<html><body>Service unavailable</body></html>", "HTML page"),
    ],
)
def test_unusable_xml_is_refused(data, message):
    with pytest.raises(SourceError, match=message):
        read_full_text_xml(data, source="t", file="2025-00001.xml")


def test_notice_json_must_be_the_same_document():
    files = {
        "2025-99901.xml": (UFLPA / "2025-99901.xml").read_bytes(),
        "2025-99070.json": (FIXTURES / "dod_1260h" / "2025-99070.json").read_bytes(),
    }
    with pytest.raises(SourceError, match="API JSON is for FR Doc 2025-99070, the XML for 2025-99901"):
        read_notice(files, source="t")
    with pytest.raises(SourceError, match="one Federal Register notice at a time"):
        read_notice({"a.json": b"{}"}, source="t")


def test_formats_bind_file_name_patterns():
    fmt = Format("fr", ("[0-9][0-9][0-9][0-9]-[0-9]*.xml",), ("*.json",), lambda files: None)  # type: ignore[arg-type,return-value]
    names = {"2025-00070.xml", "2025-00070.json", "notes.txt"}
    assert fmt.matches(names) and not fmt.matches({"notes.txt"})
    bound = fmt.bind(names)
    assert (bound.required, bound.optional) == (("2025-00070.xml",), ("2025-00070.json",))


def test_parsed_publications_are_primary_and_curated_entries_their_copy():
    from redlist.sources import precedence

    for list_id in ("us_dhs_uflpa", "us_fcc_covered", "us_dod_1260h"):
        assert precedence.primary(list_id) == list_id
        assert precedence.is_copy(list_id, "curated") and not precedence.is_copy(list_id, list_id)
    assert not precedence.is_copy("us_dod_ccmc", "curated")  # no official parser: curated stands alone
