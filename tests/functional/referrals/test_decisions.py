"""Bank decisions: an approve/reject race, rejection reasons, exemptions and disbursement."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.referrals import services
from harkat.referrals.models import Loan, Referral
from harkat.referrals.transitions import Action, ReferralStatus
from harkat.registration.models import Entrepreneur


@pytest.fixture
def case(create_user, ready_entrepreneur, make_referral):
    def make(status: ReferralStatus, **kwargs):
        facilitator_id, facilitator = create_user(Role.FACILITATOR)
        officer_id, officer = create_user(Role.BANK_OFFICER)
        person = ready_entrepreneur(facilitator_id, **kwargs.pop("person", {}))
        rid = make_referral(facilitator_id, person, status=status, officer_id=officer_id, **kwargs)
        return {
            "facilitator": facilitator,
            "facilitator_id": facilitator_id,
            "officer": officer,
            "officer_id": officer_id,
            "person": person,
            "referral": rid,
        }

    return make


def test_concurrent_approve_and_reject_exactly_one_wins(app, create_user, case):
    c = case(ReferralStatus.IN_REVIEW)
    second_id, _ = create_user(Role.BANK_OFFICER)
    with app.app_context():
        # Both officers open the referral (each read ends its transaction, as a page does) ...
        one = Session(db.engine, expire_on_commit=False)
        two = Session(db.engine, expire_on_commit=False)
        try:
            first = one.get(Referral, c["referral"])
            one.commit()
            second = two.get(Referral, c["referral"])
            two.commit()
            assert first.version == second.version
            # ... then both act on what they saw: the first approves, the second rejects.
            services.transition(
                one,
                first,
                services.TransitionInput(
                    Action.APPROVE, first.version, terms=services.Terms(5_000_000, 12, Decimal(3))
                ),
                one.get(User, c["officer_id"]),
            )
            one.commit()
            with pytest.raises(StaleDataError):
                services.transition(
                    two,
                    second,
                    services.TransitionInput(Action.REJECT, second.version, reason_code="slik"),
                    two.get(User, second_id),
                )
                two.commit()
            two.rollback()
        finally:
            one.close()
            two.close()
        referral = db.session.get(Referral, c["referral"])
        assert referral.status == ReferralStatus.APPROVED
        assert referral.rejection_code is None


def test_a_stale_page_gets_a_clear_message(app, client, auth, case):
    c = case(ReferralStatus.IN_REVIEW)
    auth.login(c["officer"])
    with app.app_context():
        version = db.session.get(Referral, c["referral"]).version
    client.post(
        f"/rujukan/{c['referral']}/aksi",
        data={"action": "request_info", "version": version, "note": "Mohon SKU asli."},
    )
    page = client.post(
        f"/rujukan/{c['referral']}/aksi",
        data={"action": "reject", "version": version, "reason_code": "dokumen"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "sudah diubah oleh" in page and "Perubahan Anda belum disimpan" in page
    with app.app_context():
        assert db.session.get(Referral, c["referral"]).status == ReferralStatus.NEEDS_INFO


def test_rejection_needs_a_reason_code_and_lainnya_a_note(app, client, auth, case):
    c = case(ReferralStatus.IN_REVIEW)
    auth.login(c["officer"])
    url = f"/rujukan/{c['referral']}/aksi"
    with app.app_context():
        version = db.session.get(Referral, c["referral"]).version
    page = client.post(
        url, data={"action": "reject", "version": version}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Pilih alasan penolakan dari daftar." in page
    page = client.post(
        url,
        data={"action": "reject", "version": version, "reason_code": "lainnya"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Alasan “lainnya” wajib dijelaskan dalam catatan." in page
    page = client.post(
        url,
        data={
            "action": "reject",
            "version": version,
            "reason_code": "kapasitas",
            "note": "Omzet turun tiga bulan terakhir",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Ditolak: <strong>Kapasitas bayar tidak cukup</strong> — Omzet turun" in page
    with app.app_context():
        referral = db.session.get(Referral, c["referral"])
        assert referral.status == ReferralStatus.REJECTED
        assert referral.rejection_code == "kapasitas"
        assert (
            db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "referral.reject"))
            is not None
        )


def test_facilitator_cannot_decide_and_bank_cannot_submit(app, client, auth, case):
    c = case(ReferralStatus.IN_REVIEW)
    auth.login(c["facilitator"])
    with app.app_context():
        version = db.session.get(Referral, c["referral"]).version
    page = client.post(
        f"/rujukan/{c['referral']}/aksi",
        data={
            "action": "approve",
            "version": version,
            "approved_amount": "5000000",
            "approved_tenor_months": "12",
            "approved_rate_percent": "3",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Peran Pendamping lapangan tidak berwenang melakukan “Setujui”." in page
    with app.app_context():
        assert db.session.get(Referral, c["referral"]).status == ReferralStatus.IN_REVIEW


def test_admin_exempts_training_with_a_reason(app, client, auth, create_user, case):
    c = case(ReferralStatus.DRAFT, person={"graduated": False})
    rid = c["referral"]
    auth.login(c["facilitator"])
    assert "belum lulus pelatihan BALIKAT" in client.get(f"/rujukan/{rid}").get_data(as_text=True)
    assert client.post(f"/rujukan/{rid}/pengecualian", data={"gate": "training"}).status_code == 403
    auth.logout()
    _, admin = create_user(Role.ADMIN)
    auth.login(admin)
    page = client.post(
        f"/rujukan/{rid}/pengecualian",
        data={"gate": "training", "reason": "pendek"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Alasan pengecualian wajib diisi (minimal 10 huruf)." in page
    page = client.post(
        f"/rujukan/{rid}/pengecualian",
        data={"gate": "training", "reason": "Lulus pelatihan wirausaha Disnaker 2025, setara."},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Pengecualian dicatat" in page and ">Dikecualikan<" in page
    page = client.post(
        f"/rujukan/{rid}/pengecualian",
        data={"gate": "screening", "reason": "Tidak boleh dikecualikan sama sekali"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Syarat: hanya pelatihan dan dokumen yang dapat dikecualikan." in page
    auth.logout()
    auth.login(c["facilitator"])
    with app.app_context():
        version = db.session.get(Referral, rid).version
    client.post(f"/rujukan/{rid}/aksi", data={"action": "submit", "version": version})
    with app.app_context():
        referral = db.session.get(Referral, rid)
        assert referral.status == ReferralStatus.SUBMITTED
        training = next(g for g in referral.gate_snapshot if g["gate"] == "training")
        assert not training["passed"] and "Disnaker" in training["exemption_reason"]
        assert (
            db.session.scalar(
                sa.select(AuditLog).where(AuditLog.entity_type == "referral_gate_exemptions")
            )
            is not None
        )


def test_kuning_needs_its_take_over(app, case):
    c = case(ReferralStatus.DRAFT, person={"loan_shark": True})
    with app.app_context():
        referral = db.session.get(Referral, c["referral"])
        results = {r.gate.value: r for r in services.check_gates(db.session, referral)}
        assert not results["screening"].passed
        assert "pilih utang yang diambil alih" in results["screening"].problems[0]
    c = case(ReferralStatus.SUBMITTED, person={"loan_shark": True}, take_over=True)
    with app.app_context():
        referral = db.session.get(Referral, c["referral"])
        assert referral.status == ReferralStatus.SUBMITTED
        assert [t.debt.lender_name for t in referral.take_overs] == [
            "Bank keliling Pasar Angso Duo"
        ]


def test_one_open_referral_per_person(app, create_user, ready_entrepreneur, make_referral):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    person = ready_entrepreneur(facilitator_id)
    first = make_referral(facilitator_id, person)
    second = make_referral(facilitator_id, person)
    with app.app_context():
        referral = db.session.get(Referral, second)
        number = db.session.get(Referral, first).number
        no_open = next(r for r in services.check_gates(db.session, referral) if r.gate == "no_open")
        assert not no_open.passed and number in no_open.problems[0]


def test_disbursement_checks_each_line(app, client, auth, case):
    c = case(ReferralStatus.APPROVED)
    auth.login(c["officer"])
    with app.app_context():
        referral = db.session.get(Referral, c["referral"])
        member_id, version = referral.members[0].id, referral.version
    page = client.post(
        f"/rujukan/{c['referral']}/pencairan",
        data={
            "version": version,
            "lines-0-member_id": member_id,
            "lines-0-amount": "9.000.000",
            "lines-0-disbursed_on": "2099-01-01",
            "lines-0-account_number": "",
        },
    ).get_data(as_text=True)
    assert "Nomor rekening pinjaman wajib diisi." in page
    assert "Tanggal cair tidak boleh di masa depan." in page
    assert "melebihi jumlah disetujui Rp5.000.000" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 0


def test_account_numbers_are_unique_per_bank(app, case):
    first = case(ReferralStatus.DISBURSED)
    second = case(ReferralStatus.APPROVED, person={"full_name": "Budi Santoso"})
    with app.app_context():
        taken = db.session.scalar(sa.select(Loan.account_number))
        referral = db.session.get(Referral, second["referral"])
        with pytest.raises(StopValidation) as caught:
            services.transition(
                db.session,
                referral,
                services.TransitionInput(
                    Action.DISBURSE,
                    referral.version,
                    disbursements=[
                        services.Disbursement(
                            referral.members[0].id, services._today(), 5_000_000, taken
                        )
                    ],
                ),
                db.session.get(User, second["officer_id"]),
            )
        assert "sudah dipakai pinjaman lain" in str(caught.value.reasons)
    del first


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_packet_pdf_full_nik_only_in_the_bank_copy(app, client, auth, case):
    c = case(ReferralStatus.SUBMITTED)
    with app.app_context():
        person = db.session.get(Entrepreneur, c["person"])
        nik, number = person.nik, db.session.get(Referral, c["referral"]).number
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    auth.login(c["facilitator"])
    city = client.get(f"/rujukan/{c['referral']}/paket.pdf")
    assert city.mimetype == "application/pdf"
    text = _text(city.data)
    assert nik not in text.replace(" ", "") and "SALINAN ARSIP DINAS" in text
    assert f"{nik[:4]}********{nik[12:]}" in text
    assert number in text and "lima juta rupiah" in text
    assert "D. Daftar periksa rujukan" in text
    assert "/verifikasi-rujukan/" in text
    auth.logout()
    auth.login(c["officer"])
    bank = client.get(f"/rujukan/{c['referral']}/paket.pdf")
    text = _text(bank.data)
    assert spaced in text
    assert "SALINAN UNTUK BANK" in text and "Simulasi angsuran" in text
    assert "Bank 9 Jambi" in text and "Usaha Siti Aminah" in text


def test_verification_page_is_public_and_masked(app, client, case):
    c = case(ReferralStatus.SUBMITTED)
    with app.app_context():
        referral = db.session.get(Referral, c["referral"])
        token, number = referral.verify_token, referral.number
    page = client.get(f"/verifikasi-rujukan/{token}").get_data(as_text=True)
    assert number in page and "SAH" in page and "Siti Aminah" not in page
    assert client.get("/verifikasi-rujukan/" + "x" * 43).status_code == 404


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (ReferralStatus.IN_REVIEW, "SAH"),
        (ReferralStatus.APPROVED, "SAH"),
        (ReferralStatus.DISBURSED, "SAH"),
        (ReferralStatus.REJECTED, "TIDAK BERLAKU LAGI"),
        (ReferralStatus.WITHDRAWN, "TIDAK BERLAKU LAGI"),
    ],
)
def test_verification_page_shows_validity_never_the_banks_decision(
    app, client, case, status, shown
):
    c = case(status)
    with app.app_context():
        token = db.session.get(Referral, c["referral"]).verify_token
    page = client.get(f"/verifikasi-rujukan/{token}").get_data(as_text=True)
    assert shown in page, page[page.find("<main") :][:1500]
    for label in ("Diajukan", "Ditelaah bank", "Disetujui", "Ditolak", "Ditarik", "Dana cair"):
        assert label not in page.replace("Diajukan</dt>", "")
