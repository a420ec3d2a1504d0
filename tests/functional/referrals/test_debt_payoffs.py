"""Debts on the referral: an illegal online lender's capped payoff, its record at disbursement
with the settlement letter, and the packet's one DSR limit and rate wording."""

from __future__ import annotations

import html
import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.dates import format_date
from harkat.extensions import db
from harkat.referrals.models import Loan, Referral, ReferralTakeOver
from harkat.referrals.transitions import ReferralStatus
from harkat.registration.models import Entrepreneur
from harkat.screening import services as screening
from harkat.screening.engine import Debt, Frequency, Household, LenderType
from harkat.screening.registry import today
from tests.fixtures.referrals import PDF, PNG

TODAY = today()


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(text).split())


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _owes_an_illegal_lender(app, user_id: int, entrepreneur_id: int) -> None:
    """Screen again: Rp1.000.000 received from Dana Kilat, Rp450.000 repaid, Rp2.400.000 billed."""
    with app.app_context():
        screening.run_screening(
            db.session,
            db.session.get(Entrepreneur, entrepreneur_id),
            screening.ScreeningInput(
                household=Household(
                    household_income=1_000_000, business_income=4_000_000, household_expenses=0
                ),
                debts=[
                    Debt(
                        lender_name="Dana Kilat",
                        lender_type=LenderType.PINJOL_ILEGAL,
                        principal=1_000_000,
                        outstanding=2_400_000,
                        instalment=300_000,
                        frequency=Frequency.WEEKLY,
                        instalments_total=10,
                        instalments_paid=1,
                        amount_repaid=450_000,
                    )
                ],
                proposed_instalment=430_000,
            ),
            db.session.get(User, user_id),
            upload_dir=app.config["UPLOAD_DIR"],
            max_upload_bytes=app.config["MAX_UPLOAD_BYTES"],
        )
        db.session.commit()


def _approved_with_take_over(app, create_user, ready_entrepreneur, make_referral):
    facilitator, _ = create_user(Role.FACILITATOR)
    officer, officer_name = create_user(Role.BANK_OFFICER)
    person = ready_entrepreneur(facilitator)
    _owes_an_illegal_lender(app, facilitator, person)
    rid = make_referral(
        facilitator,
        person,
        status=ReferralStatus.APPROVED,
        officer_id=officer,
        take_over=True,
    )
    with app.app_context():
        referral = db.session.get(Referral, rid)
        (take_over,) = referral.take_overs
        return {
            "referral": rid,
            "take_over": take_over.id,
            "member": referral.members[0].id,
            "version": referral.version,
            "officer": officer_name,
            "facilitator": facilitator,
        }


def _form(case: dict, **payoff) -> dict:
    data = {
        "version": str(case["version"]),
        "lines-0-member_id": str(case["member"]),
        "lines-0-disbursed_on": TODAY.isoformat(),
        "lines-0-amount": "5.000.000",
        "lines-0-account_number": "LN-778899",
        "payoffs-0-take_over_id": str(case["take_over"]),
        "payoffs-0-paid_to": "Dana Kilat (penagih: Sdr. Rudi)",
        "payoffs-0-amount": "550.000",
        "payoffs-0-paid_on": TODAY.isoformat(),
        "payoffs-0-proof": (io.BytesIO(PDF), "surat-lunas.pdf"),
    }
    data.update(payoff)
    return data


def test_the_take_over_of_an_illegal_lender_pays_principal_minus_repaid(
    app, create_user, ready_entrepreneur, make_referral
):
    case = _approved_with_take_over(app, create_user, ready_entrepreneur, make_referral)
    with app.app_context():
        take_over = db.session.get(ReferralTakeOver, case["take_over"])
        assert (take_over.amount, take_over.debt.outstanding) == (550_000, 2_400_000)


