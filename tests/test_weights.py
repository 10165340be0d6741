"""Word counts per schema (match.weights): document frequencies over the listed names."""

from __future__ import annotations

import math

from redlist.match.normalize import form
from redlist.match.weights import WordCounts, count_words, word_weights


def test_counts_are_document_frequencies_per_schema() -> None:
    persons = [form(n, "person") for n in ("Jose Luis GARCIA", "Jose GARCIA GARCIA", "Ana LOPEZ")]
    orgs = [form(n, "organization") for n in ("Garcia Trading", "Alpha Trading", "Beta Trading")]
    weights = word_weights([("person", f) for f in persons] + [("organization", f) for f in orgs])
    # "garcia" twice in one name counts once; words held by one name are not kept
    assert dict(weights.person.counts) == {"jose": 2, "garcia": 2}
    assert weights.person.names == 3 and weights.other.names == 3
    assert dict(weights.other.counts) == {"trading": 3}
    assert weights.common("person") == frozenset({"jose", "garcia"})
    assert weights.common("organization") == frozenset({"trading"})


def test_idf_and_share() -> None:
    counts = WordCounts(1000, {"jose": 100})
    assert counts.share("jose") == 0.1 and counts.share("zyx") == 0.0
    assert math.isclose(counts.idf("jose"), math.log(10))
    assert counts.idf("zyx") > counts.idf("jose")  # a word not in the table is rarer
    assert counts.common(0.05) == frozenset({"jose"}) and counts.common(0.2) == frozenset()
    assert count_words([]).names == 0
