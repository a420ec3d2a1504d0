"""Amounts in words on the pages and papers people read: the calculator and the packet."""

from __future__ import annotations

import html
import io

from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.referrals.transitions import ReferralStatus


def test_calculator_writes_seribu_inside_a_million(client, login_as):
    login_as(Role.FACILITATOR)
    page = html.unescape(
        client.get(
            "/kalkulator-pinjaman",
            query_string={
                "principal": "1.001.000",
                "months": "6",
                "annual_rate": "3",
                "method": "anuitas",
            },
        ).get_data(as_text=True)
    )
    assert "Rp1.001.000" in page
    assert "(satu juta seribu rupiah)" in page and "satu ribu" not in page


def test_referral_packet_writes_seribu_inside_a_million(
    client, auth, create_user, ready_entrepreneur, make_referral
):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, officer = create_user(Role.BANK_OFFICER)
    person = ready_entrepreneur(facilitator_id)
    rid = make_referral(
        facilitator_id,
        person,
        status=ReferralStatus.SUBMITTED,
        officer_id=officer_id,
        amount=1_001_000,
    )
    auth.login(officer)
    packet = client.get(f"/rujukan/{rid}/paket.pdf")
    assert packet.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(packet.data)).pages)
    text = " ".join(text.split())  # words wrapped across lines come back with a newline
    assert "Rp1.001.000 (satu juta seribu rupiah)" in text
    assert "satu ribu" not in text
