"""Chinese personal names compared syllable by syllable, with Chinese name-order rules.

A Chinese personal name is a surname of one (rarely two) syllables and a given name of one or
two, and the surname pool is small: 张伟 / "Zhang Wei" is the name of hundreds of thousands of
people. Edit similarity is the wrong tool for such names: "Xiaoming" and "Xiaobing", "Yang" and
"Yan", "Ping" and "Pinghua" are different names, not typos of one. So:

- a name written in Han characters matches a list name only when the list name, read as pinyin,
  is its surname and given name in either order (张伟 = "ZHANG, Wei" = "Wei ZHANG");
- a pinyin name (every word splits into pinyin syllables, two to four in all, with a common
  Chinese surname first or last) matches another pinyin name only when the two are the same
  syllables with the words in the same order or turned round ("Wei Zhang" = "ZHANG Wei");
- one shared syllable, a different syllable, or a given name cut short is a different name: a
  Han name's score is held under any useful threshold; a pinyin name's is lowered by a quarter (a
  typed pinyin name may hold a typo, which Han characters cannot).

An equal name is still only a name: the query's date of birth and nationality decide between
namesakes (:mod:`redlist.match.qualifiers`).
"""

from __future__ import annotations

from functools import cache, lru_cache

from redlist.match import caches

#: The most a Han-script personal name may score against a list name that is not its syllables.
OTHER_NAME_CAP = 0.6
#: A pinyin name typed in Latin letters against other pinyin syllables: a different name, or a
#: typo ("Xiaohng" for "Xiaohong"); the score is lowered, not capped, so a close typo still alerts.
OTHER_PINYIN_FACTOR = 0.75


@cache
def _surnames() -> frozenset[str]:
    """Common Chinese surnames in pinyin (``data/zh_surnames.csv``)."""
    from redlist.match.normalize import _rows

    return frozenset(r["pinyin"] for r in _rows("zh_surnames.csv"))


@cache
def _syllables() -> frozenset[str]:
    """Every plain pinyin syllable (``data/pinyin_syllables.csv``; see :func:`derive_syllables`)."""
    from redlist.match.normalize import _rows

    return frozenset(r["syllable"] for r in _rows("pinyin_syllables.csv"))


def derive_syllables() -> frozenset[str]:
    """Every plain pinyin syllable from pypinyin's readings without tones (ü as u).

    Importing pypinyin's table takes about half a second, so the result is kept in
    ``data/pinyin_syllables.csv`` (a test checks the two agree).
    """
    from pypinyin.pinyin_dict import pinyin_dict

    from redlist.match.han_pinyin import plain  # the same folding as the Han -> pinyin forms

    out: set[str] = set()
    for readings in pinyin_dict.values():
        out.update(plain(r) for r in readings.split(","))
    out.discard("")
    # interjections without a vowel (ng, hng, m, hm) are no part of names, and would make typos
    # ("xiaohng") read as pinyin
    return frozenset(s for s in out if s.isalpha() and any(v in s for v in "aeiou"))


@lru_cache(maxsize=caches.PINYIN)
def split_pinyin(token: str) -> tuple[str, ...] | None:
    """A word as pinyin syllables ("xiaoming" -> xiao, ming), longest first; None if it is not pinyin."""
    known = _syllables()
    if not token.isalpha() or not token.isascii():
        return None
    best: list[tuple[str, ...] | None] = [None] * (len(token) + 1)
    best[len(token)] = ()
    for i in range(len(token) - 1, -1, -1):
        for size in range(min(6, len(token) - i), 0, -1):
            rest = best[i + size]
            if rest is not None and token[i : i + size] in known:
                best[i] = (token[i : i + size], *rest)
                break
    return best[0]


@lru_cache(maxsize=caches.PINYIN)
def pinyin_name_keys(tokens: tuple[str, ...]) -> frozenset[str] | None:
    """The joined spellings a pinyin personal name may take in another order; None if it is not one.

    "wei zhang" -> {"weizhang", "zhangwei"}; "zhang xiao ming" -> the words in order and turned round.
    """
    if not pinyin_syllables_only(tokens) or (tokens[0] not in _surnames() and tokens[-1] not in _surnames()):
        return None
    n = len(tokens)
    return frozenset("".join(tokens[r:] + tokens[:r]) for r in range(n))


@lru_cache(maxsize=caches.PINYIN)
def pinyin_syllables_only(tokens: tuple[str, ...]) -> bool:
    """Whether a name is two to four pinyin syllables and nothing else, whatever its surname.

    A list name such as "PING LI JING" is no pinyin personal name to :func:`pinyin_name_keys`
    (neither end is a common surname), but it is a Chinese name all the same: a pinyin personal
    name meeting it is held to its syllables (see :func:`redlist.match.adjust.same_chinese_name`).
    """
    if not 2 <= len(tokens) <= 4:
        return False
    count = 0
    for t in tokens:
        parts = split_pinyin(t)
        if not parts:
            return False
        count += len(parts)
    return 2 <= count <= 4


def han_name_keys(surname: str, given: str) -> frozenset[str]:
    """The list spellings of a Han personal name read as pinyin: surname and given name either way round."""
    return frozenset({surname + given, given + surname})


def same_name(keys: frozenset[str], tokens: tuple[str, ...]) -> bool:
    """Whether a list name's words are the query's syllables in an allowed order."""
    return "".join(tokens) in keys


def spelt_in(joined: str, tokens: tuple[str, ...]) -> bool:
    """Whether a name's pinyin is one word of a list name, or two adjacent ones ("hua wei")."""
    return joined in tokens or any(a + b == joined for a, b in zip(tokens, tokens[1:], strict=False))
