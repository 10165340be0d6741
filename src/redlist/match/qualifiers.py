"""Qualifiers that confirm or clear a name match: date of birth (or year) and nationality.

Compliance analysts clear a namesake by what the list says about the listed person beyond the
name: born in another decade, a citizen of another country. The query may carry a date of birth
(``1962-05-03``, ``1962-05`` or the year alone) and a nationality (ISO-2). Each is compared with
the entry's own facts and gives one piece of evidence:

- a **missing** qualifier (in the query or on the entry) changes nothing;
- a **matching** one raises the score a little (the same full date of birth more than the year);
- a birth year within a few years of a listed one (the usual reporting error) is neither;
- a **contradicting** one lowers the score; a birth year far from every listed date of birth
  together with another nationality is a namesake: the score is capped under any useful threshold.

Every piece of evidence says what it did, in words, for the match's explanation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from redlist.errors import RedlistError

#: Years a listed date of birth may be off by (reporting error, "circa") and still not contradict.
BIRTH_YEAR_TOLERANCE = 3
#: Raises for matching qualifiers (added, capped at 1.0).
SAME_BIRTH_DATE = 0.05
SAME_BIRTH_YEAR = 0.03
SAME_NATIONALITY = 0.02
#: Factors for contradicting qualifiers.
OTHER_BIRTH_YEAR = 0.85
OTHER_NATIONALITY = 0.9
#: Birth year and nationality both contradicting: a namesake; the score is held under this.
NAMESAKE_CAP = 0.6
#: The most all qualifiers together can add to a name score (the screener scores names down to
#: threshold minus this, so that a raise can lift a score over the threshold).
MAX_RAISE = SAME_BIRTH_DATE + SAME_NATIONALITY + 0.02

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_birth_date(value: str | None) -> str | None:
    """A query's date of birth as ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; RedlistError if not one."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.endswith(".0") and text[:-2].isdigit():  # a year read from a spreadsheet number cell
        text = text[:-2]
    m = _DATE.match(text)
    if not m or not 1850 <= int(m[1]) <= 2100:
        raise RedlistError(f"date of birth {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if m[2] and not 1 <= int(m[2]) <= 12 or m[3] and not 1 <= int(m[3]) <= 31:
        raise RedlistError(f"date of birth {text!r} is not a valid date")
    return text


def parse_country(value: str | None, what: str = "nationality") -> str | None:
    """An ISO-2 code in upper case, or None; RedlistError when it is not two letters."""
    if value is None or not str(value).strip():
        return None
    code = str(value).strip().upper()
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        raise RedlistError(f"{what} {value!r} is not an ISO-2 country code (e.g. CN, RU)")
    return code


@dataclass(frozen=True, slots=True)
class Evidence:
    """One qualifier compared: "match", "near", "contradicts" or "unknown", and what it says."""

    qualifier: str  # "birth_date" or "nationality"
    verdict: str
    note: str


def birth_evidence(query: str | None, listed: Iterable[str]) -> Evidence | None:
    """The query's date of birth against the entry's (ISO, possibly partial; ranges listed as years)."""
    if not query:
        return None
    dates = [d for d in listed if d and d[:4].isdigit()]
    if not dates:
        return Evidence("birth_date", "unknown", "the entry lists no date of birth")
    shown = ", ".join(sorted(set(dates))[:4]) + (" ..." if len(set(dates)) > 4 else "")
    if len(query) == 10 and query in dates:
        return Evidence("birth_date", "match", f"date of birth {query} matches")
    year = int(query[:4])
    # the query's date agrees with a listed partial date ("1962" or "1962-05" for 1962-05-03)
    if any(query.startswith(d) or d.startswith(query) for d in dates):
        return Evidence("birth_date", "match", f"birth year {year} matches the listed {shown}")
    gap = min(abs(year - int(d[:4])) for d in dates)
    if gap == 0:  # same year, another day or month: likely a typo or a different person; neither
        return Evidence("birth_date", "near", f"date of birth {query} is not the listed {shown} (same year)")
    if gap <= BIRTH_YEAR_TOLERANCE:
        return Evidence(
            "birth_date",
            "near",
            f"birth year {year} is {gap} year(s) from the listed {shown} (within reporting error)",
        )
    return Evidence(
        "birth_date",
        "contradicts",
        f"birth year {year} is {gap} years from every listed date of birth ({shown})",
    )


def nationality_evidence(
    query: str | None, nationalities: Iterable[str], countries: Iterable[str]
) -> Evidence | None:
    """The query's nationality against the entry's nationalities and citizenships.

    An entry without either is compared with its other countries (address, country of
    registration): a person listed only with an address in one country may be its citizen.
    """
    if not query:
        return None
    own = sorted({c.upper() for c in nationalities if c and len(c) == 2})
    basis = "nationalities"
    if not own:
        own = sorted({c.upper() for c in countries if c and len(c) == 2})
        basis = "countries"
    if not own:
        return Evidence("nationality", "unknown", "the entry lists no nationality or country")
    if query in own:
        return Evidence("nationality", "match", f"nationality {query} matches")
    return Evidence(
        "nationality",
        "contradicts",
        f"nationality {query} is not among the entry's {basis} ({', '.join(own)})",
    )


def apply_qualifiers(score: float, evidence: Iterable[Evidence | None]) -> tuple[float, list[Evidence]]:
    """The score after the qualifiers, and the evidence that was weighed (missing ones dropped)."""
    found = [e for e in evidence if e is not None]
    verdicts = {e.qualifier: e.verdict for e in found}
    for e in found:
        if e.verdict == "match":
            if e.qualifier == "birth_date":
                score += SAME_BIRTH_DATE if e.note.startswith("date of birth") else SAME_BIRTH_YEAR
            else:
                score += SAME_NATIONALITY
        elif e.verdict == "contradicts":
            score *= OTHER_BIRTH_YEAR if e.qualifier == "birth_date" else OTHER_NATIONALITY
    if verdicts.get("birth_date") == "contradicts" and verdicts.get("nationality") == "contradicts":
        score = min(score, NAMESAKE_CAP)
        found.append(
            Evidence(
                "namesake",
                "contradicts",
                "birth year and nationality both contradict the entry: a namesake, cleared",
            )
        )
    return min(score, 1.0), found
