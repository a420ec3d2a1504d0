"""What a city official gets in hand: XLSX cells that are numbers of the right kind, PDF amounts
on one line, and dates written the Indonesian way in Jakarta time."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import sqlalchemy as sa
from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import Loan
from harkat.referrals.transitions import ReferralStatus
from harkat.reports import documents
from tests.functional.reports.conftest import utc

BIG = 12_345_678_901
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}|T\d{2}:\d{2}")


def _january_with_a_big_loan(app, place) -> None:
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=5_000_000,
    )
    with app.app_context():
        # A bank's whole January in one row: the widest amount a table cell has to hold.
        db.session.execute(sa.update(Loan).values(amount=BIG))
        db.session.commit()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_xlsx_cells_are_numbers_of_their_kind(app, client, login_as, place):
    _january_with_a_big_loan(app, place)
    login_as(Role.VIEWER)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/laporan/serapan/2026-01.xlsx").data))

    def kind(label: str) -> str:
        if "(Rp)" in label:
            return "rupiah"
        if "(%)" in label or label.startswith("Konversi"):
            return "percent"
        return "count"

    seen = {"rupiah": 0, "percent": 0, "count": 0}
    for sheet in book.worksheets:
        headers = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for column, cell in enumerate(row):
                if cell.value is None or isinstance(cell.value, str):
                    continue  # labels, notes and blanks
                # The summary mixes kinds in one column: its label says which.
                label = row[0].value if sheet.title == "Ringkasan" else headers[column]
                expected = kind(label)
                where = f"{sheet.title}!{cell.coordinate} ({label})"
                assert cell.data_type == "n", where
                if expected == "rupiah":
                    assert isinstance(cell.value, int), where
                    assert cell.number_format == documents.RUPIAH_FORMAT, where
                elif expected == "percent":
                    assert 0 <= cell.value <= 1, where
                    assert cell.number_format == "0.00%", where
                else:
                    assert isinstance(cell.value, int), where
                    assert "Rp" not in cell.number_format, where
                    assert "%" not in cell.number_format, where
                seen[expected] += 1
    assert all(n > 5 for n in seen.values()), seen

    summary = {row[0].value: row[1] for row in book["Ringkasan"].iter_rows(min_row=2)}
    absorbed = summary["Serapan dari pagu (%)"]
    # 12.345.678.901 ÷ 110 miliar = 11,22%: a share Excel shows as a percent.
    assert abs(absorbed.value - 0.1122) < 1e-9
    assert summary["Penyaluran kumulatif (Rp)"].value == BIG
    assert summary["Penyaluran kumulatif (debitur)"].value == 1
    bank = book["Per kecamatan"]
    assert [c.value for c in bank[1]][-1] == "Porsi (%)"
    shares = [r[-1].value for r in bank.iter_rows(min_row=2) if r[-1].value is not None]
    assert abs(sum(shares) - 1) < 1e-9  # shares of a breakdown sum to 100%
    # Dates are written for people, not as ISO stamps.
    assert summary["Dihitung pada"].value.endswith(" WIB")
    assert " pukul " in summary["Dihitung pada"].value
    assert not ISO_DATE.search(summary["Dihitung pada"].value)


def test_pdf_amounts_stay_on_one_line(app, client, login_as, place):
    _january_with_a_big_loan(app, place)
    login_as(Role.VIEWER)
    text = _pdf_text(client.get("/laporan/serapan/2026-01.pdf").data)
    whole = f"Rp{BIG:,}".replace(",", ".")
    # Summary (month and cumulative), the bank table (month, year), the bar charts, and
    # every breakdown (month and cumulative): each in one piece.
    assert text.count(whole) >= 20, text.count(whole)
    for amount in re.findall(r"Rp[\d.]+", text):
        assert not amount.endswith("."), amount
        assert re.fullmatch(r"Rp\d{1,3}(\.\d{3})*", amount), amount
    assert not re.search(r"Rp12\.345\.678\.\s", text)


def test_dates_on_the_page_and_in_the_pdf_are_indonesian_in_jakarta_time(
    app, client, login_as, place
):
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=5_000_000,
    )
    login_as(Role.ADMIN)
    page = client.get("/laporan/serapan?bulan=2026-01").get_data(as_text=True)
    stamp = re.search(r"dihitung (\d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WIB)", page)
    assert stamp, "the running month's stamp"
    pdf_text = " ".join(_pdf_text(client.get("/laporan/serapan/2026-01.pdf").data).split())
    assert re.search(r"dihitung \d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WIB", pdf_text)
    assert not ISO_DATE.search(pdf_text)

    # Closed at 23.50 WIB on 1 February = 16.50 UTC: the stamps say 1 Februari, 23.50 WIB.
    with app.app_context():
        from harkat.auth.models import User
        from harkat.reports import services

        admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN))
        services.close_month(db.session, date(2026, 1, 1), admin, now=utc(2026, 2, 1, 16, 50))
        db.session.commit()
    page = client.get("/laporan/serapan?bulan=2026-01").get_data(as_text=True)
    assert "Bulan ditutup 1 Februari 2026 pukul 23.50 WIB" in page
    pdf_text = " ".join(_pdf_text(client.get("/laporan/serapan/2026-01.pdf").data).split())
    assert "Bulan ditutup 1 Februari 2026 pukul 23.50 WIB oleh" in pdf_text
    assert not ISO_DATE.search(pdf_text)
    visible = re.sub(r"<[^>]+>", " ", page)
    assert not ISO_DATE.search(visible), ISO_DATE.search(visible)


def test_amounts_on_the_page_never_wrap(app, client, login_as, place):
    _january_with_a_big_loan(app, place)
    login_as(Role.VIEWER)
    page = client.get("/laporan/serapan?bulan=2026-01").get_data(as_text=True)
    whole = f"Rp{BIG:,}".replace(",", ".")
    shown = re.findall(rf'<(\w+) class="([^"]*)">{re.escape(whole)}<', page)
    assert len(shown) >= 8  # headline figures, bank table and every breakdown row
    assert all("nowrap" in classes.split() for _, classes in shown), shown
    # The fund ceiling as well, beside the gauge.
    assert '<span class="nowrap">Rp110.000.000.000</span>' in page
