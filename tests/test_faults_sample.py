"""A small sample of the fault-injection suite (benchmarks/faults.py) on the real publications:
truncated and corrupted copies of the smaller files, loaded over their last good snapshot, are
refused or stored with a new warning, never stored silently and never a traceback.

Run only these with ``pytest -m faults``; the full suite is ``python benchmarks/faults.py``."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from conftest import RAW

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import faults  # noqa: E402

pytestmark = pytest.mark.faults

#: The smaller publications (a trial of each takes about a second).
SAMPLE = (
    "bis_dpl/2022-09-07/dpl.txt",
    "2018-04-06/consolidated.xml",
    "2025-12-19/cons_prim.csv",
    "sample_2025/consolidated.csv",
)


@pytest.fixture(scope="module")
def sample() -> list[faults.Publication]:
    if not RAW.is_dir():
        pytest.skip(f"real data not available: {RAW} (set REDLIST_TEST_DATA)")
    pubs = [p for p in faults.publications(RAW) if p.label.endswith(SAMPLE)]
    if not pubs:
        pytest.skip(f"none of the sampled publications is in {RAW}")
    return pubs


@pytest.mark.parametrize("phase", ["truncation", "flips"])
def test_damaged_publications_are_refused_or_flagged(sample, phase, tmp_path) -> None:
    tally = faults.damage_phase(phase, sample, 2 * len(sample), random.Random(16), tmp_path)
    assert not tally.failures, tally.failures
    assert sum(tally.outcomes.values()) == 2 * len(sample)
    if phase == "truncation":
        assert set(tally.outcomes) <= {"refused", "flagged"}


def test_every_truncation_point_of_a_small_file_is_refused(sample, tmp_path) -> None:
    """Every record boundary of the 2025 consolidated CSL sample, plain and resealed."""
    [pub] = [p for p in sample if p.label.endswith("sample_2025/consolidated.csv")] or [None]
    if pub is None:
        pytest.skip("the 2025 CSL sample is not in the test data")
    base = faults.baseline(pub, tmp_path)
    data = pub.files[pub.main]
    ends, tail = faults.record_boundaries(pub.main, data)
    for cut in ends:
        for damaged in (data[:cut], data[:cut] + tail):
            outcome, detail = faults.load_damaged(pub, base, damaged, tmp_path / "trial")
            assert outcome == "refused", (cut, detail)
