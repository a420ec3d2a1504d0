"""One consistent story about debts on the result page, the counseling sheet and the admin home:
rates labelled nominal/effective, the high-cost rule, DSR never rounded across a limit, no
negative savings, the illegal-lender payoff cap with an audited admin override, and "licence
unknown" while the registry is empty or out of date."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import sqlalchemy as sa
from pypdf import PdfReader

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.screening.engine import Outcome
from harkat.screening.models import Screening, ScreeningDebt
from harkat.screening.registry import seed_demo_registry, today

HOUSEHOLD = {
    "business_income": "1.000.000",
    "household_income": "",
    "household_expenses": "",
    "proposed_instalment": "",
    "slik_worst_collectability": "",
    "slik_checked_on": "",
}


def _text(response) -> str:
    """The page as a reader sees it: tags dropped, white space collapsed."""
    text = re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
    return " ".join(html.unescape(text).split())


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _debt(row: int = 0, **values) -> dict:
    return {f"debts-{row}-{key}": value for key, value in values.items()}


def _screen(client, entrepreneur_id, debts: dict, **household):
    response = client.post(
        f"/pelaku-usaha/{entrepreneur_id}/skrining/baru",
        data={
            **HOUSEHOLD,
            **_debt(lender_type="bank", frequency="monthly"),
            **household,
            **debts,
            "submit": "1",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, _text(response)
    return response.headers["Location"]


ILLEGAL = _debt(
    lender_name="Dana Kilat",
    lender_type="pinjol_ilegal",
    principal="1.000.000",
    outstanding="2.400.000",
    instalment="300.000",
    frequency="weekly",
    instalments_total="10",
    instalments_paid="1",
    amount_repaid="450.000",
)


def test_the_dsr_of_30_04_percent_is_kuning_and_shown_as_30_04(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    exactly = _screen(client, someone, {}, proposed_instalment="300.000")
    above = _screen(client, someone, {}, proposed_instalment="300.400")

    assert "DSR termasuk angsuran BANK HARKAT 30% (batas 30%)." in _text(client.get(exactly))
    page = _text(client.get(above))
    assert "DSR termasuk angsuran BANK HARKAT 30,04% (di atas 30%, batas 40%)." in page
    assert "30,0%" not in page
    with app.app_context():
        outcomes = db.session.scalars(sa.select(Screening.outcome).order_by(Screening.id)).all()
        assert outcomes == [Outcome.HIJAU, Outcome.KUNING]
        stored = db.session.scalars(sa.select(Screening.dsr_with_proposed).order_by(Screening.id))
        assert [str(v) for v in stored] == ["30.0000", "30.0400"]


def test_a_bank_loan_at_eleven_percent_flat_is_not_high_cost_and_the_rule_is_stated(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    flat = _debt(
        lender_name="BRI Unit Telanaipura",
        lender_type="bank",
        principal="10.000.000",
        outstanding="8.325.000",
        instalment="925.000",
        frequency="monthly",
        instalments_total="12",
        instalments_paid="3",
    )
    location = _screen(client, someone, flat, business_income="5.000.000")
    page = _text(client.get(location))

    assert "Hijau" in page
    assert ">biaya tinggi<" not in client.get(location).get_data(as_text=True)  # no badge
    assert "Setara bunga nominal 19,7% per tahun (efektif 21,6% per tahun)" in page
    assert "bunga nominal di atas 50% per tahun" in page
    sheet = _pdf_text(client.get(f"{location}/konseling.pdf"))
    assert "bunga nominal di atas 50% per tahun" in sheet
    assert "Tidak ada utang berbiaya tinggi" in sheet and "· biaya tinggi" not in sheet
    assert "nominal 19,7% per tahun (efektif 21,6% per tahun)" in sheet


def test_an_illegal_lender_is_offered_principal_minus_repaid_on_page_and_sheet(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    location = _screen(client, someone, ILLEGAL, business_income="5.000.000")
    page = _text(client.get(location))

    assert "Dilunasi paling banyak Rp550.000, bukan tagihan Rp2.400.000" in page
    assert "OJK dan Satgas PASTI" in page
    assert "sudah dibayar Rp450.000" in page
    with app.app_context():
        debt = db.session.scalar(sa.select(ScreeningDebt))
        assert (debt.amount_repaid, debt.take_over_amount, debt.taken_over) == (
            450_000,
            550_000,
            True,
        )
        assert db.session.scalar(sa.select(Screening.take_over_amount)) == 550_000
    sheet = _pdf_text(client.get(f"{location}/konseling.pdf"))
    assert "dilunasi paling banyak Rp550.000" in sheet
    assert "bukan tagihan Rp2.400.000" in sheet
    assert "Satgas PASTI" in sheet
    assert "nominal 1.420,6% per tahun" in sheet  # the same words as on the page
    assert "nominal 1.420,6% per tahun" in page


def test_a_take_over_that_costs_more_is_said_in_words_never_as_a_negative_saving(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    koperasi = _debt(
        lender_name="Koperasi Maju",
        lender_type="koperasi",
        principal="1.500.000",
        outstanding="600.000",
        instalment="300.000",
        frequency="monthly",
        instalments_total="6",
        instalments_paid="4",
    )
    location = _screen(client, someone, koperasi, proposed_instalment="200.000")
    with app.app_context():
        assert db.session.scalar(sa.select(Screening.take_over_savings)) < 0
    page = _text(client.get(location))
    sheet = _pdf_text(client.get(f"{location}/konseling.pdf"))
    for text in (page, sheet):
        assert "lebih mahal daripada melanjutkan utang lama" in text
        assert "Rp-" not in text and "-Rp" not in text
        assert "Uang yang dihemat" not in text


def test_while_the_registry_is_empty_an_unlisted_lender_is_unknown_not_illegal(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    pindar = _debt(
        lender_name="DanaKilat Express",
        lender_type="pindar",
        principal="1.500.000",
        outstanding="1.500.000",
        instalment="600.000",
        frequency="monthly",
        instalments_total="3",
        instalments_paid="0",
    )
    location = _screen(client, someone, pindar)
    page = _text(client.get(location))

    assert "kemungkinan ilegal" not in page and "tidak berizin" not in page
    assert "izin belum diketahui" in page
    assert "Status izin OJK DanaKilat Express belum diketahui" in page
    assert "masih kosong" in page
    sheet = _pdf_text(client.get(f"{location}/konseling.pdf"))
    assert "status izin OJK belum diketahui" in sheet and "kemungkinan ilegal" not in sheet
    with app.app_context():
        debt = db.session.scalar(sa.select(ScreeningDebt))
        assert debt.is_licensed is None and debt.take_over_amount == debt.outstanding


def test_while_the_registry_is_older_than_its_configured_age_the_licence_is_unknown(
    app, client, auth, login_as, create_entrepreneur
):
    with app.app_context():
        seed_demo_registry(db.session, checked_on=today() - timedelta(days=120))
        db.session.commit()
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    pindar = _debt(
        lender_name="DanaKilat Express",
        lender_type="pindar",
        principal="1.500.000",
        outstanding="1.500.000",
        instalment="600.000",
        frequency="monthly",
        instalments_total="3",
    )
    page = _text(client.get(_screen(client, someone, pindar)))
    assert "kemungkinan ilegal" not in page
    assert "120 hari lalu, lebih dari 90 hari" in page

    auth.logout()
    login_as(Role.ADMIN)
    client.post("/admin/aturan/", data={"screening.registry_max_age_days": "180"})
    auth.logout()
    facilitator_id, _ = login_as(Role.FACILITATOR)
    other = create_entrepreneur(facilitator_id, full_name="Rina Wati")
    page = _text(client.get(_screen(client, other, pindar)))
    assert "kemungkinan ilegal" in page and "tidak berizin" in page


def test_an_admin_overrides_a_payoff_with_a_reason_and_it_is_audited(
    app, client, auth, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    location = _screen(client, someone, ILLEGAL, business_income="5.000.000")
    with app.app_context():
        debt_id = db.session.scalar(sa.select(ScreeningDebt.id))
    url = f"/skrining/utang/{debt_id}/pelunasan"
    form = {
        f"utang{debt_id}-amount": "800.000",
        f"utang{debt_id}-reason": "Kesepakatan tertulis dengan penagih di depan pendamping",
    }
    assert client.post(url, data=form).status_code == 403  # a facilitator may not
    assert "Ubah jumlah pelunasan" not in _text(client.get(location))

    auth.logout()
    login_as(Role.BANK_OFFICER)
    assert client.post(url, data=form).status_code == 403
    auth.logout()
    login_as(Role.ADMIN)
    assert client.post("/skrining/utang/999999/pelunasan", data=form).status_code == 404
    refused = client.post(url, data={**form, f"utang{debt_id}-reason": "ok"})
    assert refused.status_code == 400
    assert "Alasan wajib diisi (minimal 10 huruf)." in _text(refused)
    too_much = client.post(url, data={**form, f"utang{debt_id}-amount": "3jt"})
    assert "antara Rp0 dan sisa tagihan Rp2.400.000" in _text(too_much)

    response = client.post(url, data=form)
    assert response.status_code == 302
    page = _text(client.get(location))
    assert "Dilunasi paling banyak Rp800.000" in page
    assert "Kesepakatan tertulis dengan penagih" in page
    with app.app_context():
        debt = db.session.get(ScreeningDebt, debt_id)
        assert debt.take_over_amount == 800_000 and debt.take_over_override_at is not None
        assert db.session.scalar(sa.select(Screening.take_over_amount)) == 800_000
        entry = db.session.scalar(
            sa.select(AuditLog).where(AuditLog.action == "screening.take_over_override")
        )
        assert entry is not None and entry.actor_name
        assert entry.changes["take_over_amount"] == [550_000, 800_000]
        assert "Kesepakatan tertulis" in entry.changes["reason"]


def test_the_admin_home_asks_for_the_ojk_list_while_it_is_missing_or_old(app, client, login_as):
    login_as(Role.ADMIN)
    page = _text(client.get("/"))
    assert "Tugas: impor daftar pinjaman daring berizin OJK terbaru" in page
    assert 'href="/admin/pemberi-pinjaman/impor"' in client.get("/").get_data(as_text=True)

    with app.app_context():
        seed_demo_registry(db.session, checked_on=today() - timedelta(days=100))
        db.session.commit()
    page = _text(client.get("/"))
    assert "Tugas: impor daftar pinjaman daring berizin OJK terbaru" in page
    assert "100 hari lalu, batas 90 hari" in page

    client.post("/admin/aturan/", data={"screening.registry_max_age_days": "120"})
    assert "Tugas: impor daftar" not in _text(client.get("/"))


def test_the_registry_screen_explains_the_source_and_the_csv_format(client, auth, login_as):
    login_as(Role.ADMIN)
    page = _text(client.get("/admin/pemberi-pinjaman/impor"))
    assert "www.ojk.go.id" in page and "Penyelenggara Pindar Berizin di OJK" in page
    for column in ("Nama Platform", "Nama Perusahaan", "Nomor Izin", "Status", "Tanggal Cek"):
        assert column in page
    sample = client.get("/admin/pemberi-pinjaman/impor/contoh.csv")
    assert sample.status_code == 200 and sample.mimetype == "text/csv"
    assert sample.data.decode("utf-8-sig").startswith(
        "Nama Platform;Nama Perusahaan;Nomor Izin;Status;Tanggal Cek"
    )
    assert "www.ojk.go.id" in _text(client.get("/admin/pemberi-pinjaman/"))
    auth.logout()
    login_as(Role.FACILITATOR)
    assert client.get("/admin/pemberi-pinjaman/impor/contoh.csv").status_code == 403


def test_the_name_checker_does_not_call_a_lender_illegal_from_an_old_registry(
    app, client, login_as
):
    with app.app_context():
        seed_demo_registry(db.session, checked_on=today() - timedelta(days=120))
        db.session.commit()
    login_as(Role.FACILITATOR)
    page = _text(client.get("/admin/pemberi-pinjaman/cek?nama=DanaKilat+Express"))
    assert "Status izin belum diketahui" in page and "Kemungkinan ilegal" not in page
    assert "Berizin OJK" in _text(client.get("/admin/pemberi-pinjaman/cek?nama=Kredivo"))
