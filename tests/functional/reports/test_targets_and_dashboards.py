"""Fund allocations, SAKIP indicators with computed realisation, and the dashboards per role."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import sqlalchemy as sa
from pypdf import PdfReader

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.reference.models import Bank
from harkat.referrals.transitions import ReferralStatus
from harkat.reports import sakip, services
from harkat.reports.models import FundAllocation, Indicator, Metric
from tests.functional.reports.conftest import utc


def _bank(app, code="BANK9JAMBI") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Bank.id).where(Bank.code == code))


def test_allocations_are_set_audited_and_used(app, client, login_as, place):
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=5_000_000,
    )
    login_as(Role.ADMIN)
    bank = _bank(app)
    page = client.post(
        "/admin/dana?tahun=2026", data={"bank_id": bank, "year": "2026", "amount": "banyak"}
    ).get_data(as_text=True)
    assert "Alokasi" in page and "invalid-feedback" in page
    client.post(
        "/admin/dana?tahun=2026",
        data={"bank_id": bank, "year": "2026", "amount": "Rp 50.000.000.000"},
    )
    client.post(
        "/admin/dana?tahun=2026", data={"bank_id": bank, "year": "2026", "amount": "40.000.000.000"}
    )
    page = client.get("/admin/dana?tahun=2026").get_data(as_text=True)
    assert "Rp40.000.000.000" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FundAllocation)) == 1
        changes = db.session.scalars(
            sa.select(AuditLog.action).where(AuditLog.entity_type == "fund_allocations")
        ).all()
        assert changes == ["create", "update"]
        figures = services.absorption_report(db.session, date(2026, 1, 1))
    row = next(b for b in figures.banks if b.code == "BANK9JAMBI")
    assert row.allocation == 40_000_000_000 and row.allocation_percent == "0.01"
    assert figures.fund.allocated == 40_000_000_000


def test_sakip_targets_and_computed_realisation(app, client, login_as, place):
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=5_000_000,
    )
    place(
        "Budi Santoso",
        ReferralStatus.DISBURSED,
        utc(2026, 2, 10, 3),
        disbursed_on=date(2026, 2, 10),
        amount=3_000_000,
    )
    login_as(Role.ADMIN)
    page = client.post(
        "/admin/sakip?tahun=2026",
        data={
            "year": "2026",
            "metric": "disbursed_rp",
            "name": "Dana tersalurkan",
            "annual_target": "Rp 12.000.000",
            "monthly_targets": "1;2;3",
        },
    ).get_data(as_text=True)
    assert "Target per bulan: isi tepat 12 angka." in page
    client.post(
        "/admin/sakip?tahun=2026",
        data={
            "year": "2026",
            "metric": "disbursed_rp",
            "name": "Dana tersalurkan",
            "annual_target": "Rp 12.000.000",
        },
    )
    client.post(
        "/admin/sakip?tahun=2026",
        data={
            "year": "2026",
            "metric": "absorption",
            "name": "Serapan dana",
            "annual_target": "5,5",
        },
    )
    with app.app_context():
        indicator = services.indicator(db.session, 2026, Metric.DISBURSED_RP)
        assert indicator.monthly_targets[:3] == [1_000_000, 2_000_000, 3_000_000]
        assert services.indicator(db.session, 2026, Metric.ABSORPTION).annual_target == 550
        rows = sakip.realisation(db.session, 2026, date(2026, 2, 28))
    money = next(r for r in rows if r.indicator.metric == Metric.DISBURSED_RP)
    assert money.by_month == [5_000_000, 8_000_000]
    assert money.target_ytd == 2_000_000 and money.achievement_percent == "400.00"
    page = client.get("/laporan/sakip?tahun=2026").get_data(as_text=True)
    assert "Dana tersalurkan" in page and "Rp8.000.000" in page
    xlsx = client.get("/laporan/sakip-2026.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data))["SAKIP 2026"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:3] == ["Indikator", "Satuan", "Target 2026"]
    assert any(
        row[0].value == "Dana tersalurkan" and row[4].value == 8_000_000
        for row in sheet.iter_rows(min_row=2)
    )
    pdf = client.get("/laporan/sakip-2026.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "REALISASI PERJANJIAN KINERJA" in text and "Dana tersalurkan" in text


def test_admin_and_viewer_dashboards(app, client, login_as, place):
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        services.utcnow(),
        disbursed_on=services.today(),
        amount=5_000_000,
    )
    place("Budi Santoso", ReferralStatus.SUBMITTED, utc(2026, 1, 5, 3))
    login_as(Role.VIEWER)
    page = client.get("/").get_data(as_text=True)
    assert 'aria-label="Serapan 0,00%"' in page  # Rp5 juta of Rp110 miliar
    assert "cair bulan ini Rp5.000.000" in page
    assert "Penyaluran 12 bulan terhadap target tahunan" in page
    assert "Rujukan diajukan lebih dari 14 hari" in page
    # The stale submission is counted and linked to the filtered queue.
    assert (
        '/rujukan?status=submitted&amp;umur=14">Rujukan diajukan lebih dari 14 hari</a><strong>1'
        in page
    )


def test_facilitator_home_shows_cases_by_stage_and_sessions_today(
    app, client, login_as, create_entrepreneur, create_cohort
):
    from harkat.training.models import CohortSession

    user_id, _ = login_as(Role.FACILITATOR)
    create_entrepreneur(user_id)
    cohort_id = create_cohort(starts_on=services.today())
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(CohortSession)
                .where(
                    CohortSession.cohort_id == cohort_id, CohortSession.held_on == services.today()
                )
            )
            == 1
        )
    page = client.get("/").get_data(as_text=True)
    assert "Kasus saya per tahap" in page and "Terdaftar" in page
    assert "Hari ini: sesi pelatihan (1)" in page and "Materi 1" in page


def test_indicator_rows_are_unique_per_year_and_metric(app, login_as, client):
    login_as(Role.ADMIN)
    for name in ("Lulus BALIKAT", "Lulus BALIKAT (revisi)"):
        client.post(
            "/admin/sakip?tahun=2026",
            data={"year": "2026", "metric": "trained", "name": name, "annual_target": "6000"},
        )
    with app.app_context():
        rows = db.session.scalars(sa.select(Indicator)).all()
        assert [(r.name, r.annual_target) for r in rows] == [("Lulus BALIKAT (revisi)", 6000)]


def test_an_even_target_spread_is_rounded_half_up(app, client, login_as):
    login_as(Role.ADMIN)
    client.post(
        "/admin/sakip?tahun=2026",
        data={"year": "2026", "metric": "trained", "name": "UMKM lulus", "annual_target": "10"},
    )
    with app.app_context():
        indicator = services.indicator(db.session, 2026, Metric.TRAINED)
        # 10 × k ÷ 12: 0,83 → 1 and 2,5 → 3 (truncating said 0 UMKM by January).
        assert indicator.monthly_targets == [1, 2, 3, 3, 4, 5, 6, 7, 8, 8, 9, 10]
