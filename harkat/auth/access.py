"""Who may reach which endpoint, declared on each view and enforced before every request.

Every endpoint is closed unless it says otherwise: a view is either ``@public`` or names the
roles that may use it with ``@roles(...)``. An undeclared view answers 403 to everyone, so a
forgotten decorator fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from harkat.audit.services import set_actor
from harkat.auth.domain import Role

#: Endpoints of Flask and extensions that serve static files.
PUBLIC_ENDPOINTS = frozenset({"static"})
ALL_ROLES = frozenset(Role)


def public(view: Callable) -> Callable:
    """Mark a view as reachable without signing in."""
    view.harkat_public = True
    return view


def roles(*allowed: Role) -> Callable[[Callable], Callable]:
    """Mark a view as reachable by signed-in users of the given roles (all roles if none)."""

    def mark(view: Callable) -> Callable:
        view.harkat_roles = frozenset(allowed) if allowed else ALL_ROLES
        return view

    return mark


def current_actor():
    """The signed-in user as a plain model object, to hand to services as the actor."""
    return current_user._get_current_object()


def hide_from_bank_officers() -> None:
    """Answer 404 to bank officers: case data is not theirs to see, not even that it exists."""
    if current_user.role == Role.BANK_OFFICER:
        abort(404)


def view_access(view: Callable | None) -> tuple[bool, frozenset[Role] | None]:
    """Return ``(is_public, allowed_roles)`` declared on a view function."""
    if view is None:
        return False, None
    return getattr(view, "harkat_public", False), getattr(view, "harkat_roles", None)


def _idle_expired() -> bool:
    seen = session.get("seen_at")
    now = datetime.now(UTC).timestamp()
    session["seen_at"] = now
    if seen is None:
        return False
    return now - float(seen) > current_app.config["IDLE_TIMEOUT"].total_seconds()


def _lifetime_expired() -> bool:
    signed_in_at = current_user.signed_in_at
    if signed_in_at is None:
        return False
    return datetime.now(UTC) - signed_in_at > current_app.config["SESSION_ABSOLUTE_TIMEOUT"]


def _session_ended() -> str | None:
    """Return why the signed-in session ended (idle or too old), or None while it holds."""
    if _lifetime_expired():
        return "Sesi berakhir karena sudah terlalu lama sejak masuk. Silakan masuk lagi."
    if _idle_expired():
        return "Sesi berakhir karena tidak ada aktivitas. Silakan masuk lagi."
    return None


def enforce_access():
    """``before_request``: sign-in, session lifetimes and role checks for the matched endpoint."""
    endpoint = request.endpoint
    if request.path.startswith("/api/"):
        # The JSON API signs in by bearer token, never by the session cookie.
        from harkat.api.core import authenticate

        return authenticate()
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None
    is_public, allowed = view_access(current_app.view_functions.get(endpoint))
    if current_user.is_authenticated:
        ended = _session_ended()
        if ended:
            logout_user()
            session.pop("seen_at", None)
            set_actor(None)
            if not is_public:
                flash(ended, "warning")
                return redirect(url_for("auth.login", next=request.full_path))
            return None
        set_actor(current_user)
        g.user = current_user
    else:
        set_actor(None)
    if is_public:
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if allowed is None or current_user.role not in allowed:
        abort(403)
    return None
