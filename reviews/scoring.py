"""Scoring maths of observed lessons (SPEC §3.5): pure functions over exact ``Decimal``s.

No Flask, no database, no I/O. Services validate and store with these functions; the
rubric tables are turned into :class:`RubricSpec` before anything is computed.

Rounding: every figure that is shown (per-criterion consolidated score, percent, standard
deviation) is quantised to 0.01 with ROUND_HALF_UP; a consolidated total is the sum of the
shown per-criterion figures, so a breakdown always adds up. Arithmetic runs in Python's
default decimal context (28 digits): sums of scores are exact, and only means, percents and
square roots round, far below the 0.01 that is shown.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

EXCELLENT, GOOD, SATISFACTORY, UNSATISFACTORY = "excellent", "good", "satisfactory", "unsatisfactory"
RATINGS = (EXCELLENT, GOOD, SATISFACTORY, UNSATISFACTORY)  # best first
BAND_CODES = RATINGS[:-1]

MEAN, TRIMMED_MEAN, MEDIAN = "mean", "trimmed_mean", "median"
METHODS = (MEAN, TRIMMED_MEAN, MEDIAN)
ROBUST_MIN_SHEETS = 5  # trimmed mean and median need at least this many sheets
DISAGREEMENT_SHARE = Decimal("0.15")  # of the maximum; a wider range of totals is flagged

CENT = Decimal("0.01")
_ZERO = Decimal(0)
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)", re.ASCII)


class ScoreError(ValueError):
    """One criterion's score was refused; ``reason`` is "not_a_number", "out_of_range" or
    "not_a_step"."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class SheetError(ValueError):
    """A scoresheet had problems: ``errors`` maps criterion code → reason (a ScoreError
    reason, "missing" or "unknown_criterion"), every problem at once."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{code}: {reason}" for code, reason in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion: scores are multiples of ``step`` in [0, max_points]. A zero on a
    critical criterion forces the rating "unsatisfactory"."""

    code: str
    max_points: Decimal
    step: Decimal
    is_critical: bool = False
    domain_code: str = ""

    def __post_init__(self):
        if not (isinstance(self.max_points, Decimal) and isinstance(self.step, Decimal)):
            raise TypeError(f"{self.code}: max_points and step must be Decimal")
        if not (self.step > 0 and self.max_points > 0 and self.max_points % self.step == 0):
            raise ValueError(f"{self.code}: max_points must be a positive multiple of a positive step")


@dataclass(frozen=True)
class BandSpec:
    """A rating band: reached when the total is at least ``min_total``."""

    code: str
    min_total: Decimal


@dataclass(frozen=True)
class RubricSpec:
    """A rubric version: ordered criteria and its rating bands (better band, higher minimum)."""

    criteria: tuple[CriterionSpec, ...]
    bands: tuple[BandSpec, ...]

    def __post_init__(self):
        codes = [criterion.code for criterion in self.criteria]
        if not codes or len(set(codes)) != len(codes):
            raise ValueError("a rubric needs criteria with distinct codes")
        band_codes = [band.code for band in self.bands]
        if len(set(band_codes)) != len(band_codes) or not set(band_codes) <= set(BAND_CODES):
            raise ValueError(f"band codes must be distinct and among {BAND_CODES}")
        by_rating = sorted(self.bands, key=lambda band: RATINGS.index(band.code))
        if any(better.min_total <= worse.min_total for better, worse in zip(by_rating, by_rating[1:])):
            raise ValueError("a better band must have a higher minimum")

    @property
    def max_total(self) -> Decimal:
        return sum((criterion.max_points for criterion in self.criteria), _ZERO)

    def criterion(self, code: str) -> CriterionSpec:
        """The criterion with this code; KeyError if the rubric has none."""
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)


@dataclass(frozen=True)
class Spread:
    """How far apart the sheet totals are: sample standard deviation (n − 1, 0.01) and max − min."""

    stdev: Decimal
    range: Decimal


@dataclass(frozen=True)
class Consolidation:
    """The consolidated result of the submitted sheets of one observation."""

    per_criterion: dict[str, Decimal]
    total: Decimal
    percent: Decimal
    rating: str
    method: str
    sheet_count: int
    spread: Spread
    disagreement: bool


# --- one score, one sheet -------------------------------------------------------------

