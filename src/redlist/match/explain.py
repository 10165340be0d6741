"""Plain-words explanations of match scores."""

from __future__ import annotations

from typing import Any

from redlist.match.score import Comparison

_VIA = {
    "name": "",
    "translation": " (Chinese name translated)",
    "pinyin": " (Chinese name in pinyin)",
    "transliteration": " (transliterated)",
    "wade-giles": " (Wade-Giles read as pinyin)",
    "initials": " (run-together initials read apart)",
    "katakana": " (katakana, without the vowels it adds after consonants)",
}


def name_features(c: Comparison, name_type: str) -> dict[str, Any]:
    """The features behind a name score, for the ``explanation`` of a match."""
    return {
        "query_form": c.query.core,
        "query_form_via": c.query.via,
        "list_name": c.candidate.text,
        "list_name_type": name_type,
        "list_form": c.candidate.core,
        "method": c.method,
        "tokens": [{"query": q, "list": t, "similarity": round(s, 3)} for q, t, s in c.pairs],
        "query_coverage": round(c.query_coverage, 3),
        "list_coverage": round(c.list_coverage, 3),
        "legal_forms": {"query": sorted(c.query.legal_forms), "list": sorted(c.candidate.legal_forms)},
        **({"rules": list(c.rules)} if c.rules else {}),
    }


def name_summary(c: Comparison, name_type: str) -> str:
    """One sentence: which query form met which list name, and how closely."""
    exact = sum(1 for _, _, s in c.pairs if s == 1.0)
    fuzzy = [f"{q}~{t}" for q, t, s in c.pairs if s < 1.0]
    via = _VIA.get(c.query.via, "")
    if c.query.via == "pinyin reading":  # the form's text says which pinyin was read as which word
        via = f" (pinyin read as Chinese: {c.query.text})"
    parts = [f"'{c.query.core}'{via} met {name_type} name '{c.candidate.text}'"]
    if c.method == "whole string":
        parts.append("as a whole string (words joined or split)")
    else:
        parts.append(f"{exact} word(s) equal")
        if fuzzy:
            parts.append("close: " + ", ".join(fuzzy))
    unmatched = len(c.candidate.tokens) - len(c.pairs)
    if unmatched > 0 and c.method == "tokens":
        parts.append(f"{unmatched} list word(s) not in the query")
    parts.extend(c.rules)
    return "; ".join(parts)
