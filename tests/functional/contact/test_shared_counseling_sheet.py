"""The counseling sheet shared by WhatsApp opens for the entrepreneur, who has no account, from
a signed link; the link expires, dies with the WhatsApp consent, and cannot be forged."""

from __future__ import annotations

import io
import time
from urllib.parse import unquote, urlsplit

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner
from pypdf import PdfReader

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.enums import ConsentPurpose
from harkat.extensions import db
from harkat.registration import services as registration
from harkat.registration.models import Entrepreneur
from harkat.screening import sharing
from harkat.screening.models import Screening
from harkat.settings import services as settings

PUBLIC = "https://harkat.jambikota.go.id"


def _set_whatsapp(app, entrepreneur_id: int, user_id: int, granted: bool) -> None:
    with app.app_context():
        registration.record_consents(
            db.session,
            db.session.get(Entrepreneur, entrepreneur_id),
            {ConsentPurpose.WHATSAPP: granted},
            db.session.get(User, user_id),
        )
        db.session.commit()


@pytest.fixture
def shared(app, client, login_as, ready_entrepreneur):
    """A facilitator's screened person who consented to WhatsApp; returns a function giving the
    path of the link the share button carries, plus the ids."""
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    user_id, _ = login_as(Role.FACILITATOR)
    person = ready_entrepreneur(user_id)
    _set_whatsapp(app, person, user_id, True)
    with app.app_context():
        screening_id = db.session.scalar(
            sa.select(Screening.id).where(Screening.entrepreneur_id == person)
        )

    def share_link() -> str:
        page = client.get(f"/skrining/{screening_id}").get_data(as_text=True)
        start = page.index('href="https://wa.me/6281234567890?text=')
        text = unquote(page[start : page.index('"', start + 6)])
        url = text[text.index(PUBLIC) :].split()[0]
        return urlsplit(url).path

    share_link.person, share_link.user_id, share_link.screening_id = person, user_id, screening_id
    return share_link


def test_the_entrepreneur_opens_the_sheet_without_an_account(app, shared):
    path = shared()
    stranger = app.test_client()  # the entrepreneur's phone: no session
    landing = stranger.get(path)
    assert landing.status_code == 200
    page = landing.get_data(as_text=True)
    assert "Halo Siti" in page and "Unduh lembar konseling (PDF)" in page
    assert landing.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in landing.headers["Cache-Control"]
    sheet = stranger.get(f"{path}/unduh.pdf")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(sheet.data)).pages)
    assert "Siti Aminah" in text
    with app.app_context():
        audited = db.session.scalars(
            sa.select(AuditLog.changes).where(
                AuditLog.action == "download",
                AuditLog.entity_type == "screenings",
                AuditLog.entity_id == str(shared.screening_id),
            )
        ).all()
    assert {"file": "lembar konseling (tautan WhatsApp)"} in audited


def test_an_expired_link_says_so_and_gives_nothing(app, shared, monkeypatch):
    prefix = shared().rsplit("/", 1)[0]
    with app.app_context(), monkeypatch.context() as clock:
        # The signer's clock only: the link was made fifteen days ago (links open for 14 days).
        clock.setattr(TimestampSigner, "get_timestamp", lambda _: int(time.time()) - 15 * 86_400)
        token = sharing.share_token(db.session.get(Screening, shared.screening_id), app.secret_key)
    path = f"{prefix}/{token}"
    stranger = app.test_client()
    landing = stranger.get(path)
    assert landing.status_code == 410
    assert "sudah kedaluwarsa" in landing.get_data(as_text=True)
    assert stranger.get(f"{path}/unduh.pdf").status_code == 410
    # An admin who lengthens the period (⚙) brings it back.
    with app.app_context():
        settings.set_number(db.session, "share.link_days", "30", None)
        db.session.commit()
    assert stranger.get(f"{path}/unduh.pdf").status_code == 200


def test_withdrawing_whatsapp_consent_withdraws_links_already_sent(app, shared):
    path = shared()
    _set_whatsapp(app, shared.person, shared.user_id, False)
    stranger = app.test_client()
    landing = stranger.get(path)
    assert landing.status_code == 410
    assert "persetujuan komunikasi lewat WhatsApp telah dicabut" in landing.get_data(as_text=True)
    assert stranger.get(f"{path}/unduh.pdf").status_code == 410


@pytest.mark.parametrize(
    "forge",
    [
        # One character inside the signature (the last one also carries padding bits).
        lambda token: token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:],
        lambda token: "OTk5" + token[token.index(".") :],  # screening 999, same signature
        lambda token: "x" * 300,
    ],
    ids=["altered-signature", "swapped-id", "overlong"],
)
def test_a_forged_link_opens_nothing(app, shared, forge):
    path = shared()
    prefix, token = path.rsplit("/", 1)
    stranger = app.test_client()
    landing = stranger.get(f"{prefix}/{forge(token)}")
    assert landing.status_code == 404
    assert "Tautan ini tidak dikenal" in landing.get_data(as_text=True)
    assert stranger.get(f"{prefix}/{forge(token)}/unduh.pdf").status_code == 404
