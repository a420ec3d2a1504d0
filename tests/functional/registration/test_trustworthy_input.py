"""What a facilitator types or pastes on the registration page is stored as meant, or refused
with the reason; never cut, never silently changed."""

from __future__ import annotations

import html
from datetime import date, datetime

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.core.dates import JAKARTA
from harkat.core.nik import Gender
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from tests.fixtures.registration import entrepreneur_count, registration_form, valid_nik

_form = registration_form
_count = entrepreneur_count


def _register(client, nik, **overrides):
    response = client.post("/pelaku-usaha/baru", data=_form(nik, **overrides))
    return response, html.unescape(response.get_data(as_text=True))


def test_text_pasted_from_whatsapp_is_stored_without_its_invisible_characters(
    app, client, login_as
):
    login_as(Role.FACILITATOR)
    nik = valid_nik()
    response, _ = _register(
        client,
        "\ufeff" + nik + "\u200b",
        full_name="Rahma\u00adwati\u00a0Putri\u200e",
        address="Lr.\u00a0Mawar\u202fNo. 12\u200b",
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(sa.select(Entrepreneur).where(Entrepreneur.nik == nik))
        assert (saved.full_name, saved.address) == ("Rahmawati Putri", "Lr. Mawar No. 12")


def test_a_nik_with_a_letter_names_the_character(app, client, login_as):
    login_as(Role.FACILITATOR)
    nik = valid_nik()
    _, page = _register(client, nik[:8] + "O" + nik[9:])
    assert "ditemukan karakter “O” (U+004F)" in page
    assert _count(app) == 0


def test_control_characters_and_emoji_are_refused_not_stripped(app, client, login_as):
    login_as(Role.FACILITATOR)
    _, page = _register(client, valid_nik(), address="Lr. Mawar\x07 No. 12")
    assert "karakter kontrol" in page and "U+0007" in page
    _, page = _register(client, valid_nik(), full_name="Rahmawati 😊")
    assert "Nama lengkap berisi emoji atau simbol “😊” (U+1F60A)" in page
    _, page = _register(client, valid_nik(), full_name='=HYPERLINK("http://x.id","Rahma")')
    assert "Nama lengkap berisi rumus spreadsheet" in page
    assert _count(app) == 0


def test_under_seventeen_is_refused_and_over_a_hundred_is_a_warning(app, client, login_as):
    login_as(Role.FACILITATOR)
    today = datetime.now(JAKARTA).date()
    young = valid_nik(born=date(today.year - 16, 1, 1))
    _, page = _register(client, young)
    assert "minimal berumur 17 tahun" in page and "umur 16 tahun" in page
    assert _count(app) == 0

    # Born 1921: the NIK says "21", the typed date says which century.
    old = valid_nik(born=date(1921, 5, 5), gender=Gender.MALE)
    response = client.post(
        "/pelaku-usaha/baru", data=_form(old, birth_date="1921-05-05"), follow_redirects=True
    )
    age = today.year - 1921 - ((today.month, today.day) < (5, 5))
    assert f"berarti umur {age} tahun" in html.unescape(response.get_data(as_text=True))
    assert _count(app) == 1


def test_an_over_long_address_is_refused_with_its_limit(app, client, login_as):
    login_as(Role.FACILITATOR)
    _, page = _register(client, valid_nik(), address="Jl. " + "Panjang " * 30)
    assert "Maksimal 200 karakter" in page
    assert _count(app) == 0
