"""The monthly report's figures about people rather than money: the funnel of the journey, the
median days between its stages and the month's screening findings.

They follow every case from registration to loan, which at a million cases takes seconds, so an
open month reuses them from :class:`~harkat.reports.models.FunnelCache` for a while
(:func:`people_figures`); money is always computed live by :mod:`harkat.reports.services`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.database import SQLITE_BUSY_MS, wants_write_lock
from harkat.reference.models import Kecamatan
from harkat.referrals.models import Loan, Referral, ReferralMember, ReferralTransition
from harkat.registration.models import Entrepreneur
from harkat.reports import absorption as calc
from harkat.reports.domain import (
    FunnelStage,
    KecamatanFindings,
    RateBand,
    ScreeningFindings,
    ScreeningTotals,
    StageGap,
)
from harkat.reports.models import FunnelCache
from harkat.screening.models import Screening
from harkat.training.domain import EnrolmentStatus, TrainingResult
from harkat.training.models import Cohort, Enrolment

#: The stages of the journey, in order, with their labels.
STAGES = {
    "registered": "Terdaftar",
    "in_training": "Ikut pelatihan BALIKAT",
    "graduated": "Lulus pelatihan",
    "screened": "Diskrining utang",
    "referred": "Dirujuk ke bank",
    "approved": "Disetujui bank",
    "disbursed": "Dana cair",
}

#: Days between a stage and the one before, per person, as ``{stage: {gap: people}}``; the gap
#: is None for people at the stage who never reached the one before.
Gaps = dict[str, dict[int | None, int]]


@dataclass(frozen=True)
class PeopleFigures:
    """The funnel, its median days and the screening findings, and when they were counted."""

    funnel: list[FunnelStage]
    medians: list[StageGap]
    screening: ScreeningFindings
    computed_at: datetime


def funnel_cache_minutes() -> int:
    from flask import current_app, has_app_context

    return int(current_app.config["REPORT_FUNNEL_CACHE_MINUTES"]) if has_app_context() else 0


def people_figures(
    session: Session,
    first: date,
    last: date,
    following: date,
    cutoff: datetime,
    now: datetime,
    fresh: bool,
) -> PeopleFigures:
    """The month's figures about people: reused while younger than the cache setting, else
    computed and stored (in a transaction of its own, so a report page stays read-only)."""
    minutes = 0 if fresh else funnel_cache_minutes()
    if minutes > 0:
        cached = session.get(FunnelCache, first)
        if cached is not None and now - cached.computed_at < timedelta(minutes=minutes):
            return PeopleFigures(
                funnel=[FunnelStage.from_dict(row) for row in cached.funnel],
                medians=[StageGap.from_dict(gap) for gap in cached.medians],
                screening=ScreeningFindings.from_dict(cached.screening),
                computed_at=cached.computed_at,
            )
    funnel, medians = journey(session, last, cutoff)
    figures = PeopleFigures(funnel, medians, screening_findings(session, first, following), now)
    if minutes > 0 and not wants_write_lock():
        # Only pages that read store it: their own transaction never takes a write lock, and
        # a form post or the CLI (which may hold SQLite's write lock) simply computes.
        _store(session.get_bind().engine, first, figures)
    return figures


def _store(engine: sa.Engine, month: date, figures: PeopleFigures) -> None:
    """Keep the figures for the next views, in a transaction of its own that waits at most a
    quarter of a second for a lock: a busy database means the next view computes again, never
    that this page fails or waits."""
    table = FunnelCache.__table__
    values = {
        "month": month,
        "computed_at": figures.computed_at,
        "funnel": [row.to_dict() for row in figures.funnel],
        "medians": [gap.to_dict() for gap in figures.medians],
        "screening": figures.screening.to_dict(),
    }
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            try:
                with connection.begin():
                    connection.exec_driver_sql(
                        "PRAGMA busy_timeout = 250" if sqlite else "SET LOCAL lock_timeout = 250"
                    )
                    connection.execute(table.delete().where(table.c.month == month))
                    connection.execute(table.insert().values(**values))
            finally:
                if sqlite:  # the pooled connection goes back with its usual patience
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
                    connection.commit()
    except sa.exc.DBAPIError:
        # Another worker stored the same month a moment ago, or writers hold the lock.
        pass


# --------------------------------------------------------------------------- the funnel


def journey(
    session: Session, end: date, cutoff: datetime
) -> tuple[list[FunnelStage], list[StageGap]]:
    """Cases at each stage up to the month's end, conversions, and median days between stages.

    One statement (:func:`_stage_gaps`) brings back a few hundred ``(stage, gap, cases)`` rows,
    not a row per person (at a million cases that was half a million Python tuples, seconds and
    400 MB). People with no earlier stage count for their stage with a NULL gap and are left out
    of the median.
    """
    registered = session.scalar(
        sa.select(sa.func.count()).select_from(Entrepreneur).where(Entrepreneur.created_at < cutoff)
    )
    gaps = _stage_gaps(session, end, cutoff)
    # Everyone at a stage is one row of its histogram; those who also reached the stage
    # before have a gap (NULL otherwise), which is what a conversion counts.
    stages = [("registered", STAGES["registered"], int(registered or 0), None)] + [
        (
            key,
            STAGES[key],
            sum(gaps[key].values()),
            sum(n for gap, n in gaps[key].items() if gap is not None),
        )
        for key in list(STAGES)[1:]
    ]
    funnel = calc.funnel(stages, {"screened": _latest_outcomes(session, end)})
    medians = []
    for before, later in pairwise(STAGES):
        median, cases = calc.median_of_counts(gaps[later])
        medians.append(
            StageGap(before, later, f"{STAGES[before]} → {STAGES[later]}", median, cases)
        )
    return funnel, medians


def _day_number(session: Session, column, is_moment: bool):
    """A column as a whole-day number of its local (Asia/Jakarta) calendar day, in SQL, so that
    day gaps are plain integer subtraction in Python."""
    if session.get_bind().dialect.name == "postgresql":
        day = sa.cast(sa.func.timezone("Asia/Jakarta", column), sa.Date) if is_moment else column
        return day - sa.cast(sa.literal("2000-01-01"), sa.Date)
    day = sa.func.date(column, "+7 hours") if is_moment else column  # no DST in Jakarta
    return sa.cast(sa.func.julianday(day), sa.Integer)


def _stage_gaps(session: Session, end: date, cutoff: datetime) -> Gaps:
    """Each stage's people grouped by the days since the stage before, in one statement: each
    stage's first day per person is a CTE (computed once), and the database groups."""
    enrolled = _enrolled(session, end, cutoff)
    firsts = _first_days(session, end, cutoff)
    histograms = [
        # The gap is NULL for someone not yet registered at the month's end (a cohort
        # recorded after the fact), like every later stage's people who skipped the one before.
        _histogram(
            "in_training",
            enrolled.c.enrolled - _day_number(session, Entrepreneur.created_at, True),
            enrolled.outerjoin(
                Entrepreneur,
                sa.and_(Entrepreneur.id == enrolled.c.person, Entrepreneur.created_at < cutoff),
            ),
        ),
        _histogram(
            "graduated",
            enrolled.c.graduated - enrolled.c.enrolled,
            enrolled,
            enrolled.c.graduated.is_not(None),
        ),
    ]
    # Each later stage against the one before it (graduation for screening).
    before = {
        "screened": (enrolled, enrolled.c.graduated),
        "referred": (firsts["screened"], firsts["screened"].c.day),
        "approved": (firsts["referred"], firsts["referred"].c.day),
        "disbursed": (firsts["approved"], firsts["approved"].c.day),
    }
    for stage, (earlier, earlier_day) in before.items():
        later = firsts[stage]
        histograms.append(
            _histogram(
                stage,
                later.c.day - earlier_day,
                later.outerjoin(
                    earlier, sa.and_(earlier.c.person == later.c.person, earlier_day.is_not(None))
                ),
            )
        )
    gaps: Gaps = defaultdict(dict)
    for stage, gap, cases in session.execute(sa.union_all(*histograms)).all():
        gaps[stage][gap] = gaps[stage].get(gap, 0) + int(cases)
    return gaps


