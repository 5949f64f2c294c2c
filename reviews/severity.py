"""Fair comparison of lecturers scored by different reviewers (SPEC §3.5). Pure numpy/scipy.

Model, over the submitted sheets of a window::

    percent(sheet) = μ + ability[lecturer] + severity[reviewer] + ε

fitted by ridge-regularised least squares, with the severities constrained to sum to zero so
a lecturer's adjusted ability ``μ + ability`` is on the same percent scale as the raw mean. The
constrained normal equations are solved block-wise (``_Panel``); standard errors come from
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
    lecturers, lecturer_codes = _codes([p.lecturer for p in points])
    reviewers, reviewer_codes = _codes([p.reviewer for p in points])
    percents = np.fromiter((p.percent for p in points), dtype=float, count=len(points))
    return _fit_coded(lecturers, lecturer_codes, reviewers, reviewer_codes, percents, penalty=penalty)


def fit_severity_arrays(lecturer_ids: np.ndarray, reviewer_ids: np.ndarray, percents: np.ndarray, *,
                        penalty: float = DEFAULT_PENALTY) -> SeverityFit:
    """``fit_severity`` over three parallel columns (integer ids, percents) — no object per
    sheet: what a province-wide window needs. The result is the same as ``fit_severity`` on
    the corresponding points."""
    if len(percents) == 0:
        raise ValueError("no sheets to fit")
    lecturers, lecturer_codes = _integer_codes(np.asarray(lecturer_ids))
    reviewers, reviewer_codes = _integer_codes(np.asarray(reviewer_ids))
    return _fit_coded(lecturers, lecturer_codes, reviewers, reviewer_codes, np.asarray(percents, dtype=float),
                      penalty=penalty)


def _codes(keys: list) -> tuple[list, np.ndarray]:
    """The distinct keys (ordered by repr, as the estimates are listed) and each key's index."""
    distinct = sorted(set(keys), key=repr)
    index = {key: i for i, key in enumerate(distinct)}
    return distinct, np.fromiter((index[key] for key in keys), dtype=np.intp, count=len(keys))


def _integer_codes(ids: np.ndarray) -> tuple[list, np.ndarray]:
    distinct, inverse = np.unique(ids, return_inverse=True)
    keys = distinct.tolist()  # plain ints
    order = sorted(range(len(keys)), key=lambda i: repr(keys[i]))
    position = np.empty(len(keys), dtype=np.intp)
    position[order] = np.arange(len(keys))
    return [keys[i] for i in order], position[inverse.ravel()]


def _fit_coded(lecturers: list, lecturer_codes: np.ndarray, reviewers: list, reviewer_codes: np.ndarray,
               percents: np.ndarray, *, penalty: float) -> SeverityFit:
    if penalty < 0:
        raise ValueError("the penalty must not be negative")
    panel = _Panel(lecturer_codes, reviewer_codes, percents, len(lecturers), len(reviewers))
    first = panel.solve(ability_penalty=LIGHT, severity_penalty=LIGHT)  # both as fixed effects
    noise = first.sigma2
    severity_penalty = max(penalty, _penalty_from(first.severities, first.severity_se, noise, centre=0.0))
    ability_penalty = min(penalty, _penalty_from(first.abilities, first.ability_se, noise, centre=first.mean))
    final = panel.solve(ability_penalty=ability_penalty, severity_penalty=severity_penalty)
    counts_l, counts_r = panel.counts_l.astype(int).tolist(), panel.counts_r.astype(int).tolist()
    raw = (panel.sums_l / panel.counts_l).tolist()
    abilities = {key: Estimate(value, se, n) for key, value, se, n
                 in zip(lecturers, final.abilities.tolist(), final.ability_se.tolist(), counts_l)}
    severities = {key: Estimate(value, se, n) for key, value, se, n
                  in zip(reviewers, final.severities.tolist(), final.severity_se.tolist(), counts_r)}
    return SeverityFit(mean=final.mean, abilities=abilities, severities=severities,
                       raw_means=dict(zip(lecturers, raw)), residual_sd=float(np.sqrt(final.sigma2)),
                       sheets=panel.n, severity_penalty=severity_penalty)


def _penalty_from(values: np.ndarray, stderrs: np.ndarray, noise: float, *, centre: float) -> float:
    """σ²_ε / σ²_effect, where σ²_effect is the effects' spread beyond their sampling noise."""
    signal = np.mean((values - centre) ** 2) - np.mean(stderrs ** 2)
    return MAX_PENALTY if signal <= noise / MAX_PENALTY else min(noise / signal, MAX_PENALTY)


@dataclass(frozen=True)
class _Solution:
    mean: float
    abilities: np.ndarray  # μ + ability
    ability_se: np.ndarray
    severities: np.ndarray
    severity_se: np.ndarray
    sigma2: float


