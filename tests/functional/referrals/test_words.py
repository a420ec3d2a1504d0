"""What the referral pages say: the chat is named after the other side, and a sharia bank's
approval, simulation and packet speak of margin, never of bunga."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import Referral
from harkat.referrals.transitions import ReferralStatus


@pytest.fixture
def case(create_user, ready_entrepreneur, make_referral):
    def make(status: ReferralStatus, bank_code: str = "BANK9JAMBI"):
        facilitator_id, facilitator = create_user(Role.FACILITATOR, full_name="Rina Pendamping")
        officer_id, officer = create_user(Role.BANK_OFFICER, bank_code=bank_code)
        person = ready_entrepreneur(facilitator_id)
        rid = make_referral(
            facilitator_id, person, status=status, officer_id=officer_id, bank_code=bank_code
        )
        return {"facilitator": facilitator, "officer": officer, "referral": rid}

    return make


def _page(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def _pdf(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)


def test_the_chat_is_titled_by_who_is_on_the_other_side(client, auth, case):
    c = case(ReferralStatus.IN_REVIEW)
    url = f"/rujukan/{c['referral']}"
    auth.login(c["facilitator"])
    page = _page(client, url)
    assert "Pesan dengan Bank 9 Jambi (Bank Jambi)" in page
    assert "Percakapan dengan bank" not in page
    auth.logout()
    auth.login(c["officer"])
    page = _page(client, url)
    assert "Pesan dengan pendamping Rina Pendamping" in page


def test_a_sharia_bank_approves_a_margin_not_bunga(app, client, auth, case):
    c = case(ReferralStatus.IN_REVIEW, bank_code="BSI")
    url = f"/rujukan/{c['referral']}"
    auth.login(c["officer"])
    page = _page(client, f"{url}/aksi/approve")  # the approval asks first, on its own page
    assert "Margin disetujui (% per tahun)" in page and "Bunga disetujui" not in page
    with app.app_context():
        version = db.session.get(Referral, c["referral"]).version
    # A refused approval names the margin too.
    page = html.unescape(
        client.post(
            f"{url}/aksi",
            data={
                "action": "approve",
                "version": version,
                "approved_amount": "5.000.000",
                "approved_tenor_months": "12",
                "approved_rate_percent": "150",
            },
            follow_redirects=True,
        ).get_data(as_text=True)
    )
    assert "Margin disetujui" in page and "Bunga disetujui" not in page
    client.post(
        f"{url}/aksi",
        data={
            "action": "approve",
            "version": version,
            "approved_amount": "5.000.000",
            "approved_tenor_months": "12",
            "approved_rate_percent": "3",
        },
    )
    with app.app_context():
        assert db.session.get(Referral, c["referral"]).status == ReferralStatus.APPROVED
    page = _page(client, url)
    assert "margin 3% per tahun" in page.replace(",00", "")
    assert "bunga" not in page.lower()
    packet = _pdf(client, f"{url}/paket.pdf")
    assert "Margin" in packet and "Total dibayar / margin" in packet
    assert "bunga" not in packet.lower()


def test_other_banks_still_speak_of_bunga(client, auth, case):
    c = case(ReferralStatus.IN_REVIEW)
    auth.login(c["officer"])
    page = _page(client, f"/rujukan/{c['referral']}/aksi/approve")
    assert "Bunga disetujui (% per tahun)" in page and "Margin disetujui" not in page
    packet = _pdf(client, f"/rujukan/{c['referral']}/paket.pdf")
    assert "Total dibayar / bunga" in packet and "margin" not in packet.lower()
