"""Two-factor sign-in with TOTP (ASVS 6.3.3; codes single-use 6.5.1, window ±30 s 6.5.5)."""
from __future__ import annotations

import time

import pyotp
import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from markupsafe import escape

from accounts import throttle, totp
from accounts.models import LoginSession
from accounts.permissions import must_enrol_two_factor, must_use_two_factor
from core.extensions import db
from core.models import AuditLog, utcnow
from tests import factories

WRONG_CODE = "The code is not correct or was already used. Enter the current code from your app."


def _vietnamese(message: str) -> str:
    with force_locale("vi"):
        return str(escape(gettext(message)))


def _code(secret: str, *, later_steps: int = 0) -> str:
    """The code an authenticator app shows now, or ``later_steps`` steps from now (a second
    code within the window, for a test that needs two different codes)."""
    return pyotp.TOTP(secret).at(time.time() + later_steps * totp.STEP_SECONDS)


def _wrong(secret: str) -> str:
    codes = {_code(secret, later_steps=step) for step in range(-2, 3)}
    return next(code for code in (f"{n:06d}" for n in range(10**6)) if code not in codes)


def _enable(user) -> str:
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = utcnow()
    db.session.commit()
    return user.totp_secret


def _audited(action: str, user) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == action,
                                                                       AuditLog.object_id == user.id))


def _password_step(client, user):
    return client.post("/login", data={"username": user.username, "password": factories.PASSWORD})


def _sent_to(response, path: str) -> bool:
    return response.status_code == 302 and response.location.split("?")[0].endswith(path)


# --- Who must use two-factor ------------------------------------------------------------------


@pytest.mark.parametrize(("role", "must"), [("admin", True), ("director", True), ("overseer", True),
                                            ("sibling_director", True), ("outsider", True), ("reviewer", False),
                                            ("secretary", False), ("lecturer", False)])
def test_directors_overseers_and_admins_must_use_two_factor(world, role, must):
    assert must_use_two_factor(world.user(role)) is must


def test_enrolment_is_demanded_only_with_the_policy_on_and_until_enrolled(world):
    assert must_enrol_two_factor(world.director, required=True) is True
    assert must_enrol_two_factor(world.director, required=False) is False
    assert must_enrol_two_factor(world.reviewer, required=True) is False
    _enable(world.director)
    assert must_enrol_two_factor(world.director, required=True) is False


def test_codes_are_accepted_one_step_either_side_and_only_after_the_last_step():
    secret = pyotp.random_base32()
    now = utcnow()
    step = totp.time_step(now)

    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now=now) == step - 1
    assert totp.matching_step(secret, totp.code_at(secret, step + 1)[:3] + " " + totp.code_at(secret, step + 1)[3:],
                              now=now) == step + 1
    assert totp.matching_step(secret, totp.code_at(secret, step - 2), now=now) is None
    assert totp.matching_step(secret, totp.code_at(secret, step), now=now, after=step) is None
    assert totp.matching_step(secret, "12345", now=now) is None
    assert totp.matching_step(secret, "abcdef", now=now) is None


# --- Enrolment -----------------------------------------------------------------------------------


def test_enrolment_page_shows_the_secret_and_a_qr_code_from_its_own_route(world, login):
    client = login(world.reviewer)

    page = client.get("/account/two-factor")
    qr = client.get("/account/two-factor/qr.svg")

    db.session.refresh(world.reviewer)
    secret = world.reviewer.totp_secret
    assert page.status_code == 200
    assert totp.grouped(secret) in page.get_data(as_text=True)
    assert 'src="/account/two-factor/qr.svg"' in page.get_data(as_text=True)
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert b"<svg" in qr.data and b"<script" not in qr.data
    assert world.reviewer.totp_enabled is False


def test_wrong_code_keeps_the_enrolment_page_with_a_translated_422(world, login):
    client = login(world.reviewer)
    client.get("/account/two-factor")
    db.session.refresh(world.reviewer)
    secret = world.reviewer.totp_secret

    response = client.post("/account/two-factor", data={"code": _wrong(secret)})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _vietnamese(WRONG_CODE) in page
    assert totp.grouped(secret) in page  # the same secret: the user can try again
    db.session.refresh(world.reviewer)
    assert world.reviewer.totp_enabled is False


def test_right_code_turns_two_factor_on(world, login):
    client = login(world.reviewer)
    client.get("/account/two-factor")
    db.session.refresh(world.reviewer)

    response = client.post("/account/two-factor", data={"code": _code(world.reviewer.totp_secret)})

    db.session.refresh(world.reviewer)
    assert _sent_to(response, "/home")
    assert world.reviewer.totp_enabled is True
    assert _audited("totp_enabled", world.reviewer) == 1
    assert client.get("/account/two-factor/qr.svg").status_code == 404  # the secret is not shown again


# --- Signing in ----------------------------------------------------------------------------------


def test_sign_in_with_two_factor_needs_the_code(world, client):
    secret = _enable(world.reviewer)

    password = _password_step(client, world.reviewer)

    assert _sent_to(password, "/login/two-factor")
    assert _sent_to(client.get("/home"), "/login")  # not signed in yet
    assert client.get("/login/two-factor").status_code == 200
    response = client.post("/login/two-factor", data={"code": _code(secret)})
    assert _sent_to(response, "/home")
    assert client.get("/home").status_code == 200


def test_the_code_page_without_a_right_password_sends_to_login(world, client):
    _enable(world.reviewer)

    assert _sent_to(client.get("/login/two-factor"), "/login")
    assert _sent_to(client.post("/login/two-factor", data={"code": "123456"}), "/login")


