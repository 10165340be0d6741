"""Regimes as data: what each list (and program within it) restricts, for whom, and from when.

``data/regimes.yaml`` holds one regime per list or program (OFAC's CMIC program, the SSI
directives, the BIS Entity List, ...). A regime has rules, one per restricted activity, each with
an effect (``prohibited``, ``restricted`` or ``allowed``) and a window given by date rules. The
status engine (:mod:`redlist.regimes.status`) reads these; it has no per-list code.

Date rules (:class:`DateRule`) are small expressions evaluated against a listing's dates::

    {date: "2021-01-11"}                      a fixed date
    {field: listed_on}                        a listing date (listed_on, effective_on,
                                              divestment_on, ends_on) or a regime date
    {field: listed_on, days: 60}              ... plus an offset in days
    {first: [rule, rule, ...]}                the first rule that gives a date
    {latest: [rule, rule, ...]}               the latest of the dates the rules give
    {if: {field: listed_on, on_or_before: "2020-11-12"}, then: rule, else: rule}

A regime's ``dates`` computes named dates from the listing (e.g. EO 13959's purchase-ban date:
the published effective date, else 2021-01-11 for companies listed by 2020-11-12, else 60 days
after listing); rules then refer to them by ``field``. ``ends`` ends the whole regime (EO 13959's
securities ban for DoD listings ended when EO 14032 replaced it).
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from redlist.errors import DataFileError
from redlist.model import LISTS, Listing, parse_iso_day

#: What a US person may ask about.
ACTIVITIES = ("invest", "divest", "transact", "export", "import", "procure", "telecom")
ACTIVITY_TEXT = {
    "invest": "buy publicly traded securities",
    "divest": "sell publicly traded securities",
    "transact": "deal with the party in any way",
    "export": "export, reexport or transfer items subject to the EAR",
    "import": "import goods into the United States",
    "procure": "federal or DoD procurement and contracting",
    "telecom": "FCC equipment authorization and FCC-administered subsidies",
}
#: A rule's effect on its activity while in force.
RULE_EFFECTS = ("prohibited", "restricted", "allowed")
VERIFICATION = ("confirmed", "secondary", "unconfirmed")
#: Dates of a :class:`~redlist.model.Listing` that date rules may read.
LISTING_DATE_FIELDS = ("listed_on", "effective_on", "divestment_on", "ends_on")
#: What a listing's ``ends_on`` means for a regime.
ENDS_ON_MEANINGS = ("expired", "removed")
#: Listing fields a rule's ``details`` templates may quote.
TEMPLATE_FIELDS = (
    "license_requirement",
    "license_policy",
    "standard_order",
    "remarks",
    "listed_on",
    "effective_on",
    "divestment_on",
    "ends_on",
)

_SLUG = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
_REGIME_KEYS = {
    "id",
    "list",
    "programs",
    "title",
    "authority",
    "citation",
    "source_url",
    "who",
    "verification",
    "notes",
    "dates",
    "ends",
    "ends_on",
    "rules",
}
_RULE_KEYS = {
    "activity",
    "effect",
    "from",
    "until",
    "text",
    "details",
    "citation",
    "source_url",
    "verification",
}
_END_KEYS = {"date", "reason", "citation", "source_url", "verification"}


class RegimeError(DataFileError):
    """``regimes.yaml`` is malformed; ``problems`` lists every problem found."""


# --- date rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRule:
    """A date computed from a listing's dates; see the module docstring for the YAML forms."""

    kind: str  # date | field | first | latest | if
    value: str | None = None  # for ``date``
    field: str | None = None  # for ``field`` and the ``if`` test
    days: int = 0
    options: tuple[DateRule, ...] = ()  # for ``first`` / ``latest``
    on_or_before: str | None = None  # for ``if``
    then: DateRule | None = None
    otherwise: DateRule | None = None

    def resolve(self, dates: Mapping[str, str | None]) -> str | None:
        """The date this rule gives for ``dates`` (ISO strings), or None when a field is missing."""
        if self.kind == "date":
            return self.value
        if self.kind == "field":
            base = dates.get(self.field or "")
            if base is None:
                return None
            return (date.fromisoformat(base) + timedelta(days=self.days)).isoformat()
        if self.kind == "first":
            for option in self.options:
                found = option.resolve(dates)
                if found is not None:
                    return found
            return None
        if self.kind == "latest":
            found = [d for d in (o.resolve(dates) for o in self.options) if d is not None]
            return max(found) if found else None
        # ``if``: a cohort test on a date field (e.g. "listed on or before 2020-11-12")
        tested = dates.get(self.field or "")
        if tested is None:
            return None
        branch = self.then if tested <= (self.on_or_before or "") else self.otherwise
        return branch.resolve(dates) if branch else None

    def fields(self) -> set[str]:
        """Every field name the rule reads."""
        out = {self.field} if self.field else set()
        for sub in (*self.options, self.then, self.otherwise):
            if sub is not None:
                out |= sub.fields()
        return out


