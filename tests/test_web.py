"""The web UI: pages render, user input is escaped, batch upload round-trips, bad uploads are refused.

The last test drives the UI in headless Chromium (Playwright over Debian's ``chromium``): search,
the status check, the entity page and a batch upload. It skips when Playwright or the browser is
missing. With ``REDLIST_SCREENSHOTS=1`` it saves a screenshot of each page to ``docs/screenshots``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from redlist.api.app import create_app
from redlist.store import Store
from redlist.store.update import update

from conftest import FIXTURES, REPO

XSS = "<script>alert(1)</script>"
CHROMIUM = os.environ.get("REDLIST_CHROMIUM", "/usr/bin/chromium")


def test_root_redirects_and_stylesheet(client) -> None:
    root = client.get("/", follow_redirects=False)
    assert root.status_code == 307 and root.headers["location"] == "/ui"
    css = client.get("/ui/static/style.css")
    assert css.status_code == 200 and ".verdict-prohibited" in css.text


def test_search_shows_matches_scores_and_explanations(client) -> None:
    page = client.get("/ui", params={"q": "Example Trading Company Limited"})
    assert page.status_code == 200
    assert 'href="/ui/entity/ofac-7001"' in page.text
    assert "EXAMPLE TRADING CO., LTD." in page.text
    assert "OFAC Specially Designated Nationals" in page.text
    assert "word(s) equal" in page.text  # the explanation summary
    empty = client.get("/ui")
    assert empty.status_code == 200 and "matches for" not in empty.text


def test_search_finds_former_entries_unless_asked_for_current(client) -> None:
    page = client.get("/ui", params={"q": "Xiaomi Corporation"})
    assert 'href="/ui/entity/us_dod_ccmc%3Axiaomi"' in page.text and "no longer listed" in page.text
    current = client.get("/ui", params={"q": "Xiaomi Corporation", "scope": "current"})
    assert "us_dod_ccmc%3Axiaomi" not in current.text and "0 matches" in current.text


def test_search_escapes_the_query(client) -> None:
    page = client.get("/ui", params={"q": XSS})
    assert XSS not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_search_bad_threshold_is_a_clear_400(client) -> None:
    page = client.get("/ui", params={"q": "x", "threshold": "lots"})
    assert page.status_code == 400 and "threshold must be between 0 and 1" in page.text


def test_check_page_xiaomi_enjoined_in_plain_words(client) -> None:
    page = client.get(
        "/ui/check", params={"name": "Xiaomi Corporation", "activity": "invest", "on": "2021-03-16"}
    )
    assert page.status_code == 200
    # the test store holds the SDN list only: without OFAC's consolidated list, no clearance
    assert "verdict-unknown" in page.text and "Cannot tell. On 2021-03-16" in page.text
    assert "Not loaded: OFAC Consolidated" in page.text
    assert "enjoined" in page.text
    assert "No. 1:21-cv-00280-RC" in page.text
    assert "Xiaomi Corp. v. Department of Defense" in page.text
    assert "OFAC FAQ 880 (2021-03-14)" in page.text  # a citation


def test_check_page_prohibited_and_errors(client) -> None:
    page = client.get("/ui/check", params={"entity_id": "ofac-7001", "on": "2024-03-01"})
    assert "verdict-prohibited" in page.text and "No. On 2024-03-01" in page.text
    bad = client.get("/ui/check", params={"name": "Xiaomi", "activity": XSS})
    assert bad.status_code == 400
    assert "unknown activity" in bad.text and XSS not in bad.text
    bad_date = client.get("/ui/check", params={"name": "Xiaomi", "on": "16/03/2021"})
    assert bad_date.status_code == 400


def test_entity_page_listing_chart_court_events(client) -> None:
    page = client.get("/ui/entity/us_dod_ccmc:xiaomi")
    assert page.status_code == 200
    assert "DoD Communist Chinese Military Companies" in page.text
    assert 'id="timeline-chart" src="data:image/svg+xml;base64,' in page.text
    assert "Court events" in page.text and "No. 1:21-cv-00280-RC" in page.text
    assert "injunction" in page.text
    official = client.get("/ui/entity/ofac-7001")
    assert official.status_code == 200 and "SDGT, IRAN" in official.text


def test_entity_page_unknown_id_is_404_and_escaped(client) -> None:
    page = client.get("/ui/entity/%3Cb%3Enope")
    assert page.status_code == 404
    assert "<b>nope" not in page.text and "&lt;b&gt;nope" in page.text


def test_changes_page_between_two_snapshots(store_home) -> None:
    with Store.open(store_home) as store:
        [result] = update(store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-02-01")
        assert result.ok, result.message
    with TestClient(create_app(home=store_home)) as c:
        page = c.get(
            "/ui/changes", params={"source": "us_ofac_sdn", "since": "2024-01-01", "until": "2024-12-31"}
        )
        assert page.status_code == 200
        assert "SECOND EXAMPLE LLC" in page.text  # added in sdn_b
        assert "EXAMPLE TRADING CO., LTD." in page.text  # removed in sdn_b
        assert "1 added, 1 removed, 1 amended" in page.text
        before = c.get("/ui/changes", params={"until": "2024-01-15"})
        assert "0 changes" in before.text
        bad = c.get("/ui/changes", params={"since": "yesterday"})
        assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
        unknown = c.get("/ui/changes", params={"source": XSS})
        assert unknown.status_code == 400 and XSS not in unknown.text


def _upload(client, content: bytes, filename: str = "parties.csv", output: str = "csv"):
    return client.post(
        "/ui/batch",
        files={"file": (filename, content, "text/csv")},
        data={"output": output},
    )


def test_batch_csv_download_neutralises_formulas(client) -> None:
    body = b'id,name\r\nr1,Example Trading Company Limited\r\nr2,"=HYPERLINK(""http://x"",""y"")"\r\n'
    response = _upload(client, body, filename="my list.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="redlist-my_list.csv"' in response.headers["content-disposition"]
    assert response.headers["x-redlist-rows"] == "2"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["entity_id"] == "ofac-7001"
    assert rows[-1]["input_name"].startswith("'=HYPERLINK")  # neutralised, not a live formula


def test_batch_xlsx_and_jsonl_outputs(client) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    body = b"name\nNorthwind Shipping Lines\n@SUM(1)\n"
    xlsx = _upload(client, body, output="xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "ofac-101" in values and "'@SUM(1)" in values and "@SUM(1)" not in values
    jsonl = _upload(client, body, output="jsonl")
    records = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [r["line"] for r in records] == [1, 2] and records[0]["matches"][0]["entity_id"] == "ofac-101"


def test_batch_non_utf8_upload_keeps_rows(client) -> None:
    body = "name\nNorthwind Shipping Lines\nCaf\xe9 Ejemplo\n".encode("latin-1")
    response = _upload(client, body, output="jsonl")
    assert response.status_code == 200
    records = [json.loads(line) for line in response.text.splitlines()]
    assert len(records) == 2  # the undecodable row keeps its place, repaired or with an error
    assert "\ufffd" in records[1]["query"]["name"] or records[1].get("error")


def test_batch_refuses_bad_uploads_with_clear_messages(client) -> None:
    binary = _upload(client, b"\x00\x01\x02\x03" * 100, filename="x.csv")
    assert binary.status_code == 400 and "not a CSV text file" in binary.text
    assert "/tmp/" not in binary.text  # the server's temp path is not shown
    wrong_type = _upload(client, b"name\nx\n", filename="x.exe")
    assert wrong_type.status_code == 400 and "unsupported file type" in wrong_type.text
    no_name = _upload(client, b"company\nx\n", filename="x.csv")
    assert no_name.status_code == 400
    bad_output = _upload(client, b"name\nx\n", output="pdf")
    assert bad_output.status_code == 400 and "unknown output format" in bad_output.text
    missing = client.post("/ui/batch", data={"output": "csv"})
    assert missing.status_code == 422


def test_batch_oversized_upload_is_413(store_home) -> None:
    with TestClient(create_app(home=store_home, max_upload=1000)) as c:
        response = _upload(c, b"name\n" + b"Example Trading\n" * 200)
        assert response.status_code == 413 and "over" in response.text
    with TestClient(create_app(home=store_home, max_body=500)) as c:  # the app-wide body limit, first
        response = _upload(c, b"name\n" + b"Example Trading\n" * 200)
        assert response.status_code == 413 and "request body over" in response.json()["error"]["message"]


# --- the freshness banner, the party page, batch status checks -------------------------------------


def test_freshness_banner_on_a_fresh_install_warns_that_no_list_is_loaded(home) -> None:
    with TestClient(create_app(home=home)) as c:
        for path in ("/ui", "/ui/check", "/ui/batch", "/ui/batch/check", "/ui/changes", "/ui/entity/nope"):
            page = c.get(path)
            assert 'id="freshness"' in page.text, path
            assert "No official list is loaded" in page.text and "redlist update" in page.text, path


def test_freshness_banner_names_each_loaded_source_with_its_date_and_age(client) -> None:
    page = client.get("/ui")
    banner = page.text.split('id="freshness"')[1].split("</aside>")[0]
    assert "OFAC Specially Designated Nationals as of 2024-01-02" in banner
    assert "days old" in banner and "freshness-warn" in page.text  # a 2024 snapshot is stale
    assert "Not loaded:" in banner and "BIS Entity List" in banner


def test_freshness_data_for_the_banner(client) -> None:
    from datetime import date

    from redlist.api.web import freshness

    class Req:  # what freshness() reads of a request
        app = client.app

    data = freshness(Req(), today=date(2024, 1, 5))  # type: ignore[arg-type]
    [sdn] = data["loaded"]
    assert (sdn["source"], sdn["as_of"], sdn["age_days"], sdn["records"], sdn["stale"]) == (
        "us_ofac_sdn",
        "2024-01-02",
        3,
        3,
        False,
    )
    assert not data["stale"] and "us_bis_el" in [m["source"] for m in data["missing"]]


def test_party_page_shows_every_entry_across_lists(client) -> None:
    page = client.get("/ui/party/us_dod_ccmc:hikvision")
    assert page.status_code == 200
    text = page.text
    assert "Hangzhou Hikvision Digital Technology" in text
    for entry in ("us_dod_ccmc%3Ahikvision", "us_fcc_covered%3Ahikvision", "us_ndaa_889%3Ahikvision"):
        assert f'href="/ui/entity/{entry}"' in text
    assert "FCC Covered List" in text and "NDAA FY2019 s.889" in text
    assert 'id="timeline-chart" src="data:image/svg+xml;base64,' in text
    assert 'id="party-states"' in text and "expired" in text  # the s.1237 securities regime ended
    by_entry = client.get("/ui/party/us_fcc_covered:hikvision")  # any entry id finds the party
    assert by_entry.status_code == 200 and "us_ndaa_889%3Ahikvision" in by_entry.text
    asked = client.get("/ui/party/us_dod_ccmc:xiaomi", params={"on": "2021-03-16"})
    assert asked.status_code == 200 and "enjoined" in asked.text
    assert client.get("/ui/party/us_dod_ccmc:xiaomi", params={"on": "March"}).status_code == 400
    missing = client.get("/ui/party/%3Cb%3Enope")
    assert missing.status_code == 404 and "<b>nope" not in missing.text


def test_entity_and_check_pages_link_to_the_party_page(client) -> None:
    entity = client.get("/ui/entity/us_dod_ccmc:hikvision")
    assert 'href="/ui/party/us_dod_ccmc%3Ahikvision"' in entity.text
    check = client.get("/ui/check", params={"entity_id": "us_dod_ccmc:xiaomi", "on": "2021-03-16"})
    assert 'href="/ui/party/us_dod_ccmc%3Axiaomi?on=2021-03-16"' in check.text


CHECKS = (
    "id,name,entity_id,activity,date\n"
    "a,Xiaomi Corporation,,,\n"
    "b,,us_dod_ccmc:xiaomi,invest,2021-02-15\n"
    "c,,ofac-7001,,2024-03-01\n"
    "d,,nobody:here,,\n"
)


def _check_upload(client, content: bytes = CHECKS.encode(), filename: str = "questions.csv", **form):
    data = {"activity": "invest", "on": "2021-03-16"} | form
    return client.post("/ui/batch/check", files={"file": (filename, content, "text/csv")}, data=data)


def test_batch_check_answers_every_row_with_counts_and_downloads(client) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    page = _check_upload(client)
    assert page.status_code == 200, page.text
    assert "4 rows checked" in page.text
    counts = page.text.split('id="batch-counts"')[1].split("</p>")[0]
    # the SDN fixture only: investment questions are not cleared without OFAC's consolidated list
    assert "unknown: 2" in counts and "prohibited: 1" in counts and "error: 1" in counts
    table = page.text.split('id="batch-answers"')[1]
    assert "UNKNOWN" in table and "PROHIBITED" in table and "no entity or party" in table
    assert "enjoined" in table and "pending" in table  # row a on the form's date, row b on its own
    [token] = set(re.findall(r"/ui/batch/check/([A-Za-z0-9_-]+)/answers\.csv", page.text))
    csv_file = client.get(f"/ui/batch/check/{token}/answers.csv")
    assert csv_file.status_code == 200 and csv_file.headers["content-type"].startswith("text/csv")
    assert 'filename="redlist-check-questions.csv"' in csv_file.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(csv_file.text)))
    assert [(r["input_id"], r["verdict"]) for r in rows] == [
        ("a", "unknown"),
        ("b", "unknown"),
        ("c", "prohibited"),
        ("d", ""),
    ]
    assert rows[1]["findings"] == "us_dod_ccmc: pending (none)" and rows[3]["error"]
    assert rows[0]["missing_lists"] == "us_ofac_cons" and rows[0]["data"].startswith(
        "us_ofac_sdn@2024-01-02#"
    )
    xlsx = client.get(f"/ui/batch/check/{token}/answers.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[7] for row in sheet.iter_rows(values_only=True)][1:4] == ["unknown", "unknown", "prohibited"]
    jsonl = client.get(f"/ui/batch/check/{token}/answers.jsonl")
    assert [json.loads(line)["id"] for line in jsonl.text.splitlines()] == ["a", "b", "c", "d"]


def test_batch_check_refuses_bad_input_and_unknown_results(client) -> None:
    assert _check_upload(client, activity="smuggle").status_code == 400
    bad_date = _check_upload(client, on="16/03/2021")
    assert bad_date.status_code == 400 and "YYYY-MM-DD" in bad_date.text
    wrong_type = _check_upload(client, filename="x.exe")
    assert wrong_type.status_code == 400 and "unsupported file type" in wrong_type.text
    no_column = _check_upload(client, content=b"company\nx\n")
    assert no_column.status_code == 400 and "/tmp/" not in no_column.text
    assert client.get("/ui/batch/check/not-a-token!/answers.csv").status_code == 404
    assert client.get("/ui/batch/check/" + "a" * 24 + "/answers.csv").status_code == 404
    assert client.get("/ui/batch/check/" + "a" * 24 + "/answers.exe").status_code == 404
    form = client.get("/ui/batch/check")
    assert form.status_code == 200 and 'name="activity"' in form.text


def test_batch_check_results_expire(client, store_home, monkeypatch) -> None:
    from redlist.api import web

    page = _check_upload(client)
    [token] = set(re.findall(r"/ui/batch/check/([A-Za-z0-9_-]+)/answers\.csv", page.text))
    monkeypatch.setattr(web, "RESULTS_KEPT", -1)  # everything is older than the limit
    _check_upload(client)  # a new upload prunes the old results
    gone = client.get(f"/ui/batch/check/{token}/answers.csv")
    assert gone.status_code == 404 and "expired" in gone.text


# --- end to end in a real browser ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(store_home):
    uvicorn = pytest.importorskip("uvicorn")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(home=store_home), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    if not server.started:
        server.should_exit = True
        pytest.fail("uvicorn did not start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


#: Loopback only: the browser tests run with the network off, as on a disconnected machine.
OFFLINE_ARGS = ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@pytest.fixture
def browser():
    """Headless Chromium (Debian's, through Playwright) that can reach loopback only."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium, or set REDLIST_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=OFFLINE_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def offline_context(browser, **options):
    """A browser context whose requests off loopback are aborted and recorded in ``.outside``."""
    context = browser.new_context(**options)
    context.outside = []

    def route(r) -> None:
        url = r.request.url
        if url.startswith("data:") or urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1"):
            r.continue_()
        else:
            context.outside.append(url)
            r.abort()

    context.route("**/*", route)
    return context


def test_api_docs_render_offline_in_a_browser(live_server, browser, tmp_path) -> None:
    context = offline_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/screen" in paths and "/check" in paths, paths
    page.screenshot(path=str(tmp_path / "docs.png"), full_page=True)
    page.goto(f"{live_server}/redoc")
    page.locator("[data-section-id*='operation/']").first.wait_for(state="attached", timeout=20_000)
    assert "/screen/batch" in page.inner_text("body")
    page.screenshot(path=str(tmp_path / "redoc.png"))
    assert context.outside == []  # nothing was asked of a CDN or a font service
    context.close()


def test_browser_end_to_end(live_server, browser, tmp_path) -> None:
    shots = REPO / "docs" / "screenshots" if os.environ.get("REDLIST_SCREENSHOTS") == "1" else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)

    def snap(page, name: str) -> None:
        if shots:
            page.screenshot(path=str(shots / name), full_page=True)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # search: type a name, submit, see the match and its list
    page.goto(f"{live_server}/ui")
    page.fill("input[name=q]", "Xiaomi Corporation")
    page.click("button[type=submit]")
    page.wait_for_selector("table.matches")
    found = page.inner_text("table.matches")
    assert "DoD Communist Chinese Military Companies" in found and "no longer listed" in found
    snap(page, "search.png")
    # entity page, from the result link: listing, timeline chart, court event
    page.click("a[href='/ui/entity/us_dod_ccmc%3Axiaomi']")
    page.wait_for_selector("#timeline-chart")
    assert page.eval_on_selector("#timeline-chart", "img => img.complete && img.naturalWidth > 0")
    assert "1:21-cv-00280-RC" in page.inner_text("ul.court")
    snap(page, "entity.png")
    # the status question: invest in Xiaomi on 2021-03-16 -> the designation is enjoined
    page.goto(f"{live_server}/ui/check")
    page.fill("input[name=name]", "Xiaomi Corporation")
    page.select_option("select[name=activity]", "invest")
    page.fill("input[name=on]", "2021-03-16")
    page.click("button[type=submit]")
    page.wait_for_selector("#verdict")
    text = page.inner_text("main")
    assert "enjoined" in text and "1:21-cv-00280-RC" in text
    assert "UNKNOWN" in page.inner_text("#verdict")  # only the SDN fixture is loaded
    snap(page, "check.png")
    # batch upload: a small CSV in, a CSV download out
    upload = tmp_path / "parties.csv"
    upload.write_text("id,name\na,Example Trading Co Ltd\nb,Xiaomi Corporation\nc,Nobody In Particular\n")
    page.goto(f"{live_server}/ui/batch")
    page.set_input_files("input[name=file]", str(upload))
    page.select_option("select[name=output]", "csv")
    snap(page, "batch.png")
    with page.expect_download() as info:
        page.click("button[type=submit]")
    download = info.value
    assert download.suggested_filename == "redlist-parties.csv"
    saved = tmp_path / "result.csv"
    download.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8")))
    by_id = {r["input_id"]: r["entity_id"] for r in rows}
    # batch screening is against today's lists: Xiaomi's vacated designation is not a hit
    assert by_id == {"a": "ofac-7001", "b": "", "c": ""}
    page.close()


