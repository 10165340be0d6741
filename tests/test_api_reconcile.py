"""The Reconciliation API (v0.2) at /reconcile: shapes checked against the W3C JSON Schemas, and a
real client (the ``reconciler`` package) run against a live server."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from redlist.api.app import create_app
from redlist.api.reconcile import preview_html
from redlist.model import Entity, EntityType, Listing, Name
from redlist.store import Store
from redlist.store.update import update

from conftest import DATA, FIXTURES

SCHEMAS = DATA / "peers" / "reconciliation_api_0.2_schemas"


@pytest.fixture(scope="module")
def app_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("reconcile") / "home"
    with Store.open(home) as store:
        [result] = update(store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
    assert result.status == "stored", result.message
    return home


@pytest.fixture(scope="module")
def client(app_home) -> TestClient:
    return TestClient(create_app(home=app_home))


def test_the_spec_schemas_are_available() -> None:
    # the other tests check their own assertions either way and the schemas only when present
    if not SCHEMAS.is_dir():
        pytest.skip(f"reconciliation API schemas not available: {SCHEMAS} (set REDLIST_TEST_DATA)")
    assert (SCHEMAS / "reconciliation-result-batch.json").is_file()


def validate(data: Any, schema_file: str) -> None:
    """Validate against one of the spec's schemas when they are available (see the test above)."""
    if not SCHEMAS.is_dir():
        return
    from jsonschema import Draft7Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        # the files say "$schema": ".../schema#" (no draft); they are written for draft 7
        resources.append((schema.get("$id", path.name), DRAFT7.create_resource(schema)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / schema_file).read_text())
    Draft7Validator(schema, registry=registry).validate(data)


def queries_form(queries: dict[str, Any]) -> dict[str, str]:
    """The body OpenRefine sends: a form with one field holding the batch as a JSON string."""
    validate(queries, "reconciliation-query-batch.json")
    return {"queries": json.dumps(queries)}


# --- manifest ---------------------------------------------------------------------------------


def test_manifest_is_valid_and_points_at_our_endpoints(client) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    manifest = response.json()
    validate(manifest, "manifest.json")
    assert manifest["versions"] == ["0.2"]
    assert {t["id"] for t in manifest["defaultTypes"]} >= {"company", "person", "vessel"}
    # the base URL is the configured one (default http://HOST:PORT), never the request's Host
    assert manifest["view"]["url"] == "http://127.0.0.1:8000/entities/{{id}}"
    preview_url = manifest["preview"]["url"].replace("{{id}}", "ofac-7001")
    assert client.get(preview_url.replace("http://127.0.0.1:8000", "")).status_code == 200
    for kind in ("entity", "type", "property"):
        assert (
            client.get(manifest["suggest"][kind]["service_path"], params={"prefix": "x"}).status_code == 200
        )
    assert client.get(manifest["extend"]["propose_properties"]["service_path"]).status_code == 200


def test_view_url_resolves_to_the_entity(client) -> None:
    url = client.get("/reconcile").json()["view"]["url"].replace("{{id}}", "ofac-7001")
    assert client.get(url.replace("http://127.0.0.1:8000", "")).json()["entity_id"] == "ofac-7001"


# --- queries ----------------------------------------------------------------------------------


def test_form_queries_find_list_entries(client) -> None:
    batch = {
        "q0": {"query": "Example Trading Company Limited", "type": "company", "limit": 3},
        "q1": {"query": "Yangtze Memory Technologies Corp"},
        "q2": {"query": "Northwind Shipping Line", "properties": [{"pid": "country", "v": "CU"}]},
        "q3": {"query": "Completely Unrelated Bakery"},
    }
    response = client.post("/reconcile", data=queries_form(batch))
    assert response.status_code == 200, response.text
    results = response.json()
    validate(results, "reconciliation-result-batch.json")
    assert set(results) == set(batch)
    best = results["q0"]["result"][0]
    assert best["id"] == "ofac-7001"
    assert best["name"] == "EXAMPLE TRADING CO., LTD."
    assert best["type"] == [{"id": "company", "name": "Company or organisation"}]
    assert best["match"] is True and 70 <= best["score"] <= 100
    assert "us_ofac_sdn" in best["description"] and "SDGT" in best["description"]
    assert results["q1"]["result"][0]["id"] == "us_dod_1260h:ymtc"
    assert results["q2"]["result"][0]["id"] == "ofac-101"
    assert results["q3"]["result"] == []


def test_weak_candidates_are_listed_but_not_matched(client) -> None:
    batch = {"weak": {"query": "Example Global Trading Partners"}, "strong": {"query": "Example Tradin"}}
    results = client.post("/reconcile", data=queries_form(batch)).json()
    validate(results, "reconciliation-result-batch.json")
    # a near miss a reviewer should see (below the screener's threshold), never auto-matched
    [weak] = results["weak"]["result"]
    assert weak["id"] == "ofac-7001" and 50 <= weak["score"] < 70 and weak["match"] is False
    # the same entry above the threshold, and clearly the best, is matched
    strong = results["strong"]["result"][0]
    assert strong["id"] == "ofac-7001" and strong["score"] >= 70 and strong["match"] is True


