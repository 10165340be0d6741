"""A tiny source format for testing the update machinery independently of the real parsers.

Each line is ``key|name|program``; a first line ``#count N`` states the record count; a line
``!bad`` is a malformed row.
"""

from __future__ import annotations

from redlist.model import Entity, EntityType, Listing, Name
from redlist.sources.base import Files, Format, ParseResult, RowError, SourceSpec
from redlist.sources.common import decode_text


def parse_toy(files: Files) -> ParseResult:
    text = decode_text(files["toy.txt"], source="toy", file="toy.txt")
    result = ParseResult(records=[], format="toy")
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#count "):
            result.expected_count = int(line.split()[1])
            continue
        if line.startswith("#as_of "):
            result.as_of = line.split()[1]
            continue
        parts = line.split("|")
        if len(parts) != 3:
            result.row_errors.append(RowError("toy.txt", lineno, f"expected 3 fields, got {len(parts)}"))
            continue
        key, name, program = parts
        result.records.append(
            Entity(
                source="toy",
                key=key,
                entity_id=f"toy-{key}",
                type=EntityType.ORGANIZATION,
                names=[Name(name)],
                listings=[Listing("us_ofac_sdn", key, [program])],
            )
        )
    return result


TOY = SourceSpec(
    id="toy",
    title="Toy source",
    formats=(Format("toy", ("toy.txt",), (), parse_toy),),
    urls={"toy.txt": "http://127.0.0.1:1/toy.txt"},
    parser_version="1",
)


def toy_file(*rows: str, count: int | None = None, as_of: str | None = None) -> dict[str, bytes]:
    lines = ([f"#count {count}"] if count is not None else []) + ([f"#as_of {as_of}"] if as_of else [])
    return {"toy.txt": "\n".join([*lines, *rows]).encode()}
