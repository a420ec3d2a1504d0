"""A facilitator's phone with JavaScript switched off: the menu, the account pages, an ordinary
form and signing out all work in plain HTML."""

from __future__ import annotations

import re

from harkat.extensions import db
from tests.e2e.test_journey import PASSWORD, arrive, login
from tests.fixtures.registration import valid_nik


def test_a_phone_without_javascript_can_navigate_register_and_sign_out(live_server, browser, shot):
    from harkat.auth import services as auth
    from harkat.auth.domain import Role

    app, base = live_server
    with app.app_context():
        auth.create_user(
            db.session,
            auth.UserData(
                username="rina",
                full_name="Rina Pendamping",
                role=Role.FACILITATOR,
                kecamatan_codes=("15.71.01",),
            ),
            PASSWORD,
        )
        db.session.commit()

    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="id-ID"
    )
    page = context.new_page()
    login(page, base, "rina")

    # The menu is closed on a phone and opens with a tap on "Menu".
    menu = page.locator("nav details.nav-menu")
    people = page.get_by_role("link", name="Pelaku usaha", exact=True)
    assert not people.is_visible()
    menu.locator("> summary").click()
    assert people.is_visible()
    shot(page, "nojs-menu-open")
    people.click()
    arrive(page, r".*/pelaku-usaha$")
    assert not people.is_visible()  # a new page starts with the menu closed

    # Akun → Ganti kata sandi.
    menu.locator("> summary").click()
    page.locator("nav summary", has_text="Akun").click()
    shot(page, "nojs-account-open")
    page.get_by_role("link", name="Ganti kata sandi").click()
    arrive(page, r".*/auth/.+")
    assert page.locator("main form #current_password, main form input[type=password]").count()

    # An ordinary form: register an entrepreneur.
    nik = valid_nik("15.71.01")
    page.goto(f"{base}/pelaku-usaha/baru")
    page.fill("#nik", nik)
    page.fill("#full_name", "Siti Aminah")
    page.fill("#birth_place", "Jambi")
    page.fill("#phone", "0812 3456 7890")
    page.fill("#address", "Jl. Sultan Thaha No. 5")
    page.select_option("#kelurahan_code", index=1)
    page.click("main form button[type=submit]")
    arrive(page, r".*/pelaku-usaha/\d+$")
    assert "Siti Aminah" in page.locator("main").inner_text()
    shot(page, "nojs-registered")

    # Keluar is a POST form with its CSRF token: it signs out without a script.
    menu.locator("> summary").click()
    page.locator("nav summary", has_text="Akun").click()
    page.get_by_role("button", name="Keluar", exact=True).click()
    arrive(page, r".*/auth/login.*")
    page.goto(f"{base}/pelaku-usaha")
    assert re.search(r"/auth/login", page.url), "still signed in after Keluar"
    context.close()
