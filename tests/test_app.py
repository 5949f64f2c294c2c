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
    import os
    import subprocess  # nosec B404: a fixed command
    import sys

    from werkzeug.middleware.proxy_fix import ProxyFix

    read = subprocess.run([sys.executable, "-c", "import config; print(config.Config.REDIS_URL)"],  # nosec B603
                          env={**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/3"}, capture_output=True, text=True,
                          check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    monkeypatch.setenv("LECTERN_TRUSTED_PROXIES", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert read.stdout.strip() == "redis://127.0.0.1:6379/3"  # a fresh process reads the setting as deployed
    assert app.config["TRUSTED_PROXIES"] == 1  # its effect on sign-in throttling: tests/accounts/test_throttle.py
    assert isinstance(app.wsgi_app, ProxyFix) and (app.wsgi_app.x_for, app.wsgi_app.x_proto) == (1, 1)
