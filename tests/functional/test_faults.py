"""Faults: an unreachable database gives a friendly 503 and a failing health check, and service
comes back by itself; a crash in the middle of a referral step leaves nothing half-written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from harkat import create_app
from harkat.auth.models import Role, User
from harkat.extensions import db
from harkat.referrals import services
from harkat.referrals.models import Loan, Referral, ReferralTransition
from harkat.referrals.transitions import Action, ReferralStatus
from tests.conftest import BACKEND
from tests.functional.test_backup import MIGRATIONS


@pytest.mark.skipif(BACKEND != "sqlite", reason="makes the database file disappear")
def test_unreachable_database_answers_503_and_recovers_without_restart(tmp_path, database_url):
    missing = tmp_path / "belum-ada"
    app = create_app(
        {
            "TESTING": False,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{missing / 'harkat.sqlite3'}",
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["status"] == "error"
    page = client.post("/auth/login", data={"username": "admin", "password": "x" * 12})
    assert page.status_code == 503
    assert "Basis data HARKAT sedang tidak dapat dihubungi" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "30"
    api = client.get("/api/v1/reference/banks", headers={"Authorization": "Bearer hkt_x"})
    assert api.status_code == 503 and api.json["error"]["code"] == "unavailable"

    # The database comes back (here: created); the same process serves again.
    missing.mkdir()
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    assert client.get("/healthz").json == {"database": "ok", "status": "ok"}
    assert (
        client.post("/auth/login", data={"username": "admin", "password": "x" * 12}).status_code
        == 200
    )


def test_a_crash_during_disbursement_leaves_no_partial_rows(
    app, create_user, ready_entrepreneur, make_referral, monkeypatch
):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    rid = make_referral(
        facilitator_id,
        ready_entrepreneur(facilitator_id),
        status=ReferralStatus.APPROVED,
        officer_id=officer_id,
    )

    def power_cut(*args, **kwargs):
        raise RuntimeError("listrik padam")

    # The loan is written, then the step crashes before the transition is logged.
    monkeypatch.setattr(services, "add_event", power_cut)
    with app.app_context():
        referral = db.session.get(Referral, rid)
        with pytest.raises(RuntimeError):
            services.transition(
                db.session,
                referral,
                services.TransitionInput(
                    Action.DISBURSE,
                    referral.version,
                    disbursements=[
                        services.Disbursement(
                            referral.members[0].id, services._today(), 5_000_000, "X-1"
                        )
                    ],
                ),
                db.session.get(User, officer_id),
            )
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 0
        assert db.session.get(Referral, rid).status == ReferralStatus.APPROVED
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ReferralTransition)
                .where(ReferralTransition.action == "disburse")
            )
            == 0
        )
