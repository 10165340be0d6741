"""How many results each memoised function of the matcher keeps (least recently used dropped).

A batch of a million rows meets hundreds of thousands of distinct words and word pairs; kept
without a bound, these results grew a batch process to about 1.1 GB. Each size below is where a
larger cache stopped saving measurable time on the benchmark input of ``benchmarks/scale.py``
(docs/benchmarks.md, "Memory of a batch process"); all of them together hold a few tens of MB.
The results are the same whatever the sizes: a dropped result is computed again.
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
#: ``NameIndex.similar``: a word's fuzzy matches in the index vocabulary (one bulk lookup each).
SIMILAR_WORDS = 32_768
#: ``NameIndex.expand``: a word's postings with their weights (two arrays each, some long).
EXPANDED_WORDS = 8_192
