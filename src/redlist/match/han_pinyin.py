"""Plain pinyin of Han characters and words, from compact copies of pypinyin's two tables.

Importing pypinyin builds its tables as Python objects: about 50 MB (the phrase table, 47,111
words as lists of lists of toned strings, 35 MB; its segmenter's prefix set, 7 MB; the character
table, 4 MB) in every process that reads one Han name, and in every server worker that reads them
(CPython writes the reference counts of the objects it reads, so a forked worker copies their
pages). redlist needs only the first reading of each character and of each syllable of a phrase,
without tones: ``data/han_chars.csv`` and ``data/han_phrases.csv`` keep just that (written by
:func:`write` from pypinyin; a test checks they agree with it), loaded into an array of syllable
numbers indexed by code point and a dict of the phrases, of which only a few thousand have a
reading of their own. The others read as their characters do; they are kept because
:func:`redlist.match.cjk.pinyin_syllables` matches phrases greedily, longest first, and a phrase
read as its characters still decides where the next one may start.
"""

from __future__ import annotations

import sys
import unicodedata
from array import array
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

__all__ = ["Tables", "tables", "plain", "derive", "write"]

CHARS_FILE = "han_chars.csv"
PHRASES_FILE = "han_phrases.csv"

_HEADER = (
    "# {what}.\n"
    "# Derived from pypinyin by redlist.match.han_pinyin.derive; do not edit by hand: regenerate with\n"
    "#   python -c \"from redlist.match.han_pinyin import write; write('src/redlist/match/data')\"\n"
    "# when pypinyin changes (tests/test_han_pinyin.py checks that the files are up to date).\n"
)
_CHARS_WHAT = (
    "The first reading of every Han character pypinyin knows, plain (no tones, u for u-umlaut):\n"
    "# one row per syllable, with every character read so (the others read as nothing)"
)
_PHRASES_WHAT = (
    "Every word of pypinyin's phrase table with the first plain reading of each syllable;\n"
    "# an empty pinyin means the word reads as its characters do (their first readings)"
)


class Tables(NamedTuple):
    """The loaded tables (see the module docstring)."""

    #: every plain syllable; number 0 is "" (a character without a reading)
    syllables: tuple[str, ...]
    #: the lowest code point of :attr:`numbers`
    first: int
    #: the number of each code point's first syllable, from :attr:`first` on
    numbers: array[int]
    #: phrase -> its syllables, or () when it reads as its characters do
    phrases: dict[str, tuple[str, ...]]
    #: the length of the longest phrase
    longest: int

    def char(self, char: str) -> str:
        """The plain first reading of one character ("" when it has none)."""
        i = ord(char) - self.first
        return self.syllables[self.numbers[i]] if 0 <= i < len(self.numbers) else ""


@lru_cache(maxsize=4096)
def plain(syllable: str) -> str:
    """A toned pinyin syllable as plain ASCII: tone marks dropped, ü → u."""
    decomposed = unicodedata.normalize("NFKD", syllable)
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


def _data(name: str) -> Path:
    # the package's own folder, as normalize._rows reads it (importlib.resources costs start-up time)
    return Path(__file__).resolve().parent / "data" / name


def _lines(name: str) -> list[str]:
    text = _data(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")][1:]  # no header row


@cache
def tables() -> Tables:
    """The two tables, read once."""
    by_syllable = [line.split(",") for line in _lines(CHARS_FILE)]
    syllables = ("", *(sys.intern(s) for s, _ in by_syllable))
    points = [(ord(c), n) for n, (_, chars) in enumerate(by_syllable, 1) for c in chars]
    first = min(p for p, _ in points)
    numbers = array("H", bytes(2 * (max(p for p, _ in points) - first + 1)))
    for point, n in points:
        numbers[point - first] = n
    phrases: dict[str, tuple[str, ...]] = {}
    for line in _lines(PHRASES_FILE):
        word, _, reading = line.partition(",")
        phrases[word] = tuple(map(sys.intern, reading.split())) if reading else ()
    return Tables(syllables, first, numbers, phrases, max(map(len, phrases)))


def derive() -> tuple[dict[str, str], dict[str, str]]:
    """From pypinyin: plain first reading of every character (character -> syllable), and of
    every phrase whose reading has one syllable a character (phrase -> syllables separated by
    spaces, "" when they are its characters' own first readings)."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    chars = {chr(point): plain(readings.split(",", 1)[0]) for point, readings in pinyin_dict.items()}
    phrases: dict[str, str] = {}
    for word, reading in phrases_dict.items():
        if len(reading) != len(word):  # never taken for a phrase by the segmentation
            continue
        syllables = [plain(r[0]) for r in reading]
        phrases[word] = "" if syllables == [chars.get(c, "") for c in word] else " ".join(syllables)
    return chars, phrases


def write(folder: str) -> None:
    """Write :func:`derive` to ``folder``/han_chars.csv and han_phrases.csv."""
    chars, phrases = derive()
    by_syllable: dict[str, list[str]] = {}
    for char, syllable in sorted(chars.items()):
        if syllable:  # no row for the characters without a reading: they read as ""
            by_syllable.setdefault(syllable, []).append(char)
    with open(Path(folder) / CHARS_FILE, "w", encoding="utf-8", newline="\n") as out:
        out.write(_HEADER.format(what=_CHARS_WHAT) + "pinyin,chars\n")
        out.writelines(f"{s},{''.join(cs)}\n" for s, cs in sorted(by_syllable.items()))
    with open(Path(folder) / PHRASES_FILE, "w", encoding="utf-8", newline="\n") as out:
        out.write(_HEADER.format(what=_PHRASES_WHAT) + "phrase,pinyin\n")
        out.writelines(f"{w},{r}\n" for w, r in sorted(phrases.items()))
