"""Faults: an unreachable database gives a friendly 503 and a failing health check, and service
comes back by itself; a crash in the middle of an import or a referral step — in the service or
in the middle of a request — leaves nothing half-written."""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from harkat import create_app
from harkat.auth.domain import Role
from harkat.auth.models import User
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


FRIENDLY = "Sistem mengalami gangguan."


class PowerCut(RuntimeError):
    """Stands for the process dying: raised from inside the work, after some rows are written."""


def _cut_after(calls: int, original):
    """Wrap ``original`` so that its ``calls``-th call raises :class:`PowerCut`."""
    seen = {"n": 0}

    def wrapped(*args, **kwargs):
        seen["n"] += 1
        if seen["n"] >= calls:
            raise PowerCut("listrik padam")
        return original(*args, **kwargs)

    return wrapped


def _count(model) -> int:
    with db.engine.connect() as connection:  # a connection of its own: only what was committed
        return connection.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_crash_halfway_through_an_import_page_stores_nobody(app, client, login_as, monkeypatch):
    """1,500 rows: the first 1,000 are flushed as one batch, then the request dies."""
    from harkat.cases.models import CaseEvent
    from harkat.registration import importer
    from harkat.registration.models import Entrepreneur
    from tests.fixtures.registration import valid_nik

    monkeypatch.setattr(app, "testing", False)  # the visitor sees the error page, as in production
    login_as(Role.FACILITATOR)
    header = "NIK;Nama Lengkap;Tempat Lahir;Tanggal Lahir;No HP;Alamat;Kelurahan\n"
    rows = "".join(
        f"'{valid_nik()};Warga {n};Jambi;17/08/1985;;Lr. Mawar {n};Simpang Empat Sipin\n"
        for n in range(1500)
    )
    preview = client.post(
        "/pelaku-usaha/impor",
        data={"file": (io.BytesIO((header + rows).encode()), "warga.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "1.500 siap" in re.sub(r"<[^>]+>", " ", html.unescape(preview))
    token = re.search(r'action="/pelaku-usaha/impor/([\w-]+)"', preview).group(1)

    original = importer.add_event
    monkeypatch.setattr(importer, "add_event", _cut_after(1200, original))
    response = client.post(f"/pelaku-usaha/impor/{token}", data={})
    assert response.status_code == 500 and FRIENDLY in response.get_data(as_text=True)
    with app.app_context():
        assert _count(Entrepreneur) == 0 and _count(CaseEvent) == 0

    # Once the power is back the same confirmation stores all 1,500.
    monkeypatch.setattr(importer, "add_event", original)
    preview = client.post(
        "/pelaku-usaha/impor",
        data={"file": (io.BytesIO((header + rows).encode()), "warga.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = re.search(r'action="/pelaku-usaha/impor/([\w-]+)"', preview).group(1)
    client.post(f"/pelaku-usaha/impor/{token}", data={})
    with app.app_context():
        assert _count(Entrepreneur) == 1500


def test_a_crash_during_a_disbursement_request_leaves_no_loan(
    app, client, auth, create_user, ready_entrepreneur, make_referral, monkeypatch
):
    monkeypatch.setattr(app, "testing", False)
    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, officer = create_user(Role.BANK_OFFICER)
    rid = make_referral(
        facilitator_id,
        ready_entrepreneur(facilitator_id),
        status=ReferralStatus.APPROVED,
        officer_id=officer_id,
    )
    with app.app_context():
        referral = db.session.get(Referral, rid)
        member_id, version = referral.members[0].id, referral.version
    auth.login(officer)
    monkeypatch.setattr(services, "set_stage", _cut_after(1, services.set_stage))
    response = client.post(
        f"/rujukan/{rid}/pencairan",
        data={
            "version": version,
            "lines-0-member_id": member_id,
            "lines-0-amount": "5.000.000",
            "lines-0-disbursed_on": services._today().isoformat(),
            "lines-0-account_number": "LN-PADAM-1",
        },
    )
    assert response.status_code == 500 and FRIENDLY in response.get_data(as_text=True)
    with app.app_context():
        assert _count(Loan) == 0 and _count(ReferralTransition) == 3  # submit, review, approve
        assert db.session.get(Referral, rid).status == ReferralStatus.APPROVED


def test_a_crash_halfway_through_a_repayment_import_keeps_the_old_figures(
    app, client, auth, create_user, ready_entrepreneur, make_referral, monkeypatch
):
    from harkat.referrals.models import LoanReport

    monkeypatch.setattr(app, "testing", False)
    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, officer = create_user(Role.BANK_OFFICER)
    for name in ("Siti Aminah", "Budi Santoso", "Dewi Lestari"):
        make_referral(
            facilitator_id,
            ready_entrepreneur(facilitator_id, full_name=name),
            status=ReferralStatus.DISBURSED,
            officer_id=officer_id,
        )
    with app.app_context():
        accounts = db.session.scalars(sa.select(Loan.account_number).order_by(Loan.id)).all()
        before = [
            (loan.collectability, loan.outstanding)
            for loan in db.session.scalars(sa.select(Loan).order_by(Loan.id))
        ]
    period = services._today().strftime("%Y-%m")
    csv = "nomor_rekening,periode,kolektibilitas,sisa_pokok,hari_tunggakan\n" + "".join(
        f"{account},{period},3,4000000,70\n" for account in accounts
    )
    auth.login(officer)
    monkeypatch.setattr(services, "record_report", _cut_after(3, services.record_report))
    response = client.post(
        "/pinjaman/impor",
        data={"file": (io.BytesIO(csv.encode()), "nov.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 500 and FRIENDLY in response.get_data(as_text=True)
    with app.app_context():
        assert _count(LoanReport) == 0
        after = [
            (loan.collectability, loan.outstanding)
            for loan in db.session.scalars(sa.select(Loan).order_by(Loan.id))
        ]
        assert after == before
