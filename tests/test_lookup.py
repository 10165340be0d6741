"""Entity lookups and prefix search (``Redlist.listed``/``entity``/``suggest``, the watch monitor's
``by_id``): the same answers, in the same order, as the dict of every entry and the list of every
folded name they replaced (kept below as the reference), over an index built in memory and one
opened from its file."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from redlist import indexfile
from redlist.model import Entity, EntityType, Listing, Name, NameType
from redlist.screen import Screener
from redlist.service import Redlist
from redlist.service.generation import entity_lookup, name_table, suggest
from redlist.settings import Settings
from redlist.store import Store
from redlist.store.update import update

from conftest import FIXTURES, RAW, cover_every_list


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _by_id_before(entities: list[Entity]) -> dict[str, Entity]:
    """``Generation.by_id`` as it was: every entry decoded into a dict, the first of an id kept."""
    out: dict[str, Entity] = {}
    for entity in entities:
        out.setdefault(entity.entity_id, entity)
    return out


def _names_before(entities: list[Entity]) -> list[tuple[str, str]]:
    """``Generation.name_index`` as it was: (folded name, entity id) of every name of every entry."""
    return [(_fold(n.value), e.entity_id) for e in entities for n in e.names]


def _suggest_before(
    names: list[tuple[str, str]], by_id: dict[str, Entity], prefix: str, limit: int
) -> list[Entity]:
    """``Redlist.suggest`` as it was: a scan of the folded names."""
    p = " ".join(prefix.casefold().split())
    if not p:
        return []
    starts = [eid for text, eid in names if text.startswith(p)]
    inner = [eid for text, eid in names if f" {p}" in f" {text}" and not text.startswith(p)]
    return [by_id[eid] for eid in list(dict.fromkeys(starts + inner))[:limit]]


def _prefixes(entities: list[Entity], count: int, seed: int) -> list[str]:
    """What a user types: the start of a name or of one of its words (1-8 characters), a start
    running over two words, the name whole, other case and spacing, and text no name holds."""
    rng = random.Random(seed)
    texts = [n.value for e in entities for n in e.names]
    out = ["", "   ", "a", "zzqx", "ß", "-", "co", "co ", " co  ltd", "\u4e2d", "ооо", "al-"]
    for _ in range(count):
        text = rng.choice(texts)
        words = _fold(text).split()
        if not words:
            continue
        i = rng.randrange(len(words))
        word = words[i]
        out.append(word[: rng.randint(1, 8)])
        out.append(" ".join(words)[: rng.randint(1, 12)])
        if i + 1 < len(words):
            out.append(f"{word} {words[i + 1][: rng.randint(1, 4)]}")
        out.append(text.upper() if rng.random() < 0.5 else f"  {text}  ")
    return out


def _same_as_before(redlist: Redlist, prefixes: list[str], limits: tuple[int, ...]) -> None:
    with redlist.generation() as gen:
        entities = list(gen.screener.entities)
    by_id = _by_id_before(entities)
    names = _names_before(entities)
    for prefix in prefixes:
        for limit in limits:
            expected = _suggest_before(names, by_id, prefix, limit)
            found = redlist.suggest(prefix, limit)
            assert [e.entity_id for e in found] == [e.entity_id for e in expected], (prefix, limit)
            assert found == expected, (prefix, limit)
    with redlist.generation() as gen:
        lookup = gen.by_id
        assert len(lookup) == len(by_id)
        assert list(lookup) == list(by_id)
        for eid, entity in by_id.items():
            assert eid in lookup and lookup[eid] == entity and lookup.get(eid) == entity
        for absent in ("", "ofac-999", "x" * 40, entities[0].entity_id + " "):
            assert absent not in lookup and lookup.get(absent) is None
            with pytest.raises(KeyError):
                lookup[absent]
    for eid in list(by_id)[:50]:
        assert redlist.listed(eid) == by_id[eid]


@pytest.fixture
def fixture_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    with Store.open(home) as store:
        [result] = update(store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
        assert result.ok, result.message
        cover_every_list(store, "2024-01-02")
    return home


@pytest.mark.parametrize("cached", [True, False], ids=["index file", "in memory"])
def test_suggest_and_lookups_answer_as_before(fixture_home: Path, cached: bool) -> None:
    """The OFAC and CSL fixtures and the bundled curated lists (Latin, Han and Cyrillic names)."""
    if cached:
        Redlist(Settings.load(home=fixture_home)).warm()  # builds the index and writes its file
    redlist = Redlist(Settings.load(home=fixture_home, cache=cached))
    with redlist.generation() as gen:
        assert hasattr(gen.screener, "pack") == cached
        entities = list(gen.screener.entities)
    assert len(entities) > 100
    _same_as_before(redlist, _prefixes(entities, 300, seed=5), limits=(10, 1, 0, 3, 1000, -2))


def test_an_id_listed_twice_answers_its_first_entry(tmp_path: Path) -> None:
    def entity(eid: str, name: str, key: str) -> Entity:
        return Entity(
            source="us_ofac_sdn",
            key=key,
            entity_id=eid,
            type=EntityType.ORGANIZATION,
            names=[Name(name, NameType.PRIMARY)],
            listings=[Listing(list_id="us_ofac_sdn", source_id=key, programs=["SDGT"])],
        )

    entities = [
        entity("a", "Alpha Trading", "1"),
        entity("b", "Beta Alpha Shipping", "2"),
        entity("a", "Alpha Star", "3"),
        entity("c", "Gamma", "4"),
        entity("b", "Alphabet", "5"),
    ]
    fresh = Screener(entities)
    indexfile.save(fresh, tmp_path / "dup.rlx")
    for screener in (fresh, indexfile.load(tmp_path / "dup.rlx")):
        lookup = entity_lookup(screener)
        assert list(lookup) == ["a", "b", "c"] and len(lookup) == 3
        assert lookup["a"].key == "1" and lookup["b"].key == "2"
        for prefix in ("al", "alpha", "alpha s", "s", "b", "gam", "x"):
            expected = _suggest_before(_names_before(entities), _by_id_before(entities), prefix, 10)
            assert suggest(name_table(screener), lookup, prefix, 10) == expected, prefix


def test_suggest_answers_as_before_on_the_real_lists(tmp_path: Path) -> None:
    """On the full SDN and CSL: 2,000 sampled prefixes, from the index file."""
    sdn = RAW / "ofac_sdn" / "2024-05-03"
    csl = RAW / "trade_csl" / "2026-07-31_reconstructed"
    if not sdn.exists() or not csl.exists():
        pytest.skip(f"real data not available: {RAW} (set REDLIST_TEST_DATA)")
    home = tmp_path / "home"
    with Store.open(home) as store:
        update(store, ["us_ofac_sdn"], origin=str(sdn), as_of="2024-05-03")
        update(store, ["us_trade_csl"], origin=str(csl), as_of="2026-07-31")
    Redlist(Settings.load(home=home)).warm()  # builds the index and writes its file
    redlist = Redlist(Settings.load(home=home))
    with redlist.generation() as gen:
        assert hasattr(gen.screener, "pack")
        entities = list(gen.screener.entities)
    assert len(entities) > 15_000
    _same_as_before(redlist, _prefixes(entities, 500, seed=11), limits=(10,))
