"""The candidate index: which list names might match a query, without scoring every name.

Every token of every list name is in an inverted index, with its adjacent pairs joined
("huawei technologies" also indexes "huaweitechnologies"). A query token finds list tokens that
are equal, one edit apart (symmetric-delete lookup), or share its consonant skeleton (Mohammed /
Muhammad); each found token adds its rarity (IDF) times its similarity to the names holding it.
The best-ranked names go on to full scoring. Recall against scoring every name is measured by
``benchmarks/evaluate.py``.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from redlist.match import caches
from redlist.match.normalize import NameForm
from redlist.match.packfile import StrMap
from redlist.match.score import skeleton, token_similarity

_MIN_DELETE_LEN = 4
#: Counting over every list name beats sorting the postings found from 1 / _SPARSE of them.
_SPARSE = 4


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


# (Array methods rather than numpy's functions of the same name on the few small arrays of a
# query: np.repeat, np.cumsum, np.argsort and np.argpartition call them through Python wrappers,
# three per cent of a first pass over a batch.)


def _unique(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(ids, return_inverse=True)`` of a non-empty 1-d array, without its general-case
    overhead (a few small arrays per query)."""
    order = ids.argsort(kind="stable")
    ordered = ids[order]
    first = np.empty(len(ids), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(ids), dtype=np.intp)
    inverse[order] = first.cumsum() - 1
    return ordered[first], inverse


def _spellings(token: str) -> tuple[str, ...]:
    """The word and its other romanisations that are more than one edit away ("Ivanov" / "Ivanoff")."""
    if token.endswith(("ov", "ev")):  # "Kozlov" -> "kozloff"
        return (token, token[:-1] + "ff")
    if token.endswith(("off", "eff")):  # "Kozloff" -> "kozlov"
        return (token, token[:-2] + "v")
    return (token,)


