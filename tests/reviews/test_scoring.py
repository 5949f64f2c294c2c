"""Scoring maths (SPEC §3.5): examples worked by hand, then properties checked by hypothesis."""
from __future__ import annotations

import ast
import sys
from decimal import Decimal as D
from enum import StrEnum
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews import scoring
from reviews.scoring import (
    EXCELLENT, GOOD, METHODS, SATISFACTORY, UNSATISFACTORY, BandSpec, CriterionSpec, RubricSpec, ScoreError,
    SheetError, Spread, allowed_values, consolidate, domain_max, is_disagreement, llct_template, parse_score,
    per_domain, percent, rating, rating_rank, school_template, sheet_total, spread, validate_sheet)

QUARTER = D("0.25")
CRITERION = CriterionSpec("2.1", D(2), QUARTER, is_critical=True, domain_code="2")
HALF_STEP = CriterionSpec("x", D(2), D("0.5"))
BANDS = (BandSpec(EXCELLENT, D(5)), BandSpec(GOOD, D(4)), BandSpec(SATISFACTORY, D(3)))
# A small rubric (max 6) for consolidations worked by hand.
SMALL = RubricSpec(
    (CriterionSpec("A", D(2), QUARTER, is_critical=True), CriterionSpec("B", D(3), QUARTER),
     CriterionSpec("C", D(1), D("0.5"))),
    BANDS)
LLCT = llct_template()
SCHOOL = school_template()
# Modest budgets; generation may be slow on a loaded machine, which is not a failure.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHEET_LISTS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _full(rubric: RubricSpec, **changes: str) -> dict[str, D]:
    """A sheet with every criterion at its maximum, except ``changes`` (code with "_" for ".")."""
    sheet = {c.code: c.max_points for c in rubric.criteria}
    sheet.update({code.replace("_", "."): D(value) for code, value in changes.items()})
    return sheet


def _small(a: str, b: str, c: str) -> dict[str, D]:
    return {"A": D(a), "B": D(b), "C": D(c)}


# --- parse_score ------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    (D("1.75"), "1.75"), (D("1.750"), "1.75"), (2, "2.00"), (0, "0.00"), ("1,75", "1.75"),
    (" 1.5 ", "1.50"), ("\t0,25\n", "0.25"), ("2", "2.00"), ("+0.5", "0.50"), (".5", "0.50"),
    (",75", "0.75"), ("1.", "1.00"), ("-0", "0.00"), (D("-0"), "0.00"), (1.75, "1.75"), (2.0, "2.00"),
])
def test_parse_score_accepts_numbers_at_the_step_precision(raw, expected):
    assert str(parse_score(CRITERION, raw)) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("abc", "not_a_number"), ("", "not_a_number"), ("   ", "not_a_number"), (None, "not_a_number"),
    (True, "not_a_number"), (False, "not_a_number"), ("NaN", "not_a_number"), ("Infinity", "not_a_number"),
    (D("NaN"), "not_a_number"), (D("sNaN"), "not_a_number"), (D("-Infinity"), "not_a_number"),
    (float("nan"), "not_a_number"), (float("inf"), "not_a_number"), ("1e0", "not_a_number"),
    ("1_0", "not_a_number"), ("1.000,5", "not_a_number"), ("1,2,5", "not_a_number"), ("١", "not_a_number"),
    ("1 .5", "not_a_number"), ([1], "not_a_number"), ({"value": 1}, "not_a_number"),
    ("-0.25", "out_of_range"), (-1, "out_of_range"), ("2.25", "out_of_range"), (D("2.01"), "out_of_range"),
    (3, "out_of_range"), (D("1E+5"), "out_of_range"), (-0.5, "out_of_range"),
    ("1.1", "not_a_step"), ("0,3", "not_a_step"), (0.1, "not_a_step"), (D("1E-30"), "not_a_step"),
    ("1.875", "not_a_step"),
])
def test_parse_score_refuses_with_a_reason(raw, reason):
    with pytest.raises(ScoreError) as error:
        parse_score(CRITERION, raw)

    assert (error.value.code, error.value.reason) == ("2.1", reason)


