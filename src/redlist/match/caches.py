"""How many results each memoised function of the matcher keeps (least recently used dropped).

A batch of a million rows meets hundreds of thousands of distinct words and word pairs; with
the sizes these caches had first (up to a million word pairs), a batch process grew to about
1.1 GB. The sizes below were chosen by measurement on the input of ``benchmarks/scale.py``
(docs/benchmarks.md, "Memory of a batch process" and "A batch process under 300 MB"): a quarter
of the sizes before them (an eighth for word pairs and fuzzy words, a sixteenth for name
anchors), with the decoded records and the repeated answers a batch keeps
(:mod:`redlist.indexfile`, :mod:`redlist.batch.run`), took a million-row batch from 597 MB RSS
to 295 MB, for about 4 % more CPU on a short batch and 15-20 % on a long varied one. The results are the same whatever the sizes: a dropped result is
computed again.

``REDLIST_MATCH_CACHES`` (a factor, default 1) scales every size, and the decoded records an
opened index file keeps (:mod:`redlist.indexfile`): a server worker answers one name at a time
and copies the pages it writes, so it can run with smaller caches than a batch process (0.4 in
`redlist serve` unless set: docs/benchmarks.md, "Memory per process and per server worker"). It is read when this module is
imported, before the modules whose decorators read the sizes: set it in the environment of the
process (``redlist serve`` forks its workers after importing them).
"""

from __future__ import annotations

import os

from redlist.errors import InvalidInput


def _factor(raw: str | None) -> float:
    try:
        value = float(raw or 1)
    except ValueError:
        value = float("nan")
    if not value > 0:  # (nan too)
        raise InvalidInput(f"REDLIST_MATCH_CACHES must be a positive factor such as 0.25, not {raw!r}")
    return value


#: ``REDLIST_MATCH_CACHES``: the factor applied to every size below.
SCALE = _factor(os.environ.get("REDLIST_MATCH_CACHES"))


def scaled(size: int) -> int:
    """``size`` times :data:`SCALE`, at least 1."""
    return max(1, round(size * SCALE))


#: ``score.token_similarity``: pairs of words compared (the most frequent call of the scorer).
TOKEN_PAIRS = scaled(16_384)
#: ``score.translit_key`` and ``score.skeleton``: one result per word.
WORD_KEYS = scaled(16_384)
#: ``normalize.fold``: names folded to lowercase ASCII.
FOLDED_NAMES = scaled(8_192)
#: ``normalize._legal_spelling``, ``score._mistyped_legal_word``: legal-form typos, per word.
LEGAL_WORDS = scaled(8_192)
#: ``chinese_names.split_pinyin`` and ``chinese_names.pinyin_name_keys``: words and names read
#: as pinyin.
PINYIN = scaled(8_192)
#: ``NameIndex.similar``: a word's fuzzy matches in the index vocabulary (a miss costs a bulk
#: lookup of all the word's deletes: the dearest to recompute, so the largest of these caches).
SIMILAR_WORDS = scaled(16_384)
#: ``NameIndex.expand``: a word's postings with their weights (two arrays each, some long).
EXPANDED_WORDS = scaled(5_000)
#: ``cjk._forms``: the Latin renderings of a Han name.
HAN_FORMS = scaled(16_384)
#: ``cjk.pinyin_syllables``, ``cjk.personal_name`` and ``pinyin_reading.read_pinyin``: one
#: result per Han run, Han name or Latin name read as pinyin.
HAN_NAMES = scaled(4_096)
#: ``adjust.name_anchors``: the anchor words of a listed person's name (each entry keeps a list
#: name's text and tokens alive: 6,250 instead of 25,000 saved 16 MB over a million rows for no
#: measurable CPU).
NAME_ANCHORS = scaled(6_250)