def test_a_stale_password_step_must_be_repeated(app, world, client, monkeypatch):
    secret = _enable(world.reviewer)
    _password_step(client, world.reviewer)
    monkeypatch.setitem(app.config, "TWO_FACTOR_PENDING_SECONDS", -1)

    response = client.post("/login/two-factor", data={"code": _code(secret)})

    assert _sent_to(response, "/login")
    assert _sent_to(client.get("/home"), "/login")


def test_a_replayed_code_is_refused(app, world, client):
    secret = _enable(world.reviewer)
    code = _code(secret)
    _password_step(client, world.reviewer)
    assert _sent_to(client.post("/login/two-factor", data={"code": code}), "/home")

    other = app.test_client()
    _password_step(other, world.reviewer)
    response = other.post("/login/two-factor", data={"code": code})

    assert response.status_code == 422
    assert _vietnamese(WRONG_CODE) in response.get_data(as_text=True)
    assert _sent_to(other.get("/home"), "/login")


def test_wrong_codes_count_towards_the_failed_sign_in_throttle(world, client):
    secret = _enable(world.reviewer)
    _password_step(client, world.reviewer)

    wrong = [client.post("/login/two-factor", data={"code": _wrong(secret)}).status_code
             for _ in range(throttle.PER_ACCOUNT_AND_ADDRESS)]
    blocked = client.post("/login/two-factor", data={"code": _code(secret)})

    assert wrong == [422] * throttle.PER_ACCOUNT_AND_ADDRESS
    assert blocked.status_code == 429
    assert _sent_to(client.get("/home"), "/login")
    assert _password_step(client, world.reviewer).status_code == 429  # a right password does not reset it
    assert _audited("login_two_factor_failed", world.reviewer) == throttle.PER_ACCOUNT_AND_ADDRESS


# --- Policy ----------------------------------------------------------------------------------------


def test_with_the_policy_on_a_director_is_sent_to_enrol_from_every_page(app, world, login, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP_FOR_PRIVILEGED", True)
    client = login(world.director)

    assert _sent_to(client.get("/home"), "/account/two-factor")
    assert _sent_to(client.get("/lecturers"), "/account/two-factor")
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert _vietnamese("Your role requires two-factor sign-in. Set it up now to continue using Lectern.") \
        in page.get_data(as_text=True)
    db.session.refresh(world.director)
    client.post("/account/two-factor", data={"code": _code(world.director.totp_secret)})
    assert client.get("/home").status_code == 200


def test_with_the_policy_on_logout_still_works_and_others_are_not_redirected(app, world, login, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP_FOR_PRIVILEGED", True)
    director = login(world.director)

    assert _sent_to(director.post("/logout"), "/login")
    assert _sent_to(director.get("/home"), "/login")
    reviewer = app.test_client()
    _password_step(reviewer, world.reviewer)
    assert reviewer.get("/home").status_code == 200


# --- Turning it off ----------------------------------------------------------------------------


def test_admin_resets_two_factor_and_ends_the_users_sessions(app, world, login):
    secret = _enable(world.reviewer)
    reviewer = app.test_client()
    _password_step(reviewer, world.reviewer)
    reviewer.post("/login/two-factor", data={"code": _code(secret)})
    assert reviewer.get("/home").status_code == 200

    response = login(world.admin).post(f"/admin/users/{world.reviewer.id}/reset-two-factor")

    db.session.refresh(world.reviewer)
    assert _sent_to(response, f"/admin/users/{world.reviewer.id}/edit")
    assert world.reviewer.totp_enabled is False and world.reviewer.totp_secret is None
    assert _sent_to(reviewer.get("/home"), "/login")
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))
                             .where(LoginSession.user_id == world.reviewer.id)) == 0
    assert _audited("totp_reset", world.reviewer) == 1
    assert _sent_to(_password_step(app.test_client(), world.reviewer), "/home")  # password only again


def test_disable_needs_the_password_and_a_code(world, client):
    secret = _enable(world.reviewer)
    _password_step(client, world.reviewer)
    client.post("/login/two-factor", data={"code": _code(secret)})

    wrong_password = client.post("/account/two-factor/disable",
                                 data={"password": "not my password", "code": _code(secret, later_steps=1)})
    wrong_code = client.post("/account/two-factor/disable", data={"password": factories.PASSWORD,
                                                                 "code": _wrong(secret)})
    db.session.refresh(world.reviewer)
    assert (wrong_password.status_code, wrong_code.status_code) == (422, 422)
    assert world.reviewer.totp_enabled is True

    done = client.post("/account/two-factor/disable", data={"password": factories.PASSWORD,
                                                           "code": _code(secret, later_steps=1)})

    db.session.refresh(world.reviewer)
    assert _sent_to(done, "/account/two-factor")
    assert world.reviewer.totp_enabled is False
    assert _audited("totp_disabled", world.reviewer) == 1


# --- API tokens ----------------------------------------------------------------------------------


def _token(client, user, **extra):
    return client.post("/api/v1/tokens", json={"username": user.username, "password": factories.PASSWORD, **extra})


def test_api_token_for_a_two_factor_account_needs_the_code(world, client):
    secret = _enable(world.reviewer)

    missing = _token(client, world.reviewer)
    wrong = _token(client, world.reviewer, totp=_wrong(secret))
    right = _token(client, world.reviewer, totp=_code(secret))

    assert (missing.status_code, missing.get_json()["error"]["code"]) == (401, "totp_required")
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (401, "unauthorized")
    assert right.status_code == 201 and right.get_json()["token"].startswith("lct_")
    assert _audited("login_two_factor_failed", world.reviewer) == 1


def test_api_token_is_refused_to_a_director_without_two_factor_under_the_policy(app, world, client, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP_FOR_PRIVILEGED", True)

    refused = _token(client, world.director)
    lecturer = _token(client, world.lecturer_user)

    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "two_factor_enrolment_required")
    assert lecturer.status_code == 201

