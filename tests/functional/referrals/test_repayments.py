"""Monthly repayment status from the bank: one loan at a time or a CSV for the month."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.cases.domain import JourneyStage
from harkat.extensions import db
from harkat.referrals import services
from harkat.referrals.models import Loan, LoanReport
from harkat.referrals.transitions import ReferralStatus
from harkat.registration.models import Entrepreneur


@pytest.fixture
def loans(create_user, ready_entrepreneur, make_referral, app):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    officer_id, officer = create_user(Role.BANK_OFFICER)
    people = [
        ready_entrepreneur(facilitator_id, full_name=name)
        for name in ("Siti Aminah", "Budi Santoso")
    ]
    for person in people:
        make_referral(
            facilitator_id, person, status=ReferralStatus.DISBURSED, officer_id=officer_id
        )
    with app.app_context():
        accounts = db.session.scalars(sa.select(Loan.account_number).order_by(Loan.id)).all()
        period = services._today().strftime("%Y-%m")
    return {
        "officer": officer,
        "facilitator": facilitator,
        "accounts": accounts,
        "people": people,
        "period": period,
    }


def _csv(rows: list[str]) -> io.BytesIO:
    header = "nomor_rekening,periode,kolektibilitas,sisa_pokok,hari_tunggakan"
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def test_csv_import_updates_each_loan_and_the_npl_list(app, client, auth, loans):
    auth.login(loans["officer"])
    first, second = loans["accounts"]
    period = loans["period"]
    response = client.post(
        "/pinjaman/impor",
        data={
            "file": (
                _csv([f"{first},{period},1,4600000,0", f"{second},{period},4,4900000,95"]),
                "okt.csv",
            )
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "2 laporan bulanan diimpor." in page
    assert "Rp9.500.000" in page  # outstanding
    assert "51,58%" in page  # NPL: 4.9 M of 9.5 M
    npl = client.get("/pinjaman?daftar=npl").get_data(as_text=True)
    assert second in npl and first not in npl
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoanReport)) == 2
        loan = db.session.scalar(sa.select(Loan).where(Loan.account_number == second))
        assert (loan.collectability, loan.outstanding) == (4, 4_900_000)
        assert db.session.get(Entrepreneur, loans["people"][0]).stage == JourneyStage.REPAYING
    # Sending the month again corrects it instead of duplicating it.
    client.post(
        "/pinjaman/impor",
        data={"file": (_csv([f"{second},{period},2,4800000,20"]), "koreksi.csv")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoanReport)) == 2
        loan = db.session.scalar(sa.select(Loan).where(Loan.account_number == second))
        assert (loan.collectability, loan.outstanding) == (2, 4_800_000)


def test_one_bad_row_saves_nothing_and_names_the_column(app, client, auth, loans):
    auth.login(loans["officer"])
    first, _ = loans["accounts"]
    page = client.post(
        "/pinjaman/impor",
        data={
            "file": (
                _csv(
                    [
                        f"{first},{loans['period']},1,4600000,0",
                        f"{first}X,{loans['period']},1,100,0",
                        f"{first},2026/13,7,-5,",
                    ]
                ),
                "salah.csv",
            )
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "2 dari 3 baris bermasalah" in page
    assert "nomor_rekening: tidak ditemukan di pinjaman bank Anda." in page
    assert "periode: tulis sebagai TTTT-BB" in page
    assert "kolektibilitas: harus 1 sampai 5." in page
    assert "sisa_pokok: isi dengan angka rupiah" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoanReport)) == 0


def test_missing_columns_and_other_banks_accounts(app, client, auth, create_user, loans):
    auth.login(loans["officer"])
    page = client.post(
        "/pinjaman/impor",
        data={"file": (io.BytesIO(b"rekening,bulan\n1,2026-01\n"), "x.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "kolom wajib tidak ada: kolektibilitas, sisa_pokok" in page
    auth.logout()
    _, other = create_user(Role.BANK_OFFICER, bank_code="BRI")
    auth.login(other)
    first, _ = loans["accounts"]
    page = client.post(
        "/pinjaman/impor",
        data={"file": (_csv([f"{first},{loans['period']},1,100,0"]), "x.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "tidak ditemukan di pinjaman bank Anda" in page
    with app.app_context():
        loan_id = db.session.scalar(sa.select(Loan.id).where(Loan.account_number == first))
    assert client.get(f"/pinjaman/{loan_id}").status_code == 404
    assert "Belum ada pinjaman" in client.get("/pinjaman").get_data(as_text=True)


def test_manual_report_on_the_loan_page(app, client, auth, loans):
    first, _ = loans["accounts"]
    with app.app_context():
        loan_id = db.session.scalar(sa.select(Loan.id).where(Loan.account_number == first))
    auth.login(loans["facilitator"])
    page = client.get(f"/pinjaman/{loan_id}").get_data(as_text=True)
    assert "Jadwal angsuran menurut akad" in page and "Simpan laporan" not in page
    assert client.post(f"/pinjaman/{loan_id}", data={}).status_code == 403
    auth.logout()
    auth.login(loans["officer"])
    page = client.post(
        f"/pinjaman/{loan_id}",
        data={"period": loans["period"], "collectability": "3", "outstanding": "99.000.000"},
    ).get_data(as_text=True)
    assert "Sisa pokok harus antara Rp0 dan plafon Rp5.000.000." in page
    response = client.post(
        f"/pinjaman/{loan_id}",
        data={
            "period": loans["period"],
            "collectability": "3",
            "outstanding": "4.500.000",
            "days_past_due": "65",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Laporan bulanan dicatat." in page and "3 · Kurang lancar" in page
