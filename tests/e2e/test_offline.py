"""A facilitator with no signal, in a real Chromium with its own profile on disk: registers,
screens and takes attendance offline; the phone keeps the outbox through a browser restart and
sends each item exactly once when the signal returns, never under another account."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from harkat.auth import services as auth
from harkat.auth.domain import Role
from harkat.core.dates import JAKARTA
from harkat.extensions import db
from harkat.registration import services as registration
from harkat.registration.models import Business, Entrepreneur
from harkat.screening.models import Screening
from harkat.training import services as training
from harkat.training.domain import AttendanceStatus
from harkat.training.models import Attendance, Cohort, CohortSession
from tests.e2e.conftest import ADMIN_PASSWORD, CHROMIUM
from tests.fixtures.registration import valid_nik

PHONE = {"width": 390, "height": 844}


def _count(app, model, *where) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        number = db.session.scalar(query)
        db.session.remove()
        return number


@pytest.fixture
def field(live_server):
    """Two facilitators of Telanaipura, one person each, and a session held today."""
    app, base = live_server
    today = datetime.now(JAKARTA).date()
    with app.app_context():
        users = []
        for name in ("dewi", "rina"):
            user = auth.create_user(
                db.session,
                auth.UserData(
                    username=name,
                    full_name=f"Pendamping {name.title()}",
                    role=Role.FACILITATOR,
                    kecamatan_codes=("15.71.01",),
                ),
                ADMIN_PASSWORD,
            )
            users.append(user)
        db.session.flush()
        dewi = users[0]
        person, _ = registration.register_entrepreneur(
            db.session,
            registration.EntrepreneurData(
                nik=valid_nik(),
                full_name="Siti Aminah",
                birth_place="Jambi",
                kelurahan_code="15.71.01.1001",
                address="Lr. Mawar 1",
            ),
            dewi,
        )
        course_id = db.session.scalar(sa.text("SELECT id FROM courses LIMIT 1"))
        cohort = Cohort(
            course_id=course_id, name="Angkatan Pasar", venue="Aula", kecamatan_code="15.71.01",
            starts_on=today, ends_on=today, capacity=10, facilitator_id=dewi.id,
        )  # fmt: skip
        db.session.add(cohort)
        db.session.flush()
        meeting = CohortSession(cohort_id=cohort.id, held_on=today, topic="Pemasaran digital")
        db.session.add(meeting)
        training.enrol(db.session, cohort, [person.id], dewi)
        db.session.commit()
        ids = {"person": person.id, "cohort": cohort.id, "session": meeting.id}
        db.session.remove()
    return app, base, ids


def _login(page, base, username):
    page.goto(f"{base}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("main button[type=submit]")
    assert "/auth/login" not in page.url, page.inner_text("main")


def _ready(page):
    """Wait until the service worker controls the app and the people list is on the phone."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(
        "async () => { const o = window.HarkatOutbox;"
        " return o && (await o.getMeta('people_at')) !== null }"
    )


def _outbox_states(page, base) -> list[str]:
    page.goto(f"{base}/luring/kotak-keluar")
    page.wait_for_timeout(300)
    return page.eval_on_selector_all(
        "[data-outbox-item]", "els => els.map(e => e.dataset.outboxItem)"
    )


def _wait_states(page, base, wanted: list[str]) -> None:
    for _ in range(30):
        if sorted(_outbox_states(page, base)) == sorted(wanted):
            return
        page.wait_for_timeout(300)
    assert sorted(_outbox_states(page, base)) == sorted(wanted)


