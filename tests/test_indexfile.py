"""The screening index saved to its memory-mapped file answers exactly as the index built fresh."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from redlist import cache, indexfile
from redlist.identifiers import make
from redlist.match.packfile import PackError
from redlist.model import Entity, EntityType, Listing, Name, NameType
from redlist.screen import Query, Screener
from redlist.store import Store
from redlist.store.update import update

from conftest import FIXTURES, RAW, cover_every_list


def _entity(eid: str, kind: EntityType, names: list[str], **kw) -> Entity:
    return Entity(
        source="us_ofac_sdn",
        key=eid,
        entity_id=eid,
        type=kind,
        names=[Name(n, NameType.PRIMARY if i == 0 else NameType.WEAK) for i, n in enumerate(names)],
        listings=[Listing(list_id=kw.pop("list_id", "us_ofac_sdn"), source_id=eid, programs=["SDGT"])],
        **kw,
    )


def _queries(screener: Screener, count: int, seed: int = 7) -> list[Query]:
    """Names of the index (as listed, and with one letter dropped), Chinese names, identifiers,
    with and without type, country and lists; and names that match nothing."""
    rng = random.Random(seed)
    out = [
        Query("华为技术有限公司"),
        Query("中国航空工业集团有限公司", type="company"),
        Query("Northern Dental Logistics LLC"),
        Query("Co., Ltd."),
        Query(""),
        Query(None, identifiers={"isin": "HK0941009539"}),
        Query("x", identifiers={"imo": "1234567"}),
    ]
    entities = list(screener.entities)
    for entity in rng.sample(entities, min(count, len(entities))):
        name = rng.choice(entity.names).value
        typo = name[:3] + name[4:] if len(name) > 6 else name
        country = rng.choice([None, "CN", "RU", "IR"])
        out.append(Query(name))
        out.append(Query(typo, type=rng.choice(["any", "person", "company"]), country=country))
        out.append(Query(name.upper(), lists=[rng.choice(entity.list_ids or ["us_ofac_sdn"])]))
        for ident in entity.identifiers[:1]:
            out.append(Query(None, identifiers={str(ident.type): ident.value}))
    return out


def _same_answers(fresh: Screener, opened: Screener, queries: list[Query]) -> None:
    for query in queries:
        for threshold in (None, 0.5):
            expected = fresh.screen(query, threshold=threshold).to_dict()
            assert opened.screen(query, threshold=threshold).to_dict() == expected, query


@pytest.fixture
def fixture_store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "home")
    [result] = update(store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
    assert result.ok, result.message
    cover_every_list(store, "2024-01-02")
    return store


def test_saved_index_answers_as_the_fresh_one(fixture_store: Store, tmp_path: Path) -> None:
    fresh = Screener.from_store(fixture_store)
    path = tmp_path / "screener.rlx"
    indexfile.save(fresh, path)
    opened = indexfile.load(path)
    assert len(opened) == len(fresh)
    assert list(opened.entity_ids) == [e.entity_id for e in fresh.entities]
    _same_answers(fresh, opened, _queries(fresh, 200))


def test_hand_built_entries_with_identifiers_weak_aliases_and_scripts(tmp_path: Path) -> None:
    org, person = EntityType.ORGANIZATION, EntityType.PERSON
    fresh = Screener(
        [
            _entity("a", org, ["HUAWEI TECHNOLOGIES CO., LTD.", "华为技术有限公司"], countries=["CN"]),
            _entity("b", person, ["BIN LADEN, Usama", "Abu Abdallah"], list_id="us_ofac_cons"),
            _entity("c", org, ["CHINA MOBILE LIMITED"], identifiers=[make("isin", "HK0941009539")]),
            _entity("d", EntityType.VESSEL, ["HUAWEI STAR"], identifiers=[make("imo", "9187629")]),
            _entity("e", person, ["Мухаммад Али Хасан"]),
        ]
    )
    path = tmp_path / "hand.rlx"
    indexfile.save(fresh, path)
    queries = [
        Query("Huawei Technologies", country="CN"),
        Query("Huawei", country="US", type="vessel"),
        Query("Usama bin Laden", lists=["us_ofac_cons"]),
        Query("Usama bin Laden", lists=["us_bis_el"]),
        Query("Abu Abdalla"),
        Query("Muhammad Ali Hasan"),
        Query(None, identifiers={"isin": "HK0941009539", "imo": "9187629"}),
        Query(None, identifiers={"isin": "HK0941009530"}),
    ]
    _same_answers(fresh, indexfile.load(path), queries)


def test_a_damaged_or_foreign_file_is_refused_and_rebuilt(tmp_path: Path) -> None:
    fresh = Screener([_entity("a", EntityType.ORGANIZATION, ["ROSOBORONEXPORT OAO"])])
    path = tmp_path / "screener-current-k1.rlx"
    indexfile.save(fresh, path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(PackError):
        indexfile.load(path)
    built: list[int] = []

    def build() -> Screener:
        built.append(1)
        return fresh

    def opened() -> Screener:
        return cache.cached_file(
            tmp_path, "screener-current", "k1", build, indexfile.save, indexfile.load, ".rlx"
        )

    assert opened().screen("Rosoboronexport").matches
    assert built == [1]  # the damaged file was rebuilt ...
    assert opened().screen("Rosoboronexport").matches
    assert built == [1]  # ... and the rebuilt one is opened the next time
    assert "pack" in opened().__dict__ or hasattr(opened(), "pack")


def test_saved_index_on_the_real_lists(tmp_path: Path) -> None:
    """On the full SDN and CSL, a sample of listed names (as listed and misspelt) and identifiers."""
    sdn = RAW / "ofac_sdn" / "2024-05-03"
    csl = RAW / "trade_csl" / "2026-07-31_reconstructed"
    if not sdn.exists() or not csl.exists():
        pytest.skip(f"real data not available: {RAW} (set REDLIST_TEST_DATA)")
    with Store.open(tmp_path / "home") as store:
        update(store, ["us_ofac_sdn"], origin=str(sdn), as_of="2024-05-03")
        update(store, ["us_trade_csl"], origin=str(csl), as_of="2026-07-31")
        fresh = Screener.from_store(store)
    path = tmp_path / "real.rlx"
    indexfile.save(fresh, path)
    opened = indexfile.load(path)
    # the word counts come from the file, the same as counted over the fresh index
    counted = Screener(list(fresh.entities)).word_weights()
    assert "_weights" not in opened.__dict__  # read from the file on first use, not counted
    assert opened.word_weights() == counted
    assert opened.common_person_words() == counted.common_person
    assert {"mohammad", "ali"} <= counted.common_person
    assert {"technology", "trading"} <= counted.common_other
    _same_answers(fresh, opened, _queries(fresh, 150, seed=11) + [Query("Miguel Morales", type="person")])
