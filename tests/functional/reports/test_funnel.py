"""The funnel a city official reads: conversions that can never pass 100%, and the median days
from joining training to graduating counted for everyone who graduated."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.core.dates import JAKARTA
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from harkat.reports import absorption as calc
from harkat.reports import services
from harkat.reports.domain import AbsorptionReport, FunnelStage
from harkat.training.models import Enrolment
from tests.fixtures.training import graduate


def _rows(report: AbsorptionReport) -> dict[str, FunnelStage]:
    return {row.stage: row for row in report.funnel}


def _graduate(app, entrepreneur_id: int, on: date, asked_at: datetime | None = None) -> None:
    """A closed cohort from ``on`` to four days later that the person passed; the place was
    asked for at ``asked_at`` (default: now, as when a past cohort is typed in afterwards)."""
    with app.app_context():
        person = db.session.get(Entrepreneur, entrepreneur_id)
        graduate(person, on)
        if asked_at is not None:
            db.session.execute(
                sa.update(Enrolment)
                .where(Enrolment.entrepreneur_id == entrepreneur_id)
                .values(requested_at=asked_at)
            )
        db.session.commit()


def test_screened_people_who_never_trained_do_not_push_a_conversion_past_100(
    app, client, login_as, create_user, create_entrepreneur, ready_entrepreneur
):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    # Two graduates who were screened, one graduate not (yet) screened ...
    for name in ("Siti Aminah", "Budi Santoso"):
        ready_entrepreneur(facilitator_id, full_name=name)
    _graduate(app, create_entrepreneur(facilitator_id, full_name="Dewi Lestari"), date(2026, 9, 1))
    # ... and three screened without any training: 5 screened after 3 graduates.
    for name in ("Rahmat Hidayat", "Nur Aini", "Joko Susilo"):
        ready_entrepreneur(facilitator_id, full_name=name, graduated=False)

    with app.app_context():
        figures = services.absorption_report(db.session, services.today().replace(day=1))
    rows = _rows(figures)
    assert rows["graduated"].count == 3 and rows["screened"].count == 5
    # Of the 3 graduates, 2 were screened: 66,67%, where 5 ÷ 3 said 166,67%.
    assert rows["screened"].from_previous == 2
    assert rows["screened"].conversion_percent == "66.67"
    assert rows["in_training"].conversion_percent == "50.00"  # 3 of 6 registered
    for row in figures.funnel[1:]:
        assert Decimal(row.conversion_percent or 0) <= 100, row

    # Every format says what a conversion is and none shows the old figure.
    login_as(Role.VIEWER)
    month = calc.month_key(services.today())
    page = client.get(f"/laporan/serapan?bulan={month}").get_data(as_text=True)
    assert "166,67%" not in page and "66,67%" in page
    assert "persentase UMKM di tahap sebelumnya yang juga sudah mencapai tahap ini" in page
    pdf_text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(client.get(f"/laporan/serapan/{month}.pdf").data)).pages
    )
    assert "166,67%" not in pdf_text and "66,67%" in pdf_text
    assert "persentase UMKM di tahap sebelumnya" in " ".join(pdf_text.split())
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/laporan/serapan/{month}.xlsx").data))
    sheet = book["Corong"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("juga sudah mencapai tahap ini" in t for t in texts)
    screened = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Diskrining utang")
    assert screened[3].value == pytest.approx(0.6667)


def test_no_conversion_exceeds_100_on_generated_data(app, runner):
    result = runner.invoke(args=["demo", "seed", "--entrepreneurs", "600", "--seed", "5"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        # Every month of the demo's history, each computed from scratch.
        months = {services.today().replace(day=1)}
        for k in range(1, 18):
            months.add(calc.add_months(services.today().replace(day=1), -k))
        checked = 0
        for month in sorted(months):
            rows = services.absorption_report(db.session, month, fresh=True).funnel
            for before, row in pairwise(rows):
                assert 0 <= row.from_previous <= min(before.count, row.count), row
                if row.conversion_percent is not None:
                    assert Decimal(row.conversion_percent) <= 100, (month, row)
                    checked += 1
        assert checked > 20  # the demo has activity to check, not empty months


def test_training_to_graduation_median_counts_every_graduate(
    app, client, login_as, create_user, create_entrepreneur
):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    cohort_start = date(2026, 9, 1)  # the cohort runs 1–5 September
    # Typed in on the day of the report, months after the cohort ran: joined on its first day.
    _graduate(app, create_entrepreneur(facilitator_id, full_name="Siti Aminah"), cohort_start)
    # Asked for a place on 21 and 25 August (WIB); 07.30 WIB on 21 August is 00.30 UTC.
    _graduate(
        app,
        create_entrepreneur(facilitator_id, full_name="Budi Santoso"),
        cohort_start,
        asked_at=datetime(2026, 8, 21, 7, 30, tzinfo=JAKARTA),
    )
    _graduate(
        app,
        create_entrepreneur(facilitator_id, full_name="Dewi Lestari"),
        cohort_start,
        asked_at=datetime(2026, 8, 25, 23, 30, tzinfo=JAKARTA),  # 16.30 UTC on the 25th
    )
    with app.app_context():
        figures = services.absorption_report(db.session, services.today().replace(day=1))
        september = services.absorption_report(db.session, date(2026, 9, 1))
    median = next(m for m in figures.median_days if m.to_stage == "graduated")
    # Gaps to 5 September: 4, 15 and 11 days.
    assert median.cases == 3 and median.median_days == 11
    assert _rows(figures)["graduated"].count == 3
    # The month the cohort ran counts them already, though the first place was typed in later.
    assert _rows(september)["graduated"].count == 3
    assert next(m for m in september.median_days if m.to_stage == "graduated").cases == 3

    login_as(Role.VIEWER)
    page = client.get(f"/laporan/serapan?bulan={calc.month_key(services.today())}").get_data(
        as_text=True
    )
    row = page[page.index("Ikut pelatihan BALIKAT → Lulus pelatihan") :][:200]
    assert ">11<" in row and ">3<" in row
