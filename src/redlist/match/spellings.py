"""Other spellings of a name, tried beside its forms: what a writing habit changed, undone.

Each is a form of the name as it might have been written the lists' way, made only when the name
shows the habit, and named by its ``via`` in the match explanation:

- ``wade-giles``: a Chinese name in Wade-Giles read as pinyin ("Hsi Chin-ping" -> xi jin ping;
  :mod:`redlist.match.wade_giles`);
- ``initials``: a person's given names written as run-together initials ("JC Juncker", "J.C."
  folds to "jc"): a word of two or three letters without a vowel is no name, so its letters are
  initials, scored as initials are;
- ``katakana``: a name transliterated from Japanese katakana without the vowel katakana adds after
  a final consonant ("バラク" is "baraku" for Barack, "ロバート" "robato" for Robert).

The screener tries them for the query only (the index keeps the list names' own forms), and
:func:`redlist.screen.compare` for both names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from redlist.match.normalize import NameForm, legal_word
from redlist.match.wade_giles import wade_giles_forms

_VOWELS = frozenset("aeiouy")
_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
#: A final syllable of a katakana name that is a consonant and the vowel katakana writes after it:
#: u after most consonants, o after t and d (Hepburn: "Robert" robato, "Donald" donarudo).
_ADDED_VOWEL = re.compile(r"(?:(?<=[bfgkmprsz])u|(?<=[td])o)$")


def other_spellings(base: Sequence[NameForm]) -> list[NameForm]:
    """The extra forms of a name that its writing habits suggest (often none)."""
    out = wade_giles_forms(base)
    for f in base:
        if f.kind not in ("person", "any"):
            continue
        if f.via == "name" and len(f.tokens) > 1:
            split = initials_form(f)
            if split is not None:
                out.append(split)
        elif f.via == "transliteration" and _KATAKANA.search(f.text):
            plain = katakana_form(f)
            if plain is not None:
                out.append(plain)
    return out


def initials_form(f: NameForm) -> NameForm | None:
    """A person's name with a word of two or three consonants split into initials ("jc juncker"
    -> "j c juncker"); None when it has no such word, or only such words ("JFK" alone stays one),
    or when a word is a legal form's (an untyped "Harbor Ceramics LLC" read as a person's name)."""
    if not any(_consonants(t) for t in f.tokens) or all(_consonants(t) for t in f.tokens):
        return None
    if any(legal_word(t) for t in f.tokens):
        return None
    tokens: list[str] = []
    weights: list[float] = []
    for t, w in zip(f.tokens, f.weights, strict=True):
        if _consonants(t):
            tokens.extend(t)
            weights.extend([0.5] * len(t))  # an initial's weight (normalize._weight)
        else:
            tokens.append(t)
            weights.append(w)
    return NameForm(f.text, tuple(tokens), tuple(weights), f.legal_forms, "initials", f.kind)


def _consonants(token: str) -> bool:
    return 2 <= len(token) <= 3 and token.isalpha() and not _VOWELS.intersection(token)


def katakana_form(f: NameForm) -> NameForm | None:
    """A katakana name's words without the vowel added after a final consonant ("baraku obama"
    -> "barak obama"); None when no word ends so."""
    tokens = tuple(_ADDED_VOWEL.sub("", t) if len(t) > 3 else t for t in f.tokens)
    if tokens == f.tokens:
        return None
    return NameForm(f.text, tokens, f.weights, f.legal_forms, "katakana", f.kind)
