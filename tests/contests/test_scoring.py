from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contests.scoring import EntryScores, award_prizes, combine, rank, weighted_total

WEIGHTS = {"live": D(3), "plan": D(1), "scenario": D(1)}
TIE_BREAK = ["live", "plan"]


@pytest.mark.parametrize("marks, method, expected", [
    (["8", "9", "10"], "mean", "9.00"),
    (["8", "9", "9.5"], "mean", "8.83"),
    (["5", "8", "9", "9", "10"], "trimmed_mean", "8.67"),
    (["8", "9", "10", "1"], "trimmed_mean", "7.00"),  # fewer than five judges: the mean
    (["5", "8", "9", "9", "10"], "median", "9.00"),
    (["5", "8", "9", "10"], "median", "8.50"),
])
def test_judges_marks_combine_by_the_contests_rule(marks, method, expected):
    assert combine([D(m) for m in marks], method) == D(expected)


def test_combining_nothing_or_by_an_unknown_rule_is_an_error():
    with pytest.raises(ValueError):
        combine([], "mean")
    with pytest.raises(ValueError):
        combine([D(1)], "mode")


def test_total_is_the_weighted_average_like_the_published_rules():
    # Live lecture ×3, lesson plan ×1, scenario ×1 (HVCTQG 2022).
    assert weighted_total({"live": D("90"), "plan": D("80"), "scenario": D("70")}, WEIGHTS) == D("84.00")


def test_an_unmarked_component_leaves_the_total_open():
    assert weighted_total({"live": D("90"), "plan": None, "scenario": D("70")}, WEIGHTS) is None


def _entry(entry_id, live, plan, scenario):
    return EntryScores(entry_id, {"live": D(live), "plan": D(plan), "scenario": D(scenario)})


def test_ties_are_broken_by_live_lecture_then_lesson_plan_then_shared():
    entries = [
        _entry(1, "80", "90", "90"),   # total 84
        _entry(2, "85", "82.5", "82.5"),   # total 84, better live lecture
        _entry(3, "80", "90", "90"),   # same as 1: shares the rank
        _entry(4, "70", "70", "70"),
    ]

    ranked = rank(entries, WEIGHTS, TIE_BREAK)

    assert [(e.entry_id, e.rank) for e in ranked] == [(2, 1), (1, 2), (3, 2), (4, 4)]


def test_unfinished_entries_are_listed_last_without_a_rank():
    entries = [EntryScores(9, {"live": D(90), "plan": None, "scenario": D(80)}), _entry(1, "50", "50", "50")]

    ranked = rank(entries, WEIGHTS, TIE_BREAK)

    assert [(e.entry_id, e.rank) for e in ranked] == [(1, 1), (9, None)]


def test_prizes_follow_the_quotas_in_rank_order():
    entries = [_entry(i, str(100 - i), "50", "50") for i in range(1, 9)]
    ranking = award_prizes(rank(entries, WEIGHTS, TIE_BREAK),
                           {"first": 1, "second": 2, "third": 2, "consolation": None})

    assert [e.prize for e in ranking.entries] == ["first", "second", "second", "third", "third",
                                                  "consolation", "consolation", "consolation"]
    assert ranking.warnings == []


def test_ties_at_a_quota_edge_share_the_better_prize_and_warn():
    entries = [_entry(1, "95", "50", "50"), _entry(2, "90", "50", "50"), _entry(3, "90", "50", "50"),
               _entry(4, "80", "50", "50")]

    ranking = award_prizes(rank(entries, WEIGHTS, TIE_BREAK), {"first": 1, "second": 1, "third": 1})

    # The overflow does not take the third prize away from the next entry.
    assert [(e.entry_id, e.rank, e.prize) for e in ranking.entries] == [
        (1, 1, "first"), (2, 2, "second"), (3, 2, "second"), (4, 4, "third")]
    assert ranking.warnings == ["second"]


def test_the_2022_national_final_quotas():
    entries = [_entry(i, str(200 - i), "50", "50") for i in range(38)]

    ranking = award_prizes(rank(entries, WEIGHTS, TIE_BREAK),
                           {"first": 1, "second": 5, "third": 10, "consolation": None})

    counts = {code: sum(e.prize == code for e in ranking.entries) for code in ("first", "second", "third",
                                                                                "consolation")}
    assert counts == {"first": 1, "second": 5, "third": 10, "consolation": 22}


marks = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(marks, marks, marks), min_size=1, max_size=15))
def test_ranks_never_improve_down_the_list_and_a_better_total_never_ranks_worse(rows):
    entries = [EntryScores(i, {"live": a, "plan": b, "scenario": c}) for i, (a, b, c) in enumerate(rows)]

    ranked = rank(entries, WEIGHTS, TIE_BREAK)

    assert [e.rank for e in ranked] == sorted(e.rank for e in ranked)
    for better in ranked:
        for worse in ranked:
            if better.total > worse.total:
                assert better.rank < worse.rank
    assert ranked[0].rank == 1


@settings(max_examples=150, deadline=None)
@given(st.lists(marks, min_size=1, max_size=9), st.sampled_from(["mean", "trimmed_mean", "median"]))
def test_a_combined_mark_lies_between_the_lowest_and_highest_mark(values, method):
    assert min(values) - D("0.01") <= combine(values, method) <= max(values) + D("0.01")
