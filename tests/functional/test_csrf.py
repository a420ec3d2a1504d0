"""Every form refuses a post without a valid CSRF token."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.users import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_login_without_token_is_refused_in_indonesian(client, create_user):
    _, username = create_user()
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 400
    assert "token CSRF" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_with_the_pages_token_works(client, create_user):
    _, username = create_user()
    token = _token(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_logout_without_token_keeps_the_session(client, create_user):
    _, username = create_user()
    token = _token(client.get("/auth/login").get_data(as_text=True))
    client.post(
        "/auth/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_a_csrf_failure_is_audited_and_a_flood_stays_small(app, client):
    import sqlalchemy as sa

    from harkat.audit import denials
    from harkat.audit.models import AuditLog
    from harkat.extensions import db

    for _ in range(200):
        response = client.post("/auth/login", data={"username": "x", "password": "y"})
        assert response.status_code == 400
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "access_denied")
        ).all()
        assert len(rows) == 1
        assert rows[0].actor_name == "anonim" and rows[0].changes["reason"] == "csrf"
        assert rows[0].changes["route"] == "/auth/login"
        db.session.rollback()  # end the read before the totals are written
        denials.flush()
        counts = db.session.scalars(
            sa.select(AuditLog.changes["count"].as_integer())
            .where(AuditLog.action == "access_denied")
            .order_by(AuditLog.id)
        ).all()
        assert counts == [1, 200]
