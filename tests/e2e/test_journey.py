"""The whole journey in a real browser: accounts, registration, training, screening, referral,
the bank's decision and disbursement, and the monthly report the city reads."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl
from pypdf import PdfReader

from harkat.reports import services as reports
from tests.e2e.conftest import ADMIN_PASSWORD
from tests.fixtures.referrals import PDF, png_bytes
from tests.fixtures.registration import valid_nik

PASSWORD = "Jambi-Bahagia-2026!"
PNG = png_bytes()


def login(page, base, username, password=PASSWORD):
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    arrive(page, r".*/$")


def arrive(page, pattern: str) -> None:
    """Wait for the page to reach ``pattern``; if it does not, fail with what the page says."""
    try:
        page.wait_for_url(re.compile(pattern), timeout=10_000)
    except Exception:
        errors = page.locator(".invalid-feedback, .alert-danger, .text-danger").all_inner_texts()
        raise AssertionError(f"stayed on {page.url}: {errors}") from None


def create_account(page, base, username, full_name, role, *, bank=None, kecamatan=None):
    page.goto(f"{base}/admin/users/new")
    page.fill("#username", username)
    page.fill("#full_name", full_name)
    page.select_option("#role", role)
    if bank:
        page.select_option("#bank", label=bank)
    if kecamatan:
        page.get_by_label(kecamatan, exact=True).check()
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "tidak" not in page.locator(".invalid-feedback").all_inner_texts()


def test_from_registration_to_disbursement_and_the_monthly_report(
    live_server, browser, shot, tmp_path
):
    _app, base = live_server
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    admin = desk.new_page()

    # 1. The admin creates the facilitator, the bank officer and a viewer.
    login(admin, base, "admin", ADMIN_PASSWORD)
    create_account(admin, base, "rina", "Rina Pendamping", "facilitator", kecamatan="Telanaipura")
    create_account(
        admin, base, "bank9", "Bayu Bank 9", "bank_officer", bank="Bank 9 Jambi (Bank Jambi)"
    )
    create_account(admin, base, "walikota", "Staf Wali Kota", "viewer")
    admin.goto(f"{base}/admin/users")
    shot(admin, "admin-users")
    assert "rina" in admin.content() and "bank9" in admin.content()

    # 2. The facilitator registers an entrepreneur on a phone, typing the NIK with spaces.
    fac = phone.new_page()
    login(fac, base, "rina")
    nik = valid_nik("15.71.01")
    fac.goto(f"{base}/pelaku-usaha/baru")
    fac.fill("#nik", f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}")
    fac.fill("#full_name", "Siti Aminah")
    fac.fill("#birth_place", "Jambi")
    fac.fill("#phone", "0812 3456 7890")
    fac.fill("#address", "Jl. Sultan Thaha No. 5")
    fac.select_option("#kelurahan_code", index=1)
    shot(fac, "phone-register")
    fac.click("main form button[type=submit]")
    arrive(fac, r".*/pelaku-usaha/\d+$")
    person = int(fac.url.rsplit("/", 1)[1])
    # Typed with spaces, stored as 16 digits, shown in full (grouped) to the facilitator.
    assert f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}" in fac.content()
    assert "Siti Aminah" in fac.content()
    fac.goto(f"{base}/pelaku-usaha/{person}/persetujuan")
    fac.check("#processing")
    fac.check("#bank_sharing")
    fac.click("main form button[type=submit]")
    fac.goto(f"{base}/pelaku-usaha/{person}/usaha/baru")
    fac.fill("#name", "Keripik Tempe Bu Siti")
    fac.fill("#monthly_revenue", "9.000.000")
    fac.fill("#monthly_costs", "5.000.000")
    fac.click("main form button[type=submit]")
    shot(fac, "phone-entrepreneur")

    # 3. Training: a cohort with one session, enrolment, attendance, post-test, closing.
    today = reports.today()
    fac.goto(f"{base}/pelatihan/angkatan/baru")
    fac.select_option("#course_id", index=1)
    fac.fill("#name", "Angkatan E2E")
    fac.fill("#venue", "Aula Kantor Camat Telanaipura")
    fac.select_option("#kecamatan_code", label="Telanaipura")
    fac.fill("#starts_on", (today - timedelta(days=2)).isoformat())
    fac.fill("#ends_on", (today - timedelta(days=1)).isoformat())
    fac.fill("#capacity", "20")
    fac.click("main form button[type=submit]")
    arrive(fac, r".*/angkatan/\d+$")
    cohort_url = fac.url
    fac.fill("#held_on", (today - timedelta(days=2)).isoformat())
    fac.fill("#topic", "Pembukuan sederhana")
    fac.click("form[action$='/sesi'] button[type=submit]")
    fac.fill("#cari-q", "Siti")
    fac.click("#daftar button[type=submit]")
    fac.check(f"#calon-{person}")
    fac.click("form[action$='/peserta'] button[type=submit]")
    fac.click("form[action$='/mulai'] button[type=submit]")
    fac.click("a[href*='/presensi']")
    fac.click("[data-harkat-fill=present]")
    shot(fac, "phone-attendance")
    fac.click("main form button[type=submit]")
    fac.goto(cohort_url.replace(cohort_url.split("/pelatihan")[0], base) + "/nilai")
    fac.fill("input[id^=pre]", "55")
    fac.fill("input[id^=post]", "82")
    fac.click("main form button[type=submit]")
    fac.goto(cohort_url)
    fac.click("a[href$='/tutup']")
    assert "Yang akan terjadi" in fac.content()
    shot(fac, "phone-cohort-close-confirm")
    fac.click("form[action$='/tutup'] button[type=submit]")
    fac.wait_for_load_state()
    shot(fac, "phone-cohort-closed")
    assert "Lulus" in fac.content()

    # 4. Screening with a daily loan shark: KUNING with a take-over.
    fac.goto(f"{base}/pelaku-usaha/{person}/skrining/baru")
    fac.fill("#household_income", "1.000.000")
    fac.fill("#business_income", "4.000.000")
    fac.fill("#household_expenses", "2.000.000")
    fac.fill("#debts-0-lender_name", "Bank keliling Pasar Angso Duo")
    fac.select_option("#debts-0-lender_type", "rentenir")
    fac.fill("#debts-0-principal", "1.000.000")
    fac.fill("#debts-0-outstanding", "780.000")
    fac.fill("#debts-0-instalment", "40.000")
    fac.select_option("#debts-0-frequency", "daily")
    fac.fill("#debts-0-instalments_total", "30")
    fac.fill("#debts-0-instalments_paid", "10")
    shot(fac, "phone-screening-form")
    fac.click("button:has-text('Hitung dan simpan skrining')")
    arrive(fac, r".*/skrining/\d+$")
    shot(fac, "phone-screening-result")
    assert "KUNING" in fac.content().upper()

    # 5. The referral: drafted, documents uploaded, submitted.
    fac.goto(f"{base}/rujukan/baru?pelaku={person}")
    fac.select_option("#scheme_id", index=0)
    fac.fill("#tenor_months", "12")
    fac.fill("#members-0-amount", "5.000.000")
    shot(fac, "phone-referral-form")
    fac.click("main form button[type=submit]")
    arrive(fac, r".*/rujukan/\d+$")
    referral_url = fac.url
    # All four documents in one upload: each file's kind is guessed from what is missing.
    scans = []
    for kind in ("ktp", "kk", "nib_sku", "business_photo"):
        scan = tmp_path / f"{kind}.png"
        scan.write_bytes(PNG)
        scans.append(str(scan))
    fac.set_input_files("[data-doc-picker]", scans)
    fac.click("form[action$='/dokumen'] button:has-text('Unggah 4 berkas')")
    fac.wait_for_load_state()
    assert "4 dokumen diunggah" in fac.content()
    shot(fac, "phone-referral-checklist")
    fac.click("a[href$='/aksi/submit']")
    shot(fac, "phone-submit-confirm")
    fac.click("form[action$='/aksi'] button:has-text('Ya, ajukan ke bank')")
    fac.wait_for_load_state()
    assert "kini berstatus Diajukan" in fac.content()

    # 6. The bank asks for more; the facilitator answers; the bank approves and disburses.
    bank_context = browser.new_context(viewport={"width": 1280, "height": 900})
    bank = bank_context.new_page()
    login(bank, base, "bank9")
    bank.goto(f"{base}/rujukan")
    shot(bank, "bank-queue")
    bank.goto(referral_url)
    bank.fill("#note-request_info", "Mohon foto etalase terbaru.")
    bank.click("form:has(#note-request_info) button[type=submit]")
    bank.wait_for_load_state()
    fac.goto(referral_url)
    assert "Mohon foto etalase terbaru." in fac.content()
    fac.fill("#note-answer", "Foto etalase sudah diunggah ulang.")
    fac.click("form:has(#note-answer) button[type=submit]")
    fac.wait_for_load_state()
    bank.goto(referral_url)
    shot(bank, "bank-review")
    bank.click("a[href$='/aksi/approve']")
    bank.click("form:has(#approved_amount) button:has-text('Ya, setujui')")
    bank.wait_for_load_state()
    assert "kini berstatus Disetujui" in bank.content()
    fac.goto(f"{base}/kotak-masuk")
    assert "Rujukan disetujui" in fac.content()
    shot(fac, "phone-inbox")
    bank.click("a:has-text('Catat pencairan')")
    bank.fill("#lines-0-disbursed_on", today.isoformat())
    bank.fill("#lines-0-account_number", "001-KUR-E2E-01")
    # The loan shark taken over is paid off from the loan, with its settlement letter.
    bank.fill("#payoffs-0-paid_on", today.isoformat())
    bank.set_input_files(
        "#payoffs-0-proof",
        files=[{"name": "surat-lunas.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    shot(bank, "bank-disbursement")
    bank.click("#konfirmasi-pencairan summary")
    bank.click("button:has-text('Ya, catat pencairan')")
    bank.wait_for_load_state()
    assert "Pencairan rujukan" in bank.content()
    packet = bank.request.get(referral_url + "/paket.pdf")
    assert packet.ok and nik in PdfReader(io.BytesIO(packet.body())).pages[
        1
    ].extract_text().replace(" ", "")

    # 7. The city reads the month's report and downloads it.
    city_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    city = city_context.new_page()
    login(city, base, "walikota")
    month = today.strftime("%Y-%m")
    city.goto(f"{base}/laporan/serapan?bulan={month}")
    shot(city, "viewer-report")
    assert "Rp5.000.000" in city.content()
    with city.expect_download() as pdf_download:
        city.click("a:has-text('Unduh PDF')")
    text = " ".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages)
    assert "Rp5.000.000" in text
    with city.expect_download() as xlsx_download:
        city.click("a:has-text('Unduh Excel')")
    assert xlsx_download.value.suggested_filename == f"laporan-serapan-{month}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    values = {row[0].value: row[1].value for row in book["Ringkasan"].iter_rows(min_row=2)}
    assert values["Penyaluran bulan ini (Rp)"] == 5_000_000
    for context in (desk, phone, bank_context, city_context):
        context.close()