class NameIndex:
    """Inverted token index over list name forms."""

    def __init__(self, names: Iterable[NameForm]) -> None:
        self.names: list[NameForm] = list(names)
        postings: defaultdict[str, list[int]] = defaultdict(list)
        words: set[str] = set()
        for n, name in enumerate(self.names):
            tokens = name.tokens
            words.update(tokens)
            keys = set(tokens)
            keys.update(map(str.__add__, tokens, tokens[1:]))
            for key in keys:
                postings[key].append(n)
        self.vocab = list(postings)
        self.token_ids = {t: i for i, t in enumerate(self.vocab)}
        self.postings = [np.asarray(postings[t], dtype=np.int32) for t in self.vocab]
        total = max(len(self.names), 1)
        self.idf = np.log1p(total / np.asarray([len(postings[t]) for t in self.vocab], dtype=np.float32))
        # each name's own rarity mass: ranking divides by its root so that, among names holding the
        # query's words, those with fewer other words come first (cosine-like)
        ids = self.token_ids
        mass = [sum(float(self.idf[ids[t]]) for t in name.tokens) for name in self.names]
        self.norm = np.sqrt(np.maximum(np.asarray(mass, dtype=np.float32), 1.0))
        by_delete: defaultdict[str, list[int]] = defaultdict(list)
        by_skeleton: defaultdict[str, list[int]] = defaultdict(list)
        for token in words:  # fuzzy lookup for words, not for the joined pairs
            if len(token) >= _MIN_DELETE_LEN and token.isalpha():
                i = ids[token]
                for d in _deletes(token):
                    by_delete[d].append(i)
                if len(token) >= 5:  # token_similarity only trusts skeletons from five letters
                    by_skeleton[skeleton(token)].append(i)
        # each key also finds the vocabulary entry equal to it (a query word with one letter
        # dropped): one look-up per key of a query word instead of one in each table, where the
        # look-ups of a new word's deletes were a fifth of a first pass over a batch
        for token, i in ids.items():
            by_delete[token].append(i)
        self._by_delete = dict(by_delete)
        self._by_skeleton = dict(by_skeleton)
        self._caches()

    def _caches(self) -> None:
        # The caches reach the index through weak references: bound methods would make a reference
        # cycle, and the server freezes its indexes out of the cyclic GC (gc.freeze), so a replaced
        # index and the hundreds of MB it holds would never be freed after a data reload. (A plain
        # weak reference to the index: a WeakMethod is called through Python code on every miss.)
        index = weakref.ref(self)
        self.similar = lru_cache(maxsize=caches.SIMILAR_WORDS)(lambda token: index()._similar(token))  # type: ignore[union-attr]
        self.expand = lru_cache(maxsize=caches.EXPANDED_WORDS)(lambda token: index()._expand(token))  # type: ignore[union-attr]

    def __len__(self) -> int:
        return len(self.names)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["similar"], state["expand"]  # per-process caches
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._caches()

    def _expand(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The names holding a word like ``token``, and for each, that word's rarity times its likeness."""
        found = self.similar(token)
        if not found:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        if len(found) == 1:  # (most words found: the word itself) its postings as they are
            ((i, sim),) = found
            postings = self.postings[i]
            rarity = np.empty(len(postings), dtype=np.float32)
            rarity.fill(self.idf[i] * sim)
            return postings, rarity
        ids = np.concatenate([self.postings[i] for i, _ in found])
        rarity = np.asarray([self.idf[i] * sim for i, sim in found], dtype=np.float32).repeat(
            [len(self.postings[i]) for i, _ in found]
        )
        return ids, rarity

    def _similar(self, token: str) -> tuple[tuple[int, float], ...]:
        """Vocabulary tokens that may be the same word as ``token``, with their similarity."""
        found: dict[int, float] = {}
        if not (len(token) >= _MIN_DELETE_LEN and token.isalpha()):
            exact = self.token_ids.get(token)
            if exact is not None:
                found[exact] = 1.0
            return tuple(found.items())
        # the word, its other romanisations and their deletes (each finds the words sharing it
        # and the word equal to it, the word itself among them); in an index file all looked up
        # at once (one hash and one binary search for all of them, where a key at a time costs
        # microseconds)
        exact = self.token_ids.get(token)
        if exact is not None:
            found[exact] = 1.0
        near: set[int] = set()
        if isinstance(self._by_delete, StrMap):
            keys = [k for spelling in _spellings(token) for k in (spelling, *_deletes(spelling))]
            for hit in self._by_delete.get_many(keys):
                if hit is not None:
                    near.update(hit)
        else:  # the table built in memory: a dict, looked up key by key in one pass
            get = self._by_delete.get
            for spelling in _spellings(token):
                hit = get(spelling)
                if hit is not None:
                    near.update(hit)
                for k in range(len(spelling)):
                    hit = get(spelling[:k] + spelling[k + 1 :])
                    if hit is not None:
                        near.update(hit)
        if len(token) >= 5:
            near.update(self._by_skeleton.get(skeleton(token), ()))
        vocab = self.vocab
        for i in near:
            if i not in found:
                sim = token_similarity(token, vocab[i])
                if sim:
                    found[i] = sim
        return tuple(found.items())

    def candidates(
        self, query: NameForm, limit: int = 40, keep: float = 0.0, min_words: int = 1
    ) -> list[int]:
        """Indexes of the list names most likely to match, best first.

        Names are ranked by the rarity-weighted share of the query they contain (divided by the
        root of their own rarity mass, so that names with fewer other words come first); ``keep``
        drops those ranked under that fraction of the best one, ``min_words`` those holding fewer
        of the query's words (a joined pair counts as two).
        """
        words = list(zip(query.tokens, query.weights, strict=True))
        keys = [(t, w, 1) for t, w in words]
        keys += [
            (a + b, wb if wb > wa else wa, 2) for (a, wa), (b, wb) in zip(words, words[1:], strict=False)
        ]
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        counts: list[int] = []
        for token, weight, count in keys:
            found_ids, rarity = self.expand(token)
            if len(found_ids):
                ids.append(found_ids)
                factor = 0.2 if weight < 0.2 else weight  # (max(weight, 0.2) without the builtin's call)
                # (times 1.0, most words' weight, is the same array: one numpy call less)
                weights.append(rarity if factor == 1.0 else rarity * factor)
                counts.append(count)
        if not ids:
            return []
        # one word found: its arrays as they are (a concatenation of one array copies it)
        all_ids = ids[0] if len(ids) == 1 else np.concatenate(ids)
        all_weights = weights[0] if len(weights) == 1 else np.concatenate(weights)
        if min_words > 1:
            words_of = np.asarray(counts, dtype=np.float32).repeat([len(found) for found in ids])
        if min_words > 1 and len(all_ids) * _SPARSE > len(self.names):
            # many postings: count over every name (one pass, no sort)
            found = np.bincount(all_ids, weights=words_of, minlength=len(self.names))
            hit = (found >= min_words).nonzero()[0]
            if not len(hit):
                return []
            raw = np.bincount(all_ids, weights=all_weights, minlength=len(self.names))
            scores = raw[hit] / self.norm[hit]
        else:
            # few postings (most queries): count over the names found only (the sums are the
            # same, added in the same order)
            unique_ids, inverse = _unique(all_ids)
            sums = np.bincount(inverse, weights=all_weights)
            if min_words > 1:
                kept = np.bincount(inverse, weights=words_of) >= min_words
                unique_ids, sums = unique_ids[kept], sums[kept]
                if not len(unique_ids):
                    return []
            hit = unique_ids
            scores = sums / self.norm[hit]
        if len(hit) > limit:
            top = (-scores).argpartition(limit)[:limit]
            hit, scores = hit[top], scores[top]
        order = (-scores).argsort(kind="stable")
        if keep:
            order = order[scores[order] >= keep * scores[order[0]]]
        return hit[order].tolist()
