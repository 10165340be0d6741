"""Names into comparable forms: folded tokens, legal forms set apart, word weights, other scripts in Latin.

Every name, from a list or from a query, becomes one or more :class:`NameForm`: lowercase ASCII
tokens with a weight each (a function word or "group" counts less than "huawei"), the legal forms
found in it ("Co., Ltd." and "Company Limited" are both ``ltd``) kept apart from the tokens so that a
legal form alone can never make two names match. Names in Han script get extra Latin forms
(translation, pinyin) from :mod:`redlist.match.cjk`; Cyrillic, Arabic, Greek and other scripts are
transliterated by ICU (through ``normality``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from redlist.match import caches
from redlist.util import NUMBER_WORDS

#: How the kinds of party a query can ask for map onto how their names are compared.
KINDS = ("any", "person", "organization", "vessel", "aircraft")

_INITIALISM = re.compile(r"^(?:[^\W\d_]\.){2,}[^\W\d_]?\.?$|^(?:[^\W\d_]\.)[^\W\d_]$")
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_SPLIT = re.compile(r"[^\w]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_MAX_NAME = 500  # characters; beyond this a "name" is not a name (the screener reports it)


@dataclass(frozen=True, slots=True)
class NameForm:
    """One comparable rendering of a name."""

    text: str  # the name as given
    tokens: tuple[str, ...]  # folded tokens without legal forms and titles
    weights: tuple[float, ...]  # one per token
    legal_forms: frozenset[str] = frozenset()
    via: str = "name"  # how this form was made: name, translation, pinyin, transliteration, brand
    kind: str = "any"

    @property
    def core(self) -> str:
        return " ".join(self.tokens)

    @property
    def total(self) -> float:
        return sum(self.weights)


@dataclass(frozen=True, slots=True)
class _Words:
    legal: dict[tuple[str, ...], str] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    longest_legal: int = 1
    org: dict[str, float] = field(default_factory=dict)
    person: dict[str, float] = field(default_factory=dict)
    person_variants: dict[str, str] = field(default_factory=dict)
    places: frozenset[str] = frozenset()


def _rows(name: str) -> list[dict[str, str]]:
    # the package's own folder: importlib.resources would import zipfile for it (start-up time)
    text = (Path(__file__).resolve().parent / "data" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def _words() -> _Words:
    legal = {tuple(r["variant"].split()): r["form"] for r in _rows("legal_forms.csv")}
    org: dict[str, float] = {}
    person: dict[str, float] = {}
    places: set[str] = set()
    for r in _rows("name_words.csv"):
        if r["role"] == "place":
            places.add(r["word"])
            continue
        weight = float(r["weight"])
        if r["role"] in ("stop", "generic"):
            org.setdefault(r["word"], weight)
        if r["role"] in ("stop", "particle", "title"):
            person.setdefault(r["word"], weight)
    abbreviations = {r["short"]: r["long"] for r in _rows("abbreviations.csv")}
    return _Words(
        legal,
        abbreviations,
        max(len(k) for k in legal),
        org,
        person,
        dict(_PERSON_VARIANTS),
        frozenset(places),
    )


def place_words() -> frozenset[str]:
    """Continents, regions and countries (``name_words.csv``, role place): in a company's name,
    where a branch of it works ("FABERLIC EUROPE" is Faberlic's)."""
    return _words().places


@cache
def abbreviated() -> dict[str, tuple[str, ...]]:
    """Each expanded word -> the abbreviations expanded to it ("electronic" -> elect, electr)."""
    out: dict[str, list[str]] = {}
    for short, long in _words().abbreviations.items():
        out.setdefault(long, []).append(short)
    return {long: tuple(shorts) for long, shorts in out.items()}


@cache
def nicknames() -> dict[str, str]:
    """Short forms of given names -> the full name ("ted" -> "theodore")."""
    return {r["nickname"]: r["name"] for r in _rows("nicknames.csv")}


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def has_hangul(text: str) -> bool:
    """Whether a name has Korean syllable blocks (each one a syllable, as a Han character is)."""
    return _HANGUL.search(text) is not None


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_LEET = str.maketrans("0134579@$", "oieastgas")
_NUMBER_WORDS = {w: str(n) for w, n in NUMBER_WORDS.items()}
_NUMBER_WORDS.update(
    {"fourty": "40", "first": "1", "second": "2", "third": "3", "1st": "1", "2nd": "2", "3rd": "3"}
)


def _numbers(tokens: list[str]) -> list[str]:
    """Number words as digits ("forty four" -> 44, "first" -> 1), so that "Brigade 44" meets them."""
    out: list[str] = []
    for token in tokens:
        digits = _NUMBER_WORDS.get(token, token)
        tens = out[-1] if out else ""
        if (
            token in _NUMBER_WORDS
            and len(digits) == 1
            and len(tens) == 2
            and tens.isdigit()
            and tens[1] == "0"
        ):
            out[-1] = str(int(tens) + int(digits))
            continue
        out.append(digits if token in _NUMBER_WORDS else token)
    return out


_INNER_DIGIT = re.compile(r"[a-z][0-9]+[a-z]")
_LETTERS_DIGITS = re.compile(r"[a-z]+|[0-9]+")


def _unleet(token: str) -> list[str]:
    """Digits typed for letters inside a word ("Ig0r", "Sech1n"); letters glued to a number apart."""
    if token in _NUMBER_WORDS or token.isalpha() or token.isdigit():
        return [token]
    if _INNER_DIGIT.search(token) or (
        token[-1:].isdigit() and token[-2:-1].isalpha() and len(token) > 3 and token[-1] in "013457"
    ):
        return [token.translate(_LEET)]  # "sech1n", "ig0r", "i9or", "sechi1"
    return _LETTERS_DIGITS.findall(token) or [token]  # "damour850" -> damour 850


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Cyrillic as the US lists romanise it (BGN/PCGN: Zhomart, Tokayev, Shchetinin, Yevgeniy), where
#: ICU's scholarly tables give "Žomart" -> "zomart" and lose Kazakh letters ("Қ" -> "?").
_CYRILLIC_LATIN = {
    **dict(zip("абвгдезиклмнопрстуфыэ", "abvgdeziklmnoprstufye", strict=True)),
    "ё": "e", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ь": "", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",  # Ukrainian, Belarusian
    "қ": "k", "ғ": "g", "ң": "ng", "ә": "a", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",  # Kazakh
}  # fmt: skip
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC_LATIN)
_UKRAINIAN = re.compile("[ієїґ]")


