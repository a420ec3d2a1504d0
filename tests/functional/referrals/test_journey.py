"""A referral from draft to loan through the pages, as the facilitator and the bank see it."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.cases.domain import JourneyStage
from harkat.cases.models import CaseEvent
from harkat.extensions import db
from harkat.reference.models import Scheme
from harkat.referrals.models import Loan, Referral, ReferralTransition
from harkat.referrals.transitions import ReferralStatus
from harkat.registration.models import Entrepreneur
from tests.fixtures.referrals import PNG, REQUIRED, bank_id


def _ids(app):
    with app.app_context():
        scheme = db.session.scalar(sa.select(Scheme.id).where(Scheme.code == "HARKAT-PRG"))
        return scheme, bank_id()


def _referral(app, referral_id) -> Referral:
    return db.session.get(Referral, referral_id)


def test_draft_checklist_documents_submit_and_bank_decision(
    app, client, create_user, auth, ready_entrepreneur
):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    _, officer = create_user(Role.BANK_OFFICER)
    person = ready_entrepreneur(facilitator_id)
    scheme, bank = _ids(app)
    auth.login(facilitator)

    # The draft: the checklist lists what is missing and how to fix it.
    response = client.post(
        f"/rujukan/baru?pelaku={person}",
        data={
            "scheme_id": scheme,
            "bank_id": bank,
            "purpose": "modal_kerja",
            "purpose_note": "Bahan baku keripik",
            "tenor_months": "12",
            "members-0-entrepreneur_id": person,
            "members-0-amount": "Rp 5.000.000",
            "members-0-purpose": "Tepung dan minyak",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    referral_url = response.headers["Location"]
    referral_id = int(referral_url.rsplit("/", 1)[1])
    page = client.get(referral_url).get_data(as_text=True)
    assert "Daftar periksa syarat" in page
    assert "unggah KTP, Kartu Keluarga, NIB atau Surat Keterangan Usaha, Foto usaha" in page
    assert re.search(r'<button class="btn btn-primary" type="submit" disabled>\s*Ajukan', page)

    # Submitting anyway is refused on the server too.
    with app.app_context():
        version = _referral(app, referral_id).version
    refused = client.post(
        f"/rujukan/{referral_id}/aksi",
        data={"action": "submit", "version": version},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Belum dapat diajukan; syarat belum terpenuhi: Dokumen wajib lengkap" in refused

    for kind in REQUIRED:
        response = client.post(
            f"/rujukan/{referral_id}/dokumen",
            data={
                "kind": kind.value,
                "entrepreneur_id": person,
                "file": (io.BytesIO(PNG), f"{kind.value}.png"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    page = client.get(referral_url).get_data(as_text=True)
    # Every gate passed: the checklist folds them into one line and says what comes next.
    assert "7 dari 7 syarat" in page and ">Belum<" not in page
    assert "Semua syarat terpenuhi: ajukan rujukan ke bank." in page

    response = client.post(
        f"/rujukan/{referral_id}/aksi",
        data={"action": "submit", "version": version},
        follow_redirects=True,
    )
    assert "kini berstatus Diajukan" in response.get_data(as_text=True)
    with app.app_context():
        referral = _referral(app, referral_id)
        assert referral.status == ReferralStatus.SUBMITTED
        assert [g["gate"] for g in referral.gate_snapshot] == [
            "applicant",
            "training",
            "screening",
            "documents",
            "amounts",
            "dsr",
            "no_open",
        ]
        assert all(g["passed"] for g in referral.gate_snapshot)
        assert db.session.get(Entrepreneur, person).stage == JourneyStage.REFERRED
        version = referral.version

    # The bank officer sees it in the navigation count and the queue.
    auth.logout()
    auth.login(officer)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r"Rujukan <span[^>]*>1<", home)
    queue = client.get("/rujukan").get_data(as_text=True)
    assert "RJK-" in queue and "Siti Aminah" in queue and "Rp5.000.000" in queue
    detail = client.get(referral_url).get_data(as_text=True)
    assert "Mulai telaah" in detail and "Minta kelengkapan" in detail and "Tolak" in detail
    assert "Setujui" not in detail and "Ajukan ke bank" not in detail

    client.post(
        f"/rujukan/{referral_id}/aksi",
        data={"action": "request_info", "version": version, "note": "Mohon foto etalase."},
    )
    auth.logout()
    auth.login(facilitator)
    home = client.get("/").get_data(as_text=True)
    assert "Tugas: bank meminta kelengkapan rujukan (1)" in home
    page = client.get(referral_url).get_data(as_text=True)
    assert "Mohon foto etalase." in page
    with app.app_context():
        version = _referral(app, referral_id).version
    client.post(
        f"/rujukan/{referral_id}/aksi",
        data={"action": "answer", "version": version, "note": "Foto etalase sudah diunggah."},
    )

    auth.logout()
    auth.login(officer)
    with app.app_context():
        version = _referral(app, referral_id).version
    response = client.post(
        f"/rujukan/{referral_id}/aksi",
        data={
            "action": "approve",
            "version": version,
            "approved_amount": "4.000.000",
            "approved_tenor_months": "10",
            "approved_rate_percent": "3",
        },
        follow_redirects=True,
    )
    assert "kini berstatus Disetujui" in response.get_data(as_text=True)
    with app.app_context():
        referral = _referral(app, referral_id)
        assert (referral.approved_amount, referral.approved_tenor_months) == (4_000_000, 10)
        member_id = referral.members[0].id
        version = referral.version

    form = client.get(f"/rujukan/{referral_id}/pencairan").get_data(as_text=True)
    assert "Nomor rekening pinjaman" in form
    today = client.application.jinja_env.globals["today"]()
    response = client.post(
        f"/rujukan/{referral_id}/pencairan",
        data={
            "version": version,
            "lines-0-member_id": member_id,
            "lines-0-disbursed_on": today.isoformat(),
            "lines-0-amount": "4.000.000",
            "lines-0-account_number": "001-KUR-2026-77",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        loan = db.session.scalar(sa.select(Loan).where(Loan.referral_id == referral_id))
        assert (loan.amount, loan.tenor_months, loan.outstanding) == (4_000_000, 10, 4_000_000)
        assert loan.account_number == "001-KUR-2026-77"
        assert _referral(app, referral_id).status == ReferralStatus.DISBURSED
        steps = db.session.scalars(
            sa.select(ReferralTransition.action)
            .where(ReferralTransition.referral_id == referral_id)
            .order_by(ReferralTransition.id)
        ).all()
        assert steps == ["submit", "request_info", "answer", "approve", "disburse"]
        events = db.session.scalars(
            sa.select(CaseEvent.summary).where(
                CaseEvent.entrepreneur_id == person, CaseEvent.kind == "referral"
            )
        ).all()
        assert len(events) == 6  # draft + five steps
        assert any("menyetujui rujukan" in e and "Rp4.000.000, 10 bulan" in e for e in events)
        assert db.session.get(Entrepreneur, person).stage == JourneyStage.DISBURSED
    assert "001-KUR-2026-77" in client.get("/pinjaman").get_data(as_text=True)


def test_group_referral_carries_member_lines(app, client, create_user, auth, ready_entrepreneur):
    from harkat.auth.models import User
    from harkat.registration import services as registration

    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    ani = ready_entrepreneur(facilitator_id, full_name="Ani Lestari")
    budi = ready_entrepreneur(facilitator_id, full_name="Budi Santoso")
    with app.app_context():
        actor = db.session.get(User, facilitator_id)
        group = registration.save_group(
            db.session,
            registration.GroupData(name="KUB Tempe Sejahtera", kelurahan_code="15.71.01.1001"),
            actor,
        )
        db.session.flush()
        registration.add_members(db.session, group, [ani, budi], actor)
        registration.set_chair(db.session, group, ani, actor)
        db.session.commit()
        group_id = group.id
        scheme = db.session.scalar(sa.select(Scheme.id).where(Scheme.code == "HARKAT-KLP"))
    auth.login(facilitator)
    form = client.get(f"/rujukan/baru?kelompok={group_id}").get_data(as_text=True)
    assert "Ani Lestari" in form and "Budi Santoso" in form and "ketua" in form
    response = client.post(
        f"/rujukan/baru?kelompok={group_id}",
        data={
            "scheme_id": scheme,
            "bank_id": _ids(app)[1],
            "purpose": "investasi",
            "tenor_months": "24",
            "members-0-entrepreneur_id": ani,
            "members-0-amount": "5jt",
            "members-0-purpose": "Mesin pengiris",
            "members-1-entrepreneur_id": budi,
            "members-1-amount": "3.000.000",
            "members-1-purpose": "Etalase",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        referral = db.session.scalar(sa.select(Referral).where(Referral.group_id == group_id))
        assert [(m.entrepreneur_id, m.amount, m.purpose) for m in referral.members] == [
            (ani, 5_000_000, "Mesin pengiris"),
            (budi, 3_000_000, "Etalase"),
        ]
        assert referral.requested_amount == 8_000_000
        assert referral.entrepreneur_id == ani


def test_a_member_line_over_the_scheme_or_a_stranger_is_named(
    app, client, create_user, auth, ready_entrepreneur, create_entrepreneur
):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    person = ready_entrepreneur(facilitator_id)
    stranger = create_entrepreneur(facilitator_id, full_name="Orang Lain")
    scheme, bank = _ids(app)
    auth.login(facilitator)
    page = client.post(
        f"/rujukan/baru?pelaku={person}",
        data={
            "scheme_id": scheme,
            "bank_id": bank,
            "purpose": "modal_kerja",
            "tenor_months": "12",
            "members-0-entrepreneur_id": stranger,
            "members-0-amount": "5.000.000",
        },
    ).get_data(as_text=True)
    assert "Orang ini bukan anggota aktif kelompok." in page
    page = client.post(
        f"/rujukan/baru?pelaku={person}",
        data={
            "scheme_id": scheme,
            "bank_id": bank,
            "purpose": "modal_kerja",
            "tenor_months": "abc",
            "members-0-entrepreneur_id": person,
            "members-0-amount": "banyak",
        },
    ).get_data(as_text=True)
    assert "Tenor (bulan)" in page and "invalid-feedback" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0
