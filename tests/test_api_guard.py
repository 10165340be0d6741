"""The API's guards (issue 16): unsafe JSON, silent empty answers, body and head limits, security
headers, the public base URL, the preview under auth, and API keys kept out of the logs."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from redlist.api.app import create_app
from redlist.api.guard import RedactKeys, redact
from redlist.keys import create_key

DEEP = "[" * 100_000 + "]" * 100_000
JSON = {"content-type": "application/json"}


# --- item 5: JSON too deep or not valid text: 422, never a 500 ------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/reconcile", {"data": {"queries": DEEP}}),
        ("post", "/reconcile", {"content": DEEP, "headers": JSON}),
        ("get", "/reconcile", {"params": {"queries": "[" * 200 + "]" * 200}}),
        ("post", "/match/default", {"content": '{"queries": {"q": ' + DEEP + "}}", "headers": JSON}),
        ("post", "/screen/batch", {"content": '{"queries": [' + "[" * 70 + "]" * 70 + "]}", "headers": JSON}),
    ],
)
def test_deeply_nested_json_is_a_422(client, method, path, kwargs) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 422, response.text
    assert "nested deeper than 64 levels" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/match/default", '{"queries": {"q": {"schema": "Company", "properties": {"name": ["\\ud800"]}}}}'),
        ("/screen", '{"name": "ACME \\udc00 Ltd"}'),
        ("/reconcile", '{"queries": {"q0": {"query": "x\\ud83d"}}}'),
    ],
)
def test_a_lone_surrogate_is_a_422(client, path, body) -> None:
    response = client.post(path, content=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert "lone UTF-16 surrogate" in response.json()["error"]["message"]


def test_a_surrogate_pair_and_an_escaped_backslash_are_fine(client) -> None:
    # "\ud83d\ude00" is one emoji; "\\ud800" is a backslash followed by text
    for name in ('"ACME \\ud83d\\ude00"', '"ACME \\\\ud800"'):
        response = client.post("/screen", content='{"name": ' + name + "}", headers=JSON)
        assert response.status_code == 200, response.text


def test_a_percent_encoded_lone_surrogate_in_a_form_is_a_422(client) -> None:
    response = client.post(
        "/reconcile",
        content=b"queries=%7B%22q0%22%3A%7B%22query%22%3A%22%ED%A0%80%22%7D%7D",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422, response.text


# --- item 11: an unknown list id or a bad date is a 422, never an empty 200 -----------------------


def test_unknown_list_id_is_a_422_naming_the_valid_ones(client) -> None:
    for path, body in [
        ("/screen", {"name": "Northwind", "lists": ["us_ofac_sdn", "us_nope"]}),
        ("/screen/batch", {"queries": [{"name": "Northwind", "lists": ["sdn"]}]}),
    ]:
        response = client.post(path, json=body)
        assert response.status_code == 422, (path, response.text)
        message = response.json()["error"]["message"]
        assert "unknown list" in message and "us_ofac_sdn" in message and "us_dhs_uflpa" in message
    assert client.post("/screen", json={"name": "Northwind", "lists": ["us_ofac_sdn"]}).status_code == 200


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"since": "garbage"}, "ISO date"),
        ({"until": "2024-02-30"}, "calendar date"),
        ({"list": "sdn"}, "unknown list"),
        ({"source": "ofac"}, "unknown source"),
        ({"change": "deleted"}, "unknown change"),
    ],
)
def test_changes_with_a_bad_filter_is_a_422(client, params, needle) -> None:
    response = client.get("/changes", params=params)
    assert response.status_code == 422, response.text
    assert needle in response.json()["error"]["message"]


# --- item 9: 413 for any body over the limit, declared or streamed --------------------------------


def test_a_chunked_body_over_the_limit_is_a_413(store_home) -> None:
    def chunks():
        for _ in range(30):
            yield b" " * 100

    with TestClient(create_app(home=store_home, max_body=1000)) as c:
        response = c.post("/screen", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert "over 1,000 bytes" in response.json()["error"]["message"]


def test_the_body_is_still_read_by_the_route_after_the_guard(client) -> None:
    response = client.post("/screen", json={"name": "Northwind Shipping Lines"})
    assert response.json()["matches"][0]["entity_id"] == "ofac-101"


# --- item 10: security headers, the public base URL, the preview under auth ---------------------


def test_security_headers(client) -> None:
    api = client.get("/healthz").headers
    assert api["x-content-type-options"] == "nosniff"
    assert api["referrer-policy"] == "no-referrer"
    assert api["x-frame-options"] == "DENY"
    ui = client.get("/ui").headers
    assert "frame-ancestors 'none'" in ui["content-security-policy"]
    assert "script-src" not in ui["content-security-policy"]  # default-src 'none': no script at all
    error = client.post("/screen", content=b"{", headers=JSON)  # errors carry them too
    assert error.status_code == 422 and error.headers["x-content-type-options"] == "nosniff"


def test_the_preview_may_be_framed_by_openrefine(client) -> None:
    preview = client.get("/reconcile/preview", params={"id": "ofac-7001"})
    assert preview.status_code == 200
    assert "x-frame-options" not in preview.headers
    assert "frame-ancestors" not in preview.headers["content-security-policy"]


def test_manifest_urls_come_from_settings_not_the_host_header(store_home) -> None:
    with TestClient(create_app(home=store_home)) as c:
        manifest = c.get("/reconcile", headers={"host": "evil.example"}).json()
    assert manifest["view"]["url"].startswith("http://127.0.0.1:8000/")
    assert "evil" not in json.dumps(manifest)
    with TestClient(create_app(home=store_home, public_url="https://redlist.example.org/")) as c:
        manifest = c.get("/reconcile", headers={"host": "evil.example"}).json()
    assert manifest["preview"]["url"] == "https://redlist.example.org/reconcile/preview?id={{id}}"
    assert manifest["suggest"]["entity"]["service_url"] == "https://redlist.example.org"


def test_a_public_url_must_be_an_http_base_url(store_home) -> None:
    from redlist.settings import SettingsError

    with pytest.raises(SettingsError, match="public_url"):
        create_app(home=store_home, public_url="javascript:alert(1)")


def test_the_preview_and_suggest_work_under_auth_with_the_key_of_the_service_url(store_home) -> None:
    _, secret = create_key("openrefine", store_home)
    with TestClient(create_app(home=store_home, api_auth=True)) as c:
        assert c.get("/reconcile").status_code == 401
        manifest = c.get("/reconcile", params={"api_key": secret}).json()
        preview = urlsplit(manifest["preview"]["url"].replace("{{id}}", "ofac-7001"))
        assert c.get(f"{preview.path}?{preview.query}").status_code == 200
        suggest = manifest["suggest"]["entity"]["service_path"]
        assert c.get(suggest + "&prefix=north").status_code == 200  # as jQuery appends parameters
        # a key sent as a header is not copied into the manifest
        by_header = c.get("/reconcile", headers={"X-API-Key": secret}).json()
        assert secret not in json.dumps(by_header)


# --- item 6: keys never reach a log line ------------------------------------------------------------


def test_redact_hides_keys_in_urls_and_headers() -> None:
    line = "GET /reconcile?queries=x&api_key=rl_abc_SECRET HTTP/1.1 X-API-Key: rl_abc_SECRET2 Authorization: Bearer T0K"
    redacted = redact(line)
    assert "SECRET" not in redacted and "T0K" not in redacted
    assert "api_key=REDACTED" in redacted and "queries=x" in redacted
    assert redact("monkey=banana") == "monkey=banana"


def test_the_filter_rewrites_uvicorns_access_record() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/screen?name=x&api_key=rl_1_SECRET", "1.1", 200), None,
    )  # fmt: skip
    RedactKeys().filter(record)
    assert "SECRET" not in record.getMessage()


# --- a real server: the access log, the head and body deadlines -----------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(store_home):
    """``redlist serve`` in a subprocess with short deadlines and the access log on."""
    port = _free_port()
    env = {
        **os.environ,
        "REDLIST_HOME": str(store_home),
        "REDLIST_HEADER_TIMEOUT": "1",
        "REDLIST_BODY_TIMEOUT": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "redlist", "serve", "--port", str(port), "--access-log"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):  # wait for start-up (not a timing assertion)
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redlist serve did not start: " + (proc.stdout.read() if proc.stdout else ""))
    yield port, proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)


def test_access_log_never_shows_the_key(served) -> None:
    port, proc = served
    httpx.get(f"http://127.0.0.1:{port}/sources", params={"api_key": "rl_x_TOPSECRET"})
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=10)
    assert "/sources?api_key=REDACTED" in output
    assert "TOPSECRET" not in output


def test_a_request_head_trickled_too_slowly_is_cut_off(served) -> None:
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed = _closed_within(sock, seconds=5, trickle=b"X-Slow: 1\r\n")
    assert closed, "the server kept a connection whose head never ended"


def test_an_idle_connection_that_never_sends_a_request_is_closed(served) -> None:
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        assert _closed_within(sock, seconds=5)


def test_a_stalled_body_gets_a_408(served) -> None:
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /screen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"name": '
        )
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


def _closed_within(sock: socket.socket, *, seconds: float, trickle: bytes = b"") -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (sending ``trickle`` every 0.2 s)."""
    deadline = time.monotonic() + seconds
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            pass
        except OSError:
            return True
        if trickle:
            try:
                sock.sendall(trickle)
            except OSError:
                return True
    return False
