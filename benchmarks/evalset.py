"""The labelled query set of the name-matcher evaluation (issue 3 §3), built from the real lists.

Positives are real list names under realistic perturbations, one family per kind of damage
(case and punctuation, legal forms, typos, dropped tokens, joined or split words, abbreviations,
reordered or initialled person names, transliteration variants), each labelled with the id of
the entity it came from. Han-script positives come from a hand-made table of Chinese names of
listed companies whose English names are on the lists. Negatives are names on no list: generated
companies and people (English and Chinese) and a hand-made list of well-known real companies.

Everything is seeded: the same entities, ``n`` and ``seed`` give the same queries. The
perturbation functions are pure (``(name, rng) -> str | None``; None: the family does not apply)
so that they can be unit-tested on hand-written names.
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from redlist.model import Entity, EntityType, NameType

# --- the query record ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """One labelled query. ``expected`` is empty for clean (negative) names."""

    text: str
    family: str
    script: str  # "latin" or "han"
    expected: frozenset[str] = frozenset()  # entity ids whose presence counts as a hit
    accepted: frozenset[str] = frozenset()  # ids that are not false alerts (expected + name twins)
    kind: str | None = None  # "person" / "organization": the type a user could pass with the query
    source_name: str | None = None  # the list name the query was made from
    birth_date: str | None = None  # qualifiers given with the query (the qualifier families)
    nationality: str | None = None
    namesake_of: frozenset[str] = frozenset()  # the listed person a namesake query must not alert on

    @property
    def positive(self) -> bool:
        return bool(self.expected)

    @property
    def clean(self) -> bool:
        """A name on no list (namesakes are judged apart: their name is a list name)."""
        return not self.expected and not self.namesake_of


@dataclass(slots=True)
class EvalSet:
    """The labelled queries plus what was dropped while building them (reported, never hidden)."""

    positives: list[EvalQuery] = field(default_factory=list)
    han: list[EvalQuery] = field(default_factory=list)
    negatives: list[EvalQuery] = field(default_factory=list)
    han_unresolved: list[str] = field(default_factory=list)  # table rows whose English name was not found
    han_resolved: int = 0
    negatives_dropped: list[str] = field(default_factory=list)  # clean names that are in fact list names
    qualified: list[EvalQuery] = field(default_factory=list)  # namesakes and own-qualifier positives

    @property
    def queries(self) -> list[EvalQuery]:
        return [*self.positives, *self.han, *self.negatives, *self.qualified]


def _words(text: str) -> list[str]:
    return text.split()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


# --- normalisation and tokens -------------------------------------------------------------------


def norm(text: str) -> str:
    """Case-, accent- and punctuation-blind form, used only for exact look-ups and twins."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

# Words that carry no identity: legal forms and function words. A perturbation never counts them
# as "meaningful" (drop_token needs three meaningful tokens, typos avoid them).
LEGAL_WORDS = set(
    _words(
        "co company ltd limited llc inc incorporated corp corporation jsc ojsc pjsc cjsc ao oao pao zao "
        "ooo gmbh sa s a de cv plc pte pty pvt private bv nv ag srl sarl spa llp fze fzco kk sdn bhd "
        "joint stock public open closed liability group "
        # romanised Russian, Turkish and Spanish legal forms
        "obshchestvo aktsionernoe publichnoe otkrytoe zakrytoe ogranichennoi otvetstvennostyu "
        "sirketi sociedad anonima limitada ltda eood ood"
    )
)
# The words that make a name "have a legal form already" (legal_form adds one only when none is there).
_FORM_WORDS = set(
    _words(
        "co company ltd limited llc inc incorporated corp corporation jsc ojsc pjsc cjsc ao oao pao zao ooo "
        "gmbh sa plc pvt pty bv nv ag srl sarl spa llp fze fzco kk bhd sirketi obshchestvo ltda"
    )
)
STOPWORDS = {"of", "the", "and", "for", "in", "&", "und", "et", "y", "la", "le", "el", "del", "da"}


def tokens(name: str) -> list[str]:
    """Word tokens of a name (letters and digits; apostrophes kept inside words)."""
    return _TOKEN.findall(name)


def meaningful(tok: str) -> bool:
    """A token that says something about identity: not a legal form, not a function word."""
    low = tok.casefold()
    return len(low) >= 2 and low not in LEGAL_WORDS and low not in STOPWORDS


def _word_spans(name: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(name))


def _replace_span(name: str, m: re.Match[str], new: str) -> str:
    return name[: m.start()] + new + name[m.end() :]


def _tidy(name: str) -> str:
    """Collapse the double spaces and dangling commas that edits leave behind."""
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"\s+([,.)])", r"\1", name)
    name = re.sub(r"^[\s,;]+|[\s,;]+$", "", name)
    return re.sub(r",\s*,", ",", name)


def is_comma_person(name: str) -> bool:
    """OFAC writes people as ``SURNAME, Given Names``."""
    return name.count(",") == 1 and bool(tokens(name.split(",")[0])) and bool(tokens(name.split(",")[1]))


# --- perturbations: (name, rng) -> str | None ---------------------------------------------------

Perturb = Callable[[str, random.Random], str | None]


def case_punct(name: str, rng: random.Random) -> str | None:
    """Change letter case and punctuation only: the letters stay, in order."""
    ops: list[Callable[[str], str]] = [
        str.lower,
        str.upper,
        lambda s: " ".join(w.capitalize() for w in s.split()),
        lambda s: re.sub(r"[.,;:'’\"()]", "", s),
        lambda s: s.replace("-", " "),
        lambda s: s.replace("-", ""),
        lambda s: s.replace("&", "and") if "&" in s else s.replace(" and ", " & "),
    ]
    for _ in range(8):
        picked = rng.sample(ops, k=rng.choice((1, 2)))
        out = name
        for op in picked:
            out = op(out)
        out = _tidy(out)
        if out != name and out:
            return out
    return None


