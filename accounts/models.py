"""Provinces, units, users, role grants, login sessions and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from accounts.enums import Role, UnitKind
from core.extensions import db
from core.models import TimestampMixin, utcnow


class Province(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # backref: units (Unit.province)


class Unit(TimestampMixin, db.Model):
    """A centre, school, faculty or provincial board. Names are data: they change with reorganisations."""

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("province.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32), default=UnitKind.DISTRICT_CENTRE)
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Yearly teaching norms in standard hours (QĐ 1853-QĐ/BTGTW defaults), editable per unit.
    norm_director: Mapped[int] = mapped_column(default=40)
    norm_deputy: Mapped[int] = mapped_column(default=60)
    norm_full_time: Mapped[int] = mapped_column(default=120)
    norm_full_time_admin: Mapped[int] = mapped_column(default=90)
    norm_adjunct: Mapped[int] = mapped_column(default=0)  # 0: no norm
    # Raised by the database (migration 0012) when one of its observations is finalised or amended.
    results_version: Mapped[int] = mapped_column(default=0, server_default="0")

    province: Mapped[Province] = relationship(backref="units")

    __table_args__ = (sa.UniqueConstraint("province_id", "name"),)

    @property
    def kind_enum(self) -> UnitKind:
        return UnitKind(self.kind)


class User(UserMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    last_login_at: Mapped[datetime | None]
    # Two-factor sign-in (accounts/totp.py). A secret without ``totp_enabled_at`` is an
    # enrolment not yet confirmed; ``totp_last_step`` is the time step of the last code
    # accepted, so the same code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan")
    # backref: lecturer (lecturers.models.Lecturer.user)

    # Set per request by the session loader; never stored.
    session_token = None  # str | None
    active_unit = None  # Unit | None

    # One object per row within a session (SQLAlchemy's identity map), so identity is equality.
    # UserMixin's own __eq__ compares login-session tokens, which made `user in observers` lie.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled users cannot sign in
        return self.is_enabled

    def get_id(self) -> str:  # Flask-Login stores the login session's token, not the user id
        return self.session_token or ""

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def is_admin(self) -> bool:
        return any(grant.role == Role.ADMIN for grant in self.grants)

    def overseen_province_ids(self) -> set[int]:
        return {grant.unit.province_id for grant in self.grants if grant.role == Role.OVERSEER}

    def roles_in(self, unit_id: int | None, province_id: int | None = None) -> set[Role]:
        """The roles this user holds in a unit: direct grants, overseer over its province, admin."""
        roles = {Role(grant.role) for grant in self.grants if grant.unit_id == unit_id}
        roles.discard(Role.OVERSEER)  # an overseer grant on its own board unit is read-only over the province
        if province_id is not None and province_id in self.overseen_province_ids():
            roles.add(Role.OVERSEER)
        if self.is_admin:
            roles.add(Role.ADMIN)
        return roles

    def has_any_role(self, roles) -> bool:
        """Whether the user holds one of ``roles`` in the unit they are working in."""
        unit = self.active_unit
        held = self.roles_in(unit.id, unit.province_id) if unit else ({Role.ADMIN} if self.is_admin else set())
        return bool(held & {Role(role) for role in roles})

    def unit_ids_with_role(self, *roles: Role) -> set[int]:
        return {grant.unit_id for grant in self.grants if grant.role in roles}


class RoleGrant(db.Model):
    """One role of one user in one unit. A user holds a set of these."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16))

    user: Mapped[User] = relationship(back_populates="grants")
    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("user_id", "unit_id", "role"),)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class LoginSession(db.Model):
    """A server-side record of one signed-in browser. Deleting it signs that browser out,
    so logout, password change and deactivation make a copied cookie useless."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class ApiToken(db.Model):
    """A personal access token for the JSON API. Only its SHA-256 digest is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship()

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class LoginFailure(db.Model):
    """A failed sign-in, kept for the throttling window only (see accounts/throttle.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    username_key: Mapped[str] = mapped_column(sa.String(64), index=True)  # sha256 of the typed username
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
