"""Chinese script: traditional → simplified, Han → pinyin, and Chinese business words → English.

The US lists hold names in Latin script only, so a name written in Han characters is compared
through Latin renderings of it. :func:`latin_forms` gives them, most useful first:

1. the *translated* form: the simplified text is segmented greedily, longest match first, against
   the curated brand table (``redlist/curated/brand_aliases.csv``: 海康威视 → hikvision) and the
   business vocabulary (``data/zh_vocab.csv``: 中国 → china, 航空 → aviation, 有限公司 → company
   limited); what is left over is read in pinyin, each run of leftover characters joined into one
   word (华为 → huawei), because that is how Chinese names are romanised in English;
   a second translated form follows when some segment has an alternative English rendering
   (科技 → "science and technology", 中芯国际 → "semiconductor manufacturing international");
2. pinyin, one word per segment of that segmentation (zhongguo hangkong gongye jituan youxian
   gongsi): a leftover run is one word, a vocabulary or brand word of four or more characters is
   cut into two-syllable words (有限公司 → youxian gongsi), as Chinese words mostly are;
3. pinyin with every syllable separate (zhong guo hang kong ...).

For a personal name (``kind="person"``) of two to four Han characters the forms are surname plus
joined given name in both orders and all syllables separate (习近平 → "xi jinping", "jinping xi",
"xi jin ping"), with the two-character compound surnames and the usual readings of polyphonic
surnames (单 shan, 曾 zeng, 解 xie ...).

Choices:

- ü is written ``u`` (吕 → lu, 女 → nu), as most English-language lists write it, not ``v`` or
  ``yu``; legal forms lose their nuance: 股份有限公司 (company limited by shares) and
  有限责任公司 (limited liability company) are both "company limited" first, because that is how
  the lists spell them ("Co., Ltd."); the longer reading is the alternative.
- Pinyin comes from pypinyin's own dictionaries, read directly (first reading of a character,
  pypinyin's phrase table for words): calling ``lazy_pinyin`` costs ~50 µs a call, too slow to run
  on every name. Vocabulary and brand words get their pinyin once, when the tables load.
- Everything is loaded lazily on first use and cached, and results are memoised.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple

__all__ = ["has_han", "to_simplified", "latin_forms", "vocabulary", "brands", "segment"]

# CJK unified ideographs (base, extension A, B–F, G), and compatibility ideographs.
_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
_HAN_RE = re.compile(f"[{_HAN_CLASS}]")
# A name splits into runs of Han characters, runs of Latin letters/digits, and everything else.
_RUN_RE = re.compile(f"([{_HAN_CLASS}]+)|([^\\W_{_HAN_CLASS}]+)")
_LATIN_WORD_RE = re.compile(r"[a-z0-9]+")
_ALL_HAN_RE = re.compile(f"[{_HAN_CLASS}]+")
_NAME_SEPARATORS_RE = re.compile(r"[\s·・.\-]+")

# Two-character surnames: they must not be split into surname + given name.
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ouyang",
    "司马": "sima",
    "诸葛": "zhuge",
    "上官": "shangguan",
    "东方": "dongfang",
    "皇甫": "huangfu",
    "尉迟": "yuchi",
    "公孙": "gongsun",
    "令狐": "linghu",
    "慕容": "murong",
    "司徒": "situ",
    "夏侯": "xiahou",
    "长孙": "zhangsun",
    "万俟": "moqi",
    "宇文": "yuwen",
    "闻人": "wenren",
    "端木": "duanmu",
    "轩辕": "xuanyuan",
    "澹台": "tantai",
    "西门": "ximen",
    "南宫": "nangong",
    "独孤": "dugu",
    "呼延": "huyan",
    "申屠": "shentu",
    "太史": "taishi",
    "公羊": "gongyang",
    "濮阳": "puyang",
    "淳于": "chunyu",
    "单于": "chanyu",
    "司空": "sikong",
    "钟离": "zhongli",
    "百里": "baili",
    "东郭": "dongguo",
    "左丘": "zuoqiu",
    "拓跋": "tuoba",
    "赫连": "helian",
    "第五": "diwu",
}

# Surnames whose reading as a surname differs from the character's first dictionary reading.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "查": "zha",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "盖": "ge",
    "乐": "yue",
    "召": "shao",
    "繁": "po",
    "覃": "qin",
    "翟": "zhai",
    "折": "she",
    "黑": "he",
    "种": "chong",
    "任": "ren",
    "缪": "miao",
    "秘": "bi",
    "句": "gou",
    "员": "yun",
    "尉": "wei",
    "柏": "bai",
    "薄": "bo",
    "卜": "bu",
    "长": "chang",
    "重": "chong",
    "沈": "shen",
    "石": "shi",
    "燕": "yan",
    "阚": "kan",
    "宁": "ning",
    "曲": "qu",
    "藏": "zang",
    "隗": "wei",
    "冼": "xian",
    "谌": "chen",
    "万": "wan",
    "都": "du",
    "牟": "mou",
    "那": "na",
    "逄": "pang",
    "华": "hua",
    "贾": "jia",
    "车": "che",
    "过": "guo",
    "蕃": "pi",
    "莘": "shen",
    "纪": "ji",
    "郇": "huan",
    "应": "ying",
    "朝": "chao",
    "尹": "yin",
    "吕": "lu",
    "于": "yu",
    "行": "xing",
}

_PLACE_SUFFIXES = {"province": ("省",), "city": ("市",), "region": ("自治区",), "district": ("区",)}


@dataclass(frozen=True, slots=True)
class Entry:
    """One vocabulary or brand word: its English renderings (first = preferred) and pinyin."""

    zh: str
    en: tuple[str, ...]
    syllables: tuple[str, ...]
    source: str  # "vocab" or "brand"


class Segment(NamedTuple):
    """A piece of a name: a brand or vocabulary hit, a leftover Han run, or a Latin word."""

    text: str
    kind: str  # "brand" | "vocab" | "han" | "latin"
    syllables: tuple[str, ...] = ()
    en: tuple[str, ...] = ()


# --- script helpers --------------------------------------------------------------------------


def has_han(text: str) -> bool:
    """True when ``text`` contains at least one Han (Chinese) character."""
    return bool(text) and _HAN_RE.search(text) is not None


@cache
def _t2s() -> Any:
    import opencc  # heavy import, only when a Han name is seen

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified ones (OpenCC ``t2s``)."""
    if not has_han(text):
        return text
    return _t2s().convert(text)


