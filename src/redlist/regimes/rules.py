"""Regimes as data: what each list (and program within it) restricts, for whom, and from when.

``data/regimes.yaml`` holds one regime per list or program (OFAC's CMIC program, the SSI
directives, the BIS Entity List, ...). A regime has rules, one per restricted activity, each with
an effect (``prohibited``, ``restricted`` or ``allowed``) and a window given by date rules. The
status engine (:mod:`redlist.regimes.status`) reads these; it has no per-list code.

Date rules (:class:`~redlist.regimes.dates.DateRule`) are small expressions evaluated against a
listing's dates (listed_on, effective_on, divestment_on, ends_on) and the regime's own named dates;
:mod:`redlist.regimes.dates` lists their forms. The file is read by :mod:`redlist.datafile`
against :mod:`redlist.regimes.schema`; this module adds the checks between regimes.

A regime's ``dates`` computes named dates from the listing (e.g. EO 13959's purchase-ban date:
the published effective date, else 2021-01-11 for companies listed by 2020-11-12, else 60 days
after listing); rules then refer to them by ``field``. ``ends`` ends the whole regime (EO 13959's
securities ban for DoD listings ended when EO 14032 replaced it).

This is the one strict loader of the file: :func:`load_regimes` raises on any problem,
:func:`check_regimes` lists them all. What it gives (:class:`Regime`, :class:`Rule`...) is declared
in :mod:`redlist.regimes.model`; the status engine reads the packaged regimes through
:func:`redlist.regimes.compiled.regimes`, which keeps this loader's output between processes.
"""

from __future__ import annotations

import functools
import string
from importlib import resources
from pathlib import Path

from redlist import datafile
from redlist.datafile import VERIFICATION, Document
from redlist.errors import DataFileError
from redlist.model import LISTS
from redlist.regimes.dates import DateRule
from redlist.regimes.model import (
    ACTIVITIES,
    ACTIVITY_TEXT,
    LISTING_DATE_FIELDS,
    TEMPLATE_FIELDS,
    BeyondScope,
    Regime,
    RegimeEnd,
    Rule,
    regimes_for,
)
from redlist.regimes.schema import (
    ENDS_ON_MEANINGS,
    RULE_EFFECTS,
    EndSpec,
    RegimesFileSpec,
    RegimeSpec,
    RuleSpec,
)
from redlist.versions import regimes_version as regimes_version  # re-exported: kept apart (start-up)

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_TEXT",
    "ENDS_ON_MEANINGS",
    "LISTING_DATE_FIELDS",
    "RULE_EFFECTS",
    "TEMPLATE_FIELDS",
    "VERIFICATION",
    "BeyondScope",
    "DateRule",
    "Regime",
    "RegimeEnd",
    "RegimeError",
    "Rule",
    "check_regimes",
    "load_regimes",
    "regimes_for",
]


class RegimeError(DataFileError):
    """``regimes.yaml`` is malformed; ``problems`` lists every problem found."""


# --- loading and checking ----------------------------------------------------------------------


def default_path() -> Path:
    """The packaged ``regimes.yaml``."""
    return Path(str(resources.files("redlist.regimes").joinpath("data", "regimes.yaml")))


def _field_problems(doc: Document, loc: datafile.Loc, rule: DateRule | None, known: set[str]) -> list[str]:
    if rule is None:
        return []
    return [
        doc.problem(loc, f"unknown date field {name!r} (known: {', '.join(sorted(known))})")
        for name in sorted(rule.fields() - known)
    ]


def _template_problems(doc: Document, loc: datafile.Loc, details: list[str]) -> list[str]:
    out = []
    for template in details:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        except ValueError as exc:
            out.append(doc.problem(loc, f"bad template {template!r}: {exc}"))
            continue
        out += [
            doc.problem(loc, f"unknown listing field {{{name}}}")
            for name in sorted(names - set(TEMPLATE_FIELDS))
        ]
    return out


def _rule(spec: RuleSpec, regime: RegimeSpec) -> Rule:
    source_url = spec.source_url or regime.source_url
    verification = spec.verification or regime.verification
    beyond = spec.beyond_scope
    return Rule(
        activity=spec.activity,
        effect=spec.effect,
        text=spec.text,
        citation=spec.citation,
        source_url=source_url,
        verification=verification,
        start=spec.start,
        until=spec.until,
        details=tuple(" ".join(t.split()) for t in spec.details),
        beyond_scope=BeyondScope(
            beyond.text,
            beyond.citation,
            beyond.source_url or source_url,
            beyond.verification or verification,
        )
        if beyond
        else None,
    )