# Legal-form families: a pattern (at the end of the name, or at the start for the Russian/CIS
# prefixes) and the ways people write the same form.
_SUFFIX_FORMS: list[tuple[str, list[str]]] = [
    (r"co(?:mpany)?\.?,?\s+(?:ltd|limited)\.?", ["Co., Ltd.", "Company Limited", "Co Ltd", "Co., Limited"]),
    (r"(?:pvt|private)\.?,?\s+(?:ltd|limited)\.?", ["Pvt. Ltd.", "Private Limited", "Pvt Ltd"]),
    (r"(?:pty)\.?\s+(?:ltd|limited)\.?", ["Pty Ltd", "Pty. Ltd.", "Proprietary Limited"]),
    (r"(?:llc|l\.l\.c\.|limited liability company)", ["LLC", "L.L.C.", "Limited Liability Company"]),
    (r"(?:pjsc|public joint[- ]stock company)", ["PJSC", "Public Joint Stock Company"]),
    (r"(?:jsc|joint[- ]stock company)", ["JSC", "Joint Stock Company"]),
    (r"(?:ltd|limited)\.?", ["Ltd.", "Limited", "Ltd"]),
    (r"(?:inc|incorporated)\.?", ["Inc.", "Incorporated", "Inc"]),
    (r"(?:corp|corporation)\.?", ["Corp.", "Corporation", "Corp"]),
    (r"(?:co|company)\.?", ["Co.", "Company", "Co"]),
    (r"(?:gmbh|g\.m\.b\.h\.)", ["GmbH", "G.m.b.H."]),
    (r"s\.?\s?a\.?(?:\s+de\s+c\.?\s?v\.?)?", ["S.A.", "SA", "S.A. de C.V."]),
    (r"(?:fze|fzco|fz-llc)", ["FZE", "FZCO", "FZ-LLC"]),
    (r"plc", ["PLC", "Public Limited Company"]),
    (r"ooo", ["OOO", "LLC"]),
    (r"(?:oao|ojsc)", ["OAO", "OJSC"]),
    (r"(?:zao|cjsc)", ["ZAO", "CJSC"]),
    (r"pao", ["PAO", "PJSC"]),
    (r"ao", ["AO", "JSC"]),
]
_PREFIX_FORMS: list[tuple[str, list[str]]] = [
    (r"(?:pjsc|pao|public joint[- ]stock company)", ["PJSC", "PAO", "Public Joint Stock Company"]),
    (r"(?:ojsc|oao|open joint[- ]stock company)", ["OJSC", "OAO", "Open Joint Stock Company"]),
    (r"(?:cjsc|zao|closed joint[- ]stock company)", ["CJSC", "ZAO", "Closed Joint Stock Company"]),
    (r"(?:jsc|ao|joint[- ]stock company|aktsionernoe obshchestvo)", ["JSC", "AO", "Joint Stock Company"]),
    (
        r"(?:ooo|llc|limited liability company|obshchestvo s ogranichennoi otvetstvennostyu)",
        ["OOO", "LLC", "Limited Liability Company"],
    ),
]
_ADDED_FORMS = ["Ltd", "Limited", "LLC", "Inc.", "Corp.", "Co., Ltd.", "Company", "JSC", "GmbH", "S.A."]


def find_legal_form(name: str) -> tuple[int, int, list[str]] | None:
    """Where the name's legal form is (start, end) and the other ways of writing it."""
    stripped = name.rstrip(" ,.;")
    for pattern, variants in _SUFFIX_FORMS:
        m = re.search(r"(?:^|[\s,])(" + pattern + r")$", stripped, re.IGNORECASE)
        if m and m.start(1) > 0:
            return m.start(1), len(name), variants
    for pattern, variants in _PREFIX_FORMS:
        m = re.match(r"(" + pattern + r")\s+", name, re.IGNORECASE)
        if m and m.end() < len(name):
            return 0, m.end(1), variants
    return None


def legal_form(name: str, rng: random.Random) -> str | None:
    """Swap a legal form for another way of writing it, drop it, or add one the name lacks."""
    found = find_legal_form(name)
    if found is None:
        if any(t.casefold() in _FORM_WORDS for t in tokens(name)):
            return None  # a form in the middle ("Corporation, JSC Severny Press"): nothing sensible to do
        return _tidy(f"{name.rstrip(' ,.')} {rng.choice(_ADDED_FORMS)}")
    start, end, variants = found
    current = norm(name[start:end])
    options = [v for v in variants if norm(v) != current]
    rest_meaningful = [t for t in tokens(name[:start] + " " + name[end:]) if meaningful(t)]
    choices = [("swap", v) for v in options]
    if rest_meaningful:
        choices.append(("drop", ""))
    if not choices:
        return None
    action, new = rng.choice(choices)
    if action == "drop":
        return _tidy(name[:start] + " " + name[end:])
    if start == 0:
        return _tidy(new + name[end:])
    return _tidy(name[:start].rstrip(" ,") + " " + new)


_QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _neighbours(ch: str) -> str:
    """Keys next to ``ch`` on a QWERTY keyboard (same row and the rows above and below)."""
    low = ch.lower()
    for r, row in enumerate(_QWERTY):
        i = row.find(low)
        if i < 0:
            continue
        near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
        for rr in (r - 1, r + 1):
            if 0 <= rr < len(_QWERTY):
                near += [_QWERTY[rr][j] for j in (i - 1, i, i + 1) if 0 <= j < len(_QWERTY[rr])]
        return "".join(near)
    return ""


def _match_case(new: str, like: str) -> str:
    return new.upper() if like.isupper() else new


def typo_word(word: str, rng: random.Random) -> str:
    """One realistic keyboard slip inside a word: neighbour key, dropped, doubled/extra or swapped letters."""
    for _ in range(10):
        # never the first letter: people rarely get it wrong, and a wrong first letter reads as
        # another name rather than a slip
        i = rng.randrange(1, len(word))
        op = rng.choice(("sub", "del", "ins", "swap"))
        if op == "sub":
            near = _neighbours(word[i])
            if not near:
                continue
            out = word[:i] + _match_case(rng.choice(near), word[i]) + word[i + 1 :]
        elif op == "del":
            out = word[:i] + word[i + 1 :]
        elif op == "ins":
            near = _neighbours(word[i]) or word[i]
            extra = rng.choice([word[i], *near])
            out = word[: i + 1] + _match_case(extra, word[i]) + word[i + 1 :]
        else:
            if i == len(word) - 1:
                continue
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if out != word:
            return out
    return word[:-1]  # a deletion always changes a word of 3+ letters


def _typo_spans(name: str) -> list[re.Match[str]]:
    """Words that may carry a typo: 3+ letters (never 1-2 char tokens), not digits."""
    return [m for m in _word_spans(name) if len(m.group()) >= 3 and m.group().isalpha()]


def typo1(name: str, rng: random.Random) -> str | None:
    """One typo in one word of three or more letters."""
    spans = _typo_spans(name)
    if not spans:
        return None
    m = rng.choice(spans)
    return _replace_span(name, m, typo_word(m.group(), rng))


def typo2(name: str, rng: random.Random) -> str | None:
    """Two typos: in two different words, or twice in one word of six or more letters."""
    spans = _typo_spans(name)
    if len(spans) >= 2:
        a, b = sorted(rng.sample(spans, 2), key=lambda m: m.start())
        # edit the later span first so the earlier one's offsets stay valid
        out = _replace_span(name, b, typo_word(b.group(), rng))
        return _replace_span(out, a, typo_word(a.group(), rng))
    long = [m for m in spans if len(m.group()) >= 6]
    if not long:
        return None
    m = long[0]
    for _ in range(10):
        word = typo_word(typo_word(m.group(), rng), rng)
        if word != m.group():  # the second slip can undo the first (a swap swapped back)
            break
    return _replace_span(name, m, word)


