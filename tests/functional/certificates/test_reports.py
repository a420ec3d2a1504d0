"""Cohort reports: exact figures for hand-built cohorts, scope, the page and the workbook."""

from __future__ import annotations

import html
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.reference.models import Course
from harkat.training import reports
from harkat.training.domain import CohortStatus, EnrolmentStatus, TrainingResult

TODAY = date(2026, 6, 1)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def known_cohort(admin_id, build_cohort, create_entrepreneur, enrol):
    """A closed Telanaipura cohort of 4 sessions with 4 enrolees, 1 withdrawn, 1 waitlisted.

    present: 4, 3, 2 (the withdrawn one attended 1, which does not count);
    passed 2 of 4; pre/post: (50, 80), (60, 70), (40, —), withdrawn (30, —).
    """
    cohort_id = build_cohort(name="Angkatan Uji", starts_on=date(2026, 3, 2))

    def person(name: str) -> int:
        return create_entrepreneur(admin_id, full_name=name)

    enrol(cohort_id, person("Ani"), pre_test="50", post_test="80", present=4)
    enrol(cohort_id, person("Budi"), pre_test="60", post_test="70", present=3, excused=1)
    enrol(
        cohort_id,
        person("Cici"),
        result=TrainingResult.FAILED,
        pre_test="40",
        present=2,
        excused=1,
    )
    enrol(
        cohort_id,
        person("Dedi"),
        status=EnrolmentStatus.WITHDRAWN,
        result=TrainingResult.WITHDRAWN,
        pre_test="30",
        present=1,
    )
    enrol(cohort_id, person("Eka"), status=EnrolmentStatus.WAITLISTED, result=None, pre_test="99")
    return cohort_id


def _as(app, user_id):
    return db.session.get(User, user_id)


def test_cohort_figures_are_exact(app, admin_id, known_cohort):
    with app.app_context():
        (row,) = reports.cohort_rows(
            db.session, _as(app, admin_id), reports.ReportFilter(), today=TODAY
        )
    assert row.cohort_id == known_cohort
    assert (row.name, row.course_code, row.kecamatan) == ("Angkatan Uji", "BLK-DM", "Telanaipura")
    assert row.status == CohortStatus.CLOSED
    assert (row.sessions, row.enrolled, row.withdrawn, row.waitlisted) == (4, 4, 1, 1)
    # Present 4 + 3 + 2 = 9 of 4 sessions x 3 enrolees who stayed.
    assert row.present == 9
    assert row.attendance_rate == Decimal("75.0")
    # Passed 2 of the 4 who took a place (the waitlist does not count).
    assert row.graduated == 2
    assert row.graduation_rate == Decimal("50.0")
    # Pre-test over Ani, Budi, Cici, Dedi: (50 + 60 + 40 + 30) / 4; Eka is waitlisted.
    assert row.average_pre_test == Decimal("45.0")
    assert row.average_post_test == Decimal("75.0")
    # Change over Ani (+30) and Budi (+10).
    assert row.average_change == Decimal("20.0")
    assert row.tested == 2


def test_rates_round_half_up_to_one_decimal(
    app, admin_id, build_cohort, create_entrepreneur, enrol
):
    cohort_id = build_cohort(sessions=3)
    enrol(cohort_id, create_entrepreneur(admin_id), present=2, pre_test="33.33", post_test="66.67")
    enrol(cohort_id, create_entrepreneur(admin_id), present=3, result=TrainingResult.FAILED)
    enrol(cohort_id, create_entrepreneur(admin_id), present=3, result=TrainingResult.FAILED)
    with app.app_context():
        (row,) = reports.cohort_rows(
            db.session, _as(app, admin_id), reports.ReportFilter(), today=TODAY
        )
    assert row.attendance_rate == Decimal("88.9")  # 8 / 9
    assert row.graduation_rate == Decimal("33.3")  # 1 / 3
    assert row.average_change == Decimal("33.3")  # 33.34
    assert row.average_pre_test == Decimal("33.3")


