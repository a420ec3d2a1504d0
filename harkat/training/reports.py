"""Cohort reports: attendance, graduation and test scores per cohort and per course.

Every figure is aggregated in SQL; Python only turns counts and sums into percentages and
averages (``Decimal``, one decimal, half up).

Definitions, for people reading the report:

- *peserta* (enrolled): enrolees who took a place, i.e. everyone not on the waitlist, including
  those who later withdrew;
- *kehadiran* (attendance rate): sessions attended ÷ (sessions held so far × enrolees who did not
  withdraw); a session counts once its date has come, so a running cohort is not penalised for
  meetings still ahead; "izin" (excused) is not attendance;
- *kelulusan* (graduation rate): graduates ÷ enrolled, only for closed cohorts;
- average pre-test and post-test over enrolees with that score, and the average change over
  enrolees who have both.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import sqlalchemy as sa
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from harkat.auth.models import User
from harkat.auth.scope import kecamatan_scope
from harkat.core.dates import JAKARTA
from harkat.core.spreadsheet import neutralise
from harkat.reference.models import Course, Kecamatan
from harkat.training.domain import (
    AttendanceStatus,
    CohortStatus,
    EnrolmentStatus,
    TrainingResult,
)
from harkat.training.models import Attendance, Cohort, CohortSession, Enrolment

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class ReportFilter:
    """Which cohorts a report covers (besides the user's scope); empty means all."""

    course_id: int | None = None
    kecamatan: str = ""
    year: int | None = None


@dataclass(frozen=True)
class CohortReportRow:
    cohort_id: int
    name: str
    course_code: str
    course_title: str
    kecamatan: str
    starts_on: date
    ends_on: date
    status: CohortStatus
    #: Sessions whose date has come.
    sessions: int
    #: Took a place (not waitlisted), including those who withdrew later.
    enrolled: int
    withdrawn: int
    waitlisted: int
    present: int
    #: None until the cohort is closed.
    graduated: int | None
    attendance_rate: Decimal | None
    graduation_rate: Decimal | None
    average_pre_test: Decimal | None
    average_post_test: Decimal | None
    average_change: Decimal | None
    #: Enrolees with both a pre-test and a post-test score.
    tested: int


@dataclass(frozen=True)
class CourseReportRow:
    course_id: int
    course_code: str
    course_title: str
    cohorts: int
    closed_cohorts: int
    enrolled: int
    withdrawn: int
    #: Graduates of closed cohorts.
    graduated: int
    attendance_rate: Decimal | None
    graduation_rate: Decimal | None
    average_pre_test: Decimal | None
    average_post_test: Decimal | None
    average_change: Decimal | None
    tested: int


def percent(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    """Return ``part`` as a percentage of ``whole`` with one decimal; None when whole is 0."""
    if not whole:
        return None
    share = Decimal(part or 0) * 100 / Decimal(whole)
    return share.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def mean(total: Decimal | int | None, count: int | None) -> Decimal | None:
    """Return ``total / count`` with one decimal; None when nothing was counted."""
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _today() -> date:
    return datetime.now(JAKARTA).date()


def _count_if(condition) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((condition, 1)))


def _cohort_stats(user: User, filters: ReportFilter, today: date) -> sa.Subquery:
    """One row of counts and sums per cohort in the user's scope that matches the filters."""
    took_place = Enrolment.status != EnrolmentStatus.WAITLISTED
    has_pre = sa.and_(took_place, Enrolment.pre_test.is_not(None))
    has_post = sa.and_(took_place, Enrolment.post_test.is_not(None))
    has_both = sa.and_(has_pre, Enrolment.post_test.is_not(None))
    enrolments = (
        sa.select(
            Enrolment.cohort_id.label("cohort_id"),
            _count_if(took_place).label("enrolled"),
            _count_if(Enrolment.status == EnrolmentStatus.ENROLLED).label("active"),
            _count_if(Enrolment.status == EnrolmentStatus.WITHDRAWN).label("withdrawn"),
            _count_if(Enrolment.status == EnrolmentStatus.WAITLISTED).label("waitlisted"),
            _count_if(sa.and_(took_place, Enrolment.result == TrainingResult.PASSED)).label(
                "passed"
            ),
            sa.func.sum(sa.case((has_pre, Enrolment.pre_test))).label("pre_sum"),
            _count_if(has_pre).label("pre_count"),
            sa.func.sum(sa.case((has_post, Enrolment.post_test))).label("post_sum"),
            _count_if(has_post).label("post_count"),
            sa.func.sum(sa.case((has_both, Enrolment.post_test - Enrolment.pre_test))).label(
                "change_sum"
            ),
            _count_if(has_both).label("change_count"),
        )
        .group_by(Enrolment.cohort_id)
        .subquery("enrolment_stats")
    )
    sessions = (
        sa.select(
            CohortSession.cohort_id.label("cohort_id"),
            sa.func.count().label("sessions"),
        )
        .where(CohortSession.held_on <= today)
        .group_by(CohortSession.cohort_id)
        .subquery("session_stats")
    )
    present = (
        sa.select(
            CohortSession.cohort_id.label("cohort_id"),
            sa.func.count().label("present"),
        )
        .select_from(Attendance)
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
        .where(
            Attendance.status == AttendanceStatus.PRESENT,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            CohortSession.held_on <= today,
        )
        .group_by(CohortSession.cohort_id)
        .subquery("present_stats")
    )
    zero = sa.literal(0)
    session_count = sa.func.coalesce(sessions.c.sessions, zero)
    active = sa.func.coalesce(enrolments.c.active, zero)
    query = (
        sa.select(
            Cohort.id.label("cohort_id"),
            Cohort.course_id.label("course_id"),
            Cohort.status.label("status"),
            session_count.label("sessions"),
            sa.func.coalesce(enrolments.c.enrolled, zero).label("enrolled"),
            active.label("active"),
            sa.func.coalesce(enrolments.c.withdrawn, zero).label("withdrawn"),
            sa.func.coalesce(enrolments.c.waitlisted, zero).label("waitlisted"),
            sa.func.coalesce(enrolments.c.passed, zero).label("passed"),
            sa.func.coalesce(present.c.present, zero).label("present"),
            (session_count * active).label("expected"),
            enrolments.c.pre_sum,
            sa.func.coalesce(enrolments.c.pre_count, zero).label("pre_count"),
            enrolments.c.post_sum,
            sa.func.coalesce(enrolments.c.post_count, zero).label("post_count"),
            enrolments.c.change_sum,
            sa.func.coalesce(enrolments.c.change_count, zero).label("change_count"),
        )
        .outerjoin(enrolments, enrolments.c.cohort_id == Cohort.id)
        .outerjoin(sessions, sessions.c.cohort_id == Cohort.id)
        .outerjoin(present, present.c.cohort_id == Cohort.id)
        .where(kecamatan_scope(user, Cohort.kecamatan_code))
    )
    if filters.course_id:
        query = query.where(Cohort.course_id == filters.course_id)
    if filters.kecamatan:
        query = query.where(Cohort.kecamatan_code == filters.kecamatan)
    if filters.year:
        query = query.where(
            Cohort.starts_on >= date(filters.year, 1, 1),
            Cohort.starts_on <= date(filters.year, 12, 31),
        )
    return query.subquery("cohort_stats")


def cohort_rows(
    session: Session, user: User, filters: ReportFilter, today: date | None = None
) -> list[CohortReportRow]:
    """Report one row per cohort the user may see, newest first."""
    stats = _cohort_stats(user, filters, today or _today())
    query = (
        sa.select(
            stats,
            Cohort.name,
            Cohort.starts_on,
            Cohort.ends_on,
            Course.code,
            Course.title,
            Kecamatan.name.label("kecamatan"),
        )
        .join(Cohort, Cohort.id == stats.c.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(Kecamatan, Kecamatan.code == Cohort.kecamatan_code)
        .order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id)
    )
    rows = []
    for r in session.execute(query).mappings():
        closed = r["status"] == CohortStatus.CLOSED
        rows.append(
            CohortReportRow(
                cohort_id=r["cohort_id"],
                name=r["name"],
                course_code=r["code"],
                course_title=r["title"],
                kecamatan=r["kecamatan"],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                status=r["status"],
                sessions=r["sessions"],
                enrolled=r["enrolled"],
                withdrawn=r["withdrawn"],
                waitlisted=r["waitlisted"],
                present=r["present"],
                graduated=r["passed"] if closed else None,
                attendance_rate=percent(r["present"], r["expected"]),
                graduation_rate=percent(r["passed"], r["enrolled"]) if closed else None,
                average_pre_test=mean(r["pre_sum"], r["pre_count"]),
                average_post_test=mean(r["post_sum"], r["post_count"]),
                average_change=mean(r["change_sum"], r["change_count"]),
                tested=r["change_count"],
            )
        )
    return rows


def course_rows(
    session: Session, user: User, filters: ReportFilter, today: date | None = None
) -> list[CourseReportRow]:
    """Report one row per course with cohorts the user may see, adding its cohorts up.

    Rates and averages weigh every enrolee equally (they are not averages of cohort figures).
    """
    stats = _cohort_stats(user, filters, today or _today())
    closed = stats.c.status == CohortStatus.CLOSED

    def closed_sum(column):
        return sa.func.sum(sa.case((closed, column), else_=0))

    query = (
        sa.select(
            Course.id,
            Course.code,
            Course.title,
            sa.func.count().label("cohorts"),
            _count_if(closed).label("closed_cohorts"),
            sa.func.sum(stats.c.enrolled).label("enrolled"),
            sa.func.sum(stats.c.withdrawn).label("withdrawn"),
            sa.func.sum(stats.c.present).label("present"),
            sa.func.sum(stats.c.expected).label("expected"),
            closed_sum(stats.c.passed).label("passed"),
            closed_sum(stats.c.enrolled).label("closed_enrolled"),
            sa.func.sum(stats.c.pre_sum).label("pre_sum"),
            sa.func.sum(stats.c.pre_count).label("pre_count"),
            sa.func.sum(stats.c.post_sum).label("post_sum"),
            sa.func.sum(stats.c.post_count).label("post_count"),
            sa.func.sum(stats.c.change_sum).label("change_sum"),
            sa.func.sum(stats.c.change_count).label("change_count"),
        )
        .select_from(stats)
        .join(Course, Course.id == stats.c.course_id)
        .group_by(Course.id, Course.code, Course.title)
        .order_by(Course.code)
    )
    return [
        CourseReportRow(
            course_id=r["id"],
            course_code=r["code"],
            course_title=r["title"],
            cohorts=r["cohorts"],
            closed_cohorts=r["closed_cohorts"],
            enrolled=int(r["enrolled"] or 0),
            withdrawn=int(r["withdrawn"] or 0),
            graduated=int(r["passed"] or 0),
            attendance_rate=percent(r["present"], r["expected"]),
            graduation_rate=percent(r["passed"], r["closed_enrolled"]),
            average_pre_test=mean(r["pre_sum"], r["pre_count"]),
            average_post_test=mean(r["post_sum"], r["post_count"]),
            average_change=mean(r["change_sum"], r["change_count"]),
            tested=int(r["change_count"] or 0),
        )
        for r in session.execute(query).mappings()
    ]


# --------------------------------------------------------------------------- workbook

PERCENT_FORMAT = '0.0"%"'
SCORE_FORMAT = "0.0"
DATE_FORMAT = "DD/MM/YYYY"

COHORT_SHEET = "Per angkatan"
COURSE_SHEET = "Per kursus"


COHORT_COLUMNS = [
    "Angkatan",
    "Kode kursus",
    "Kursus",
    "Kecamatan",
    "Mulai",
    "Selesai",
    "Status",
    "Sesi terlaksana",
    "Peserta",
    "Mengundurkan diri",
    "Daftar tunggu",
    "Kehadiran (%)",
    "Lulus",
    "Kelulusan (%)",
    "Rata-rata pre-test",
    "Rata-rata post-test",
    "Rata-rata perubahan nilai",
    "Peserta dengan kedua nilai",
]
COURSE_COLUMNS = [
    "Kode kursus",
    "Kursus",
    "Angkatan",
    "Angkatan selesai",
    "Peserta",
    "Mengundurkan diri",
    "Lulus",
    "Kehadiran (%)",
    "Kelulusan (%)",
    "Rata-rata pre-test",
    "Rata-rata post-test",
    "Rata-rata perubahan nilai",
    "Peserta dengan kedua nilai",
]
PERCENT_COLUMNS = frozenset({"Kehadiran (%)", "Kelulusan (%)"})
SCORE_COLUMNS = frozenset(
    {"Rata-rata pre-test", "Rata-rata post-test", "Rata-rata perubahan nilai"}
)
DATE_COLUMNS = frozenset({"Mulai", "Selesai"})


def _number(value: Decimal | None) -> float | None:
    # Spreadsheet cells hold binary floats anyway; the one-decimal value survives intact.
    return None if value is None else float(value)


def _cohort_frame(rows: Sequence[CohortReportRow]) -> pd.DataFrame:
    records = [
        {
            "Angkatan": r.name,
            "Kode kursus": r.course_code,
            "Kursus": r.course_title,
            "Kecamatan": r.kecamatan,
            "Mulai": r.starts_on,
            "Selesai": r.ends_on,
            "Status": r.status.label,
            "Sesi terlaksana": r.sessions,
            "Peserta": r.enrolled,
            "Mengundurkan diri": r.withdrawn,
            "Daftar tunggu": r.waitlisted,
            "Kehadiran (%)": _number(r.attendance_rate),
            "Lulus": r.graduated,
            "Kelulusan (%)": _number(r.graduation_rate),
            "Rata-rata pre-test": _number(r.average_pre_test),
            "Rata-rata post-test": _number(r.average_post_test),
            "Rata-rata perubahan nilai": _number(r.average_change),
            "Peserta dengan kedua nilai": r.tested,
        }
        for r in rows
    ]
    return pd.DataFrame.from_records(records, columns=COHORT_COLUMNS)


def _course_frame(rows: Sequence[CourseReportRow]) -> pd.DataFrame:
    records = [
        {
            "Kode kursus": r.course_code,
            "Kursus": r.course_title,
            "Angkatan": r.cohorts,
            "Angkatan selesai": r.closed_cohorts,
            "Peserta": r.enrolled,
            "Mengundurkan diri": r.withdrawn,
            "Lulus": r.graduated,
            "Kehadiran (%)": _number(r.attendance_rate),
            "Kelulusan (%)": _number(r.graduation_rate),
            "Rata-rata pre-test": _number(r.average_pre_test),
            "Rata-rata post-test": _number(r.average_post_test),
            "Rata-rata perubahan nilai": _number(r.average_change),
            "Peserta dengan kedua nilai": r.tested,
        }
        for r in rows
    ]
    return pd.DataFrame.from_records(records, columns=COURSE_COLUMNS)


def _write_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, name: str) -> None:
    frame = frame.astype(object).map(neutralise)
    # Empty figures (no sessions yet, cohort still open) stay empty cells, not "nan".
    frame = frame.where(frame.notna(), None)
    frame.to_excel(writer, index=False, sheet_name=name)
    sheet = writer.sheets[name]
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(frame.columns, start=1):
        letter = sheet.cell(1, index).column_letter
        width = max([len(column)] + [len(str(v)) for v in frame[column].head(500)])
        sheet.column_dimensions[letter].width = min(max(width, 8) + 2, 50)
        number_format = (
            PERCENT_FORMAT
            if column in PERCENT_COLUMNS
            else SCORE_FORMAT
            if column in SCORE_COLUMNS
            else DATE_FORMAT
            if column in DATE_COLUMNS
            else None
        )
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format


def report_workbook(
    cohort_rows: Sequence[CohortReportRow], course_rows: Sequence[CourseReportRow]
) -> bytes:
    """Build the XLSX report: sheets "Per angkatan" and "Per kursus"."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _write_sheet(writer, _cohort_frame(cohort_rows), COHORT_SHEET)
        _write_sheet(writer, _course_frame(course_rows), COURSE_SHEET)
    return buffer.getvalue()