def drop_token(
    name: str, rng: random.Random, person: bool = False, frequency: Callable[[str], int] | None = None
) -> str | None:
    """Leave out one meaningful word of a name that has at least three.

    For a person, a middle name or second surname: never the first given name nor the (first)
    surname. For an organisation, never its most distinctive word ("Huawei" in "Shenzhen Huawei
    Technologies Co.", which nobody leaves out): the rarest by ``frequency`` (how many list names
    use the word), or the longest when no frequency is given.
    """
    spans = [m for m in _word_spans(name) if meaningful(m.group())]
    if len(spans) < 3:
        return None
    if person:
        if is_comma_person(name):
            cut = name.index(",")
            given = [m for m in spans if m.start() > cut]
            keep = {spans[0].start(), given[0].start() if given else -1}
        else:
            keep = {spans[0].start(), spans[-1].start()}
        candidates = [m for m in spans if m.start() not in keep]
        if not candidates:
            return None
    else:
        if frequency is None:
            distinctive = max(spans, key=lambda m: len(m.group()))
        else:
            distinctive = min(spans, key=lambda m: (frequency(m.group().casefold()), -len(m.group())))
        candidates = [m for m in spans if m is not distinctive]
    m = rng.choice(candidates)
    return _tidy(name[: m.start()] + name[m.end() :])


def join_split(name: str, rng: random.Random) -> str | None:
    """Join two neighbouring words ("Hik Vision" -> "HikVision") or split a long one at a syllable-ish point."""
    spans = _word_spans(name)
    options: list[str] = []
    for a, b in zip(spans, spans[1:], strict=False):
        gap = name[a.end() : b.start()]
        if gap.strip() == "" and meaningful(a.group()) and meaningful(b.group()):
            options.append(name[: a.end()] + name[b.start() :])
    for m in spans:
        w = m.group()
        if len(w) >= 7 and w.isalpha() and meaningful(w):
            cut = rng.randrange(3, len(w) - 2)
            options.append(_replace_span(name, m, w[:cut] + " " + w[cut:]))
    return rng.choice(options) if options else None


ABBREVIATIONS: dict[str, str] = {
    "corporation": "Corp",
    "international": "Intl",
    "company": "Co",
    "limited": "Ltd",
    "technology": "Tech",
    "technologies": "Tech",
    "manufacturing": "Mfg",
    "engineering": "Eng",
    "development": "Dev",
    "management": "Mgmt",
    "incorporated": "Inc",
    "industries": "Inds",
    "industrial": "Indl",
    "industry": "Ind",
    "brothers": "Bros",
    "services": "Svcs",
    "investment": "Inv",
    "holdings": "Hldgs",
    "holding": "Hldg",
    "enterprise": "Ent",
    "enterprises": "Ents",
    "science": "Sci",
    "research": "Res",
    "institute": "Inst",
    "university": "Univ",
    "national": "Natl",
    "association": "Assn",
    "electronics": "Elec",
    "electronic": "Elec",
    "communications": "Comms",
    "general": "Gen",
    "trading": "Trdg",
    "import": "Imp",
    "export": "Exp",
    "and": "&",
}
_EXPANSIONS = {v.casefold(): k for k, v in ABBREVIATIONS.items() if k not in ("industry", "electronic")}


def abbreviation(name: str, rng: random.Random) -> str | None:
    """Abbreviate common words (Corporation -> Corp, International -> Intl) or expand abbreviations."""
    spans = _word_spans(name)
    edits: list[tuple[re.Match[str], str]] = []
    for k, m in enumerate(spans):
        low = m.group().casefold()
        before = spans[k - 1].group().casefold() if k else ""
        after = spans[k + 1].group().casefold() if k + 1 < len(spans) else ""
        if (low, after) == ("limited", "liability") or (
            low == "company" and before in ("liability", "stock")
        ):
            continue  # "Limited Liability Company" is a legal form, nobody writes "Ltd Liability Co"
        if low in ABBREVIATIONS:
            edits.append((m, _match_case(ABBREVIATIONS[low], m.group())))
        elif low in _EXPANSIONS:
            edits.append((m, _match_case(_EXPANSIONS[low].capitalize(), m.group())))
    if not edits:
        return None
    # apply each with probability 0.7, at least one
    chosen = [e for e in edits if rng.random() < 0.7] or [rng.choice(edits)]
    out = name
    for m, new in sorted(chosen, key=lambda e: e[0].start(), reverse=True):
        end = m.end()
        if new.casefold() in ABBREVIATIONS and out[end : end + 1] == ".":
            end += 1  # "Ltd." -> "Limited": the abbreviation's period goes with it
        out = out[: m.start()] + new + out[end:]
    return _tidy(out)


def person_reorder(name: str, rng: random.Random) -> str | None:
    """``SURNAME, Given`` <-> ``Given Surname`` (both ways, also without the comma)."""
    if is_comma_person(name):
        surname, given = (p.strip() for p in name.split(","))
        return f"{given} {surname}"
    words = name.split()
    if len(words) < 2:
        return None
    sep = rng.choice((", ", " "))
    return f"{words[-1]}{sep}{' '.join(words[:-1])}"


def person_initials(name: str, rng: random.Random) -> str | None:
    """One given name to its initial: a middle name when there is one, else the first name."""
    if is_comma_person(name):
        cut = name.index(",")
        given = [m for m in _word_spans(name) if m.start() > cut]
    else:
        spans = _word_spans(name)
        given = spans[:-1]
    given = [m for m in given if m.group().isalpha() and len(m.group()) >= 2]
    if not given:
        return None
    m = rng.choice(given[1:]) if len(given) >= 2 else given[0]
    return _replace_span(name, m, m.group()[0].upper() + ".")


# Spellings of the same Arabic or Russian name (one group per name).
TRANSLIT_WORDS: list[list[str]] = [
    ["mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad"],
    ["ahmed", "ahmad"],
    ["abdul", "abd al", "abdel"],
    ["abdullah", "abdallah", "abdulla"],
    ["yusuf", "yousef", "yusef", "youssef"],
    ["husayn", "hussein", "hussain", "husain"],
    ["hassan", "hasan"],
    ["osama", "usama", "usamah"],
    ["omar", "umar"],
    ["uthman", "othman", "osman"],
    ["abu", "abou"],
    ["mustafa", "mustapha", "moustafa"],
    ["khalid", "khaled"],
    ["saeed", "said", "saied"],
    ["ibrahim", "ebrahim"],
    ["ismail", "ismael", "esmail"],
    ["karim", "kareem"],
    ["nasser", "nasir", "naser"],
    ["rahman", "rehman"],
    ["sergey", "sergei", "serguei"],
    ["aleksandr", "alexander", "alexandr"],
    ["aleksey", "alexei", "alexey", "aleksei"],
    ["dmitry", "dmitri", "dmitriy"],
    ["yuri", "yuriy", "yury", "iurii"],
    ["andrey", "andrei"],
    ["nikolay", "nikolai"],
    ["yevgeny", "evgeny", "yevgeniy", "evgeniy"],
    ["vyacheslav", "viacheslav"],
    ["tatyana", "tatiana"],
    ["natalya", "natalia", "nataliya"],
    ["yelena", "elena"],
    ["pyotr", "petr"],
    ["fyodor", "fedor"],
    ["vasily", "vasiliy", "vasili"],
    ["anatoly", "anatoliy", "anatoli"],
    ["valery", "valeriy", "valeri"],
    ["grigory", "grigoriy", "grigori"],
    ["arkady", "arkadiy", "arkadi"],
    ["mikhail", "mihail"],
]
_TRANSLIT_INDEX = {w: group for group in TRANSLIT_WORDS for w in group}
# Word endings (words of 5+ letters) and inner spellings that differ between romanisation schemes.
_SUFFIX_RULES = [
    ("yevich", "evich"),
    ("evich", "yevich"),
    ("yevna", "evna"),
    ("skiy", "sky"),
    ("sky", "skiy"),
    ("skii", "sky"),
    ("iy", "y"),
    ("ii", "iy"),
    ("ov", "off"),
    ("ev", "eff"),
    ("off", "ov"),
]
_INNER_RULES = [("kh", "h"), ("ou", "u"), ("yu", "iu"), ("ya", "ia"), ("zh", "j"), ("sh", "ch")]


