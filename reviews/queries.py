"""Reads for observations: filtered lists, a reviewer's day, coverage of classes, progress points."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from accounts.models import User
from core.content_versions import stamp_of_unit
from core.extensions import db
from core.memo import DerivedCache
from lecturers.models import Lecturer, TeachingSession, TrainingClass
from reviews.enums import ObservationState
from reviews.models import Observation, Sheet
from reviews.rubrics import FrozenVersion, Rubric, RubricDomain, RubricVersion, ScoredCriterion


@dataclass(frozen=True)
class ObservationFilters:
    lecturer_id: int | None = None
    observer_id: int | None = None
    state: str | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def observation_query(unit_id: int, filters: ObservationFilters = ObservationFilters()):
    """Observations of a unit, newest first, loading what the list shows in a fixed number of queries."""
    query = (sa.select(Observation).where(Observation.unit_id == unit_id)
             .options(joinedload(Observation.lecturer), joinedload(Observation.topic),
                      selectinload(Observation.sheets).selectinload(Sheet.observer),
                      selectinload(Observation.amendments)))
    if filters.lecturer_id:
        query = query.where(Observation.lecturer_id == filters.lecturer_id)
    if filters.observer_id:
        query = query.where(Observation.sheets.any(Sheet.observer_id == filters.observer_id))
    if filters.state:
        query = query.where(Observation.state == filters.state)
    if filters.kind:
        query = query.where(Observation.kind == filters.kind)
    if filters.date_from:
        query = query.where(Observation.date >= filters.date_from)
    if filters.date_to:
        query = query.where(Observation.date <= filters.date_to)
    return query.order_by(Observation.date.desc(), Observation.id.desc())


def observation_heading(observation_id: int) -> tuple[Observation, int] | None:
    """The observation with what deciding who may see its page, and what they may do there, reads
    (its unit is most often the viewer's, already loaded with their session: it is not joined),
    and the content stamp of its unit (``core.content_versions``), in one query."""
    row = db.session.execute(_observation_heading_query(), {"id": observation_id}).first()
    return (row[0], row[1]) if row else None


@cache
def _observation_heading_query() -> sa.Select:
    """Built once (every view of an observation runs it), with the id as a parameter."""
    return (sa.select(Observation, stamp_of_unit(Observation.unit_id)).where(Observation.id == sa.bindparam("id"))
            .options(joinedload(Observation.lecturer)))


def observation_detail(observation_id: int) -> Observation | None:
    version = joinedload(Observation.rubric_version)
    query = (sa.select(Observation).where(Observation.id == observation_id)
             .options(joinedload(Observation.lecturer).joinedload(Lecturer.unit),
                      joinedload(Observation.unit), joinedload(Observation.topic),
                      joinedload(Observation.chair), joinedload(Observation.response), joinedload(Observation.practice),
                      selectinload(Observation.amendments), selectinload(Observation.scores),
                      version.joinedload(RubricVersion.rubric),
                      version.selectinload(RubricVersion.domains),
                      version.selectinload(RubricVersion.criteria), version.joinedload(RubricVersion.bands),
                      selectinload(Observation.sheets).joinedload(Sheet.observer),
                      selectinload(Observation.sheets).selectinload(Sheet.scores)))
    observation = db.session.execute(query).unique().scalar_one_or_none()  # one row per band: unique()
    if observation is not None:
        _fill_domain_criteria(observation.rubric_version)
    return observation


def _fill_domain_criteria(version: RubricVersion) -> None:
    """Set each domain's criteria from the version's, already loaded (one query fewer than
    loading them again by domain); both lists are in criterion position order."""
    by_domain: dict[int, list] = {domain.id: [] for domain in version.domains}
    for criterion in version.criteria:
        by_domain[criterion.domain_id].append(criterion)
    for domain in version.domains:
        set_committed_value(domain, "criteria", by_domain[domain.id])


def own_sheet(observation_id: int, observer_id: int, *, refresh: bool = False) -> Sheet | None:
    """An observer's sheet of an observation, with the observation, in one query. The rubric is
    read as ``frozen_version``, the sheet's page reads its version with
    ``rubric_version_for_sheet``; a save reads the sheet under the observation's lock
    (``services.sheet_to_change``) and the stored scores there (``services.save_sheet``). With
    ``refresh``, what is read replaces what the session held of the sheet and the observation."""
    return db.session.scalars(_own_sheet_query(), {"observation": observation_id, "observer": observer_id},
                              execution_options={"populate_existing": refresh}).one_or_none()


@cache
def _own_sheet_query() -> sa.Select:
    """Built once (every save runs it), with the ids as parameters."""
    return (sa.select(Sheet).join(Sheet.observation)
            .where(Sheet.observation_id == sa.bindparam("observation"), Sheet.observer_id == sa.bindparam("observer"))
            .options(contains_eager(Sheet.observation)))


def rubric_version_for_sheet(version_id: int) -> RubricVersion:
    """A rubric version with what a scoresheet page shows: domains, criteria and bands."""
    query = (sa.select(RubricVersion).where(RubricVersion.id == version_id)
             .options(selectinload(RubricVersion.domains), selectinload(RubricVersion.criteria),
                      selectinload(RubricVersion.bands)))
    version = db.session.scalars(query).one()
    _fill_domain_criteria(version)
    return version


_FROZEN: DerivedCache[FrozenVersion] = DerivedCache(64)


def frozen_version(version_id: int) -> FrozenVersion:
    """The version as scoring reads it; kept once it is published (only drafts change, and
    observations use published versions only)."""
    kept = _FROZEN.get(version_id)
    if kept is not None:
        return kept
    version = rubric_version_for_sheet(version_id)
    criteria = tuple(ScoredCriterion(id=criterion.id, code=criterion.code, title=criterion.title,
                                     spec=criterion.spec()) for criterion in version.criteria)
    frozen = FrozenVersion(id=version.id, is_draft=version.is_draft, spec=version.spec(), criteria=criteria,
                           codes={criterion.id: criterion.code for criterion in criteria},
                           ids={criterion.code: criterion.id for criterion in criteria})
    if not frozen.is_draft:
        _FROZEN.put(version_id, frozen)
    return frozen


def my_open_sheets(user: User, *, today: date, days: int = 7) -> list[Sheet]:
    """The user's draft sheets of lessons from a week ago up to a week ahead, soonest first."""
    query = (sa.select(Sheet).join(Observation).where(
        Sheet.observer_id == user.id, Sheet.state == "draft", Observation.state != ObservationState.FINALIZED,
        Observation.date.between(date.fromordinal(today.toordinal() - days),
                                 date.fromordinal(today.toordinal() + days)))
        .options(selectinload(Sheet.observation).selectinload(Observation.lecturer),
                 selectinload(Sheet.observation).selectinload(Observation.topic))
        .order_by(Observation.date, Observation.id))
    return list(db.session.scalars(query))


def classes_without_observation(unit_id: int, year: int) -> list[TrainingClass]:
    """Classes of the year none of whose teaching sessions was observed."""
    observed = (sa.select(TeachingSession.class_id).join(Observation, Observation.session_id == TeachingSession.id)
                .where(TeachingSession.class_id == TrainingClass.id))
    query = (sa.select(TrainingClass).where(
        TrainingClass.unit_id == unit_id, TrainingClass.status != "cancelled",
        TrainingClass.start_date <= date(year, 12, 31), TrainingClass.end_date >= date(year, 1, 1),
        ~sa.exists(observed)).options(selectinload(TrainingClass.programme)).order_by(TrainingClass.start_date))
    return list(db.session.scalars(query))


def rubrics_for(unit_id: int) -> list[Rubric]:
    """The shipped templates and the unit's own rubrics."""
    query = (sa.select(Rubric).where(sa.or_(Rubric.unit_id == unit_id, Rubric.unit_id.is_(None)))
             .options(selectinload(Rubric.versions)).order_by(Rubric.unit_id.is_(None), Rubric.name))
    return list(db.session.scalars(query))


def published_rubric_choices(unit_id: int, locale: str) -> list[tuple[int, str]]:
    """(current published version id, rubric name) of the shipped templates and the unit's own
    rubrics: what a form offers to score on."""
    return [(rubric.current_version.id, rubric.display_name(locale)) for rubric in rubrics_for(unit_id)
            if rubric.current_version]


def lecturer_observations(lecturer_id: int, *, limit: int = 30) -> list[Observation]:
    """A lecturer's observations, newest first, with what their list shows, in one query
    (visibility is the caller's business: ``can_view_observation`` reads the sheets only for
    someone who is neither unit staff nor the lecturer, so they load when asked)."""
    newest = (sa.select(Observation.id).where(Observation.lecturer_id == lecturer_id)
              .order_by(Observation.date.desc(), Observation.id.desc()).limit(limit))
    query = (sa.select(Observation).where(Observation.id.in_(newest))
             .options(joinedload(Observation.topic), joinedload(Observation.unit),
                      joinedload(Observation.lecturer), joinedload(Observation.amendments),
                      joinedload(Observation.practice))
             .order_by(Observation.date.desc(), Observation.id.desc()))
    return list(db.session.scalars(query).unique())


def rubric_version_detail(version_id: int) -> RubricVersion | None:
    """A rubric version with its rubric, sibling versions, domains, criteria and bands."""
    query = (sa.select(RubricVersion).where(RubricVersion.id == version_id)
             .options(joinedload(RubricVersion.rubric).joinedload(Rubric.unit),
                      joinedload(RubricVersion.rubric).selectinload(Rubric.versions),
                      selectinload(RubricVersion.domains).selectinload(RubricDomain.criteria),
                      selectinload(RubricVersion.criteria), selectinload(RubricVersion.bands)))
    return db.session.scalar(query)


def used_version_ids(version_ids: list[int]) -> set[int]:
    """Which of these rubric versions an observation uses (so they are frozen)."""
    if not version_ids:
        return set()
    return set(db.session.scalars(sa.select(Observation.rubric_version_id).distinct()
                                  .where(Observation.rubric_version_id.in_(version_ids))))