# --- pinyin ----------------------------------------------------------------------------------


@cache
def _pinyin_tables() -> tuple[dict[int, str], dict[str, list[list[str]]], int]:
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    longest = max(len(k) for k in phrases_dict)
    return pinyin_dict, phrases_dict, longest


@lru_cache(maxsize=4096)
def _plain(syllable: str) -> str:
    """A toned pinyin syllable as plain ASCII: tone marks dropped, ü → u."""
    decomposed = unicodedata.normalize("NFKD", syllable)
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


def _char_pinyin(char: str, chars: dict[int, str]) -> str:
    readings = chars.get(ord(char))
    return _plain(readings.split(",", 1)[0]) if readings else ""


@lru_cache(maxsize=16384)
def pinyin_syllables(han: str) -> tuple[str, ...]:
    """Plain pinyin, one syllable per character of a run of Han characters.

    Words in pypinyin's phrase table get their phrase reading (银行 → yin hang, 重庆 → chong
    qing), matched greedily longest first; other characters get their first reading. A character
    without a known reading gives an empty string, so positions still line up with characters.
    """
    chars, phrases, longest = _pinyin_tables()
    out: list[str] = []
    i, n = 0, len(han)
    while i < n:
        for size in range(min(longest, n - i), 1, -1):
            reading = phrases.get(han[i : i + size])
            if reading is not None and len(reading) == size:
                out.extend(_plain(r[0]) for r in reading)
                i += size
                break
        else:
            out.append(_char_pinyin(han[i], chars))
            i += 1
    return tuple(out)


# --- tables ----------------------------------------------------------------------------------


def _read_csv(package: str, name: str) -> Iterator[dict[str, str]]:
    # A path inside the package (data/ folders are not packages themselves).
    text = resources.files(package).joinpath(*name.split("/")).read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    for row in csv.DictReader(lines):
        yield {k: (v or "").strip() for k, v in row.items() if k}


def _english(value: str) -> str:
    """An English rendering as lowercase ASCII words (the form latin_forms returns)."""
    return " ".join(_latin_words(value))


