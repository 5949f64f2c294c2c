"""Access policies for views, and the ``can`` helper shared by views, templates and the API.

Every view declares a policy with one of the decorators below; a request to a view without
one is refused (deny by default). ``tests/test_access.py`` checks every endpoint for every role.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, request
from flask_login import current_user

PUBLIC = "public"
AUTHENTICATED = "authenticated"
_PREDICATES: dict[str, Callable[..., bool]] = {}


def _declare(view: Callable, policy: object) -> Callable:
    view.access_policy = policy  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not."""
    return _declare(view, PUBLIC)


def authenticated(view: Callable) -> Callable:
    """Any signed-in user; object checks happen inside the view with ``require``."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    return _declare(wrapper, AUTHENTICATED)


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """A signed-in user holding one of ``roles`` in the unit they are working in."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            require(current_user.has_any_role(roles))
            return view(*args, **kwargs)

        return _declare(wrapper, frozenset(roles))

    return decorator


def require(allowed: bool) -> None:
    """Abort with 403 unless ``allowed``."""
    if not allowed:
        abort(403)


def require_visible(visible: bool) -> None:
    """Abort with 404 unless the user may see the object: another unit's records do not
    reveal that they exist."""
    if not visible:
        abort(404)


def enforce_declared_policy() -> None:
    """``before_request`` hook: refuse any endpoint whose view declares no policy."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "access_policy", None) is None:
        abort(403)


def predicate(function: Callable[..., bool]) -> Callable[..., bool]:
    """Register a ``can_<verb>_<thing>`` predicate so templates can call ``can("verb_thing", obj)``.
    Names are unique across packages: a second predicate of the same name is an error."""
    name = function.__name__.removeprefix("can_")
    existing = _PREDICATES.get(name)
    if existing is not None and existing.__module__ != function.__module__:
        raise RuntimeError(f"Two permission predicates are called can_{name}: {existing.__module__} and "
                           f"{function.__module__}")
    _PREDICATES[name] = function
    return function


def can(name: str, *args: Any) -> bool:
    """Template helper: ``can("edit_lecturer", lecturer)`` for the current user."""
    user = current_user._get_current_object()  # the user itself, not the proxy: a page calls this often
    if not user.is_authenticated:
        return False
    return _PREDICATES[name](user, *args)
