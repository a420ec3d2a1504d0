"""The navigation bar shows each role its own menus, and no link the server would refuse."""

from __future__ import annotations

import html
import re

import pytest

from harkat.auth.models import Role

EVERYONE = ["Beranda", "Rujukan", "Pinjaman", "Kalkulator", "Ganti kata sandi", "Token API"]
PEOPLE = ["Pelaku usaha", "Kelompok", "Pelatihan"]
FIELD_WORK = ["Kotak masuk", "Kotak keluar"]
REPORTS = ["Serapan dana bulanan", "Perjanjian kinerja (SAKIP)"]
ADMIN = [
    "Pengguna",
    "Bank mitra",
    "Skema pembiayaan",
    "Katalog kursus BALIKAT",
    "Pemberi pinjaman berizin",
    "Alasan penolakan",
    "Pagu dan alokasi dana",
    "Indikator SAKIP",
    "Aturan program",
    "Log audit",
]
MENUS = {
    Role.ADMIN: EVERYONE + PEOPLE + FIELD_WORK + REPORTS + ADMIN,
    Role.FACILITATOR: EVERYONE + PEOPLE + FIELD_WORK,
    Role.VIEWER: EVERYONE + PEOPLE + REPORTS,
    Role.BANK_OFFICER: EVERYONE,
}


def _links(page: str) -> dict[str, str]:
    """Return the navigation bar's links as ``{label: href}``."""
    bar = re.search(r'<nav [^>]*aria-label="Navigasi utama".*?</nav>', page, re.S)
    assert bar, "no navigation bar"
    return {
        html.unescape(label).strip(): html.unescape(href)
        for href, label in re.findall(r'<a class="[^"]*" href="([^"]+)">([^<]+)', bar.group(0))
        if href != "/"  # the brand, not a menu
    } | {"Beranda": "/"}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_menus(client, login_as, role):
    login_as(role)
    page = client.get("/").get_data(as_text=True)
    assert sorted(_links(page)) == sorted(MENUS[role])
    # Offline field work (outbox, people on the device) only where the outbox is offered.
    assert ("data-sw=" in page) == ("Kotak keluar" in MENUS[role])


@pytest.mark.parametrize("role", list(Role))
def test_every_link_in_the_navigation_opens(client, login_as, role):
    login_as(role)
    links = _links(client.get("/").get_data(as_text=True))
    refused = {
        label: status
        for label, href in links.items()
        if (status := client.get(href).status_code) != 200
    }
    assert refused == {}
