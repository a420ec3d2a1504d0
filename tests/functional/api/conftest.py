"""API fixtures: a bearer token for a fresh user of any role."""

from __future__ import annotations

import pytest

from harkat.api import tokens
from harkat.auth.models import User
from harkat.extensions import db


@pytest.fixture
def api_token(app, create_user):
    """Create a user of ``role`` and a token for it; return ``(user_id, headers)``."""

    def make(role, **kwargs):
        user_id, _ = create_user(role, **kwargs)
        with app.app_context():
            user = db.session.get(User, user_id)
            _, secret = tokens.create_token(db.session, user, "Tes", user)
            db.session.commit()
        return user_id, {"Authorization": f"Bearer {secret}"}

    return make
