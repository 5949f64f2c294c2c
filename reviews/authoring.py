"""Writing rubrics: drafts are edited, published versions are frozen, editing a published
rubric starts a new draft version copied from the current one."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from accounts.models import Unit, User
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action
from reviews.enums import ConsolidationMethod, Rating, RubricVersionState
from reviews.models import Observation, ReviewSettings
from reviews.rubrics import Criterion, RatingBand, Rubric, RubricDomain, RubricVersion

BAND_CODES = (Rating.EXCELLENT, Rating.GOOD, Rating.SATISFACTORY)


def _draft(version: RubricVersion) -> RubricVersion:
    if not version.is_draft:
        raise DomainError(_l("A published version is frozen. Start a new version to change it."), status=409,
                          code="conflict")
    return version


def is_used(version: RubricVersion) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Observation)
                             .where(Observation.rubric_version_id == version.id)) > 0


def create_rubric(*, unit: Unit, name: str, name_en: str, actor: User, now: datetime) -> Rubric:
    rubric = Rubric(unit_id=unit.id, name=name.strip(), name_en=name_en.strip(),
                    versions=[RubricVersion(number=1, state=RubricVersionState.DRAFT, created_at=now)])
    db.session.add(rubric)
    db.session.flush()
    log_action("rubric_created", rubric, actor_id=actor.id, unit_id=unit.id, after={"name": rubric.name}, now=now)
    return rubric


def copy_rubric(source: RubricVersion, *, unit: Unit, actor: User, now: datetime) -> Rubric:
    """Copy a rubric version (e.g. a shipped template) into the unit as a new draft rubric."""
    rubric = Rubric(unit_id=unit.id, name=source.rubric.name, name_en=source.rubric.name_en)
    rubric.versions = [_copy_version(source, number=1, now=now)]
    db.session.add(rubric)
    db.session.flush()
    log_action("rubric_copied", rubric, actor_id=actor.id, unit_id=unit.id,
               after={"from_version": source.id}, now=now)
    return rubric


def _copy_version(source: RubricVersion, *, number: int, now: datetime) -> RubricVersion:
    version = RubricVersion(number=number, state=RubricVersionState.DRAFT, created_at=now)
    for domain in source.domains:
        copy = RubricDomain(position=domain.position, code=domain.code, title=domain.title, title_en=domain.title_en)
        version.domains.append(copy)
        for criterion in domain.criteria:
            version.criteria.append(Criterion(
                domain=copy, domain_position=domain.position, position=criterion.position, code=criterion.code,
                title=criterion.title, title_en=criterion.title_en, max_points=criterion.max_points,
                step=criterion.step, is_critical=criterion.is_critical, descriptors=criterion.descriptors))
    version.bands = [RatingBand(code=band.code, min_total=band.min_total) for band in source.bands]
    return version


def new_version(rubric: Rubric, *, actor: User, now: datetime) -> RubricVersion:
    """Start a draft from the current version (or return the draft already open)."""
    if rubric.draft_version is not None:
        return rubric.draft_version
    if rubric.unit_id is None:
        raise DomainError(_l("Shipped templates cannot be changed; copy one into your unit instead."),
                          status=403, code="forbidden")
    source = rubric.current_version or rubric.versions[-1]
    version = _copy_version(source, number=max(v.number for v in rubric.versions) + 1, now=now)
    rubric.versions.append(version)
    db.session.flush()
    log_action("rubric_version_started", rubric, actor_id=actor.id, unit_id=rubric.unit_id,
               after={"number": version.number}, now=now)
    return version


def save_domain(version: RubricVersion, domain: RubricDomain | None, *, values: dict[str, Any]) -> RubricDomain:
    _draft(version)
    code = values["code"].strip()
    if any(d.code == code and d is not domain for d in version.domains):
        raise DomainError(_l("Another domain of this version has this code."), field="code")
    if domain is None:
        domain = RubricDomain(position=_next_position(version.domains))
        version.domains.append(domain)
    domain.code, domain.title, domain.title_en = code, values["title"].strip(), values.get("title_en", "").strip()
    for criterion in domain.criteria:
        criterion.domain_position = domain.position
    db.session.flush()
    return domain


def save_criterion(version: RubricVersion, criterion: Criterion | None, *, domain: RubricDomain,
                   values: dict[str, Any]) -> Criterion:
    """Add or change a criterion of a draft. The maximum must be a whole number of steps."""
    _draft(version)
    if domain.version_id != version.id:
        raise DomainError(_l("Unknown domain."), field="domain_id")
    code = values["code"].strip()
    if any(c.code == code and c is not criterion for c in version.criteria):
        raise DomainError(_l("Another criterion of this version has this code."), field="code")
    max_points, step = Decimal(values["max_points"]), Decimal(values["step"])
    if step <= 0 or max_points <= 0 or max_points % step != 0:
        raise DomainError(_l("The maximum must be a positive whole number of steps."), field="max_points")
    if criterion is None:
        criterion = Criterion(position=_next_position(domain.criteria))
        version.criteria.append(criterion)
    elif criterion.domain is not domain:  # moved: it goes last in its new domain
        criterion.position = _next_position(domain.criteria)
    criterion.domain, criterion.domain_position = domain, domain.position
    criterion.code, criterion.title = code, values["title"].strip()
    criterion.title_en = values.get("title_en", "").strip()
    criterion.max_points, criterion.step = max_points, step
    criterion.is_critical = bool(values.get("is_critical"))
    criterion.descriptors = values.get("descriptors", "").strip()
    db.session.flush()
    return criterion


def _next_position(items: list[RubricDomain] | list[Criterion]) -> int:
    """After the last one (positions may have gaps once something was removed)."""
    return max((item.position for item in items), default=-1) + 1


def delete_criterion(version: RubricVersion, criterion: Criterion) -> None:
    _draft(version)
    domain = criterion.domain
    version.criteria.remove(criterion)
    db.session.delete(criterion)
    db.session.flush()
    db.session.expire(domain, ["criteria"])


def delete_domain(version: RubricVersion, domain: RubricDomain) -> None:
    """Remove an empty domain of a draft; the domains after it move up."""
    _draft(version)
    if domain.criteria:
        raise DomainError(_l("Remove the criteria of this domain first."))
    version.domains.remove(domain)
    db.session.delete(domain)
    for position, other in enumerate(version.domains):
        other.position = position
        for criterion in other.criteria:
            criterion.domain_position = position
    db.session.flush()


def set_bands(version: RubricVersion, minimums: dict[str, Decimal]) -> None:
    """Minimum totals for Giỏi > Khá > Trung bình, each within the version's maximum."""
    _draft(version)
    values = [Decimal(minimums[code]) for code in BAND_CODES]
    if not values[0] > values[1] > values[2] >= 0:
        raise DomainError(_l("The minimums must fall: Excellent above Good above Satisfactory."), field="bands")
    if version.criteria and values[0] > version.max_total:
        raise DomainError(_l("A minimum cannot exceed the rubric's maximum of %(max)s.", max=version.max_total),
                          field="bands")
    existing = {band.code: band for band in version.bands}
    for code, value in zip(BAND_CODES, values, strict=True):
        if code in existing:
            existing[code].min_total = value
        else:
            version.bands.append(RatingBand(code=code, min_total=value))
    db.session.flush()