def _end(spec: EndSpec | None, regime: RegimeSpec) -> RegimeEnd | None:
    if spec is None:
        return None
    return RegimeEnd(
        spec.date,
        spec.reason,
        spec.citation,
        spec.source_url or regime.source_url,
        spec.verification or regime.verification,
    )


def _regime(doc: Document, i: int, spec: RegimeSpec) -> tuple[Regime | None, list[str]]:
    loc: datafile.Loc = ("regimes", i)
    problems = []
    if spec.list_id not in LISTS:
        problems.append(
            doc.problem((*loc, "list"), f"unknown list id {spec.list_id!r} (see redlist.model.LISTS)")
        )
    known = set(LISTING_DATE_FIELDS)
    for name, rule in (spec.dates or {}).items():
        problems += _field_problems(doc, (*loc, "dates", name), rule, known)
        known.add(name)  # later dates and rules may use it
    if spec.ends is not None:
        problems += _field_problems(doc, (*loc, "ends", "date"), spec.ends.date, set(LISTING_DATE_FIELDS))
    for j, rule_spec in enumerate(spec.rules):
        problems += _field_problems(doc, (*loc, "rules", j, "from"), rule_spec.start, known)
        problems += _field_problems(doc, (*loc, "rules", j, "until"), rule_spec.until, known)
        problems += _template_problems(doc, (*loc, "rules", j, "details"), rule_spec.details)
    if problems:
        return None, problems
    regime = Regime(
        id=spec.id,
        list_id=spec.list_id,
        programs=tuple(spec.programs or ()),
        title=spec.title,
        authority=spec.authority,
        citation=spec.citation,
        source_url=spec.source_url,
        who=spec.who,
        verification=spec.verification,
        rules=tuple(_rule(r, spec) for r in spec.rules),
        dates=tuple((spec.dates or {}).items()),
        ends=_end(spec.ends, spec),
        ends_on=spec.ends_on,
        notes=spec.notes,
        via=spec.via,
        min_share=spec.min_share,
    )
    return regime, []


def _cross_checks(doc: Document, raw: list[dict], regimes: list[Regime]) -> list[str]:
    problems = datafile.duplicates(doc, raw, ("regimes",))
    for list_id in LISTS:
        own = [r for r in regimes if r.list_id == list_id and r.via is None]
        # Every list needs a regime: a listed party on a list without one would read as "allowed".
        if not own and all(r.get("list") != list_id for r in raw):
            problems.append(
                f"{doc.name}: list {list_id!r}: no regime (every list in redlist.model.LISTS needs one)"
            )
        whole = [r.id for r in own if not r.programs]
        fallback = [r.id for r in own if r.is_fallback]
        if len(whole) > 1 or len(fallback) > 1 or (whole and fallback):
            problems.append(
                f"{doc.name}: list {list_id!r}: at most one whole-list or fallback regime, "
                f"got {', '.join(whole + fallback)}"
            )
    return problems


def _parse(path: Path) -> tuple[list[Regime], list[str]]:
    try:
        doc = datafile.read(path)
    except DataFileError as exc:
        return [], [str(exc)]
    spec, problems = datafile.validate(doc, RegimesFileSpec)
    if spec is None:
        if not isinstance(doc.data, dict):
            problems = [f"{doc.name}: must be a mapping with a 'regimes' list"]
        return [], problems
    items, found = datafile.validate_items(doc, ("regimes",), RegimeSpec)
    problems += found
    regimes = []
    for i, item in items:
        regime, found = _regime(doc, i, item)
        problems += found
        if regime is not None:
            regimes.append(regime)
    return regimes, problems + _cross_checks(doc, spec.regimes, regimes)


def check_regimes(path: Path | None = None) -> list[str]:
    """Every problem in a regimes file (default: the packaged one); empty when it is good."""
    return _parse(Path(path) if path else default_path())[1]


def load_regimes(path: Path | None = None) -> list[Regime]:
    """Load a regimes file (default: the packaged one, cached); raise :class:`RegimeError` on problems."""
    if path is None:
        return list(_load_default())
    return list(_load(Path(path)))


@functools.lru_cache(maxsize=1)
def _load_default() -> tuple[Regime, ...]:
    return _load(default_path())


def _load(path: Path) -> tuple[Regime, ...]:
    regimes, problems = _parse(path)
    datafile.raise_problems(problems, RegimeError)
    return tuple(regimes)
