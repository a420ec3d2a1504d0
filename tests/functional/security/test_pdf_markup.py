"""Every PDF with hostile text in every text field a person can fill: it is printed literally,
never as markup (no live link, no 500 from an unclosed tag)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.registration.models import Business, Entrepreneur
from harkat.screening.models import Screening, ScreeningDebt

LINK = '<a href="https://evil.example">klik</a>'
UNCLOSED = "<b>tebal"
FONT = '<font size="40" color="red">BESAR'


def _hostile(app, facilitator_id: int, person_id: int) -> None:
    """Put markup where people type text (as data stored before any input rule would)."""
    with app.app_context():
        person = db.session.get(Entrepreneur, person_id)
        person.full_name = f"Siti {UNCLOSED}"
        person.address = f"Jl. {LINK}"
        person.birth_place = FONT
        for business in db.session.scalars(
            sa.select(Business).where(Business.entrepreneur_id == person_id)
        ):
            business.name = f"Usaha {LINK}"
            business.products = UNCLOSED
        for debt in db.session.scalars(
            sa.select(ScreeningDebt).join(Screening).where(Screening.entrepreneur_id == person_id)
        ):
            debt.lender_name = f"Rentenir {LINK}"
        db.session.get(User, facilitator_id).full_name = f"Pendamping {UNCLOSED}"
        db.session.commit()


def _check(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert "evil.example" not in str(action.get("/URI", "")), "a live link in the PDF"
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_every_pdf_prints_markup_literally(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    from harkat.referrals.transitions import ReferralStatus

    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    officer_id, officer = create_user(Role.BANK_OFFICER)
    person = ready_entrepreneur(facilitator_id, loan_shark=True)
    referral = make_referral(
        facilitator_id, person, status=ReferralStatus.SUBMITTED, officer_id=officer_id,
        take_over=True,
    )  # fmt: skip
    _hostile(app, facilitator_id, person)
    with app.app_context():
        screening_id = db.session.scalar(
            sa.select(Screening.id).where(Screening.entrepreneur_id == person)
        )

    auth.login(facilitator)
    consent = _check(client.get(f"/pelaku-usaha/{person}/persetujuan.pdf"))
    assert "<b>tebal" in consent and "Jl. <a href=" in consent and '<font size="40"' in consent
    sheet = _check(client.get(f"/skrining/{screening_id}/konseling.pdf"))
    assert "Siti <b>tebal" in sheet and "Rentenir <a href=" in sheet
    assert "Pendamping <b>tebal" in sheet
    auth.logout()

    auth.login(officer)
    packet = _check(client.get(f"/rujukan/{referral}/paket.pdf"))
    assert "Siti <b>tebal" in packet and "Rentenir <a href=" in packet