def test_field_work_with_no_signal(field, tmp_path, shot):
    app, base, ids = field
    from playwright.sync_api import expect, sync_playwright

    profile = tmp_path / "phone-profile"
    nik = valid_nik()
    with sync_playwright() as playwright:

        def phone():
            context = playwright.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, viewport=PHONE
            )
            context.on("dialog", lambda dialog: dialog.accept())
            return context, context.pages[0] if context.pages else context.new_page()

        context, page = phone()
        _login(page, base, "dewi")
        page.goto(f"{base}/pelatihan/angkatan/{ids['cohort']}/sesi/{ids['session']}/presensi")
        _ready(page)

        # 1. No signal: the app still starts (its start URL answers the offline page), then
        # register (double tap), screen, take attendance.
        context.set_offline(True)
        started = page.goto(f"{base}/")
        assert started.ok and "belum tersedia tanpa sinyal" in page.content()
        expect(page.locator("[data-today-sessions]")).to_contain_text("Pemasaran digital")
        page.goto(f"{base}/luring/pendaftaran")
        page.fill("#nik", nik)
        page.fill("#full_name", "Rahmawati Putri")
        page.fill("#birth_place", "Jambi")
        page.fill("#address", "Lr. Melati 2")
        page.select_option("#kelurahan_code", "15.71.01.1001")
        page.fill("#usaha-name", "Pempek Rahma")
        page.select_option("#usaha-sector", "I")
        page.click("form button[type=submit]")
        page.click("form button[type=submit]")
        page.wait_for_selector("text=Tersimpan di perangkat — belum terkirim")
        assert page.inner_text("[data-outbox-count]") == "1"
        shot(page, "offline-registration-saved")

        page.goto(f"{base}/luring/skrining?orang={ids['person']}")
        page.fill("#business_income", "4.000.000")
        page.fill("#household_expenses", "2.000.000")
        page.fill("#debts-0-lender_name", "Bank keliling Pasar")
        page.select_option("#debts-0-lender_type", "rentenir")
        page.fill("#debts-0-principal", "1.000.000")
        page.fill("#debts-0-outstanding", "600.000")
        page.fill("#debts-0-instalment", "40.000")
        page.select_option("#debts-0-frequency", "daily")
        page.fill("#debts-0-instalments_total", "30")
        page.click("form button[type=submit]")
        page.wait_for_selector("text=Tersimpan di perangkat — belum terkirim")

        page.goto(f"{base}/luring/presensi")
        page.select_option("[data-sessions-select]", str(ids["session"]))
        page.click("label[for$='-present']")
        page.click("form button[type=submit]")
        page.wait_for_selector("text=Tersimpan di perangkat — belum terkirim")
        assert _outbox_states(page, base) == ["waiting"] * 3
        shot(page, "offline-outbox-waiting")

        # 2. The phone restarts: the outbox is still there.
        context.close()
        context, page = phone()
        context.set_offline(True)
        assert _outbox_states(page, base) == ["waiting"] * 3
        assert _count(app, Entrepreneur, Entrepreneur.nik == nik) == 0

        # 3. Signal again, signed in again: each item is sent once (the business follows its
        # entrepreneur).
        context.set_offline(False)
        _login(page, base, "dewi")
        _wait_states(page, base, ["sent"] * 4)
        shot(page, "offline-outbox-sent")
        assert _count(app, Entrepreneur, Entrepreneur.nik == nik) == 1
        assert _count(app, Business, Business.name == "Pempek Rahma") == 1
        assert _count(app, Screening, Screening.entrepreneur_id == ids["person"]) == 1
        assert _count(
            app, Attendance, Attendance.session_id == ids["session"],
            Attendance.status == AttendanceStatus.PRESENT,
        ) == 1  # fmt: skip

        # 4. Refused: the same NIK again is shown with its reason, corrected and resent.
        context.set_offline(True)
        page.goto(f"{base}/luring/pendaftaran")
        page.fill("#nik", nik)
        page.fill("#full_name", "Rahmawati Kedua")
        page.fill("#birth_place", "Jambi")
        page.fill("#address", "Lr. Melati 3")
        page.select_option("#kelurahan_code", "15.71.01.1001")
        page.click("form button[type=submit]")
        page.wait_for_selector("text=Tersimpan di perangkat — belum terkirim")
        context.set_offline(False)
        _wait_states(page, base, ["sent"] * 4 + ["refused"])
        assert "NIK sudah terdaftar" in page.inner_text("[data-outbox-item=refused]")
        shot(page, "offline-outbox-refused")
        page.click("[data-outbox-item=refused] a:has-text('Perbaiki')")
        expect(page.locator("#full_name")).to_have_value("Rahmawati Kedua")
        second = valid_nik()
        page.fill("#nik", second)
        page.click("form button[type=submit]")
        page.wait_for_selector("text=Terkirim dan diterima HARKAT")
        assert _count(app, Entrepreneur, Entrepreneur.nik == second) == 1

        # 5. Another account on the same phone never sends Dewi's item.
        context.set_offline(True)
        page.goto(f"{base}/luring/pendaftaran")
        third = valid_nik()
        page.fill("#nik", third)
        page.fill("#full_name", "Nurhayati")
        page.fill("#birth_place", "Jambi")
        page.fill("#address", "Lr. Kenanga 4")
        page.select_option("#kelurahan_code", "15.71.01.1001")
        page.click("form button[type=submit]")
        page.wait_for_selector("text=Tersimpan di perangkat — belum terkirim")
        context.route("**/luring/token.json", lambda route: route.abort())  # stay unsent
        context.set_offline(False)
        page.goto(f"{base}/")
        page.click("summary:has-text('Akun')") if page.is_visible(
            "summary:has-text('Akun')"
        ) else None
        page.eval_on_selector("form[data-sign-out]", "f => f.requestSubmit()")
        page.wait_for_url(re.compile(r".*/auth/login.*"))
        context.unroute("**/luring/token.json")
        _login(page, base, "rina")
        assert _outbox_states(page, base) == []  # Rina sees none of Dewi's items
        page.wait_for_timeout(1000)
        assert _count(app, Entrepreneur, Entrepreneur.nik == third) == 0
        page.goto(f"{base}/")
        page.eval_on_selector("form[data-sign-out]", "f => f.requestSubmit()")
        page.wait_for_url(re.compile(r".*/auth/login.*"))
        # Dewi signs in again: her item goes, once.
        _login(page, base, "dewi")
        _wait_states(page, base, ["sent"] * 6)
        assert _count(app, Entrepreneur, Entrepreneur.nik == third) == 1
        context.close()
