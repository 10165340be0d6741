"""The yente-compatible endpoints, through TestClient and through the real yente-client."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from redlist.api.app import create_app
from redlist.cli import app as cli
from redlist.keys import create_key
from redlist.model import LISTS

from conftest import FIXTURES

yente_client = pytest.importorskip("yente_client")
uvicorn = pytest.importorskip("uvicorn")

XIAOMI = "us_fcc_covered:hytera"  # a curated entry still listed (Xiaomi's designation was vacated)


@pytest.fixture
def data_home(home):
    result = CliRunner().invoke(
        cli, ["update", "us_ofac_sdn", "--from", str(FIXTURES / "cli" / "sdn_a"), "--as-of", "2024-01-02"]
    )
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def client(data_home) -> TestClient:
    return TestClient(create_app(home=data_home))


@pytest.fixture
def server(data_home) -> Iterator[str]:
    """A real uvicorn server on a free loopback port; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(home=data_home, api_auth=True)
    _, secret = create_key("yente-test", data_home)
    app.state.test_secret = secret
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(500):  # wait for startup, not a timing assertion
        if srv.started:
            break
        time.sleep(0.02)
    assert srv.started
    try:
        yield f"http://127.0.0.1:{port}", secret
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


# --- the real yente-client ----------------------------------------------------------------------


def test_yente_client_match_search_fetch(server) -> None:
    base_url, secret = server
    with yente_client.Client(base_url=base_url, api_key=secret) as yc:
        company = yente_client.Company(name=["Example Trading Company Limited"])
        response = yc.match(company)
        assert response.top is not None
        assert response.top.id == "ofac-7001"
        assert response.top.caption == "EXAMPLE TRADING CO., LTD."
        assert response.top.match is True and 0.7 <= response.top.score <= 1.0
        assert response.top.explanations["name_match"].score == response.top.score
        assert "us_ofac_sdn" in response.top.datasets

        found = yc.search("Hytera")
        assert XIAOMI in [e.id for e in found.results]
        assert found.total.value >= 1

        entity = yc.fetch(XIAOMI)
        assert entity.id == XIAOMI and entity.schema_ in ("Company", "Organization")
        assert "Hytera Communications Corporation" in entity.properties["name"]

        datasets = yc.datasets()
        names = [d.name for d in datasets.datasets]
        assert names[0] == "default" and set(LISTS) <= set(names)

        # one list as the dataset: an OFAC entry is not on the Entity List
        narrowed = yc.match(company, datasets=["us_bis_el"])
        assert "ofac-7001" not in [r.id for r in narrowed.results]

        with pytest.raises(yente_client.NotFoundError):
            yc.match(company, datasets=["us_nowhere"])
        with pytest.raises(yente_client.NotFoundError):
            yc.fetch("no-such-entity")


def test_yente_client_without_key_is_refused(server) -> None:
    base_url, _ = server
    with yente_client.Client(base_url=base_url) as yc, pytest.raises(yente_client.AuthenticationError):
        yc.match(yente_client.Company(name=["Example Trading"]))
    bad = yente_client.Client(base_url=base_url, api_key="rl_bad_key")
    with bad as yc, pytest.raises(yente_client.AuthenticationError):
        yc.search("Hytera")


# --- shapes -------------------------------------------------------------------------------------


def match(client: TestClient, queries: dict[str, Any], dataset: str = "default", **params: Any) -> Any:
    return client.post(f"/match/{dataset}", json={"queries": queries}, params=params)


def test_match_shape_and_threshold(client) -> None:
    query = {"schema": "Company", "properties": {"name": ["Exampel Trading Co"]}}
    r = match(client, {"a": query, "b": {"schema": "Person", "properties": {"name": ["Nobody Atall Here"]}}})
    assert r.status_code == 200
    body = r.json()
    assert body["limit"] == 5
    a = body["responses"]["a"]
    assert a["status"] == 200 and a["query"]["schema"] == "Company"
    top = a["results"][0]
    assert top["id"] == "ofac-7001"
    assert set(top) >= {
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "score",
        "match",
    }
    assert top["properties"]["name"] == ["EXAMPLE TRADING CO., LTD."]
    assert top["features"]["name_match"] == top["score"]
    assert top["explanation"]["summary"]
    assert a["total"] == {"value": len(a["results"]), "relation": "eq"}
    assert body["responses"]["b"]["results"] == []
    # a threshold over the score: still returned (above the cutoff) but not a match
    strict = match(client, {"a": query}, threshold=1.0).json()["responses"]["a"]["results"]
    hit = next(r for r in strict if r["id"] == "ofac-7001")
    assert hit["score"] < 1.0 and hit["match"] is False


