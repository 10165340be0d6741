"""How many results each memoised function of the matcher keeps (least recently used dropped).

A batch of a million rows meets hundreds of thousands of distinct words and word pairs; with
the sizes these caches had before (up to a million word pairs), a batch process grew to about
1.1 GB. The sizes below were chosen by measurement on the input of ``benchmarks/scale.py``
(docs/benchmarks.md, "Memory of a batch process"): four times more word pairs cost 64 MB for no
measurable time, four times fewer fuzzy word lookups cost 3 % more CPU. The results are the same
whatever the sizes: a dropped result is computed again.
"""

from __future__ import annotations

#: ``score.token_similarity``: pairs of words compared (the most frequent call of the scorer).
TOKEN_PAIRS = 131_072
#: ``score.translit_key`` and ``score.skeleton``: one result per word.
WORD_KEYS = 65_536
#: ``normalize.fold``: names folded to lowercase ASCII.
FOLDED_NAMES = 32_768
#: ``normalize._legal_spelling``, ``score._mistyped_legal_word``: legal-form typos, per word.
LEGAL_WORDS = 32_768
#: ``chinese_names.split_pinyin`` and ``chinese_names.pinyin_name_keys``: words and names read
#: as pinyin.
PINYIN = 32_768
#: ``NameIndex.similar``: a word's fuzzy matches in the index vocabulary (a miss costs a bulk
#: lookup of all the word's deletes: the dearest to recompute, so the largest of these caches).
SIMILAR_WORDS = 131_072
#: ``NameIndex.expand``: a word's postings with their weights (two arrays each, some long).
EXPANDED_WORDS = 20_000
