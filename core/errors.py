"""Translated error pages, and JSON errors for every path under /api/."""
from __future__ import annotations

import errno

from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from core.extensions import db, login_manager
from core.i18n import lazy_gettext as _l


class DomainError(Exception):
    """A business rule refused an operation. ``message`` is translated; ``field`` names the
    form field it belongs to, if any; ``status`` is the HTTP status a view should answer."""

    def __init__(self, message, *, field: str | None = None, status: int = 422, code: str = "invalid",
                 details: dict[str, str] | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status
        self.code = code
        self.details = details or {}  # e.g. criterion code → translated reason


_TITLES = {
    400: _l("Bad request"),
    401: _l("Please sign in"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    422: _l("Invalid data"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Service temporarily unavailable"),
    507: _l("Storage full"),
}
_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("You need to sign in to continue."),
    403: _l("You do not have permission to open this page."),
    404: _l("The page you asked for does not exist, or you cannot see it."),
    405: _l("This address does not accept that kind of request."),
    409: _l("The record was changed by someone else. Reload and try again."),
    413: _l("The file or form is larger than allowed."),
    422: _l("Some of the data is not valid."),
    429: _l("Too many attempts. Please wait a little and try again."),
    500: _l("An unexpected error occurred. It has been logged; please try again."),
    503: _l("The system is busy. Please try again in a moment."),
    507: _l("The server has no room left to store your data, so nothing was saved. "
            "Please tell the administrator, then try again."),
}
_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
          429: "too_many_requests", 500: "server_error", 503: "unavailable", 507: "storage_full"}
RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, code: str | None = None, details: dict[str, str] | None = None):
    """``{"error": {"code", "message"}}``, with ``details`` (e.g. criterion code → reason) when given."""
    error = {"code": code or _CODES.get(status, "error"), "message": str(message)}
    if details:
        error["details"] = {str(key): str(value) for key, value in details.items()}
    response = jsonify({"error": error})
    response.status_code = status
    return response


def _render(status: int, message: str | None = None):
    if wants_json():
        return json_error(status, message or _MESSAGES.get(status, ""))
    title = _TITLES.get(status, _("Error"))
    text = message or _MESSAGES.get(status, "")
    return render_template("errors/error.html", status=status, title=title, message=text), status


def _disk_full(error: Exception) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full"), PostgreSQL's 53100 (disk_full), or ENOSPC."""
    original = getattr(error, "orig", error)
    return (getattr(original, "sqlite_errorcode", None) == 13 or getattr(original, "sqlstate", None) == "53100"
            or getattr(original, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
            or "database or disk is full" in str(original))


def _database_unavailable(error: Exception):
    """The database is locked, unreachable, out of connections or out of space: roll back what
    this request did and answer 503 (try again shortly) or 507 (disk full), never a 500. The
    page is drawn for an anonymous visitor, since loading the user needs the database too."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (a dead connection may refuse even the rollback)
        db.session.remove()
    g._login_user = login_manager.anonymous_user()  # Flask-Login's per-request cache of current_user
    status = 507 if _disk_full(error) else 503
    original = getattr(error, "orig", None) or error
    current_app.logger.error("Database unavailable (%s) on %s %s: %s: %s", status, request.method, request.path,
                             type(original).__name__, original)
    response = make_response(_render(status))
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(PoolTimeoutError, _database_unavailable)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if error.connection_invalidated:  # the server went away mid-request
            return _database_unavailable(error)
        return unexpected_error(error)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, _("Your form expired or was sent from another site. "
                              "Go back, reload the page and send it again."))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if wants_json():
            return json_error(error.status, error.message, error.code, error.details)
        return _render(error.status, str(error.message))

    @app.errorhandler(StaleDataError)
    def concurrent_change(error: StaleDataError):
        """Two requests changed the same record at once; the later one is told, not failed."""
        db.session.rollback()
        return _render(409)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            db.session.rollback()
        response = make_response(_render(status))
        if error.code == 405:
            response.headers["Allow"] = dict(error.get_headers()).get("Allow", "")
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return _render(InternalServerError.code)
