"""The API docs work offline (their assets come from redlist) and request bodies are strict: a
misspelt field is a 422 that names it. The browser test of ``/docs`` is in ``test_web.py``."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_everything_from_this_server(client, path) -> None:
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # the docs' own policy: scripts from here (and their inline start-up), nothing from elsewhere
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy and "img-src 'self' data:" in policy
    assert "frame-ancestors 'none'" in policy and "https:" not in policy
    urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", page.text)
    assert urls, page.text
    assert all(u.startswith("/") for u in urls), urls  # nothing from a CDN or a font service
    assert "fonts.googleapis" not in page.text and "cdn.jsdelivr" not in page.text
    for url in urls:
        if url.startswith("/docs/assets/"):
            asset = client.get(url)
            assert asset.status_code == 200 and len(asset.content) > 1000, url


def test_docs_assets_have_their_types_and_nothing_else_is_served(client) -> None:
    js = client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.headers["content-type"].startswith("text/javascript") and b"SwaggerUIBundle" in js.content
    css = client.get("/docs/assets/swagger-ui.css")
    assert css.headers["content-type"].startswith("text/css")
    assert client.get("/docs/assets/redoc.standalone.js").status_code == 200
    assert client.get("/docs/assets/core.py").status_code == 404
    assert client.get("/docs/assets/..%2F__init__.py").status_code == 404
    assert client.get("/openapi.json").status_code == 200
    assert "/docs" not in client.get("/openapi.json").json()["paths"]  # the docs are not API


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/screen", {"nmae": "x"}, "nmae"),
        ("/screen", {"name": "x", "contry": "CN"}, "contry"),
        ("/screen/batch", {"queries": [{"name": "a"}, {"nmae": "b"}]}, "queries.1.nmae"),
        ("/screen/batch", {"queries": [], "treshold": 0.5}, "treshold"),
        ("/check", {"name": "Xiaomi Corporation", "activty": "invest"}, "activty"),
        ("/match/default", {"queries": {"q": {"schema": "Company", "propertes": {}}}}, "propertes"),
        ("/match/default", {"queries": {}, "limt": 3}, "limt"),
    ],
)
def test_an_unknown_json_field_is_a_422_naming_it(client, path, body, field) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert f"{field}: unknown field" in message, message


def test_known_fields_still_work(client) -> None:
    assert client.post("/screen", json={"name": "Example Trading Co Ltd", "limit": 3}).status_code == 200
    check = client.post(
        "/check", json={"name": "Xiaomi Corporation", "activity": "invest", "on": "2021-03-16"}
    )
    assert check.status_code == 200 and check.json()["verdict"] == "unknown"  # the SDN fixture only
