"""Report arithmetic and the XLSX workbook, from rows built by hand."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from harkat.training.domain import CohortStatus
from harkat.training.reports import CohortReportRow, CourseReportRow, mean, percent, report_workbook


def test_percent_and_mean_round_half_up_to_one_decimal():
    assert percent(3, 4) == Decimal("75.0")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(11, 16) == Decimal("68.8")  # 68.75
    assert percent(0, 5) == Decimal("0.0")
    assert percent(3, 0) is None and percent(None, None) is None
    assert mean(Decimal("100.10"), 2) == Decimal("50.1")  # 50.05
    assert mean(Decimal("-5"), 2) == Decimal("-2.5")
    assert mean(None, 0) is None


def _cohort(**overrides) -> CohortReportRow:
    values = {
        "cohort_id": 1,
        "name": "Angkatan I",
        "course_code": "BLK-DM",
        "course_title": "Digital Marketing untuk UMKM",
        "kecamatan": "Telanaipura",
        "starts_on": date(2026, 3, 2),
        "ends_on": date(2026, 3, 5),
        "status": CohortStatus.CLOSED,
        "sessions": 4,
        "enrolled": 4,
        "withdrawn": 1,
        "waitlisted": 0,
        "present": 9,
        "graduated": 2,
        "attendance_rate": Decimal("75.0"),
        "graduation_rate": Decimal("50.0"),
        "average_pre_test": Decimal("45.0"),
        "average_post_test": Decimal("75.0"),
        "average_change": Decimal("20.0"),
        "tested": 2,
    }
    return CohortReportRow(**{**values, **overrides})


COURSE = CourseReportRow(
    course_id=1,
    course_code="BLK-DM",
    course_title="Digital Marketing untuk UMKM",
    cohorts=2,
    closed_cohorts=1,
    enrolled=5,
    withdrawn=1,
    graduated=2,
    attendance_rate=Decimal("68.8"),
    graduation_rate=Decimal("50.0"),
    average_pre_test=None,
    average_post_test=None,
    average_change=None,
    tested=0,
)


def test_workbook_sheets_headers_and_formats():
    open_cohort = _cohort(
        cohort_id=2,
        name="-1+1",
        status=CohortStatus.OPEN,
        graduated=None,
        graduation_rate=None,
        attendance_rate=None,
    )
    book = load_workbook(io.BytesIO(report_workbook([_cohort(), open_cohort], [COURSE])))
    assert book.sheetnames == ["Per angkatan", "Per kursus"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    cohorts = book["Per angkatan"]
    header = [c.value for c in cohorts[1]]
    first = dict(zip(header, cohorts[2], strict=True))
    assert first["Kehadiran (%)"].value == 75
    assert first["Kehadiran (%)"].number_format == '0.0"%"'
    assert first["Kelulusan (%)"].number_format == '0.0"%"'
    assert first["Status"].value == "Selesai"
    assert first["Mulai"].number_format == "DD/MM/YYYY"
    second = dict(zip(header, cohorts[3], strict=True))
    assert second["Angkatan"].value == "'-1+1"  # would otherwise run as a formula
    assert second["Kehadiran (%)"].value is None and second["Lulus"].value is None
    courses = book["Per kursus"]
    row = dict(zip([c.value for c in courses[1]], courses[2], strict=True))
    assert row["Kehadiran (%)"].value == 68.8 and row["Kehadiran (%)"].number_format == '0.0"%"'
    assert row["Rata-rata pre-test"].value is None


def test_an_empty_report_still_has_both_sheets_with_headers():
    book = load_workbook(io.BytesIO(report_workbook([], [])))
    assert book.sheetnames == ["Per angkatan", "Per kursus"]
    assert book["Per angkatan"]["A1"].value == "Angkatan"
    assert book["Per kursus"]["A1"].value == "Kode kursus"
