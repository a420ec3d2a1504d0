"""The factory, configuration precedence, secrets, health and security headers."""

from __future__ import annotations

import re

from harkat import create_app, database_url
from harkat.extensions import db


def _app(instance, monkeypatch=None, **config):
    app = create_app({"INSTANCE_PATH": str(instance), **config})
    with app.app_context():
        db.engine.dispose()
    return app


def test_precedence_defaults_then_instance_file_then_environment_then_test_config(
    tmp_path, monkeypatch
):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "PAGE_SIZE = 40\nLOGIN_MAX_FAILURES_PER_USER = 7\nMAX_UPLOAD_BYTES = 1000\n"
    )
    monkeypatch.setenv("HARKAT_LOGIN_MAX_FAILURES_PER_USER", "9")
    monkeypatch.setenv("HARKAT_MAX_UPLOAD_BYTES", "2000")

    app = _app(instance, MAX_UPLOAD_BYTES=3000)

    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] == 20  # default
    assert app.config["PAGE_SIZE"] == 40  # instance file over default
    assert app.config["LOGIN_MAX_FAILURES_PER_USER"] == 9  # environment over instance file
    assert app.config["MAX_UPLOAD_BYTES"] == 3000  # test config over everything


def test_environment_names_the_database_and_postgres_urls_use_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("HARKAT_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    app = _app(tmp_path / "instance")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.sqlite3")
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_default_database_and_uploads_live_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("HARKAT_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    app = _app(instance)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'harkat.sqlite3'}"
    assert app.config["UPLOAD_DIR"] == str(instance / "uploads")


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("HARKAT_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = _app(instance, DATABASE_URL="sqlite://")
    second = _app(instance, DATABASE_URL="sqlite://")
    key_file = instance / "secret_key"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert key_file.stat().st_mode & 0o077 == 0


def test_csrf_is_on_unless_a_test_turns_it_off(tmp_path):
    app = _app(tmp_path / "instance", DATABASE_URL="sqlite://")
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_unreachable(tmp_path):
    app = _app(
        tmp_path / "instance",
        TESTING=True,
        DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}",
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    with app.app_context():
        db.engine.dispose()


def test_pages_carry_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_login_page_has_no_inline_script_and_bootstrap_is_served_locally(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "<script>" not in html and "cdn." not in html
    css = re.search(r'href="(/static/vendor/bootstrap\.min\.[0-9a-f]+\.css)"', html)
    with client.get(css[1], headers={"Accept-Encoding": "identity"}) as response:
        assert response.status_code == 200
        assert b".btn" in response.data


def test_session_cookie_is_httponly_lax_and_secure_over_https(app, create_user):
    _, username = create_user()
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={"username": username, "password": "Jambi-Bahagia-2026!"},
        base_url="https://harkat.example",
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    plain = app.test_client().get("/auth/login")
    assert "Secure" not in plain.headers.get("Set-Cookie", "")


def test_pages_are_in_indonesian_with_indonesian_error_pages(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'lang="id"' in html and "Tidak ditemukan" in html