def translit(name: str, rng: random.Random, person: bool = True) -> str | None:
    """Another romanisation of an Arabic or Russian name: Mohammed/Muhammad, -ov/-off, kh/h, al-/el-.

    Inner-spelling rules (kh/h, ou/u...) are used on people only: on company names they would turn
    English words ("Group") into misspellings rather than transliteration variants.
    """
    edits: list[tuple[int, int, str]] = []
    for m in _word_spans(name):
        word, low = m.group(), m.group().casefold()
        if low in _TRANSLIT_INDEX:
            others = [w for w in _TRANSLIT_INDEX[low] if w != low]
            edits.append((m.start(), m.end(), _respell(rng.choice(others), word)))
            continue
        if len(word) >= 5 and word.isalpha():
            for old, new in _SUFFIX_RULES:
                if low.endswith(old) and len(low) - len(old) >= 3:
                    edits.append((m.start(), m.end(), _respell(low[: -len(old)] + new, word)))
                    break
            if person:
                for old, new in _INNER_RULES:
                    i = low.find(old, 1) if old != "kh" else low.find(old)
                    if i >= 0:
                        edits.append(
                            (m.start(), m.end(), _respell(low[:i] + new + low[i + len(old) :], word))
                        )
    # only the hyphenated article: "el " is also Spanish ("Sobre el Pacifico")
    for m in re.finditer(r"\b(al|el)-(?=\w)", name, re.IGNORECASE):
        other = "el" if m.group(1).lower() == "al" else "al"
        edits.append((m.start(), m.end(), _respell(other, m.group(1)) + rng.choice(("-", " ", ""))))
    if not edits:
        return None
    start, end, new = rng.choice(edits)
    out = name[:start] + new + name[end:]
    return out if out != name else None


