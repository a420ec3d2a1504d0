"""Sessions per sign-in (ASVS V7.2.4) with an absolute lifetime (V7.3.2)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.models import UserSession
from harkat.database import utcnow
from harkat.extensions import db
from tests.fixtures.users import PASSWORD

NEW_PASSWORD = "Candi-Muaro-Jambi-77"


def _sign_in(app, username: str):
    device = app.test_client()
    response = device.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return device


def _is_signed_in(device) -> bool:
    return device.get("/").status_code == 200


def _cookie_token(device) -> str:
    with device.session_transaction() as session:
        return session["_user_id"]


def _age_sessions(app, user_id: int, age: timedelta) -> None:
    """Pretend the user's sign-ins happened ``age`` ago."""
    with app.app_context():
        for row in db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user_id)):
            row.created_at = utcnow() - age
        db.session.commit()


def test_two_sign_ins_get_different_tokens_and_the_database_keeps_only_hashes(app, create_user):
    user_id, username = create_user()
    laptop, phone = _sign_in(app, username), _sign_in(app, username)
    tokens = {_cookie_token(laptop), _cookie_token(phone)}
    assert len(tokens) == 2
    with app.app_context():
        stored = set(
            db.session.scalars(
                sa.select(UserSession.token_hash).where(UserSession.user_id == user_id)
            )
        )
    assert len(stored) == 2 and not stored & tokens


def test_signing_out_one_device_keeps_the_other_signed_in(app, create_user):
    _, username = create_user()
    laptop, phone = _sign_in(app, username), _sign_in(app, username)
    captured = laptop.get_cookie("harkat_session").value
    assert laptop.post("/auth/logout").status_code == 302
    assert not _is_signed_in(laptop)
    assert _is_signed_in(phone)
    # The laptop's cookie, copied before signing out, opens nothing any more.
    thief = app.test_client()
    thief.set_cookie("harkat_session", captured)
    assert not _is_signed_in(thief)


def test_sign_out_of_all_devices_ends_every_session(app, create_user):
    user_id, username = create_user()
    laptop, phone = _sign_in(app, username), _sign_in(app, username)
    home = laptop.get("/").get_data(as_text=True)
    assert "Keluar dari semua perangkat" in home

    response = laptop.post("/auth/logout-all", follow_redirects=True)
    assert "Anda sudah keluar dari semua perangkat." in response.get_data(as_text=True)
    assert not _is_signed_in(laptop) and not _is_signed_in(phone)
    with app.app_context():
        action = db.session.scalar(
            sa.select(AuditLog.action)
            .where(AuditLog.actor_id == user_id)
            .order_by(AuditLog.id.desc())
        )
    assert action == "logout_all"
    assert _is_signed_in(_sign_in(app, username))


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, create_user):
    _, username = create_user()
    laptop, phone = _sign_in(app, username), _sign_in(app, username)
    old_token = _cookie_token(laptop)
    response = laptop.post(
        "/auth/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _is_signed_in(laptop) and _cookie_token(laptop) != old_token
    assert not _is_signed_in(phone)


def test_a_session_ends_twelve_hours_after_sign_in_however_active(app, create_user):
    user_id, username = create_user()
    device = _sign_in(app, username)
    assert app.config["SESSION_ABSOLUTE_TIMEOUT"] == timedelta(hours=12)
    _age_sessions(app, user_id, timedelta(hours=11, minutes=50))
    assert _is_signed_in(device)  # active all along: the idle timeout never struck

    _age_sessions(app, user_id, timedelta(hours=12, minutes=1))
    response = device.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    page = device.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sesi berakhir karena sudah terlalu lama sejak masuk" in page
    assert not _is_signed_in(device)
    assert _is_signed_in(_sign_in(app, username))


def test_the_absolute_lifetime_is_configurable(app, create_user):
    app.config["SESSION_ABSOLUTE_TIMEOUT"] = timedelta(hours=2)
    user_id, username = create_user()
    device = _sign_in(app, username)
    _age_sessions(app, user_id, timedelta(hours=2, minutes=1))
    assert not _is_signed_in(device)
