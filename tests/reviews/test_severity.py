"""The severity correction is validated on synthetic panels whose truth is known."""
from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest
from scipy.stats import spearmanr

from reviews.severity import (Estimate, SheetPoint, fit_severity, icc_2_1, pooled_icc, separable, trend)


def _panel(seed: int, *, severities: list[float], uneven: bool, lecturers: int = 24, sheets: int = 4,
           noise: float = 3.0):
    """Lecturers with known abilities scored by reviewers with known severities. With
    ``uneven``, the strongest lecturers mostly meet the harshest reviewers and the weakest
    the most lenient ones (the situation that misleads a raw mean)."""
    rng = random.Random(seed)
    abilities = {i: rng.gauss(75, 6) for i in range(lecturers)}
    order = sorted(abilities, key=abilities.get)
    reviewers = sorted(range(len(severities)), key=lambda j: severities[j], reverse=True)  # lenient first
    points = []
    for rank, lecturer in enumerate(order):
        for _ in range(sheets):
            if uneven and rng.random() < 0.8:
                j = reviewers[min(rank * len(reviewers) // lecturers, len(reviewers) - 1)]
            else:
                j = rng.randrange(len(severities))
            points.append(SheetPoint(lecturer, j, abilities[lecturer] + severities[j] + rng.gauss(0, noise)))
    return abilities, points


def _rank_agreement(abilities, estimates) -> float:
    keys = sorted(abilities)
    return spearmanr([abilities[k] for k in keys], [estimates[k] for k in keys]).statistic


def test_adjusted_ranking_beats_the_raw_mean_with_uneven_harsh_and_lenient_reviewers():
    raw, adjusted = [], []
    for seed in range(40):
        abilities, points = _panel(seed, severities=[-10, -5, 0, 5, 10], uneven=True)
        fit = fit_severity(points)
        raw.append(_rank_agreement(abilities, fit.raw_means))
        adjusted.append(_rank_agreement(abilities, {k: e.value for k, e in fit.abilities.items()}))

    assert np.mean(adjusted) > np.mean(raw) + 0.1
    assert sum(a > r for a, r in zip(adjusted, raw, strict=True)) >= 35


@pytest.mark.parametrize("severities", [[0, 0, 0, 0, 0], [-3, -1, 0, 1, 3]])
@pytest.mark.parametrize("uneven", [True, False])
def test_with_small_or_no_severity_differences_the_adjustment_is_not_worse(severities, uneven):
    raw, adjusted = [], []
    for seed in range(40):
        abilities, points = _panel(seed, severities=severities, uneven=uneven)
        fit = fit_severity(points)
        raw.append(_rank_agreement(abilities, fit.raw_means))
        adjusted.append(_rank_agreement(abilities, {k: e.value for k, e in fit.abilities.items()}))

    assert np.mean(adjusted) >= np.mean(raw) - 0.005


def test_severities_are_recovered_in_order_and_sum_to_zero():
    _, points = _panel(7, severities=[-10, -5, 0, 5, 10], uneven=False, sheets=6)

    fit = fit_severity(points)

    values = [fit.severities[j].value for j in range(5)]
    assert values == sorted(values)
    assert sum(values) == pytest.approx(0, abs=1e-9)


def test_adjusted_abilities_stay_on_the_percent_scale():
    _, points = _panel(3, severities=[-4, 4], uneven=False)

    fit = fit_severity(points)

    assert np.mean([e.value for e in fit.abilities.values()]) == pytest.approx(
        np.mean([p.percent for p in points]), abs=1.0)


def test_more_sheets_mean_a_smaller_standard_error():
    points = [SheetPoint("few", "r1", 70.0), SheetPoint("few", "r2", 72.0)]
    points += [SheetPoint("many", f"r{k % 2 + 1}", 80.0 + k % 3) for k in range(20)]

    fit = fit_severity(points)

    assert fit.abilities["many"].stderr < fit.abilities["few"].stderr
    assert (fit.abilities["few"].n, fit.abilities["many"].n) == (2, 20)


def test_penalty_shrinks_towards_the_mean():
    points = [SheetPoint("a", "r", 90.0), SheetPoint("b", "r", 60.0)]

    loose, tight = fit_severity(points, penalty=0.01), fit_severity(points, penalty=50)

    spread = lambda fit: fit.abilities["a"].value - fit.abilities["b"].value  # noqa: E731
    assert spread(loose) == pytest.approx(30, abs=0.5)
    assert spread(tight) <= spread(loose)


def test_empty_panels_and_negative_penalties_are_refused():
    with pytest.raises(ValueError):
        fit_severity([])
    with pytest.raises(ValueError):
        fit_severity([SheetPoint(1, 1, 50.0)], penalty=-1)


def test_trend_is_points_per_year_with_an_error():
    start = date(2025, 1, 1)
    dated = [(start + timedelta(days=int(365.25 * k / 4)), 60 + 2.5 * k) for k in range(9)]

    result = trend(dated)

    assert result.slope == pytest.approx(10, abs=0.05)
    assert result.stderr < 0.05  # dates fall on whole days, so the line is almost exact
    assert result.n == 9


def test_trend_needs_three_results_on_different_days():
    assert trend([(date(2026, 1, 1), 50.0), (date(2026, 2, 1), 60.0)]) is None
    assert trend([(date(2026, 1, 1), 50.0)] * 3) is None


def test_icc_matches_shrout_and_fleiss():
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]

    assert icc_2_1(ratings) == pytest.approx(0.29, abs=0.005)


def test_icc_of_perfect_agreement_is_one_and_needs_two_by_two():
    assert icc_2_1([[70, 70], [80, 80], [90, 90]]) == pytest.approx(1.0)
    assert icc_2_1([[70, 71]]) is None


def test_pooled_icc_weights_blocks_by_lessons():
    perfect = np.array([[70, 70], [80, 80], [90, 90]], dtype=float)
    shrout = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float)

    value, lessons = pooled_icc([perfect, shrout, np.array([[1.0, 2.0]])])

    assert lessons == 9
    assert value == pytest.approx((3 * 1.0 + 6 * icc_2_1(shrout)) / 9)


