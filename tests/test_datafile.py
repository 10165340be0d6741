"""The one data-file loader: YAML with lines, strict schemas, problems that name file, line and field."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import Field

from redlist import datafile
from redlist.datafile import PastDay, Schema, Slug, Text, Url, Verification
from redlist.errors import DataFileError


class Item(Schema):
    id: Slug
    name: Text
    url: Url
    on: PastDay
    verification: Verification
    count: int = 0


class File(Schema):
    title: Text
    items: list[Item] = Field(min_length=1)


TEXT = """\
title: Test
items:
  - id: first
    name: First
    url: https://example.gov/a
    on: 2021-01-14
    verification: confirmed
  - id: second
    name: 12
    url: example.gov/b
    on: 2021-02-30
    verification: maybe
    extra: yes
"""


def _doc(tmp_path, text=TEXT):
    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    return datafile.read(path)


def test_each_problem_names_file_line_item_and_field(tmp_path):
    model, problems = datafile.validate(_doc(tmp_path), File)
    assert model is None
    assert problems == [
        "file.yaml:9: items[1] 'second': field 'name': must be text, got int",
        "file.yaml:10: items[1] 'second': field 'url': must start with http:// or https://: 'example.gov/b'",
        "file.yaml:11: items[1] 'second': field 'on': not a valid ISO date (YYYY-MM-DD): '2021-02-30'",
        "file.yaml:12: items[1] 'second': field 'verification': 'maybe' is not one of 'confirmed', "
        "'secondary', 'unconfirmed'",
        "file.yaml:13: items[1] 'second': field 'extra': unknown field",
    ]


def test_dates_stay_text_and_a_good_file_validates(tmp_path):
    good = TEXT.split("  - id: second")[0]
    model, problems = datafile.validate(_doc(tmp_path, good), File)
    assert problems == [] and model is not None
    assert model.items[0].on == "2021-01-14"  # not a datetime.date


def test_future_dates_use_the_context_today(tmp_path):
    good = TEXT.split("  - id: second")[0]
    _, problems = datafile.validate(_doc(tmp_path, good), File, context={"today": date(2020, 1, 1)})
    assert problems == ["file.yaml:6: items[0] 'first': field 'on': date in the future: 2021-01-14"]


def test_missing_field_points_at_its_item(tmp_path):
    text = TEXT.split("  - id: second")[0].replace("    name: First\n", "")
    _, problems = datafile.validate(_doc(tmp_path, text), File)
    assert problems == ["file.yaml:3: items[0] 'first': field 'name': missing or empty"]


def test_items_are_checked_one_by_one(tmp_path):
    text = "title: T\nitems:\n" + TEXT.split("items:\n")[1]
    doc = _doc(tmp_path, text)
    good, problems = datafile.validate_items(doc, ("items",), Item)
    assert [(i, item.id) for i, item in good] == [(0, "first")]
    assert len(problems) == 5 and all("items[1] 'second'" in p for p in problems)


def test_duplicates_and_unreadable_yaml(tmp_path):
    text = TEXT.split("  - id: second")[0] * 1 + TEXT.split("items:\n")[1].split("  - id: second")[0]
    doc = _doc(tmp_path, text)
    assert datafile.duplicates(doc, doc.data["items"], ("items",)) == [
        "file.yaml:8: items[1] 'first': field 'id': duplicate id"
    ]
    with pytest.raises(DataFileError, match=r"file\.yaml: cannot read YAML"):
        _doc(tmp_path, "items: [unclosed")


def test_raise_problems_counts_the_rest():
    with pytest.raises(DataFileError, match=r"first problem \(and 2 more problems\)") as info:
        datafile.raise_problems(["first problem", "b", "c"])
    assert info.value.problems == ["first problem", "b", "c"]
    datafile.raise_problems([])  # nothing to raise
