"""The monthly absorption report: correct totals, Jakarta months, agreeing formats, closing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import Loan
from harkat.referrals.transitions import ReferralStatus
from harkat.reports import documents, services
from harkat.reports.domain import Tally
from harkat.reports.models import MonthClosing, MonthClosingFile
from tests.functional.reports.conftest import utc

JAN = date(2026, 1, 1)


def test_totals_cross_check_generated_data(app, runner):
    result = runner.invoke(args=["demo", "seed", "--entrepreneurs", "3000", "--seed", "11"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        month = db.session.scalar(sa.select(sa.func.max(Loan.disbursed_on))).replace(day=1)
        first, last, _, _ = services.month_bounds(month)
        report = services.absorption_report(db.session, month)
        # Independent sums, straight from the loans table.
        month_sum, month_count = db.session.execute(
            sa.select(sa.func.sum(Loan.amount), sa.func.count()).where(
                Loan.disbursed_on >= first, Loan.disbursed_on <= last
            )
        ).one()
        total, count = db.session.execute(
            sa.select(sa.func.sum(Loan.amount), sa.func.count()).where(Loan.disbursed_on <= last)
        ).one()
        assert report.month_disbursed == Tally(count=month_count, amount=month_sum)
        assert report.cumulative.amount == total
        assert report.cumulative.count == count
        assert report.cumulative.remaining == 110_000_000_000 - total
        for name, block in report.breakdowns.items():
            assert sum(r.month_amount for r in block.rows) == month_sum, name
            assert sum(r.cumulative_amount for r in block.rows) == total, name
        assert sum(b.cumulative_amount for b in report.banks) == total
        by_bank = dict(
            db.session.execute(
                sa.select(Loan.bank_id, sa.func.sum(Loan.amount))
                .where(Loan.disbursed_on >= date(first.year, 1, 1), Loan.disbursed_on <= last)
                .group_by(Loan.bank_id)
            ).all()
        )
        assert sum(b.year_amount for b in report.banks) == sum(by_bank.values())
        assert report.fund.allocated == 110_000_000_000  # demo allocations
        funnel = {row.stage: row.count for row in report.funnel}
        assert funnel["disbursed"] == db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Loan.entrepreneur_id))).where(
                Loan.disbursed_on <= last
            )
        )
        assert funnel["registered"] >= funnel["screened"] >= funnel["disbursed"]
        json.dumps(report.to_dict())  # JSON-ready: no floats, dates or Decimals inside


def test_months_are_calendar_months_in_jakarta_time(app, place):
    # 23:30 WIB on 31 January is 16:30 UTC; 00:30 WIB on 1 February is 17:30 UTC on 31 January.
    place(
        "Akhir Januari",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 31, 16, 30),
        disbursed_on=date(2026, 1, 31),
        amount=3_000_000,
    )
    place(
        "Awal Februari",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 31, 17, 30),
        disbursed_on=date(2026, 2, 1),
        amount=7_000_000,
    )
    place("Diajukan 23.30", ReferralStatus.SUBMITTED, utc(2026, 1, 31, 16, 30), amount=2_000_000)
    place("Diajukan 00.30", ReferralStatus.SUBMITTED, utc(2026, 1, 31, 17, 30), amount=4_000_000)
    with app.app_context():
        january = services.absorption_report(db.session, JAN)
        february = services.absorption_report(db.session, date(2026, 2, 1))
    assert january.month_disbursed == Tally(count=1, amount=3_000_000)
    assert february.month_disbursed == Tally(count=1, amount=7_000_000)
    assert february.cumulative.amount == 10_000_000
    assert january.pipeline.submitted == Tally(count=1, amount=2_000_000)
    assert february.pipeline.submitted == Tally(count=2, amount=6_000_000)
    assert january.to_dict()["period"] == {"start": "2026-01-01", "end": "2026-01-31"}


def test_every_format_shows_the_same_figures(app, client, auth, login_as, place):
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=4_250_000,
    )
    login_as(Role.VIEWER)
    page = client.get("/laporan/serapan?bulan=2026-01").get_data(as_text=True)
    assert "Laporan serapan dana · Januari 2026" in page and "Rp4.250.000" in page
    assert "<svg" in page and "Angka sementara" in page
    # At Rp1,4 juta a month the Rp110 miliar fund would take more than a century.
    assert "pagu baru habis terserap lebih dari 100 tahun lagi" in page
    data = {}
    for fmt in ("csv", "xlsx", "pdf"):
        response = client.get(f"/laporan/serapan/2026-01.{fmt}")
        assert response.status_code == 200, fmt
        assert response.headers["Content-Disposition"].startswith("attachment")
        data[fmt] = response.data
    # JSON is for admins: a viewer is not offered it and cannot fetch it by its address.
    assert "Unduh JSON" not in page and "Unduh CSV" in page
    assert client.get("/laporan/serapan/2026-01.json").status_code == 404
    auth.logout()
    login_as(Role.ADMIN)
    assert "Unduh JSON" in client.get("/laporan/serapan?bulan=2026-01").get_data(as_text=True)
    data["json"] = client.get("/laporan/serapan/2026-01.json").data
    figures = json.loads(data["json"])
    assert figures["month_disbursed"] == {"count": 1, "amount": 4_250_000}
    rows = list(csv.DictReader(io.StringIO(data["csv"].decode("utf-8-sig"))))
    assert {
        "bagian": "bulan_ini",
        "kode": "disbursed",
        "uraian": "Penyaluran bulan ini",
        "ukuran": "rupiah",
        "nilai": "4250000",
    } in rows
    book = openpyxl.load_workbook(io.BytesIO(data["xlsx"]))
    assert {
        "Ringkasan",
        "Bank",
        "Alur rujukan",
        "Per kecamatan",
        "Per kelurahan",
        "Per sektor",
        "Per skala",
        "Per jenis kelamin",
        "Kelompok-perorangan",
        "Per besar pinjaman",
        "Corong",
        "Median hari",
        "Penolakan",
        "Skrining",
        "Tren",
    } <= set(book.sheetnames)
    summary = book["Ringkasan"]
    assert summary.freeze_panes == "A2"
    values = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    assert values["Penyaluran bulan ini (Rp)"].value == 4_250_000
    assert values["Penyaluran bulan ini (Rp)"].number_format == documents.RUPIAH_FORMAT
    kecamatan = book["Per kecamatan"]
    assert kecamatan["A2"].value == "Telanaipura" and kecamatan["C2"].value == 4_250_000
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data["pdf"])).pages)
    assert "JANUARI 2026" in text and "Rp4.250.000" in text and "Halaman 1" in text
    # Every word a reader sees is Indonesian: the referral pipeline is the "alur".
    assert "Alur rujukan di akhir bulan" in text and "Alur rujukan di akhir bulan" in page
    assert not any("pipeline" in found.lower() for found in (text, page, *book.sheetnames))
    assert not any(row["bagian"] == "pipeline" for row in rows)


def test_closing_freezes_the_month_and_late_entries_become_adjustments(
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
    page = client.post(
        "/laporan/serapan/tutup", data={"month": "2026-01"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Januari 2026 ditutup" in page
    with app.app_context():
        closing = db.session.scalar(sa.select(MonthClosing))
        stored = {f.format: f for f in db.session.scalars(sa.select(MonthClosingFile))}
        assert set(stored) == {"pdf", "xlsx", "csv", "json"}
        assert closing.hashes["pdf"] == hashlib.sha256(stored["pdf"].data).hexdigest()
    frozen_pdf = client.get("/laporan/serapan/2026-01.pdf").data
    assert hashlib.sha256(frozen_pdf).hexdigest() == closing.hashes["pdf"]

    # A January loan typed in now, after the closing: January does not change ...
    place(
        "Budi Santoso",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 20, 3),
        disbursed_on=date(2026, 1, 20),
        amount=3_000_000,
        entered_at=services.utcnow(),
    )
    figures = json.loads(client.get("/laporan/serapan/2026-01.json").data)
    assert figures["month_disbursed"]["amount"] == 5_000_000
    assert figures["closed"]["by"]
    assert client.get("/laporan/serapan/2026-01.pdf").data == frozen_pdf
    page = client.get("/laporan/serapan?bulan=2026-01").get_data(as_text=True)
    assert "Bulan ditutup" in page and "Rp5.000.000" in page
    # ... and the month it was entered shows it as an adjustment.
    this_month = services.today().strftime("%Y-%m")
    current = json.loads(client.get(f"/laporan/serapan/{this_month}.json").data)
    assert current["adjustments"] == {
        "count": 1,
        "amount": 3_000_000,
        "items": [{"month": "2026-01", "count": 1, "amount": 3_000_000}],
    }
    assert current["cumulative"]["amount"] == 8_000_000

    # Closing twice is refused; reopening needs a reason, then January is live again.
    page = client.post(
        "/laporan/serapan/tutup", data={"month": "2026-01"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Januari 2026 sudah ditutup." in page
    page = client.post(
        "/laporan/serapan/buka", data={"month": "2026-01", "reason": "x"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Alasan membuka kembali wajib diisi" in page
    client.post(
        "/laporan/serapan/buka",
        data={"month": "2026-01", "reason": "Bank 9 Jambi melaporkan pencairan susulan"},
    )
    figures = json.loads(client.get("/laporan/serapan/2026-01.json").data)
    assert figures["month_disbursed"]["amount"] == 8_000_000 and figures["closed"] is None
    with app.app_context():
        from harkat.audit.models import AuditLog

        reopened = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "month_reopen"))
        assert "susulan" in json.dumps(reopened.changes)


def test_the_running_month_cannot_be_closed(client, login_as):
    login_as(Role.ADMIN)
    this_month = services.today().strftime("%Y-%m")
    page = client.post(
        "/laporan/serapan/tutup", data={"month": this_month}, follow_redirects=True
    ).get_data(as_text=True)
    assert "belum berakhir" in page


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv", "json"])
def test_cli_writes_each_format(app, runner, tmp_path, fmt, place):
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=5_000_000,
    )
    target = tmp_path / f"laporan.{fmt}"
    result = runner.invoke(
        args=[
            "report",
            "absorption",
            "--month",
            "2026-01",
            "--format",
            fmt,
            "--output",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Januari 2026" in result.output
    with app.app_context():
        expected = documents.render(services.absorption_report(db.session, JAN), fmt)
    if fmt == "json":
        produced = json.loads(target.read_bytes())
        assert produced["month_disbursed"] == json.loads(expected)["month_disbursed"]
    else:
        assert target.stat().st_size > 100
    bad = runner.invoke(
        args=["report", "absorption", "--month", "2026-13", "--output", str(target)]
    )
    assert bad.exit_code != 0 and "Bulan" in bad.output


def test_bad_months_answer_404(client, login_as):
    login_as(Role.VIEWER)
    assert client.get("/laporan/serapan?bulan=2026-13").status_code == 404
    assert client.get("/laporan/serapan/abc.pdf").status_code == 404
    assert client.get("/laporan/serapan/2026-01.exe").status_code == 404


def test_an_open_month_pipeline_equals_the_one_rebuilt_from_the_log(app, place):
    """While a month runs its pipeline is read from each referral's status; rebuilt from the
    transition log at a moment after the last move, it must come out the same."""
    from datetime import timedelta

    now = services.utcnow()
    for name, status in (
        ("Siti Aminah", ReferralStatus.SUBMITTED),
        ("Budi Santoso", ReferralStatus.NEEDS_INFO),
        ("Dewi Lestari", ReferralStatus.APPROVED),
        ("Rahmat Hidayat", ReferralStatus.DISBURSED),
    ):
        place(name, status, now - timedelta(days=2), disbursed_on=(now - timedelta(days=1)).date())
    with app.app_context():
        live = services._status_at(db.session, services.utcnow() + timedelta(days=30))
        rebuilt = services._status_at(db.session, services.utcnow() - timedelta(microseconds=1))
        assert live == rebuilt
        assert live[ReferralStatus.NEEDS_INFO] == (1, 5_000_000)
        assert live[ReferralStatus.DISBURSED][0] == 1