def _parse_date_rule(raw: Any, where: str, problems: list[str]) -> DateRule | None:
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{where}: a date rule must be a mapping, got {raw!r}")
        return None
    keys = set(raw)
    if keys == {"date"}:
        value = _iso(raw["date"], f"{where}.date", problems)
        return DateRule("date", value=value) if value else None
    if keys <= {"field", "days"} and "field" in keys:
        days = raw.get("days", 0)
        if not isinstance(days, int) or isinstance(days, bool):
            problems.append(f"{where}.days: must be a whole number of days, got {days!r}")
            return None
        return DateRule("field", field=str(raw["field"]), days=days)
    if keys in ({"first"}, {"latest"}):
        kind = next(iter(keys))
        items = raw[kind]
        if not isinstance(items, list) or not items:
            problems.append(f"{where}.{kind}: must be a non-empty list of date rules")
            return None
        parsed = [_parse_date_rule(item, f"{where}.{kind}[{i}]", problems) for i, item in enumerate(items)]
        if any(p is None for p in parsed):
            return None
        return DateRule(kind, options=tuple(p for p in parsed if p is not None))
    if keys == {"if", "then", "else"}:
        test = raw["if"]
        if not isinstance(test, dict) or set(test) != {"field", "on_or_before"}:
            problems.append(f"{where}.if: must be {{field, on_or_before}}, got {test!r}")
            return None
        limit = _iso(test["on_or_before"], f"{where}.if.on_or_before", problems)
        then = _parse_date_rule(raw["then"], f"{where}.then", problems)
        otherwise = _parse_date_rule(raw["else"], f"{where}.else", problems)
        if limit is None or then is None or otherwise is None:
            return None
        return DateRule("if", field=str(test["field"]), on_or_before=limit, then=then, otherwise=otherwise)
    problems.append(
        f"{where}: unknown date rule {raw!r} (use date, field[+days], first, latest or if/then/else)"
    )
    return None


def _iso(value: Any, where: str, problems: list[str]) -> str | None:
    text = str(value).strip() if value is not None else ""
    try:
        parse_iso_day(text)
    except ValueError:
        problems.append(f"{where}: not a valid ISO date (YYYY-MM-DD): {value!r}")
        return None
    return text


# --- rules and regimes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What a regime does to one activity, from ``start`` (None: from listing) until ``until``."""

    activity: str
    effect: str
    text: str
    citation: str
    source_url: str
    verification: str
    start: DateRule | None = None
    until: DateRule | None = None
    details: tuple[str, ...] = ()  # templates quoting listing fields, kept when the field is set

    def render(self, listing: Listing) -> str:
        """The rule text with the listing's own wording appended (e.g. the EL licence requirement)."""
        parts = [self.text]
        for template in self.details:
            names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
            values = {n: getattr(listing, n, None) for n in names}
            if all(v not in (None, "") for v in values.values()):
                parts.append(template.format_map(values))
        return " ".join(parts)


