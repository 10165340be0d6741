"""Date rules: small expressions that compute a regime's dates from a listing's dates.

The YAML forms (see :mod:`redlist.regimes.rules`)::

    {date: "2021-01-11"}                      a fixed date
    {field: listed_on}                        a listing date or a regime date
    {field: listed_on, days: 60}              ... plus an offset in days
    {first: [rule, rule, ...]}                the first rule that gives a date
    {latest: [rule, rule, ...]}               the latest of the dates the rules give
    {if: {field: listed_on, on_or_before: "2020-11-12"}, then: rule, else: rule}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from redlist.model import parse_iso_day


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
            given = [d for d in (o.resolve(dates) for o in self.options) if d is not None]
            return max(given) if given else None
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


def parse_date_rule(raw: Any, where: str = "") -> DateRule:
    """A :class:`DateRule` from its YAML form; ``ValueError`` naming the part (``where``) that is wrong."""
    at = f"{where}: " if where else ""
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{at}a date rule must be a mapping, got {raw!r}")
    keys = set(raw)
    if keys == {"date"}:
        return DateRule("date", value=_iso(raw["date"], f"{where}.date" if where else "date"))
    if keys <= {"field", "days"} and "field" in keys:
        days = raw.get("days", 0)
        if not isinstance(days, int) or isinstance(days, bool):
            raise ValueError(
                f"{where + '.' if where else ''}days: must be a whole number of days, got {days!r}"
            )
        return DateRule("field", field=str(raw["field"]), days=days)
    if keys in ({"first"}, {"latest"}):
        kind = next(iter(keys))
        items = raw[kind]
        here = f"{where}.{kind}" if where else kind
        if not isinstance(items, list) or not items:
            raise ValueError(f"{here}: must be a non-empty list of date rules")
        return DateRule(
            kind, options=tuple(parse_date_rule(item, f"{here}[{i}]") for i, item in enumerate(items))
        )
    if keys == {"if", "then", "else"}:
        test = raw["if"]
        here = f"{where}." if where else ""
        if not isinstance(test, dict) or set(test) != {"field", "on_or_before"}:
            raise ValueError(f"{here}if: must be {{field, on_or_before}}, got {test!r}")
        return DateRule(
            "if",
            field=str(test["field"]),
            on_or_before=_iso(test["on_or_before"], f"{here}if.on_or_before"),
            then=parse_date_rule(raw["then"], f"{here}then"),
            otherwise=parse_date_rule(raw["else"], f"{here}else"),
        )
    raise ValueError(f"{at}unknown date rule {raw!r} (use date, field[+days], first, latest or if/then/else)")


def _iso(value: Any, where: str) -> str:
    text = str(value).strip() if value is not None else ""
    try:
        parse_iso_day(text)
    except ValueError:
        raise ValueError(f"{where}: not a valid ISO date (YYYY-MM-DD): {value!r}") from None
    return text
