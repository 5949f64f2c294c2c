"""Fair comparison of lecturers scored by different reviewers (SPEC §3.5). Pure numpy/scipy.

Model, over the submitted sheets of a window::

    percent(sheet) = μ + ability[lecturer] + severity[reviewer] + ε

fitted by ridge-regularised least squares, with the severities constrained to sum to zero so
a lecturer's adjusted ability ``μ + ability`` is on the same percent scale as the raw mean. The
constrained normal equations are solved as one sparse KKT system; standard errors come from
σ²·(XᵀX + P)⁻¹, the Bayesian reading of ridge regression.

The penalties are estimated from the data (empirical Bayes): for each kind of effect,
σ²_ε / σ²_effect, where σ²_effect is how much the effects of a first, unpenalised fit vary
beyond their own sampling noise. ``λ`` (default 5, "five sheets' worth") bounds them: the
abilities are shrunk at most λ, the severities at least λ. When reviewers do not really differ,
their severities shrink to nothing and the result is the raw means; with a fixed penalty on
abilities, a skewed assignment of reviewers to lecturers made the fit mistake lecturers'
differences for reviewers' and rank worse than the raw mean (tests/reviews/test_severity.py
checks strong, mild and absent severity differences, with even and skewed assignments).

Also here: the trend of one lecturer's results over time (slope in points per year, with its
standard error) and ICC(2,1) for complete blocks of co-observed lessons (Shrout & Fleiss 1979).
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu

DEFAULT_PENALTY = 5.0


@dataclass(frozen=True)
class SheetPoint:
    lecturer: Hashable
    reviewer: Hashable
    percent: float


@dataclass(frozen=True)
class Estimate:
    value: float
    stderr: float
    n: int  # sheets behind it


@dataclass(frozen=True)
class SeverityFit:
    mean: float
    abilities: dict[Hashable, Estimate]  # μ + ability, percent points
    severities: dict[Hashable, Estimate]  # positive: gives more points than average (lenient); negative: harsh
    raw_means: dict[Hashable, float]
    residual_sd: float
    sheets: int
    severity_penalty: float


LIGHT = 1e-6
MAX_PENALTY = 1e6


def fit_severity(points: Sequence[SheetPoint], *, penalty: float = DEFAULT_PENALTY) -> SeverityFit:
    """Fit abilities and severities; raises ValueError on an empty panel or a negative penalty."""
    if not points:
        raise ValueError("no sheets to fit")
    if penalty < 0:
        raise ValueError("the penalty must not be negative")
    first = _fit(points, ability_penalty=LIGHT, severity_penalty=LIGHT)  # both as fixed effects
    noise = first.residual_sd ** 2
    severity_penalty = max(penalty, _penalty_from(first.severities.values(), noise, centre=0.0))
    ability_penalty = min(penalty, _penalty_from(first.abilities.values(), noise, centre=first.mean))
    return _fit(points, ability_penalty=ability_penalty, severity_penalty=severity_penalty)


def _penalty_from(estimates, noise: float, *, centre: float) -> float:
    """σ²_ε / σ²_effect, where σ²_effect is the effects' spread beyond their sampling noise."""
    estimates = list(estimates)
    signal = np.mean([(e.value - centre) ** 2 for e in estimates]) - np.mean([e.stderr ** 2 for e in estimates])
    return MAX_PENALTY if signal <= noise / MAX_PENALTY else min(noise / signal, MAX_PENALTY)