@dataclass(frozen=True)
class RegimeEnd:
    """The end of a whole regime (e.g. EO 13959's DoD-list securities ban, replaced by EO 14032)."""

    date: DateRule
    reason: str
    citation: str
    source_url: str
    verification: str


@dataclass(frozen=True)
class Regime:
    """What one list, or one program within a list, restricts."""

    id: str
    list_id: str
    programs: tuple[str, ...]  # empty: the whole list; ("*",): programs no other regime claims
    title: str
    authority: str
    citation: str
    source_url: str
    who: str
    verification: str
    rules: tuple[Rule, ...]
    dates: tuple[tuple[str, DateRule], ...] = ()
    ends: RegimeEnd | None = None
    ends_on: str = "expired"  # what the listing's ends_on means: expired | removed
    notes: str | None = None

    @property
    def is_fallback(self) -> bool:
        return self.programs == ("*",)

    def claims(self, program: str) -> bool:
        """Whether ``program`` (as published, e.g. "FSE-SY") belongs to this regime."""
        for pattern in self.programs:
            if pattern == "*":
                continue
            if pattern.endswith("*"):
                if program.upper().startswith(pattern[:-1].upper()):
                    return True
            elif program.upper() == pattern.upper():
                return True
        return False

    def rules_for(self, activity: str) -> list[Rule]:
        return [r for r in self.rules if r.activity == activity]

    def resolve_dates(self, base: Mapping[str, str | None]) -> dict[str, str | None]:
        """``base`` (listing dates) with the regime's named dates computed in order."""
        out = dict(base)
        for name, rule in self.dates:
            out[name] = rule.resolve(out)
        return out


def regimes_for(listing: Listing, regimes: Iterable[Regime]) -> list[Regime]:
    """The regimes that govern ``listing``: whole-list regimes and those claiming one of its programs.

    The list's fallback regime (``programs: ["*"]``) applies only when no other regime matched, so
    a program this data does not model is still reported rather than silently ignored.
    """
    own = [r for r in regimes if r.list_id == listing.list_id]
    matched = [r for r in own if not r.programs]
    matched += [r for r in own if r.programs and not r.is_fallback and any(map(r.claims, listing.programs))]
    if not matched:
        matched = [r for r in own if r.is_fallback]
    return matched


# --- loading and checking ----------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so each bad date is reported with its place."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def default_path() -> Path:
    """The packaged ``regimes.yaml``."""
    return Path(str(resources.files("redlist.regimes").joinpath("data", "regimes.yaml")))


def _text(d: dict, key: str, where: str, problems: list[str], *, required: bool = True) -> str | None:
    value = d.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{where}.{key}: missing or empty")
        return None
    if not isinstance(value, str):
        problems.append(f"{where}.{key}: must be text, got {type(value).__name__}")
        return None
    return " ".join(value.split())


def _url(d: dict, key: str, where: str, problems: list[str], *, required: bool = True) -> str | None:
    value = _text(d, key, where, problems, required=required)
    if value is not None and not value.startswith(("http://", "https://")):
        problems.append(f"{where}.{key}: must start with http:// or https://: {value!r}")
        return None
    return value


def _choice(value: Any, allowed: tuple[str, ...], where: str, problems: list[str]) -> str | None:
    if value not in allowed:
        problems.append(f"{where}: {value!r} is not one of {', '.join(allowed)}")
        return None
    return value


def _unknown(d: dict, allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(d) - allowed, key=str):
        problems.append(f"{where}.{key}: unknown field")


def _check_fields(rule: DateRule | None, known: set[str], where: str, problems: list[str]) -> None:
    if rule is None:
        return
    for name in sorted(rule.fields() - known):
        problems.append(f"{where}: unknown date field {name!r} (known: {', '.join(sorted(known))})")