#: Every kind of page, as a person reaches it: (name, path, what to do there, a selector that shows it is done).
LAYOUT_PAGES = [
    ("search", "/ui?q=Xiaomi+Corporation", None, "table.matches"),
    ("check", "/ui/check?name=Xiaomi+Corporation&activity=invest&on=2021-03-16", None, "#verdict"),
    ("entity", "/ui/entity/us_dod_ccmc%3Axiaomi", None, "#timeline-chart"),
    ("party", "/ui/party/us_dod_ccmc%3Ahikvision", None, "#party-listings"),
    ("batch", "/ui/batch", None, "form"),
    ("batch-check", "/ui/batch/check", "upload", "#batch-answers"),
    ("changes", "/ui/changes", None, "#summary"),
]


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_fit_the_screen_without_sideways_scrolling(live_server, browser, tmp_path, width) -> None:
    upload = tmp_path / "questions.csv"
    upload.write_text(CHECKS, encoding="utf-8")
    context = offline_context(browser, viewport={"width": width, "height": 900})
    page = context.new_page()
    for name, path, action, ready in LAYOUT_PAGES:
        page.goto(f"{live_server}{path}")
        if action == "upload":
            page.set_input_files("input[name=file]", str(upload))
            page.select_option("select[name=activity]", "invest")
            page.fill("input[name=on]", "2021-03-16")
            page.click("#batch-check-form button[type=submit]")
        page.wait_for_selector(ready)
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        fits = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert fits[0] <= fits[1], f"{name} at {width} px scrolls sideways: {fits}"
        menu = page.evaluate(
            "Array.from(document.querySelectorAll('header a')).map(a => a.getBoundingClientRect().right)"
        )
        assert menu and max(menu) <= fits[1], f"{name} at {width} px: the menu is cut off ({menu})"
        assert "Data:" in page.inner_text("#freshness")  # the banner on every page
    assert context.outside == []
    context.close()


def test_ui_under_api_keys_keeps_the_key_in_a_cookie(store_home) -> None:
    from fastapi.testclient import TestClient

    from redlist.api.app import create_app
    from redlist.keys import create_key

    _, secret = create_key("analyst", store_home)
    with TestClient(create_app(home=store_home, api_auth=True)) as browser:
        assert browser.get("/ui").status_code == 401
        first = browser.get("/ui", params={"api_key": secret, "q": "Northwind"})
        assert first.status_code == 200
        assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
        assert browser.get("/ui/check", params={"name": "Xiaomi Corporation"}).status_code == 200  # by cookie
        assert browser.post("/screen", json={"name": "x"}).status_code == 401  # the cookie is for /ui only
    with TestClient(create_app(home=store_home, api_auth=True)) as stranger:
        stranger.cookies.set("redlist_key", "rl_forged_key", path="/ui")
        assert stranger.get("/ui").status_code == 401
