"""The word-level rules of the scorer, each with the case that takes its short way and the cases
that do not (the short ways skip work, never a decision)."""

from __future__ import annotations

from redlist.match.score import _joins, _unmatched_number, patronymic_pair, token_similarity


def test_adjacent_words_join_where_the_other_name_has_the_joined_word() -> None:
    assert _joins(("hua", "wei", "tech"), ("huawei", "tech"), (1.0, 0.8, 0.5)) == (
        ("huawei", "tech"),
        (1.0, 0.5),
    )
    # "abd al" joined is "abdul"
    assert _joins(("abd", "al", "aziz"), ("abdul", "aziz"), (1.0, 1.0, 1.0))[0] == ("abdul", "aziz")
    # a later pair joins after earlier pairs that do not
    assert _joins(("ali", "hua", "wei"), ("ali", "huawei"), (1.0, 1.0, 1.0))[0] == ("ali", "huawei")


def test_words_do_not_join_when_nothing_calls_for_it() -> None:
    tokens, weights = ("john", "smith"), (1.0, 1.0)
    assert _joins(tokens, ("john", "smith"), weights) == (tokens, weights)
    # the first word is a word of the other name too: it stays, the joined word is not made
    assert _joins(("hua", "wei"), ("hua", "huawei"), weights) == (("hua", "wei"), weights)
    assert _joins(("hua",), ("huawei",), (1.0,)) == (("hua",), (1.0,))


def test_a_number_left_unmatched_on_either_side_names_another_party() -> None:
    both = [(0, 0, 1.0), (1, 1, 1.0)]
    assert _unmatched_number(("alpha", "fund", "ii"), ("alpha", "fund"), both)
    assert _unmatched_number(("alpha", "fund"), ("alpha", "fund", "2004"), both)
    assert not _unmatched_number(("alpha", "fund", "beta"), ("alpha", "fund"), both)
    assert not _unmatched_number(("alpha", "fund", "ii"), ("alpha", "fund", "ii"), [*both, (2, 2, 1.0)])
    # a number matched with a word at another place is not unmatched
    assert not _unmatched_number(("ii", "alpha"), ("alpha", "ii"), [(0, 1, 1.0), (1, 0, 1.0)])


def test_patronymic_pairs_either_way_round() -> None:
    assert patronymic_pair("oleksandr", "oleksandrovych")
    assert patronymic_pair("fedorovna", "fedorova")
    assert not patronymic_pair("ivanov", "petrovich")
    assert not patronymic_pair("ivanovich", "ivanovna")  # two patronymics
    assert not patronymic_pair("smith", "smyth")


def test_token_similarity_bounds_and_abbreviations() -> None:
    assert token_similarity("tech", "technology") == 0.8  # an abbreviation, over its letters' 0.4
    assert token_similarity("technology", "tech") == 0.8
    assert token_similarity("smith", "jones") == 0.0
    assert 0.75 <= token_similarity("alexander", "aleksandr") < 1.0
