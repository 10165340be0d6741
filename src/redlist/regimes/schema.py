"""The schema of ``regimes.yaml``, checked by :mod:`redlist.datafile`.

What a schema cannot say (date fields a rule reads must exist, one whole-list regime per list,
every list has a regime, duplicate ids) is checked by :mod:`redlist.regimes.rules`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, Field, PlainValidator, field_validator, model_validator

from redlist.datafile import Prose, Schema, Url, Verification
from redlist.model import Activity
from redlist.regimes.dates import DateRule, parse_date_rule
from redlist.regimes.model import ACTIVITIES as ACTIVITIES  # re-exported (declared with the model)

RuleEffect = Literal["prohibited", "restricted", "allowed"]
EndsOnMeaning = Literal["expired", "removed"]

#: A rule's effect on its activity while in force.
RULE_EFFECTS: tuple[str, ...] = get_args(RuleEffect)
#: What a listing's ``ends_on`` means for a regime.
ENDS_ON_MEANINGS: tuple[str, ...] = get_args(EndsOnMeaning)

#: A date rule in its YAML form (see :mod:`redlist.regimes.dates`).
DateRuleField = Annotated[DateRule, PlainValidator(lambda raw: parse_date_rule(raw))]


def _regime_slug(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(?:[_-][a-z0-9]+)*", value):
        raise ValueError(f"must be a lower-case slug, got {value!r}")
    return value


RegimeSlug = Annotated[str, AfterValidator(_regime_slug)]


class BeyondScopeSpec(Schema):
    """Why a rule reaches a purpose-limited listing whatever the purpose (see :class:`RuleSpec`)."""

    text: Prose
    citation: Prose
    source_url: Url | None = None  # default: the rule's
    verification: Verification | None = None  # default: the rule's


class RuleSpec(Schema):
    activity: Activity = Field(strict=False)  # the enum from its YAML text
    effect: RuleEffect
    start: DateRuleField | None = Field(None, alias="from")
    until: DateRuleField | None = None
    text: Prose
    details: list[str] = Field(default_factory=list)  # templates quoting listing fields
    citation: Prose
    source_url: Url | None = None  # default: the regime's
    verification: Verification | None = None  # default: the regime's
    # A listing with a scope (equipment covered only for some purposes) limits every rule to those
    # purposes, unless the rule says why it reaches the equipment whatever its use.
    beyond_scope: BeyondScopeSpec | None = None


class EndSpec(Schema):
    date: DateRuleField
    reason: Prose
    citation: Prose
    source_url: Url | None = None
    verification: Verification | None = None


class RegimeSpec(Schema):
    id: RegimeSlug
    list_id: str = Field(alias="list")
    programs: list[Prose] | None = Field(None, min_length=1)
    title: Prose
    authority: Prose
    citation: Prose
    source_url: Url
    who: Prose
    verification: Verification
    notes: Prose | None = None
    dates: dict[str, DateRuleField] | None = None
    ends: EndSpec | None = None
    ends_on: EndsOnMeaning = "expired"
    rules: list[RuleSpec] = Field(min_length=1)
    # a regime that reaches parties through their owners (OFAC's 50 percent rule, BIS's Affiliates
    # Rule): it applies to a party owned at least min_share by a party listed on its list
    via: Literal["ownership"] | None = None
    min_share: float | None = Field(None, gt=0, le=1, strict=False)

    @model_validator(mode="after")
    def _via_needs_share(self) -> RegimeSpec:
        if (self.via is None) != (self.min_share is None):
            raise ValueError("via: ownership and min_share go together")
        return self

    @field_validator("programs")
    @classmethod
    def _fallback_alone(cls, programs: list[str] | None) -> list[str] | None:
        if programs and "*" in programs and len(programs) > 1:
            raise ValueError('"*" (the fallback) must stand alone')
        return programs


class RegimesFileSpec(Schema):
    """``regimes.yaml``: a list of :class:`RegimeSpec`, each checked on its own."""

    regimes: list[dict[str, Any]]