def test_overlapping_intervals_are_not_separable():
    assert separable(Estimate(80, 1, 10), Estimate(70, 1, 10)) is True
    assert separable(Estimate(80, 4, 3), Estimate(75, 4, 3)) is False


def _dense_reference(points, *, ability_penalty, severity_penalty):
    """The former implementation's linear algebra (one dense KKT system, explicit inverse): the
    block-wise solver must give the same numbers."""
    lecturers = sorted({p.lecturer for p in points}, key=repr)
    reviewers = sorted({p.reviewer for p in points}, key=repr)
    n, n_l, n_r = len(points), len(lecturers), len(reviewers)
    size = 1 + n_l + n_r
    design = np.zeros((n, size))
    for row, p in enumerate(points):
        design[row, [0, 1 + lecturers.index(p.lecturer), 1 + n_l + reviewers.index(p.reviewer)]] = 1.0
    y = np.array([p.percent for p in points])
    gram = design.T @ design + np.diag(np.r_[0.0, np.full(n_l, ability_penalty), np.full(n_r, severity_penalty)])
    constraint = np.r_[np.zeros(1 + n_l), np.ones(n_r)]
    kkt = np.block([[gram, constraint[:, None]], [constraint[None, :], np.zeros((1, 1))]])
    inverse = np.linalg.inv(kkt)[:size, :size]
    beta = inverse @ design.T @ y
    residuals = y - design @ beta
    sigma2 = residuals @ residuals / max(n - np.trace(inverse @ design.T @ design), 1.0)
    abilities = {key: beta[0] + beta[1 + i] for i, key in enumerate(lecturers)}
    ability_se = {key: np.sqrt(sigma2 * (inverse[0, 0] + 2 * inverse[0, 1 + i] + inverse[1 + i, 1 + i]))
                  for i, key in enumerate(lecturers)}
    severity_se = {key: np.sqrt(sigma2 * inverse[1 + n_l + j, 1 + n_l + j]) for j, key in enumerate(reviewers)}
    return beta[0], abilities, ability_se, severity_se


@pytest.mark.parametrize("seed", [3, 7])
def test_the_block_wise_solver_matches_a_dense_reference_and_the_array_entry_point(seed):
    from reviews import severity

    _abilities, points = _panel(seed, severities=[-6.0, -1.0, 0.0, 2.0, 5.0], uneven=True, lecturers=15)
    fit = fit_severity(points)
    panel = severity._Panel(*_coded(points))
    first = panel.solve(ability_penalty=severity.LIGHT, severity_penalty=severity.LIGHT)
    mean, abilities, ability_se, severity_se = _dense_reference(points, ability_penalty=severity.LIGHT,
                                                                 severity_penalty=severity.LIGHT)
    assert first.mean == pytest.approx(mean, abs=1e-6)
    assert first.abilities.tolist() == pytest.approx([abilities[k] for k in sorted(abilities, key=repr)], abs=1e-6)
    assert first.ability_se.tolist() == pytest.approx([ability_se[k] for k in sorted(ability_se, key=repr)], abs=1e-6)
    assert first.severity_se.tolist() == pytest.approx([severity_se[k] for k in sorted(severity_se, key=repr)], abs=1e-6)
    final = severity._fit_coded(*_coded_full(points), penalty=severity.DEFAULT_PENALTY)
    mean, abilities, ability_se, severity_se = _dense_reference(
        points, ability_penalty=min(5.0, severity._penalty_from(first.abilities, first.ability_se, first.sigma2,
                                                                centre=first.mean)),
        severity_penalty=fit.severity_penalty)
    assert final.mean == pytest.approx(mean, abs=1e-6)
    for key, estimate in fit.abilities.items():
        assert estimate.value == pytest.approx(abilities[key], abs=1e-6)
        assert estimate.stderr == pytest.approx(ability_se[key], abs=1e-6)
    for key, estimate in fit.severities.items():
        assert estimate.stderr == pytest.approx(severity_se[key], abs=1e-6)
    arrays = severity.fit_severity_arrays(np.array([p.lecturer for p in points]), np.array([p.reviewer for p in points]),
                                          np.array([p.percent for p in points]))
    assert arrays == fit


def _coded(points):
    from reviews import severity

    lecturers, l_codes = severity._codes([p.lecturer for p in points])
    reviewers, r_codes = severity._codes([p.reviewer for p in points])
    return l_codes, r_codes, np.array([p.percent for p in points]), len(lecturers), len(reviewers)


def _coded_full(points):
    from reviews import severity

    lecturers, l_codes = severity._codes([p.lecturer for p in points])
    reviewers, r_codes = severity._codes([p.reviewer for p in points])
    return lecturers, l_codes, reviewers, r_codes, np.array([p.percent for p in points])