def test_type_filters_candidates(client) -> None:
    batch = {
        "p": {"query": "Example Trading Co Ltd", "type": "person"},
        "v": {"query": "Northwind", "type": ["vessel"]},
    }
    results = client.post("/reconcile", data=queries_form(batch)).json()
    validate(results, "reconciliation-result-batch.json")
    assert all(c["id"] != "ofac-7001" for c in results["p"]["result"])
    assert results["v"]["result"] == []


def test_json_body_and_legacy_get(client) -> None:
    batch = {"a": {"query": "Example Trading Co., Ltd."}}
    by_json = client.post("/reconcile", json={"queries": batch}).json()
    by_get = client.get("/reconcile", params={"queries": json.dumps(batch)}).json()
    validate(by_json, "reconciliation-result-batch.json")
    assert by_json == by_get
    assert by_json["a"]["result"][0]["id"] == "ofac-7001"


def test_identifier_property_and_limit(client) -> None:
    batch = {
        "i": {"query": "", "properties": [{"pid": "isin", "v": "US0378331005"}]},
        "n": {"query": "Example", "limit": 1, "properties": [{"pid": "country", "v": ["", "IR"]}]},
    }
    results = client.post("/reconcile", data=queries_form(batch)).json()
    validate(results, "reconciliation-result-batch.json")
    assert results["i"]["result"] == []  # a valid ISIN that is on no list
    assert len(results["n"]["result"]) <= 1


@pytest.mark.parametrize(
    ("form", "needle"),
    [
        ({"queries": "{not json"}, "'queries' is not valid JSON"),
        ({"queries": "[1, 2]"}, "must be a JSON object"),
        (
            {"queries": json.dumps({"q": {"query": "x", "properties": [{"pid": "P17", "v": "CN"}]}})},
            "unknown property",
        ),
        ({"queries": json.dumps({"q": {"query": "x", "type": "Q5"}})}, "unknown type"),
        ({"queries": json.dumps({"q": {"query": "x", "limit": 0}})}, "'limit'"),
        ({"extend": "{"}, "'extend' is not valid JSON"),
        ({"something": "else"}, "give 'queries'"),
    ],
)
def test_bad_requests_are_400_with_a_message(client, form, needle) -> None:
    response = client.post("/reconcile", data=form)
    assert response.status_code == 400
    assert needle in response.json()["error"]["message"]


def test_bad_json_body_is_400(client) -> None:
    response = client.post("/reconcile", content=b"{oops", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]["message"]


# --- suggest, preview, extend ---------------------------------------------------------------


def test_suggest_entity_by_prefix_and_inner_word(client) -> None:
    response = client.get("/reconcile/suggest/entity", params={"prefix": "exam"})
    validate(response.json(), "suggest-entities-response.json")
    ids = [r["id"] for r in response.json()["result"]]
    assert "ofac-7001" in ids
    inner = client.get("/reconcile/suggest/entity", params={"prefix": "shipping"}).json()["result"]
    assert "ofac-101" in [r["id"] for r in inner]
    assert client.get("/reconcile/suggest/entity", params={"prefix": "zzqx"}).json() == {"result": []}


def test_suggest_type_and_property(client) -> None:
    types = client.get("/reconcile/suggest/type", params={"prefix": "per"}).json()
    validate(types, "suggest-types-response.json")
    assert [t["id"] for t in types["result"]] == ["person"]
    props = client.get("/reconcile/suggest/property", params={"prefix": "cou"}).json()
    validate(props, "suggest-properties-response.json")
    assert [p["id"] for p in props["result"]] == ["country"]


def test_jsonp_callback_and_a_hostile_one(client) -> None:
    response = client.get("/reconcile/suggest/type", params={"prefix": "ves", "callback": "jQuery123_456"})
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.text.startswith("/**/jQuery123_456(") and '"vessel"' in response.text
    bad = client.get("/reconcile", params={"callback": "alert(1)//"})
    assert bad.status_code == 400


