"""Word weights counted over the listed names themselves: how common each word is, per schema.

A word borne by many listed names says little about which one is meant: "jose", "garcia",
"mohammed" among persons; "technology", "trading", "general" among organisations. The screener
counts, once per index, the share of the listed names of each schema (persons; everything else)
that hold each word (document frequency, the basis of an IDF weight) and keeps the words held by
at least :data:`STORED_SHARE` of them with their counts. The index file stores the table
(:mod:`redlist.indexfile`), so an opened index does not decode every name to count it again.

The hand-set weights of ``match/data/name_words.csv`` (function words, legal-form-like generic
words, titles) still shape each name's form; these counts decide, after scoring, whether a match
rests only on common words (:mod:`redlist.match.adjust`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from redlist.match.normalize import NameForm

#: A word held by at least this share of a schema's names is a common word there.
COMMON_SHARE = 0.001
#: ... among the persons' names (the lists' persons are few and of a few regions: a surname
#: borne by a few of them, "clark", "semenov", is one many people in the world bear).
PERSON_COMMON_SHARE = 0.0001
#: Words held by at least this share are kept (with their counts) in the table and the index file.
STORED_SHARE = 0.0001
#: The schemas counted apart: persons, and every other name (organisations, vessels, aircraft).
SCHEMAS = ("person", "other")


@dataclass(frozen=True, slots=True)
class WordCounts:
    """Document frequencies of the words in one schema's listed names (the common ones only)."""

    names: int  # name forms counted
    counts: Mapping[str, int] = field(default_factory=dict)  # words held by >= STORED_SHARE of them

    def share(self, word: str) -> float:
        """The share of the names holding ``word`` (0 for a word not in the table: a rare one)."""
        return self.counts.get(word, 0) / self.names if self.names else 0.0

    def idf(self, word: str) -> float:
        """log(names / holders): a rare word (not in the table) counts as held by half the floor."""
        if not self.names:
            return 0.0
        held = self.counts.get(word) or max(1.0, STORED_SHARE * self.names / 2)
        return math.log(self.names / held)

    def common(self, share: float = COMMON_SHARE) -> frozenset[str]:
        """The words held by at least ``share`` of the names (and by two names at least)."""
        least = max(2.0, share * self.names)
        return frozenset(w for w, c in self.counts.items() if c >= least)


def count_words(names: Iterable[NameForm], stored_share: float = STORED_SHARE) -> WordCounts:
    """The document frequencies of the words of ``names``, keeping those held by ``stored_share``."""
    counts: dict[str, int] = {}
    total = 0
    for name in names:
        total += 1
        for token in set(name.tokens):
            counts[token] = counts.get(token, 0) + 1
    least = max(2.0, stored_share * total)
    return WordCounts(total, {w: c for w, c in counts.items() if c >= least})


@dataclass(frozen=True, slots=True)
class WordWeights:
    """The word counts of both schemas, and their common words (computed once)."""

    person: WordCounts
    other: WordCounts
    common_person: frozenset[str] = frozenset()
    common_other: frozenset[str] = frozenset()

    @classmethod
    def of(cls, person: WordCounts, other: WordCounts) -> WordWeights:
        """Weights from the two schemas' counts, with the common-word sets worked out once."""
        return cls(person, other, person.common(PERSON_COMMON_SHARE), other.common())

    def counts(self, kind: str) -> WordCounts:
        """The counts for a comparison kind ("person" or any other)."""
        return self.person if kind == "person" else self.other

    def common(self, kind: str) -> frozenset[str]:
        """The common words for a comparison kind."""
        return self.common_person if kind == "person" else self.common_other


def word_weights(names: Iterable[tuple[str, NameForm]]) -> WordWeights:
    """Count ``(schema kind, name form)`` pairs: persons apart from every other kind."""
    person: list[NameForm] = []
    other: list[NameForm] = []
    for kind, name in names:
        (person if kind == "person" else other).append(name)
    return WordWeights.of(count_words(person), count_words(other))
