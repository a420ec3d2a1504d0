"""Logs people can search: one JSON line per request through gunicorn, with the request id the
answer carries, and nothing in them that identifies a person or opens an account."""

from __future__ import annotations

import json
import logging
import time

import requests
import sqlalchemy as sa

from harkat import create_app
from harkat.api import tokens
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from tests.fixtures.registration import registration_form, valid_nik
from tests.fixtures.serving import csrf_token
from tests.fixtures.users import PASSWORD

PHONE = "0812 7777 3456"


def _lines(log: str) -> list[dict]:
    return [json.loads(line) for line in log.splitlines() if line.startswith("{")]


def test_a_full_journey_leaves_json_lines_without_personal_data(app, served, create_user):
    user_id, username = create_user(Role.FACILITATOR)
    with app.app_context():
        user = db.session.get(User, user_id)
        _, secret = tokens.create_token(db.session, user, "Sistem uji", user)
        db.session.commit()
    nik = valid_nik()
    browser = requests.Session()
    page = browser.get(f"{served}/auth/login", headers={"X-Request-ID": "nginx-0123456789ab"})
    assert page.headers["X-Request-ID"] == "nginx-0123456789ab"  # a sane id from the proxy
    browser.post(
        f"{served}/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
        headers={"X-Request-ID": "<script>alert(1)</script>"},
    )
    form = browser.get(f"{served}/pelaku-usaha/baru")
    created = browser.post(
        f"{served}/pelaku-usaha/baru",
        data={**registration_form(nik, phone=PHONE), "csrf_token": csrf_token(form.text)},
    )
    assert created.ok
    with app.app_context():
        person = db.session.scalar(sa.select(Entrepreneur.id).where(Entrepreneur.nik == nik))
    listing = browser.get(f"{served}/pelaku-usaha")
    browser.post(
        f"{served}/pelaku-usaha/cari", data={"q": nik, "csrf_token": csrf_token(listing.text)}
    )
    browser.get(f"{served}/pelaku-usaha/{person}")
    browser.get(f"{served}/pelaku-usaha/999999")
    api = {"Authorization": f"Bearer {secret}"}
    requests.get(f"{served}/api/v1/entrepreneurs", headers=api, timeout=30)
    found = requests.post(
        f"{served}/api/v1/entrepreneurs/search", json={"q": nik}, headers=api, timeout=30
    )
    assert found.json()["meta"]["total"] == 1

    for _ in range(50):  # gunicorn writes the access line just after the answer
        log = served.log_text()
        if "/api/v1/entrepreneurs/search" in log:
            break
        time.sleep(0.1)
    cookie = browser.cookies.get("harkat_session")
    for secret_text in (nik, nik[-10:], PHONE.replace(" ", ""), "81277773456", secret, cookie):
        assert secret_text not in log, "personal data or a credential in the log"
    lines = _lines(log)
    requests_logged = [line for line in lines if line.get("message") == "request"]
    assert len(requests_logged) >= 10
    for line in requests_logged:
        assert {"time", "level", "request_id", "method", "route", "status", "duration_ms"} <= set(
            line
        )
        assert line["client"] == "127.0.0.1"
        assert "?" not in line["route"]
    by_route = {(line["method"], line["route"]): line for line in requests_logged}
    detail = by_route[("GET", "/pelaku-usaha/<int:entrepreneur_id>")]
    assert detail["user_id"] == user_id and detail["role"] == "facilitator"
    api_line = by_route[("POST", "/api/v1/entrepreneurs/search")]
    assert api_line["token_id"] is not None and api_line["status"] == 200
    ids = [line["request_id"] for line in requests_logged]
    assert "nginx-0123456789ab" in ids and "<script>alert(1)</script>" not in log
    assert len(set(ids)) == len(ids)


def test_an_error_shows_only_its_id_and_the_log_has_the_traceback(app_config, capsys):
    app = create_app({**app_config, "TESTING": False})

    @app.get("/uji-galat")
    def broken():
        raise RuntimeError("rusak untuk uji 1571010211950017")

    from harkat.auth.access import public

    public(broken)
    try:
        answer = app.test_client().get("/uji-galat")
        page = answer.get_data(as_text=True)
        request_id = answer.headers["X-Request-ID"]
        assert answer.status_code == 500 and request_id in page
        assert "RuntimeError" not in page and "Traceback" not in page
        logged = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
        error = next(line for line in logged if line["level"] == "ERROR")
        assert error["request_id"] == request_id
        assert "RuntimeError: rusak untuk uji" in error["exc_info"]
        assert "1571010211950017" not in json.dumps(logged)
    finally:
        logging.getLogger("harkat").handlers.clear()
        with app.app_context():
            db.engine.dispose()
