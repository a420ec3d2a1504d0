"""Phone numbers are tel: links; WhatsApp links and share buttons appear only where the person
consented to WhatsApp, and shared links carry the configured public address."""

from __future__ import annotations

from urllib.parse import unquote

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.enums import ConsentPurpose
from harkat.extensions import db
from harkat.registration import services as registration
from harkat.registration.models import Entrepreneur
from harkat.screening.models import Screening

PUBLIC = "https://harkat.jambikota.go.id"


def _consent_whatsapp(app, entrepreneur_id: int, user_id: int) -> None:
    with app.app_context():
        registration.record_consents(
            db.session,
            db.session.get(Entrepreneur, entrepreneur_id),
            {ConsentPurpose.WHATSAPP: True},
            db.session.get(User, user_id),
        )
        db.session.commit()


def test_phone_is_a_tel_link_and_whatsapp_needs_consent(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    person = create_entrepreneur(user_id)
    page = client.get(f"/pelaku-usaha/{person}").get_data(as_text=True)
    assert 'href="tel:+6281234567890"' in page
    assert "wa.me" not in page
    _consent_whatsapp(app, person, user_id)
    page = client.get(f"/pelaku-usaha/{person}").get_data(as_text=True)
    assert 'href="https://wa.me/6281234567890"' in page


def test_counseling_sheet_share_carries_the_public_address_and_no_personal_data(
    app, client, login_as, ready_entrepreneur
):
    app.config["PUBLIC_BASE_URL"] = PUBLIC + "/"
    user_id, _ = login_as(Role.FACILITATOR)
    person = ready_entrepreneur(user_id)
    with app.app_context():
        screening_id = db.session.scalar(
            sa.select(Screening.id).where(Screening.entrepreneur_id == person)
        )
    page = client.get(f"/skrining/{screening_id}").get_data(as_text=True)
    assert "Bagikan lembar konseling lewat WhatsApp" not in page
    _consent_whatsapp(app, person, user_id)
    page = client.get(f"/skrining/{screening_id}").get_data(as_text=True)
    start = page.index('href="https://wa.me/6281234567890?text=')
    link = unquote(page[start : page.index('"', start + 6)])
    assert f"{PUBLIC}/lembar-konseling/" in link
    assert "Tautan ini dapat dibuka selama 14 hari" in link
    assert "Siti" not in link and "localhost" not in link


def test_referral_status_share_goes_only_to_consenting_members(
    app, client, login_as, ready_entrepreneur, make_referral, create_user
):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    user_id, _ = login_as(Role.FACILITATOR)
    person = ready_entrepreneur(user_id)
    rid = make_referral(user_id, person)
    page = client.get(f"/rujukan/{rid}").get_data(as_text=True)
    assert "lewat WhatsApp" not in page
    _consent_whatsapp(app, person, user_id)
    page = client.get(f"/rujukan/{rid}").get_data(as_text=True)
    assert "Kirim status ke Siti lewat WhatsApp" in page
    start = page.index('href="https://wa.me/6281234567890?text=')
    link = unquote(page[start : page.index('"', start + 6)])
    with app.app_context():
        from harkat.referrals.models import Referral

        referral = db.session.get(Referral, rid)
        number, token, nik = referral.number, referral.verify_token, referral.entrepreneur.nik
    assert f"Status rujukan BANK HARKAT {number}: Draf." in link
    assert f"{PUBLIC}/verifikasi-rujukan/{token}" in link
    assert "Siti" not in link and nik not in link
