"""Chinese company names typed in pinyin, read as the Chinese words they spell, then translated.

"Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi" is the Han name 杭州海康威视数字技术
股份有限公司 written in pinyin; the lists print "Hangzhou Hikvision Digital Technology Co., Ltd.".
A query that reads entirely as pinyin (with or without spaces, tone marks or tone digits) is
segmented, longest word first, against the pinyin of the brand and vocabulary words of
:mod:`redlist.match.cjk` (``data/zh_word_pinyin.csv``, derived from pypinyin by
:func:`redlist.match.cjk.derive_word_pinyin` and checked by a test) and translated word by word
like the Han name: haikang weishi → Hikvision, jishu → technology, youxian gongsi → company limited.

Homophones make pinyin weaker evidence than Han characters, so:

- one-syllable words (厂 chang, 市 shi) are never read: "Chang" and "Shi" are surnames;
- a query that looks like a Chinese personal name ("Zhong Xing", "Li Keji": two to four syllables
  with a common surname first or last) is read only when it holds an organisation or legal-form
  word (gongsi, daxue) or when every syllable is read ("Zhongguo Yidong", "Hai Kang Wei Shi");
- a person's name (``kind="person"``) is never read;
- the reading is an extra query form (``via="pinyin reading"``), never a replacement, and its
  ``text`` says what was read as what, for the match explanation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache, lru_cache
from typing import NamedTuple

from redlist.match import caches
from redlist.match.chinese_names import _surnames, _syllables, pinyin_name_keys, split_pinyin
from redlist.match.cjk import (
    MAX_SWAPS,
    WORD_PINYIN,
    _brand_rows,
    _latin_words,
    _read_csv,
    _vocab_rows,
    has_han,
    structure_variants,
)
from redlist.match.normalize import NameForm, _words, form

__all__ = ["PinyinReading", "read_pinyin", "pinyin_forms"]

_TONED_WORD_RE = re.compile(r"[a-z][a-z1-5]*")  # letters, tone digits after syllables
_UMLAUT_V_RE = re.compile(r"(?<=[ln])v")  # lv, nv, lve, nve: ü typed as v (after l and n only)
#: A "LAST, First" name is a person's, whatever its words; a comma before a legal form is not one.
_PERSON_COMMA_RE = re.compile(r",\s*[^\W\d_]")
#: The least share of the pinyin letters that must be read as words for a name to be translated:
#: "Yuncong Keji" (keji, 4 of 11) is, "Mizulina Yelena" (zulin 租赁, 5 of 14) is not.
_MIN_READ_SHARE = 1 / 3
_PLACE_ONLY = frozenset({"province", "city", "region", "district", "place", "country"})
_MAX_NAME = 500  # characters, as redlist.match.normalize


class _Reading(NamedTuple):
    """A word that pinyin letters may stand for."""

    en: tuple[str, ...]
    syllables: tuple[str, ...]
    category: str  # the vocabulary category, or "brand"


@cache
def _pinyin_lexicon() -> tuple[dict[str, _Reading], int]:
    """Joined pinyin ("haikangweishi") -> the word it reads as; and the longest key's length.

    A brand wins over a vocabulary word of the same pinyin, and among vocabulary words the first
    row of the file (the commoner business word) wins.
    """
    syllables = {row["zh"]: tuple(row["pinyin"].split()) for row in _read_csv("redlist.match", WORD_PINYIN)}
    table: dict[str, _Reading] = {}

    def add(zh: str, en: tuple[str, ...], category: str, override: bool) -> None:
        syl = syllables.get(zh, ())
        if len(syl) < 2 or not all(syl) or not en:  # one syllable is too ambiguous to read
            return
        key = "".join(syl)
        if override or key not in table:
            table[key] = _Reading(en, syl, category)

    for zh, en, category in _vocab_rows():
        add(zh, en, category, override=False)
    for zh, en in _brand_rows():
        add(zh, en, "brand", override=True)
    return table, max((len(k) for k in table), default=0)


@cache
def _legal_words() -> frozenset[str]:
    """One-word legal forms that are not pinyin (co, ltd, inc, limited): kept as typed."""
    legal = _words().legal
    return frozenset(k[0] for k in legal if len(k) == 1 and split_pinyin(k[0]) is None)


def _personal_looking(parts: list[str]) -> bool:
    """Whether pinyin words may be a Chinese personal name: "Zhong Xing", "Li Keji", or one word of
    two to four syllables with a common surname first or last ("ZHIFULIN")."""
    if len(parts) != 1:
        return pinyin_name_keys(tuple(parts)) is not None
    syllables = split_pinyin(parts[0]) or ()
    return 2 <= len(syllables) <= 4 and bool({syllables[0], syllables[-1]} & _surnames())


def _legal_tail(text: str) -> bool:
    """Whether every word after the first comma is a legal form ("Zhongxing Tongxun, Co., Ltd.")."""
    tail = re.split(r"[^a-z0-9]+", text.partition(",")[2].lower())
    return all(w in _legal_words() or w in ("gongsi", "youxian") for w in tail if w)


def _literal(word: str) -> bool:
    return word.isdigit() or word in _legal_words()


def _pinyin_word_parts(text: str) -> list[str] | None:
    """The query's words as plain lowercase pinyin letters, or None if some word is not pinyin.

    Numbers and one-word legal forms that are not pinyin ("Co", "Ltd") are kept as they are.

    Tone marks are dropped (ǎ → a, ü → u), tone digits and apostrophes cut syllables
    ("zhong1guo2", "xi'an"), and ``v`` is read as ü (lv → lu), as pinyin keyboards type it.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    parts: list[str] = []
    for word in re.split(r"[^a-z0-9]+", plain):
        if not word:
            continue
        if word.isdigit() or word in _legal_words():  # "Qihu 360", "Zhongxing Tongxun Co., Ltd."
            parts.append(word)
            continue
        if not _TONED_WORD_RE.fullmatch(word):
            return None
        for piece in re.split(r"[1-5]", _UMLAUT_V_RE.sub("u", word)):
            if piece:
                if split_pinyin(piece) is None:
                    return None
                parts.append(piece)
    return parts or None


