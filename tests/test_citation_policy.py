"""The citation policy, enforced on the packaged data (issue 13, "Curated lists from official text only").

- ``confirmed`` rows (curated entries, editions, scopes and events; regimes, their rules, their
  beyond-scope readings and end dates) cite a primary government address; no row cites a blocked
  source (GitHub extractions, content farms, AI summaries, PR wires, blogs);
- no data file or doc holds a machine path;
- each curated list file's header states the counts the data has (``redlist.curated.summary``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from redlist import curated
from redlist.curated import policy
from redlist.curated.loader import data_dir, load_events
from redlist.regimes.rules import load_regimes

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "redlist"

# --- the helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.federalregister.gov/d/2024-24723",
        "https://www.govinfo.gov/content/pkg/FR-2019-08-21/html/2019-17920.htm",
        "https://ofac.treasury.gov/faqs/857",
        "https://home.treasury.gov/policy-issues/financial-sanctions/faqs/880",
        "https://docs.fcc.gov/public/attachments/DA-22-320A1.txt",
        "https://media.defense.gov/2020/Aug/28/x.pdf",
        "https://github.com/FCC/consolidated-prohibited-entity-list/blob/abc/scripts/patch_covered_list.py",
        "https://law.justia.com/cases/federal/district-courts/district-of-columbia/dcdce/1:2021cv00280/226816/21/",
        "https://www.acquisition.gov/far/4.2102",
    ],
)
def test_primary_addresses(url: str) -> None:
    assert policy.is_primary(url) and not policy.is_blocked(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/someone/osint/blob/main/extract_1260h.py",
        "https://info.5y1.org/page.html",
        "https://www.yahoo.com/tech/x.html",
        "https://usregs.ai/regulations/2025-00070",
        "https://www.einpresswire.com/article/1/x",
        "https://mrwatchlist.com/2021/01/14/x/",
        "https://www.notebookcheck.net/x.html",
        "https://www.urdupoint.com/en/business/x.html",
    ],
)
def test_blocked_addresses(url: str) -> None:
    assert policy.is_blocked(url) and not policy.is_primary(url)


def test_secondary_addresses_are_neither() -> None:
    for url in (
        "https://www.thompsonhinesmartrade.com/2020/12/x/",
        "https://regulations.justia.com/regulations/fedreg/2021/06/28/2021-13753.html",  # cite the FR address
        "https://law.justia.com/codes/us/title-47/section-1601/",  # a code copy, not an opinion
        "https://broadband.nebraska.gov/publications/fcc/fcccoveredlist",  # a state copy
    ):
        assert not policy.is_primary(url) and not policy.is_blocked(url), url
    assert policy.row_problem("x", "https://www.thompsonhinesmartrade.com/a", "secondary") is None
    assert "not a primary" in (
        policy.row_problem("x", "https://www.thompsonhinesmartrade.com/a", "confirmed") or ""
    )
    assert "blocked" in (policy.row_problem("x", "https://github.com/a/b", "secondary") or "")


def test_machine_paths() -> None:
    assert policy.machine_paths("# from /work/shared/data/notes.md\nok: https://x.gov/work/a") == [
        "# from /work/shared/data/notes.md"
    ]
    assert policy.machine_paths("read_at: /tmp/x.csv") and policy.machine_paths(r"C:\Users\me\x.yaml")
    assert policy.machine_paths("https://home.treasury.gov/a/home/b and 2024-10-16") == []


def _folder(tmp_path: Path, source_url: str, verification: str) -> Path:
    (tmp_path / "us_ndaa_889.yaml").write_text(
        "# /work/notes.md\n"
        "list: us_ndaa_889\ntitle: t\nauthority: a\nsource_url: https://www.congress.gov/x\n"
        "entries:\n"
        f"  - {{id: zte, name: ZTE Corporation, listed_on: 2018-08-13, citation: c, source_url: '{source_url}',"
        f" verification: {verification}}}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_problems_names_the_row(tmp_path: Path) -> None:
    found = policy.problems(_folder(tmp_path, "https://www.lawfirm.example/note", "confirmed"))
    assert any("entry 'zte'" in p and "not a primary" in p for p in found)
    assert any("machine path" in p for p in found)
    other = tmp_path / "other"
    other.mkdir()
    blocked = policy.problems(_folder(other, "https://github.com/x/y", "secondary"))
    assert any("blocked source" in p for p in blocked)


# --- the packaged data -----------------------------------------------------------------------------


def test_packaged_curated_data_follows_the_policy() -> None:
    assert policy.problems() == []


def test_packaged_regimes_follow_the_policy() -> None:
    found = []
    for regime in load_regimes():
        rows = [(f"regime {regime.id!r}", regime.source_url, regime.verification)]
        rows += [
            (f"regime {regime.id!r} rule {i} ({rule.activity})", rule.source_url, rule.verification)
            for i, rule in enumerate(regime.rules)
        ]
        rows += [
            (
                f"regime {regime.id!r} rule {i} beyond_scope",
                rule.beyond_scope.source_url,
                rule.beyond_scope.verification,
            )
            for i, rule in enumerate(regime.rules)
            if rule.beyond_scope
        ]
        if regime.ends:
            rows.append((f"regime {regime.id!r} ends", regime.ends.source_url, regime.ends.verification))
        found += [p for p in (policy.row_problem(*row) for row in rows) if p]
    assert found == []


def _data_and_docs() -> list[Path]:
    data = [p for p in SRC.rglob("*") if p.is_file() and "data" in p.relative_to(SRC).parts[:-1]]
    docs = sorted((ROOT / "docs").glob("*.md")) + [
        ROOT / n for n in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md")
    ]
    return [p for p in data + docs if p.exists() and p.suffix in {".yaml", ".yml", ".csv", ".json", ".md"}]


def test_no_machine_paths_in_data_files_or_docs() -> None:
    paths = _data_and_docs()
    assert any(p.name == "regimes.yaml" for p in paths) and any(p.name == "events.yaml" for p in paths)
    found = {str(p.relative_to(ROOT)): policy.machine_paths(p.read_text(encoding="utf-8")) for p in paths}
    assert {k: v for k, v in found.items() if v} == {}


# --- counts ----------------------------------------------------------------------------------------

_COUNTS = re.compile(
    r"^# Counts: (\d+) entries \((\d+) confirmed, (\d+) secondary, (\d+) unconfirmed\); "
    r"newest edition (\S+) \(([\w.-]+)\)\.$",
    re.MULTILINE,
)


def test_list_headers_state_the_counts() -> None:
    for s in curated.summary():
        text = (data_dir() / f"{s.list_id}.yaml").read_text(encoding="utf-8")
        match = _COUNTS.search(text)
        assert match, f"{s.list_id}.yaml: no '# Counts: ...' line in the header"
        stated = (*map(int, match.groups()[:4]), match.group(5), match.group(6))
        assert stated == (
            s.entries,
            s.confirmed,
            s.secondary,
            s.unconfirmed,
            s.newest_edition_date,
            s.newest_edition,
        ), s.list_id


def test_events_header_states_the_counts() -> None:
    text = (data_dir() / "events.yaml").read_text(encoding="utf-8")
    match = re.search(
        r"^# Counts: (\d+) events \((\d+) confirmed, (\d+) secondary, (\d+) unconfirmed\)\.$", text, re.M
    )
    assert match
    levels = [e.verification for e in load_events()]
    assert tuple(map(int, match.groups())) == (
        len(levels),
        levels.count("confirmed"),
        levels.count("secondary"),
        levels.count("unconfirmed"),
    )


def test_summary_counts_a_folder(tmp_path: Path) -> None:
    (tmp_path / "us_ndaa_889.yaml").write_text(
        "list: us_ndaa_889\ntitle: T\nauthority: a\nsource_url: https://www.congress.gov/x\n"
        "editions:\n"
        "  - {id: old, date: 2018-08-13, citation: c, source_url: 'https://www.congress.gov/x', verification: confirmed}\n"
        "  - {id: new, date: 2020-08-13, citation: c, source_url: 'https://www.congress.gov/x', verification: secondary}\n"
        "entries:\n"
        "  - {id: a, name: A, listed_on: 2018-08-13, citation: c, source_url: 'https://x.test', verification: confirmed}\n"
        "  - {id: b, name: B, listed_on: 2018-08-13, citation: c, source_url: 'https://x.test', verification: secondary}\n"
        "  - {id: c, name: C, listed_on: 2018-08-13, citation: c, source_url: 'https://x.test', verification: unconfirmed}\n",
        encoding="utf-8",
    )
    [s] = curated.summary(tmp_path)
    assert (s.list_id, s.title, s.entries, s.confirmed, s.secondary, s.unconfirmed) == (
        "us_ndaa_889",
        "T",
        3,
        1,
        1,
        1,
    )
    assert (s.newest_edition, s.newest_edition_date) == ("new", "2020-08-13")
    assert s.as_dict()["newest_edition"] == "new"


def test_packaged_summary_covers_every_list_file() -> None:
    files = {p.stem for p in data_dir().glob("*.yaml") if p.name != "events.yaml"}
    summaries = curated.summary()
    assert {s.list_id for s in summaries} == files
    assert all(s.entries == s.confirmed + s.secondary + s.unconfirmed for s in summaries)