def _to_decimal(raw: object) -> Decimal | None:
    """Read a number exactly, or None. Strings may use a decimal comma ("1,75") and spaces,
    but no exponent, grouping or non-ASCII digits. Floats go through ``repr``, the shortest
    decimal that reads back as the same float, i.e. the literal a JSON client sent."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        raw = repr(raw)  # "nan", "inf" and exponents ("1e-20") fail the pattern below
    if isinstance(raw, str):
        text = raw.strip()
        raw = Decimal(text.replace(",", ".")) if _NUMBER.fullmatch(text) else None
    if isinstance(raw, int):
        raw = Decimal(raw)
    return raw if isinstance(raw, Decimal) and raw.is_finite() else None


def parse_score(criterion: CriterionSpec, raw: object) -> Decimal:
    """The score ``raw`` as an exact Decimal at the step's precision ("2" → 2.00 for a 0.25
    step), or ScoreError: not a number, outside [0, max], or not a multiple of the step."""
    value = _to_decimal(raw)
    if value is None:
        raise ScoreError(criterion.code, "not_a_number")
    if not _ZERO <= value <= criterion.max_points:
        raise ScoreError(criterion.code, "out_of_range")
    if value % criterion.step != 0:
        raise ScoreError(criterion.code, "not_a_step")
    return value.quantize(criterion.step).copy_abs()  # copy_abs: "-0" → 0


def allowed_values(criterion: CriterionSpec) -> list[Decimal]:
    """Every score a scoresheet offers: 0, step, 2·step … max."""
    count = int(criterion.max_points / criterion.step)
    return [(criterion.step * k).quantize(criterion.step) for k in range(count + 1)]


def validate_sheet(rubric: RubricSpec, raw_scores: Mapping[str, object], *, complete: bool) -> dict[str, Decimal]:
    """Parse a sheet's scores, in rubric order. None or a blank string means "not scored
    yet": allowed in a draft, "missing" when ``complete``. Unknown codes are refused.
    Raises SheetError with every problem found."""
    known = {criterion.code for criterion in rubric.criteria}
    errors = {code: "unknown_criterion" for code in raw_scores if code not in known}
    scores: dict[str, Decimal] = {}
    for criterion in rubric.criteria:
        raw = raw_scores.get(criterion.code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if complete:
                errors[criterion.code] = "missing"
            continue
        try:
            scores[criterion.code] = parse_score(criterion, raw)
        except ScoreError as error:
            errors[criterion.code] = error.reason
    if errors:
        raise SheetError(errors)
    return scores


def sheet_total(scores: Mapping[str, Decimal]) -> Decimal:
    """Σ criterion scores."""
    return sum(scores.values(), _ZERO)


def percent(total: Decimal, max_total: Decimal) -> Decimal:
    """total / max × 100, to 0.01 (ROUND_HALF_UP): the only figure compared across versions."""
    if max_total <= 0:
        raise ValueError("percent of a non-positive maximum")
    return _cent(total * 100 / max_total)


def rating(rubric: RubricSpec, total: Decimal, criterion_scores: Mapping[str, Decimal]) -> str:
    """The best band whose minimum ≤ total; "unsatisfactory" below every band, or when a
    critical criterion is scored 0 (a critical criterion absent from the scores is not a 0)."""
    if any(criterion_scores.get(c.code) == 0 for c in rubric.criteria if c.is_critical):
        return UNSATISFACTORY
    reached = [band.code for band in rubric.bands if band.min_total <= total]
    return min(reached, key=RATINGS.index, default=UNSATISFACTORY)


def rating_rank(code: str) -> int:
    """0 for the best rating, 3 for "unsatisfactory": for sorting and comparing ratings."""
    return RATINGS.index(code)


# --- breakdowns -----------------------------------------------------------------------

def per_domain(rubric: RubricSpec, scores: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Σ scores per domain code, in rubric order; an unscored criterion counts 0."""
    totals: dict[str, Decimal] = {}
    for criterion in rubric.criteria:
        totals[criterion.domain_code] = totals.get(criterion.domain_code, _ZERO) + scores.get(criterion.code, _ZERO)
    return totals


def domain_max(rubric: RubricSpec) -> dict[str, Decimal]:
    """Σ maximum points per domain code, in rubric order."""
    return per_domain(rubric, {criterion.code: criterion.max_points for criterion in rubric.criteria})


# --- consolidation of several sheets ----------------------------------------------------

def _cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, _ZERO) / len(values)


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(values) % 2 else _mean(ordered[middle - 1:middle + 1])


def _aggregate(values: Sequence[Decimal], method: str) -> Decimal:
    """Mean, trimmed mean (one highest and one lowest dropped) or median, unrounded."""
    if method == TRIMMED_MEAN:
        return _mean(sorted(values)[1:-1])
    if method == MEDIAN:
        return _median(values)
    return _mean(values)


