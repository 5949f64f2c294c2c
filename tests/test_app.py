from __future__ import annotations

import pytest

from app import create_app


def test_healthz_reports_ok_after_checking_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("LECTERN_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("LECTERN_SECRET_KEY", raising=False)

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_login_page_is_vietnamese_by_default(client):
    response = client.get("/login")

    assert response.status_code == 200
    assert "Đăng nhập" in response.get_data(as_text=True)


def test_redis_url_and_trusted_proxies_come_from_the_environment(monkeypatch):
    import importlib

    from werkzeug.middleware.proxy_fix import ProxyFix

    import config

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("LECTERN_TRUSTED_PROXIES", "1")
    try:
        assert importlib.reload(config).Config.REDIS_URL == "redis://127.0.0.1:6379/3"
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(config)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["TRUSTED_PROXIES"] == 1  # its effect on sign-in throttling: tests/accounts/test_throttle.py
    assert isinstance(app.wsgi_app, ProxyFix) and (app.wsgi_app.x_for, app.wsgi_app.x_proto) == (1, 1)