def _cyrillic(text: str) -> str:
    """Cyrillic letters in Latin as the lists write them (Ukrainian и is y: Volodymyr)."""
    if _UKRAINIAN.search(text):
        text = text.replace("и", "y")
    return text.translate(_CYRILLIC_TABLE)


@lru_cache(maxsize=caches.FOLDED_NAMES)
def fold(text: str, cyrillic: bool = True) -> str:
    """Lowercase ASCII with single spaces: NFKC, case, diacritics and other scripts folded.

    Cyrillic is romanised as the US lists do it, or (``cyrillic=False``) by ICU's letter-for-letter
    tables, which stay closer for a mistyped name ("Вукић" / "Вучић": vukic / vucic).
    """
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKC", text)).casefold()
    text = (
        _POSSESSIVE.sub("", text)
        .replace("&", " and ")
        .replace("'", "")
        .replace("\u2019", "")
        .replace("`", "")
    )
    words = []
    for raw in text.split():
        if _INITIALISM.match(raw):  # "s.a." "l.l.c." "u.s." -> one token
            raw = raw.replace(".", "")
        words.append(raw)
    text = " ".join(words)
    if cyrillic and not text.isascii() and _CYRILLIC.search(text):
        text = _cyrillic(text)
    if not text.isascii():
        from normality import ascii_text  # ICU's tables: loaded only when a name needs them

        text = (ascii_text(text) or "").replace("'", "")  # ICU writes the soft sign as '

    tokens = [part for t in _SPLIT.split(text.lower()) if t and t != "_" for part in _unleet(t)]
    return " ".join(_numbers(tokens))


@cache
def legal_form_words() -> dict[str, frozenset[str]]:
    """Each legal form -> the words its spellings use ("jsc" -> joint, stock, company, pjsc, ...)."""
    words: dict[str, set[str]] = {}
    for phrase, code in _words().legal.items():
        words.setdefault(code, {code}).update(phrase)
    return {code: frozenset(w for w in group if len(w) >= 3) for code, group in words.items()}