def _cuts(word: str) -> set[int]:
    """Offsets inside a pinyin word where a syllable may end, with the rest still pinyin."""
    known, n = _syllables(), len(word)
    forward = [False] * (n + 1)
    backward = [False] * (n + 1)
    forward[0] = backward[n] = True
    for i in range(n):
        if forward[i]:
            for j in range(i + 1, min(n, i + 6) + 1):
                forward[j] = forward[j] or word[i:j] in known
    for i in range(n - 1, -1, -1):
        backward[i] = any(backward[j] and word[i:j] in known for j in range(i + 1, min(n, i + 6) + 1))
    return {i for i in range(n + 1) if forward[i] and backward[i]}


class PinyinReading(NamedTuple):
    """A pinyin query read as Chinese words: its translated forms and what was read as what."""

    forms: tuple[str, ...]
    read: tuple[tuple[str, str], ...]  # (pinyin as typed, English), one per word read


def _read_pinyin(parts: list[str]) -> tuple[list[tuple[str, _Reading | None]], bool]:
    """Segment the pinyin letters into words read and leftover syllables, reading as much as can be.

    Over the places where a syllable may end, the segmentation that reads the most letters as
    vocabulary or brand words, in the fewest pieces, wins ("huajishu" → hua + jishu, not huaji +
    shu); a word read may span typed words only between its own syllables ("youxian gongsi").
    Returns the pieces ((letters, reading) for a word read, (letters, None) for leftover letters
    of one typed word) and whether every typed word was one syllable (then leftover syllables are
    joined into one word, 华为 "hua wei" → huawei).
    """
    lexicon, longest = _pinyin_lexicon()
    known = _syllables()
    text = "".join(parts)
    ends: list[int] = []  # offsets where a typed word ends
    valid: set[int] = set()  # offsets where a syllable may end
    offset = 0
    for part in parts:
        valid.update(offset + c for c in _cuts(part))
        offset += len(part)
        ends.append(offset)
    n = len(text)
    # best[i]: (letters read, -pieces) for text[i:], and the step taken: (end, reading or None)
    best: dict[int, tuple[tuple[int, int], int, _Reading | None]] = {n: ((0, 0), n, None)}
    for i in sorted(valid - {n}, reverse=True):
        stop = next(e for e in ends if e > i)
        options: list[tuple[tuple[int, int], int, _Reading | None]] = []
        for size in range(2, min(longest, n - i) + 1):
            reading = lexicon.get(text[i : i + size])
            if reading is None or i + size not in best:
                continue
            cuts = {i + sum(len(x) for x in reading.syllables[:k]) for k in range(1, len(reading.syllables))}
            if all(e in cuts for e in ends if i < e < i + size):  # typed words end between syllables
                (read, count), _, _ = best[i + size]
                options.append(((read + size, count - 1), i + size, reading))
        for k in range(i + 1, min(stop, i + 6) + 1):
            if k in best and text[i:k] in known:
                (read, count), _, _ = best[k]
                options.append(((read, count - 1), k, None))
        if options:
            best[i] = max(options, key=lambda o: o[0])
    pieces: list[tuple[str, _Reading | None]] = []
    i = 0
    starts = {0, *ends}
    while i < n and i in best:
        _, j, reading = best[i]
        if reading is None and pieces and pieces[-1][1] is None and i not in starts:
            pieces[-1] = (pieces[-1][0] + text[i:j], None)  # leftover syllables of one typed word
        else:
            pieces.append((text[i:j], reading))
        i = j
    single = all(len(split_pinyin(p) or ()) == 1 for p in parts)
    return pieces, single