@pytest.mark.parametrize(("raw", "expected"), [("1.5", D("1.5")), ("0,5", D("0.5")), (1, D(1))])
def test_parse_score_on_a_half_step_accepts_halves(raw, expected):
    assert parse_score(HALF_STEP, raw) == expected


def test_parse_score_on_a_half_step_refuses_quarters():
    with pytest.raises(ScoreError) as error:
        parse_score(HALF_STEP, "0.25")

    assert error.value.reason == "not_a_step"


# --- allowed_values ---------------------------------------------------------------------

@pytest.mark.parametrize(("criterion", "expected"), [
    (CriterionSpec("q", D(1), QUARTER), ["0.00", "0.25", "0.50", "0.75", "1.00"]),
    (CriterionSpec("q", D("0.5"), QUARTER), ["0.00", "0.25", "0.50"]),
    (HALF_STEP, ["0.0", "0.5", "1.0", "1.5", "2.0"]),
    (CriterionSpec("w", D(3), D(1)), ["0", "1", "2", "3"]),
])
def test_allowed_values_run_from_zero_to_max_by_step(criterion, expected):
    assert [str(value) for value in allowed_values(criterion)] == expected


def test_allowed_values_of_a_three_point_quarter_criterion_count_thirteen():
    assert len(allowed_values(LLCT.criterion("5.1"))) == 13


# --- specs ------------------------------------------------------------------------------

@pytest.mark.parametrize(("max_points", "step"), [(D(2), D(0)), (D(0), QUARTER), (D(1), D("0.3")), (D(-1), QUARTER)])
def test_criterion_spec_refuses_a_max_not_a_positive_multiple_of_the_step(max_points, step):
    with pytest.raises(ValueError):
        CriterionSpec("c", max_points, step)


def test_criterion_spec_refuses_floats():
    with pytest.raises(TypeError):
        CriterionSpec("c", 2.0, QUARTER)  # type: ignore[arg-type]


@pytest.mark.parametrize(("criteria", "bands"), [
    ((), BANDS),
    ((CRITERION, CRITERION), BANDS),
    ((CRITERION,), (BandSpec("outstanding", D(5)),)),
    ((CRITERION,), (BandSpec(GOOD, D(5)), BandSpec(GOOD, D(4)))),
    ((CRITERION,), (BandSpec(EXCELLENT, D(4)), BandSpec(GOOD, D(5)))),
    ((CRITERION,), (BandSpec(EXCELLENT, D(4)), BandSpec(GOOD, D(4)))),
])
def test_rubric_spec_refuses_inconsistent_criteria_or_bands(criteria, bands):
    with pytest.raises(ValueError):
        RubricSpec(criteria, bands)


def test_rubric_criterion_finds_by_code():
    assert LLCT.criterion("2.2") == CriterionSpec("2.2", D(2), QUARTER, is_critical=True, domain_code="2")


def test_rubric_criterion_unknown_code_raises_key_error():
    with pytest.raises(KeyError):
        LLCT.criterion("9.9")


# --- validate_sheet ---------------------------------------------------------------------

def test_validate_sheet_complete_returns_scores_in_rubric_order():
    raw = {"C": "1", "A": "1,75", "B": 2}

    scores = validate_sheet(SMALL, raw, complete=True)

    assert list(scores.items()) == [("A", D("1.75")), ("B", D(2)), ("C", D(1))]


def test_validate_sheet_draft_skips_blank_and_absent_scores():
    assert validate_sheet(SMALL, {"A": "", "B": None, "C": "0,5"}, complete=False) == {"C": D("0.5")}


def test_validate_sheet_collects_every_problem_at_once():
    raw = {"9.9": "1", "1.1": "abc", "2.1": "3", "2.2": "1.1", "2.3": " ", "2.4": "-1", "x": 0}
    raw.update({code: "1" for code in ("3.1", "3.2", "3.3", "4.1", "4.2", "5.1")})

    with pytest.raises(SheetError) as error:
        validate_sheet(LLCT, raw, complete=True)

    assert error.value.errors == {
        "9.9": "unknown_criterion", "x": "unknown_criterion", "1.1": "not_a_number", "2.1": "out_of_range",
        "2.2": "not_a_step", "2.3": "missing", "2.4": "out_of_range"}


