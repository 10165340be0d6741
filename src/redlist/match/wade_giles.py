"""Chinese names written in Wade-Giles read as pinyin ("Hsi Chin-ping" -> Xi Jinping).

Wade-Giles was the usual romanisation of Mandarin before pinyin, and stays in Taiwanese and older
names ("Mao Tse-tung", "Chiang Ching-kuo"). The lists write Chinese names in pinyin, so a name in
Wade-Giles meets them only when read back into pinyin. The table is not typed in: it is derived
from every pinyin syllable (``data/pinyin_syllables.csv``) by the official correspondences of the
two systems (initials b/p -> p/p', d/t -> t/t', g/k -> k/k', j/q and zh/ch -> ch/ch', x -> hs,
r -> j, z/c -> ts/ts', tz before the bare vowel; finals -ong -> -ung, -ian -> -ien, -ie -> -ieh,
-uo -> -o, zhi/shi/ri -> chih/shih/jih, zi/ci/si -> tzu/tzu/ssu, er -> erh, ye/yan/you -> yeh/yen/yu).
People write Wade-Giles without its apostrophes and umlauts, so one spelling may be several pinyin
syllables ("chin" is jin or qin, "ping" bing or ping): each reading is tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import product

from redlist.match import caches
from redlist.match.normalize import NameForm

#: Readings of one name tried at most: a name of four ambiguous syllables has sixteen.
MAX_READINGS = 16

_INITIALS = (
    ("zh", "ch"),
    ("ch", "ch"),
    ("sh", "sh"),
    ("b", "p"),
    ("p", "p"),
    ("m", "m"),
    ("f", "f"),
    ("d", "t"),
    ("t", "t"),
    ("n", "n"),
    ("l", "l"),
    ("g", "k"),
    ("k", "k"),
    ("h", "h"),
    ("j", "ch"),
    ("q", "ch"),
    ("x", "hs"),
    ("r", "j"),
    ("z", "ts"),
    ("c", "ts"),
    ("s", "s"),
    ("y", "y"),
    ("w", "w"),
)
#: Whole syllables the initial-and-final rules do not give.
_WHOLE = {
    "zhi": "chih",
    "chi": "chih",
    "shi": "shih",
    "ri": "jih",
    "zi": "tzu",
    "ci": "tzu",
    "si": "ssu",
    "er": "erh",
    "yi": "i",
    "ye": "yeh",
    "yan": "yen",
    "you": "yu",
    "yong": "yung",
    "yue": "yueh",
    "e": "e",
    "o": "o",
}


def to_wade_giles(syllable: str) -> str:
    """A plain pinyin syllable in Wade-Giles as people type it (no apostrophe, no umlaut)."""
    if syllable in _WHOLE:
        return _WHOLE[syllable]
    initial, final = "", syllable
    for pinyin, wade in _INITIALS:
        if syllable.startswith(pinyin):
            initial, final = wade, syllable[len(pinyin) :]
            break
    if not initial:
        return syllable  # a syllable without initial (a, ai, an, ang, ao, ou, en, eng, ...)
    if final == "e":
        final = "o" if syllable[0] in "gkh" else "e"  # ge/ke/he -> ko/k'o/ho; de/te/zhe -> te/t'e/che
    elif final == "uo" and syllable[0] not in "gkh" and not syllable.startswith("sh"):
        final = "o"  # duo -> to, zhuo -> cho; guo -> kuo, huo, shuo keep it
    elif final == "ui" and syllable[0] in "gk":
        final = "uei"  # gui -> kuei, kui -> k'uei
    elif final.endswith("ong"):
        final = final[:-3] + "ung"  # dong -> tung, xiong -> hsiung
    elif final == "ian":
        final = "ien"
    elif final in ("ie", "ue"):
        final += "h"  # xie -> hsieh, xue (xüe) -> hsüeh
    return initial + final


@cache
def readings() -> dict[str, tuple[str, ...]]:
    """Each Wade-Giles spelling -> the pinyin syllables it may be ("chin" -> jin, qin)."""
    from redlist.match.chinese_names import _syllables

    out: dict[str, set[str]] = {}
    for syllable in _syllables():
        out.setdefault(to_wade_giles(syllable), set()).add(syllable)
    out.setdefault("szu", set()).add("si")  # si is written ssu and szu
    return {wade: tuple(sorted(pinyin)) for wade, pinyin in out.items()}


@lru_cache(maxsize=caches.PINYIN)
def pinyin_readings(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """A name of two to four Wade-Giles syllables (folded, one a word) read as pinyin, every way it
    may be read; none when a word is no Wade-Giles syllable or when every word is a pinyin syllable
    already (the name is pinyin, or as much pinyin as Wade-Giles: "Li Peng")."""
    if not 2 <= len(tokens) <= 4:
        return ()
    table = readings()
    from redlist.match.chinese_names import _syllables

    options = [table.get(t) for t in tokens]
    if any(o is None for o in options) or all(t in _syllables() for t in tokens):
        return ()
    out: list[tuple[str, ...]] = []
    for reading in product(*(o for o in options if o is not None)):
        if reading != tokens:
            out.append(reading)
        if len(out) == MAX_READINGS:
            break
    return tuple(out)


def wade_giles_forms(base: Sequence[NameForm]) -> list[NameForm]:
    """Extra forms of a person's name written in Wade-Giles: its pinyin readings ("hsi chin ping"
    -> "xi jin ping", "xi qin ping", ...), each with the word weights of the name it reads. ``[]``
    for other names (a company's "Hon Hai" is its own brand, not a romanisation to undo)."""
    out: list[NameForm] = []
    for f in base:
        if f.kind in ("person", "any") and f.via == "name":
            out.extend(
                NameForm(f.text, reading, f.weights, f.legal_forms, "wade-giles", f.kind)
                for reading in pinyin_readings(f.tokens)
            )
    return out
