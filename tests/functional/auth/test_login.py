"""Signing in and out, session invalidation, idle timeout and throttling."""

from __future__ import annotations

import time

import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.auth.models import LoginAttempt, User
from harkat.auth.services import LOGIN_REFUSED
from harkat.extensions import db
from tests.fixtures.users import PASSWORD


def _home_is_open(client) -> bool:
    return client.get("/").status_code == 200


def test_login_page_is_in_indonesian(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "Masuk ke HARKAT" in html and "Nama pengguna" in html and "Kata sandi" in html


def test_a_user_signs_in_and_sees_their_home(client, auth, create_user):
    _, username = create_user(Role.FACILITATOR, full_name="Siti Aminah")
    response = auth.login(username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Halo, Siti Aminah" in html and "Telanaipura" in html


def test_username_is_case_insensitive(client, auth, create_user):
    _, username = create_user()
    assert auth.login(username.upper()).status_code == 302


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, auth, create_user):
    _, username = create_user()
    for name in (username, "tidak-ada"):
        response = auth.login(name, "salah-sekali-123")
        assert response.status_code == 200
        assert LOGIN_REFUSED in response.get_data(as_text=True)
    assert not _home_is_open(client)


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_next_only_follows_local_paths(client, auth, create_user):
    _, username = create_user(Role.ADMIN)
    evil = auth.login(username, query_string={"next": "https://evil.example/"})
    assert evil.headers["Location"] == "/"
    auth.logout()
    good = auth.login(username, query_string={"next": "/admin/users"})
    assert good.headers["Location"] == "/admin/users"


def test_a_cookie_captured_before_logout_no_longer_works(app, client, auth, create_user):
    _, username = create_user()
    auth.login(username)
    captured = client.get_cookie("harkat_session").value
    assert _home_is_open(client)

    auth.logout()

    thief = app.test_client()
    thief.set_cookie("harkat_session", captured)
    response = thief.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_changing_password_ends_other_sessions_but_keeps_this_one(app, client, auth, create_user):
    _, username = create_user()
    other = app.test_client()
    other.post("/auth/login", data={"username": username, "password": PASSWORD})
    auth.login(username)

    response = client.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "password": "Candi-Muaro-Jambi-77",
            "confirm": "Candi-Muaro-Jambi-77",
        },
    )
    assert response.status_code == 302
    assert _home_is_open(client)
    assert other.get("/").status_code == 302
    auth.logout()
    assert auth.login(username, PASSWORD).status_code == 200
    assert auth.login(username, "Candi-Muaro-Jambi-77").status_code == 302


def test_password_change_explains_what_is_wrong(client, login_as):
    login_as(Role.VIEWER)
    wrong_current = client.post(
        "/auth/password",
        data={
            "current_password": "bukan",
            "password": "Candi-Muaro-77",
            "confirm": "Candi-Muaro-77",
        },
    ).get_data(as_text=True)
    assert "Kata sandi saat ini salah." in wrong_current
    weak = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "password": "password123", "confirm": "password123"},
    ).get_data(as_text=True)
    assert "terlalu umum" in weak
    mismatch = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "password": "Candi-Muaro-77", "confirm": "lain"},
    ).get_data(as_text=True)
    assert "Harus sama dengan kata sandi baru." in mismatch


def test_deactivation_ends_the_session_and_blocks_login(app, client, auth, create_user):
    user_id, username = create_user()
    auth.login(username)
    with app.app_context():
        user = db.session.get(User, user_id)
        from harkat.auth.services import deactivate

        deactivate(db.session, user)
        db.session.commit()
    assert client.get("/").status_code == 302
    right = auth.login(username).get_data(as_text=True)
    wrong = auth.login(username, password="Salah-Sekali-2026").get_data(as_text=True)
    nobody = auth.login("tidak-ada-orangnya").get_data(as_text=True)
    # The form does not tell a deactivated account from a wrong password or an unknown name.
    assert LOGIN_REFUSED in right and LOGIN_REFUSED in wrong and LOGIN_REFUSED in nobody
    assert "nonaktif" not in right.replace(LOGIN_REFUSED, "")
    with app.app_context():
        reasons = db.session.scalars(
            sa.select(AuditLog.changes).where(AuditLog.action == "login_failed")
        ).all()
    assert {"username": username, "reason": "akun nonaktif"} in reasons