def test_validate_sheet_draft_reports_bad_and_unknown_but_not_missing():
    with pytest.raises(SheetError) as error:
        validate_sheet(LLCT, {"1.1": "2,1", "6.1": "1", "2.1": "1.5"}, complete=False)

    assert error.value.errors == {"6.1": "unknown_criterion", "1.1": "out_of_range"}


def test_validate_sheet_complete_empty_sheet_lists_every_criterion_missing():
    with pytest.raises(SheetError) as error:
        validate_sheet(SMALL, {}, complete=True)

    assert error.value.errors == {"A": "missing", "B": "missing", "C": "missing"}


# --- totals, percent, rating -----------------------------------------------------------

def test_sheet_total_sums_the_scores():
    assert sheet_total(_full(LLCT, **{"5_1": "1.75", "2_4": "0"})) == D("17.75")


def test_sheet_total_of_nothing_is_zero():
    assert sheet_total({}) == D(0)


@pytest.mark.parametrize(("total", "max_total", "expected"), [
    ("17.75", "20", "88.75"), ("20", "20", "100.00"), ("0", "20", "0.00"), ("10", "30", "33.33"),
    ("20", "30", "66.67"), ("1", "32", "3.13"), ("1", "160", "0.63"), ("2", "3", "66.67"), ("1", "6", "16.67"),
])
def test_percent_is_quantised_half_up(total, max_total, expected):
    assert str(percent(D(total), D(max_total))) == expected


@pytest.mark.parametrize("max_total", [D(0), D(-20)])
def test_percent_of_no_maximum_is_an_error(max_total):
    with pytest.raises(ValueError):
        percent(D(1), max_total)


@pytest.mark.parametrize(("total", "expected"), [
    ("20", EXCELLENT), ("18", EXCELLENT), ("17.75", GOOD), ("14", GOOD), ("13.75", SATISFACTORY),
    ("10", SATISFACTORY), ("9.75", UNSATISFACTORY), ("0", UNSATISFACTORY),
])
def test_rating_at_band_boundaries(total, expected):
    assert rating(LLCT, D(total), {"2.1": D(1), "2.2": D(1)}) == expected


@pytest.mark.parametrize(("rubric", "code", "expected"), [
    (LLCT, "2.1", UNSATISFACTORY), (LLCT, "2.2", UNSATISFACTORY), (LLCT, "1.1", EXCELLENT),
    (LLCT, "2.3", EXCELLENT), (SCHOOL, "1.1", UNSATISFACTORY), (SCHOOL, "2.1", UNSATISFACTORY),
    (SCHOOL, "3.2", UNSATISFACTORY), (SCHOOL, "4.1", UNSATISFACTORY), (SCHOOL, "1.2", EXCELLENT),
])
def test_rating_with_a_zero_on_a_critical_criterion_is_unsatisfactory(rubric, code, expected):
    scores = _full(rubric)
    scores[code] = D(0)

    assert rating(rubric, D(18), scores) == expected


def test_rating_without_a_critical_score_does_not_count_it_as_zero():
    assert rating(LLCT, D(18), {}) == EXCELLENT


def test_rating_with_only_some_bands_uses_them():
    rubric = RubricSpec((CRITERION,), (BandSpec(GOOD, D(1)),))

    assert [rating(rubric, D(total), {}) for total in ("2", "1", "0.75")] == [GOOD, GOOD, UNSATISFACTORY]


def test_rating_rank_orders_best_first():
    assert [rating_rank(code) for code in (EXCELLENT, GOOD, SATISFACTORY, UNSATISFACTORY)] == [0, 1, 2, 3]


# --- breakdowns -------------------------------------------------------------------------

@pytest.mark.parametrize(("rubric", "expected"), [
    (LLCT, {"1": D(2), "2": D(7), "3": D(5), "4": D(3), "5": D(3)}),
    (SCHOOL, {"1": D(5), "2": D(7), "3": D(3), "4": D(5)}),
])
def test_domain_max_sums_maxima_per_domain(rubric, expected):
    assert domain_max(rubric) == expected