class _Panel:
    """The normal equations of one panel, solved block-wise.

    With parameters (ability a; z = (μ, severity s)) the penalised Gram matrix XᵀX + P is
    [[D, B], [Bᵀ, C]] where D = diag(sheets per lecturer + λ_a) is diagonal, B = [n_l | N] (N:
    sheets per lecturer × reviewer) and C the (1 + reviewers)² block of μ and s. Eliminating a
    leaves the Schur complement S = C − BᵀD⁻¹B, dense but only (1 + reviewers)²; the sum-to-zero
    constraint gᵀz = 0 is applied to it. The constrained covariance (up to σ²) is then
    Q = S⁻¹ − S⁻¹ggᵀS⁻¹ / gᵀS⁻¹g for z, and 1/dᵢ + vᵢᵀQvᵢ for μ + aᵢ with vᵢ = D⁻¹Bᵢ − e_μ —
    the same numbers as the sparse KKT system and its inverse, without ever forming either.
    Differences such as n − Σ cᵢ²/dᵢ are written as Σ cᵢλ/dᵢ so no precision is lost to
    cancellation.
    """

    def __init__(self, lecturer_codes: np.ndarray, reviewer_codes: np.ndarray, percents: np.ndarray,
                 n_l: int, n_r: int):
        self.n, self.n_l, self.n_r = len(percents), n_l, n_r
        self.l, self.r, self.y = lecturer_codes, reviewer_codes, percents
        self.counts_l = np.bincount(lecturer_codes, minlength=n_l).astype(float)
        self.counts_r = np.bincount(reviewer_codes, minlength=n_r).astype(float)
        self.sums_l = np.bincount(lecturer_codes, weights=percents, minlength=n_l)
        self.sums_r = np.bincount(reviewer_codes, weights=percents, minlength=n_r)
        cross = sparse.csr_matrix((np.ones(self.n), (lecturer_codes, reviewer_codes)), shape=(n_l, n_r))
        cross.sum_duplicates()
        self.cross = cross
        self.cross_rows = np.repeat(np.arange(n_l), np.diff(cross.indptr))

    def solve(self, *, ability_penalty: float, severity_penalty: float) -> _Solution:
        n_l, n_r, cross, c_l = self.n_l, self.n_r, self.cross, self.counts_l
        d = c_l + ability_penalty
        light = ability_penalty / d  # 1 − cᵢ/dᵢ
        scaled = sparse.diags(1.0 / d) @ cross  # D⁻¹N
        schur = np.empty((1 + n_r, 1 + n_r))
        schur[0, 0] = float(c_l @ light)
        schur[0, 1:] = schur[1:, 0] = cross.T @ light
        schur[1:, 1:] = -(cross.T @ scaled).toarray()
        kept = cross.data * (d[self.cross_rows] - cross.data) / d[self.cross_rows]  # N_ij(1 − N_ij/dᵢ)
        schur[np.arange(1, n_r + 1), np.arange(1, n_r + 1)] = (
            np.bincount(cross.indices, weights=kept, minlength=n_r) + severity_penalty)
        reduced = np.r_[float(self.sums_l @ light), self.sums_r - cross.T @ (self.sums_l / d)]
        constraint = np.r_[0.0, np.ones(n_r)]
        inverse = np.linalg.solve(schur, np.eye(1 + n_r))
        inverse = (inverse + inverse.T) / 2
        u, h = inverse @ reduced, inverse @ constraint
        z = u - h * (float(constraint @ u) / float(constraint @ h))
        q = inverse - np.outer(h, h) / float(constraint @ h)
        mean, severities = float(z[0]), z[1:]
        abilities = (self.sums_l - c_l * mean - cross @ severities) / d
        residuals = self.y - mean - abilities[self.l] - severities[self.r]
        v = sparse.hstack([sparse.csr_matrix(-light.reshape(-1, 1)), scaled], format="csr")  # vᵢ = D⁻¹Bᵢ − e_μ
        ability_var = 1.0 / d + np.asarray(v.multiply(v @ q).sum(axis=1)).ravel()
        severity_var = np.diag(q)[1:]
        size = 1 + n_l + n_r
        if size <= 400:  # trace of the hat matrix: size − 1 − trace(Cov·P)
            w = sparse.hstack([sparse.csr_matrix((c_l / d).reshape(-1, 1)), scaled], format="csr")
            penalised = 1.0 / d + np.asarray(w.multiply(w @ q).sum(axis=1)).ravel()
            effective = size - 1 - ability_penalty * float(penalised.sum()) - severity_penalty * float(severity_var.sum())
        else:  # large panels: the unpenalised count is a safe upper bound
            effective = float(min(size - 1, self.n - 1))
        dof = max(self.n - effective, 1.0)
        sigma2 = float(residuals @ residuals) / dof
        return _Solution(mean=mean, abilities=mean + abilities,
                         ability_se=np.sqrt(np.maximum(sigma2 * ability_var, 0.0)),
                         severities=severities, severity_se=np.sqrt(np.maximum(sigma2 * severity_var, 0.0)),
                         sigma2=sigma2)


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
