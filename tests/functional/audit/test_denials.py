"""Refused requests are audited with who, route and reason, aggregated per window (V16.3.2)."""

from __future__ import annotations

import sqlalchemy as sa

from harkat.audit import denials
from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import Referral
from harkat.referrals.transitions import ReferralStatus
from tests.fixtures.users import PASSWORD


def _rows(app, action: str = "access_denied") -> list[AuditLog]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
            )
        )


def test_opening_another_kecamatans_entrepreneur_is_a_404_recorded_once_per_window(
    app, client, auth, create_user, create_entrepreneur
):
    owner_id, _ = create_user(Role.FACILITATOR)
    person = create_entrepreneur(owner_id)
    other_id, other = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    auth.login(other)
    assert client.get("/pelaku-usaha").status_code == 200
    assert _rows(app) == []  # a normal page writes nothing
    assert client.get(f"/pelaku-usaha/{person}").status_code == 404
    (row,) = _rows(app)
    assert (row.actor_id, row.actor_name) == (other_id, other)
    assert row.changes["route"] == "/pelaku-usaha/<int:entrepreneur_id>"
    assert row.changes["path"] == f"/pelaku-usaha/{person}"
    assert row.changes["reason"] == "not_found" and row.changes["count"] == 1
    assert row.address == "127.0.0.1"
    # Trying again in the same window is counted, not written; the total comes at the end.
    for _ in range(4):
        assert client.get(f"/pelaku-usaha/{person}").status_code == 404
    assert len(_rows(app)) == 1
    with app.app_context():
        assert denials.flush() == 1
    _, total = _rows(app)
    assert total.actor_id == other_id and total.changes["count"] == 5
    assert total.changes["route"] == "/pelaku-usaha/<int:entrepreneur_id>"


def test_two_hundred_anonymous_refusals_write_a_handful_of_rows(app, client):
    for _ in range(200):
        assert client.get("/api/v1/referrals").status_code == 401
    rows = _rows(app)
    assert len(rows) == 1
    assert rows[0].actor_id is None and rows[0].actor_name == "anonim"
    assert rows[0].changes["reason"] == "unauthenticated"
    with app.app_context():
        denials.flush()
    assert [r.changes["count"] for r in _rows(app)] == [1, 200]


def test_a_refused_referral_step_is_recorded(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    rid = make_referral(
        facilitator_id,
        ready_entrepreneur(facilitator_id),
        status=ReferralStatus.IN_REVIEW,
        officer_id=officer_id,
    )
    auth.login(facilitator)
    with app.app_context():
        version = db.session.get(Referral, rid).version
    client.post(
        f"/rujukan/{rid}/aksi",
        data={
            "action": "approve",
            "version": version,
            "approved_amount": "5000000",
            "approved_tenor_months": "12",
            "approved_rate_percent": "3",
        },
    )
    (row,) = _rows(app)
    assert row.actor_id == facilitator_id
    assert row.changes["reason"] == "transition_refused"
    assert row.changes["route"] == "/rujukan/<int:referral_id>/aksi"
    assert row.changes["referral_id"] == rid and row.changes["action"] == "approve"
    assert row.changes["from_status"] == "in_review"


def test_blocked_logins_are_aggregated_per_address(app, client, create_user):
    _, username = create_user()
    for _ in range(5):
        client.post("/auth/login", data={"username": username, "password": "salah-sekali"})
    for _ in range(40):
        page = client.post("/auth/login", data={"username": username, "password": PASSWORD})
        assert "Terlalu banyak percobaan" in page.get_data(as_text=True)
    (row,) = _rows(app, "login_blocked")
    assert row.actor_name == username and row.changes["username"] == username
    assert row.changes["route"] == "/auth/login" and row.address == "127.0.0.1"
    with app.app_context():
        denials.flush()
    assert [r.changes["count"] for r in _rows(app, "login_blocked")] == [1, 40]