def test_the_disbursement_records_each_payoff_with_its_settlement_letter(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    case = _approved_with_take_over(app, create_user, ready_entrepreneur, make_referral)
    auth.login(case["officer"])
    url = f"/rujukan/{case['referral']}/pencairan"
    page = _text(client.get(url))
    assert "Pelunasan utang yang diambil alih" in page
    assert "direncanakan Rp550.000 (tagihan Rp2.400.000)" in page

    missing = client.post(url, data=_form(case, **{"payoffs-0-proof": ""}))
    assert "Unggah surat keterangan lunas (PDF, JPEG atau PNG)." in _text(missing)
    too_much = client.post(url, data=_form(case, **{"payoffs-0-amount": "2.400.000"}))
    assert "Jumlah pelunasan melebihi yang direncanakan (Rp550.000)" in _text(too_much)
    assert "paling banyak pokok yang diterima dikurangi yang sudah dibayar" in _text(too_much)
    fake = client.post(
        url, data=_form(case, **{"payoffs-0-proof": (io.BytesIO(b"MZ..."), "lunas.pdf")})
    )
    assert "Surat keterangan lunas: hanya PDF, JPEG atau PNG" in _text(fake)
    future = client.post(url, data=_form(case, **{"payoffs-0-paid_on": "2099-01-01"}))
    assert "Tanggal pelunasan tidak boleh di masa depan." in _text(future)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 0
        assert db.session.get(ReferralTakeOver, case["take_over"]).paid_on is None

    response = client.post(url, data=_form(case))
    assert response.status_code == 302, _text(response)
    with app.app_context():
        take_over = db.session.get(ReferralTakeOver, case["take_over"])
        assert take_over.paid_to == "Dana Kilat (penagih: Sdr. Rudi)"
        assert take_over.paid_amount == 550_000
        assert take_over.paid_on == TODAY
        assert take_over.proof_name == "surat-lunas.pdf" and take_over.proof_mime == (
            "application/pdf"
        )
        referral = db.session.get(Referral, case["referral"])
        assert referral.status == ReferralStatus.DISBURSED
    detail = _text(client.get(f"/rujukan/{case['referral']}"))
    on = format_date(TODAY)
    assert f"Lunas: Rp550.000 ke Dana Kilat (penagih: Sdr. Rudi) pada {on}" in detail
    proof_url = f"/rujukan/{case['referral']}/pelunasan/{case['take_over']}/bukti"
    with client.get(proof_url) as proof:
        assert proof.status_code == 200 and proof.data == PDF

    packet = _pdf_text(client.get(f"/rujukan/{case['referral']}/paket.pdf"))
    assert f"Rp550.000 ke Dana Kilat (penagih: Sdr. Rudi), {on}" in packet

    auth.logout()
    other, _ = create_user(Role.BANK_OFFICER, bank_code="BRI")
    with app.app_context():
        other_name = db.session.get(User, other).username
    auth.login(other_name)
    assert client.get(proof_url).status_code == 404
    auth.logout()
    viewer, _ = create_user(Role.VIEWER)
    with app.app_context():
        viewer_name = db.session.get(User, viewer).username
    auth.login(viewer_name)
    assert client.get(proof_url).status_code == 403


def test_a_payoff_image_is_accepted_too(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    case = _approved_with_take_over(app, create_user, ready_entrepreneur, make_referral)
    auth.login(case["officer"])
    response = client.post(
        f"/rujukan/{case['referral']}/pencairan",
        data=_form(case, **{"payoffs-0-proof": (io.BytesIO(PNG), "foto-lunas.png")}),
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ReferralTakeOver, case["take_over"]).proof_mime == "image/png"


def test_the_packet_states_one_dsr_limit_and_labels_each_rate(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    case = _approved_with_take_over(app, create_user, ready_entrepreneur, make_referral)
    auth.login(case["officer"])
    packet = _pdf_text(client.get(f"/rujukan/{case['referral']}/paket.pdf"))

    assert packet.count("Batas DSR rujukan ini: 40%") == 1
    assert "batas rujukan 40%" in packet
    assert not re.search(r"batas 30|di atas 30%", packet)  # the screening's own limits stay out
    assert "nominal 1.420,6% per tahun" in packet and "efektif" in packet
    assert "Rp550.000 (tagihan Rp2.400.000)" in packet
    assert "Satgas PASTI" in packet
    page = _text(client.get(f"/rujukan/{case['referral']}"))
    assert "(batas 40%)" in page and "setara bunga nominal 1.420,6% per tahun" in page