def test_idle_session_expires(app, client, auth, create_user):
    _, username = create_user()
    auth.login(username)
    assert _home_is_open(client)
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - app.config["IDLE_TIMEOUT"].total_seconds() - 5
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sesi berakhir karena tidak ada aktivitas" in page


def test_an_active_session_stays_open(app, client, auth, create_user):
    _, username = create_user()
    auth.login(username)
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - app.config["IDLE_TIMEOUT"].total_seconds() + 60
    assert _home_is_open(client)


def test_repeated_failures_lock_the_account_even_for_the_right_password(app, auth, create_user):
    _, username = create_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_USER"]
    for _ in range(limit):
        auth.login(username, "salah-sekali-123")
    response = auth.login(username)
    assert response.status_code == 200
    assert "Terlalu banyak percobaan masuk yang gagal" in response.get_data(as_text=True)


def test_account_lock_lifts_after_the_window(app, auth, create_user):
    _, username = create_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_USER"]):
        auth.login(username, "salah-sekali-123")
    with app.app_context():
        window = app.config["LOGIN_THROTTLE_WINDOW"]
        for attempt in db.session.scalars(sa.select(LoginAttempt)):
            attempt.at = attempt.at - window
        db.session.commit()
    assert auth.login(username).status_code == 302


def test_a_success_resets_the_account_count(app, auth, create_user):
    _, username = create_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_USER"]
    for _ in range(limit - 1):
        auth.login(username, "salah-sekali-123")
    assert auth.login(username).status_code == 302
    auth.logout()
    auth.login(username, "salah-sekali-123")
    assert auth.login(username).status_code == 302


def test_one_address_trying_many_accounts_is_throttled(app, auth, create_user):
    _, username = create_user()
    for number in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        auth.login(f"tebakan{number}", "salah-sekali-123")
    response = auth.login(username)
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    other_address = auth.login(username, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_address.status_code == 302


def test_throttling_is_shared_by_every_worker(app, create_user):
    """Two app instances on one database stand in for two gunicorn workers."""
    from harkat import create_app

    _, username = create_user()
    second_worker = create_app(dict(app.config, INSTANCE_PATH=app.instance_path))
    limit = app.config["LOGIN_MAX_FAILURES_PER_USER"]
    first, second = app.test_client(), second_worker.test_client()
    for number in range(limit):
        worker = first if number % 2 else second
        worker.post("/auth/login", data={"username": username, "password": "salah-salah-1"})
    response = second.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    with second_worker.app_context():
        db.engine.dispose()


def test_production_hashes_passwords_with_scrypt(app, auth, create_user):
    """The suite signs in with a cheap hash; a real installation keeps Werkzeug's scrypt."""
    from harkat import config

    assert config.PASSWORD_HASH_METHOD == "scrypt"
    app.config["PASSWORD_HASH_METHOD"] = config.PASSWORD_HASH_METHOD
    user_id, username = create_user()
    with app.app_context():
        assert db.session.get(User, user_id).password_hash.startswith("scrypt:")
    assert auth.login(username).status_code == 302


def test_a_changed_hash_method_still_accepts_older_hashes(app, auth, create_user):
    """Each hash names its own method, so changing PASSWORD_HASH_METHOD locks nobody out."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    _, username = create_user()
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    refused = auth.login(username, "salah-sekali-123")
    assert LOGIN_REFUSED in refused.get_data(as_text=True)
    assert auth.login(username).status_code == 302