def effective_method(method: str, sheet_count: int) -> str:
    """The method actually used (a plain str): the robust ones fall back to the mean under
    5 sheets."""
    if method not in METHODS:
        raise ValueError(f"unknown consolidation method {method!r}")
    return METHODS[METHODS.index(method)] if sheet_count >= ROBUST_MIN_SHEETS else MEAN


def spread(totals: Sequence[Decimal]) -> Spread:
    """Sample standard deviation (n − 1; 0 for one total) and max − min of sheet totals."""
    if len(totals) < 2:
        return Spread(stdev=_cent(_ZERO), range=_ZERO)
    mean = _mean(totals)
    variance = sum(((t - mean) ** 2 for t in totals), _ZERO) / (len(totals) - 1)
    return Spread(stdev=_cent(variance.sqrt()), range=max(totals) - min(totals))


def is_disagreement(range_: Decimal, max_total: Decimal) -> bool:
    """Observers disagree when max − min of the totals exceeds 15 % of the maximum."""
    return range_ > max_total * DISAGREEMENT_SHARE


def _check_sheets(rubric: RubricSpec, sheets: Sequence[Mapping[str, Decimal]]) -> None:
    if not sheets:
        raise ValueError("cannot consolidate zero sheets")
    codes = {criterion.code for criterion in rubric.criteria}
    for number, sheet in enumerate(sheets, start=1):
        if set(sheet) != codes:
            raise ValueError(f"sheet {number} does not score exactly the rubric's criteria")


def consolidate(rubric: RubricSpec, sheets: Sequence[Mapping[str, Decimal]], method: str = MEAN) -> Consolidation:
    """Consolidate complete submitted sheets: each criterion's aggregate to 0.01, their sum
    as the total, percent and rating (critical rule on the shown per-criterion values), and
    the spread of the sheet totals."""
    _check_sheets(rubric, sheets)
    used = effective_method(method, len(sheets))
    per_criterion = {
        c.code: _cent(_aggregate([sheet[c.code] for sheet in sheets], used)) for c in rubric.criteria}
    total = sheet_total(per_criterion)
    sheets_spread = spread([sheet_total(sheet) for sheet in sheets])
    return Consolidation(
        per_criterion=per_criterion, total=total, percent=percent(total, rubric.max_total),
        rating=rating(rubric, total, per_criterion), method=used, sheet_count=len(sheets),
        spread=sheets_spread, disagreement=is_disagreement(sheets_spread.range, rubric.max_total))


# --- shipped templates (codes and numbers only; the seed carries the wording) -----------

def _template(rows: Sequence[tuple[str, str, bool]]) -> RubricSpec:
    """A 0.25-step rubric with bands 18 / 14 / 10 from (code, max, critical) rows; the
    domain is the part of the code before the dot."""
    step = Decimal("0.25")
    criteria = tuple(
        CriterionSpec(code, Decimal(maximum), step, critical, code.split(".")[0]) for code, maximum, critical in rows)
    bands = (BandSpec(EXCELLENT, Decimal(18)), BandSpec(GOOD, Decimal(14)), BandSpec(SATISFACTORY, Decimal(10)))
    return RubricSpec(criteria, bands)


def llct_template() -> RubricSpec:
    """The LLCT lecture form of SPEC §3.4: 20 points over five domains; critical 2.1 and 2.2."""
    return _template([
        ("1.1", "2", False), ("2.1", "2", True), ("2.2", "2", True), ("2.3", "2", False), ("2.4", "1", False),
        ("3.1", "2", False), ("3.2", "2", False), ("3.3", "1", False), ("4.1", "2", False), ("4.2", "1", False),
        ("5.1", "3", False),
    ])


def school_template() -> RubricSpec:
    """The Hà Nội 2022–23 lesson form of domain-notes §2.1: 20 points over four domains
    (5 / 7 / 3 / 5); critical 1.1, 2.1, 3.2 and 4.1."""
    return _template([
        ("1.1", "1", True), ("1.2", "1", False), ("1.3", "0.5", False), ("1.4", "1", False),
        ("1.5", "1", False), ("1.6", "0.5", False),
        ("2.1", "1", True), ("2.2", "1", False), ("2.3", "1", False), ("2.4", "1", False),
        ("2.5", "0.5", False), ("2.6", "1", False), ("2.7", "0.5", False), ("2.8", "1", False),
        ("3.1", "1", False), ("3.2", "1", True), ("3.3", "1", False),
        ("4.1", "3", True), ("4.2", "1", False), ("4.3", "1", False),
    ])