def _vocab_rows() -> Iterator[tuple[str, tuple[str, ...], str]]:
    """(simplified word, English renderings, category) for every vocabulary word."""
    for row in _read_csv("redlist.match", "data/zh_vocab.csv"):
        renderings = [row["en"], *(a for a in row.get("alt", "").split("|") if a.strip())]
        en = tuple(dict.fromkeys(_english(r) for r in renderings if _english(r)))
        category = row.get("category", "")
        yield row["zh"], en, category
        # "深圳" also stands for "深圳市" (the city) and "广东" for "广东省": English drops the suffix.
        for suffix in _PLACE_SUFFIXES.get(category, ()):
            yield row["zh"] + suffix, en, category


def _brand_rows() -> Iterator[tuple[str, tuple[str, ...]]]:
    grouped: dict[str, list[str]] = {}
    for row in _read_csv("redlist.curated", "brand_aliases.csv"):
        grouped.setdefault(row["zh"], []).append(_english(row["en"]))
    for zh, names in grouped.items():
        yield zh, tuple(dict.fromkeys(n for n in names if n))


@cache
def vocabulary() -> dict[str, Entry]:
    """The business vocabulary, simplified Chinese word → :class:`Entry` (loaded once)."""
    table: dict[str, Entry] = {}
    for zh, en, _ in _vocab_rows():
        if zh not in table and en:
            table[zh] = Entry(zh, en, pinyin_syllables(zh), "vocab")
    return table


@cache
def brands() -> dict[str, Entry]:
    """The curated brand aliases, simplified Chinese brand → :class:`Entry` (loaded once)."""
    return {zh: Entry(zh, en, pinyin_syllables(zh), "brand") for zh, en in _brand_rows() if en}


@cache
def _lexicon() -> tuple[dict[str, Entry], dict[str, int]]:
    """All words, and for each first character the length of the longest word it starts."""
    # A brand wins over a vocabulary word of the same spelling.
    merged = {**vocabulary(), **brands()}
    longest: dict[str, int] = {}
    for word in merged:
        longest[word[0]] = max(longest.get(word[0], 0), len(word))
    return merged, longest


# --- segmentation ----------------------------------------------------------------------------


def _latin_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.replace("'", "").replace("’", ""))
    return _LATIN_WORD_RE.findall(folded.encode("ascii", "ignore").decode().lower())


def _segment_han(run: str, use_lexicon: bool) -> Iterator[Segment]:
    lexicon, longest = _lexicon() if use_lexicon else ({}, {})
    i, n, start = 0, len(run), 0
    while i < n:
        hit = None
        for size in range(min(longest.get(run[i], 0), n - i), 0, -1):
            hit = lexicon.get(run[i : i + size])
            if hit is not None:
                break
        if hit is None:
            i += 1
            continue
        if start < i:
            yield Segment(run[start:i], "han", pinyin_syllables(run[start:i]))
        yield Segment(hit.zh, hit.source, hit.syllables, hit.en)
        i += len(hit.zh)
        start = i
    if start < n:
        yield Segment(run[start:], "han", pinyin_syllables(run[start:]))


def _prepare(text: str) -> str:
    # NFKC folds full-width letters and punctuation (ＴＣＬ, （）) to ASCII; then t2s.
    return to_simplified(unicodedata.normalize("NFKC", text))


def segment(text: str, use_lexicon: bool = True, prepared: bool = False) -> list[Segment]:
    """Split a name into brand/vocabulary hits, leftover Han runs and Latin words, in order.

    ``prepared`` says the text is already NFKC-normalised simplified Chinese.
    """
    out: list[Segment] = []
    for match in _RUN_RE.finditer(text if prepared else _prepare(text)):
        han, other = match.group(1), match.group(2)
        if han:
            out.extend(_segment_han(han, use_lexicon))
        else:
            out.extend(Segment(w, "latin") for w in _latin_words(other))
    return out


# --- renderings ------------------------------------------------------------------------------


def _joined(seg: Segment) -> str:
    return "".join(seg.syllables)


def _worded(seg: Segment) -> str:
    """Pinyin of a segment as words: a leftover run is one word (华为 → huawei); a vocabulary or
    brand word of four or more characters is read as two-syllable words with a final three
    (有限公司 → youxian gongsi, 中华人民共和国 → zhonghua renmin gongheguo), as most Chinese
    words are two syllables long."""
    syl = [s for s in seg.syllables if s]
    if seg.kind == "han" or len(syl) < 4:
        return "".join(syl)
    cut = len(syl) - 3 if len(syl) % 2 else len(syl)
    words = ["".join(syl[i : i + 2]) for i in range(0, cut, 2)]
    if cut < len(syl):
        words.append("".join(syl[cut:]))
    return " ".join(words)