def _histogram(stage: str, gap, source, *where):
    """``(stage, gap, people)`` rows: the people of ``source`` grouped by ``gap``."""
    return (
        sa.select(sa.literal_column(f"'{stage}'").label("stage"), gap.label("gap"), sa.func.count())
        .select_from(source)
        .where(*where)
        .group_by(gap)
    )


def _enrolled(session: Session, end: date, cutoff: datetime):
    """Each trainee's first day of training and day of graduation, as a CTE of
    ``(person, enrolled, graduated)``."""

    def day(column, is_moment: bool):
        return _day_number(session, column, is_moment)

    passed_on = sa.case(
        (sa.and_(Enrolment.result == TrainingResult.PASSED, Cohort.ends_on <= end), Cohort.ends_on)
    )
    # A person joins training on the day they asked for a place, or on the cohort's first day
    # if the place was typed in later: cohorts are often recorded after they ran, and measuring
    # from the typing day put every graduation before its enrolment (a negative gap, left out
    # of the median, so "Ikut pelatihan → Lulus pelatihan" showed 0 cases). Waitlisted people
    # have not taken part.
    asked, starts = day(Enrolment.requested_at, True), day(Cohort.starts_on, False)
    joined = sa.case((asked <= starts, asked), else_=starts)
    return (
        sa.select(
            Enrolment.entrepreneur_id.label("person"),
            sa.func.min(joined).label("enrolled"),
            day(sa.func.min(passed_on), False).label("graduated"),
        )
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.status != EnrolmentStatus.WAITLISTED,
            sa.or_(Enrolment.requested_at < cutoff, Cohort.starts_on <= end),
        )
        .group_by(Enrolment.entrepreneur_id)
        .cte("enrolled")
    )


