"""Password rules beyond length: common passwords and the username are refused (offline list),
and a hash made with old parameters is replaced at the next sign-in."""
from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from accounts import passwords, services
from core.errors import DomainError
from core.models import utcnow
from tests import factories


@pytest.mark.parametrize("password", ["password", "12345678", "Matkhau123", " iloveyou ", "qwerty123", "anhyeuem"])
def test_common_passwords_are_refused(password):
    assert passwords.is_common(password)
    with pytest.raises(DomainError):
        services.check_password_policy(password)


@pytest.mark.parametrize("password", ["mật khẩu dài", "correct horse battery", "Giảng bài Điều lệ Đảng 2026"])
def test_uncommon_passwords_pass(password):
    assert not passwords.is_common(password)
    services.check_password_policy(password, username="nguyenvana")


def test_the_username_is_refused_as_the_password(world):
    with pytest.raises(DomainError):
        services.check_password_policy("NguyenVanA", username="nguyenvana")
    with pytest.raises(DomainError):
        factories.make_user((world.unit, "lecturer"), username="tranthihuong", password="tranthihuong")


def test_a_common_password_is_a_422_on_the_password_change_page_and_nothing_changes(world, login):
    client = login(world.reviewer)
    response = client.post("/account/password", data={"current": factories.PASSWORD, "new": "password1"})
    assert response.status_code == 422
    assert "too easy to guess" in response.get_data(as_text=True) or "dễ đoán" in response.get_data(as_text=True)
    assert world.reviewer.check_password(factories.PASSWORD)


def test_needs_rehash_compares_the_method_and_its_parameters():
    old = generate_password_hash("mật khẩu dài", method="pbkdf2:sha256:1000")
    assert not passwords.needs_rehash(old, "pbkdf2:sha256:1000")
    assert passwords.needs_rehash(old, "pbkdf2:sha256:2000")
    assert passwords.needs_rehash(old, "scrypt")


def test_sign_in_rehashes_a_password_stored_with_old_parameters(world, app):
    user = world.reviewer
    user.password_hash = generate_password_hash(factories.PASSWORD, method="pbkdf2:sha256:500")
    services.sign_in(user.username, factories.PASSWORD, address="127.0.0.1", now=utcnow())
    assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert user.check_password(factories.PASSWORD)
