"""Failed sign-ins are throttled per account and address, across workers, without letting an
attacker lock a lecturer out (ASVS 6.3.1, 6.1.1), and every attempt is audited (16.3.1)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts import throttle
from accounts.models import LoginFailure
from core.extensions import db
from core.models import AuditLog
from tests import factories

ATTACKER, LECTURER_DESK = "127.0.0.66", "127.0.0.7"


def _post(app, username: str, password: str, address: str):
    return app.test_client().post("/login", data={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def _fail(app, username: str, address: str, times: int) -> None:
    for _ in range(times):
        assert _post(app, username, "wrong password", address).status_code in (422, 429)


def test_the_sixth_attempt_from_one_address_is_refused_with_a_429_even_with_the_right_password(app, world):
    _fail(app, "lecturer", ATTACKER, throttle.PER_ACCOUNT_AND_ADDRESS)

    response = _post(app, "lecturer", factories.PASSWORD, ATTACKER)

    assert response.status_code == 429
    assert 'value="lecturer"' in response.get_data(as_text=True)


def test_an_attacker_cannot_lock_the_lecturer_out_from_their_own_address(app, world):
    _fail(app, "lecturer", ATTACKER, throttle.PER_ACCOUNT_AND_ADDRESS + 3)

    assert _post(app, "lecturer", factories.PASSWORD, LECTURER_DESK).status_code == 302


def test_the_block_ends_with_the_window(app, world):
    _fail(app, "lecturer", ATTACKER, throttle.PER_ACCOUNT_AND_ADDRESS)
    db.session.execute(sa.update(LoginFailure).values(at=LoginFailure.at - timedelta(hours=1)))

    assert _post(app, "lecturer", factories.PASSWORD, ATTACKER).status_code == 302


def test_one_address_guessing_many_accounts_is_blocked_too(app, world):
    for number in range(throttle.PER_ADDRESS):
        _post(app, f"khong-co-{number}", "wrong password", ATTACKER)

    assert _post(app, "reviewer", factories.PASSWORD, ATTACKER).status_code == 429


def test_a_successful_sign_in_forgets_earlier_failures(app, world):
    _fail(app, "lecturer", LECTURER_DESK, throttle.PER_ACCOUNT_AND_ADDRESS - 1)
    _post(app, "lecturer", factories.PASSWORD, LECTURER_DESK)

    _fail(app, "lecturer", LECTURER_DESK, throttle.PER_ACCOUNT_AND_ADDRESS - 1)
    assert _post(app, "lecturer", factories.PASSWORD, LECTURER_DESK).status_code == 302


def test_failures_are_audited_with_username_and_address_but_never_the_password(app, world):
    _post(app, "lecturer", "mật-khẩu-sai-bí-mật", ATTACKER)

    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "login_failed"))
    assert entry.after == {"username": "lecturer", "address": ATTACKER}
    assert "mật-khẩu-sai-bí-mật" not in str(entry.before) + str(entry.after)


def test_the_token_endpoint_is_throttled_the_same_way(app, world):
    client = app.test_client()
    for _ in range(throttle.PER_ACCOUNT_AND_ADDRESS):
        client.post("/api/v1/tokens", json={"username": "lecturer", "password": "sai"},
                    environ_base={"REMOTE_ADDR": ATTACKER})

    response = client.post("/api/v1/tokens", json={"username": "lecturer", "password": factories.PASSWORD},
                           environ_base={"REMOTE_ADDR": ATTACKER})

    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"


def _redis_url():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running here")
    return url


def test_with_redis_two_workers_share_one_count(app, world, monkeypatch):
    import redis

    url = _redis_url()
    redis.Redis.from_url(url).flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    from app import create_app

    other_worker = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                               "REDIS_URL": url})
    for worker in (app, app, app, other_worker, other_worker):
        with worker.test_request_context():
            throttle.record_failure("lecturer", ATTACKER, now=None)

    with app.test_request_context():
        assert throttle.is_blocked("lecturer", ATTACKER, now=None) is True
    redis.Redis.from_url(url).flushdb()


def _through_proxy(app, password: str, client: str):
    return app.test_client().post("/login", data={"username": "lecturer", "password": password},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": client})


def test_behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own(app, world, monkeypatch):
    from app import _trust_proxies

    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # put back after the test
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    _trust_proxies(app)
    for _ in range(throttle.PER_ACCOUNT_AND_ADDRESS + 3):
        _through_proxy(app, "wrong password", "203.0.113.66")

    assert _through_proxy(app, factories.PASSWORD, "203.0.113.66").status_code == 429
    assert _through_proxy(app, factories.PASSWORD, "198.51.100.7").status_code == 302  # the lecturer's own desk


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(app, world):
    for number in range(throttle.PER_ACCOUNT_AND_ADDRESS):
        _through_proxy(app, "wrong password", f"203.0.113.{number}")

    assert _through_proxy(app, factories.PASSWORD, "198.51.100.7").status_code == 429
