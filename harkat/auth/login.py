"""Flask-Login wiring: a session cookie carries the token of one sign-in, not the user id."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from harkat.auth.models import User, UserSession, token_digest
from harkat.extensions import db, login_manager


def configure_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
    login_manager.login_message_category = "info"
    # Not "strong": facilitators on mobile data change address all day, and a strong check would
    # sign them out each time. Stolen cookies are dealt with by per-sign-in tokens that signing
    # out deletes, and by the idle and absolute session lifetimes.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Return the active user of the sign-in whose token the cookie carries."""
    row = db.session.execute(
        sa.select(User, UserSession.created_at, UserSession.search_text)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == token_digest(token), User.is_active.is_(True))
    ).first()
    if row is None:
        return None
    user, signed_in_at, search_text = row
    user.session_token, user.signed_in_at = token, signed_in_at
    user.saved_search = search_text or ""
    return user
