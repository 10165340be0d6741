"""Scoring two name forms: token alignment with typo, initial and transliteration tolerance.

The score of two names is how much of each name's weight is met by the other, token by token
(order does not matter: "LAST, First" = "First Last"), with every token pair scored by an edit
similarity that allows one typo in four letters, initials, and consonant-skeleton equality for
transliteration variants (Mohammed / Muhammad). The shorter name must be covered almost whole;
words missing from the longer one (a middle name, "Trading") cost less. Legal forms never add to
the score: they are compared apart and only reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import ratio

from redlist.match import caches
from redlist.match.normalize import (
    NameForm,
    abbreviated,
    legal_form_names,
    legal_form_words,
    nicknames,
    particle_spelling,
    place_words,
)

#: How much of the longer name's weight counts, by kind: person names often lack middle names.
#: How much the list name's coverage counts, by kind: a query without the middle name still
#: finds a person; extra words in the query (a different company) cost the full share.
_LIST_SHARE = {"person": 0.45, "organization": 0.35, "any": 0.35, "vessel": 0.35, "aircraft": 0.35}
_ROMAN = frozenset({"ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "xiii", "xiv", "xv", "xx"})
_NUMBERED_SIBLING = 0.6  # "Trust 2004-1" / "Trust 2004-2", "Fund VII" / "Fund VIII": related, flagged lower
_NICKNAME = 0.9
_INITIAL = 0.6
_ABBREVIATION = 0.8
#: The most a pair of names sharing one word can score when one has more words (below any threshold).
ONE_WORD_CAP = 0.6
_TWO_SLIPS_LEN = 7  # from seven letters a word may carry two slips that keep its first two letters
_SHORT_SLIP = 0.5  # a changed letter in a word of two or three letters
#: ... when the query's word is no word of any listed name: a typo, not another short name ("Jm
#: Chu" / "JIM CHU"; "Ari Hassan" / "ALI HASSAN" stays 0.5: "ari" is a listed name's word)
_SHORT_TYPO = 0.6
_MIN_TOKEN_SIM = 0.75  # one typo in a four-letter word; "Ahmed" / "Mohamed" (0.71) stay apart
_CONFLICT = 1.0  # cost of words on both sides that the other lacks, per share of the name
_NUMBER_FACTOR = 0.9  # "Fund II" vs "Fund" or "Trust 2004-1" vs "2004-2": likely related, not the same
_WHOLE_MIN = 0.9  # joined-string similarity needed when the names split into words differently
#: Two words sharing their consonants are romanisations of one name ("Yusuf" / "Yousef", letter
#: by letter 0.67; "Hussein" / "Husayn" 0.57) only while they stay this close letter by letter;
#: further apart, the shared consonants are a coincidence ("Jaber" / "Jubouri", 0.43).
_SKELETON_FLOOR = 0.55


@dataclass(frozen=True, slots=True)
class Comparison:
    """The score of one query form against one list form, and why."""

    score: float
    pairs: tuple[tuple[str, str, float], ...]  # (query token, list token, similarity)
    query_coverage: float
    list_coverage: float
    method: str  # "tokens" or "whole string"
    query: NameForm
    candidate: NameForm
    rules: tuple[str, ...] = ()  # the spelling and structure rules that changed this score


_DROP_VOWELS = str.maketrans("", "", "aeiouy")
_TRANSLIT = 0.9  # two romanisations of one name ("Ivanoff" / "Ivanov", "Saeed" / "Said")
_BEN_BIN = frozenset({"ben", "bin"})
#: Spellings that romanisation schemes use for one sound, rewritten alike (longest first).
_SPELLINGS = (
    ("shch", "sh"),
    ("dzh", "j"),
    ("kh", "h"),
    ("ph", "f"),
    ("dj", "j"),
    ("zh", "j"),
    ("ks", "x"),
    ("ou", "u"),
    ("ee", "i"),
    ("iy", "i"),
)
_ENDINGS = (("off", "ov"), ("eff", "ev"), ("iy", "i"), ("ij", "i"), ("yj", "i"), ("ii", "i"))
_ENDING_FORMS = tuple(old for old, _ in _ENDINGS)
_DOUBLE = re.compile(r"(.)\1+")
#: ``_DOUBLE``'s replacement, the letter once: a C call per match (a template string such as
#: r"\1" is parsed by Python code on every call of ``sub``, a tenth of a new word's key)
_FIRST_GROUP = itemgetter(1)
#: j after a vowel and before none is the glide y in Baltic, Slavic and German spellings ("Sergej" /
#: "Sergey", "Nikolaj" / "Nikolay")
_GLIDE_J = re.compile(r"(?<=[aeiou])j(?![aeiou])")
#: a nominative -s after a consonant: Latvian and Lithuanian spellings of foreign names
#: ("Lavrovs" / "Lavrov", "Sergejs" / "Sergej")
_BALTIC_S = re.compile(r"(?<=[bcdfghjklmnprtvz])s$")


@lru_cache(maxsize=caches.WORD_KEYS)
def translit_key(token: str) -> str:
    """One spelling for a name's romanisations: kh/h, ph/f, zh/dzh/dj/j, x/ks, ou/u, ee/i, y/i,
    double letters, the endings -off/-ov, -iy/-ij/-y ("Kozloff" / "Kozlov", "Zhijen" / "Zhizhen"),
    a Baltic -s and a j after a vowel ("Sergejs Lavrovs" / "Sergey Lavrov")."""
    if len(token) > 5:
        token = _BALTIC_S.sub("", token)
    if "j" in token:
        token = _GLIDE_J.sub("y", token)
    if token.endswith(_ENDING_FORMS):
        for old, new in _ENDINGS:
            if token.endswith(old) and len(token) > len(old) + 2:
                token = token[: -len(old)] + new
                break
    for old, new in _SPELLINGS:
        if old in token:
            token = token.replace(old, new)
    # y as i only after the double letters went: "Mying" is not "Ming"
    return _DOUBLE.sub(_FIRST_GROUP, token).replace("y", "i")


@lru_cache(maxsize=caches.WORD_KEYS)
def skeleton(token: str) -> str:
    """Consonant skeleton: transliteration variants of one name often share it (mhmd, ysf)."""
    rest = token[1:].translate(_DROP_VOWELS)
    out = token[0]
    for c in rest:
        if c != out[-1]:
            out += c
    return out


#: Endings of East Slavic patronymics ("Oleksandrovych", "Fedorovna", "Ivanovich").
_PATRONYMIC = ("ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "yevna")


def patronymic_pair(a: str, b: str) -> bool:
    """Whether one word is the patronymic made from the other's stem: a given name or surname
    against a father's name is another name ("Oleksandr" / "Oleksandrovych", "Fedorova" /
    "Fedorovna", "Ivanov" / "Ivanovich"), though it begins alike. A slip in the patronymic keeps
    it one ("Viktorovich" / "Viktorovih" is no pair: the stem leaves too much over); so may a
    dropped letter ("Ivanvna"), which is why :func:`_align` asks this only of a first or last word."""
    for name, father in ((a, b), (b, a)):
        if not father.endswith(_PATRONYMIC) or name.endswith(_PATRONYMIC):  # (most pairs: no call below)
            continue
        ending = next(e for e in _PATRONYMIC if father.endswith(e))
        stem = father[: -len(ending)]
        if len(stem) >= 3 and name.startswith(stem) and len(name) - len(stem) <= 3:
            return True
    return False


def _digit_shape(token: str) -> str:
    """A token with its digits blanked: "ahl1" and "ahl2" have one shape, "2004" and "2005" another."""
    return "".join("9" if c.isdigit() else c for c in token)


@lru_cache(maxsize=caches.TOKEN_PAIRS)
def token_similarity(a: str, b: str) -> float:
    """Similarity of two folded tokens in [0, 1]; 0 below the point where they could be the same word."""
    if a == b:
        return 1.0
    short = nicknames()
    if short.get(a, a) == short.get(b, b):  # "Ted" / "Theodore", "Bill" / "William"
        return _NICKNAME
    if a in _BEN_BIN and b in _BEN_BIN:  # the Maghrebi spelling of the particle ("Isa Ben Tarif")
        return _TRANSLIT
    if (a in _ROMAN or b in _ROMAN) and (a in _ROMAN or a in "ivx") and (b in _ROMAN or b in "ivx"):
        return _NUMBERED_SIBLING  # "Fund VII" / "Fund VIII", "Partners IV" / "Partners V"
    if not (a.isalpha() and b.isalpha()):
        # numbers and codes: another number is a sibling, not a typo; one digit too ("Snow Storm
        # 1" / "Snow Storm 2"), which is no initial
        return _NUMBERED_SIBLING if _digit_shape(a) == _digit_shape(b) else 0.0
    len_a, len_b = len(a), len(b)
    if len_a == 1 or len_b == 1:  # an initial meets a name (scored for person names only)
        return _INITIAL if a[0] == b[0] else 0.0
    key_a = key_b = ""
    if a[0] == b[0]:
        key_a, key_b = translit_key(a), translit_key(b)
        if key_a == key_b:  # "Ivanoff" / "Ivanov", "Saeed" / "Said", "Jong-uun" / "Jong-un"
            return _TRANSLIT
    shorter = len_a if len_a < len_b else len_b
    if shorter <= 3:
        # a three-letter word takes one typo only as a dropped letter or two swapped ones
        # ("Nam"/"Nm", "Ali"/"Ail", "Said"/"Sad"); a changed letter makes another name ("Ali"/"Ari")
        if OSA.distance(a, b) != 1:
            return 0.0
        if shorter == 3 and (len_a != len_b or sorted(a) == sorted(b)):
            return _MIN_TOKEN_SIM
        if a[0] == b[0] and (shorter == 3 or len_a != len_b):
            # a slip that makes another short name ("Lim" / "Lum", "Ali" / "Al") meets it weakly:
            # the word is not missing, but a name of two words stays under any threshold
            return _SHORT_SLIP
        return 0.0
    sim = OSA.normalized_similarity(a, b)
    if key_a and sim < _TRANSLIT and (key_a != a or key_b != b):
        # a typo on top of another romanisation ("Alexander" / "Aleksandr")
        keyed = OSA.normalized_similarity(key_a, key_b) - 0.05
        if keyed > sim:
            sim = keyed
    if (
        (len_a - len_b >= 3 or len_b - len_a >= 3)
        and (a.startswith(b) or b.startswith(a))
        and sim < _ABBREVIATION
    ):
        sim = _ABBREVIATION  # "tech" / "technology", "inst" / "institute"
    # (a skeleton keeps the first letter: words that differ there are not looked up)
    if shorter >= 5 and _SKELETON_FLOOR <= sim < 0.75 and a[0] == b[0] and skeleton(a) == skeleton(b):
        sim = 0.75
    if sim >= _MIN_TOKEN_SIM:
        return sim
    if shorter >= _TWO_SLIPS_LEN and a[:2] == b[:2] and OSA.distance(a, b) == 2:
        return sim  # two slips in a long word ("Starkey" / "Starmer", "Guchkov" / "Guchaev")
    return 0.0


def _joins(
    a: tuple[str, ...], b: tuple[str, ...], wa: tuple[float, ...]
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """a with adjacent tokens joined where the joined word is a token of b ("hua wei" -> "huawei")."""
    if len(a) < 2:
        return a, wa
    targets = set(b)
    shorts = abbreviated()
    # most pairs of names join nothing: a scan without the lists (the loop below makes the same
    # first decisions, so it starts over from the first pair that joins)
    joins = False
    for i in range(len(a) - 1):
        joined = particle_spelling(a[i] + a[i + 1])
        if joined in targets:
            joins = a[i] not in targets
        else:
            for short in shorts.get(a[i], ()):
                if short + a[i + 1] in targets:
                    joins = True
                    break
        if joins:
            break
    else:
        return a, wa
    tokens, weights = list(a), list(wa)
    i = 0
    while i < len(tokens) - 1:
        # "abd al" joined is "abdul" ("Abd al-Aziz" / "Abdul Aziz")
        joined = particle_spelling(tokens[i] + tokens[i + 1])
        split = joined in targets and tokens[i] not in targets
        if joined not in targets:  # a split word whose first half read as an abbreviation:
            for short in shorts.get(tokens[i], ()):  # "Inv Estment" -> "investment estment"
                if short + tokens[i + 1] in targets:
                    joined, split = short + tokens[i + 1], True
                    break
        if split:
            tokens[i : i + 2] = [joined]
            weights[i : i + 2] = [max(weights[i], weights[i + 1])]
        else:
            i += 1
    return tuple(tokens), tuple(weights)


def _acronyms(
    a: tuple[str, ...], b: tuple[str, ...], wb: tuple[float, ...]
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """b with a run of words written as initials in a made that one word ("U.S." for "United
    States", "PLA" for "People's Liberation Army")."""
    mine = set(b)
    initials = "".join([w[0] for w in b])
    out, weights = list(b), list(wb)
    for short in a:
        if short not in initials or not 2 <= len(short) <= 5 or short in mine or not short.isalpha():
            continue
        n = len(short)
        for i in range(len(out) - n + 1):
            run = out[i : i + n]
            if all(len(w) > 1 for w in run) and "".join(w[0] for w in run) == short:
                out[i : i + n] = [short]
                weights[i : i + n] = [max(weights[i : i + n])]
                break
    return tuple(out), tuple(weights)


def _align(
    qt, qw, ct, cw, initials: bool = True, refused: list | None = None, unknown: frozenset[str] = frozenset()
) -> list[tuple[int, int, float]]:
    """Greedy one-to-one alignment of tokens, best pairs first (initials only in person names).

    A given name or surname is not paired with a patronymic made from it (added to ``refused``);
    a slip in a short query word that is in ``unknown`` (no listed name's word) counts more.
    """
    pairs = []
    for i, q in enumerate(qt):
        for j, c in enumerate(ct):
            sim = token_similarity(q, c)
            if not sim:  # (most pairs: no rule below applies to them)
                continue
            if sim == _SHORT_SLIP and q in unknown:
                sim = _SHORT_TYPO
            if sim and initials and _given_or_surname_vs_patronymic(qt, i, ct, j):
                if refused is not None:
                    refused.append(f"{q} and {c}: a name and a patronymic, not one name")
                continue
            if (
                sim == _INITIAL
                and not initials
                and (len(q) == 1) != (len(c) == 1)
                and q not in _ROMAN
                and c not in _ROMAN
            ):
                continue  # an initial, not "V" in "Partners V" / "Partners IV"
            wq, wc = qw[i], cw[j]
            pairs.append((sim * (wc if wc < wq else wq), sim, -abs(i - j), i, j))
    pairs.sort(reverse=True)  # among equal pairs, those nearer the same place first
    used_q: set[int] = set()
    used_c: set[int] = set()
    out = []
    for _, sim, _, i, j in pairs:
        if i not in used_q and j not in used_c:
            used_q.add(i)
            used_c.add(j)
            out.append((i, j, sim))
    if len(set(qt)) < len(qt) or len(set(ct)) < len(ct):
        out = _in_order(_in_order(out, ct, 1), qt, 0)
    return out


def _given_or_surname_vs_patronymic(qt: tuple[str, ...], i: int, ct: tuple[str, ...], j: int) -> bool:
    """A first or last word (a given name, a surname) against the other name's patronymic made
    from it: "Olga Fedorova" is not "Olga Fedorovna KOVITIDI". A middle word one letter off a
    patronymic is the patronymic mistyped ("Olga Ivanvna" / "Olga Ivanovna")."""
    q, c = qt[i], ct[j]
    if len(q) == len(c) or not patronymic_pair(q, c):
        return False
    if c.endswith(_PATRONYMIC):
        return i in (0, len(qt) - 1)
    return j in (0, len(ct) - 1)


def _in_order(aligned: list[tuple[int, int, float]], tokens, side: int) -> list[tuple[int, int, float]]:
    """A repeated word's partners taken in order ("Lopez Lopz" / "Lopez Lopez"): swapping the
    partners of two equal words changes no similarity, only whether the names read as reordered."""
    groups: dict[str, list[int]] = {}
    for k, pair in enumerate(aligned):
        groups.setdefault(tokens[pair[side]], []).append(k)
    out = list(aligned)
    for ks in groups.values():
        if len(ks) > 1:
            mine = sorted(aligned[k][side] for k in ks)
            partners = sorted((aligned[k][1 - side], aligned[k][2]) for k in ks)
            for k, own, (other, sim) in zip(ks, mine, partners, strict=True):
                i, j = (own, other) if side == 0 else (other, own)
                out[k] = (int(i), int(j), sim)
    return out


#: Legal forms that lists and translations use interchangeably ("Co., Ltd." for 有限公司, "Corp").
_LOOSE_FORMS = frozenset({"ltd", "co", "corp", "inc"})


#: Two legal forms that say something (neither one of the _LOOSE_FORMS, which publications and
#: translations write for one another) and differ: the same words under two registrations are
#: most often two companies (a fund's LP and its manager's LLC, a group's SAS and its SARL).
_OTHER_LEGAL_FORM = 0.8
#: ... where one name's form is a loose one only ("Inc" against "JSC", or a "Company" left over
#: when a mistyped "Joint Stck Company" was read): less likely the same, not unlikely.
_LOOSE_LEGAL_FORM = 0.9


def _legal_factor(a: frozenset[str], b: frozenset[str]) -> float:
    """Different legal forms (AG vs GmbH, LLC vs JSC) make two names less likely the same company."""
    if not a or not b or a & b or (a | b) <= _LOOSE_FORMS:
        return 1.0
    if a <= _LOOSE_FORMS or b <= _LOOSE_FORMS:
        return _LOOSE_LEGAL_FORM
    return _OTHER_LEGAL_FORM


def _order_factor(aligned: list[tuple[int, int, float]]) -> float:
    """Person names: the same words in another order are less likely the same person.

    A rotation ("Putin Vladimir") or middle names in another order ("Reinaldo Lenin Gregorio
    Cerna" / "Reinaldo Gregorio Lenin Cerna") cost little; other permutations ("Salman bin Muhammad"
    vs "Muhammad bin Salman") cost more. List names written "LAST, First" are put in order beforehand.
    """
    if len(aligned) < 2:
        return 1.0
    order = [j for _, j in sorted((i, j) for i, j, _ in aligned)]
    ranks = sorted(order)
    order = [ranks.index(j) for j in order]
    n = len(order)
    if order == list(range(n)):
        return 1.0
    if any(order == [(k + r) % n for k in range(n)] for r in range(1, n)):
        return 0.93
    if n > 3 and order[0] == 0 and order[-1] == n - 1:
        return 0.93  # the first and last names in place, middle names in another order
    return 0.6


def _unmatched_number(
    qt: tuple[str, ...], ct: tuple[str, ...], aligned: list[tuple[int, int, float]]
) -> bool:
    """A number or roman numeral on one side only ("Fund II", "Trust 2004-2") names another party."""
    # (most names have no number: no sets of the words used)
    for side, tokens in ((0, qt), (1, ct)):
        for k, t in enumerate(tokens):
            if (t.isdigit() or t in _ROMAN) and all(pair[side] != k for pair in aligned):
                return True
    return False


@lru_cache(maxsize=caches.LEGAL_WORDS)
def _mistyped_legal_word(token: str, forms: frozenset[str]) -> bool:
    """A word one slip from a word of one of these legal forms ("Jont" for joint, "Sen Bhd", "LKC")."""
    if len(token) < 2 or not token.isalpha():
        return False
    words = legal_form_words()
    for code in forms:
        for word in words.get(code, ()):
            if word[0] == token[0] and abs(len(word) - len(token)) <= 1 and OSA.distance(word, token) == 1:
                return True
    return False


@lru_cache(maxsize=1_000)
def _legal_vocabulary(forms: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The words of these legal forms' spellings, and their one-word spellings."""
    words = frozenset().union(*(legal_form_words().get(code, ()) for code in forms))
    names = frozenset().union(*(legal_form_names().get(code, ()) for code in forms))
    return words, names


def _without_legal_typos(
    tokens: tuple[str, ...], weights: tuple[float, ...], own: NameForm, other: NameForm
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Words of the other name's legal form left out, as the form itself is: mistyped ("Jont Stock
    Company", "Sen Bhd", "LKC"), left in place by its position ("Luminor Oy Limited" / "Luminor
    Oy"), or spelt another way round when both names have that form ("Pvt Limited" / "Pvt Ltd")."""
    if not other.legal_forms or len(tokens) < 2:
        return tokens, weights
    theirs = set(other.tokens)
    words, names = _legal_vocabulary(other.legal_forms)
    shared = bool(own.legal_forms & other.legal_forms)
    loose = [
        t not in theirs
        and (t in names or (shared and t in words) or _mistyped_legal_word(t, other.legal_forms))
        for t in tokens
    ]
    if not any(loose):
        return tokens, weights
    # the legal phrase the slip broke ("Jont Stock Company") goes with it
    keep = [i for i, t in enumerate(tokens) if not loose[i] and (t in theirs or t not in words)]
    if not keep:
        return tokens, weights
    return tuple(tokens[i] for i in keep), tuple(weights[i] for i in keep)


def compare_forms(
    query: NameForm,
    candidate: NameForm,
    kind: str = "any",
    symmetric: bool = False,
    unknown: frozenset[str] = frozenset(),
) -> Comparison:
    """Score one query form against one list form (or two names alike, with ``symmetric``).

    ``unknown``: the query's words that are no listed name's word (the screener knows them): a
    slip in such a short word is a typo, not another short name.
    """
    qt, qw, ct, cw = query.tokens, query.weights, candidate.tokens, candidate.weights
    if not qt or not ct:
        return Comparison(0.0, (), 0.0, 0.0, "tokens", query, candidate)
    if len(qt) > 1 or len(ct) > 1:
        qt, qw = _joins(qt, ct, qw)
        ct, cw = _joins(ct, qt, cw)
        if kind != "person" and 1 < len(qt) < len(ct):
            # initials in the query for words of a listed organisation's name, beside other words
            # (a lone "SSM" would meet every name with those initials)
            ct, cw = _acronyms(qt, ct, cw)
    if candidate.legal_forms:  # (the words of no legal form to leave out: no call)
        qt, qw = _without_legal_typos(qt, qw, query, candidate)
    if query.legal_forms:
        ct, cw = _without_legal_typos(ct, cw, candidate, query)
    rules: list[str] = []
    if "abdul" in qt and "abdul" not in query.tokens or "abdul" in ct and "abdul" not in candidate.tokens:
        rules.append("'abd al' read as abdul")
    aligned = _align(qt, qw, ct, cw, kind == "person" or kind == "any", rules, unknown)
    q_total, c_total = sum(qw) or 1.0, sum(cw) or 1.0
    q_hit = c_hit = q_sim = c_sim = 0.0
    strong = 0
    for i, j, sim in aligned:
        wq, wc = qw[i], cw[j]
        q_hit += wq
        c_hit += wc
        q_sim += wq * sim
        c_sim += wc * sim
        strong += sim >= 0.8 and wq >= 0.5 and wc >= 0.5
    q_cov, c_cov = q_sim / q_total, c_sim / c_total
    share = _LIST_SHARE.get(kind, 0.35)
    if symmetric:  # two names, neither a query: the lighter one must be covered
        short, long_ = (q_cov, c_cov) if q_total <= c_total else (c_cov, q_cov)
        score = short * ((1 - share) + share * long_)
    else:  # every word of the query must be found; words only the list name has cost less
        score = q_cov * ((1 - share) + share * c_cov)
    # a word on each side that the other lacks ("Ahmed" where the other has "Mohamed") is a different party
    q_miss, c_miss = 1 - q_hit / q_total, 1 - c_hit / c_total
    score -= _CONFLICT * (c_miss if c_miss < q_miss else q_miss)
    if strong < 2:
        # a word counts when it and its partner both do ("tradin" met "trading", a generic word);
        # a place left unmet in an organisation's name does not ("Faberlic" / "FABERLIC EUROPE")
        q_eff, c_eff = list(qw), list(cw)
        places = place_words() if kind != "person" else frozenset()
        loose = (
            [] if places.isdisjoint(qt) and places.isdisjoint(ct) else [t for t in (*qt, *ct) if t in places]
        )
        if loose:
            q_eff = [0.0 if t in places else w for t, w in zip(qt, qw, strict=True)]
            c_eff = [0.0 if t in places else w for t, w in zip(ct, cw, strict=True)]
        for i, j, _ in aligned:
            wq, wc = qw[i], cw[j]
            q_eff[i] = c_eff[j] = wc if wc < wq else wq
        q_words = len([w for w in q_eff if w >= 0.5])
        c_words = len([w for w in c_eff if w >= 0.5])
        if q_words != c_words and (q_words > 1 or c_words > 1):
            if score > ONE_WORD_CAP:  # one shared word between names of different length is not enough
                score = ONE_WORD_CAP
        elif loose and score > ONE_WORD_CAP and _one_word_capped(aligned, qt, qw, ct, cw):
            unmet = sorted(set(loose) - {qt[i] for i, _, _ in aligned} - {ct[j] for _, j, _ in aligned})
            rules.append(f"{', '.join(unmet)}: a place, a branch of the same company")
    method = "tokens"
    if len(qt) != len(ct):
        whole = ratio("".join(qt), "".join(ct)) / 100
        if whole >= _WHOLE_MIN and 0.97 * whole > score:  # words joined or split differently
            score, method = 0.97 * whole, "whole string"
    if kind == "person" and len(aligned) > 1:
        score *= _order_factor(aligned)
    if query.legal_forms and candidate.legal_forms:
        factor = _legal_factor(query.legal_forms, candidate.legal_forms)
        if factor < 1.0:
            score *= factor
            likely = "another company, likely" if factor == _OTHER_LEGAL_FORM else "less likely the same"
            rules.append(
                f"legal forms {'/'.join(sorted(query.legal_forms))} and"
                f" {'/'.join(sorted(candidate.legal_forms))}: {likely} (counts {factor:g})"
            )
    if (len(aligned) < len(qt) or len(aligned) < len(ct)) and _unmatched_number(qt, ct, aligned):
        score *= _NUMBER_FACTOR
    pairs = tuple([(qt[i], ct[j], sim) for i, j, sim in aligned])
    for q, c, sim in pairs:
        if sim == _SHORT_TYPO and q in unknown:
            rules.append(f"{q}~{c}: a slip in a short word that is no listed name's word")
        elif q != c and sim == _TRANSLIT and (q in _BEN_BIN or _baltic(q) or _baltic(c)):
            rules.append(
                f"{q}~{c}: " + ("ben is the particle bin" if q in _BEN_BIN else "a Baltic or Slavic spelling")
            )
    # (min and max written out here and above: the builtins parse keywords on every call)
    if score > 1.0:
        score = 1.0
    return Comparison(
        score if score > 0.0 else 0.0, pairs, q_cov, c_cov, method, query, candidate, tuple(rules)
    )


def _one_word_capped(aligned, qt, qw, ct, cw) -> bool:
    """Whether the one-word cap would hold if places counted as words (for the explanation)."""
    q_eff, c_eff = list(qw), list(cw)
    for i, j, _ in aligned:
        q_eff[i] = c_eff[j] = min(qw[i], cw[j])
    q_words = sum(w >= 0.5 for w in q_eff)
    c_words = sum(w >= 0.5 for w in c_eff)
    return q_words != c_words and max(q_words, c_words) > 1


def _baltic(token: str) -> bool:
    """Whether the romanisation key read a Baltic -s or a j for y in this word."""
    return (len(token) > 5 and _BALTIC_S.search(token) is not None) or _GLIDE_J.search(token) is not None
