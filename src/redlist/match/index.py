"""The candidate index: which list names might match a query, without scoring every name.

Every token of every list name is in an inverted index, with its adjacent pairs joined
("huawei technologies" also indexes "huaweitechnologies"). A query token finds list tokens that
are equal, one edit apart (symmetric-delete lookup), or share its consonant skeleton (Mohammed /
Muhammad); each found token adds its rarity (IDF) times its similarity to the names holding it.
The best-ranked names go on to full scoring. Recall against scoring every name is measured by
``benchmarks/evaluate.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from redlist.match.normalize import NameForm
from redlist.match.score import skeleton, token_similarity

_MIN_DELETE_LEN = 4


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


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
        self._by_delete = dict(by_delete)
        self._by_skeleton = dict(by_skeleton)
        self.similar = lru_cache(maxsize=200_000)(self._similar)

    def __len__(self) -> int:
        return len(self.names)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["similar"]  # a per-process cache
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.similar = lru_cache(maxsize=200_000)(self._similar)

    def _similar(self, token: str) -> tuple[tuple[int, float], ...]:
        """Vocabulary tokens that may be the same word as ``token``, with their similarity."""
        found: dict[int, float] = {}
        exact = self.token_ids.get(token)
        if exact is not None:
            found[exact] = 1.0
        if len(token) >= _MIN_DELETE_LEN and token.isalpha():
            near: set[int] = set(self._by_delete.get(token, ()))
            for d in _deletes(token):
                near.update(self._by_delete.get(d, ()))
                i = self.token_ids.get(d)
                if i is not None:
                    near.add(i)
            if len(token) >= 5:
                near.update(self._by_skeleton.get(skeleton(token), ()))
            for i in near:
                if i not in found:
                    sim = token_similarity(token, self.vocab[i])
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
        keys += [(a + b, max(wa, wb), 2) for (a, wa), (b, wb) in zip(words, words[1:], strict=False)]
        ids: list[np.ndarray] = []
        weights: list[float] = []
        counts: list[int] = []
        sizes: list[int] = []
        for token, weight, count in keys:
            for i, sim in self.similar(token):
                posting = self.postings[i]
                ids.append(posting)
                weights.append(self.idf[i] * sim * max(weight, 0.2))
                counts.append(count)
                sizes.append(len(posting))
        if not ids:
            return []
        hit, inverse = np.unique(np.concatenate(ids), return_inverse=True)
        scores = np.bincount(inverse, weights=np.repeat(np.asarray(weights, dtype=np.float32), sizes))
        scores /= self.norm[hit]
        if min_words > 1:
            found = np.bincount(inverse, weights=np.repeat(np.asarray(counts, dtype=np.float32), sizes))
            enough = found >= min_words
            hit, scores = hit[enough], scores[enough]
            if not len(hit):
                return []
        if len(hit) > limit:
            top = np.argpartition(-scores, limit)[:limit]
            hit, scores = hit[top], scores[top]
        order = np.argsort(-scores, kind="stable")
        if keep:
            order = order[scores[order] >= keep * scores[order[0]]]
        return hit[order].tolist()
