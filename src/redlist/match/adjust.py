"""Adjustments of a name score for what the name is: an alias, a common name, a Chinese personal name.

The scorer (:mod:`redlist.match.score`) compares the words of two names; the screener then weighs
what kind of names met:

- OFAC weak a.k.a.s and one-word aliases count less: alone, they never make a full-score match;
- a listed person's name met only by common names (words many listed people bear, counted over
  the list's own person names at index time: an IDF-style weight, :mod:`redlist.match.weights`)
  while the list name has a word the query lacks, counts less;
- an organisation's name met only on words common in the listed organisations' names ("general",
  "electronics", "holding"), while a distinctive word of either name goes unmet, counts less;
- an organisation's name whose distinctive words are met only by a typo in a short word
  ("Cemex" / "CIMEX") counts less;
- a Chinese personal name is held to its syllables (:mod:`redlist.match.chinese_names`);
- an untyped query shaped like a person's name meets organisations, vessels and aircraft at a
  lower score (:func:`person_shaped`);
- a two-word person's name whose one word is another listed name one consonant off
  ("Barakat" / "BARAKA") counts less (:func:`other_name_typo`);
- a query meeting neither a listed person's first given name nor their first surname ("Ali
  Rashid" / "Gholam Ali RASHID") counts less (:func:`unmet_anchors`);
- an organisation's name whose one distinctive word of up to 8 letters is met only with a typo,
  while the listed name has more words ("Walmart" / "WELMART GROUP"), counts less
  (:func:`short_fuzzy_only`).
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from redlist.match import caches
from redlist.match.chinese_names import (
    han_name_keys,
    pinyin_name_keys,
    pinyin_syllables_only,
    same_name,
    spelt_in,
)
from redlist.match.normalize import NameForm, _words, fold
from redlist.match.score import Comparison
from redlist.match.weights import WordCounts
from redlist.model import NameType

WEAK_ALIAS_FACTOR = 0.8  # OFAC: weak a.k.a.s are not to be screened alone
#: A one-word alias ("GARCIA", "HAJJI", "AVIC") alone is never a full-score match: by kind.
ONE_WORD_ALIAS_FACTOR = {"person": 0.8}
ONE_WORD_ALIAS_OTHER = 0.9

#: A person's name met only on common names while the list name has a word the query lacks
#: ("José García" against "JOSE LUIS GARCIA") counts less, by how common the rarest word met is
#: among the listed persons' names: (share of them holding it, factor), most common first. Very
#: common names (0.2 %, 43 of some 21,600 names: "jose" 200, "garcia" 66) take two words of
#: three under the threshold; names borne by a few listed persons (0.01 %, three names: the
#: lists' persons are few and of a few regions, "clark" and "semenov" are rare there) take half
#: a name or less under it. A matching qualifier (date of birth, nationality) lifts them again.
COMMON_ONLY_FACTORS = ((0.002, 0.8), (0.0001, 0.85))
#: An organisation's name met only on generic words, with a distinctive word unmet, counts this much.
GENERIC_ONLY_FACTOR = 0.85
#: A distinctive word this long or shorter, met only with a typo, is weak evidence ("Cemex" / "CIMEX").
SHORT_WORD = 6
#: ... a query whose one distinctive word is met only so counts this much against an organisation.
SHORT_FUZZY_FACTOR = 0.9
#: A two-word person's name with one word another listed name one consonant off ("Ali Barakat"
#: / "Ali BARAKA", "Ali Awad" / "Ali ASWAD"), the other word a common name, counts this much:
#: that word is a different name, not a typo of it.
OTHER_NAME_TYPO_FACTOR = 0.75
#: ... the other word "common": borne by at least this share of the listed persons' names (0.1 %,
#: some 21 names: "ali" 792, "mansour" 32, "barakat" 21).
VERY_COMMON_SHARE = 0.001
#: ... and a "short" word: this long or shorter (long names one letter apart are mostly typos).
OTHER_NAME_WORD = 7

#: ... or a distinctive word up to this long met only with a typo when the listed name also has
#: words the query lacks ("Walmart" / "WELMART GROUP"): two differences, a misspelling and a
#: shorter name, make a different company more likely than one misspelt.
SHORT_WORD_MORE_WORDS = 8

#: A listed person's first given name or (first) surname that the query does not meet counts
#: this much: people are known by their first given name and their surname, and leave out a
#: middle name, a second surname or a patronymic ("Diego PEREZ" for "Diego PEREZ HENAO"); a
#: query without the first given name or the surname names someone else ("Ali Rashid" is not
#: "Gholam Ali RASHID", "Ibrahim Suleiman" is the father in "Mohamed Ibrahim SULEIMAN", "Pedro
#: Martinez" is not "Pedro CARDONA MARTINEZ", whose surname is Cardona).
ANCHOR_UNMET_FACTOR = 0.85
#: Name suffixes that are neither a given name nor a surname.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Words that make one name with the word after them ("Abdel Hamid", "Abu Anas"), like particles.
_NAME_PREFIXES = frozenset({"abd", "abdul", "abu", "umm"})

#: An untyped query shaped like a person's name ("GAO, Li", 郭伟, "Maria Gomez") against an
#: organisation, vessel or aircraft counts this much: a person is not a company, but an
#: untyped query may still name one, so the match is lowered rather than dropped.
PERSON_SHAPED_OTHER_FACTOR = 0.8
#: The most words a name read as a person's by its words alone may have.
PERSON_SHAPED_WORDS = 3


def common_only(comparison: Comparison, counts: WordCounts) -> tuple[float, str] | None:
    """The factor for a person's name match resting only on common names, and why; None if it does not.

    Every word of the list name met is common among the listed persons' names (a document
    frequency counted at index time, :mod:`redlist.match.weights`), and the list name has a word
    of its own that the query lacks: "José García" against "JOSE LUIS GARCIA" is one of many
    namesakes. Initials and particles ("al", "bin") left unmet do not count.
    """
    if not comparison.pairs:
        return None
    met = {c for _, c, _ in comparison.pairs}
    # a word met with a typo is common when either spelling is ("joaquin" met "Joaguin", a
    # misspelt alias of the list)
    least = min(max(counts.counts.get(q, 0), counts.counts.get(c, 0)) for q, c, _ in comparison.pairs)
    if least < 2:
        return None
    share = least / counts.names
    factor = next((f for floor, f in COMMON_ONLY_FACTORS if share >= floor), None)
    if factor is None:
        return None
    candidate = comparison.candidate
    unmet = [
        t
        for t, w in zip(candidate.tokens, candidate.weights, strict=True)
        # not an initial, a particle, nor part of a word met joined ("abd" of "abdal")
        if t not in met and len(t) > 1 and w >= 0.5 and not any(t in m for m in met)
    ]
    if not unmet:
        return None
    words = ", ".join(sorted(met))
    return factor, f"only common name words met: {words}; listed name also has {', '.join(unmet)}"


def other_name_typo(comparison: Comparison, counts: WordCounts) -> str | None:
    """Why a two-word person's name match rests on a different short name one letter off, or None.

    "Ali Barakat" against "Ali BARAKA": "ali" is borne by hundreds of listed persons, and
    "barakat" is not a typo of "baraka" but a name of its own (other listed persons bear it);
    "Khalid Mansour" against "Khalil MANSUR" likewise (khalid/khalil). Applies when two words
    are met, one of them one consonant from the list's word (a vowel or a doubled letter apart is
    a romanisation, :func:`_consonant_edit`), in words of :data:`OTHER_NAME_WORD` letters or
    fewer, the query's word is borne by listed persons (a typo seldom makes a real name), and
    the other word is a common name (:data:`VERY_COMMON_SHARE`). With three words or more met,
    the rest of the name says more than one letter.
    """
    other = [
        (q, c)
        for q, c, _ in comparison.pairs
        if q != c
        and 3 <= len(q) <= OTHER_NAME_WORD
        and len(c) <= OTHER_NAME_WORD
        and counts.counts.get(q, 0) >= 2  # a name listed persons bear: a typo seldom makes one
        and _consonant_edit(q, c)
    ]
    if len(other) != 1 or len(comparison.pairs) != 2:  # more words met equal: one person
        return None
    word, listed = other[0]
    least = VERY_COMMON_SHARE * counts.names
    if any(counts.counts.get(q, 0) < least for q, _, _ in comparison.pairs if q != word):
        return None
    return f"{word} is a name of its own, not a typo of {listed}; the other word is a common name"


def _consonant_edit(a: str, b: str) -> bool:
    """Whether two words are one consonant apart (added, dropped or changed): a vowel or a
    doubled letter apart is how romanisations of one name differ ("Hussein" / "Hussain",
    "Ahmad" / "Ahmed", "Hassan" / "Hasan")."""
    ops = Levenshtein.editops(a, b).as_list()
    if len(ops) != 1:
        return False
    tag, src, dest = str(ops[0][0]), int(ops[0][1]), int(ops[0][2])
    if tag == "replace":
        return a[src] not in _VOWELS and b[dest] not in _VOWELS
    # added or dropped: the longer word's letter, unless it doubles a neighbour ("Hassan" / "Hasan")
    longer, pos = (b, dest) if tag == "insert" else (a, src)
    ch = longer[pos]
    doubled = (pos > 0 and longer[pos - 1] == ch) or (pos + 1 < len(longer) and longer[pos + 1] == ch)
    return ch not in _VOWELS and not doubled


_VOWELS = frozenset("aeiouy")


def short_fuzzy_only(comparison: Comparison, common: frozenset[str]) -> str | None:
    """Why an organisation's name match rests on one short word met with a typo, or None.

    "Cemex" against "CIMEX", "Canon Inc." against "CANCON": one letter apart in a five-letter
    word is how many different short names look; in a long word, or with other words of the
    name met too, it is how a name is misspelt. Applies when the query has one distinctive word
    (not common in listed organisations' names, not down-weighted by ``name_words.csv``), of
    :data:`SHORT_WORD` letters or fewer, met only with a typo.
    """
    query = comparison.query
    distinctive = [
        t for t, w in zip(query.tokens, query.weights, strict=True) if w >= 0.5 and t not in common
    ]
    if len(distinctive) != 1:
        return None
    word = distinctive[0]
    met = [(q, c, sim) for q, c, sim in comparison.pairs if q == word]
    if not met:
        return None
    _, listed, sim = met[0]
    longest = max(len(word), len(listed))
    if sim >= 1.0 or longest > SHORT_WORD_MORE_WORDS:
        return None
    if longest <= SHORT_WORD:
        return f"its one distinctive word met only with a typo in a short word: {word}/{listed}"
    met_c = {c for _, c, _ in comparison.pairs}
    if any(t not in met_c for t in comparison.candidate.tokens):
        return f"its one distinctive word met only with a typo, and the listed name has more words: {word}/{listed}"
    return None


def generic_only(comparison: Comparison, common: frozenset[str]) -> bool:
    """True when two organisation names met only on common words and one has an unmet uncommon word.

    "General Electric Company" against "JIANGSU CATOFISH GENERAL ELECTRIC CO LTD": both words met
    are borne by many listed organisations; "Jiangsu Catofish" is what names the listed one.
    """
    if not comparison.pairs or any(c not in common for _, c, _ in comparison.pairs):
        return False
    met_q = {q for q, _, _ in comparison.pairs}
    met_c = {c for _, c, _ in comparison.pairs}
    loose_q = [t for t in comparison.query.tokens if t not in met_q]
    loose_c = [t for t in comparison.candidate.tokens if t not in met_c]
    return _distinctive(loose_q, loose_c, common) or _distinctive(loose_c, loose_q, common)


def _distinctive(loose: list[str], other: list[str], common: frozenset[str]) -> bool:
    """An unmet word that is not common and not one typo from an unmet word of the other name ("ans"/"and")."""
    return any(t not in common and all(Levenshtein.distance(t, u) > 1 for u in other) for t in loose)


def unmet_anchors(comparison: Comparison) -> list[str]:
    """The listed person's first given name and (first) surname that the query does not meet.

    The parts of a list name are read from how the lists write it: OFAC writes the surname in
    capitals after the given names ("Miguel TREVINO MORALES": given name Miguel, surnames Trevino
    and Morales, the first of which is the family name). A name written all in one case says
    only which word is the first given name. A written word is met when any of its parts is
    ("Abdul-Malik", "Martinez-Carrillo"); a lone particle goes with the word after it ("AL
    JEBRY", "ABDEL HAMID"). Names compared as a whole string (words joined or split) are not read so.
    """
    if comparison.method != "tokens":
        return []
    met = {c for _, c, _ in comparison.pairs}
    # a word of the list name joined with the next to meet the query ("SAMPATHSUNDAR") is met
    joined = [c for c in met if c not in comparison.candidate.tokens]
    return [
        "/".join(sorted(group))
        for group in name_anchors(
            comparison.candidate.text, comparison.candidate.tokens, comparison.candidate.weights
        )
        if not group & met and not any(t in c for t in group for c in joined)
    ]


@lru_cache(maxsize=caches.NAME_ANCHORS)
def name_anchors(
    text: str, tokens: tuple[str, ...], weights: tuple[float, ...]
) -> tuple[frozenset[str], ...]:
    """The words of a listed person's name that a query naming them holds: the first given name
    and, when the casing says which it is, the first surname (see :func:`unmet_anchors`)."""
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    capitals = [_capitals(w) for w in words]
    if any(capitals) and not all(capitals):
        first = capitals.index(True)
        if first > 0 and all(capitals[first:]):  # "Given Names SURNAME SURNAME"
            given = _word_groups(words[:first], tokens, weights)
            surname = _word_groups(words[first:], tokens, weights)
            return tuple(group[0] for group in (given, surname) if group)
    groups = _word_groups(words, tokens, weights)
    return (groups[0],) if len(groups) > 1 else ()


def _capitals(word: str) -> bool:
    letters = [c for c in word if c.lower() != c.upper()]
    return bool(letters) and all(c.isupper() for c in letters)


def _word_groups(
    words: list[str], tokens: tuple[str, ...], weights: tuple[float, ...]
) -> list[frozenset[str]]:
    """The name's tokens, one group per written word; a lone particle joins the next word."""
    strong = {t for t, w in zip(tokens, weights, strict=True) if w >= 0.5 and len(t) > 1}
    light = {t for t, w in zip(tokens, weights, strict=True) if w < 0.5}
    variants = _words().person_variants  # "el" is "al", "abdel" is "abdul" in the name's form
    out: list[frozenset[str]] = []
    pending: set[str] = set()
    for word in words:
        folded = [variants.get(t, t) for t in fold(word).split()]
        parts = [t for t in folded if (t in strong or t in light) and t not in _SUFFIXES]
        if not parts:
            continue  # a title ("Hajji"), an initial, a suffix ("Jr.")
        if all(t in light or t in _NAME_PREFIXES for t in parts):
            pending.update(parts)
            continue
        out.append(frozenset(pending.union(parts)))
        pending = set()
    return out


def person_shaped(
    name: str, query: NameForm, common_person: frozenset[str], han_parts: tuple[str, str] | None
) -> bool:
    """Whether an untyped query reads as a person's name rather than an organisation's.

    ``name`` is the query as typed, ``query`` its person form (no legal form in it: a name with
    one is read as a company before this). A person's name is: "LAST, First" (one comma, a few
    words either side); a Han-script surname and given name (``han_parts``, see
    :func:`redlist.match.cjk.personal_name`); a pinyin personal name ("Ping Sun", "Qiang Gao");
    or two or three words that are all names listed persons bear (``common_person``, counted at
    index time: "Maria Gomez", "Ali Issa").
    """
    if han_parts is not None:
        return True
    tokens = query.tokens
    if not 2 <= len(tokens) <= PERSON_SHAPED_WORDS + 1 or not all(t.isalpha() for t in tokens):
        return False
    words = _words()
    if any(t in words.org and t not in words.person for t in tokens):
        return False  # an organisation's word ("Kish Airlines, Headquarters")
    if name.count(",") == 1:
        last, first = name.split(",")
        return (
            1 <= len(last.split()) <= PERSON_SHAPED_WORDS and 1 <= len(first.split()) <= PERSON_SHAPED_WORDS
        )
    if len(tokens) > PERSON_SHAPED_WORDS:
        return False
    return pinyin_name_keys(tokens) is not None or all(t in common_person for t in tokens)


def alias_factor(name_type: str, candidate: NameForm, kind: str) -> float:
    """Weak aliases and one-word aliases count less: alone, they never make a full-score match."""
    factor = WEAK_ALIAS_FACTOR if name_type == NameType.WEAK else 1.0
    if len(candidate.tokens) == 1 and name_type != NameType.PRIMARY:
        factor *= ONE_WORD_ALIAS_FACTOR.get(kind, ONE_WORD_ALIAS_OTHER)
    return factor


def same_chinese_name(
    han_parts: tuple[str, str] | None,
    query: NameForm,
    candidate: NameForm,
    kind: str,
    person_query: bool = False,
) -> bool:
    """False when a Chinese personal name meets a list name that is not its syllables in an allowed order.

    A Han-script personal name is held to its pinyin surname and given name (either way round)
    against a person's names, and must be spelt out in an organisation's name (华为 in "Huawei
    Technologies"); a pinyin personal name is held so against list names that are pinyin personal
    names themselves. Other pairs are left to the scorer (True).

    ``person_query``: the query, untyped, reads as a person's name
    (:func:`person_shaped`); then a list name that is a pinyin personal name is held to the
    syllables whatever the entry's type ("Zhao Gang" listed as an organisation), and a Han-script
    personal name must be the whole of an organisation's name ("Guowei", not "Guowei Group").
    """
    # a list entry of no known type counts as a person when its name is a pinyin personal name
    personal = kind == "person" or (
        (kind == "any" or person_query) and pinyin_name_keys(candidate.tokens) is not None
    )
    if han_parts is not None:
        if personal or person_query:
            return same_name(han_name_keys(*han_parts), candidate.tokens)
        return spelt_in("".join(han_parts), candidate.tokens)
    if not personal or query.via != "name":
        return True
    keys = pinyin_name_keys(query.tokens)
    if keys is None:
        return True
    # a list name of pinyin syllables only is a Chinese name even with no common surname at
    # either end ("LI, Ping" is not "PING LI JING": a given name cut short)
    if pinyin_name_keys(candidate.tokens) is None and not pinyin_syllables_only(candidate.tokens):
        return True
    return same_name(keys, candidate.tokens)