def _first_days(session: Session, end: date, cutoff: datetime) -> dict:
    """Each person's first day of screening, referral, approval and disbursement, as CTEs of
    ``(person, day)`` by stage."""

    def first_day(name: str, person, moment, is_moment: bool, *where, join=None):
        query = sa.select(
            person.label("person"),
            _day_number(session, sa.func.min(moment), is_moment).label("day"),
        )
        if join is not None:
            query = query.join(*join)
        return query.where(*where).group_by(person).cte(name)

    return {
        "screened": first_day(
            "screened",
            Screening.entrepreneur_id,
            Screening.screened_on,
            False,
            Screening.screened_on <= end,
        ),
        "referred": first_day(
            "referred",
            ReferralMember.entrepreneur_id,
            Referral.submitted_at,
            True,
            Referral.submitted_at < cutoff,
            join=(Referral, Referral.id == ReferralMember.referral_id),
        ),
        "approved": first_day(
            "approved",
            ReferralMember.entrepreneur_id,
            ReferralTransition.at,
            True,
            ReferralTransition.action == "approve",
            ReferralTransition.at < cutoff,
            join=(
                ReferralTransition,
                ReferralTransition.referral_id == ReferralMember.referral_id,
            ),
        ),
        "disbursed": first_day(
            "disbursed", Loan.entrepreneur_id, Loan.disbursed_on, False, Loan.disbursed_on <= end
        ),
    }


def _latest_outcomes(session: Session, end: date) -> dict[str, int]:
    """Screened people by the outcome of their latest screening up to ``end``."""
    from harkat.screening.engine import Outcome

    latest = (
        sa.select(Screening.entrepreneur_id, sa.func.max(Screening.id).label("id"))
        .where(Screening.screened_on <= end)
        .group_by(Screening.entrepreneur_id)
        .subquery()
    )
    outcomes = dict(
        session.execute(
            sa.select(Screening.outcome, sa.func.count())
            .join(latest, latest.c.id == Screening.id)
            .group_by(Screening.outcome)
        ).all()
    )
    return {outcome.value: int(outcomes.get(outcome, 0)) for outcome in Outcome}


# --------------------------------------------------------------------------- screening


def screening_findings(session: Session, first: date, following: date) -> ScreeningFindings:
    """The month's screenings: totals, high-cost debts, rate bands and each kecamatan."""
    from harkat.screening.services import aggregates

    data = aggregates(session, first, following)
    rows = data["by_kecamatan_month"]
    names = dict(session.execute(sa.select(Kecamatan.code, Kecamatan.name)).all())
    return ScreeningFindings(
        totals=ScreeningTotals(
            **{
                name: sum(row[name] for row in rows)
                for name in ScreeningTotals.__dataclass_fields__
            }
        ),
        high_cost_outstanding=data["high_cost_outstanding"],
        rate_distribution=[RateBand(label, n) for label, n in data["rate_distribution"]],
        by_kecamatan=[
            KecamatanFindings(**row, kecamatan_name=names.get(row["kecamatan"], row["kecamatan"]))
            for row in rows
        ],
    )