def _fit(points: Sequence[SheetPoint], *, ability_penalty: float, severity_penalty: float) -> SeverityFit:
    lecturers = sorted({p.lecturer for p in points}, key=repr)
    reviewers = sorted({p.reviewer for p in points}, key=repr)
    li = {key: i for i, key in enumerate(lecturers)}
    ri = {key: i for i, key in enumerate(reviewers)}
    n, n_l, n_r = len(points), len(lecturers), len(reviewers)
    y = np.array([p.percent for p in points], dtype=float)
    rows = np.repeat(np.arange(n), 3)
    cols = np.column_stack([np.zeros(n, dtype=int), 1 + np.array([li[p.lecturer] for p in points]),
                            1 + n_l + np.array([ri[p.reviewer] for p in points])]).ravel()
    design = sparse.csr_matrix((np.ones(3 * n), (rows, cols)), shape=(n, 1 + n_l + n_r))
    size = 1 + n_l + n_r
    penalty_diag = np.r_[0.0, np.full(n_l, ability_penalty), np.full(n_r, severity_penalty)]
    gram = (design.T @ design + sparse.diags(penalty_diag)).tocsc()
    constraint = sparse.csc_matrix(np.r_[np.zeros(1 + n_l), np.ones(n_r)].reshape(-1, 1))
    kkt = sparse.bmat([[gram, constraint], [constraint.T, None]], format="csc")
    lu = splu(kkt)
    solution = lu.solve(np.r_[design.T @ y, 0.0])
    beta = solution[:size]
    residuals = y - design @ beta
    dof = max(n - _effective_parameters(lu, design, size), 1.0)
    sigma2 = float(residuals @ residuals) / dof
    covariance_of = _covariance_reader(lu, size, sigma2)
    counts_l = np.bincount([li[p.lecturer] for p in points], minlength=n_l)
    counts_r = np.bincount([ri[p.reviewer] for p in points], minlength=n_r)
    sums_l = np.bincount([li[p.lecturer] for p in points], weights=y, minlength=n_l)
    abilities = {}
    for key, i in li.items():
        contrast = np.zeros(size)
        contrast[0], contrast[1 + i] = 1.0, 1.0
        abilities[key] = Estimate(float(beta[0] + beta[1 + i]), covariance_of(contrast), int(counts_l[i]))
    severities = {}
    for key, j in ri.items():
        contrast = np.zeros(size)
        contrast[1 + n_l + j] = 1.0
        severities[key] = Estimate(float(beta[1 + n_l + j]), covariance_of(contrast), int(counts_r[j]))
    return SeverityFit(mean=float(beta[0]), abilities=abilities, severities=severities,
                       raw_means={key: float(sums_l[i] / counts_l[i]) for key, i in li.items()},
                       residual_sd=float(np.sqrt(sigma2)), sheets=n, severity_penalty=severity_penalty)


def _effective_parameters(lu, design, size: int) -> float:
    """trace of the hat matrix X (XᵀX+P)⁻¹ Xᵀ under the constraint (at most the parameter count)."""
    gram = (design.T @ design).toarray() if size <= 400 else None
    if gram is None:  # large panels: the unpenalised count is a safe upper bound
        return float(min(size - 1, design.shape[0] - 1))
    inverse_block = np.column_stack([lu.solve(np.r_[e, 0.0])[:size] for e in np.eye(size)])
    return float(np.trace(inverse_block @ gram))


def _covariance_reader(lu, size: int, sigma2: float):
    def stderr(contrast: np.ndarray) -> float:
        column = lu.solve(np.r_[contrast, 0.0])[:size]
        return float(np.sqrt(max(sigma2 * float(contrast @ column), 0.0)))

    return stderr


@dataclass(frozen=True)
class Trend:
    slope: float  # percent points per year
    stderr: float
    n: int


def trend(dated: Sequence[tuple[date, float]]) -> Trend | None:
    """Least-squares slope of percent over time in points per year; None with fewer than 3
    results or when they all fall on one day."""
    if len(dated) < 3:
        return None
    t = np.array([d.toordinal() / 365.25 for d, _ in dated])
    y = np.array([value for _, value in dated], dtype=float)
    t = t - t.mean()
    sxx = float(t @ t)
    if sxx == 0:
        return None
    slope = float(t @ (y - y.mean())) / sxx
    residuals = y - y.mean() - slope * t
    sigma2 = float(residuals @ residuals) / (len(y) - 2)
    return Trend(slope=slope, stderr=float(np.sqrt(sigma2 / sxx)), n=len(y))


def icc_2_1(ratings: np.ndarray | Sequence[Sequence[float]]) -> float | None:
    """ICC(2,1): two-way random effects, absolute agreement, single rater, for a complete
    matrix of n targets (rows) × k raters (columns). None when n < 2 or k < 2."""
    matrix = np.asarray(ratings, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        return None
    n, k = matrix.shape
    grand = matrix.mean()
    ss_rows = k * float(((matrix.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((matrix.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((matrix - grand) ** 2).sum())
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    return None if denominator == 0 else (ms_rows - ms_error) / denominator


def pooled_icc(blocks: Sequence[np.ndarray]) -> tuple[float | None, int]:
    """ICC(2,1) pooled over complete blocks (lessons sharing the same observers), weighted by
    the number of lessons in each block; returns (ICC, lessons used)."""
    estimates = [(icc_2_1(block), len(block)) for block in blocks]
    estimates = [(value, n) for value, n in estimates if value is not None]
    used = sum(n for _, n in estimates)
    if not used:
        return None, 0
    return sum(value * n for value, n in estimates) / used, used


def separable(upper: Estimate, lower: Estimate, *, z: float = 1.96) -> bool:
    """Whether two adjusted abilities' 95 % intervals do not overlap."""
    return upper.value - z * upper.stderr > lower.value + z * lower.stderr
