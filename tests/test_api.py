"""The HTTP API: endpoints, JSON errors, limits, API keys, reload after an update."""

from __future__ import annotations

import os
import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from redlist.api.app import create_app
from redlist.cli import app as cli
from redlist.keys import create_key, load_keys, revoke_key, verify
from redlist.service import Redlist, Settings
from redlist.store import Store
from redlist.store.update import update

from conftest import FIXTURES


def test_health_and_ready(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "pid": os.getpid()}
    client.post("/screen", json={"name": "x"})  # first request loads the data
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True


def test_screen_one_and_batch(client) -> None:
    one = client.post("/screen", json={"name": "Example Trading Company Limited"})
    assert one.status_code == 200
    assert one.json()["matches"][0]["entity_id"] == "ofac-7001"
    batch = client.post(
        "/screen/batch",
        json={"queries": [{"name": "Northwind Shipping Lines", "id": "a"}, {"name": "", "id": "b"}]},
    )
    results = batch.json()["results"]
    assert [r["id"] for r in results] == ["a", "b"]
    assert results[0]["matches"][0]["entity_id"] == "ofac-101"
    assert results[1]["error"] == "empty name"


def test_check_timeline_entity_changes_sources(client) -> None:
    check = client.get(
        "/check", params={"name": "Xiaomi Corporation", "activity": "invest", "on": "2021-03-16"}
    )
    assert check.status_code == 200
    body = check.json()
    # only the SDN fixture is loaded: OFAC's consolidated list (CMIC) is missing, so not a clearance
    assert body["verdict"] == "unknown" and [m["list"] for m in body["missing"]] == ["us_ofac_cons"]
    assert body["findings"][0]["case"]["docket"] == "No. 1:21-cv-00280-RC"
    assert [s["source"] for s in body["data"]["sources"]] == ["us_ofac_sdn"]
    posted = client.post(
        "/check", json={"entity_id": "us_dod_ccmc:xiaomi", "activity": "invest", "on": "2021-02-15"}
    )
    assert posted.json()["findings"][0]["state"] == "pending"
    line = client.get("/timeline", params={"id": "us_dod_ccmc:xiaomi"}).json()
    assert any(e["kind"] == "injunction" for e in line["entries"])
    entity = client.get("/entities/ofac-7001").json()
    assert entity["current"]["names"][0]["value"] == "EXAMPLE TRADING CO., LTD."
    assert client.get("/changes").json()["count"] == 0  # one snapshot: nothing changed yet
    assert [s["source"] for s in client.get("/sources").json()][0] == "us_ofac_sdn"


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("post", "/screen", {"json": {"name": ""}}, 400),
        ("post", "/screen", {"content": b"\xff\xfe{", "headers": {"content-type": "application/json"}}, 422),
        ("post", "/screen", {"json": {"name": "x", "limit": 0}}, 422),
        ("post", "/screen/batch", {"json": {"queries": [{"name": "x"}] * 1001}}, 422),
        ("get", "/check", {"params": {"name": "Xiaomi", "activity": "smuggle"}}, 422),
        ("get", "/check", {"params": {"name": "Xiaomi", "on": "2021-02-30"}}, 422),
        ("get", "/check", {}, 400),
        ("get", "/entities/nope", {}, 404),
        ("get", "/nowhere", {}, 404),
    ],
)
def test_errors_are_json(client, method, path, kwargs, status) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["message"]
    assert "Traceback" not in response.text


def test_oversized_body_is_refused(store_home) -> None:
    with TestClient(create_app(home=store_home, max_body=1000)) as c:
        response = c.post(
            "/screen", content=b"{" + b" " * 2000 + b"}", headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert "over 1,000 bytes" in response.json()["error"]["message"]


def test_internal_errors_hide_the_trace(store_home, monkeypatch) -> None:
    def boom(self):
        raise ValueError("secret detail")

    monkeypatch.setattr(Redlist, "screen", boom)
    with TestClient(create_app(home=store_home), raise_server_exceptions=False) as c:
        response = c.post("/screen", json={"name": "x"})
    assert response.status_code == 500
    assert response.json() == {"error": {"status": 500, "message": "internal error"}}


def test_api_keys(store_home) -> None:
    record, secret = create_key("trading desk", store_home)
    assert secret.startswith(f"rl_{record.id}_")
    assert secret not in (store_home / "api_keys.json").read_text()  # stored hashed
    assert verify(secret, load_keys(store_home)).id == record.id
    with TestClient(create_app(home=store_home, api_auth=True)) as c:
        assert c.post("/screen", json={"name": "x"}).status_code == 401
        assert c.post("/screen", json={"name": "x"}, headers={"X-API-Key": "wrong"}).status_code == 401
        ok = c.post("/screen", json={"name": "Northwind"}, headers={"Authorization": f"Bearer {secret}"})
        assert ok.status_code == 200
        assert c.get("/healthz").status_code == 200  # health needs no key
        revoke_key(record.id, store_home)
        assert (
            c.post("/screen", json={"name": "x"}, headers={"Authorization": f"Bearer {secret}"}).status_code
            == 401
        )


def test_keys_cli(home) -> None:
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "onboarding"])
    assert created.exit_code == 0, created.output
    listed = runner.invoke(cli, ["keys", "list", "--json"])
    assert '"name": "onboarding"' in listed.stdout and "sha256" not in listed.stdout
    key_id = load_keys(home)[0].id
    assert runner.invoke(cli, ["keys", "revoke", key_id]).exit_code == 0
    assert runner.invoke(cli, ["keys", "revoke", "nope"]).exit_code == 1
    refused = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 1 and "API keys are required" in refused.output


def test_update_is_picked_up_without_restart(store_home) -> None:
    service = Redlist(Settings.load(home=store_home, reload_interval=0), background=True)
    with TestClient(create_app(redlist=service)) as c:
        first = c.post("/screen", json={"name": "Northwind Shipping Lines"}).json()
        assert first["matches"][0]["entity_id"] == "ofac-101"
        old_key = service.status()["data_key"]
        with Store.open(store_home) as store:
            [result] = update(
                store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09"
            )
            assert result.ok
        deadline = time.monotonic() + 60
        while service.status()["data_key"] == old_key and time.monotonic() < deadline:
            assert (
                c.post("/screen", json={"name": "Northwind Shipping Lines"}).status_code == 200
            )  # never fails
            time.sleep(0.2)
        assert service.status()["data_key"] != old_key


def test_openapi_document(client) -> None:
    doc = client.get("/openapi.json").json()
    assert {"/screen", "/screen/batch", "/check", "/entities/{entity_id}", "/timeline"} <= set(doc["paths"])


def test_cors_is_configurable(store_home) -> None:
    with TestClient(create_app(home=store_home, api_cors=["http://refine.example"])) as c:
        allowed = c.options(
            "/screen",
            headers={"Origin": "http://refine.example", "Access-Control-Request-Method": "POST"},
        )
        assert allowed.headers["access-control-allow-origin"] == "http://refine.example"
    with TestClient(create_app(home=store_home)) as c:
        assert "access-control-allow-origin" not in c.get("/healthz", headers={"Origin": "http://x"}).headers
