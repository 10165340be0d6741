"""ISINs asked of the real lists (issue 14, "ISIN exact"): every listed ISIN finds its entry, as
published and as users type it (lower case, spaces, hyphens), and valid ISINs one digit away,
listed nowhere, find nothing.

    python benchmarks/isin.py            # REDLIST_TEST_DATA, REDLIST_BENCH_HOME as in reallists.py

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from stdnum import isin as stdnum_isin

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reallists  # noqa: E402

import redlist  # noqa: E402


def listed_isins() -> dict[str, set[str]]:
    """Each ISIN on the loaded lists -> the entry ids that carry it."""
    found: dict[str, set[str]] = defaultdict(set)
    for entity in reallists.load_entities():
        for ident in entity.identifiers:
            if str(ident.type).lower().endswith("isin"):
                found[ident.value.strip().upper()].add(entity.entity_id)
    return found


def typed(value: str, rng: random.Random) -> str:
    """``value`` as a user might type it: lower case, spaced or hyphenated."""
    style = rng.choice(("lower", "spaced", "hyphen"))
    if style == "lower":
        return value.lower()
    if style == "spaced":
        return f"{value[:2]} {value[2:11]} {value[11:]}"
    return f"{value[:2]}-{value[2:11]}-{value[11]}"


def neighbour(value: str, listed: set[str], rng: random.Random) -> str | None:
    """A valid ISIN one body character away from ``value`` that no list carries."""
    for _ in range(20):
        at = rng.randrange(2, 11)
        digit = rng.choice([d for d in "0123456789" if d != value[at]])
        body = value[:at] + digit + value[at + 1 : 11]
        candidate = body + stdnum_isin.calc_check_digit(body)
        if candidate not in listed:
            return candidate
    return None


def found_entries(client: redlist.Redlist, value: str) -> set[str]:
    """The entry ids the party found by identifier ``value`` covers (empty when none)."""
    result = client.check(identifiers={"isin": value})
    party = result.party or {}
    if party.get("found_by") != "identifier":
        return set()
    return set(party.get("entity_ids", []))


def main() -> None:
    rng = random.Random(20261207)
    isins = listed_isins()
    listed = set(isins)
    client = redlist.open(reallists.bench_home())
    rows: list[tuple[str, int, int, float]] = []
    for family, queries in (
        ("listed, as published", [(v, isins[v]) for v in sorted(listed)]),
        ("listed, as typed", [(typed(v, rng), isins[v]) for v in sorted(listed)]),
    ):
        start = time.process_time()
        hits = sum(1 for query, want in queries if want <= found_entries(client, query))
        rows.append((family, len(queries), hits, time.process_time() - start))
    others = [n for v in sorted(listed) if (n := neighbour(v, listed, rng)) is not None]
    start = time.process_time()
    clean = sum(1 for query in others if not found_entries(client, query))
    rows.append(("valid, one digit away, unlisted", len(others), clean, time.process_time() - start))
    print("| queries | n | right | share | CPU ms per check |")
    print("|---|---:|---:|---:|---:|")
    for family, n, right, cpu in rows:
        share = f"{right / n:.1%}" if n else "-"
        print(f"| {family} | {n} | {right} | {share} | {cpu / max(n, 1) * 1000:.2f} |")
    print(
        "\nright: a listed ISIN's answer names every entry that carries it; an unlisted ISIN "
        "finds no party by identifier."
    )


if __name__ == "__main__":
    main()
