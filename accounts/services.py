"""Account operations. Each takes the actor and ``now`` explicitly and never commits."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from accounts import passwords, throttle, totp
from accounts.enums import Role
from accounts.models import ApiToken, LoginSession, Province, RoleGrant, Unit, User
from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import log_action

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


def check_password_policy(password: str, *, username: str | None = None) -> None:
    """Length 8–128, any characters; not a commonly used password, not the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(_l("The password may have at most %(n)s characters.", n=MAX_PASSWORD_LENGTH))
    if passwords.is_common(password) or passwords.is_own_name(password, username):
        raise DomainError(_l("This password is too easy to guess: it is one of the most commonly used passwords "
                             "or your username. Choose another, for example a few words you will remember."))


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None or not user.is_enabled or not user.check_password(password):
        return None
    return user


class SignInAttempt:
    """What the audit log records a sign-in attempt against when no account matches."""

    id = None
    unit_id = None


def _too_many_attempts() -> DomainError:
    return DomainError(_l("Too many failed sign-ins from your address. Wait %(minutes)s minutes and try again.",
                          minutes=throttle.window_minutes()), status=429, code="too_many_requests")


def sign_in(username: str, password: str, *, address: str, now: datetime) -> User:
    """Check the credentials, throttling failures per account and address (accounts/throttle.py).
    Failures and throttled attempts are audited (username and address, never the password);
    the caller commits even when this raises, so the failure is counted."""
    username = username.strip()[:64]
    attempt = {"username": username, "address": address}
    if throttle.is_blocked(username, address, now=now):
        log_action("login_throttled", SignInAttempt(), actor_id=None, after=attempt, now=now)
        raise _too_many_attempts()
    user = authenticate(username, password)
    if user is None:
        throttle.record_failure(username, address, now=now)
        log_action("login_failed", SignInAttempt(), actor_id=None, after=attempt, now=now)
        raise DomainError(_l("Wrong username or password, or the account is disabled."), status=401,
                          code="unauthorized")
    if not user.totp_enabled:  # with two-factor on, only a right code clears the failures
        throttle.clear(username, address)
    if passwords.needs_rehash(user.password_hash, current_app.config["PASSWORD_HASH_METHOD"]):
        user.set_password(password)  # stored with today's parameters from now on
    return user


# --- Two-factor sign-in (TOTP, ASVS 6.3.3) ---------------------------------------------------


def begin_totp_enrolment(user: User) -> str:
    """The secret the user is enrolling with: kept on the account (never in the cookie) until a
    code confirms it, so the page and its QR code show the same secret on every visit."""
    if user.totp_enabled:
        raise DomainError(_l("Two-factor sign-in is already turned on."), status=409, code="conflict")
    if not user.totp_secret:
        user.totp_secret = totp.new_secret()
        user.totp_last_step = None
    return user.totp_secret