def test_match_best_name_per_entity_and_persons(client) -> None:
    query = {
        "schema": "LegalEntity",
        "properties": {"name": ["Completely Unrelated Words", "Northwind Shipping Lines"]},
    }
    results = match(client, {"q": query}).json()["responses"]["q"]["results"]
    ids = [r["id"] for r in results]
    assert ids.count("ofac-101") == 1
    assert results[0]["id"] == "ofac-101" and results[0]["score"] >= 0.9
    # a person query does not return companies
    person = {"schema": "Person", "properties": {"name": ["Northwind Shipping Lines"]}}
    results = match(client, {"q": person}).json()["responses"]["q"]["results"]
    assert "ofac-101" not in [r["id"] for r in results]


def test_match_by_identifier_only(home) -> None:
    # a real store from the hand-written OFAC files: a CMIC issuer with ISINs, a vessel with an IMO
    for source, folder in (("us_ofac_sdn", "sdn"), ("us_ofac_cons", "cons")):
        args = ["update", source, "--from", str(FIXTURES / "ofac_csv" / folder), "--as-of", "2024-01-02"]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    client = TestClient(create_app(home=home))
    queries = {
        "c": {"schema": "Company", "properties": {"isin": ["US1694261033"]}},
        "v": {"schema": "Vessel", "properties": {"name": ["Unrelated Name"], "imoNumber": ["IMO 9187629"]}},
        "bad": {"schema": "Company", "properties": {"isin": ["US1694261034"]}},
    }
    body = match(client, queries).json()["responses"]
    [top] = body["c"]["results"]
    assert top["id"] == "ofac-201" and top["score"] == 1.0 and top["match"] is True
    assert top["features"]["identifier_match"] == 1.0
    assert "US1694261033" in top["properties"]["isinCode"]
    assert [r["id"] for r in body["v"]["results"]] == ["ofac-103"]
    assert body["bad"]["results"] == [] and "invalid" in body["bad"]["warnings"][0]


def test_match_errors(client) -> None:
    r = match(client, {"q": {"schema": "Company", "properties": {"name": ["x"]}}}, dataset="us_nowhere")
    assert r.status_code == 404 and "us_nowhere" in r.json()["error"]["message"]
    r = match(client, {"q": {"schema": "Document", "properties": {"name": ["x"]}}})
    assert r.status_code == 400 and "cannot be matched" in r.json()["error"]["message"]
    empty = match(client, {"q": {"schema": "Company", "properties": {}}}).json()["responses"]["q"]
    assert empty["status"] == 400 and empty["results"] == []
    assert client.post("/match/default", json={"nothing": 1}).status_code == 422


def test_match_dataset_filter(client) -> None:
    query = {"q": {"schema": "Company", "properties": {"name": ["Hytera Communications Corporation"]}}}
    hit = match(client, query, dataset="us_fcc_covered").json()["responses"]["q"]["results"]
    assert XIAOMI in [r["id"] for r in hit]
    miss = match(client, query, dataset="us_ofac_sdn").json()["responses"]["q"]["results"]
    assert XIAOMI not in [r["id"] for r in miss]
    excluded = match(client, query, exclude_entity_ids=[XIAOMI]).json()["responses"]["q"]["results"]
    assert XIAOMI not in [r["id"] for r in excluded]


def test_search_shape_and_paging(client) -> None:
    body = client.get("/search/default", params={"q": "Northwind Shipping"}).json()
    assert body["results"][0]["id"] == "ofac-101"
    assert body["total"]["relation"] == "eq" and body["total"]["value"] >= 1
    assert body["limit"] == 10 and body["offset"] == 0
    assert "score" not in body["results"][0]
    page = client.get("/search/default", params={"q": "Northwind Shipping", "offset": 1, "limit": 1}).json()
    assert page["results"] == body["results"][1:2]
    assert client.get("/search/us_nowhere", params={"q": "x"}).status_code == 404
    assert client.get("/search/default").status_code == 400


def test_catalog(client) -> None:
    datasets = client.get("/catalog").json()["datasets"]
    default = datasets[0]
    assert default["name"] == "default" and default["children"] == list(LISTS)
    assert [d["name"] for d in datasets[1:]] == list(LISTS)
    assert datasets[1]["title"] == LISTS[datasets[1]["name"]]


def test_yente_entity(client) -> None:
    entity = client.get("/entities/ofac-7001", params={"nested": "false"}).json()
    assert entity["caption"] == "EXAMPLE TRADING CO., LTD." and entity["datasets"] == ["us_ofac_sdn"]
    assert entity["properties"]["program"] == ["SDGT", "IRAN"]
    assert client.get("/entities/ofac-999999", params={"nested": "false"}).status_code == 404


def test_auth_required(data_home) -> None:
    app = create_app(home=data_home, api_auth=True)
    _, secret = create_key("shape-test", data_home)
    client = TestClient(app)
    query = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Example Trading"]}}}}
    for method, path, kwargs in [
        ("post", "/match/default", {"json": query}),
        ("get", "/search/default", {"params": {"q": "Hytera"}}),
        ("get", "/catalog", {}),
    ]:
        assert getattr(client, method)(path, **kwargs).status_code == 401
        ok = getattr(client, method)(path, headers={"Authorization": f"ApiKey {secret}"}, **kwargs)
        assert ok.status_code == 200, ok.text
