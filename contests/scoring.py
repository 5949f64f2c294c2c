"""Contest results (SPEC §3.8), pure and exact (Decimal).

Per component, the judges' marks combine by the contest's rule: the mean; the trimmed mean
(dropping one highest and one lowest mark) when five or more judges marked; or the median.
An entry's total is Σ weight × component ÷ Σ weight. Entries rank by total, ties broken by the
contest's tie-break order of components; entries still tied share a rank and the next rank
skips (1, 2, 2, 4). Prizes follow the quotas in rank order; entries tied at a quota's edge all
get the better prize, and the organiser is warned that the quota was exceeded.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MEAN, TRIMMED_MEAN, MEDIAN = "mean", "trimmed_mean", "median"
METHODS = (MEAN, TRIMMED_MEAN, MEDIAN)
TRIM_MIN_JUDGES = 5
PRIZES = ("first", "second", "third", "consolation")


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def combine(marks: Sequence[Decimal], method: str = MEAN) -> Decimal:
    """One component's mark from its judges' marks."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    if not marks:
        raise ValueError("no marks to combine")
    ordered = sorted(Decimal(m) for m in marks)
    if method == MEDIAN:
        middle = len(ordered) // 2
        value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        return _q(value)
    if method == TRIMMED_MEAN and len(ordered) >= TRIM_MIN_JUDGES:
        ordered = ordered[1:-1]
    return _q(sum(ordered, Decimal(0)) / len(ordered))


def weighted_total(components: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Decimal | None:
    """Σ weight × component ÷ Σ weight over the contest's components; None while any is unmarked."""
    if not weights or any(components.get(code) is None for code in weights):
        return None
    total_weight = sum((Decimal(w) for w in weights.values()), Decimal(0))
    if total_weight <= 0:
        raise ValueError("the weights must add up to more than zero")
    return _q(sum((Decimal(weights[code]) * components[code] for code in weights), Decimal(0)) / total_weight)


@dataclass(frozen=True)
class EntryScores:
    entry_id: int
    components: Mapping[str, Decimal | None]


@dataclass
class RankedEntry:
    entry_id: int
    total: Decimal | None
    components: Mapping[str, Decimal | None]
    rank: int | None = None
    prize: str | None = None


@dataclass
class Ranking:
    entries: list[RankedEntry]
    warnings: list[str] = field(default_factory=list)  # prize codes whose quota ties exceeded


def _sort_key(entry: RankedEntry, tie_break: Sequence[str]) -> tuple:
    return (entry.total, *(entry.components.get(code) or Decimal(0) for code in tie_break))


def rank(entries: Sequence[EntryScores], weights: Mapping[str, Decimal], tie_break: Sequence[str]) -> list[RankedEntry]:
    """Entries best first with their rank; unfinished entries (no total) come last, unranked."""
    ranked = [RankedEntry(e.entry_id, weighted_total(e.components, weights), e.components) for e in entries]
    finished = sorted((e for e in ranked if e.total is not None), key=lambda e: (_sort_key(e, tie_break), -e.entry_id),
                      reverse=True)
    for position, entry in enumerate(finished, start=1):
        previous = finished[position - 2] if position > 1 else None
        tied = previous is not None and _sort_key(previous, tie_break) == _sort_key(entry, tie_break)
        entry.rank = previous.rank if tied else position
    return finished + [e for e in ranked if e.total is None]


def award_prizes(ranked: list[RankedEntry], quotas: Mapping[str, int | None]) -> Ranking:
    """Give prizes in rank order by quota (None: every entry left). Entries sharing a rank
    share the better prize, even past the quota; each such overflow is reported."""
    warnings: list[str] = []
    groups: dict[int, list[RankedEntry]] = {}
    for entry in ranked:
        if entry.rank is not None:
            groups.setdefault(entry.rank, []).append(entry)
    prize_codes = [code for code in PRIZES if code in quotas]
    index, used = 0, 0
    for rank_value in sorted(groups):
        while index < len(prize_codes) and quotas[prize_codes[index]] is not None \
                and used >= quotas[prize_codes[index]]:
            index, used = index + 1, 0
        if index >= len(prize_codes):
            break
        code, group = prize_codes[index], groups[rank_value]
        for entry in group:
            entry.prize = code
        used += len(group)
        quota = quotas[code]
        if quota is not None and used > quota and code not in warnings:
            warnings.append(code)
    return Ranking(ranked, warnings)
