"""Password rules beyond length (ASVS 6.2.4, 6.2.11, 11.4.2): refuse passwords on a list of
common ones, or the user's own name, and tell when a stored hash uses old parameters."""
from __future__ import annotations

from functools import cache

from werkzeug.security import generate_password_hash

# Common choices of Vietnamese users, besides the 30,000 most common passwords of the leaked
# sets that zxcvbn ships (offline: no request leaves the server).
VIETNAMESE = frozenset({
    "matkhau", "matkhau1", "matkhau123", "matkhau@123", "anhyeuem", "anhyeuem1", "anhyeuem123", "emyeuanh",
    "iloveyou", "vietnam", "vietnam1", "vietnam123", "hanoi123", "saigon123", "123456a@", "123456aa",
    "12345678a", "a123456789", "qwerty123", "trungtam", "trungtamchinhtri", "chinhtri", "giangvien",
    "giangvien1", "giangvien123", "admin123", "password1", "lectern", "lectern123",
})


@cache
def common_passwords() -> frozenset[str]:
    # zxcvbn's lists (about 12 MB) load when a password is first set, not in every worker at start.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | VIETNAMESE


def is_common(password: str) -> bool:
    """True for a password on the list, compared without case and surrounding spaces."""
    return password.strip().casefold() in common_passwords()


def is_own_name(password: str, username: str | None) -> bool:
    return bool(username) and password.strip().casefold() == username.strip().casefold()


@cache
def _hash_prefix(method: str) -> str:
    """What a hash made with ``method`` starts with: the method and its parameters."""
    return generate_password_hash("x", method=method).split("$", 1)[0]


def needs_rehash(password_hash: str, method: str) -> bool:
    """True when the stored hash was made with other parameters than ``method`` gives now."""
    return password_hash.split("$", 1)[0] != _hash_prefix(method)