def test_per_domain_sums_scores_and_counts_unscored_as_zero():
    scores = {"1.1": D("1.5"), "2.1": D("1.75"), "2.4": D("0.5"), "5.1": D("2.25")}

    assert per_domain(LLCT, scores) == {"1": D("1.5"), "2": D("2.25"), "3": D(0), "4": D(0), "5": D("2.25")}


# --- templates --------------------------------------------------------------------------

@pytest.mark.parametrize("rubric", [LLCT, SCHOOL])
def test_template_max_total_is_twenty(rubric):
    assert rubric.max_total == D(20)


@pytest.mark.parametrize("rubric", [LLCT, SCHOOL])
def test_template_steps_are_quarters_and_bands_18_14_10(rubric):
    assert {c.step for c in rubric.criteria} == {QUARTER}
    assert [(band.code, band.min_total) for band in rubric.bands] == [
        (EXCELLENT, D(18)), (GOOD, D(14)), (SATISFACTORY, D(10))]


@pytest.mark.parametrize(("rubric", "critical"), [(LLCT, ["2.1", "2.2"]), (SCHOOL, ["1.1", "2.1", "3.2", "4.1"])])
def test_template_critical_criteria(rubric, critical):
    assert [c.code for c in rubric.criteria if c.is_critical] == critical


def test_llct_template_codes_and_maxima_follow_the_spec():
    assert [(c.code, str(c.max_points)) for c in LLCT.criteria] == [
        ("1.1", "2"), ("2.1", "2"), ("2.2", "2"), ("2.3", "2"), ("2.4", "1"), ("3.1", "2"), ("3.2", "2"),
        ("3.3", "1"), ("4.1", "2"), ("4.2", "1"), ("5.1", "3")]


def test_school_template_has_twenty_criteria_with_half_point_ones():
    assert (len(SCHOOL.criteria), [c.code for c in SCHOOL.criteria if c.max_points == D("0.5")]) == (
        20, ["1.3", "1.6", "2.5", "2.7"])


# --- consolidation ----------------------------------------------------------------------

def test_consolidate_by_mean_worked_by_hand():
    # A: (1.75 + 1.5 + 1.75) / 3 = 1.666… → 1.67; B: 8 / 3 → 2.67; C: 2 / 3 → 0.67.
    # The raw mean total is 5; the shown total 5.01 is the sum of the shown breakdown.
    sheets = [_small("1.75", "2.75", "0.5"), _small("1.5", "2.5", "0.5"), _small("1.75", "2.75", "1")]

    result = consolidate(SMALL, sheets)

    assert result.per_criterion == {"A": D("1.67"), "B": D("2.67"), "C": D("0.67")}
    assert (result.total, result.percent, result.rating) == (D("5.01"), D("83.50"), EXCELLENT)
    assert (result.method, result.sheet_count) == ("mean", 3)
    assert result.spread == Spread(stdev=D("0.50"), range=D("1.0"))  # totals 5, 4.5, 5.5
    assert result.disagreement is True  # 1.0 > 15 % of 6 = 0.9


FIVE = [_small("0.25", "3", "1"), _small("1.5", "2.5", "1"), _small("1.75", "2.75", "0.5"),
        _small("2", "0.5", "1"), _small("2", "2.5", "0")]
SIX = [*FIVE, _small("1", "3", "0.5")]


@pytest.mark.parametrize(("sheets", "method", "expected"), [
    (FIVE, "mean", {"A": "1.50", "B": "2.25", "C": "0.70"}),
    (FIVE, "trimmed_mean", {"A": "1.75", "B": "2.58", "C": "0.83"}),
    (FIVE, "median", {"A": "1.75", "B": "2.50", "C": "1.00"}),
    (SIX, "mean", {"A": "1.42", "B": "2.38", "C": "0.67"}),
    (SIX, "trimmed_mean", {"A": "1.56", "B": "2.69", "C": "0.75"}),
    (SIX, "median", {"A": "1.63", "B": "2.63", "C": "0.75"}),
])
def test_consolidate_per_criterion_by_method(sheets, method, expected):
    result = consolidate(SMALL, sheets, method)

    assert ({code: str(value) for code, value in result.per_criterion.items()}, result.method) == (expected, method)


