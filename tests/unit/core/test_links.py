"""Telephone and WhatsApp links from stored E.164 numbers."""

from __future__ import annotations

from harkat.links import tel_href, wa_href


def test_tel_link_keeps_the_international_number():
    assert tel_href("+6281234567890") == "tel:+6281234567890"
    assert tel_href(None) is None and tel_href("") is None


def test_whatsapp_link_uses_62_without_plus_and_encodes_the_message():
    assert wa_href("+6281234567890") == "https://wa.me/6281234567890"
    link = wa_href("+6281234567890", "Status: Disetujui & cair? https://x.id/v/a b")
    assert link == (
        "https://wa.me/6281234567890?text=Status%3A%20Disetujui%20%26%20cair%3F%20"
        "https%3A//x.id/v/a%20b"
    )


def test_no_whatsapp_link_without_an_indonesian_number():
    assert wa_href(None) is None
    assert wa_href("+6591234567") is None
