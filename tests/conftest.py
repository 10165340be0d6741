"""Shared test fixtures.

Real-data tests read the government files in ``REDLIST_TEST_DATA`` (default ``../shared/data``
next to the repository) and skip with a reason when that folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pg import pg_url, postgres_server, store_url  # noqa: F401  (fixtures: a real PostgreSQL server)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(os.environ.get("REDLIST_TEST_DATA", REPO.parent / "shared" / "data"))
RAW = DATA / "raw"


def cover_every_list(target, as_of: str) -> None:
    """Load the tiny hand-written CSL fixture into ``target`` (a Redlist or a Store), so that every
    list has a publication (the CSL copies them all). A test of one list's logic then gets settled
    answers instead of ``unknown`` for the lists it does not load (never a silent "allowed")."""
    from redlist.store import Store
    from redlist.store.update import update

    origin = str(FIXTURES / "trade_csl" / "consolidated.json")
    if isinstance(target, Store):
        [result] = update(target, ["us_trade_csl"], origin=origin, as_of=as_of)
    else:
        [result] = target.update(["us_trade_csl"], origin=origin, as_of=as_of)
    assert result.ok, result.message


def raw_path(*parts: str) -> Path:
    """A path under the real data folder; skips the test when it is not there."""
    path = RAW.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (set REDLIST_TEST_DATA)")
    return path


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh REDLIST_HOME for the test."""
    monkeypatch.setenv("REDLIST_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def store_home(home) -> Path:
    """A REDLIST_HOME holding the hand-written OFAC fixture tests/fixtures/cli/sdn_a."""
    from redlist.store import Store
    from redlist.store.update import update

    with Store.open(home) as store:
        [result] = update(store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
        assert result.ok, result.message
    return home


@pytest.fixture
def client(store_home):
    """An API test client over ``store_home`` (server errors come back as responses)."""
    from fastapi.testclient import TestClient

    from redlist.api.app import create_app

    with TestClient(create_app(home=store_home), raise_server_exceptions=False) as c:
        yield c
