"""The candidate cut-off of the name index at real-list size: on the full corpus (SDN, consolidated and
the CSL), screening through the index's candidates finds the same best match as scoring every name."""

from __future__ import annotations

import random

import pytest

from redlist.screen import Query, Screener
from redlist.store import Store
from redlist.store.current import current_entities
from redlist.store.update import update

from conftest import raw_path


@pytest.fixture(scope="module")
def screener(tmp_path_factory) -> Screener:
    loads = (
        ("us_ofac_sdn", raw_path("ofac_sdn", "2024-05-03"), "2024-05-03"),
        ("us_ofac_cons", raw_path("ofac_consolidated", "2025-12-19"), "2025-12-19"),
        ("us_trade_csl", raw_path("trade_csl", "2026-07-31_reconstructed"), "2026-07-31"),
    )
    with Store.open(tmp_path_factory.mktemp("home")) as store:
        for source, folder, as_of in loads:
            [result] = update(store, [source], origin=str(folder), as_of=as_of)
            assert result.ok, result.message
        return Screener(current_entities(store))


def _variants(name: str, rng: random.Random) -> list[str]:
    """The name as a user might type it: a dropped letter, two words swapped, lower case."""
    words = name.replace(",", " ").split()
    out = [name.lower()]
    long_words = [i for i, w in enumerate(words) if len(w) > 5]
    if long_words:
        i = rng.choice(long_words)
        j = rng.randrange(1, len(words[i]) - 1)
        out.append(" ".join([*words[:i], words[i][:j] + words[i][j + 1 :], *words[i + 1 :]]))
    if len(words) >= 2:
        out.append(" ".join([words[1], words[0], *words[2:]]))
    return out


def test_index_and_exhaustive_scoring_agree_on_the_top_match(screener: Screener) -> None:
    assert len(screener) > 25_000 and len(screener.index) > 50_000  # the full corpus
    rng = random.Random(20261206)
    sample = rng.sample([e for e in screener.entities if len(e.name) > 8], 12)
    queries = [q for e in sample for q in _variants(e.name, rng)]
    differ = []
    for text in queries:
        fast = screener.screen(Query(text), threshold=0.5, limit=3)
        full = screener.screen(Query(text), threshold=0.5, limit=3, exhaustive=True)
        top_fast = [(m.entity_id, m.score) for m in fast.matches[:1]]
        top_full = [(m.entity_id, m.score) for m in full.matches[:1]]
        if top_fast != top_full:
            differ.append(f"{text!r}: index {top_fast} vs every name {top_full}")
    assert len(queries) >= 30
    assert not differ, "\n".join(differ)
