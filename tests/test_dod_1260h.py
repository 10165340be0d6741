"""DoD s.1260H list: the PDF (a tiny one written by hand here) and the Federal Register notice."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from redlist import sources
from redlist.errors import SourceError
from redlist.model import NameType
from redlist.sources.dod_1260h import locate_notice, parse_1260h_notice, parse_1260h_pdf
from redlist.store import Store
from redlist.store.update import update

from conftest import FIXTURES
from pdf_bytes import make_pdf

DIR = FIXTURES / "dod_1260h"
TITLE = [
    "ENTITIES IDENTIFIED AS CHINESE MILITARY COMPANIES OPERATING IN THE UNITED STATES",
    "IN ACCORDANCE WITH SECTION 1260H OF THE NDAA FOR FISCAL YEAR 2021",
]
PAGE_1 = [
    *TITLE,
    "1. Example Aero Engine Corporation of China",
    "2. Example Shipbuilding Corporation Limited (ESSC) (formerly Example",
    "Shipbuilding Industry Corporation)",
    "UNCLASSIFIED",
    "1",
]
PAGE_2 = [
    "3. Example Mobile Communications Group Co., Ltd.",
    "- Example Mobile Hong Kong Co., Ltd.",
    "4. Example Technology Co., Ltd. and its subsidiaries: Example Tech (Shenzhen) Co., Ltd.; Example Tech Wuhan Co., Ltd.",
    "2",
]
PDF = make_pdf([PAGE_1, PAGE_2])
NOTICE = {n: (DIR / n).read_bytes() for n in ("2025-99070.xml", "2025-99070.json")}


def names(result):
    return {e.name: e for e in result.records}


def test_pdf_numbered_list_with_former_names_acronyms_and_subsidiaries():
    result = parse_1260h_pdf({"entities.pdf": PDF})
    entities = names(result)
    assert list(entities) == [
        "Example Aero Engine Corporation of China",
        "Example Shipbuilding Corporation Limited",
        "Example Mobile Communications Group Co., Ltd.",
        "Example Mobile Hong Kong Co., Ltd.",
        "Example Technology Co., Ltd.",
        "Example Tech (Shenzhen) Co., Ltd.",
        "Example Tech Wuhan Co., Ltd.",
    ]
    ship = entities["Example Shipbuilding Corporation Limited"]  # wrapped over two lines, one entry
    assert [(n.value, n.type) for n in ship.names[1:]] == [
        ("ESSC", NameType.AKA),
        ("Example Shipbuilding Industry Corporation", NameType.FKA),
    ]
    assert (
        entities["Example Mobile Hong Kong Co., Ltd."].relations[0].target_name
        == "Example Mobile Communications Group Co., Ltd."
    )
    assert (
        entities["Example Tech Wuhan Co., Ltd."].relations[0].target_key
        == entities["Example Technology Co., Ltd."].key
    )
    listing = ship.listings[0]
    assert (listing.list_id, listing.programs) == ("us_dod_1260h", ["NDAA FY2021 s.1260H"])
    # the PDF alone carries no date: said so, entries undated
    assert result.as_of is None and listing.listed_on is None
    assert any("carries no date" in w for w in result.warnings)


def test_pdf_with_its_notice_is_dated_by_the_notice_and_compared():
    result = parse_1260h_pdf({"entities.pdf": PDF, **NOTICE})
    assert result.as_of == "2025-01-07"
    listing = names(result)["Example Aero Engine Corporation of China"].listings[0]
    assert (listing.listed_on, listing.effective_on) == ("2025-01-07", "2025-01-07")
    assert listing.federal_register == ["90 FR 99070, FR Doc 2025-99070 (2025-01-07)"]
    assert (
        "'example notice-only semiconductor corporation' is in FR Doc 2025-99070 but not in the PDF"
        in result.warnings
    )
    assert "'example technology co., ltd.' is in the PDF but not in FR Doc 2025-99070" in result.warnings


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>Access denied</body></html>", "an HTML page in place of the list's PDF"),
        (PDF[: len(PDF) // 2], "no end-of-file marker"),
        (b"%PDF-1.4\ngarbage\n%%EOF\n", "unreadable PDF"),
        (make_pdf([["1. Example Company Ltd."]]), "never mentions section 1260H"),
        (make_pdf([[*TITLE, "1. A Corporation", "3. C Corporation"]]), "entry 3 follows entry 1"),
        (make_pdf([[*TITLE, "The list is being revised."]]), "no numbered list"),
    ],
)
def test_unusable_pdfs_are_refused(data, message):
    with pytest.raises(SourceError, match=message) as info:
        parse_1260h_pdf({"entities.pdf": data})
    assert info.value.source == "us_dod_1260h"


def test_notice_alone_names_the_edition_and_dates_it():
    result = parse_1260h_notice(NOTICE)
    assert result.format == "federal_register" and result.as_of == "2025-01-07"
    entities = names(result)
    assert list(entities) == [
        "Example Aero Engine Corporation of China",
        "Example Shipbuilding Corporation Limited",
        "Example Mobile Communications Group Co., Ltd.",
        "Example Notice-Only Semiconductor Corporation",
    ]
    assert entities["Example Shipbuilding Corporation Limited"].names[2].type == NameType.FKA
    assert (
        entities["Example Aero Engine Corporation of China"]
        .listings[0]
        .source_url.startswith("https://www.federalregister.gov/documents/2025/01/07/2025-99070/")
    )
    # the same company keeps its id in the PDF and in the notice
    assert (
        entities["Example Aero Engine Corporation of China"].key
        == names(parse_1260h_pdf({"e.pdf": PDF}))["Example Aero Engine Corporation of China"].key
    )
    # the XML alone: dated by its DATES paragraph, with a warning
    xml_only = parse_1260h_notice({"2025-99070.xml": NOTICE["2025-99070.xml"]})
    assert xml_only.records[0].listings[0].listed_on == "2025-01-06"
    assert "no publication date without the API JSON" in xml_only.warnings[0]


def test_notice_of_another_kind_or_without_names_is_refused():
    xml = NOTICE["2025-99070.xml"].decode()
    with pytest.raises(SourceError, match="not a notice of designation of Chinese military companies"):
        parse_1260h_notice(
            {"2025-99070.xml": xml.replace("Designation of Chinese Military Companies", "Meeting").encode()}
        )
    without = xml.replace("list of entities:</P>", "list of entities.</P>")
    with pytest.raises(SourceError, match="no list of company names found"):
        parse_1260h_notice({"2025-99070.xml": without.encode()})


class _FR(BaseHTTPRequestHandler):
    base = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        if self.path.startswith("/api/v1/documents.json"):
            body = json.dumps(
                {
                    "count": 2,
                    "results": [
                        {
                            "document_number": "2024-99001",
                            "title": "Notice of Availability of Designation of Chinese Military Companies",
                            "publication_date": "2024-04-02",
                            "full_text_xml_url": self.base + "/old.xml",
                        },
                        {
                            "document_number": "2025-99070",
                            "title": "Notice of Availability of Designation of Chinese Military Companies",
                            "publication_date": "2025-01-07",
                            "full_text_xml_url": self.base + "/xml/2025-99070.xml",
                        },
                    ],
                }
            ).encode()
        elif self.path == "/api/v1/documents/2025-99070.json":
            body = NOTICE["2025-99070.json"]
        elif self.path == "/xml/2025-99070.xml":
            body = NOTICE["2025-99070.xml"]
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fr_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FR)
    _FR.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield _FR.base
    httpd.shutdown()
    httpd.server_close()


def test_download_finds_the_newest_notice_and_stores_it(fr_server, tmp_path, monkeypatch):
    api = fr_server + "/api/v1"
    assert locate_notice("2025-06-30", api=api) == {
        "2025-99070.json": api + "/documents/2025-99070.json",
        "2025-99070.xml": fr_server + "/xml/2025-99070.xml",
    }
    with pytest.raises(SourceError, match="no s.1260H designation notice published by 2020-01-01"):
        locate_notice("2020-01-01", api=api)
    spec = sources.get("us_dod_1260h")
    local = type(spec)(
        spec.id,
        spec.title,
        spec.formats,
        spec.urls,
        spec.parser_version,
        locate=lambda day: locate_notice(day, api=api),
    )
    monkeypatch.setitem(sources.SOURCES, "us_dod_1260h", local)
    with Store.open(tmp_path / "home") as store:
        [result] = update(store, ["us_dod_1260h"])
        assert result.status == "stored", result.message
        assert result.snapshot.as_of == "2025-01-07" and result.snapshot.record_count == 4
        assert {f.name for f in result.snapshot.files} == {"2025-99070.xml", "2025-99070.json"}
