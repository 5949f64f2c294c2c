"""Signing in and out, and the life of a login session (ASVS 6.x, 7.x).

A login session is a row in ``login_session``; the cookie carries only its token, so signing
out, changing the password and deactivating an account make a copied cookie useless."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from markupsafe import escape

from accounts.models import LoginSession
from core.extensions import db
from core.models import utcnow
from tests import factories

NEW_PASSWORD = "một mật khẩu mới"


def _signed_in_client(app, user, password: str = factories.PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302
    return client


def _session_cookie(app, client) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def _is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response.location.split("?")[0].endswith("/login")


def _vietnamese(message: str) -> str:
    with force_locale("vi"):
        return str(escape(gettext(message)))


def _sessions_of(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(LoginSession.id)).where(LoginSession.user_id == user.id))


# --- Signing in -----------------------------------------------------------------------------


def test_login_with_a_wrong_password_shows_a_translated_error_and_keeps_the_username(world, client):
    response = client.post("/login", data={"username": world.director.username, "password": "wrong password"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _vietnamese("Wrong username or password, or the account is disabled.") in page
    assert f'value="{world.director.username}"' in page
    assert 'value="wrong password"' not in page
    assert _is_sent_to_login(client.get("/home"))


def test_login_with_an_unknown_username_gives_the_same_answer(world, client):
    known = client.post("/login", data={"username": world.director.username, "password": "wrong password"})
    unknown = client.post("/login", data={"username": "nobody", "password": "wrong password"})

    assert unknown.status_code == known.status_code == 422
    assert _vietnamese("Wrong username or password, or the account is disabled.") in unknown.get_data(as_text=True)


def test_login_follows_a_relative_next(world, client):
    response = client.post("/login", data={"username": world.director.username,
                                           "password": factories.PASSWORD, "next": "/lecturers?q=an"})

    assert response.status_code == 302
    assert response.location == "/lecturers?q=an"


OFF_SITE_TARGETS = ["https://evil.example", "//evil.example", "/\\evil.example", "http:/evil.example",
                    "/\t/evil.example", "/home\r\nSet-Cookie: planted=1"]


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_login_lands_on_home_when_next_points_to_another_site(world, client, target):
    response = client.post("/login", data={"username": world.director.username,
                                           "password": factories.PASSWORD, "next": target})

    assert response.status_code == 302
    assert response.location == "/home"


def test_login_lands_on_home_when_next_in_the_query_points_to_another_site(world, client):
    response = client.post("/login?next=//evil.example",
                           data={"username": world.director.username, "password": factories.PASSWORD})

    assert response.location == "/home"


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_language_switch_stays_on_the_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})

    assert response.status_code == 302
    assert response.location == "/"


def test_login_starts_a_fresh_session(world, client):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    client.post("/login", data={"username": world.director.username, "password": factories.PASSWORD})

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == db.session.scalar(
            sa.select(LoginSession.token).where(LoginSession.user_id == world.director.id))


def test_session_cookie_carries_the_login_token_not_the_user_id(world, client):
    client.post("/login", data={"username": world.director.username, "password": factories.PASSWORD})

    with client.session_transaction() as session:
        assert session["_user_id"] != str(world.director.id)
        assert len(session["_user_id"]) >= 32


def test_disabled_account_cannot_sign_in(world, client):
    world.reviewer.is_enabled = False
    db.session.flush()

    response = client.post("/login", data={"username": world.reviewer.username, "password": factories.PASSWORD})

    assert response.status_code == 422
    assert _sessions_of(world.reviewer) == 0


# --- Signing out ----------------------------------------------------------------------------


def test_logout_ends_the_session(world, login):
    client = login(world.director)

    response = client.post("/logout")

    assert _is_sent_to_login(response)
    assert _is_sent_to_login(client.get("/home"))
    assert _sessions_of(world.director) == 0


def test_cookie_copied_before_logout_stops_working_after_logout(app, world):
    victim = _signed_in_client(app, world.director)
    stolen = _session_cookie(app, victim)
    attacker = app.test_client()
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    assert attacker.get("/home").status_code == 200  # the copy works while the session lives

    victim.post("/logout")
    response = attacker.get("/home")

    assert _is_sent_to_login(response)


def test_logout_keeps_the_language_of_the_browser(world, login):
    client = login(world.director)
    client.post("/language", data={"lang": "en"})

    client.post("/logout")
    response = client.get("/login")

    assert '<html lang="en">' in response.get_data(as_text=True)


# --- Password change ------------------------------------------------------------------------


def test_password_change_requires_the_current_password(world, login):
    client = login(world.director)

    response = client.post("/account/password", data={"current": "not my password", "new": NEW_PASSWORD})

    assert response.status_code == 422
    assert _vietnamese("The current password is not correct.") in response.get_data(as_text=True)
    assert world.director.check_password(factories.PASSWORD) is True


def test_password_change_refuses_fewer_than_8_characters(world, login):
    client = login(world.director)

    response = client.post("/account/password", data={"current": factories.PASSWORD, "new": "1234567"})

    assert response.status_code == 422
    assert world.director.check_password(factories.PASSWORD) is True


def test_password_change_accepts_exactly_8_characters(world, login):
    client = login(world.director)

    response = client.post("/account/password", data={"current": factories.PASSWORD, "new": "ngàyxuân"})

    assert response.status_code == 302
    assert world.director.check_password("ngàyxuân") is True


def test_password_change_signs_out_other_browsers_and_keeps_this_one(app, world):
    this_browser = _signed_in_client(app, world.director)
    other_browser = _signed_in_client(app, world.director)

    response = this_browser.post("/account/password", data={"current": factories.PASSWORD, "new": NEW_PASSWORD})

    assert response.status_code == 302
    assert this_browser.get("/home").status_code == 200
    assert _is_sent_to_login(other_browser.get("/home"))
    assert _sessions_of(world.director) == 1


def test_after_a_password_change_only_the_new_password_signs_in(app, world):
    client = _signed_in_client(app, world.director)
    client.post("/account/password", data={"current": factories.PASSWORD, "new": NEW_PASSWORD})

    old = app.test_client().post("/login", data={"username": world.director.username,
                                                 "password": factories.PASSWORD})
    new = app.test_client().post("/login", data={"username": world.director.username, "password": NEW_PASSWORD})

    assert (old.status_code, new.status_code) == (422, 302)


# --- Deactivation and lifetime ----------------------------------------------------------------


def test_deactivating_a_user_signs_them_out_everywhere_and_they_cannot_sign_in(app, world):
    reviewer_browser = _signed_in_client(app, world.reviewer)
    admin = _signed_in_client(app, world.admin)

    response = admin.post(f"/admin/users/{world.reviewer.id}/edit", data={
        "full_name": world.reviewer.full_name, "roles": [f"{world.unit.id}:reviewer"]})  # "active" unticked

    assert response.status_code == 302
    assert world.reviewer.is_enabled is False
    assert _sessions_of(world.reviewer) == 0
    assert _is_sent_to_login(reviewer_browser.get("/home"))
    again = app.test_client().post("/login", data={"username": world.reviewer.username,
                                                   "password": factories.PASSWORD})
    assert again.status_code == 422


def test_admin_password_reset_signs_the_user_out(app, world):
    reviewer_browser = _signed_in_client(app, world.reviewer)
    admin = _signed_in_client(app, world.admin)

    admin.post(f"/admin/users/{world.reviewer.id}/reset-password")

    assert _is_sent_to_login(reviewer_browser.get("/home"))


def _age_sessions(user, age: timedelta) -> None:
    db.session.execute(sa.update(LoginSession).where(LoginSession.user_id == user.id)
                       .values(created_at=utcnow() - age))
    db.session.commit()


def test_session_older_than_the_absolute_lifetime_is_refused(app, world, login):
    client = login(world.director)
    _age_sessions(world.director, app.config["SESSION_ABSOLUTE_LIFETIME"] + timedelta(minutes=1))

    response = client.get("/home")

    assert _is_sent_to_login(response)


def test_session_younger_than_the_absolute_lifetime_still_works(app, world, login):
    client = login(world.director)
    _age_sessions(world.director, app.config["SESSION_ABSOLUTE_LIFETIME"] - timedelta(minutes=1))

    response = client.get("/home")

    assert response.status_code == 200


def _idle_for(monkeypatch, idle: timedelta) -> None:
    """Make the session cookie's signature look ``idle`` old, to itsdangerous (a negative ``idle``
    signs it in the past)."""
    import time
    from types import SimpleNamespace

    import itsdangerous.timed

    later = time.time() + idle.total_seconds()
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: later))


def test_a_session_idle_longer_than_the_idle_lifetime_is_refused(app, world, login, monkeypatch):
    client = login(world.director)
    assert client.get("/home").status_code == 200
    _idle_for(monkeypatch, app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1))

    assert _is_sent_to_login(client.get("/home"))


def test_a_session_used_within_the_idle_lifetime_still_works(app, world, login, monkeypatch):
    client = login(world.director)
    _idle_for(monkeypatch, app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(minutes=1))

    assert client.get("/home").status_code == 200


def _sets_session_cookie(app, response) -> bool:
    return any(header.startswith(app.config["SESSION_COOKIE_NAME"] + "=")
               for header in response.headers.getlist("Set-Cookie"))


def test_an_unchanged_session_is_not_signed_again_on_every_request(app, world, login):
    client = login(world.director)
    client.get("/home")  # whatever the first page puts in the session

    assert not _sets_session_cookie(app, client.get("/home"))


def test_a_changed_session_is_signed_at_once(app, world, login):
    client = login(world.director)
    client.get("/home")

    assert _sets_session_cookie(app, client.post("/language", data={"lang": "en", "next": "/home"}))


def test_a_session_signed_over_an_hour_ago_is_signed_again(app, world, login, monkeypatch):
    """Its idle lifetime restarts: a browser in use stays signed in. (The signature is dated by
    itsdangerous's clock, patched here; its age is read on the real one.)"""
    from core.sessions import REFRESH_AFTER

    _idle_for(monkeypatch, -(REFRESH_AFTER + timedelta(minutes=1)))  # signed in the past
    client = login(world.director)
    client.get("/home")
    monkeypatch.undo()

    assert _sets_session_cookie(app, client.get("/home"))
    assert not _sets_session_cookie(app, client.get("/home"))


# --- Language -------------------------------------------------------------------------------


def test_pages_are_vietnamese_by_default(world, login):
    client = login(world.director)

    response = client.get("/home")

    assert '<html lang="vi">' in response.get_data(as_text=True)


def test_language_choice_is_remembered_for_the_user_across_logins(app, world, login):
    client = login(world.director)
    client.post("/language", data={"lang": "en"})
    client.post("/logout")

    fresh_browser = _signed_in_client(app, world.director)
    response = fresh_browser.get("/home")

    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert f"Welcome, {world.director.full_name}" in page
    assert world.director.locale == "en"