def accept_totp_code(user: User, code: str | None, *, now: datetime) -> bool:
    """Whether ``code`` is a valid code of ``user`` not used before. The step is recorded with a
    conditional UPDATE, so two requests racing with the same code cannot both pass."""
    if not user.totp_secret:
        return False
    step = totp.matching_step(user.totp_secret, code, now=now, after=user.totp_last_step)
    if step is None:
        return False
    result = db.session.execute(
        sa.update(User).where(User.id == user.id,
                              sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


WRONG_CODE = _l("The code is not correct or was already used. Enter the current code from your app.")


def confirm_totp_enrolment(user: User, code: str | None, *, now: datetime) -> None:
    """Turn two-factor sign-in on once the user proves their app holds the secret."""
    if user.totp_enabled:
        raise DomainError(_l("Two-factor sign-in is already turned on."), status=409, code="conflict")
    if not user.totp_secret or not accept_totp_code(user, code, now=now):
        raise DomainError(WRONG_CODE, field="code")
    user.totp_enabled_at = now
    log_action("totp_enabled", user, actor_id=user.id, now=now)


def _clear_totp(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None


def disable_totp(user: User, *, password: str, code: str | None, now: datetime) -> None:
    """Turn two-factor sign-in off: needs the current password and a current code."""
    if not user.totp_enabled:
        raise DomainError(_l("Two-factor sign-in is not turned on."), status=409, code="conflict")
    if not user.check_password(password):
        raise DomainError(_l("The current password is not correct."), field="password")
    if not accept_totp_code(user, code, now=now):
        raise DomainError(WRONG_CODE, field="code")
    _clear_totp(user)
    log_action("totp_disabled", user, actor_id=user.id, now=now)


def reset_totp(user: User, *, actor: User, now: datetime) -> None:
    """An administrator turns the user's two-factor sign-in off (a lost phone) and signs
    them out everywhere; they enrol again at their next sign-in."""
    had = user.totp_enabled
    _clear_totp(user)
    end_all_sessions(user)
    log_action("totp_reset", user, actor_id=actor.id, before={"enabled": had}, now=now)


def check_second_factor(user: User, code: str | None, *, address: str, now: datetime) -> None:
    """The second step of signing in. A wrong code counts as a failed sign-in for the throttle
    and is audited; a right one clears the account's failures from this address."""
    attempt = {"username": user.username, "address": address}
    if throttle.is_blocked(user.username, address, now=now):
        log_action("login_throttled", SignInAttempt(), actor_id=None, after=attempt, now=now)
        raise _too_many_attempts()
    if not user.is_enabled or not accept_totp_code(user, code, now=now):
        throttle.record_failure(user.username, address, now=now)
        log_action("login_two_factor_failed", user, actor_id=None, after=attempt, now=now)
        raise DomainError(WRONG_CODE, status=401, code="unauthorized", field="code")
    throttle.clear(user.username, address)


def start_session(user: User, *, now: datetime) -> str:
    """Record a new signed-in browser for ``user`` and return its token."""
    token = LoginSession.new_token()
    db.session.add(LoginSession(token=token, user_id=user.id, created_at=now))
    user.last_login_at = now
    user.session_token = token
    log_action("login", user, actor_id=user.id, now=now)
    return token


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.token == token))


def end_all_sessions(user: User, *, keep: str | None = None) -> None:
    query = sa.delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        query = query.where(LoginSession.token != keep)
    db.session.execute(query)


@cache
def _session_query() -> sa.Select:
    """One query: the session, its user, their grants (with units) and their lecturer profile
    (``User.lecturer``, a backref from lecturers), which every page's navigation reads. Built
    once (every request runs it), with the token as a parameter."""
    user = joinedload(LoginSession.user)
    return sa.select(LoginSession).where(LoginSession.token == sa.bindparam("token")).options(
        user.joinedload(User.grants), user.joinedload(User.lecturer))


def load_session(token: str, *, now: datetime, lifetime: timedelta) -> User | None:
    """The user of a live login session, or None when it ended or outlived ``lifetime``."""
    row = db.session.execute(_session_query(), {"token": token}).unique().scalar_one_or_none()
    if row is None or not row.user.is_enabled or row.created_at + lifetime < now:
        return None
    row.user.session_token = token
    return row.user


def change_password(user: User, *, current: str, new: str, now: datetime) -> None:
    """Change the password; every other signed-in browser of the user is signed out."""
    if not user.check_password(current):
        raise DomainError(_l("The current password is not correct."))
    check_password_policy(new, username=user.username)
    user.set_password(new)
    end_all_sessions(user, keep=user.session_token)
    log_action("password_changed", user, actor_id=user.id, now=now)


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def create_province(*, name: str, actor: User, now: datetime) -> Province:
    if db.session.scalar(sa.select(Province.id).where(Province.name == name.strip())) is not None:
        raise DomainError(_l("A province with this name already exists."), field="name")
    province = Province(name=name.strip())
    db.session.add(province)
    db.session.flush()
    log_action("province_created", province, actor_id=actor.id, after={"name": province.name}, now=now)
    return province


def save_unit(unit: Unit | None, *, values: dict, actor: User, now: datetime) -> Unit:
    """Create a unit (``unit`` None) or update one; unit names are unique within a province."""
    clash = db.session.scalar(
        sa.select(Unit.id).where(Unit.province_id == values["province_id"], Unit.name == values["name"].strip())
    )
    if clash is not None and (unit is None or clash != unit.id):
        raise DomainError(_l("A unit with this name already exists in the province."), field="name")
    created = unit is None
    unit = unit or Unit()
    for key, value in values.items():
        setattr(unit, key, value.strip() if isinstance(value, str) else value)
    db.session.add(unit)
    db.session.flush()
    log_action("unit_created" if created else "unit_updated", unit, actor_id=actor.id, unit_id=unit.id,
               after={"name": unit.name, "is_active": unit.is_active}, now=now)
    return unit


def create_user(*, username: str, full_name: str, password: str, grants: Iterable[tuple[int, str]],
                actor: User | None, now: datetime, locale: str | None = None) -> User:
    username = username.strip()
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise DomainError(_l("This username is already taken."), field="username")
    check_password_policy(password, username=username)
    user = User(username=username, full_name=full_name.strip(), locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    set_grants(user, grants, actor=actor, now=now)
    log_action("user_created", user, actor_id=actor.id if actor else None, after={"username": username}, now=now)
    return user


def set_grants(user: User, grants: Iterable[tuple[int, str]], *, actor: User | None, now: datetime) -> None:
    """Replace the user's roles with ``grants``: pairs of (unit id, role code)."""
    wanted = {(int(unit_id), Role(role).value) for unit_id, role in grants}
    for unit_id, _ in wanted:
        if db.session.get(Unit, unit_id) is None:
            raise DomainError(_l("Unknown unit."), field="roles")
    before = sorted(f"{grant.unit_id}:{grant.role}" for grant in user.grants)
    user.grants = [grant for grant in user.grants if (grant.unit_id, grant.role) in wanted]
    present = {(grant.unit_id, grant.role) for grant in user.grants}
    user.grants.extend(RoleGrant(unit_id=unit_id, role=role) for unit_id, role in sorted(wanted - present))
    after = sorted(f"{unit_id}:{role}" for unit_id, role in wanted)
    if before != after:
        log_action("roles_changed", user, actor_id=actor.id if actor else None,
                   before={"roles": ",".join(before)}, after={"roles": ",".join(after)}, now=now)


def update_user(user: User, *, full_name: str, is_enabled: bool, actor: User, now: datetime) -> None:
    if user.id == actor.id and not is_enabled:
        raise DomainError(_l("You cannot deactivate your own account."), field="is_enabled")
    if user.is_enabled and not is_enabled:
        end_all_sessions(user)
        log_action("user_deactivated", user, actor_id=actor.id, now=now)
    elif not user.is_enabled and is_enabled:
        log_action("user_reactivated", user, actor_id=actor.id, now=now)
    user.full_name = full_name.strip()
    user.is_enabled = is_enabled


def reset_password(user: User, *, actor: User, now: datetime) -> str:
    """Give the user a random one-time password and sign out all their browsers."""
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    end_all_sessions(user)
    log_action("password_reset", user, actor_id=actor.id, now=now)
    return password


def create_api_token(user: User, *, name: str, now: datetime, lifetime: timedelta) -> str:
    token = "lct_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, digest=ApiToken.digest_of(token), name=name,
                            created_at=now, expires_at=now + lifetime))
    log_action("api_token_created", user, actor_id=user.id, now=now)
    return token


@cache
def _token_query() -> sa.Select:
    """The token with its user and their grants; built once, the digest as a parameter."""
    return sa.select(ApiToken).where(ApiToken.digest == sa.bindparam("digest")).options(
        joinedload(ApiToken.user).joinedload(User.grants))


def user_for_api_token(token: str, *, now: datetime) -> User | None:
    row = db.session.execute(_token_query(), {"digest": ApiToken.digest_of(token)}).unique().scalar_one_or_none()
    if row is None or row.expires_at < now or not row.user.is_enabled:
        return None
    return row.user
