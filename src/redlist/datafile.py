"""One strict loader for the data files that hold redlist's legal knowledge.

The curated lists, the legal events and the regimes are YAML files checked against a pydantic
schema (``curated/schema.py``, ``regimes/schema.py``). Every problem names the file, the line, the
item and the field::

    us_dod_ccmc.yaml:41: entries[3] 'hesai': field 'citation': missing or empty

What this module gives the schemas:

- :func:`read`: YAML with dates kept as text (so ``2021-02-30`` is reported with its place rather
  than failing the whole file, and ``YYYY-MM-DD`` is the only accepted spelling) and the line of
  every key and list item;
- field types: :data:`Text`, :data:`Prose`, :data:`Slug`, :data:`Url`, :data:`PastDay`,
  :data:`AnyDay`, :data:`Country`, :data:`Verification`;
- :func:`validate`: the schema's errors as one message per problem, in this module's wording;
- :class:`Document.problem` for the cross-checks a schema cannot express (duplicate ids, references
  between items), with the same place format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from redlist.errors import DataFileError
from redlist.model import Purpose, Scope, parse_iso_day

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

#: How sure a fact is: read in government text, from other sources only, or one weak source.
VERIFICATION = ("confirmed", "secondary", "unconfirmed")


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that leaves dates as strings (each bad date is reported in place) and
    reads only ``true``/``false`` as booleans (YAML 1.1 would turn a key ``on`` or a value ``no``
    into a boolean)."""


