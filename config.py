"""Configuration classes. Values come from the environment (prefix LECTERN_ for most,
plus the conventional DATABASE_URL and SECRET_KEY) and from ``instance/config.py``."""
from __future__ import annotations

import os
from datetime import timedelta


def _database_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgresql://"):
        # psycopg 3 is the driver; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()  # None: instance/lectern.db, set in create_app
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}  # idle pooled connections are tested before use: core.db

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("LECTERN_INSECURE_COOKIES") != "1"
    SESSION_COOKIE_NAME = "__Host-session" if SESSION_COOKIE_SECURE else "lectern_session"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # idle lifetime (signature renewed when over an hour old: core.sessions)
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # one attached document (lesson plans); see core/uploads.py
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # the whole request; kept above MAX_UPLOAD_BYTES by create_app
    MAX_FORM_PARTS = 500

    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a long lesson must not expire the scoresheet's token
    DEMO_MODE = False
    API_TOKEN_LIFETIME = timedelta(days=90)
    UPLOAD_FOLDER = None  # instance/uploads, set in create_app
    PAGE_SIZE = 50
    LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
    # Directors, overseers and admins must sign in with a TOTP code (ASVS 6.3.3); until they
    # enrol, every page sends them to /account/two-factor.
    REQUIRE_TOTP_FOR_PRIVILEGED = True
    TWO_FACTOR_PENDING_SECONDS = 5 * 60  # time between a right password and the code
    # Redis (REDIS_URL or LECTERN_REDIS_URL): failed-login counters and the chart cache shared by
    # every worker and machine; without it, the database and files under instance/.
    REDIS_URL = os.environ.get("REDIS_URL")
    # Reverse proxies in front of gunicorn that set X-Forwarded-For/-Proto (nginx: 1). Without it
    # every sign-in would seem to come from the proxy's address, and HTTPS would not be seen.
    TRUSTED_PROXIES = 0
    # B105: the name of a hashing method, not a password
    PASSWORD_HASH_METHOD = "scrypt"  # nosec B105
    CHART_CACHE_FOLDER = None  # instance/chart-cache, set in create_app
    EXPORT_FOLDER = None  # instance/exports: large Excel exports prepared in the background
    EXPORT_STREAM_ROWS = 3000  # above this many rows an export is prepared in the background
    EXPORT_IN_BACKGROUND = True  # False: prepare large exports within the request (tests)


class DemoConfig(Config):
    """``make run`` on a developer's machine: plain http on 127.0.0.1, demo accounts allowed."""

    SECRET_KEY = os.environ.get("SECRET_KEY") or "demo-only-not-secret-" + "x" * 16
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "lectern_session"
    DEMO_MODE = True
    REQUIRE_TOTP_FOR_PRIVILEGED = False  # demo accounts sign in with a password only


class TestConfig(Config):
    TESTING = True
    # B105: TestConfig only
    SECRET_KEY = "test-secret-key-long-enough-for-tests"  # nosec B105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "lectern_session"
    WTF_CSRF_ENABLED = False
    DEMO_MODE = True
    REQUIRE_TOTP_FOR_PRIVILEGED = False  # tests/accounts/test_totp.py turns it on
    # B105: a method name; fast hashing in tests only
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # nosec B105


CONFIGS = {"production": Config, "demo": DemoConfig, "test": TestConfig}