def _render(segments: Iterable[Segment], pick) -> str:
    words = (pick(s) for s in segments)
    return " ".join(w for w in words if w)


def _translated(seg: Segment, alt: bool) -> str:
    if seg.kind == "latin":
        return seg.text
    if seg.en:
        return seg.en[1] if alt and len(seg.en) > 1 else seg.en[0]
    return _joined(seg)


def _split(seg: Segment) -> str:
    return seg.text if seg.kind == "latin" else " ".join(s for s in seg.syllables if s)


def _org_forms(segments: list[Segment]) -> list[str]:
    forms = [_render(segments, lambda s: _translated(s, alt=False))]
    if any(len(s.en) > 1 for s in segments):
        forms.append(_render(segments, lambda s: _translated(s, alt=True)))
    forms.append(_render(segments, lambda s: s.text if s.kind == "latin" else _worded(s)))
    forms.append(_render(segments, _split))
    return forms


def _person_forms(han: str) -> list[str]:
    """Surname + given name forms of a 2–4 character Han personal name (simplified)."""
    if not 2 <= len(han) <= 4 or not _ALL_HAN_RE.fullmatch(han):
        return []
    if han[:2] in COMPOUND_SURNAMES:
        surname, surname_syl, given = COMPOUND_SURNAMES[han[:2]], None, han[2:]
    else:
        reading = SURNAME_READINGS.get(han[0]) or pinyin_syllables(han[0])[0]
        surname, surname_syl, given = reading, [reading], han[1:]
    given_syl = [s for s in pinyin_syllables(given) if s]
    if not given or not given_syl or not surname:
        return []
    if surname_syl is None:
        surname_syl = [s for s in pinyin_syllables(han[:2]) if s]
    given_name = "".join(given_syl)
    return [f"{surname} {given_name}", f"{given_name} {surname}", " ".join([*surname_syl, *given_syl])]


def _person_text(prepared: str) -> str | None:
    """The Han characters of a personal name, if it is only Han (spaces and dots allowed)."""
    han = _NAME_SEPARATORS_RE.sub("", prepared)
    return han if han and _ALL_HAN_RE.fullmatch(han) else None


@lru_cache(maxsize=65536)
def _forms(text: str, kind: str) -> tuple[str, ...]:
    if not has_han(text):
        return ()
    forms: list[str] = []
    prepared = _prepare(text)
    han = _person_text(prepared)
    if kind == "person":
        forms.extend(_person_forms(han) if han else [])
        # Names are not translated: 李中国 is a man, not "li china".
        forms.extend(_org_forms(segment(prepared, use_lexicon=False, prepared=True))[-2:])
    else:
        segments = segment(prepared, prepared=True)
        looks_personal = han is not None and all(s.kind == "han" for s in segments)
        if kind == "any" and looks_personal and han is not None:
            forms.extend(_person_forms(han))
        forms.extend(_org_forms(segments))
    return tuple(dict.fromkeys(f for f in forms if f))


def latin_forms(text: str, kind: str = "any") -> list[str]:
    """Lowercase ASCII renderings of a name written (partly) in Han characters, best first.

    ``kind`` is "person", "organization", "vessel", "aircraft" or "any". Returns ``[]`` when the
    text has no Han character. See the module docstring for the forms and their order.
    """
    return list(_forms(text, kind))


_HAN_LEGAL = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "总公司", "公司")


def han_similarity(a: str, b: str) -> float:
    """Similarity of two names both written in Han characters, character by character.

    Pinyin would make homophones equal (高市 / 高石 are both "gao shi"), so two Han names are
    compared as written, after traditional -> simplified and with the trailing legal form set apart.
    """
    from rapidfuzz.distance import Levenshtein

    def core(text: str) -> str:
        text = "".join(c for c in to_simplified(text) if c.isalnum())
        for suffix in _HAN_LEGAL:
            if text.endswith(suffix) and len(text) > len(suffix):
                return text[: -len(suffix)]
        return text

    x, y = core(a), core(b)
    if not x or not y:
        return 0.0
    # squared: one character of a short Han name is a whole syllable, not a typo
    return round(Levenshtein.normalized_similarity(x, y) ** 2, 4)