def test_preview_names_lists_and_programs(client) -> None:
    response = client.get("/reconcile/preview", params={"id": "ofac-7001"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "EXAMPLE TRADING CO., LTD." in response.text
    assert "Specially Designated Nationals" in response.text and "SDGT, IRAN" in response.text
    assert client.get("/reconcile/preview", params={"id": "no-such"}).status_code == 404


def test_preview_escapes_published_text() -> None:
    entity = Entity(
        source="x",
        key="1",
        entity_id="x-1<b>",
        type=EntityType.ORGANIZATION,
        names=[Name("<script>alert(1)</script> & Co")],
        listings=[Listing("us_bis_el", programs=['"><img src=x>'], listed_on="2020-01-01")],
    )
    page = preview_html(entity)
    assert "<script>" not in page and "<img" not in page and "x-1<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page


def test_extend_fetches_lists_programs_and_dates(client) -> None:
    request = {
        "ids": ["ofac-7001", "us_dod_1260h:ymtc", "no-such"],
        "properties": [{"id": "lists"}, {"id": "programs"}, {"id": "country"}, {"id": "listed_on"}],
    }
    validate(request, "data-extension-query.json")
    response = client.post("/reconcile", data={"extend": json.dumps(request)})
    assert response.status_code == 200, response.text
    data = response.json()
    validate(data, "data-extension-response.json")
    assert [m["id"] for m in data["meta"]] == ["lists", "programs", "country", "listed_on"]
    rows = data["rows"]
    assert rows["ofac-7001"]["lists"] == [{"str": "us_ofac_sdn"}]
    assert rows["ofac-7001"]["programs"] == [{"str": "IRAN"}, {"str": "SDGT"}]
    assert rows["us_dod_1260h:ymtc"]["listed_on"] == [{"date": "2024-01-31T00:00:00Z"}]
    assert rows["no-such"] == {"lists": [], "programs": [], "country": [], "listed_on": []}
    assert client.post("/reconcile", json={"extend": request}).json() == data


def test_extend_rejects_unknown_properties(client) -> None:
    response = client.post(
        "/reconcile", json={"extend": {"ids": ["ofac-7001"], "properties": [{"id": "P31"}]}}
    )
    assert response.status_code == 400
    assert "unknown properties" in response.json()["error"]["message"]


def test_propose_properties(client) -> None:
    data = client.get("/reconcile/propose_properties", params={"type": "company"}).json()
    validate(data, "data-extension-property-proposal.json")
    assert data["type"] == "company"
    assert {"lists", "programs", "country", "listed_on"} <= {p["id"] for p in data["properties"]}


def test_every_endpoint_requires_a_key_when_auth_is_on(app_home) -> None:
    client = TestClient(create_app(home=app_home, api_auth=True))
    for path in (
        "/reconcile",
        "/reconcile/suggest/entity?prefix=x",
        "/reconcile/suggest/type",
        "/reconcile/suggest/property",
        "/reconcile/preview?id=ofac-7001",
        "/reconcile/propose_properties",
    ):
        assert client.get(path).status_code == 401, path
    assert client.post("/reconcile", data={"queries": "{}"}).status_code == 401


# --- a real client against a live server ------------------------------------------------------


@pytest.fixture(scope="module")
def live_url(app_home):
    uvicorn = pytest.importorskip("uvicorn")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(home=app_home, port=port), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):  # wait for start-up, not a timing assertion
        if server.started:
            break
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/reconcile"
    server.should_exit = True
    thread.join(10)


def test_reconciler_package_reconciles_a_column(live_url) -> None:
    pd = pytest.importorskip("pandas")
    reconciler = pytest.importorskip("reconciler")
    names = pd.Series(
        ["Example Trading Company Limited", "Yangtze Memory Technologies Corp", "Northwind Shipping Lines"]
    )
    df = reconciler.reconcile(names, type_id="company", reconciliation_endpoint=live_url)
    got = dict(zip(df["input_value"], df["id"], strict=True))
    assert got == {
        "Example Trading Company Limited": "ofac-7001",
        "Yangtze Memory Technologies Corp": "us_dod_1260h:ymtc",
        "Northwind Shipping Lines": "ofac-101",
    }
    assert df["match"].tolist() == [True, True, True]
    assert set(df["type_id"]) == {"company"}


def test_openrefine_style_form_post_over_http(live_url) -> None:
    httpx = pytest.importorskip("httpx")
    batch = {"q0": {"query": "EXAMPLE TRADING", "type": "company", "type_strict": "should", "limit": 3}}
    response = httpx.post(live_url, data={"queries": json.dumps(batch)})
    assert response.status_code == 200
    validate(response.json(), "reconciliation-result-batch.json")
    assert response.json()["q0"]["result"][0]["id"] == "ofac-7001"
    manifest = httpx.get(live_url).json()
    validate(manifest, "manifest.json")
    assert manifest["view"]["url"].startswith(live_url.removesuffix("/reconcile"))


def test_schema_check_bites() -> None:
    """The validation above is real: a feature with a text value breaks the result schema."""
    from jsonschema import ValidationError

    if not SCHEMAS.is_dir():
        pytest.skip(f"reconciliation API schemas not available: {SCHEMAS} (set REDLIST_TEST_DATA)")
    bad = {
        "q": {"result": [{"id": "x", "name": "X", "score": 1, "features": [{"id": "f", "value": "text"}]}]}
    }
    with pytest.raises(ValidationError):
        validate(bad, "reconciliation-result-batch.json")