def _render_reading(
    pieces: Sequence[tuple[str, _Reading | None]], single: bool, pick: Callable[[int, _Reading], str]
) -> str:
    """The pieces as words: a read word as ``pick(position, reading)``, a leftover as typed."""
    words: list[str] = []
    joined = False  # the previous word is a leftover one-syllable word to join onto
    for i, (letters, reading) in enumerate(pieces):
        if reading is None:
            if single and joined:
                words[-1] += letters
            else:
                words.append(letters)
            joined = single
            continue
        joined = False
        words.append(pick(i, reading))
    return " ".join(w for w in words if w)


def _first(_: int, r: _Reading) -> str:
    return r.en[0]


def _alt(_: int, r: _Reading) -> str:
    return r.en[1] if len(r.en) > 1 else r.en[0]


def _swap(at: int, k: int) -> Callable[[int, _Reading], str]:
    """Pick the k-th rendering of the word at position ``at``, the first of every other."""

    def pick(i: int, r: _Reading) -> str:
        return r.en[k] if i == at else r.en[0]

    return pick


def _translations(pieces: list[tuple[str, _Reading | None]], single: bool) -> list[str]:
    """The same translated forms as a Han name's (:func:`redlist.match.cjk._translations`)."""
    forms = [_render_reading(pieces, single, _first)]
    read = [(i, r) for i, (_, r) in enumerate(pieces) if r is not None]
    if any(len(r.en) > 1 for _, r in read):
        forms.append(_render_reading(pieces, single, _alt))
    swaps = [(i, k) for i, r in read if r.category != "legal" for k in range(1, len(r.en))]
    if len(swaps) > 1 or any(k > 1 for _, k in swaps):
        for i, k in swaps[:MAX_SWAPS]:
            forms.append(_render_reading(pieces, single, _swap(i, k)))
    parts = [
        ("han", "")
        if r is None
        else ("brand", "")
        if r.category == "brand"
        else ("latin", "")
        if not r.syllables and r.category != "legal"
        else ("vocab", r.category)
        for _, r in pieces
    ]
    for keep in structure_variants(parts):
        kept = [pieces[i] for i in keep]
        forms.append(_render_reading(kept, single, _first))
        if any(r is not None and len(r.en) > 1 for _, r in kept):
            forms.append(_render_reading(kept, single, _alt))
    return forms