@cache
def legal_form_names() -> dict[str, frozenset[str]]:
    """Each legal form -> its one-word spellings ("ltd" -> ltd, limited, ...; "oy" -> oy)."""
    names: dict[str, set[str]] = {}
    for phrase, code in _words().legal.items():
        names.setdefault(code, {code})
        if len(phrase) == 1:
            names[code].add(phrase[0])
    return {code: frozenset(group) for code, group in names.items()}


@cache
def _legal_words() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """Every word of the legal-form phrases, and the long ones a typo may hide ("limjited"), by
    first letter (a typo keeps it), in alphabetical order."""
    all_words = frozenset(w for phrase in _words().legal for w in phrase)
    by_letter: dict[str, tuple[str, ...]] = {}
    for word in sorted(w for w in all_words if len(w) >= 5):
        by_letter[word[0]] = (*by_letter.get(word[0], ()), word)
    return all_words, by_letter


def legal_word(token: str) -> bool:
    """Whether a folded word is a word of a legal form's spelling ("llc", "bv", "limited", "stock")."""
    return token in _legal_words()[0]


@lru_cache(maxsize=caches.LEGAL_WORDS)
def _legal_spelling(token: str, last: bool = False) -> str:
    """A mistyped legal-form word as spelt in the table ("limjited" -> "limited"), else the token.

    Short forms ("Ltgd", "LCL", "Incc") are only read so as the name's last word.
    """
    known, long_words = _legal_words()
    if token in known or not token.isalpha():
        return token
    if len(token) < 5:
        if last and len(token) >= 2:
            from rapidfuzz.distance import OSA

            for form in _SHORT_FORMS:
                if (
                    abs(len(form) - len(token)) <= 1
                    and OSA.distance(token, form) == 1
                    and token[0] == form[0]
                ):
                    return form
        return token
    from rapidfuzz.distance import OSA

    best, best_distance = token, 3
    # a typo keeps the first letter: "Romania" is a country, not a mistyped "compania"
    for word in long_words.get(token[0], ()):
        if abs(len(word) - len(token)) <= 2:
            distance = OSA.distance(token, word)
            if distance <= (1 if len(word) < 8 else 2) and distance < best_distance:
                best, best_distance = word, distance
    return best


def _legal_split(tokens: list[str]) -> tuple[list[str], set[str]]:
    """Tokens with legal-form phrases removed, and the forms found (typos in them forgiven)."""
    spelt = [_legal_spelling(t, i == len(tokens) - 1) for i, t in enumerate(tokens)]
    if spelt != tokens:
        fixed = _legal_split_exact(spelt)
        if len(fixed[0]) < len(_legal_split_exact(tokens)[0]):
            return fixed
    return _legal_split_exact(tokens)


def written_legal_forms(text: str) -> frozenset[str]:
    """The legal forms a name carries spelt as the table spells them: none read off a typo.

    "Saul" at the end of "FLORES TINAJERO, Saul" is one slip from "SARL", and "Shavkat" two from
    "sharikat": the scorer may read them so against a company's name, but they do not make the
    name a company's (:func:`redlist.screen.Screener.screen` keeps such a query untyped).
    """
    return frozenset(_legal_split_exact(fold(text[:_MAX_NAME]).split())[1])


def _legal_split_exact(tokens: list[str]) -> tuple[list[str], set[str]]:
    words = _words()
    out: list[str] = []
    forms: set[str] = set()
    i = 0
    while i < len(tokens):
        for size in range(min(words.longest_legal, len(tokens) - i), 0, -1):
            form = words.legal.get(tuple(tokens[i : i + size]))
            if form and _is_legal_here(tokens, i, size):
                forms.add(form)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out, forms


#: Short legal forms whose one-letter typos are still read as legal forms at the end of a name.
_SHORT_FORMS = (
    "ltd",
    "llc",
    "inc",
    "plc",
    "ooo",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "corp",
    "gmbh",
    "llp",
    "sarl",
    "bhd",
)

_PREFIX_FORMS = frozenset(
    {"ooo", "oao", "zao", "pao", "ao", "tov", "pt", "jsc", "ojsc", "cjsc", "pjsc", "llc"}
)


