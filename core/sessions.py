"""The browser's session cookie: Flask's signed cookie, whose signature's age is the session's
idle lifetime (``PERMANENT_SESSION_LIFETIME``).

Flask signs a permanent session again on every response to restart that lifetime
(``SESSION_REFRESH_EACH_REQUEST``): serialising, compressing and signing it and a Set-Cookie
header took a tenth of a small page's time in process. Here an unchanged session is signed
again only once its signature is older than an eighth of that lifetime (at most an hour,
``REFRESH_AFTER``), so a browser left alone is signed out between seven eighths of the lifetime
and the whole of it after its last request: never later than with Flask's own rule. A changed
session is signed whenever it changes, as before. (Keep a rotated key in
``SECRET_KEY_FALLBACKS`` for at least that hour: an unchanged session moves to the new key when
it is next signed.)
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

REFRESH_AFTER = timedelta(hours=1)


def refresh_after(lifetime: timedelta) -> timedelta:
    """How old an unchanged session's signature may grow before it is signed again."""
    return min(REFRESH_AFTER, lifetime / 8)


class SignedSession(SecureCookieSession):
    signed_at: datetime | None = None  # when the cookie it was read from was signed (UTC)


class CookieSessionInterface(SecureCookieSessionInterface):
    session_class = SignedSession

    def open_session(self, app: Flask, request: Request) -> SignedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(cookie, max_age=int(app.permanent_session_lifetime.total_seconds()),
                                               return_timestamp=True)
        except BadSignature:  # tampered with, or past its idle lifetime
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SignedSession) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        return session.signed_at is None or \
            datetime.now(timezone.utc) - session.signed_at > refresh_after(app.permanent_session_lifetime)
