"""The bank officer's desk: queue filters, SLA ages, and the admin's list of rejection reasons."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.enums import ApplicantType
from harkat.database import utcnow
from harkat.extensions import db
from harkat.reference.models import Bank, Scheme
from harkat.referrals import services
from harkat.referrals.models import Loan, LoanPurpose, Referral, RejectionReason
from harkat.referrals.transitions import Action, ReferralStatus
from harkat.registration import services as registration
from harkat.settings.services import set_number


def _age(app, referral_id: int, days: int) -> None:
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        referral.submitted_at = utcnow() - timedelta(days=days)
        referral.last_action_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_queue_filters_and_sla_highlight(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    facilitator_id, _ = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.01", "15.71.02"))
    _, officer = create_user(Role.BANK_OFFICER)
    old = make_referral(
        facilitator_id,
        ready_entrepreneur(facilitator_id, full_name="Lama Menunggu"),
        status=ReferralStatus.SUBMITTED,
    )
    fresh = make_referral(
        facilitator_id,
        ready_entrepreneur(facilitator_id, full_name="Baru Masuk", kelurahan_code="15.71.02.1002"),
        status=ReferralStatus.SUBMITTED,
    )
    _age(app, old, 20)
    _age(app, fresh, 2)
    auth.login(officer)
    page = client.get("/rujukan").get_data(as_text=True)
    rows = re.findall(r"<tr( class=\"table-danger\")?>\s*<td><a href=\"/rujukan/(\d+)\"", page)
    assert [(bool(flag), int(rid)) for flag, rid in rows] == [(True, old), (False, fresh)]
    assert "lewat 14 hari" in page and "20 hari" in page
    only_old = client.get("/rujukan?umur=14").get_data(as_text=True)
    assert "Lama Menunggu" in only_old and "Baru Masuk" not in only_old
    by_place = client.get("/rujukan?kecamatan=15.71.02").get_data(as_text=True)
    assert "Baru Masuk" in by_place and "Lama Menunggu" not in by_place
    none = client.get("/rujukan?status=approved").get_data(as_text=True)
    assert "Tidak ada rujukan yang cocok" in none
    home = client.get("/").get_data(as_text=True)
    assert "1 rujukan menunggu lebih dari 14 hari" in home
    # The threshold is an admin setting.
    with app.app_context():
        set_number(db.session, "referral.sla_days", "30", None)
        db.session.commit()
    page = client.get("/rujukan").get_data(as_text=True)
    assert "table-danger" not in page and "lebih dari 30 hari" in page
    detail = client.get(f"/rujukan/{old}").get_data(as_text=True)
    assert "20 hari lalu" in detail


def test_group_disbursement_creates_one_loan_per_member(app, create_user, ready_entrepreneur):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    ani = ready_entrepreneur(facilitator_id, full_name="Ani Lestari")
    budi = ready_entrepreneur(facilitator_id, full_name="Budi Santoso")
    with app.app_context():
        actor = db.session.get(User, facilitator_id)
        officer = db.session.get(User, officer_id)
        group = registration.save_group(
            db.session,
            registration.GroupData(name="KUB Mawar", kelurahan_code="15.71.01.1001"),
            actor,
        )
        registration.add_members(db.session, group, [ani, budi], actor)
        registration.set_chair(db.session, group, ani, actor)
        referral = services.create_referral(
            db.session,
            services.ReferralData(
                applicant_type=ApplicantType.GROUP,
                scheme_id=db.session.scalar(
                    sa.select(Scheme.id).where(Scheme.code == "HARKAT-KLP")
                ),
                bank_id=db.session.scalar(sa.select(Bank.id).where(Bank.code == "BANK9JAMBI")),
                purpose=LoanPurpose.WORKING_CAPITAL,
                tenor_months=12,
                members=[
                    services.MemberLine(ani, 5_000_000, "Bahan"),
                    services.MemberLine(budi, 4_000_000, "Alat"),
                ],
                group_id=group.id,
            ),
            actor,
        )
        from tests.fixtures.referrals import PNG, REQUIRED

        for person in (ani, budi):
            for kind in REQUIRED:
                services.upload_document(
                    db.session,
                    referral,
                    kind=kind,
                    entrepreneur_id=person,
                    filename="a.png",
                    data=PNG,
                    actor=actor,
                    upload_dir=app.config["UPLOAD_DIR"],
                    max_bytes=app.config["MAX_UPLOAD_BYTES"],
                )
        for action, who, extra in (
            (Action.SUBMIT, actor, {}),
            (Action.REVIEW, officer, {}),
            (
                Action.APPROVE,
                officer,
                {"terms": services.Terms(9_000_000, 12, referral.annual_rate_percent)},
            ),
        ):
            services.transition(
                db.session,
                referral,
                services.TransitionInput(action, referral.version, **extra),
                who,
            )
        day = services._today()
        services.transition(
            db.session,
            referral,
            services.TransitionInput(
                Action.DISBURSE,
                referral.version,
                disbursements=[
                    services.Disbursement(referral.members[0].id, day, 5_000_000, "KLP-1"),
                    services.Disbursement(referral.members[1].id, day, 4_000_000, "KLP-2"),
                ],
            ),
            officer,
        )
        db.session.commit()
        loans = db.session.scalars(sa.select(Loan).order_by(Loan.id)).all()
        assert [(loan.entrepreneur_id, loan.amount, loan.account_number) for loan in loans] == [
            (ani, 5_000_000, "KLP-1"),
            (budi, 4_000_000, "KLP-2"),
        ]


def test_admin_maintains_rejection_reasons(app, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/alasan-penolakan").get_data(as_text=True)
    for label in (
        "SLIK bermasalah",
        "Kapasitas bayar tidak cukup",
        "Dokumen tidak valid",
        "Usaha tidak layak",
        "Lainnya",
    ):
        assert label in page
    page = client.post(
        "/admin/alasan-penolakan", data={"code": "Agunan!", "label": "Agunan kurang"}
    ).get_data(as_text=True)
    assert "Kode: huruf kecil, angka atau garis bawah." in page
    client.post("/admin/alasan-penolakan", data={"code": "usia", "label": "Usia di luar ketentuan"})
    client.post("/admin/alasan-penolakan/slik/aktif")
    with app.app_context():
        assert db.session.get(RejectionReason, "usia").is_active
        assert not db.session.get(RejectionReason, "slik").is_active
        active = [r.code for r in services.rejection_reasons(db.session)]
        assert "usia" in active and "slik" not in active
