"""Typed identifiers: classify a publication's label, normalise the value, check its digits."""

from __future__ import annotations

import functools
import re

from redlist.model import Identifier, IdType

# Publication labels (OFAC remarks and XML idType, CSL ids "type") -> our identifier type.
_LABELS: list[tuple[re.Pattern[str], IdType]] = [
    (re.compile(r"^(alt\.\s*)?isin\b", re.I), IdType.ISIN),
    (re.compile(r"legal entity (identifier|number)|^lei\b", re.I), IdType.LEI),
    (re.compile(r"unified social credit code|uscc", re.I), IdType.USCC),
    (re.compile(r"vessel registration identification|^imo\b", re.I), IdType.IMO),
    (re.compile(r"^mmsi\b", re.I), IdType.MMSI),
    (re.compile(r"equity ticker", re.I), IdType.TICKER),
    (re.compile(r"passport", re.I), IdType.PASSPORT),
    (
        re.compile(r"national id|personal id|identification number|cedula|\bdni\b|\bcurp\b", re.I),
        IdType.NATIONAL_ID,
    ),
    (
        re.compile(
            r"tax id|v\.?a\.?t\.? number|\bvat\b|\btin\b|\binn\b|\bnit\b|\brfc\b|\bruc\b|\bcuit\b", re.I
        ),
        IdType.TAX_ID,
    ),
    (re.compile(r"swift|\bbic\b", re.I), IdType.SWIFT),
    (re.compile(r"digital currency address", re.I), IdType.CRYPTO),
    (re.compile(r"aircraft (manufacturer'?s )?serial|\bmsn\b", re.I), IdType.AIRCRAFT_SERIAL),
    (re.compile(r"aircraft tail number", re.I), IdType.AIRCRAFT_TAIL),
    (
        re.compile(
            r"registration (id|number)|registration|business number|\bogrn\b|company number|commercial registry",
            re.I,
        ),
        IdType.REGISTRATION,
    ),
]


def classify(label: str) -> IdType:
    """Map a publication's identifier label to an :class:`IdType` (OTHER when unknown)."""
    for pattern, kind in _LABELS:
        if pattern.search(label):
            return kind
    return IdType.OTHER


def normalize(kind: IdType, value: str) -> str:
    """The comparable form of an identifier value (codes upper-cased, separators removed)."""
    value = value.strip().rstrip(".;,")
    if kind in (IdType.ISIN, IdType.LEI, IdType.USCC, IdType.SWIFT):
        return re.sub(r"[\s\-.]", "", value).upper()
    if kind == IdType.IMO:
        return re.sub(r"\D", "", value)
    if kind in (IdType.CRYPTO, IdType.OTHER):
        # addresses, e-mails and websites are case-sensitive or read better as published
        return re.sub(r"\s+", " ", value)
    return re.sub(r"\s+", " ", value).upper()


@functools.cache
def _checkers() -> dict[IdType, object]:
    from stdnum import imo, isin, lei
    from stdnum.cn import uscc

    return {IdType.ISIN: isin, IdType.LEI: lei, IdType.USCC: uscc, IdType.IMO: imo}


def is_valid(kind: IdType, value: str) -> bool | None:
    """Check digits where the scheme has them; None when there is nothing to check."""
    module = _checkers().get(kind)
    if module is None:
        return None
    return bool(module.is_valid(value))  # type: ignore[attr-defined]


def make(kind: IdType | str, value: str, *, label: str | None = None, **extra: str | None) -> Identifier:
    """Build a validated identifier from a type (or a publication label) and a raw value.

    With an :class:`IdType`, ``label`` keeps the publication's own wording.
    """
    id_type = kind if isinstance(kind, IdType) else classify(kind)
    if label is None and not isinstance(kind, IdType):
        label = kind
    norm = normalize(id_type, value)
    return Identifier(type=id_type, value=norm, label=label, valid=is_valid(id_type, norm), **extra)
