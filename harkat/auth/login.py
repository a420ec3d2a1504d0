"""Flask-Login wiring: sessions carry the user's rotating session token, not the id."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from harkat.auth.models import User
from harkat.extensions import db, login_manager


def configure_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
    login_manager.login_message_category = "info"
    # Not "strong": facilitators on mobile data change address all day, and a strong check would
    # sign them out each time. Stolen cookies are dealt with by the rotating session token.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Return the active user whose current session token the cookie carries."""
    return db.session.scalar(
        sa.select(User).where(User.session_token == token, User.is_active.is_(True))
    )