def test_an_open_cohort_has_no_graduation_rate_and_future_sessions_do_not_count(
    app, admin_id, build_cohort, create_entrepreneur, enrol
):
    cohort_id = build_cohort(status=CohortStatus.RUNNING, starts_on=date(2026, 5, 30), sessions=4)
    # Sessions on 30 and 31 May have been held by 1 June; 1 June itself counts, 2 June not yet.
    enrol(cohort_id, create_entrepreneur(admin_id), result=None, present=3)
    with app.app_context():
        (row,) = reports.cohort_rows(
            db.session, _as(app, admin_id), reports.ReportFilter(), today=TODAY
        )
    assert row.sessions == 3 and row.present == 3
    assert row.attendance_rate == Decimal("100.0")
    assert row.graduated is None and row.graduation_rate is None
    assert row.average_pre_test is None and row.average_change is None


def test_a_cohort_without_enrolees_still_shows_up(app, admin_id, build_cohort):
    build_cohort(name="Kosong", status=CohortStatus.OPEN, sessions=0)
    with app.app_context():
        (row,) = reports.cohort_rows(
            db.session, _as(app, admin_id), reports.ReportFilter(), today=TODAY
        )
        (course,) = reports.course_rows(
            db.session, _as(app, admin_id), reports.ReportFilter(), today=TODAY
        )
    assert (row.enrolled, row.sessions, row.attendance_rate) == (0, 0, None)
    assert (course.cohorts, course.enrolled, course.attendance_rate) == (1, 0, None)


def test_course_figures_weigh_every_enrolee_and_skip_open_cohorts_for_graduation(
    app, admin_id, known_cohort, build_cohort, create_entrepreneur, enrol
):
    second = build_cohort(name="Angkatan II", starts_on=date(2026, 4, 6), sessions=2)
    enrol(second, create_entrepreneur(admin_id), pre_test="70", post_test="90", present=2)
    running = build_cohort(
        name="Angkatan III", starts_on=date(2026, 5, 4), sessions=2, status=CohortStatus.RUNNING
    )
    enrol(running, create_entrepreneur(admin_id), result=None, present=0)
    build_cohort(name="Kuliner", course_code="BLK-KUL", starts_on=date(2026, 4, 1))
    with app.app_context():
        rows = reports.course_rows(
            db.session, _as(app, admin_id), reports.ReportFilter(), today=TODAY
        )
    assert [r.course_code for r in rows] == ["BLK-DM", "BLK-KUL"]
    dm = rows[0]
    assert (dm.cohorts, dm.closed_cohorts, dm.enrolled, dm.withdrawn) == (3, 2, 6, 1)
    # Present 9 + 2 + 0 of (4 x 3) + (2 x 1) + (2 x 1) expected.
    assert dm.attendance_rate == Decimal("68.8")  # 11 / 16 = 68.75
    # Graduates 2 + 1 of 4 + 1 in closed cohorts; the running cohort is left out.
    assert dm.graduated == 3
    assert dm.graduation_rate == Decimal("60.0")
    assert dm.average_pre_test == Decimal("50.0")  # (180 + 70) / 5
    assert dm.average_post_test == Decimal("80.0")  # (150 + 90) / 3
    assert dm.average_change == Decimal("20.0")  # (40 + 20) / 3
    assert dm.tested == 3


def test_filters_by_course_kecamatan_and_year(
    app, admin_id, build_cohort, create_entrepreneur, enrol
):
    build_cohort(name="DM Telanaipura 2026")
    build_cohort(name="DM Jambi Selatan 2026", kecamatan_code="15.71.02")
    build_cohort(name="Kuliner 2026", course_code="BLK-KUL")
    build_cohort(name="DM 2025", starts_on=date(2025, 11, 3))
    with app.app_context():
        admin = _as(app, admin_id)
        course_id = db.session.scalar(sa.select(Course.id).where(Course.code == "BLK-KUL"))

        def names(**filters):
            rows = reports.cohort_rows(db.session, admin, reports.ReportFilter(**filters), TODAY)
            return sorted(r.name for r in rows)

        assert names(course_id=course_id) == ["Kuliner 2026"]
        assert names(kecamatan="15.71.02") == ["DM Jambi Selatan 2026"]
        assert names(year=2025) == ["DM 2025"]
        assert len(names()) == 4


