"""schemathesis against the API's own OpenAPI document: no 5xx, no response off its schema."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the test extras")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from redlist.api.app import create_app  # noqa: E402
from redlist.store import Store  # noqa: E402
from redlist.store.update import update  # noqa: E402

from conftest import FIXTURES  # noqa: E402


def _app(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with Store.open(home) as store:
        for folder, as_of in (("sdn_a", "2024-01-02"), ("sdn_b", "2024-01-09")):
            [result] = update(store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / folder), as_of=as_of)
            assert result.ok, result.message
    return create_app(home=home)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="session")
def api_schema(tmp_path_factory):
    return schemathesis.openapi.from_asgi("/openapi.json", _app(tmp_path_factory))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case) -> None:
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
