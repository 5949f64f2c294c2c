"""Rubrics (phiếu đánh giá): versions of ordered domains and criteria, with rating bands.

A shipped template has no unit and is shared by every unit; a unit's own rubrics belong to it.
Only draft versions change; a published version is frozen (and the database refuses changes
to the criteria of a version any observation uses). Editing makes a new draft version.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit
from core.extensions import db
from core.models import TimestampMixin, utcnow
from reviews.enums import RubricVersionState
from reviews.scoring import BandSpec, CriterionSpec, RubricSpec

if TYPE_CHECKING:
    from reviews.models import SheetScore

POINTS = sa.Numeric(6, 2)


class Rubric(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)  # None: shipped template
    code: Mapped[str] = mapped_column(sa.String(32), default="")
    name: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300), default="")
    is_default: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit | None] = relationship()
    versions: Mapped[list[RubricVersion]] = relationship(
        back_populates="rubric", order_by="RubricVersion.number", cascade="all, delete-orphan"
    )

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name

    @property
    def current_version(self) -> RubricVersion | None:
        """The newest published version: the one new observations use."""
        published = [v for v in self.versions if v.state == RubricVersionState.PUBLISHED]
        return published[-1] if published else None

    @property
    def draft_version(self) -> RubricVersion | None:
        drafts = [v for v in self.versions if v.state == RubricVersionState.DRAFT]
        return drafts[-1] if drafts else None


class RubricVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(sa.String(16), default=RubricVersionState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    rubric: Mapped[Rubric] = relationship(back_populates="versions")
    domains: Mapped[list[RubricDomain]] = relationship(
        back_populates="version", order_by="RubricDomain.position", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="version", order_by="[Criterion.domain_position, Criterion.position]",
        cascade="all, delete-orphan", overlaps="domain,criteria"
    )
    bands: Mapped[list[RatingBand]] = relationship(
        back_populates="version", order_by="RatingBand.min_total.desc()", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("rubric_id", "number"),)

    @property
    def is_draft(self) -> bool:
        return self.state == RubricVersionState.DRAFT

    @property
    def max_total(self) -> Decimal:
        return sum((criterion.max_points for criterion in self.criteria), Decimal(0))

    @property
    def band_minimums(self) -> dict[str, Decimal]:
        """The minimum total of each band, by rating code."""
        return {band.code: band.min_total for band in self.bands}

    def spec(self) -> RubricSpec:
        """The version as the pure scoring module sees it."""
        return RubricSpec(
            criteria=tuple(CriterionSpec(code=c.code, max_points=c.max_points, step=c.step,
                                         is_critical=c.is_critical, domain_code=c.domain.code)
                           for c in self.criteria),
            bands=tuple(BandSpec(code=band.code, min_total=band.min_total) for band in self.bands),
        )


class RubricDomain(db.Model):
    """A domain (lĩnh vực) of a rubric version: an ordered group of criteria."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300), default="")

    version: Mapped[RubricVersion] = relationship(back_populates="domains")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="domain", order_by="Criterion.position", overlaps="criteria,version"
    )

    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    def display_title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title

    @property
    def max_total(self) -> Decimal:
        return sum((criterion.max_points for criterion in self.criteria), Decimal(0))


class Criterion(db.Model):
    """A criterion (tiêu chí): code, wording, maximum, step, critical flag, level descriptors."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_version.id", ondelete="CASCADE"), index=True)
    domain_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_domain.id", ondelete="CASCADE"), index=True)
    domain_position: Mapped[int] = mapped_column(default=0)  # copy of the domain's position, for ordering
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(500))
    title_en: Mapped[str] = mapped_column(sa.String(500), default="")
    max_points: Mapped[Decimal] = mapped_column(POINTS)
    step: Mapped[Decimal] = mapped_column(sa.Numeric(4, 2), default=Decimal("0.25"))
    is_critical: Mapped[bool] = mapped_column(default=False)
    descriptors: Mapped[str] = mapped_column(sa.Text, default="")  # one level per line

    version: Mapped[RubricVersion] = relationship(back_populates="criteria", overlaps="criteria,domain")
    domain: Mapped[RubricDomain] = relationship(back_populates="criteria", overlaps="criteria,version")

    __table_args__ = (
        sa.UniqueConstraint("version_id", "code"),
        sa.CheckConstraint("max_points > 0 AND step > 0", name="positive_points"),
    )

    def display_title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title

    def spec(self) -> CriterionSpec:
        return CriterionSpec(code=self.code, max_points=self.max_points, step=self.step,
                             is_critical=self.is_critical, domain_code=self.domain.code)


class RatingBand(db.Model):
    """The minimum total for Giỏi, Khá or Trung bình; below every band is Chưa đạt."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_version.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16))
    min_total: Mapped[Decimal] = mapped_column(POINTS)

    version: Mapped[RubricVersion] = relationship(back_populates="bands")

    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)


@dataclass(frozen=True)
class ScoredCriterion:
    """A criterion as a scoresheet form and a save read it."""

    id: int
    code: str
    title: str
    spec: CriterionSpec


@dataclass(frozen=True)
class FrozenVersion:
    """What a rubric version scores sheets with, as plain values. A published version is frozen,
    so each worker keeps it under the version's id (``queries.frozen_version``), and a save reads no
    rubric rows; a draft's is read afresh each time."""

    id: int
    is_draft: bool
    spec: RubricSpec
    criteria: tuple[ScoredCriterion, ...]
    codes: Mapping[int, str]  # criterion id → code
    ids: Mapping[str, int]  # code → criterion id

    def score_map(self, scores: Iterable[SheetScore]) -> dict[str, Decimal]:
        """Scores by criterion code."""
        return {self.codes[score.criterion_id]: score.value for score in scores}
