"""Lectern application factory. Serve with ``gunicorn 'app:create_app()'``."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import CONFIGS


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` ids beyond what the database stores are simply not found (404), never a 500."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002  (Werkzeug's argument name)
        from core.models import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    env = os.environ.get("LECTERN_ENV", "production")
    app.config.from_object(CONFIGS["test" if config and config.get("TESTING") else env])
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("LECTERN")
    if config:
        app.config.update(config)
    _finish_config(app)
    _trust_proxies(app)
    app.url_map.converters["int"] = BoundedIntConverter
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_jinja(app)
    return app


def _finish_config(app: Flask) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "lectern.db")
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    for name, folder in (("CHART_CACHE_FOLDER", "chart-cache"), ("EXPORT_FOLDER", "exports")):
        if not app.config.get(name):
            app.config[name] = os.path.join(app.instance_path, folder)
    # A file up to MAX_UPLOAD_BYTES must reach the form (and be refused there with the rest of the
    # form kept), so the request limit leaves room for the other fields.
    request_limit = app.config["MAX_UPLOAD_BYTES"] + 5 * 1024 * 1024
    if (app.config.get("MAX_CONTENT_LENGTH") or 0) < request_limit:
        app.config["MAX_CONTENT_LENGTH"] = request_limit
    key = app.config.get("SECRET_KEY") or ""
    if len(key) < 32 and not app.config.get("DEMO_MODE"):
        raise RuntimeError("SECRET_KEY must be set to at least 32 characters outside demo and test mode.")


def _trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, take the client's address and scheme from
    their X-Forwarded-* headers (sign-in throttling and HSTS need them); otherwise ignore them."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from core import db as core_db
    from core.extensions import babel, csrf, db, login_manager, migrate
    from core.i18n import select_locale, select_timezone
    from core.sessions import CookieSessionInterface

    app.session_interface = CookieSessionInterface()
    db.init_app(app)
    core_db.configure_engine_events()
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)


def _register_blueprints(app: Flask) -> None:
    from accounts import api as accounts_api  # noqa: F401  (registers API routes)
    from accounts.audit_views import bp as audit_bp
    from accounts.views import admin_bp, bp as accounts_bp
    from contests import api as contests_api  # noqa: F401
    from contests.views import bp as contests_bp
    from core.api import bp as api_bp
    from core.errors import register_error_handlers
    from core.security import register_security
    from core.views import bp as core_bp
    from dashboards.views import bp as dashboards_bp
    from lecturers import api as lecturers_api  # noqa: F401
    from lecturers import plans_api  # noqa: F401
    from lecturers.views import bp as lecturers_bp
    from meetings import api as meetings_api  # noqa: F401
    from meetings.views import bp as meetings_bp
    from reviews import api as reviews_api  # noqa: F401
    from reviews import practice_api  # noqa: F401
    from reviews.views import bp as reviews_bp

    for blueprint in (core_bp, accounts_bp, admin_bp, lecturers_bp, reviews_bp, meetings_bp, contests_bp, dashboards_bp,
                      api_bp, audit_bp):
        app.register_blueprint(blueprint)
    register_security(app)
    register_error_handlers(app)


def _register_cli(app: Flask) -> None:
    from accounts.cli import register as register_accounts_cli
    from core.cli import register as register_core_cli
    from demo.cli import register as register_demo_cli
    from lecturers.cli import register as register_lecturers_cli
    from reviews.cli import register as register_reviews_cli

    for register in (register_core_cli, register_accounts_cli, register_lecturers_cli, register_reviews_cli,
                     register_demo_cli):
        register(app)


def _register_jinja(app: Flask) -> None:
    import accounts.permissions  # noqa: F401  (registers the predicates templates call with can())
    import dashboards.permissions  # noqa: F401
    import contests.permissions  # noqa: F401
    import lecturers.permissions  # noqa: F401
    import meetings.permissions  # noqa: F401
    import reviews.permissions  # noqa: F401
    from core.i18n import register_filters
    from core.fragments import FragmentCacheExtension, nav_key, user_key
    from core.permissions import can

    register_filters(app)
    app.jinja_env.globals["can"] = can
    app.jinja_env.add_extension(FragmentCacheExtension)
    app.jinja_env.globals.update(nav_key=nav_key, user_key=user_key)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
