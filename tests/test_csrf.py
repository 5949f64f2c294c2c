"""CSRF protection as production runs it: over HTTPS, with the browser's same-origin
Referer, so Flask-WTF's strict referrer check is active too (ASVS 3.5.1).

The rest of the suite turns CSRF off; these tests turn it back on."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from tests import factories

HTTPS = "https://localhost"
SAME_ORIGIN = {"Referer": f"{HTTPS}/home"}
CSRF_MESSAGE = ("Your form expired or was sent from another site. "
                "Go back, reload the page and send it again.")


@pytest.fixture
def csrf_client(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return app.test_client()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _sign_in(client, user) -> str:
    """Sign in with the token from the login form; return a token for further forms."""
    form = client.get("/login", base_url=HTTPS)
    response = client.post("/login", base_url=HTTPS, headers={"Referer": f"{HTTPS}/login"}, data={
        "username": user.username, "password": factories.PASSWORD, "csrf_token": _token(form.get_data(as_text=True))})
    assert response.status_code == 302
    return _token(client.get("/account/password", base_url=HTTPS).get_data(as_text=True))


def _csrf_message_in_vietnamese() -> str:
    with force_locale("vi"):
        return str(escape(gettext(CSRF_MESSAGE)))


def _form_posts(app) -> list[str]:
    """Every URL rule outside the API that accepts POST, with sample ids (the CSRF check runs
    before the view, so the ids need not exist)."""
    rules = [rule.rule for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.rule.startswith("/api/")]
    return sorted(re.sub(r"<(?:\w+:)?\w+>", "1", rule) for rule in rules)


def test_login_with_the_token_from_the_form_works(world, csrf_client):
    _sign_in(csrf_client, world.director)

    response = csrf_client.get("/home", base_url=HTTPS)

    assert response.status_code == 200


def test_login_without_a_token_is_refused_with_a_translated_page(world, csrf_client):
    response = csrf_client.post("/login", base_url=HTTPS, headers={"Referer": f"{HTTPS}/login"},
                                data={"username": world.director.username, "password": factories.PASSWORD})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _csrf_message_in_vietnamese() in page
    assert '<html lang="vi">' in page
    assert csrf_client.get("/home", base_url=HTTPS).status_code == 302


def test_every_form_post_without_a_token_gets_the_csrf_page(app, world, csrf_client):
    _sign_in(csrf_client, world.director)
    message = _csrf_message_in_vietnamese()

    answers = {url: csrf_client.post(url, base_url=HTTPS, headers=SAME_ORIGIN, data={})
               for url in _form_posts(app)}

    assert {url: response.status_code for url, response in answers.items()} == {url: 400 for url in answers}
    assert [url for url, response in answers.items() if message not in response.get_data(as_text=True)] == []
    assert csrf_client.get("/home", base_url=HTTPS).status_code == 200  # nothing signed the user out


def test_form_post_with_a_wrong_token_is_refused(world, csrf_client):
    _sign_in(csrf_client, world.director)

    response = csrf_client.post("/language", base_url=HTTPS, headers=SAME_ORIGIN,
                                data={"lang": "en", "csrf_token": "forged"})

    assert response.status_code == 400
    assert world.director.locale is None


def test_form_post_with_a_token_from_another_site_referer_is_refused(world, csrf_client):
    token = _sign_in(csrf_client, world.director)

    response = csrf_client.post("/language", base_url=HTTPS, headers={"Referer": "https://evil.example/"},
                                data={"lang": "en", "csrf_token": token})

    assert response.status_code == 400
    assert world.director.locale is None


def test_form_post_with_a_token_but_no_referer_is_refused_over_https(world, csrf_client):
    token = _sign_in(csrf_client, world.director)

    response = csrf_client.post("/language", base_url=HTTPS, data={"lang": "en", "csrf_token": token})

    assert response.status_code == 400


def test_form_post_with_a_token_and_same_origin_referer_is_accepted(world, csrf_client):
    token = _sign_in(csrf_client, world.director)

    response = csrf_client.post("/language", base_url=HTTPS, headers=SAME_ORIGIN,
                                data={"lang": "en", "csrf_token": token})

    assert response.status_code == 302
    assert world.director.locale == "en"


def test_logout_without_a_token_keeps_the_user_signed_in(world, csrf_client):
    _sign_in(csrf_client, world.director)

    response = csrf_client.post("/logout", base_url=HTTPS, headers=SAME_ORIGIN)

    assert response.status_code == 400
    assert csrf_client.get("/home", base_url=HTTPS).status_code == 200


def test_logout_with_the_token_signs_out(world, csrf_client):
    token = _sign_in(csrf_client, world.director)

    response = csrf_client.post("/logout", base_url=HTTPS, headers=SAME_ORIGIN, data={"csrf_token": token})

    assert response.status_code == 302
    assert csrf_client.get("/home", base_url=HTTPS).status_code == 302


def test_api_needs_no_csrf_token_because_it_ignores_cookies(world, csrf_client):
    _sign_in(csrf_client, world.director)

    token = csrf_client.post("/api/v1/tokens", base_url=HTTPS,
                             json={"username": world.director.username, "password": factories.PASSWORD})
    with_cookie_only = csrf_client.get("/api/v1/me", base_url=HTTPS)

    assert token.status_code == 201
    assert with_cookie_only.status_code == 401
