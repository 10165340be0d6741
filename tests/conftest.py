"""Shared test fixtures.

Real-data tests read the government files in ``REDLIST_TEST_DATA`` (default ``../shared/data``
next to the repository) and skip with a reason when that folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(os.environ.get("REDLIST_TEST_DATA", REPO.parent / "shared" / "data"))
RAW = DATA / "raw"


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
