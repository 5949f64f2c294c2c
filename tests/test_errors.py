"""Error answers: translated HTML pages without tracebacks for people, a JSON error object for
every path under /api/, and the security headers on every response, errors included."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from accounts import services as account_services
from app import create_app
from core.extensions import db
from core.models import utcnow
from core.permissions import public
from tests import factories

SECRET_DETAIL = "database password is hunter2"


def _vietnamese(message: str) -> str:
    with force_locale("vi"):
        return str(escape(gettext(message)))


def _error_page_problems(response, status: int, title: str) -> list[str]:
    """What keeps ``response`` from being the translated error page for ``status``."""
    page = response.get_data(as_text=True)
    checks = {
        f"status {response.status_code}": response.status_code == status,
        f"mimetype {response.mimetype}": response.mimetype == "text/html",
        "not Vietnamese": '<html lang="vi">' in page,
        f"title {title!r} missing": _vietnamese(title) in page,
        "traceback shown": "Traceback" not in page and SECRET_DETAIL not in page,
    }
    return [problem for problem, ok in checks.items() if not ok]


def _json_error(response) -> dict:
    body = response.get_json(silent=True) or {}
    return {"status": response.status_code, "mimetype": response.mimetype,
            "keys": sorted(body.get("error", {})), "code": body.get("error", {}).get("code")}


def _bearer(user) -> dict[str, str]:
    token = account_services.create_api_token(user, name="test", now=utcnow(), lifetime=timedelta(days=1))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def failing_app(database_url):
    """A fresh application with two throwaway routes that fail, so the shared one stays clean."""

    def explode():
        raise RuntimeError(SECRET_DETAIL)

    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    application.add_url_rule("/boom", "boom", public(explode))
    application.add_url_rule("/api/v1/boom", "api_boom", public(explode))
    yield application
    with application.app_context():
        db.engine.dispose()


# --- Pages for people -----------------------------------------------------------------------


def test_403_is_a_translated_page(world, login):
    client = login(world.lecturer_user)

    response = client.get("/admin/users")

    assert _error_page_problems(response, 403, "Access denied") == []


def test_404_is_a_translated_page(client):
    response = client.get("/no-such-page")

    assert _error_page_problems(response, 404, "Page not found") == []


def test_404_for_a_record_that_does_not_exist_is_a_translated_page(world, login):
    client = login(world.director)

    response = client.get("/lecturers/999999")

    assert _error_page_problems(response, 404, "Page not found") == []


def test_405_is_a_translated_page(client):
    response = client.get("/logout")

    assert _error_page_problems(response, 405, "Method not allowed") == []


def test_500_is_a_translated_page_without_the_error(failing_app, caplog):
    with caplog.at_level(logging.ERROR):
        response = failing_app.test_client().get("/boom")

    with failing_app.app_context():  # for the Vietnamese title to compare with
        assert _error_page_problems(response, 500, "Something went wrong") == []
    assert [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR] == \
        ["Unhandled error on /boom"]


def test_csrf_failure_is_a_translated_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                           data={"username": "director", "password": "whatever"})

    assert _error_page_problems(response, 400, "Bad request") == []
    assert _vietnamese("Your form expired or was sent from another site. "
                       "Go back, reload the page and send it again.") in response.get_data(as_text=True)


def test_form_larger_than_allowed_is_a_translated_413_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)

    response = client.post("/login", data={"username": "x" * 2000, "password": "y"})

    assert _error_page_problems(response, 413, "File too large") == []


def test_error_page_follows_the_chosen_language(client):
    client.post("/language", data={"lang": "en"})

    response = client.get("/no-such-page")

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="en">' in page
    assert "Page not found" in page


# --- JSON for the API -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/no-such-version", "/api/v1/lecturers/abc"])
def test_unknown_api_path_is_a_json_404(client, path):
    response = client.get(path)

    assert _json_error(response) == {"status": 404, "mimetype": "application/json",
                                     "keys": ["code", "message"], "code": "not_found"}


def test_unknown_api_path_is_a_json_404_for_a_post_too(client):
    response = client.post("/api/v1/no-such-thing", json={})

    assert _json_error(response)["status"] == 404
    assert _json_error(response)["code"] == "not_found"


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/api/v1/me"), ("PUT", "/api/v1/lecturers"),
                                              ("GET", "/api/v1/tokens")])
def test_wrong_method_on_the_api_is_a_json_405(client, method, path):
    response = client.open(path, method=method)

    assert _json_error(response) == {"status": 405, "mimetype": "application/json",
                                     "keys": ["code", "message"], "code": "method_not_allowed"}


def test_malformed_json_body_is_a_json_400(client):
    response = client.post("/api/v1/tokens", data='{"username": "director", ', content_type="application/json")

    assert _json_error(response) == {"status": 400, "mimetype": "application/json",
                                     "keys": ["code", "message"], "code": "bad_request"}


def test_malformed_json_body_from_a_signed_in_caller_is_a_json_400(world, client):
    response = client.post("/api/v1/lecturers", data="{not json", content_type="application/json",
                           headers=_bearer(world.director))

    assert _json_error(response)["status"] == 400
    assert _json_error(response)["code"] == "bad_request"


def test_json_array_instead_of_an_object_is_a_json_400(client):
    response = client.post("/api/v1/tokens", json=["director", "password"])

    assert _json_error(response)["status"] == 400


def test_api_without_a_token_is_a_json_401(client):
    response = client.get("/api/v1/me")

    assert _json_error(response) == {"status": 401, "mimetype": "application/json",
                                     "keys": ["code", "message"], "code": "unauthorized"}


def test_api_with_an_unknown_token_is_a_json_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer lct_not-a-real-token"})

    assert _json_error(response)["status"] == 401


def test_api_body_larger_than_allowed_is_a_json_413(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)

    response = client.post("/api/v1/tokens", json={"username": "x" * 2000, "password": "y"})

    assert _json_error(response) == {"status": 413, "mimetype": "application/json",
                                     "keys": ["code", "message"], "code": "too_large"}


def test_api_500_is_json_without_the_error(failing_app):
    response = failing_app.test_client().get("/api/v1/boom")

    assert _json_error(response) == {"status": 500, "mimetype": "application/json",
                                     "keys": ["code", "message"], "code": "server_error"}
    assert SECRET_DETAIL not in response.get_data(as_text=True)


def test_api_error_messages_are_translated(client):
    response = client.get("/api/v1/me")

    with force_locale("vi"):
        expected = gettext("A valid bearer token is required.")
    assert response.get_json()["error"]["message"] == expected


# --- Security headers -----------------------------------------------------------------------


def _header_problems(response) -> list[str]:
    csp = response.headers.get("Content-Security-Policy", "")
    checks = {
        "CSP frame-ancestors": "frame-ancestors 'none'" in csp,
        "CSP base-uri": "base-uri " in csp,
        "CSP default-src": "default-src 'self'" in csp,
        "nosniff": response.headers.get("X-Content-Type-Options") == "nosniff",
        "Referrer-Policy": response.headers.get("Referrer-Policy") == "same-origin",
    }
    return [name for name, ok in checks.items() if not ok]


def test_security_headers_are_on_every_kind_of_response(app, world, client, monkeypatch):
    signed_in = app.test_client()
    signed_in.post("/login", data={"username": world.lecturer_user.username, "password": factories.PASSWORD})
    responses = {
        "page": client.get("/login"),
        "redirect": client.get("/"),
        "static file": client.get("/static/css/app.css"),
        "health check": client.get("/healthz"),
        "403 page": signed_in.get("/admin/users"),
        "404 page": client.get("/no-such-page"),
        "405 page": client.get("/logout"),
        "422 form": client.post("/login", data={"username": "nobody", "password": "wrong password"}),
        "api 200": client.get("/api/v1/openapi.json"),
        "api 401": client.get("/api/v1/me"),
        "api 404": client.get("/api/v1/no-such-thing"),
        "api 405": client.delete("/api/v1/me"),
        "api 400": client.post("/api/v1/tokens", data="{", content_type="application/json"),
    }
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    responses["csrf 400"] = client.post("/login", base_url="https://localhost",
                                        headers={"Referer": "https://localhost/login"})

    problems = {name: _header_problems(response) for name, response in responses.items()}
    responses["static file"].close()

    assert problems == {name: [] for name in responses}


def test_security_headers_are_on_500_responses(failing_app):
    client = failing_app.test_client()

    responses = {"page": client.get("/boom"), "api": client.get("/api/v1/boom")}

    assert {name: _header_problems(response) for name, response in responses.items()} == \
        {name: [] for name in responses}


def test_https_responses_ask_for_strict_transport_security(client):
    response = client.get("/login", base_url="https://localhost")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_are_not_cached(world, login):
    client = login(world.director)

    response = client.get("/lecturers")

    assert response.headers["Cache-Control"] == "no-store"


def test_a_concurrent_change_to_the_same_record_is_a_translated_409_not_a_500(world, login, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from lecturers import services

    def collide(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'lecturer' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(services, "save_lecturer", collide)
    client = login(world.director)

    response = client.post(f"/lecturers/{world.colleague.id}/edit", data={"full_name": "Lê Văn An", "kind": "adjunct",
                                                                           "workload_role": "adjunct"})

    assert response.status_code == 409
    assert "Traceback" not in response.get_data(as_text=True)


def test_production_cookies_are_secure_host_only_httponly_and_lax(monkeypatch, database_url, world):
    from app import create_app
    from config import Config

    monkeypatch.setattr(Config, "SECRET_KEY", "x" * 40)
    monkeypatch.setenv("LECTERN_ENV", "production")
    application = create_app()
    application.config.update(SQLALCHEMY_DATABASE_URI=database_url)

    assert (application.config["SESSION_COOKIE_NAME"], application.config["SESSION_COOKIE_SECURE"],
            application.config["SESSION_COOKIE_HTTPONLY"], application.config["SESSION_COOKIE_SAMESITE"]) == (
        "__Host-session", True, True, "Lax")
    assert application.config["DEMO_MODE"] is False


@pytest.mark.parametrize("path", ["/lecturers", "/observations", "/meetings", "/meetings/actions", "/classes",
                                  "/lesson-plans/missing"])
def test_a_page_number_too_large_for_the_database_is_an_empty_page(world, login, path):
    response = login(world.director).get(path, query_string={"page": "99999999999999999999999"})

    assert response.status_code == 200