@pytest.mark.parametrize(("sheets", "method", "total", "rating_code"), [
    (FIVE, "mean", "4.45", GOOD), (FIVE, "trimmed_mean", "5.16", EXCELLENT), (FIVE, "median", "5.25", EXCELLENT),
    (SIX, "trimmed_mean", "5.00", EXCELLENT), (SIX, "median", "5.01", EXCELLENT),
])
def test_consolidate_total_and_rating_by_method(sheets, method, total, rating_code):
    result = consolidate(SMALL, sheets, method)

    assert (str(result.total), result.rating) == (total, rating_code)


@pytest.mark.parametrize("method", ["trimmed_mean", "median"])
def test_consolidate_with_four_sheets_falls_back_to_mean(method):
    result = consolidate(SMALL, FIVE[:4], method)

    assert (result.method, result.per_criterion) == ("mean", {"A": D("1.38"), "B": D("2.19"), "C": D("0.88")})


def test_consolidate_spread_of_five_sheets():
    # Totals 4.25, 5, 5, 3.5, 4.5: mean 4.45, Σ(d²) = 1.55, variance 0.3875, stdev 0.6225…
    assert consolidate(SMALL, FIVE).spread == Spread(stdev=D("0.62"), range=D("1.5"))


def test_consolidate_one_sheet_is_that_sheet_with_no_spread():
    sheet = _full(LLCT, **{"5_1": "2.25"})

    result = consolidate(LLCT, [sheet])

    assert (result.per_criterion, result.total, result.spread, result.disagreement) == (
        sheet, D("19.25"), Spread(stdev=D(0), range=D(0)), False)


@pytest.mark.parametrize(("low", "stdev", "flagged"), [
    (_full(LLCT, **{"5_1": "0"}), "2.12", False),  # range 3 = exactly 15 % of 20
    (_full(LLCT, **{"5_1": "0", "4_2": "0.75"}), "2.30", True),  # range 3.25
])
def test_consolidate_flags_disagreement_only_above_fifteen_percent(low, stdev, flagged):
    result = consolidate(LLCT, [_full(LLCT), low])

    assert (result.spread.stdev, result.disagreement) == (D(stdev), flagged)


@pytest.mark.parametrize(("range_", "expected"), [("3", False), ("2.99", False), ("3.01", True), ("3.25", True)])
def test_is_disagreement_on_a_twenty_point_rubric(range_, expected):
    assert is_disagreement(D(range_), D(20)) is expected


def test_consolidate_critical_zero_on_every_sheet_is_unsatisfactory():
    sheet = _full(LLCT, **{"2_1": "0"})

    result = consolidate(LLCT, [sheet, sheet, sheet])

    assert (result.total, result.rating) == (D(18), UNSATISFACTORY)


def test_consolidate_critical_zero_on_one_sheet_only_lowers_the_mean():
    result = consolidate(LLCT, [_full(LLCT, **{"2_1": "0"}), _full(LLCT), _full(LLCT)])

    assert (result.per_criterion["2.1"], result.total, result.rating) == (D("1.33"), D("19.33"), EXCELLENT)


def test_consolidate_critical_median_zero_is_unsatisfactory():
    sheets = [_full(LLCT, **{"2_2": "0"})] * 3 + [_full(LLCT)] * 2

    assert consolidate(LLCT, sheets, "median").rating == UNSATISFACTORY


def test_consolidate_zero_sheets_is_an_error():
    with pytest.raises(ValueError, match="zero sheets"):
        consolidate(LLCT, [])


def test_consolidate_unknown_method_is_an_error():
    with pytest.raises(ValueError, match="method"):
        consolidate(LLCT, [_full(LLCT)], "mode")


@pytest.mark.parametrize("sheet", [{"A": D(1), "B": D(1)}, {"A": D(1), "B": D(1), "C": D(1), "D": D(1)}])
def test_consolidate_refuses_a_sheet_not_scoring_exactly_the_criteria(sheet):
    with pytest.raises(ValueError, match="sheet 2"):
        consolidate(SMALL, [_small("1", "1", "1"), sheet])