def _parse_rule(raw: Any, regime: dict, known: set[str], where: str, problems: list[str]) -> Rule | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: a rule must be a mapping")
        return None
    _unknown(raw, _RULE_KEYS, where, problems)
    activity = _choice(raw.get("activity"), ACTIVITIES, f"{where}.activity", problems)
    effect = _choice(raw.get("effect"), RULE_EFFECTS, f"{where}.effect", problems)
    text = _text(raw, "text", where, problems)
    citation = _text(raw, "citation", where, problems)
    source_url = _url(raw, "source_url", where, problems, required=False) or regime.get("source_url")
    verification = raw.get("verification", regime.get("verification"))
    verification = _choice(verification, VERIFICATION, f"{where}.verification", problems)
    start = _parse_date_rule(raw["from"], f"{where}.from", problems) if "from" in raw else None
    until = _parse_date_rule(raw["until"], f"{where}.until", problems) if "until" in raw else None
    _check_fields(start, known, f"{where}.from", problems)
    _check_fields(until, known, f"{where}.until", problems)
    details = raw.get("details") or []
    if not isinstance(details, list) or not all(isinstance(t, str) for t in details):
        problems.append(f"{where}.details: must be a list of text templates")
        details = []
    for template in details:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        except ValueError as exc:
            problems.append(f"{where}.details: bad template {template!r}: {exc}")
            continue
        for name in sorted(names - set(TEMPLATE_FIELDS)):
            problems.append(f"{where}.details: unknown listing field {{{name}}}")
    required = (activity, effect, text, citation, source_url, verification)
    if (
        any(v is None for v in required)
        or ("from" in raw and start is None)
        or ("until" in raw and until is None)
    ):
        return None
    return Rule(
        activity=activity,  # type: ignore[arg-type]
        effect=effect,  # type: ignore[arg-type]
        text=text,  # type: ignore[arg-type]
        citation=citation,  # type: ignore[arg-type]
        source_url=source_url,  # type: ignore[arg-type]
        verification=verification,  # type: ignore[arg-type]
        start=start,
        until=until,
        details=tuple(" ".join(t.split()) for t in details),
    )


def _parse_dates(raw: Any, where: str, problems: list[str]) -> tuple[tuple[str, DateRule], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.append(f"{where}.dates: must be a mapping of name -> date rule")
        return ()
    known = set(LISTING_DATE_FIELDS)
    out = []
    for name, spec in raw.items():
        rule = _parse_date_rule(spec, f"{where}.dates.{name}", problems)
        _check_fields(rule, known, f"{where}.dates.{name}", problems)
        if rule is not None:
            out.append((str(name), rule))
        known.add(str(name))  # later dates and rules may use it
    return tuple(out)


def _parse_end(raw: Any, regime: dict, where: str, problems: list[str]) -> RegimeEnd | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"{where}.ends: must be a mapping")
        return None
    w = f"{where}.ends"
    _unknown(raw, _END_KEYS, w, problems)
    day = _parse_date_rule(raw.get("date"), f"{w}.date", problems)
    _check_fields(day, set(LISTING_DATE_FIELDS), f"{w}.date", problems)
    reason = _text(raw, "reason", w, problems)
    citation = _text(raw, "citation", w, problems)
    source_url = _url(raw, "source_url", w, problems, required=False) or regime.get("source_url")
    verification = _choice(raw.get("verification", regime.get("verification")), VERIFICATION, w, problems)
    if day is None or reason is None or citation is None or source_url is None or verification is None:
        return None
    return RegimeEnd(day, reason, citation, source_url, verification)


def _parse_programs(raw: dict, where: str, problems: list[str]) -> tuple[str, ...]:
    value = raw.get("programs")
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
        problems.append(f"{where}.programs: must be a non-empty list of program names")
        return ()
    if "*" in value and len(value) > 1:
        problems.append(f'{where}.programs: "*" (the fallback) must stand alone')
    return tuple(p.strip() for p in value)


