"""Failed-login throttling that holds across gunicorn workers (ASVS 6.3.1, 6.1.1).

Failures are counted per (username, address) and per address over a sliding window, in
Redis when ``REDIS_URL`` is configured, else in the database. Keying the tight limit by
username *and* address means an attacker who guesses at a lecturer's account blocks only
themselves: the lecturer, from their own address, can still sign in. Everything expires with
the window, so nobody is locked out for good.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from accounts.models import LoginFailure
from core.extensions import db

PER_ACCOUNT_AND_ADDRESS = 5
PER_ADDRESS = 30


def _key(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])


def window_minutes() -> int:
    return max(1, int(_window().total_seconds() // 60))


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis  # imported only when configured

    return redis.Redis.from_url(url, socket_timeout=2)


def is_blocked(username: str, address: str, *, now: datetime) -> bool:
    """Whether this address has used up its attempts, for this account or overall."""
    client = _redis()
    if client is not None:
        values = client.mget(f"lectern:login:{_key(username)}:{address}", f"lectern:login:ip:{address}")
        counts = [int(value or 0) for value in values]
    else:
        since = now - _window()
        recent = sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.at > since,
                                                                             LoginFailure.address == address)
        counts = [db.session.scalar(recent.where(LoginFailure.username_key == _key(username))),
                  db.session.scalar(recent)]
    return counts[0] >= PER_ACCOUNT_AND_ADDRESS or counts[1] >= PER_ADDRESS


def record_failure(username: str, address: str, *, now: datetime) -> None:
    client = _redis()
    if client is not None:
        seconds = int(_window().total_seconds())
        with client.pipeline() as pipe:
            for key in (f"lectern:login:{_key(username)}:{address}", f"lectern:login:ip:{address}"):
                pipe.incr(key)
                pipe.expire(key, seconds, nx=True)
            pipe.execute()
        return
    db.session.add(LoginFailure(at=now, username_key=_key(username), address=address))
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - _window()))


def clear(username: str, address: str) -> None:
    """A successful sign-in forgets this account's failures from this address."""
    client = _redis()
    if client is not None:
        client.delete(f"lectern:login:{_key(username)}:{address}")
        return
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username_key == _key(username),
                                                     LoginFailure.address == address))