@lru_cache(maxsize=16384)
def personal_name(text: str, kind: str = "any") -> tuple[str, str] | None:
    """(surname, given name) in pinyin of a Han personal name of two to four characters, else None.

    An untyped name counts as personal only when no brand or business word is in it (华为 is a
    brand, 李娜 a person); an organisation's name never does.
    """
    if kind not in ("person", "any") or not has_han(text):
        return None
    prepared = _prepare(text)
    han = _person_text(prepared)
    if han is None or not 2 <= len(han) <= 4:
        return None
    if kind == "any" and not all(s.kind == "han" for s in segment(prepared, prepared=True)):
        return None
    readings = _person_forms(han)
    if not readings:
        return None
    surname, _, given = readings[0].partition(" ")
    return (surname, given) if surname and given else None


# --- pinyin typed in Latin letters -> the same translation as the Han name -------------------
#
# "Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi" is the Han name 杭州海康威视数字技术
# 股份有限公司 written in pinyin; the lists print "Hangzhou Hikvision Digital Technology Co., Ltd.".
# A query that reads entirely as pinyin is segmented against the pinyin of the brand and vocabulary
# words (data/zh_word_pinyin.csv, derived from pypinyin by derive_word_pinyin and checked by a
# test) and translated word by word like the Han name. Homophones make pinyin weaker evidence than
# Han characters, so: one-syllable words (厂 chang, 市 shi) are never read, a query that looks like
# a Chinese personal name ("Zhong Xing", "Li Keji") is read only when it holds an organisation or
# legal-form word (gongsi, daxue), and the reading is an extra query form, never a replacement.

_WORD_PINYIN = "data/zh_word_pinyin.csv"
#: Vocabulary categories that make a personal-looking pinyin name an organisation's name.
_ORG_CATEGORIES = frozenset({"legal", "org"})
_TONED_WORD_RE = re.compile(r"(?:[a-z]+[1-5]?)+")


def derive_word_pinyin() -> list[tuple[str, str]]:
    """(word, pinyin syllables separated by spaces) for every vocabulary and brand word.

    Read from pypinyin (phrase table first, as for Han names); kept in ``data/zh_word_pinyin.csv``
    so that a pinyin query does not import pypinyin's tables (a test checks the two agree).
    """
    words = dict.fromkeys(zh for zh, _, _ in _vocab_rows())
    words.update(dict.fromkeys(zh for zh, _ in _brand_rows()))
    return [(zh, " ".join(pinyin_syllables(zh))) for zh in words]


def write_word_pinyin(path: str) -> None:
    """Write :func:`derive_word_pinyin` to ``path`` (run after editing zh_vocab.csv or brand_aliases.csv)."""
    header = (
        "# Pinyin of every word of zh_vocab.csv (with the place suffixes) and of curated/brand_aliases.csv,\n"
        "# derived from pypinyin by redlist.match.cjk.derive_word_pinyin; do not edit by hand: regenerate with\n"
        '#   python -c "from redlist.match.cjk import write_word_pinyin as w; '
        "w('src/redlist/match/data/zh_word_pinyin.csv')\"\n"
        "# tests/test_pinyin_names.py checks it is up to date.\n"
    )
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(header)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["zh", "pinyin"])
        writer.writerows(derive_word_pinyin())


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
    syllables = {row["zh"]: tuple(row["pinyin"].split()) for row in _read_csv("redlist.match", _WORD_PINYIN)}
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


def _pinyin_word_parts(text: str) -> list[str] | None:
    """The query's words as plain lowercase pinyin letters, or None if some word is not pinyin.

    Tone marks are dropped (ǎ → a, ü → u), tone digits and apostrophes cut syllables
    ("zhong1guo2", "xi'an"), and ``v`` is read as ü (lv → lu), as pinyin keyboards type it.
    """
    from redlist.match.chinese_names import split_pinyin

    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    parts: list[str] = []
    for word in re.split(r"[^a-z0-9]+", plain):
        if not word:
            continue
        if word.isdigit():  # a number in the name (奇虎360 "Qihu 360") stays as it is
            parts.append(word)
            continue
        if not _TONED_WORD_RE.fullmatch(word):
            return None
        for piece in re.split(r"[1-5]", word.replace("v", "u")):
            if piece:
                if split_pinyin(piece) is None:
                    return None
                parts.append(piece)
    return parts or None