def _parse_regime(raw: Any, index: int, problems: list[str]) -> Regime | None:
    where = f"regimes[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: each regime must be a mapping")
        return None
    rid = raw.get("id")
    if not isinstance(rid, str) or not _SLUG.match(rid):
        problems.append(f"{where}.id: must be a lower-case slug, got {rid!r}")
        rid = None
    else:
        where = f"regime {rid!r}"
    _unknown(raw, _REGIME_KEYS, where, problems)
    list_id = raw.get("list")
    if list_id not in LISTS:
        problems.append(f"{where}.list: unknown list id {list_id!r} (see redlist.model.LISTS)")
        list_id = None
    programs = _parse_programs(raw, where, problems)
    fields = {k: _text(raw, k, where, problems) for k in ("title", "authority", "citation", "who")}
    source_url = _url(raw, "source_url", where, problems)
    verification = _choice(raw.get("verification"), VERIFICATION, f"{where}.verification", problems)
    notes = _text(raw, "notes", where, problems, required=False)
    ends_on = _choice(raw.get("ends_on", "expired"), ENDS_ON_MEANINGS, f"{where}.ends_on", problems)
    dates = _parse_dates(raw.get("dates"), where, problems)
    ends = _parse_end(raw.get("ends"), raw, where, problems)
    known = set(LISTING_DATE_FIELDS) | {name for name, _ in dates}
    raw_rules = raw.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(f"{where}.rules: missing, empty or not a list")
        raw_rules = []
    rules = [_parse_rule(r, raw, known, f"{where}.rules[{i}]", problems) for i, r in enumerate(raw_rules)]
    required = (rid, list_id, source_url, verification, ends_on, *fields.values())
    if any(v is None for v in required) or any(r is None for r in rules) or not rules:
        return None
    return Regime(
        id=rid,  # type: ignore[arg-type]
        list_id=list_id,  # type: ignore[arg-type]
        programs=programs,
        title=fields["title"],  # type: ignore[arg-type]
        authority=fields["authority"],  # type: ignore[arg-type]
        citation=fields["citation"],  # type: ignore[arg-type]
        source_url=source_url,  # type: ignore[arg-type]
        who=fields["who"],  # type: ignore[arg-type]
        verification=verification,  # type: ignore[arg-type]
        rules=tuple(r for r in rules if r is not None),
        dates=dates,
        ends=ends,
        ends_on=ends_on,  # type: ignore[arg-type]
        notes=notes,
    )


def _cross_checks(raw: list[Any], regimes: list[Regime], problems: list[str]) -> None:
    ids = [r.get("id") for r in raw if isinstance(r, dict)]
    for rid in sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1}):
        problems.append(f"regime {rid!r}: duplicate id")
    for list_id in LISTS:
        own = [r for r in regimes if r.list_id == list_id]
        # Every list needs a regime: a listed party on a list without one would read as "allowed".
        if not own and all(not isinstance(r, dict) or r.get("list") != list_id for r in raw):
            problems.append(f"list {list_id!r}: no regime (every list in redlist.model.LISTS needs one)")
        whole = [r.id for r in own if not r.programs]
        fallback = [r.id for r in own if r.is_fallback]
        if len(whole) > 1 or len(fallback) > 1 or (whole and fallback):
            problems.append(
                f"list {list_id!r}: at most one whole-list or fallback regime, got {', '.join(whole + fallback)}"
            )


def _parse(path: Path) -> tuple[list[Regime], list[str]]:
    problems: list[str] = []
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [f"{path.name}: cannot read YAML: {exc}"]
    if not isinstance(doc, dict) or not isinstance(doc.get("regimes"), list):
        return [], [f"{path.name}: must be a mapping with a 'regimes' list"]
    _unknown(doc, {"regimes"}, path.name, problems)
    raw = doc["regimes"]
    regimes = [_parse_regime(r, i, problems) for i, r in enumerate(raw)]
    found = [r for r in regimes if r is not None]
    _cross_checks(raw, found, problems)
    return found, problems


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
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise RegimeError(f"{path.name}: {problems[0]}{more}", problems=problems)
    return tuple(regimes)