class _UnitChoice(StrEnum):
    MEDIAN = "median"


def test_consolidate_reports_the_method_used_as_a_plain_string():
    result = consolidate(SMALL, FIVE, _UnitChoice.MEDIAN)

    assert (type(result.method), result.method) == (str, "median")


def test_spread_of_no_totals_is_zero():
    assert spread([]) == Spread(stdev=D(0), range=D(0))


def test_scoring_module_imports_only_the_standard_library():
    tree = ast.parse(Path(scoring.__file__).read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}

    assert sorted(name for name in names if name.split(".")[0] not in sys.stdlib_module_names) == []


# --- properties -------------------------------------------------------------------------

RUBRICS = st.sampled_from([LLCT, SCHOOL, SMALL])


def sheets_of(rubric: RubricSpec):
    """Valid complete sheets of ``rubric``: every criterion at one of its allowed values."""
    return st.fixed_dictionaries({c.code: st.sampled_from(allowed_values(c)) for c in rubric.criteria})


def rubric_and_sheets(min_size: int, max_size: int):
    return RUBRICS.flatmap(lambda rubric: st.tuples(
        st.just(rubric), st.lists(sheets_of(rubric), min_size=min_size, max_size=max_size)))


@PROPERTY
@given(RUBRICS.flatmap(lambda rubric: st.tuples(st.just(rubric), sheets_of(rubric))))
def test_percent_of_a_valid_sheet_is_between_0_and_100(case):
    rubric, sheet = case

    assert D(0) <= percent(sheet_total(sheet), rubric.max_total) <= D(100)


@PROPERTY
@given(RUBRICS.flatmap(lambda rubric: st.tuples(st.just(rubric), sheets_of(rubric))))
def test_validate_sheet_reads_back_a_valid_sheet_typed_with_commas(case):
    rubric, sheet = case
    typed = {code: str(value).replace(".", ",") for code, value in sheet.items()}

    assert validate_sheet(rubric, typed, complete=True) == sheet


@PROPERTY
@given(st.sampled_from([LLCT, SCHOOL]), st.integers(0, 80), st.integers(0, 80))
def test_rating_is_monotone_in_total_without_a_critical_zero(rubric, low_quarters, high_quarters):
    low, high = sorted([D(low_quarters) * QUARTER, D(high_quarters) * QUARTER])
    no_critical_zero = _full(rubric)

    assert rating_rank(rating(rubric, high, no_critical_zero)) <= rating_rank(rating(rubric, low, no_critical_zero))


@PROPERTY
@given(RUBRICS.flatmap(lambda rubric: st.tuples(st.just(rubric), sheets_of(rubric))),
       st.integers(1, 7), st.sampled_from(METHODS))
def test_consolidate_identical_sheets_gives_that_sheet(case, count, method):
    rubric, sheet = case

    result = consolidate(rubric, [sheet] * count, method)

    assert (result.per_criterion, result.total, result.rating) == (
        sheet, sheet_total(sheet), rating(rubric, sheet_total(sheet), sheet))
    assert (result.spread, result.disagreement) == (Spread(stdev=D(0), range=D(0)), False)


@SHEET_LISTS
@given(rubric_and_sheets(5, 9), st.sampled_from(["trimmed_mean", "median"]))
def test_consolidate_robust_methods_lie_between_the_extreme_sheets(case, method):
    rubric, sheets = case

    result = consolidate(rubric, sheets, method)

    for code, value in result.per_criterion.items():
        assert min(sheet[code] for sheet in sheets) <= value <= max(sheet[code] for sheet in sheets)


@SHEET_LISTS
@given(rubric_and_sheets(1, 9), st.sampled_from(METHODS))
def test_consolidate_total_is_the_sum_of_the_breakdown(case, method):
    rubric, sheets = case

    result = consolidate(rubric, sheets, method)

    assert result.total == sum(result.per_criterion.values(), D(0))
    assert D(0) <= result.percent <= D(100)