def publish(version: RubricVersion, *, actor: User, now: datetime) -> RubricVersion:
    """Publish a complete draft; earlier published versions are retired (still readable)."""
    _draft(version)
    if not version.criteria or any(not domain.criteria for domain in version.domains):
        raise DomainError(_l("Every domain needs at least one criterion before publishing."), status=422)
    if {band.code for band in version.bands} != set(BAND_CODES):
        raise DomainError(_l("Set the three rating bands before publishing."), status=422, field="bands")
    for other in version.rubric.versions:
        if other.state == RubricVersionState.PUBLISHED:
            other.state = RubricVersionState.RETIRED
    version.state, version.published_at = RubricVersionState.PUBLISHED, now
    db.session.flush()
    log_action("rubric_published", version.rubric, actor_id=actor.id, unit_id=version.rubric.unit_id,
               after={"version": version.number, "max_total": version.max_total}, now=now)
    return version


def set_default(rubric: Rubric, *, unit: Unit, actor: User, now: datetime) -> None:
    """Make a rubric of the unit the default for new observations."""
    if rubric.unit_id != unit.id or rubric.current_version is None:
        raise DomainError(_l("Only a published rubric of this unit can be the default."), status=422)
    for other in db.session.scalars(sa.select(Rubric).where(Rubric.unit_id == unit.id)):
        other.is_default = other.id == rubric.id
    db.session.flush()
    log_action("rubric_default", rubric, actor_id=actor.id, unit_id=unit.id, now=now)


def default_version(unit: Unit) -> RubricVersion | None:
    """The unit's default rubric's current version, else the shipped default template's."""
    query = sa.select(Rubric).where(Rubric.is_default.is_(True), sa.or_(Rubric.unit_id == unit.id,
                                                                        Rubric.unit_id.is_(None)))
    rubrics = sorted(db.session.scalars(query), key=lambda rubric: rubric.unit_id is None)
    return next((rubric.current_version for rubric in rubrics if rubric.current_version), None)


def set_consolidation_method(*, unit: Unit, method: str, actor: User, now: datetime) -> ReviewSettings:
    """How the unit consolidates an observation's sheets when there are five or more of them."""
    if method not in {choice.value for choice in ConsolidationMethod}:
        raise DomainError(_l("Choose one of the consolidation methods."), field="consolidation_method")
    settings = db.session.get(ReviewSettings, unit.id)
    if settings is None:
        settings = ReviewSettings(unit_id=unit.id, consolidation_method=ConsolidationMethod.MEAN)
        db.session.add(settings)
    before = settings.consolidation_method
    settings.consolidation_method = ConsolidationMethod(method)
    db.session.flush()
    log_action("consolidation_method", settings, actor_id=actor.id, unit_id=unit.id,
               before={"method": before}, after={"method": settings.consolidation_method}, now=now)
    return settings
