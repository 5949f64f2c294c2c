"""Shapes an observation for its page: which sheets the viewer sees and the figures around them."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from reviews import scoring, services
from reviews.models import Observation, Sheet
from reviews.permissions import can_view_sheet


@dataclass
class ObservationPage:
    observation: Observation
    own_sheet: Sheet | None
    sheets: list[Sheet]  # the sheets this viewer may read, own draft included
    scores: list[dict[str, Decimal]]  # one map of criterion code → score per sheet above
    consolidation: scoring.Consolidation | None  # provisional or final; None unless every submitted sheet is visible
    ranges: dict[str, Decimal] = field(default_factory=dict)  # max − min per criterion
    result_by_code: dict[str, Decimal] = field(default_factory=dict)
    domain_totals: dict[str, Decimal] = field(default_factory=dict)
    hidden_until_submitted: bool = False
    has_submitted: bool = False  # some observer has submitted: the observation can be finalised


def observation_page(observation: Observation, viewer: User) -> ObservationPage:
    own = next((s for s in observation.sheets if s.observer_id == viewer.id), None)
    sheets = [s for s in observation.sheets
              if can_view_sheet(viewer, s) and (s.is_submitted or s.observer_id == viewer.id)]
    scores = [s.score_map() for s in sheets]
    submitted = [m for s, m in zip(sheets, scores, strict=True) if s.is_submitted]
    ranges = {}
    for criterion in observation.rubric_version.criteria:
        values = [m[criterion.code] for m in submitted if criterion.code in m]
        if values:
            ranges[criterion.code] = max(values) - min(values)
    # The consolidation is a function of every submitted sheet, so it is shown only to a viewer
    # who may read them all: an observer who has not submitted yet must not learn the others'
    # scores from it (with one other sheet submitted, it would be that sheet's scores).
    all_submitted = [s for s in observation.sheets if s.is_submitted]
    sees_all_submitted = bool(all_submitted) and len(submitted) == len(all_submitted)
    page = ObservationPage(
        observation=observation, own_sheet=own, sheets=sheets, scores=scores,
        consolidation=services.consolidate(observation) if sees_all_submitted else None, ranges=ranges,
        hidden_until_submitted=bool(own and not own.is_submitted and not observation.is_finalized
                                    and len(observation.sheets) > 1),
        has_submitted=bool(all_submitted))
    if observation.is_finalized:
        page.result_by_code = observation.result_by_code()
        page.domain_totals = scoring.per_domain(observation.rubric_version.spec(), page.result_by_code)
    return page