@lru_cache(maxsize=caches.HAN_NAMES)
def read_pinyin(text: str, kind: str = "any") -> PinyinReading | None:
    """A Latin-letter name that reads entirely as pinyin, translated like the Han name it spells.

    "Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi" → "hangzhou hikvision digital
    technology company limited". None when the name is not all pinyin, when no word of two or more
    syllables is read, for a person (``kind="person"``), and for a name that looks like a Chinese
    personal name ("Zhong Xing", two to four syllables with a common surname first or last) unless
    an organisation or legal-form word is read in it ("Zhongxing Gongsi") or every syllable is read,
    in two or more words ("Zhongguo Yidong") or one of four syllables ("Hai Kang Wei Shi").
    """
    if kind == "person" or not text or not text.isascii() and not _has_tone_mark(text):
        return None
    if _PERSON_COMMA_RE.search(text) and not _legal_tail(text):
        return None  # "HOU, Xueyuan" is a person, not "Hou College"
    parts = _pinyin_word_parts(text)
    if parts is None or all(_literal(p) for p in parts):
        return None
    pieces: list[tuple[str, _Reading | None]] = []
    single = True
    chunk: list[str] = []
    for part in [*parts, ""]:  # numbers and legal forms cut the name into runs of pinyin
        if part and not _literal(part):
            chunk.append(part)
            continue
        if chunk:
            read_chunk, single_chunk = _read_pinyin(chunk)
            pieces.extend(read_chunk)
            single = single and single_chunk
            chunk = []
        if part:  # kept as typed: a legal form as such, a number as a word of the name
            pieces.append((part, _Reading((part,), (), "legal" if part in _legal_words() else "")))
    parts = [p for p in parts if not _literal(p)]
    pinyin_pieces = [(letters, r) for letters, r in pieces if r is None or r.syllables]
    read = [(letters, r) for letters, r in pinyin_pieces if r is not None]
    if not read:
        return None
    # "Zhong Xing" is a man (钟兴) before it is ZTE: a personal-looking name is read only with an
    # organisation word in it, or when it is all business words ("Zhongguo Yidong", China Mobile)
    # or one word of four syllables (海康威视 "Hai Kang Wei Shi"; given names are one or two)
    whole = len(read) == len(pinyin_pieces) and (len(read) >= 2 or len(read[0][1].syllables) >= 4)
    if _personal_looking(parts) and not whole:
        return None
    letters = sum(len(p) for p in parts)
    if sum(len(x) for x, _ in read) < _MIN_READ_SHARE * letters:
        return None  # a word of a foreign name that happens to spell a Chinese word
    if all(r.category in _PLACE_ONLY for _, r in read):
        return None  # places alone translate nothing ("Hami Di" is not 哈密)
    forms = _translations(pieces, single)
    typed = " ".join(_latin_words(text))
    out = tuple(f for f in dict.fromkeys(forms) if f and f != typed)
    if not out:
        return None
    spelled = tuple((" ".join(r.syllables), r.en[0]) for _, r in read)
    return PinyinReading(out, spelled)


def _has_tone_mark(text: str) -> bool:
    """Whether a non-ASCII name is Latin letters with pinyin tone marks (Hǎikāng Wēishì)."""
    return all(c.isascii() or unicodedata.normalize("NFKD", c)[0].isascii() for c in text)


def pinyin_forms(text: str, kind: str = "any") -> list[NameForm]:
    """Extra forms of a query typed in pinyin: the Chinese words it spells, translated.

    "Haikang Weishi Shuzi Jishu" → "hikvision digital technology" (see :func:`read_pinyin`).
    The form's ``text`` says what was read as what, for the explanation. ``[]`` for other names.
    """
    if kind == "person" or has_han(text):
        return []
    reading = read_pinyin(text[:_MAX_NAME], kind)
    if reading is None:
        return []
    note = ", ".join(f"{pinyin} = {english}" for pinyin, english in reading.read)
    out = [replace(form(latin, kind, via="pinyin reading"), text=note) for latin in reading.forms]
    return [f for f in out if f.tokens]
