"""WCAG 2.2 AA in a real browser: axe-core (bundled by the axe-playwright-python package, no CDN)
runs on the key pages of every role, and no violation of impact critical or serious is allowed.

One live server with demo data, one browser, one sign-in per role. Facilitators work on phones,
so their pages are checked at 390 px; the desk roles at 1280 px (where the navbar is open).
Screenshots go to ``test-artifacts/a11y``."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from harkat import create_app
from harkat.extensions import db
from tests.conftest import TEST_HASH_METHOD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "a11y"
MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
PASSWORD = "Jambi-Bahagia-2026!"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = {"critical", "serious"}


def axe_source() -> str:
    """The axe-core script shipped inside the axe-playwright-python wheel."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """HARKAT on loopback with reference data, demo cases and one account per role."""
    from flask_migrate import upgrade

    from harkat.auth import services as auth
    from harkat.auth.domain import Role
    from harkat.auth.models import User
    from harkat.core.enums import ConsentPurpose
    from harkat.demo.generator import seed_demo
    from harkat.reference.services import seed_reference
    from harkat.referrals.models import Referral
    from harkat.referrals.transitions import ReferralStatus
    from harkat.registration import services as registration
    from harkat.registration.models import Entrepreneur, Group
    from harkat.screening import sharing
    from harkat.screening.models import Screening
    from harkat.training.models import Cohort, CohortSession

    root = tmp_path_factory.mktemp("a11y")
    app = create_app(
        {
            "INSTANCE_PATH": str(root / "instance"),
            "DATABASE_URL": f"sqlite:///{root / 'a11y.sqlite3'}",
            "SECRET_KEY": "a11y-secret",
            "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        }
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        seed_reference(db.session)
        for username, name, role, extra in (
            ("admin", "Admin Dinas", Role.ADMIN, {}),
            ("rina", "Rina Pendamping", Role.FACILITATOR, {"kecamatan_codes": ["15.71.01"]}),
            ("bayu", "Bayu Bank 9", Role.BANK_OFFICER, {"bank_code": "BANK9JAMBI"}),
            ("walikota", "Staf Wali Kota", Role.VIEWER, {}),
        ):
            auth.create_user(
                db.session,
                auth.UserData(username=username, full_name=name, role=role, **extra),
                PASSWORD,
            )
        seed_demo(db.session, 700, 2026, upload_dir=app.config["UPLOAD_DIR"])
        db.session.commit()
        rina = db.session.scalar(sa.text("select id from users where username = 'rina'"))
        bayu_bank = db.session.scalar(sa.text("select bank_id from users where username='bayu'"))

        def first(query):
            found = db.session.scalar(query.limit(1))
            assert found is not None, f"the demo data has no row for {query}"
            return found

        mine = Entrepreneur.facilitator_id == rina
        ids = {
            "person": first(sa.select(Entrepreneur.id).where(mine).order_by(Entrepreneur.id)),
            "group": first(sa.select(Group.id).where(Group.kecamatan_code == "15.71.01")),
            "cohort": first(sa.select(Cohort.id).where(Cohort.kecamatan_code == "15.71.01")),
            "screening": first(
                sa.select(Screening.id).join(Entrepreneur).where(mine).order_by(Screening.id)
            ),
            "draft": first(
                sa.select(Referral.id).where(
                    Referral.status == ReferralStatus.DRAFT, Referral.facilitator_id == rina
                )
            ),
            "bank_referral": first(
                sa.select(Referral.id).where(
                    Referral.bank_id == bayu_bank,
                    Referral.status.in_([ReferralStatus.IN_REVIEW, ReferralStatus.SUBMITTED]),
                )
            ),
            "approved": first(
                sa.select(Referral.id).where(
                    Referral.bank_id == bayu_bank, Referral.status == ReferralStatus.APPROVED
                )
            ),
        }
        ids["session"] = first(
            sa.select(CohortSession.id).where(CohortSession.cohort_id == ids["cohort"])
        )
        # The counseling sheet's WhatsApp link, as the entrepreneur opens it.
        screening = db.session.get(Screening, ids["screening"])
        registration.record_consents(
            db.session,
            screening.entrepreneur,
            {ConsentPurpose.WHATSAPP: True},
            db.session.get(User, rina),
        )
        db.session.commit()
        ids["share"] = sharing.share_token(screening, app.secret_key)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", ids
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def chromium():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield instance
        instance.close()


#: What a thumb taps on a phone: each must be at least 44×44 CSS px at 390 px wide.
TAP_TARGETS = (
    ".btn, .page-link, .navbar-toggler, .nav-link, .dropdown-item, .table a, "
    ".list-group-item a, summary"
)
SMALL_TARGETS = """selector => [...document.querySelectorAll(selector)]
  .filter(el => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden')
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 0 && (r.width < 43.5 || r.height < 43.5))
  .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim()
    .slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`)"""
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 900}}


class Auditor:
    """Sign one role in and run axe on each page it opens; collect what fails."""

    def __init__(self, browser, base: str, username: str, device: dict):
        # bypass_csp: the page's CSP rightly refuses the injected axe script.
        self.context = browser.new_context(bypass_csp=True, **device)
        self.page = self.context.new_page()
        self.base = base
        self.username = username
        self.problems: list[str] = []
        self.checked: list[str] = []
        self.page.goto(f"{base}/auth/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/$"))

    def check(self, path: str, name: str, *, goto: bool = True) -> None:
        page = self.page
        if goto:
            response = page.goto(self.base + path)
            assert response is not None and response.ok, f"{path}: {response and response.status}"
        page.add_script_tag(content=AXE)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            TAGS,
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{self.username}-{name}.png"), full_page=True)
        self.checked.append(name)
        if self.context.pages[0].viewport_size["width"] <= 400:
            for small in page.evaluate(SMALL_TARGETS, TAP_TARGETS):
                self.problems.append(f"[{self.username} {name}] tap target under 44 px: {small}")
        for violation in result["violations"]:
            if violation["impact"] not in SERIOUS:
                continue
            targets = "; ".join(
                f"{', '.join(node['target'])} :: {node.get('failureSummary', '')[:160]}"
                for node in violation["nodes"][:6]
            ).replace("\n", " ")
            self.problems.append(
                f"[{self.username} {name}] {violation['id']} ({violation['impact']}): "
                f"{violation['help']} — {len(violation['nodes'])}× {targets}"
            )

    def close(self) -> None:
        self.context.close()


AXE = axe_source()


def test_every_role_sees_pages_without_serious_accessibility_violations(site, chromium):
    base, ids = site
    problems: list[str] = []
    checked = 0

    admin = Auditor(chromium, base, "admin", DESK)
    admin.check("/", "home")
    admin.check("/admin/users", "users")
    admin.check("/admin/users/new", "user-form")
    admin.check("/admin/audit/", "audit")
    admin.check(f"/pelaku-usaha/{ids['person']}", "entrepreneur")
    admin.check("/laporan/serapan", "absorption-report")
    problems += admin.problems
    checked += len(admin.checked)
    admin.close()

    fac = Auditor(chromium, base, "rina", PHONE)
    fac.check("/", "home")
    # The phone menu, opened: its links are thumb-sized too.
    fac.page.locator(".navbar-toggler, nav summary").first.click()
    fac.page.locator("nav .nav-link").first.wait_for(state="visible")
    fac.page.wait_for_timeout(400)
    opened = fac.page.evaluate(SMALL_TARGETS, "nav .nav-link, nav button, nav summary")
    assert not opened, opened
    fac.check("/pelaku-usaha", "entrepreneurs")
    fac.check(f"/pelaku-usaha/{ids['person']}", "entrepreneur")
    fac.check("/pelaku-usaha/baru", "entrepreneur-form")
    fac.page.click("main form button[type=submit]")
    fac.page.wait_for_load_state()
    fac.check("", "entrepreneur-form-refused", goto=False)
    # The summary of a refused form takes the focus and links to the fields, which point back
    # to their error text.
    page = fac.page
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#error-summary a[href='#nik']").count() == 1
    nik = page.locator("#nik")
    assert nik.get_attribute("aria-invalid") == "true"
    described = nik.get_attribute("aria-describedby").split()
    assert "Wajib diisi" in page.locator(f"#{described[0]}").inner_text()
    assert page.locator("label[for='nik']").count() == 1
    fac.check(f"/kelompok/{ids['group']}", "group")
    fac.check(f"/pelatihan/angkatan/{ids['cohort']}", "cohort")
    fac.check(f"/pelatihan/angkatan/{ids['cohort']}/sesi/{ids['session']}/presensi", "attendance")
    fac.check(f"/pelaku-usaha/{ids['person']}/skrining/baru", "screening-form")
    fac.check(f"/skrining/{ids['screening']}", "screening-result")
    fac.check(f"/lembar-konseling/{ids['share']}", "shared-counseling-sheet")
    fac.check("/rujukan", "referrals")
    fac.check(f"/rujukan/{ids['draft']}", "referral-draft")
    problems += fac.problems
    checked += len(fac.checked)
    fac.close()

    bank = Auditor(chromium, base, "bayu", PHONE)
    bank.check("/", "home")
    bank.check("/rujukan", "queue")
    bank.check(f"/rujukan/{ids['bank_referral']}", "referral")
    bank.check(f"/rujukan/{ids['approved']}", "referral-approved")
    bank.check("/pinjaman", "loans")
    problems += bank.problems
    checked += len(bank.checked)
    bank.close()

    viewer = Auditor(chromium, base, "walikota", DESK)
    viewer.check("/", "home")
    viewer.check("/laporan/serapan", "absorption-report")
    viewer.check("/pelaku-usaha", "entrepreneurs")
    problems += viewer.problems
    checked += len(viewer.checked)
    viewer.close()

    anonymous = chromium.new_context(bypass_csp=True, **PHONE)
    page = anonymous.new_page()
    page.goto(f"{base}/auth/login")
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    page.screenshot(path=str(ARTIFACTS / "login.png"), full_page=True)
    # Reached by keyboard, the sign-in button keeps its colour and shows a focus ring.
    page.focus("#password")
    page.keyboard.press("Tab")
    looks = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.textContent.trim(), s.backgroundColor, s.color,
                s.outlineStyle, s.outlineWidth]; }"""
    )
    page.screenshot(path=str(ARTIFACTS / "login-button-focused.png"))
    assert looks[0] == "Masuk" and looks[1] not in ("rgba(0, 0, 0, 0)", "transparent"), looks
    assert looks[1] != looks[2] and looks[3] != "none" and looks[4] != "0px", looks
    problems += [
        f"[login] {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            f"{', '.join(n['target'])} :: {n.get('failureSummary', '')[:160]}" for n in v["nodes"]
        ).replace("\n", " ")
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
    anonymous.close()
    checked += 1

    (ARTIFACTS / "violations.txt").write_text("\n".join(problems) + "\n", "utf-8")
    assert checked >= 15
    assert not problems, "\n".join(problems)
