"""Downloads against a local HTTP server on loopback (never the real agencies)."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from redlist import sources
from redlist.errors import SourceError
from redlist.sources.fetch import download, file_name
from redlist.store import Store
from redlist.store.update import update

from toy_source import TOY


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, list[tuple[int, bytes, dict[str, str]]]] = {}
    seen_agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self.seen_agents.append(self.headers.get("User-Agent", ""))
        if "Mozilla" not in self.headers.get("User-Agent", ""):
            self._send(403, b"Forbidden", {})  # OFAC's service turns away non-browser clients
            return
        queue = self.routes.get(self.path)
        if not queue:
            self._send(404, b"not found", {})
            return
        status, body, headers = queue.pop(0) if len(queue) > 1 else queue[0]
        self._send(status, body, headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        headers = dict(headers)
        length = headers.pop("X-Claim-Length", None)
        trickle = float(headers.pop("X-Trickle", 0))  # seconds between bytes: a stalling server
        self.send_header("Content-Length", length or str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if not trickle:
            self.wfile.write(body)
            return
        for i in range(len(body)):
            try:
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
            except OSError:
                return  # the client gave up
            time.sleep(trickle)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    Handler.routes = {}
    Handler.seen_agents = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_file_name_from_official_urls():
    assert file_name(sources.OFAC_EXPORTS + "SDN.CSV") == "sdn.csv"
    assert file_name("https://www.bis.doc.gov/dpl/dpl.txt") == "dpl.txt"


def test_download_sends_browser_headers_and_retries_transient_errors(server):
    Handler.routes["/SDN.CSV"] = [
        (503, b"busy", {}),
        (429, b"slow down", {"Retry-After": "0"}),
        (200, b"data", {}),
    ]
    assert download(server + "/SDN.CSV", backoff=0.01) == b"data"
    assert len(Handler.seen_agents) == 3 and all("Mozilla" in a for a in Handler.seen_agents)


def test_download_gives_up_with_a_clear_error(server):
    Handler.routes["/SDN.CSV"] = [(503, b"busy", {})]
    with pytest.raises(SourceError, match="after 3 attempts: HTTP 503") as info:
        download(server + "/SDN.CSV", source="us_ofac_sdn", retries=2, backoff=0.01)
    assert info.value.source == "us_ofac_sdn" and info.value.file.endswith("/SDN.CSV")


def test_client_errors_are_not_retried(server):
    with pytest.raises(SourceError, match="HTTP 404"):
        download(server + "/missing.csv", backoff=0.01)
    assert len(Handler.seen_agents) == 1


def test_truncated_transfer_is_retried_then_refused(server):
    Handler.routes["/dpl.txt"] = [(200, b"short", {"X-Claim-Length": "100"})]
    with pytest.raises(SourceError, match=r"after 2 attempts: .*\b5\b.*\b100\b"):
        download(server + "/dpl.txt", retries=1, backoff=0.01, timeout=2)
    assert len(Handler.seen_agents) == 2  # the first try and one retry


def test_a_trickling_server_hits_the_overall_deadline(server):
    # each byte comes well within the read timeout, but the whole would take 20 s
    Handler.routes["/SDN.CSV"] = [(200, b"x" * 100, {"X-Trickle": "0.2"})]
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"longer than its 1 s deadline") as info:
        download(server + "/SDN.CSV", source="us_ofac_sdn", deadline=1.0, timeout=5)
    assert info.value.source == "us_ofac_sdn" and info.value.file.endswith("/SDN.CSV")
    assert time.monotonic() - started < 10  # a bound on a hang, not a speed assertion


def test_a_retry_past_the_deadline_is_not_waited_for(server):
    Handler.routes["/SDN.CSV"] = [(503, b"busy", {"Retry-After": "3600"})]
    with pytest.raises(SourceError, match=r"HTTP 503.*retry would pass the 5 s deadline"):
        download(server + "/SDN.CSV", deadline=5.0)
    assert len(Handler.seen_agents) == 1


def test_progress_is_reported(server):
    Handler.routes["/big"] = [(200, b"x" * 100_000, {})]
    seen = []
    download(server + "/big", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (100_000, 100_000)


def test_update_from_official_urls_and_from_a_url(server, tmp_path, monkeypatch):
    toy = type(TOY)("toy", "Toy", TOY.formats, {"toy.txt": server + "/toy.txt"}, "1")
    monkeypatch.setitem(sources.SOURCES, "toy", toy)
    Handler.routes["/toy.txt"] = [(200, b"#as_of 2024-01-01\n1|A|SDGT\n2|B|SDGT", {})]
    with Store.open(tmp_path / "home") as store:
        [result] = update(store, ["toy"])
        assert result.status == "stored", result.message
        snap = store.latest("toy")
        assert snap.files[0].url == server + "/toy.txt" and snap.as_of == "2024-01-01"
        # an HTML error page served in place of the data: refused, last good snapshot kept
        Handler.routes["/toy.txt"] = [(200, b"<html><body>Error 500</body></html>", {})]
        [failed] = update(store, ["toy"], origin=server + "/toy.txt")
        assert failed.status == "failed" and "HTML" in failed.message and "toy" in failed.message
        assert store.snapshot_count("toy") == 1
        assert store.last_attempt("toy")["status"] == "failed"


def test_an_unreachable_host_is_reported_quickly_with_what_to_do():
    with socket.socket() as sock:  # a loopback port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"cannot reach 127\.0\.0\.1 .*--from FILE") as info:
        download(f"http://127.0.0.1:{port}/SDN.CSV", source="us_ofac_sdn", backoff=0.5)
    assert "redlist update us_ofac_sdn --from FILE" in str(info.value)
    assert time.monotonic() - started < 30  # not the full backoff of retries (a bound, not a speed test)