def _respell(new: str, like: str) -> str:
    """Write ``new`` in the case style of ``like`` (UPPER, Title or lower)."""
    if like.isupper():
        return new.upper()
    if like[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


# --- positives ------------------------------------------------------------------------------------

#: family -> (perturbation, applies to persons, applies to organisations)
FAMILIES: dict[str, tuple[Perturb, bool, bool]] = {
    "case_punct": (case_punct, True, True),
    "legal_form": (legal_form, False, True),
    "typo1": (typo1, True, True),
    "typo2": (typo2, True, True),
    "drop_token": (drop_token, True, True),
    "join_split": (join_split, True, True),
    "abbreviation": (abbreviation, False, True),
    "person_reorder": (person_reorder, True, False),
    "person_initials": (person_initials, True, False),
    "translit": (translit, True, True),
}
LATIN_FAMILIES = tuple(FAMILIES)


def screenable_names(entity: Entity) -> list[str]:
    """Names a user might type: the primary first, then the a.k.a.s; OFAC's weak aliases left out."""
    names = [n.value for n in entity.names if n.type != NameType.WEAK and n.value.strip()]
    primary = entity.name
    return sorted(set(names), key=lambda v: (v != primary, names.index(v)))


def name_twins(entities: Sequence[Entity]) -> dict[str, set[str]]:
    """For every entity, the entities that share one of its names exactly (after :func:`norm`).

    The same company is often listed by two publications under separate ids; finding the twin
    instead of the source is not a false alert.
    """
    # weak aliases ("CGN", "SMIC") are shared by unrelated entries; they make no twins
    strong = {e.entity_id: [norm(n.value) for n in e.names if n.type != NameType.WEAK] for e in entities}
    by_name: dict[str, set[str]] = {}
    for eid, names in strong.items():
        for n in names:
            by_name.setdefault(n, set()).add(eid)
    twins: dict[str, set[str]] = {}
    for eid, names in strong.items():
        ids: set[str] = set()
        for n in names:
            ids |= by_name.get(n, set())
        twins[eid] = ids
    return twins


def perturb_entity(
    entity: Entity, family: str, rng: random.Random, frequency: Callable[[str], int] | None = None
) -> tuple[str, str] | None:
    """(query, source name) for one family on one entity, or None if the family does not fit it."""
    func, for_person, for_org = FAMILIES[family]
    person = entity.type == EntityType.PERSON
    if (person and not for_person) or (not person and not for_org):
        return None
    names = screenable_names(entity)
    # Try the primary first; fall back to aliases only when the primary does not fit the family.
    for name in names[:4]:
        if family == "drop_token":
            out = drop_token(name, rng, person=person, frequency=frequency)
        elif family == "translit":
            out = translit(name, rng, person=person)
        else:
            out = func(name, rng)
        if not out or out == name:
            continue
        # case_punct changes only what norm() ignores; every other family must change the words
        if family == "case_punct" or norm(out) != norm(name):
            return out, name
    return None


def build_positives(entities: Sequence[Entity], n: int, seed: int) -> list[EvalQuery]:
    """``n`` sampled persons and organisations, each under every family that fits it, plus the exact name."""
    rng = random.Random(seed)
    pool = sorted(
        (e for e in entities if e.type in (EntityType.PERSON, EntityType.ORGANIZATION) and e.names),
        key=lambda e: e.entity_id,
    )
    sample = rng.sample(pool, min(n, len(pool)))
    twins = name_twins(entities)
    df = Counter(t.casefold() for e in entities for n in e.names for t in set(tokens(n.value)))
    out: list[EvalQuery] = []
    for e in sample:
        kind = e.type.value
        accepted = frozenset(twins.get(e.entity_id, set()) | {e.entity_id})
        expected = frozenset({e.entity_id})
        out.append(EvalQuery(e.name, "exact", "latin", expected, accepted, kind, e.name))
        for family in FAMILIES:
            # one generator per (entity, family) so that adding a family leaves the others unchanged
            frng = random.Random(f"{seed}:{e.entity_id}:{family}")
            made = perturb_entity(e, family, frng, frequency=df.__getitem__)
            if made:
                out.append(EvalQuery(made[0], family, "latin", expected, accepted, kind, made[1]))
    return out


# --- Han-script positives -----------------------------------------------------------------------

# Hand-made table (not copied from any list): Chinese names of listed companies, with spaces
# between words so that pinyin can be written word by word, and the English names under which the
# same organisation appears on the US lists. Only names the author is sure of.
HAN_TABLE: list[tuple[str, list[str]]] = [
    ("华为 技术 有限 公司", ["Huawei Technologies Co., Ltd."]),
    ("华为 投资 控股 有限 公司", ["Huawei Investment & Holding Co., Ltd."]),
    ("华为 终端 有限 公司", ["Huawei Device Co., Ltd."]),
    ("海思 半导体 有限 公司", ["HiSilicon Technologies Co., Ltd (HiSilicon)"]),
    ("中国 航空 工业 集团 有限 公司", ["Aviation Industry Corporation of China, Ltd."]),
    ("杭州 海康 威视 数字 技术 股份 有限 公司", ["Hangzhou Hikvision Digital Technology Co., Ltd."]),
    ("海康 威视", ["Hikvision"]),
    ("浙江 大华 技术 股份 有限 公司", ["Dahua Technology"]),
    ("中芯 国际 集成 电路 制造 有限 公司", ["Semiconductor Manufacturing International Corporation"]),
    (
        "深圳市 大疆 创新 科技 有限 公司",
        ["SZ DJI Technology Co., Ltd.", "Shenzhen DJI Innovation Technology Co., Ltd."],
    ),
    ("大疆 创新", ["DJI", "Da-Jiang Innovations"]),
    ("中国 电子 科技 集团 有限 公司", ["China Electronics Technology Group Corporation"]),
    ("中国 航天 科技 集团 有限 公司", ["China Aerospace Science and Technology Corporation"]),
    ("中国 航天 科工 集团 有限 公司", ["China Aerospace Science and Industry Corporation"]),
    ("中国 航天 科工 集团 第二 研究院", ["China Aerospace Science and Industry Corporation Second Academy"]),
    ("中国 船舶 集团 有限 公司", ["China State Shipbuilding Corporation Limited"]),
    ("中国 船舶 重工 股份 有限 公司", ["China Shipbuilding Industry Company Limited"]),
    ("中国 兵器 工业 集团 有限 公司", ["China North Industries Group Corporation Limited"]),
    ("中国 兵器 装备 集团 有限 公司", ["China South Industries Group Corporation"]),
    ("中国 航空 发动机 集团 有限 公司", ["Aero Engine Corporation of China"]),
    ("中国 电子 信息 产业 集团 有限 公司", ["China Electronics Corporation"]),
    ("浪潮 集团 有限 公司", ["Inspur Group Co., Ltd."]),
    ("浪潮 电子 信息 产业 股份 有限 公司", ["Inspur Electronic Information Industry Co., Ltd."]),
    (
        "曙光 信息 产业 股份 有限 公司",
        [
            "Dawning Information Industry Co., Ltd",
            "Dawning Information Industry",
            "Sugon Information Industry",
        ],
    ),
    ("中科 曙光", ["Sugon"]),
    ("海能达 通信 股份 有限 公司", ["Hytera Communications Limited"]),
    ("科大 讯飞 股份 有限 公司", ["IFLYTEK"]),
    ("旷视 科技 有限 公司", ["Megvii Technology Limited", "Megvii Technology"]),
    ("北京市 商汤 科技 开发 有限 公司", ["Beijing Sensetime Technology Development Co., Ltd."]),
    ("商汤 集团 有限 公司", ["SenseTime Group Limited"]),
    ("云从 科技", ["CloudWalk Technology"]),
    ("依图 科技", ["Yitu Technologies"]),
    ("中国 移动 通信 集团 有限 公司", ["China Mobile Communications Group Co., Ltd."]),
    ("中国 移动 有限 公司", ["China Mobile Limited"]),
    ("中国 电信 集团 有限 公司", ["China Telecommunications Corporation"]),
    ("中国 电信 股份 有限 公司", ["China Telecom Corporation Limited"]),
    ("中国 联合 网络 通信 集团 有限 公司", ["China United Network Communications Group Co., Ltd."]),
    ("中国 海洋 石油 集团 有限 公司", ["China National Offshore Oil Corporation"]),
    ("中国 海洋 石油 有限 公司", ["CNOOC Limited"]),
    ("中国 铁建 股份 有限 公司", ["China Railway Construction Corporation Limited"]),
    ("中国 交通 建设 股份 有限 公司", ["China Communications Construction Company Limited"]),
    ("长江 存储 科技 有限 责任 公司", ["Yangtze Memory Technologies Co., Ltd."]),
    ("中国 广核 集团 有限 公司", ["China General Nuclear Power Corporation"]),
    ("中国 核工业 集团 有限 公司", ["China National Nuclear Corporation"]),
    ("中国 运载 火箭 技术 研究院", ["China Academy of Launch Vehicle Technology"]),
    ("中国 工程 物理 研究院", ["Chinese Academy of Engineering Physics"]),
    ("国家 超级 计算 天津 中心", ["National Supercomputing Center Tianjin (NSCC-TJ)"]),
    ("国家 超级 计算 无锡 中心", ["National Supercomputing Center Wuxi"]),
    ("国家 超级 计算 深圳 中心", ["National Supercomputing Center Shenzhen"]),
    ("国家 超级 计算 济南 中心", ["National Supercomputing Center Jinan"]),
    ("国家 超级 计算 长沙 中心", ["National Supercomputing Center Changsha (NSCC-CS)"]),
    ("国家 超级 计算 广州 中心", ["National Supercomputing Center Guangzhou (NSCC-GZ)"]),
    ("哈尔滨 工业 大学", ["Harbin Institute of Technology"]),
    ("哈尔滨 工程 大学", ["Harbin Engineering University"]),
    ("西北 工业 大学", ["Northwestern Polytechnical University"]),
    ("北京 航空 航天 大学", ["Beihang University"]),
    ("北京 理工 大学", ["Beijing Institute of Technology"]),
    ("南京 航空 航天 大学", ["Nanjing University of Aeronautics and Astronautics"]),
    ("南京 理工 大学", ["Nanjing University of Science and Technology"]),
    ("四川 大学", ["Sichuan University"]),
    ("电子 科技 大学", ["University of Electronic Science and Technology of China"]),
    ("国防 科技 大学", ["National University of Defense Technology (NUDT)"]),
    ("中国 科学院 国家 授时 中心", ["Chinese Academy of Sciences, National Time Service Center"]),
    ("中科 寒武纪 科技 股份 有限 公司", ["Cambricon Technologies Corporation Limited"]),
    ("天津 飞腾 信息 技术 有限 公司", ["Tianjin Phytium Information Technology"]),
    ("上海 壁仞 智能 科技 有限 公司", ["Shanghai Biren Intelligent Technology Co., Ltd."]),
    ("龙芯 中科 技术 股份 有限 公司", ["Loongson Technology Corporation Limited"]),
    ("上海 微电子 装备 (集团) 股份 有限 公司", ["Shanghai Micro Electronics Equipment (Group) Co., Ltd."]),
    ("新疆 生产 建设 兵团", ["Xinjiang Production and Construction Corps"]),
    ("中国 卫通 集团 股份 有限 公司", ["China Satellite Communications Co., Ltd."]),
    ("保利 科技 有限 公司", ["Poly Technologies Inc."]),
    ("中国 精密 机械 进出口 总公司", ["China Precision Machinery Import-Export Corp."]),
    ("奇虎 360 科技 有限 公司", ["Qihoo 360 Technology Co. Ltd"]),
    ("烽火 科技 集团", ["FiberHome Technologies Group"]),
    ("同方 威视 技术 股份 有限 公司", ["Tongfang NucTech Technology Ltd."]),
]


@functools.cache
def _converter(config: str):  # -> opencc.OpenCC; opencc ships no type stubs
    import opencc  # local import: only the Han family needs it

    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """Simplified -> traditional characters (OpenCC ``s2t``)."""
    return _converter("s2t").convert(text)


def to_pinyin(spaced: str) -> str:
    """Toneless pinyin, syllables of one word joined, words capitalised: "Huawei Jishu Youxian Gongsi"."""
    from pypinyin import lazy_pinyin

    words = []
    for word in spaced.split():
        syllables = lazy_pinyin(word.strip("()"))
        words.append("".join(syllables).replace("v", "u").capitalize())  # pypinyin writes ü as v
    return " ".join(words)


def build_han(entities: Sequence[Entity]) -> tuple[list[EvalQuery], list[str], int]:
    """Han queries (simplified, traditional, pinyin) for every table row whose English names resolve.

    Returns (queries, unresolved English names, number of resolved rows).
    """
    by_name: dict[str, set[str]] = {}
    for e in entities:
        for n in e.names:
            by_name.setdefault(norm(n.value), set()).add(e.entity_id)
    queries: list[EvalQuery] = []
    unresolved: list[str] = []
    resolved = 0
    for spaced, english in HAN_TABLE:
        ids: set[str] = set()
        for en in english:
            found = by_name.get(norm(en))
            if found:
                ids |= found
            else:
                unresolved.append(en)
        if not ids:
            continue
        resolved += 1
        expected = frozenset(ids)
        simplified = spaced.replace(" ", "")
        src = english[0]
        queries.append(
            EvalQuery(simplified, "han_simplified", "han", expected, expected, "organization", src)
        )
        queries.append(
            EvalQuery(
                to_traditional(simplified), "han_traditional", "han", expected, expected, "organization", src
            )
        )
        queries.append(
            EvalQuery(to_pinyin(spaced), "pinyin", "latin", expected, expected, "organization", src)
        )
    return queries, unresolved, resolved


# --- negatives ------------------------------------------------------------------------------------


_EN_ADJ = _words(
    "Blue Golden Northern Southern Pacific Silver Summit Bright Evergreen Prime Coastal Granite Maple "
    "Harbor Crystal Emerald Liberty Heritage Pioneer Sterling Cedar Willow Redwood Horizon Meadow Sunrise "
    "Valley Highland Lakeside Riverside Brookfield Oakmont Westfield Clearwater Stonebridge Fairview"
)
_EN_NOUN = _words(
    "River Ridge Star Bridge Oak Falcon Harvest Lake Pine Crest Anchor Beacon Compass Lantern Orchard "
    "Meadow Summit Canyon Harbor Willow Arrow Fox Heron Birch Spruce Quarry Prairie Cove Stone Mill"
)
_EN_INDUSTRY = _lines(
    """
Logistics
Foods
Software
Consulting
Textiles
Plastics
Dental Supplies
Furniture
Packaging
Marketing
Realty
Apparel
Bakery
Landscaping
Plumbing
Printing
Veterinary Clinic
Auto Repair
Insurance Agency
Pet Supplies
Catering
Roofing
Fitness
Books
Coffee Roasters
Brewing
Interiors
Staffing
Analytics
Dairy
Farms
Hardware
Optical
Media
Studios
Cleaning Services
Home Health Care
"""
)
_EN_LEGAL = ["Inc.", "LLC", "Ltd.", "Corp.", "Co.", "GmbH", "Pty Ltd", "B.V.", "Limited", "", "", ""]

_PEOPLE: dict[str, tuple[list[str], list[str]]] = {
    "english": (
        _words(
            "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
            "Richard Susan Thomas Jessica Charles Sarah Daniel Karen Matthew Emily Andrew Hannah"
        ),
        _words(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson Martin "
            "Thompson White Harris Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams"
        ),
    ),
    "spanish": (
        _words(
            "José María Juan Carmen Luis Ana Carlos Lucía Javier Elena Miguel Sofía Pedro Isabel Diego "
            "Paula Alejandro Marta Fernando Laura"
        ),
        _words(
            "García Rodríguez Martínez López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez "
            "Díaz Morales Ortiz Castillo Romero Vargas Ruiz Herrera"
        ),
    ),
    "arabic": (
        _words(
            "Mohammed Ahmed Ali Omar Khalid Hassan Yusuf Ibrahim Mustafa Fatima Aisha Layla Mariam Noor "
            "Tariq Samir Karim Rania Hana Zaid"
        ),
        _words(
            "Haddad Khoury Nasser Saleh Mansour Hamdan Aziz Farouk Qasim Rashid Suleiman Darwish Barakat "
            "Shamsi Hakim Jaber Najjar Sabbagh Issa Awad"
        ),
    ),
    "russian": (
        _words(
            "Ivan Olga Sergey Natalya Dmitry Elena Alexei Irina Nikolai Svetlana Pavel Anna Mikhail Yulia "
            "Andrei Ekaterina Vladimir Marina Igor Oksana"
        ),
        _words(
            "Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov Morozov "
            "Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev"
        ),
    ),
    "chinese": (
        _words(
            "Wei Fang Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Juan Tao Ming Chao Xiuying Hua Ping "
            "Gang Guiying Xiaoming Haoran Yuxuan"
        ),
        _words("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo"),
    ),
    "german_french": (
        _words(
            "Lukas Anna Jonas Lea Felix Marie Paul Sophie Leon Clara Louis Camille Hugo Chloé Jules Manon"
        ),
        _words(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Martin Bernard Dubois Thomas "
            "Robert Richard Petit Durand"
        ),
    ),
}

_ZH_CITIES = _words(
    "北京 上海 深圳 广州 杭州 成都 武汉 南京 苏州 天津 西安 重庆 青岛 厦门 宁波 长沙 郑州 合肥 济南 大连"
)
_ZH_BRAND_CHARS = "星瑞安泰宏源盛锦鑫恒嘉新康丰信隆博辰明祥汇通佳美德润富昌远景悦诚和晟卓禾"
_ZH_INDUSTRY = _words(
    "贸易 食品 服装 家具 物流 餐饮 印刷 建材 文化传媒 教育咨询 园林绿化 软件开发 包装材料 日用品 电子商务 酒店管理 广告 装饰工程 农业 茶业 宠物用品 健身 摄影 物业管理"
)
_ZH_FORMS = ["有限公司", "有限责任公司", "股份有限公司", "有限公司"]
_ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
_ZH_GIVEN = _words(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 华 平 刚 桂英 晓明 浩然 子涵 欣怡 宇轩 雨桐"
)

# Well-known real companies that are on no US restriction list (hand-made; checked against the
# loaded lists at build time, exact matches are dropped and reported).
REAL_COMPANIES = _lines(
    """
Apple Inc.
Microsoft Corporation
Alphabet Inc.
Amazon.com, Inc.
Meta Platforms, Inc.
Netflix, Inc.
Adobe Inc.
Salesforce, Inc.
Oracle Corporation
Intel Corporation
Cisco Systems, Inc.
International Business Machines Corporation
Dell Technologies Inc.
HP Inc.
Qualcomm Incorporated
Texas Instruments Incorporated
NVIDIA Corporation
Advanced Micro Devices, Inc.
Micron Technology, Inc.
Broadcom Inc.
Walmart Inc.
The Coca-Cola Company
PepsiCo, Inc.
Procter & Gamble Company
Johnson & Johnson
Pfizer Inc.
Merck & Co., Inc.
Eli Lilly and Company
AbbVie Inc.
Bristol-Myers Squibb Company
The Boeing Company
General Electric Company
Caterpillar Inc.
Deere & Company
3M Company
Honeywell International Inc.
Ford Motor Company
General Motors Company
Tesla, Inc.
JPMorgan Chase & Co.
Bank of America Corporation
Citigroup Inc.
Wells Fargo & Company
Goldman Sachs Group, Inc.
Morgan Stanley
Visa Inc.
Mastercard Incorporated
American Express Company
Berkshire Hathaway Inc.
Exxon Mobil Corporation
Chevron Corporation
ConocoPhillips
The Home Depot, Inc.
Costco Wholesale Corporation
Target Corporation
Nike, Inc.
Starbucks Corporation
McDonald's Corporation
The Walt Disney Company
Comcast Corporation
Verizon Communications Inc.
AT&T Inc.
United Parcel Service, Inc.
FedEx Corporation
Delta Air Lines, Inc.
Siemens AG
Volkswagen AG
Bayerische Motoren Werke AG
Mercedes-Benz Group AG
BASF SE
Bayer AG
Allianz SE
Deutsche Telekom AG
SAP SE
Adidas AG
Robert Bosch GmbH
Nestlé S.A.
Novartis AG
Roche Holding AG
UBS Group AG
ABB Ltd
Unilever PLC
BP p.l.c.
Shell plc
HSBC Holdings plc
Barclays PLC
GSK plc
AstraZeneca PLC
Rolls-Royce Holdings plc
Vodafone Group Plc
Tesco PLC
Diageo plc
TotalEnergies SE
LVMH Moët Hennessy Louis Vuitton SE
L'Oréal S.A.
Airbus SE
Danone S.A.
Sanofi S.A.
BNP Paribas S.A.
Renault S.A.
Michelin
Carrefour S.A.
Orange S.A.
Koninklijke Philips N.V.
ASML Holding N.V.
Heineken N.V.
ING Groep N.V.
Ericsson
Volvo AB
IKEA
Nokia Oyj
Novo Nordisk A/S
A.P. Møller - Mærsk A/S
Equinor ASA
Banco Santander, S.A.
Telefónica, S.A.
Iberdrola, S.A.
Inditex
Enel S.p.A.
Ferrari N.V.
Eni S.p.A.
Toyota Motor Corporation
Honda Motor Co., Ltd.
Sony Group Corporation
Panasonic Holdings Corporation
Nintendo Co., Ltd.
Canon Inc.
Hitachi, Ltd.
Mitsubishi Corporation
SoftBank Group Corp.
Nissan Motor Co., Ltd.
Fast Retailing Co., Ltd.
Samsung Electronics Co., Ltd.
Hyundai Motor Company
LG Electronics Inc.
SK Hynix Inc.
POSCO Holdings Inc.
Taiwan Semiconductor Manufacturing Company Limited
Foxconn Technology Group
ASUSTeK Computer Inc.
Acer Incorporated
MediaTek Inc.
Infosys Limited
Tata Consultancy Services Limited
Reliance Industries Limited
Wipro Limited
Mahindra & Mahindra Ltd.
BHP Group Limited
Rio Tinto Group
Commonwealth Bank of Australia
Woolworths Group Limited
Shopify Inc.
Royal Bank of Canada
Magna International Inc.
Vale S.A.
Petrobras
Ambev S.A.
América Movil
Grupo Bimbo
Cemex
Naspers Limited
Alibaba Group Holding Limited
Lenovo Group Limited
JD.com, Inc.
Meituan
NetEase, Inc.
Haier Smart Home Co., Ltd.
Midea Group Co., Ltd.
Ping An Insurance (Group) Company of China, Ltd.
Tsingtao Brewery Company Limited
Kweichow Moutai Co., Ltd.
"""
)
# Chinese names of real companies on no US list (hand-made).
REAL_COMPANIES_ZH = _words(
    "阿里巴巴集团控股有限公司 联想集团有限公司 京东集团股份有限公司 网易公司 美团 海尔智家股份有限公司 美的集团股份有限公司 中国平安保险(集团)股份有限公司 青岛啤酒股份有限公司 "
    "贵州茅台酒股份有限公司 珠海格力电器股份有限公司 招商银行股份有限公司 万科企业股份有限公司 农夫山泉股份有限公司 安踏体育用品有限公司"
)


def _en_company(rng: random.Random) -> str:
    shape = rng.random()
    legal = rng.choice(_EN_LEGAL)
    if shape < 0.4:
        base = f"{rng.choice(_EN_ADJ)} {rng.choice(_EN_NOUN)} {rng.choice(_EN_INDUSTRY)}"
    elif shape < 0.6:
        base = f"{rng.choice(_EN_ADJ)}{rng.choice(_EN_NOUN).lower()} {rng.choice(_EN_INDUSTRY)}"
    elif shape < 0.8:
        _, last = _PEOPLE["english"]
        base = f"{rng.choice(last)} & {rng.choice(last)} {rng.choice(_EN_INDUSTRY)}"
    else:
        culture = rng.choice(list(_PEOPLE))
        base = f"{rng.choice(_PEOPLE[culture][1])} {rng.choice(_EN_INDUSTRY)}"
    return f"{base} {legal}".strip()


def _person(rng: random.Random) -> str:
    culture = rng.choice(list(_PEOPLE))
    first, last = _PEOPLE[culture]
    given = [rng.choice(first)]
    if rng.random() < 0.3:
        given.append(rng.choice(first))
    surname = rng.choice(last)
    if culture == "russian" and surname[-2:] in ("ov", "ev") and rng.random() < 0.5:
        surname += "a"  # women's surnames; given name sex is not tracked here, as in real traffic
    if rng.random() < 0.3:
        return f"{surname.upper()}, {' '.join(given)}"
    return f"{' '.join(given)} {surname}"


def _zh_company(rng: random.Random) -> str:
    city = rng.choice(_ZH_CITIES) + rng.choice(("", "市"))
    brand = "".join(rng.sample(_ZH_BRAND_CHARS, 2))
    return f"{city}{brand}{rng.choice(_ZH_INDUSTRY)}{rng.choice(_ZH_FORMS)}"


def _zh_person(rng: random.Random) -> str:
    return rng.choice(_ZH_SURNAMES) + rng.choice(_ZH_GIVEN)


def _pinyin_forms(han_name: str) -> set[str]:
    """How a Chinese person's name is romanised on the lists: "wang xiuying", "xiuying wang", "wang xiu ying"."""
    from pypinyin import lazy_pinyin

    surname, *given = (p.replace("v", "u") for p in lazy_pinyin(han_name))
    joined, spaced = "".join(given), " ".join(given)
    return {f"{surname} {joined}", f"{joined} {surname}", f"{surname} {spaced}", f"{spaced} {surname}"}


NEGATIVE_SHARES = {"neg_company_en": 0.35, "neg_person": 0.35, "neg_company_zh": 0.18, "neg_person_zh": 0.12}


def build_negatives(entities: Sequence[Entity], n: int, seed: int) -> tuple[list[EvalQuery], list[str]]:
    """``n`` clean names (generated plus the real-company lists); list names among them are dropped.

    Returns (queries, dropped names). Generated names are unique within the set. A Chinese person's
    name is also dropped when its pinyin is a list name verbatim (王伟 when "WANG, Wei" is listed):
    that alert is a namesake, which no name-only screening can tell apart.
    """
    rng = random.Random(seed + 1)
    listed = {norm(nm.value) for e in entities for nm in e.names}
    makers = {
        "neg_company_en": (_en_company, "latin"),
        "neg_person": (_person, "latin"),
        "neg_company_zh": (_zh_company, "han"),
        "neg_person_zh": (_zh_person, "han"),
    }
    real = [(t, "neg_real_company", "latin") for t in REAL_COMPANIES]
    real += [(t, "neg_real_company_zh", "han") for t in REAL_COMPANIES_ZH]
    budget = max(0, n - len(real))
    generated: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for family, share in NEGATIVE_SHARES.items():
        make, script = makers[family]
        want = round(budget * share)
        tries = 0
        made = 0
        # Chinese person names are few (surname x given); cap the tries rather than loop forever.
        while made < want and tries < want * 20:
            tries += 1
            text = make(rng)
            if text in seen:
                continue
            seen.add(text)
            generated.append((text, family, script))
            made += 1
    out: list[EvalQuery] = []
    dropped: list[str] = []
    for text, family, script in [*real, *generated]:
        if norm(text) in listed or (family == "neg_person_zh" and _pinyin_forms(text) & listed):
            dropped.append(text)
            continue
        kind = "person" if "person" in family else "organization"
        out.append(EvalQuery(text, family, script, kind=kind))
    return out, dropped


# --- qualifiers: namesakes with a contradicting birth year and nationality, and the listed persons --

# Nationalities given to namesakes: the first of these that the listed person does not have.
_OTHER_NATIONALITIES = ["US", "BR", "FR", "IN", "JP", "ES", "NG", "CA"]
NAMESAKE_GAP = (15, 40)  # years between a namesake's birth and every listed date of birth


def person_nationalities(entity: Entity) -> list[str]:
    """A listed person's nationalities and citizenships (ISO-2), else the other countries of the entry."""
    own = [c.upper() for c in [*entity.nationalities, *entity.citizenships] if c and len(c) == 2]
    if not own:
        own = [c.upper() for c in entity.countries if c and len(c) == 2]
        own += [a.country_code.upper() for a in entity.addresses if a.country_code]
    return sorted(set(own))


def namesake_query(entity: Entity, rng: random.Random) -> EvalQuery | None:
    """The listed person's exact name, born decades apart, of another nationality (None if the entry
    lists no date of birth or no nationality: nothing to contradict)."""
    years = sorted({int(d[:4]) for d in entity.birth_dates if d[:4].isdigit()})
    own = person_nationalities(entity)
    if not years or not own or not entity.names:
        return None
    gap = rng.randint(*NAMESAKE_GAP)
    year = years[-1] + gap if years[-1] + gap <= 2010 else years[0] - gap
    other = next(c for c in _OTHER_NATIONALITIES if c not in own)
    return EvalQuery(
        entity.name,
        "namesake_qualified",
        "latin",
        kind="person",
        source_name=entity.name,
        birth_date=str(year),
        nationality=other,
        namesake_of=frozenset({entity.entity_id}),
    )


def own_qualifier_query(entity: Entity, accepted: frozenset[str]) -> EvalQuery | None:
    """The listed person's exact name with their own first date of birth and nationality."""
    dates = [d for d in entity.birth_dates if d[:4].isdigit()]
    own = person_nationalities(entity)
    if not dates or not own or not entity.names:
        return None
    return EvalQuery(
        entity.name,
        "own_qualifiers",
        "latin",
        frozenset({entity.entity_id}),
        accepted,
        "person",
        entity.name,
        birth_date=dates[0],
        nationality=own[0],
    )


def build_qualified(entities: Sequence[Entity], n: int, seed: int) -> list[EvalQuery]:
    """``n`` listed persons with a date of birth and a nationality: each as a namesake and as themselves."""
    rng = random.Random(f"{seed}:qualified")
    pool = sorted(
        (
            e
            for e in entities
            if e.type == EntityType.PERSON and e.names and e.birth_dates and person_nationalities(e)
        ),
        key=lambda e: e.entity_id,
    )
    twins = name_twins(entities)
    out: list[EvalQuery] = []
    for e in rng.sample(pool, min(n, len(pool))):
        accepted = frozenset(twins.get(e.entity_id, set()) | {e.entity_id})
        for made in (
            namesake_query(e, random.Random(f"{seed}:{e.entity_id}:namesake")),
            own_qualifier_query(e, accepted),
        ):
            if made:
                out.append(made)
    return out


def build(
    entities: Sequence[Entity],
    n: int = 2000,
    n_negatives: int = 5000,
    seed: int = 20261125,
    n_qualified: int = 1000,
) -> EvalSet:
    """The whole labelled set."""
    han, unresolved, resolved = build_han(entities)
    negatives, dropped = build_negatives(entities, n_negatives, seed)
    return EvalSet(
        positives=build_positives(entities, n, seed),
        han=han,
        negatives=negatives,
        han_unresolved=unresolved,
        han_resolved=resolved,
        negatives_dropped=dropped,
        qualified=build_qualified(entities, n_qualified, seed) if n_qualified else [],
    )


def family_counts(queries: Iterable[EvalQuery]) -> dict[str, int]:
    """How many queries each family has, in first-seen order."""
    counts: dict[str, int] = {}
    for q in queries:
        counts[q.family] = counts.get(q.family, 0) + 1
    return counts