_DROPPED = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """:class:`_Loader` on libyaml when PyYAML has it (5x faster: the curated files are read at
    start-up); same resolvers, so the same data and lines. Errors are reported by :class:`_Loader`."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


@dataclass
class Document:
    """A parsed data file: its content and the line of every key and list item."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest enclosing item."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found is not None:
                return found
        return None

    def problem(self, loc: Loc, message: str) -> str:
        """``message`` prefixed with the file, line, item and field of ``loc``."""
        line = self.line(loc)
        place = f"{self.name}:{line}" if line else self.name
        item, rest = self._split(loc)
        parts = [place, item, f"field {rest!r}" if rest else ""]
        return ": ".join(p for p in parts if p) + f": {message}"

    def _split(self, loc: Loc) -> tuple[str, str]:
        """The item (the innermost list item with an id, else the last one) and the field below it."""
        indexes = [i for i, part in enumerate(loc) if isinstance(part, int)]
        with_id = [i for i in indexes if isinstance(_id_of(self.value(loc[: i + 1])), str)]
        last = (with_id or indexes or [-1])[-1]
        item = _dotted(loc[: last + 1])
        node_id = _id_of(self.value(loc[: last + 1])) if last >= 0 else None
        if isinstance(node_id, str):
            item += f" {node_id!r}"
        return item, _dotted(loc[last + 1 :])

    def value(self, loc: Loc) -> Any:
        node = self.data
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def _id_of(node: Any) -> str | None:
    value = node.get("id") if isinstance(node, dict) else None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _dotted(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read(path: Path) -> Document:
    """Parse a YAML data file; :class:`DataFileError` (with the line) when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path.name}: cannot read YAML: {exc}") from exc
    try:
        node, data = _parse(_FastLoader, text)
    except yaml.YAMLError:  # parsed again for the pure-Python loader's message (names the line)
        try:
            node, data = _parse(_Loader, text)
        except yaml.YAMLError as exc:
            raise DataFileError(f"{path.name}: cannot read YAML: {exc}") from exc
    doc = Document(path, data)
    if node is not None:
        _record_lines(node, (), doc.lines)
    return doc


def _parse(loader_class: Any, text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _record_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*loc, str(key.value))
            lines[child] = key.start_mark.line + 1
            _record_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*loc, i), lines)


def validate(
    doc: Document, schema: type[M], *, context: dict[str, Any] | None = None
) -> tuple[M | None, list[str]]:
    """``doc.data`` checked against ``schema``: the model, or None and every problem found."""
    try:
        return schema.model_validate(doc.data, context=context or {}), []
    except ValidationError as exc:
        return None, [doc.problem(tuple(e["loc"]), _message(e)) for e in exc.errors()]


def validate_items(
    doc: Document, loc: Loc, schema: type[M], *, context: dict[str, Any] | None = None
) -> tuple[list[tuple[int, M]], list[str]]:
    """Each item of the list at ``loc`` checked on its own: the good ones (with their index) and the
    problems of the others, so that one bad item does not hide the checks between the good ones."""
    items = doc.value(loc)
    good: list[tuple[int, M]] = []
    problems: list[str] = []
    if not isinstance(items, list):
        return good, problems
    for i, raw in enumerate(items):
        try:
            good.append((i, schema.model_validate(raw, context=context or {})))
        except ValidationError as exc:
            problems += [doc.problem((*loc, i, *e["loc"]), _message(e)) for e in exc.errors()]
    return good, problems


def _message(error: Any) -> str:
    """One schema error in this module's wording (the field and place are added by the caller)."""
    kind, value = error["type"], error.get("input")
    if kind == "missing" or (kind in ("string_too_short", "too_short") and not value):
        return "missing or empty"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in ("literal_error", "enum"):
        return f"{value!r} is not one of {error['ctx']['expected'].replace(' or ', ', ')}"
    if kind == "string_type":
        # numbers or lists where text belongs are almost always a YAML slip (an unquoted id...)
        return f"must be text, got {type(value).__name__}"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, got {type(value).__name__}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping, got {value!r}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {value!r}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def raise_problems(problems: list[str], error: type[DataFileError] = DataFileError) -> None:
    """Raise ``error`` with the first problem (and a count of the others) when there are any."""
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise error(problems[0] + more, problems=problems)


def duplicates(doc: Document, items: list[Any], loc: Loc, what: str = "id") -> list[str]:
    """A problem for every item of ``doc.data[loc]`` whose ``what`` repeats an earlier one."""
    seen: set[Any] = set()
    out = []
    for i, item in enumerate(items):
        key = item.get(what) if isinstance(item, dict) else None
        if key is None:
            continue
        if key in seen:
            out.append(doc.problem((*loc, i, what), f"duplicate {what}"))
        seen.add(key)
    return out


# --- field types -------------------------------------------------------------------------------


class Schema(BaseModel):
    """Base of every data-file schema: unknown keys are errors and text is never coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


def _non_empty(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("missing or empty")
    return text


def _collapse(value: str) -> str:
    return " ".join(_non_empty(value).split())


_SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"must be a lower-case slug (a-z, 0-9, - _ .): {value!r}")
    return value


def _url(value: str) -> str:
    text = _non_empty(value)
    if not text.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https://: {text!r}")
    return text


def _country(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError(f"must be an upper-case ISO 3166-1 alpha-2 code, got {value!r}")
    return value


def _day(value: str) -> str:
    text = value.strip()
    try:
        parse_iso_day(text)
    except ValueError:
        raise ValueError(f"not a valid ISO date (YYYY-MM-DD): {value!r}") from None
    return text


def _past_day(value: str, info: ValidationInfo) -> str:
    text = _day(value)
    today = (info.context or {}).get("today") or date.today()
    if parse_iso_day(text) > today:
        raise ValueError(f"date in the future: {text}")
    return text


#: Text that must not be empty (surrounding space stripped).
Text = Annotated[str, AfterValidator(_non_empty)]
#: Text whose runs of white space (folded YAML) become single spaces.
Prose = Annotated[str, AfterValidator(_collapse)]
#: A lower-case id: a-z, 0-9 and ``- _ .`` between them.
Slug = Annotated[str, AfterValidator(_slug)]
#: An http(s) URL.
Url = Annotated[str, AfterValidator(_url)]
#: An ISO 3166-1 alpha-2 country code.
Country = Annotated[str, AfterValidator(_country)]
#: A ``YYYY-MM-DD`` date that may lie ahead (a scheduled effective date, the end of a stay).
AnyDay = Annotated[str, AfterValidator(_day)]
#: A ``YYYY-MM-DD`` date not after today (``context["today"]`` when given).
PastDay = Annotated[str, AfterValidator(_past_day)]
#: How sure a fact is (see :data:`VERIFICATION`).
Verification = Literal["confirmed", "secondary", "unconfirmed"]


# --- shared schemas ------------------------------------------------------------------------------

#: The purposes a scope may cover (every :class:`~redlist.model.Purpose` but ``other``).
COVERED_PURPOSES: tuple[str, ...] = tuple(p.value for p in Purpose if p != Purpose.OTHER)


class ScopeSpec(Schema):
    """A purpose limit on a listing (:class:`redlist.model.Scope`), in a curated list file's
    ``scopes`` or a source's reviewed mapping: the covered purposes (a closed vocabulary), the
    covering words quoted, and where they were read."""

    id: Slug
    purposes: list[str] = Field(min_length=1)
    text: Prose
    citation: Prose
    source_url: Url
    verification: Verification

    @field_validator("purposes")
    @classmethod
    def _known_purposes(cls, purposes: list[str]) -> list[str]:
        for value in purposes:
            if value not in COVERED_PURPOSES:
                raise ValueError(f"unknown purpose {value!r} (use {', '.join(COVERED_PURPOSES)})")
        if len(set(purposes)) != len(purposes):
            raise ValueError("a purpose is named twice")
        return purposes

    def scope(self) -> Scope:
        """The scope as the model carries it on a listing."""
        return Scope(
            self.id, tuple(self.purposes), self.text, self.citation, self.source_url, self.verification
        )