def _is_legal_here(tokens: list[str], i: int, size: int) -> bool:
    """Whether a legal-form phrase found at position i is one, not part of the name."""
    rest = len(tokens) - i - size
    if i == 0:  # Russian, Ukrainian and Indonesian forms come first: "OOO Romashka", "PT Bank X"
        return rest > 0 and (size > 1 or tokens[0] in _PREFIX_FORMS)
    # a one- or two-letter form inside a name is usually an initial or a word ("as", "ab")
    return size > 1 or len(tokens[i]) > 2 or rest == 0


#: Spellings of one Arabic name particle: "ibn" / "bin", "el-" / "al-".
_PERSON_VARIANTS = {
    "ibn": "bin",
    "el": "al",
    "ul": "al",
    "abdel": "abdul",
    "abdal": "abdul",
    "abdoul": "abdul",
}


def particle_spelling(word: str) -> str:
    """One spelling of an Arabic name particle or compound: "abdal" and "abdel" are abdul, "ibn"
    is bin (so that "Abd al-Aziz" joined meets "Abdul Aziz")."""
    return _PERSON_VARIANTS.get(word, word)


def _weight(token: str, table: dict[str, float]) -> float:
    weight = table.get(token)
    if weight is not None:
        return weight
    if len(token) == 1:
        return 0.5  # an initial
    if token.isdigit():
        return 0.8
    return 1.0


def form(text: str, kind: str = "any", via: str = "name", cyrillic: bool = True) -> NameForm:
    """One comparable form of a (Latin or transliterated) name."""
    if kind == "person" and text.count(",") == 1:  # "LAST, First" as lists write it
        last, first = text.split(",")
        text = f"{first.strip()} {last.strip()}"
    tokens = fold(text, cyrillic).split()
    legal: set[str] = set()
    if kind != "person":
        tokens, legal = _legal_split(tokens)
        if all((t,) in _words().legal for t in tokens):  # "Company Limited": nothing but legal forms
            legal.update(_words().legal[(t,)] for t in tokens)
            tokens = []
        expand = _words().abbreviations
        tokens = [expand.get(t, t) for t in tokens]
    table = _words().person if kind == "person" else _words().org
    variants = _words().person_variants  # "el-" / "al-" in a company's name too: "El Aqsa"
    if kind == "person":
        tokens = [variants.get(t, t) for t in tokens if table.get(t, 1.0) > 0] or tokens
    else:
        tokens = [variants.get(t, t) for t in tokens]
    weights = tuple(_weight(t, table) for t in tokens)
    return NameForm(text, tuple(tokens), weights, frozenset(legal), via, kind)


def identity_tokens(text: str, kind: str = "any") -> tuple[tuple[str, ...], frozenset[str]]:
    """The words of a name as written, for saying two entries bear the same name: folded, legal
    forms set apart (organisations), "LAST, First" turned round (people), but no abbreviation or
    nickname expanded ("Telecom" is not "Telecommunications" here, "Bob" is not "Robert")."""
    if kind == "person" and text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first.strip()} {last.strip()}"
    tokens = fold(text).split()
    if kind == "person":
        return tuple(tokens), frozenset()
    tokens, legal = _legal_split(tokens)
    return tuple(tokens), frozenset(legal)


def forms(text: str, kind: str = "any") -> list[NameForm]:
    """Every comparable form of a name: the name itself, plus Latin forms of Han-script names."""
    text = text[:_MAX_NAME]
    if has_han(text):
        try:
            from redlist.match import cjk
        except ImportError:  # pragma: no cover - the Chinese module is part of the package
            return [form(text, kind, via="transliteration")]
        out = []
        for i, latin in enumerate(cjk.latin_forms(text, kind=kind)):
            out.append(form(latin, kind, via="translation" if i == 0 else "pinyin"))
        return [f for f in out if f.tokens] or [form(text, kind, via="transliteration")]
    via = "name" if text.isascii() else "transliteration"
    result = form(text, kind, via)
    if via != "name" and _CYRILLIC.search(text):
        letters = form(text, kind, via, cyrillic=False)
        if letters.tokens and letters.tokens != result.tokens:
            return [result, letters]
    return [result]
