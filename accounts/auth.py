"""How a request is tied to a user: login sessions for pages, bearer tokens for the API,
and the unit the user is working in."""
from __future__ import annotations

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user

from accounts import services
from accounts.models import Unit, User
from accounts.permissions import must_enrol_two_factor
from accounts.queries import working_unit, working_units
from core.api import bearer_token
from core.errors import json_error
from core.extensions import login_manager
from core.i18n import lazy_gettext as _l
from core.models import utcnow

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to open this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = None  # login sessions are revoked server-side instead


@login_manager.user_loader
def load_user(token: str) -> User | None:
    if request.path.startswith("/api/"):
        return None  # the API never trusts cookies: no CSRF surface there
    lifetime = current_app.config["SESSION_ABSOLUTE_LIFETIME"]
    return services.load_session(token, now=utcnow(), lifetime=lifetime)


@login_manager.request_loader
def load_api_user(_request) -> User | None:
    token = bearer_token() if request.path.startswith("/api/") else None
    return services.user_for_api_token(token, now=utcnow()) if token else None


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        return json_error(401, _l("A valid bearer token is required."))
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def choose_active_unit() -> None:
    """Set ``current_user.active_unit``: the unit chosen in the session (or ``?unit_id=`` on
    the API) if the user may work there, else their first unit."""
    if not current_user.is_authenticated:
        return
    wanted = request.args.get("unit_id", type=int) if request.path.startswith("/api/") else session.get("unit_id")
    current_user.active_unit = working_unit(current_user, wanted)


def current_unit() -> Unit:
    """The unit the signed-in user is working in; 403 when they have none."""
    unit = getattr(current_user, "active_unit", None)
    if unit is None:
        abort(403)
    return unit


def cached_working_units() -> list[Unit]:
    """The signed-in user's working units, read once per request."""
    if "working_units" not in g:
        g.working_units = working_units(current_user) if current_user.is_authenticated else []
    return g.working_units


def switch_unit(unit_id: int) -> Unit | None:
    unit = next((unit for unit in cached_working_units() if unit.id == unit_id), None)
    if unit is not None:
        session["unit_id"] = unit.id
    return unit


# What a user who must enrol in two-factor sign-in may still open before they have.
ENROLMENT_ENDPOINTS = frozenset({"accounts.two_factor", "accounts.two_factor_qr", "accounts.logout",
                                 "accounts.language", "core.healthz", "static"})


def require_two_factor_enrolment():
    """``before_request``: with ``REQUIRE_TOTP_FOR_PRIVILEGED`` on, a director, overseer or admin
    without two-factor sign-in is sent to the enrolment page from every other page. The API
    is not redirected: its tokens are refused to them instead (accounts/api.py)."""
    if not current_app.config.get("REQUIRE_TOTP_FOR_PRIVILEGED") or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if request.endpoint is None or request.path.startswith("/api/") or not current_user.is_authenticated:
        return None
    if must_enrol_two_factor(current_user, required=True):
        return redirect(url_for("accounts.two_factor"))
    return None


def register(app: Flask) -> None:
    app.before_request(choose_active_unit)
    app.before_request(require_two_factor_enrolment)
