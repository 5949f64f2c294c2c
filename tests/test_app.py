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
