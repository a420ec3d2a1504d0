"""The outside probe's four medium findings tried again as the probe did: over HTTP, against
gunicorn with the shipped ``deploy/gunicorn.conf.py``, on the test database (SQLite and
PostgreSQL). Also what only the real server shows: its banner and its access log."""

from __future__ import annotations

import io
import json
import time

import pytest
import requests
import sqlalchemy as sa
from pypdf import PdfReader

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import Referral
from harkat.referrals.transitions import ReferralStatus
from harkat.registration.models import Entrepreneur
from tests.conftest import BACKEND
from tests.fixtures.serving import csrf_token
from tests.fixtures.users import PASSWORD
from tests.functional.security.test_spreadsheet_bombs import _workbook

#: The bomb must be refused quickly; the probe's took 85 s and 2.3 GB. The target is 2 s; the
#: bound here is loose so a busy CI machine does not fail it, yet the old behaviour would.
BOMB_BOUND_SECONDS = 10


def _signed_in(served, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{served}/auth/login")
    answer = session.post(
        f"{served}/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def test_a_spreadsheet_bomb_is_refused_quickly_and_nothing_is_stored(app, served, create_user):
    _, username = create_user(Role.FACILITATOR)
    session = _signed_in(served, username)
    form = session.get(f"{served}/pelaku-usaha/impor")
    started = time.perf_counter()
    answer = session.post(
        f"{served}/pelaku-usaha/impor",
        data={"csrf_token": csrf_token(form.text)},
        files={"file": ("bom.xlsx", _workbook(3, last_row=500_000))},
    )
    took = time.perf_counter() - started
    print(f"bomb refused in {took:.2f} s")
    assert answer.status_code == 200 and "lebih dari 20.000 baris" in answer.text
    assert took < BOMB_BOUND_SECONDS
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur)) == 0


def test_markup_typed_into_a_record_prints_literally_in_its_pdf(app, served, create_user):
    _, username = create_user(Role.FACILITATOR)
    session = _signed_in(served, username)
    form = session.get(f"{served}/pelaku-usaha/baru")
    from tests.fixtures.registration import registration_form, valid_nik

    link = '<a href="https://evil.example">klik</a><b>'
    answer = session.post(
        f"{served}/pelaku-usaha/baru",
        data={
            **registration_form(valid_nik(), address=f"Jl. {link}", birth_place="Jambi <b>"),
            "csrf_token": csrf_token(form.text),
        },
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:800]
    person = answer.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    pdf = session.get(f"{served}/pelaku-usaha/{person}/persetujuan.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert "evil.example" not in str(action.get("/URI", ""))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert 'Jl. <a href="https://evil.example">klik</a><b>' in text


def test_an_approval_outside_the_scheme_is_refused_naming_the_limit(
    app, served, create_user, api_token, ready_entrepreneur, make_referral
):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, headers = api_token(Role.BANK_OFFICER)
    person = ready_entrepreneur(facilitator_id)
    referral_id = make_referral(
        facilitator_id, person, status=ReferralStatus.IN_REVIEW, officer_id=officer_id
    )
    with app.app_context():
        version = db.session.get(Referral, referral_id).version
    answer = requests.post(
        f"{served}/api/v1/referrals/{referral_id}/transitions",
        json={
            "action": "approve",
            "version": version,
            "approved_amount": "900000000",
            "approved_tenor_months": 120,
            "approved_rate_percent": "0",
        },
        headers=headers,
        timeout=30,
    )
    assert answer.status_code == 422, answer.text
    said = " ".join(answer.json()["error"]["fields"]["approved_amount"])
    assert "Rp900.000.000 di luar batas skema" in said and "Rp10.000.000)" in said, said
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        assert referral.status == ReferralStatus.IN_REVIEW and referral.approved_amount is None


@pytest.mark.skipif(BACKEND != "postgresql", reason="database roles exist only on PostgreSQL")
def test_the_audit_log_survives_a_served_app_whose_role_owns_nothing(
    app, runner, database_url, app_role, create_user, tmp_path
):
    """The app served by gunicorn as the restricted role writes audit rows; that role cannot
    truncate or delete them (the in-process test checks every statement; this one the whole
    deployment path)."""
    from tests.db.test_app_role import _as_role
    from tests.fixtures.serving import serve

    assert runner.invoke(args=["db", "grant-app-role", app_role]).exit_code == 0
    _, username = create_user(Role.FACILITATOR)
    with serve(app, tmp_path, database_url=_as_role(database_url, app_role)) as served:
        _signed_in(served, username)
    with app.app_context():
        logins = db.session.scalar(
            sa.select(sa.func.count()).where(
                AuditLog.action == "login", AuditLog.actor_name == username
            )
        )
    assert logins == 1
    engine = sa.create_engine(_as_role(database_url, app_role))
    try:
        for statement in ("TRUNCATE audit_log", "DELETE FROM audit_log"):
            with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError):
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def test_the_server_shows_no_banner_and_logs_no_nik(app, served, create_user):
    _, username = create_user(Role.FACILITATOR)
    session = _signed_in(served, username)
    answer = session.get(f"{served}/pelaku-usaha", params={"q": "1571010211950017"})
    assert answer.headers["Server"] == "HARKAT"
    session.get(f"{served}/pelaku-usaha?nik=1571+0102+1195+0018")
    time.sleep(0.5)  # gunicorn writes the access line after the answer
    log = served.log_text()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    searches = [line for line in lines if line.get("route") == "/pelaku-usaha"]
    assert len(searches) == 2 and {line["status"] for line in searches} == {200}
    assert searches[0]["request_id"] == answer.headers["X-Request-ID"]
    assert "1571010211950017" not in log and "0102+1195+0018" not in log
