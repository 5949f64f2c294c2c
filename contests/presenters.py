"""What the contest pages and exports show, built from a loaded contest."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from contests import queries
from contests.enums import Prize
from contests.models import Contest, ContestEntry


@dataclass
class ResultRow:
    entry: ContestEntry
    rank: int | None
    total: Decimal | None
    prize: Prize | None
    components: dict[str, Decimal | None]


@dataclass
class RankingPage:
    contest: Contest
    rows: list[ResultRow]
    warnings: list[Prize]


def ranking_page(contest: Contest) -> RankingPage:
    ranking = queries.ranking_of(contest)
    entries = {entry.id: entry for entry in contest.entries}
    rows = [ResultRow(entries[row.entry_id], row.rank, row.total, Prize(row.prize) if row.prize else None,
                      dict(row.components)) for row in ranking.entries]
    return RankingPage(contest, rows, [Prize(code) for code in ranking.warnings])


def own_marks(entry: ContestEntry, judge_id: int, *, breakdown: bool = False) -> dict[str, Any]:
    """The judge's marks by component code; with ``breakdown``, a rubric component's mark is its
    scores by criterion code (what the marks form shows again)."""
    codes = {component.id: component.code for component in entry.contest.components}
    return {codes[mark.component_id]: mark.scores if breakdown and mark.scores else mark.points.normalize()
            for mark in entry.marks if mark.judge_id == judge_id}


def marks_table(entry: ContestEntry) -> list[tuple[str, dict[str, Decimal]]]:
    """Every judge's marks for the entry (only for who may see them): (judge name, code → mark)."""
    codes = {component.id: component.code for component in entry.contest.components}
    names = {judge.user_id: judge.user.full_name for judge in entry.contest.judges}
    table: dict[int, dict[str, Decimal]] = {}
    for mark in entry.marks:
        table.setdefault(mark.judge_id, {})[codes[mark.component_id]] = mark.points
    return [(names.get(judge_id, "?"), marks) for judge_id, marks in sorted(table.items())]