def _cuts(word: str) -> set[int]:
    """Offsets inside a pinyin word where a syllable may end, with the rest still pinyin."""
    from redlist.match.chinese_names import _syllables

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
    """Segment the pinyin letters greedily, longest word first, as the Han path does.

    Returns the pieces ((letters, reading) for a word read, (letters, None) for a leftover piece
    of one typed word) and whether every typed word was one syllable (then leftover syllables
    are joined into one word, 华为 "hua wei" → huawei).
    """
    from redlist.match.chinese_names import split_pinyin

    lexicon, longest = _pinyin_lexicon()
    text = "".join(parts)
    ends: set[int] = set()  # offsets where a typed word ends
    valid: set[int] = set()  # offsets where a syllable may end
    offset = 0
    for part in parts:
        valid.update(offset + c for c in _cuts(part))
        offset += len(part)
        ends.add(offset)
    starts = ends | {0}
    pieces: list[tuple[str, _Reading | None]] = []
    i, n = 0, len(text)
    while i < n:
        hit = None
        for size in range(min(longest, n - i), 1, -1):
            reading = lexicon.get(text[i : i + size])
            if reading is None or i + size not in valid:
                continue
            inner = {i + sum(len(s) for s in reading.syllables[:k]) for k in range(1, len(reading.syllables))}
            if all(e in inner for e in ends if i < e < i + size):  # typed words end between syllables
                hit = (text[i : i + size], reading)
                break
        if hit is not None:
            pieces.append(hit)
            i += len(hit[0])
            continue
        # a leftover syllable: the longest that leaves pinyin behind, not crossing a typed word
        stop = min(e for e in ends if e > i)
        j = max(k for k in valid if i < k <= min(stop, i + 6))
        if pieces and pieces[-1][1] is None and i not in starts:
            pieces[-1] = (pieces[-1][0] + text[i:j], None)
        else:
            pieces.append((text[i:j], None))
        i = j
    single = all(len(split_pinyin(p) or ()) == 1 for p in parts)
    return pieces, single


def _render_reading(pieces: list[tuple[str, _Reading | None]], single: bool, alt: bool) -> str:
    words: list[str] = []
    joined = False  # the previous word is a leftover one-syllable word to join onto
    for letters, reading in pieces:
        if reading is None:
            if single and joined:
                words[-1] += letters
            else:
                words.append(letters)
            joined = single
            continue
        joined = False
        en = reading.en
        words.append(en[1] if alt and len(en) > 1 else en[0])
    return " ".join(words)


@lru_cache(maxsize=16384)
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
    parts = _pinyin_word_parts(text)
    if parts is None or all(p.isdigit() for p in parts):
        return None
    pieces: list[tuple[str, _Reading | None]] = []
    single = True
    chunk: list[str] = []
    for part in [*parts, ""]:  # numbers cut the name into runs of pinyin, read one by one
        if part and not part.isdigit():
            chunk.append(part)
            continue
        if chunk:
            read_chunk, single_chunk = _read_pinyin(chunk)
            pieces.extend(read_chunk)
            single = single and single_chunk
            chunk = []
        if part:
            pieces.append((part, None))
    parts = [p for p in parts if not p.isdigit()]
    read = [(letters, reading) for letters, reading in pieces if reading is not None]
    if not read:
        return None
    from redlist.match.chinese_names import pinyin_name_keys

    # "Zhong Xing" is a man (钟兴) before it is ZTE: a personal-looking name is read only with an
    # organisation word in it, or when it is all business words ("Zhongguo Yidong", China Mobile)
    # or one word of four syllables (海康威视 "Hai Kang Wei Shi"; given names are one or two)
    whole = len(read) == len(pieces) and (len(read) >= 2 or len(read[0][1].syllables) >= 4)
    if pinyin_name_keys(tuple(parts)) is not None and not (
        whole or any(r.category in _ORG_CATEGORIES for _, r in read)
    ):
        return None
    forms = [_render_reading(pieces, single, alt=False)]
    if any(len(r.en) > 1 for _, r in read):
        forms.append(_render_reading(pieces, single, alt=True))
    typed = " ".join(_latin_words(text))
    out = tuple(f for f in dict.fromkeys(forms) if f and f != typed)
    if not out:
        return None
    spelled = tuple((" ".join(r.syllables), r.en[0]) for _, r in read)
    return PinyinReading(out, spelled)


def _has_tone_mark(text: str) -> bool:
    """Whether a non-ASCII name is Latin letters with pinyin tone marks (Hǎikāng Wēishì)."""
    return all(c.isascii() or unicodedata.normalize("NFKD", c)[0].isascii() for c in text)
