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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
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
    # imported here: importlib.resources imports tempfile and zipfile, which a name in Latin
    # script never needs (start-up time)
    from importlib import resources

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


#: Vocabulary categories of the province-level names a company's name may start with (浙江, 广东省,
#: 新疆维吾尔自治区): English names drop them ("Dahua Technology"), Chinese filings add them. A city
#: stays (Shenzhen DJI, Hangzhou Hikvision): English names keep it more often, and without it a
#: trade name alone would meet namesakes in other cities.
PLACE_CATEGORIES = frozenset({"province", "region"})
#: At most this many forms with one word's alternative rendering each (北京理工大学: "beijing
#: institute of technology", not only "peking institute of technology").
MAX_SWAPS = 4


@cache
def vocabulary_categories() -> dict[str, str]:
    """The category of every vocabulary word (legal, org, city, industry...), simplified word → category."""
    table: dict[str, str] = {}
    for zh, _, category in _vocab_rows():
        table.setdefault(zh, category)
    return table


def structure_variants(parts: Sequence[tuple[str, str]]) -> list[list[int]]:
    """Shorter forms of a company's name, by its structure: the positions of the parts to keep.

    ``parts`` is (kind, category) per part: kind is "brand", "vocab", "han" (a leftover run: an
    unknown trade name) or "latin"; category is the vocabulary category. A Chinese company name is
    place + trade name + industry words + legal form (浙江 大华 技术 股份有限公司), and English
    names often drop the place or keep only the trade name ("Dahua Technology", "SMIC"), so:

    1. the leading province names, when a trade name follows them (浙江大华技术 → dahua
       technology; 四川大学 keeps its province: no trade name follows);
    2. a curated brand with the legal forms only (中芯国际集成电路制造有限公司 → smic company
       limited): a brand is a known company's name, an unknown trade name alone is not kept.
    """
    out: list[list[int]] = []
    n = len(parts)
    lead = 0
    while lead < n and parts[lead][0] == "vocab" and parts[lead][1] in PLACE_CATEGORIES:
        lead += 1
    if 0 < lead < n and any(kind in ("han", "brand", "latin") for kind, _ in parts[lead:]):
        out.append(list(range(lead, n)))
    if any(kind == "brand" for kind, _ in parts):
        keep = [i for i, (kind, category) in enumerate(parts) if kind == "brand" or category == "legal"]
        if len(keep) < n:
            out.append(keep)
    return out


def _segment_parts(segments: Sequence[Segment]) -> list[tuple[str, str]]:
    categories = vocabulary_categories()
    return [(s.kind, categories.get(s.text, "") if s.kind == "vocab" else "") for s in segments]


def _translations(segments: list[Segment]) -> list[str]:
    """The translated forms: preferred words; all alternatives; one alternative at a time; and the
    shorter forms of :func:`structure_variants` (preferred words, then alternatives)."""
    forms = [_render(segments, lambda s: _translated(s, alt=False))]
    if any(len(s.en) > 1 for s in segments):
        forms.append(_render(segments, lambda s: _translated(s, alt=True)))
    # one word's alternative at a time, legal forms aside (their variants are the same legal form)
    parts = _segment_parts(segments)
    swaps = [(i, k) for i, s in enumerate(segments) if parts[i][1] != "legal" for k in range(1, len(s.en))]
    if len(swaps) > 1 or any(k > 1 for _, k in swaps):
        for i, k in swaps[:MAX_SWAPS]:
            words = (s.en[k] if j == i else _translated(s, alt=False) for j, s in enumerate(segments))
            forms.append(" ".join(w for w in words if w))
    for keep in structure_variants(parts):
        kept = [segments[i] for i in keep]
        forms.append(_render(kept, lambda s: _translated(s, alt=False)))
        if any(len(s.en) > 1 for s in kept):
            forms.append(_render(kept, lambda s: _translated(s, alt=True)))
    return forms


def _org_forms(segments: list[Segment]) -> list[str]:
    forms = _translations(segments)
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


# --- the pinyin of the vocabulary and brand words, for reading pinyin queries --------------------
# (redlist.match.pinyin_reading reads a name typed in pinyin as the Chinese words it spells)

WORD_PINYIN = "data/zh_word_pinyin.csv"


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