def test_facilitators_see_their_kecamatan_and_bank_officers_nothing(
    app, admin_id, create_user, build_cohort
):
    build_cohort(name="Telanaipura")
    build_cohort(name="Jambi Selatan", kecamatan_code="15.71.02")
    facilitator_id, _ = create_user(Role.FACILITATOR)
    viewer_id, _ = create_user(Role.VIEWER)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    with app.app_context():

        def names(user_id):
            rows = reports.cohort_rows(db.session, _as(app, user_id), reports.ReportFilter())
            return sorted(r.name for r in rows)

        assert names(facilitator_id) == ["Telanaipura"]
        assert names(viewer_id) == ["Jambi Selatan", "Telanaipura"]
        assert names(officer_id) == []
        assert reports.course_rows(db.session, _as(app, officer_id), reports.ReportFilter()) == []


# --------------------------------------------------------------------------- pages


def test_the_report_page_shows_the_figures(client, login_as, known_cohort):
    login_as(Role.VIEWER)
    response = client.get("/pelatihan/laporan")
    page = _text(response)
    assert response.status_code == 200
    assert "Angkatan Uji" in page and "Digital Marketing untuk UMKM" in page
    assert "75%" in page and "50%" in page and "+20,0" in page
    assert 'href="/pelatihan/angkatan/' in page  # links to the cohort page


def test_the_report_page_respects_scope_and_filters(client, login_as, build_cohort):
    build_cohort(name="Angkatan Telanaipura")
    build_cohort(name="Angkatan Jambi Selatan", kecamatan_code="15.71.02")
    login_as(Role.FACILITATOR)
    page = _text(client.get("/pelatihan/laporan"))
    assert "Angkatan Telanaipura" in page and "Angkatan Jambi Selatan" not in page
    page = _text(client.get("/pelatihan/laporan?year=2025"))
    assert "Angkatan Telanaipura" not in page and "Belum ada angkatan yang cocok." in page


def test_bank_officers_get_no_report(client, login_as):
    login_as(Role.BANK_OFFICER)
    assert client.get("/pelatihan/laporan").status_code == 404
    assert client.get("/pelatihan/laporan.xlsx").status_code == 404


def test_the_workbook_has_both_sheets_with_formatted_figures(
    app, client, login_as, known_cohort, build_cohort
):
    build_cohort(name='=HYPERLINK("http://x")', kecamatan_code="15.71.02")
    login_as(Role.ADMIN)
    response = client.get("/pelatihan/laporan.xlsx?kecamatan=15.71.01")
    assert response.status_code == 200
    assert "laporan-pelatihan-" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Per angkatan", "Per kursus"]
    cohorts, courses = book["Per angkatan"], book["Per kursus"]
    header = [cell.value for cell in cohorts[1]]
    assert cohorts.freeze_panes == "A2" and all(cell.font.bold for cell in cohorts[1])
    assert cohorts.max_row == 2  # the filter left the Jambi Selatan cohort out
    row = dict(zip(header, (cell for cell in cohorts[2]), strict=True))
    assert row["Angkatan"].value == "Angkatan Uji"
    assert row["Kehadiran (%)"].value == 75.0
    assert row["Kehadiran (%)"].number_format == '0.0"%"'
    assert row["Kelulusan (%)"].value == 50.0
    assert row["Rata-rata perubahan nilai"].value == 20.0
    assert row["Mulai"].value.date() == date(2026, 3, 2)
    course_header = [cell.value for cell in courses[1]]
    course_row = dict(zip(course_header, (cell.value for cell in courses[2]), strict=True))
    assert course_row["Kode kursus"] == "BLK-DM" and course_row["Peserta"] == 4
    with app.app_context():
        audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "export"))
        assert audit.entity_type == "cohorts"
        assert audit.changes["filters"]["kecamatan"] == "15.71.01"


def test_workbook_text_cells_cannot_run_formulas(app, client, login_as, build_cohort):
    build_cohort(name='=HYPERLINK("http://contoh.invalid")')
    login_as(Role.ADMIN)
    book = load_workbook(io.BytesIO(client.get("/pelatihan/laporan.xlsx").data))
    assert book["Per angkatan"]["A2"].value == '\'=HYPERLINK("http://contoh.invalid")'
