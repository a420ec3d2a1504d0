"""The monthly absorption report: gather rows, compute one result, freeze it when a month closes.

:func:`absorption_report` returns a plain dict that every format renders. A closed month is
always served from its snapshot (:func:`report_for`); loans entered after a month was closed
show up as *adjustments* in the month they were entered.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.audit import services as audit
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import kecamatan_scope
from harkat.core.dates import JAKARTA, MONTHS, local_day_bounds, to_local
from harkat.database import SQLITE_BUSY_MS, utcnow, wants_write_lock
from harkat.errors import StopValidation
from harkat.reference.models import Bank, Kecamatan, Kelurahan
from harkat.referrals.models import (
    NPL_FROM,
    Loan,
    LoanReport,
    Referral,
    ReferralMember,
    ReferralTransition,
    RejectionReason,
)
from harkat.referrals.transitions import ReferralStatus
from harkat.registration.models import Business, Entrepreneur
from harkat.reports import absorption as calc
from harkat.reports.models import (
    FundAllocation,
    FunnelCache,
    Indicator,
    Metric,
    MonthClosing,
    MonthClosingFile,
)
from harkat.screening.models import Screening
from harkat.settings.services import get_number
from harkat.training.domain import EnrolmentStatus, TrainingResult
from harkat.training.models import Cohort, Enrolment

REPORT_VERSION = 1
FORMATS = ("pdf", "xlsx", "csv", "json")


def today() -> date:
    return to_local(utcnow()).date()


def parse_month(text: str) -> date:
    """Read ``YYYY-MM``; raise StopValidation naming the field otherwise."""
    text = (text or "").strip()
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise StopValidation(
            {"month": ["Bulan: tulis sebagai TTTT-BB, misalnya 2026-01."]}
        ) from None
    if not 2020 <= first.year <= 2100:
        raise StopValidation({"month": ["Bulan: tahun harus antara 2020 dan 2100."]})
    return first


def month_bounds(first: date) -> tuple[date, date, datetime, datetime]:
    """First and last local day of the month, and the UTC instants it starts and ends."""
    following = calc.add_months(first, 1)
    last = date.fromordinal(following.toordinal() - 1)
    return first, last, local_day_bounds(first)[0], local_day_bounds(following)[0]


def month_label(first: date) -> str:
    return f"{MONTHS[first.month - 1]} {first.year}"


# --------------------------------------------------------------------------- fund


def ceiling(session: Session) -> int:
    return int(get_number(session, "fund.ceiling"))


def allocations(session: Session, year: int) -> dict[int, int]:
    return dict(
        session.execute(
            sa.select(FundAllocation.bank_id, FundAllocation.amount).where(
                FundAllocation.year == year
            )
        ).all()
    )


def set_allocation(session: Session, bank_id: int, year: int, amount: int, actor: User) -> None:
    """Set a bank's allocation for a year (audited through the model)."""
    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin yang dapat mengubah alokasi dana."]})
    if not 2020 <= year <= 2100:
        raise StopValidation({"year": ["Tahun: antara 2020 dan 2100."]})
    if not 0 <= amount <= 10**13:
        raise StopValidation({"amount": ["Alokasi: antara Rp0 dan Rp10 triliun."]})
    row = session.scalar(
        sa.select(FundAllocation).where(
            FundAllocation.bank_id == bank_id, FundAllocation.year == year
        )
    )
    if row is None:
        session.add(
            FundAllocation(bank_id=bank_id, year=year, amount=amount, updated_by_id=actor.id)
        )
    elif row.amount != amount:
        row.amount = amount
        row.updated_by_id = actor.id
    session.flush()


# --------------------------------------------------------------------------- rows


def loan_rows(session: Session, end: date) -> list[calc.LoanRow]:
    """Every loan disbursed up to ``end`` with what the breakdowns group by."""

    # Each borrower's first business, looked up per loan through the entrepreneur index (a
    # grouped subquery, or a join, scanned all 1.1 million businesses at a million cases).
    def of_first_business(column):
        return (
            sa.select(column)
            .where(Business.entrepreneur_id == Loan.entrepreneur_id)
            .order_by(Business.id)
            .limit(1)
            .correlate(Loan)
            .scalar_subquery()
        )

    rows = session.execute(
        sa.select(
            Loan.id,
            Loan.disbursed_on,
            Loan.amount,
            Bank.code,
            Bank.name,
            Kecamatan.code,
            Kecamatan.name,
            Kelurahan.code,
            Kelurahan.name,
            of_first_business(Business.sector),
            of_first_business(Business.scale),
            Entrepreneur.gender,
            Referral.applicant_type,
        )
        .join(Bank, Bank.id == Loan.bank_id)
        .join(Entrepreneur, Entrepreneur.id == Loan.entrepreneur_id)
        .join(Kelurahan, Kelurahan.code == Entrepreneur.kelurahan_code)
        .join(Kecamatan, Kecamatan.code == Loan.kecamatan_code)
        .join(Referral, Referral.id == Loan.referral_id)
        .where(Loan.disbursed_on <= end)
        .order_by(Loan.id)
    ).all()
    out = []
    for (
        id_,
        on,
        amount,
        bank,
        bank_name,
        kec,
        kec_name,
        kel,
        kel_name,
        sector,
        scale,
        gender,
        kind,
    ) in rows:
        out.append(
            calc.LoanRow(
                id=id_,
                disbursed_on=on,
                amount=amount,
                bank=bank,
                bank_name=bank_name,
                kecamatan=kec,
                kecamatan_name=kec_name,
                kelurahan=kel,
                kelurahan_name=kel_name,
                sector=sector.value if sector else "-",
                sector_name=f"{sector.value} – {sector.label}" if sector else "Belum dicatat",
                scale=scale.value if scale else "-",
                scale_name=scale.label if scale else "Belum dicatat",
                gender=gender.value,
                gender_name=gender.label,
                applicant_type=kind.value,
                applicant_type_name=kind.label,
            )
        )
    return out


def _status_at(session: Session, cutoff: datetime) -> dict[ReferralStatus, tuple[int, int]]:
    """How many referrals stood in each state at ``cutoff``, and their rupiah.

    For a month still running (``cutoff`` not yet reached) that is each referral's status now;
    for an earlier month it is rebuilt from the transition log (the last move before it).
    """
    requested = (
        sa.select(ReferralMember.referral_id, sa.func.sum(ReferralMember.amount).label("amount"))
        .group_by(ReferralMember.referral_id)
        .subquery()
    )
    money = sa.func.coalesce(
        sa.func.sum(sa.func.coalesce(Referral.approved_amount, requested.c.amount)), 0
    )
    if cutoff > utcnow():
        query = (
            sa.select(Referral.status, sa.func.count(), money)
            .join(requested, requested.c.referral_id == Referral.id)
            .where(Referral.status != ReferralStatus.DRAFT)
            .group_by(Referral.status)
        )
    else:
        last = (
            sa.select(
                ReferralTransition.referral_id, sa.func.max(ReferralTransition.id).label("id")
            )
            .where(ReferralTransition.at < cutoff)
            .group_by(ReferralTransition.referral_id)
            .subquery()
        )
        query = (
            sa.select(ReferralTransition.to_status, sa.func.count(), money)
            .join(last, last.c.id == ReferralTransition.id)
            .join(Referral, Referral.id == ReferralTransition.referral_id)
            .join(requested, requested.c.referral_id == Referral.id)
            .group_by(ReferralTransition.to_status)
        )
    rows = session.execute(query).all()
    return {ReferralStatus(status): (int(count), int(amount)) for status, count, amount in rows}


def _day_number(session: Session, column, is_moment: bool):
    """A column as a whole-day number of its local (Asia/Jakarta) calendar day, in SQL, so that
    day gaps are plain integer subtraction in Python."""
    if session.get_bind().dialect.name == "postgresql":
        day = sa.cast(sa.func.timezone("Asia/Jakarta", column), sa.Date) if is_moment else column
        return day - sa.cast(sa.literal("2000-01-01"), sa.Date)
    day = sa.func.date(column, "+7 hours") if is_moment else column  # no DST in Jakarta
    return sa.cast(sa.func.julianday(day), sa.Integer)


def _funnel(session: Session, end: date, cutoff: datetime) -> tuple[list[dict], list[dict]]:
    """Cases at each stage up to the month's end, conversions, and median days between stages.

    One statement: each stage's first day per person is a CTE (computed once), and for each
    stage the database groups its people by the days since the stage before — so what comes
    back is a few hundred ``(stage, gap, cases)`` rows, not a row per person (at a million cases
    that was half a million Python tuples, seconds and 400 MB). People with no earlier stage
    count for their stage with a NULL gap and are left out of the median.
    """

    def day(column, is_moment: bool):
        return _day_number(session, column, is_moment)

    registered = session.scalar(
        sa.select(sa.func.count()).select_from(Entrepreneur).where(Entrepreneur.created_at < cutoff)
    )
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
    enrolled = (
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

    def first_day(name: str, person, moment, is_moment: bool, *where, join=None):
        """Each person's first day at a stage, as a CTE of ``(person, day)``."""
        query = sa.select(person.label("person"), day(sa.func.min(moment), is_moment).label("day"))
        if join is not None:
            query = query.join(*join)
        return query.where(*where).group_by(person).cte(name)

    screened = first_day(
        "screened",
        Screening.entrepreneur_id,
        Screening.screened_on,
        False,
        Screening.screened_on <= end,
    )
    referred = first_day(
        "referred",
        ReferralMember.entrepreneur_id,
        Referral.submitted_at,
        True,
        Referral.submitted_at < cutoff,
        join=(Referral, Referral.id == ReferralMember.referral_id),
    )
    approved = first_day(
        "approved",
        ReferralMember.entrepreneur_id,
        ReferralTransition.at,
        True,
        ReferralTransition.action == "approve",
        ReferralTransition.at < cutoff,
        join=(ReferralTransition, ReferralTransition.referral_id == ReferralMember.referral_id),
    )
    disbursed = first_day(
        "disbursed", Loan.entrepreneur_id, Loan.disbursed_on, False, Loan.disbursed_on <= end
    )

    def histogram(stage: str, gap, source, *where):
        return (
            sa.select(
                sa.literal_column(f"'{stage}'").label("stage"), gap.label("gap"), sa.func.count()
            )
            .select_from(source)
            .where(*where)
            .group_by(gap)
        )

    rows = session.execute(
        sa.union_all(
            # The gap is NULL for someone not yet registered at the month's end (a cohort
            # recorded after the fact), like every later stage's people who skipped the one
            # before.
            histogram(
                "in_training",
                enrolled.c.enrolled - day(Entrepreneur.created_at, True),
                enrolled.outerjoin(
                    Entrepreneur,
                    sa.and_(Entrepreneur.id == enrolled.c.person, Entrepreneur.created_at < cutoff),
                ),
            ),
            histogram(
                "graduated",
                enrolled.c.graduated - enrolled.c.enrolled,
                enrolled,
                enrolled.c.graduated.is_not(None),
            ),
            # Each later stage against the one before it (graduation for screening).
            *(
                histogram(
                    stage,
                    later.c.day - earlier_day,
                    later.outerjoin(
                        earlier,
                        sa.and_(earlier.c.person == later.c.person, earlier_day.is_not(None)),
                    ),
                )
                for stage, later, earlier, earlier_day in (
                    ("screened", screened, enrolled, enrolled.c.graduated),
                    ("referred", referred, screened, screened.c.day),
                    ("approved", approved, referred, referred.c.day),
                    ("disbursed", disbursed, approved, approved.c.day),
                )
            ),
        )
    ).all()
    gaps: dict[str, dict[int | None, int]] = defaultdict(dict)
    for stage, gap, cases in rows:
        gaps[stage][gap] = gaps[stage].get(gap, 0) + int(cases)

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
    labels = {
        "registered": "Terdaftar",
        "in_training": "Ikut pelatihan BALIKAT",
        "graduated": "Lulus pelatihan",
        "screened": "Diskrining utang",
        "referred": "Dirujuk ke bank",
        "approved": "Disetujui bank",
        "disbursed": "Dana cair",
    }
    # Everyone at a stage is one row of its histogram; those who also reached the stage
    # before have a gap (NULL otherwise), which is what a conversion counts.
    stages = [("registered", labels["registered"], int(registered or 0), None)] + [
        (
            key,
            labels[key],
            sum(gaps[key].values()),
            sum(n for gap, n in gaps[key].items() if gap is not None),
        )
        for key in list(labels)[1:]
    ]
    rows = calc.funnel(stages)
    for row in rows:
        if row["stage"] == "screened":
            row["outcomes"] = {o.value: int(outcomes.get(o, 0)) for o in _outcomes()}
    medians = []
    keys = list(labels)
    for before, later in pairwise(keys):
        median, cases = calc.median_of_counts(gaps[later])
        medians.append(
            {
                "from": before,
                "to": later,
                "label": f"{labels[before]} → {labels[later]}",
                "median_days": median,
                "cases": cases,
            }
        )
    return rows, medians


def _outcomes():
    from harkat.screening.engine import Outcome

    return list(Outcome)


def _repayment(session: Session, first: date, end: date) -> dict:
    """Outstanding and NPL as the banks last reported them for this month or before."""
    latest = (
        sa.select(LoanReport.loan_id, sa.func.max(LoanReport.period).label("period"))
        .where(LoanReport.period <= first)
        .group_by(LoanReport.loan_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Loan.amount, LoanReport.outstanding, LoanReport.collectability)
        .outerjoin(latest, latest.c.loan_id == Loan.id)
        .outerjoin(
            LoanReport,
            sa.and_(LoanReport.loan_id == Loan.id, LoanReport.period == latest.c.period),
        )
        .where(Loan.disbursed_on <= end)
    ).all()
    outstanding = npl = arrears = npl_loans = 0
    for amount, reported, kol in rows:
        balance = amount if reported is None else reported
        kol = kol or 1
        outstanding += balance
        if kol >= NPL_FROM:
            npl += balance
            npl_loans += 1
        if kol >= 2:
            arrears += 1
    return {
        "loans": len(rows),
        "outstanding": outstanding,
        "npl_outstanding": npl,
        "npl_loans": npl_loans,
        "npl_percent": calc.percent(npl, outstanding),
        "arrears_loans": arrears,
    }


def _rejections(session: Session, start: datetime, cutoff: datetime) -> list[dict]:
    labels = dict(session.execute(sa.select(RejectionReason.code, RejectionReason.label)).all())
    rows = session.execute(
        sa.select(
            Referral.rejection_code,
            sa.func.sum(sa.case((ReferralTransition.at >= start, 1), else_=0)),
            sa.func.count(),
        )
        .join(Referral, Referral.id == ReferralTransition.referral_id)
        .where(ReferralTransition.action == "reject", ReferralTransition.at < cutoff)
        .group_by(Referral.rejection_code)
    ).all()
    return sorted(
        (
            {
                "code": code or "-",
                "label": labels.get(code, code or "Tanpa kode"),
                "month": int(month or 0),
                "cumulative": int(total),
            }
            for code, month, total in rows
        ),
        key=lambda r: (-r["cumulative"], r["code"]),
    )


def _screening_findings(session: Session, first: date, following: date) -> dict:
    from harkat.screening.services import aggregates

    data = aggregates(session, first, following)
    keys = (
        "screened",
        "hijau",
        "kuning",
        "merah",
        "illegal_pinjol",
        "loan_shark",
        "formal_arrears",
        "take_over_amount",
    )
    totals = {k: sum(row[k] for row in data["by_kecamatan_month"]) for k in keys}
    names = dict(session.execute(sa.select(Kecamatan.code, Kecamatan.name)).all())
    return {
        "totals": totals,
        "high_cost_outstanding": data["high_cost_outstanding"],
        "rate_distribution": [
            {"label": label, "debts": n} for label, n in data["rate_distribution"]
        ],
        "by_kecamatan": [
            {**row, "kecamatan_name": names.get(row["kecamatan"], row["kecamatan"])}
            for row in data["by_kecamatan_month"]
        ],
    }


def indicator(session: Session, year: int, metric: Metric) -> Indicator | None:
    return session.scalar(
        sa.select(Indicator).where(Indicator.year == year, Indicator.metric == metric)
    )


def _adjustments(session: Session, start: datetime, cutoff: datetime, first: date) -> dict:
    """Loans of closed earlier months that were entered during this month, after the closing."""
    closed = {c.month: c.closed_at for c in closed_months(session) if c.month < first}
    items: dict[str, dict] = {}
    if closed:
        rows = session.execute(
            sa.select(Loan.disbursed_on, Loan.amount, Loan.created_at).where(
                Loan.disbursed_on < first, Loan.created_at >= start, Loan.created_at < cutoff
            )
        ).all()
        for on, amount, created in rows:
            month = on.replace(day=1)
            closed_at = closed.get(month)
            if closed_at is not None and created > closed_at:
                item = items.setdefault(
                    calc.month_key(month), {"month": calc.month_key(month), "count": 0, "amount": 0}
                )
                item["count"] += 1
                item["amount"] += amount
    listed = sorted(items.values(), key=lambda i: i["month"])
    return {
        "count": sum(i["count"] for i in listed),
        "amount": sum(i["amount"] for i in listed),
        "items": listed,
    }


def funnel_cache_minutes() -> int:
    from flask import current_app, has_app_context

    return int(current_app.config["REPORT_FUNNEL_CACHE_MINUTES"]) if has_app_context() else 0


def _case_figures(
    session: Session,
    first: date,
    last: date,
    following: date,
    cutoff: datetime,
    now: datetime,
    fresh: bool,
) -> dict:
    """The month's figures about people rather than money — the funnel, its median days and
    the screening findings: reused while younger than the cache setting, else computed and
    stored (in a transaction of its own, so a report page stays read-only)."""
    minutes = 0 if fresh else funnel_cache_minutes()
    if minutes > 0:
        cached = session.get(FunnelCache, first)
        if cached is not None and now - cached.computed_at < timedelta(minutes=minutes):
            return {
                "funnel": cached.funnel,
                "medians": cached.medians,
                "screening": cached.screening,
                "computed_at": cached.computed_at,
            }
    funnel, medians = _funnel(session, last, cutoff)
    figures = {
        "funnel": funnel,
        "medians": medians,
        "screening": _screening_findings(session, first, following),
        "computed_at": now,
    }
    if minutes > 0 and not wants_write_lock():
        # Only pages that read store it: their own transaction never takes a write lock, and
        # a form post or the CLI (which may hold SQLite's write lock) simply computes.
        _store_case_figures(session.get_bind().engine, first, figures)
    return figures


def _store_case_figures(engine: sa.Engine, month: date, figures: dict) -> None:
    """Keep the figures for the next views, in a transaction of its own that waits at most a
    quarter of a second for a lock: a busy database means the next view computes again, never
    that this page fails or waits."""
    table = FunnelCache.__table__
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            try:
                with connection.begin():
                    connection.exec_driver_sql(
                        "PRAGMA busy_timeout = 250" if sqlite else "SET LOCAL lock_timeout = 250"
                    )
                    connection.execute(table.delete().where(table.c.month == month))
                    connection.execute(table.insert().values(month=month, **figures))
            finally:
                if sqlite:  # the pooled connection goes back with its usual patience
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
                    connection.commit()
    except sa.exc.DBAPIError:
        # Another worker stored the same month a moment ago, or writers hold the lock.
        pass


def absorption_report(
    session: Session, month: date, generated_at: datetime | None = None, fresh: bool = False
) -> dict:
    """Compute the monthly absorption report for ``month`` (its first day) from live data.

    Money is always computed live; the funnel and the screening findings may come from
    :class:`FunnelCache` unless ``fresh``.
    """
    first, last, start, cutoff = month_bounds(month)
    following = calc.add_months(first, 1)
    generated_at = generated_at or utcnow()
    fund_ceiling = ceiling(session)
    allocated = allocations(session, first.year)
    loans = loan_rows(session, last)
    in_month = [loan for loan in loans if loan.disbursed_on >= first]
    cumulative_amount = sum(loan.amount for loan in loans)
    banks = session.execute(sa.select(Bank.id, Bank.code, Bank.name).order_by(Bank.name)).all()
    bank_rows = []
    for bank_id, code, name in banks:
        mine = [loan for loan in loans if loan.bank == code]
        this_year = [loan for loan in mine if loan.disbursed_on.year == first.year]
        allocation = allocated.get(bank_id, 0)
        if not mine and not allocation:
            continue
        bank_rows.append(
            {
                "code": code,
                "name": name,
                "allocation": allocation,
                "month_count": sum(1 for loan in mine if loan.disbursed_on >= first),
                "month_amount": sum(loan.amount for loan in mine if loan.disbursed_on >= first),
                "year_amount": sum(loan.amount for loan in this_year),
                "cumulative_amount": sum(loan.amount for loan in mine),
                "allocation_percent": calc.percent(sum(lo.amount for lo in this_year), allocation),
            }
        )
    status = _status_at(session, cutoff)

    def stood(*states):
        return {
            "count": sum(status.get(s, (0, 0))[0] for s in states),
            "amount": sum(status.get(s, (0, 0))[1] for s in states),
        }

    monthly: dict[str, int] = defaultdict(int)
    for loan in loans:
        monthly[calc.month_key(loan.disbursed_on)] += loan.amount
    absorption_target = indicator(session, first.year, Metric.ABSORPTION)
    disbursed_target = indicator(session, first.year, Metric.DISBURSED_RP)
    trend = []
    # Twelve months up to this one; the cumulative line restarts each January, like the
    # yearly targets it is drawn against.
    months = [calc.add_months(first, -k) for k in range(11, -1, -1)]
    running = sum(
        amount
        for key, amount in monthly.items()
        if key.startswith(f"{months[0].year:04d}-") and key < calc.month_key(months[0])
    )
    for m in months:
        if m.month == 1:
            running = 0
        running += monthly.get(calc.month_key(m), 0)
        goal = (
            disbursed_target
            if m.year == first.year
            else (indicator(session, m.year, Metric.DISBURSED_RP))
        )
        target = None
        if goal is not None and len(goal.monthly_targets or []) == 12:
            target = int(goal.monthly_targets[m.month - 1])
        trend.append(
            {
                "month": calc.month_key(m),
                "label": month_label(m),
                "amount": monthly.get(calc.month_key(m), 0),
                "cumulative": running,
                "target_cumulative": target,
            }
        )
    cases = _case_figures(session, first, last, following, cutoff, generated_at, fresh)
    target_percent = (
        Decimal(absorption_target.annual_target) / 100 if absorption_target is not None else None
    )
    return {
        "report": "absorption",
        "version": REPORT_VERSION,
        "month": calc.month_key(first),
        "month_label": month_label(first),
        "period": {"start": first.isoformat(), "end": last.isoformat()},
        "generated_at": generated_at.astimezone(JAKARTA).isoformat(timespec="seconds"),
        "fund": {
            "ceiling": fund_ceiling,
            "year": first.year,
            "allocated": sum(allocated.values()),
        },
        "month_disbursed": {
            "count": len(in_month),
            "amount": sum(loan.amount for loan in in_month),
        },
        "adjustments": _adjustments(session, start, cutoff, first),
        "cumulative": {
            "count": len(loans),
            "amount": cumulative_amount,
            "absorption_percent": calc.percent(cumulative_amount, fund_ceiling),
            "remaining": max(fund_ceiling - cumulative_amount, 0),
        },
        "banks": bank_rows,
        "pipeline": {
            "submitted": stood(ReferralStatus.SUBMITTED),
            "in_review": stood(ReferralStatus.IN_REVIEW, ReferralStatus.NEEDS_INFO),
            "approved": stood(ReferralStatus.APPROVED),
        },
        "breakdowns": calc.breakdowns(loans, first, last),
        "funnel": cases["funnel"],
        "funnel_computed_at": cases["computed_at"]
        .astimezone(JAKARTA)
        .isoformat(timespec="seconds"),
        "median_days": cases["medians"],
        "rejections": _rejections(session, start, cutoff),
        "screening": cases["screening"],
        "repayment": _repayment(session, first, last),
        "forecast": calc.forecast(
            first,
            monthly,
            cumulative_amount,
            fund_ceiling,
            target_percent,
            date(first.year, 12, 1) if target_percent is not None else None,
        ),
        "trend": trend,
        "closed": None,
    }


# --------------------------------------------------------------------------- closing


def closed_months(session: Session) -> list[MonthClosing]:
    """The closings in force (the newest row of each month, if not reopened)."""
    rows = session.scalars(sa.select(MonthClosing).order_by(MonthClosing.month, MonthClosing.id))
    newest: dict[date, MonthClosing] = {}
    for row in rows:
        newest[row.month] = row
    return [row for row in newest.values() if row.reopened_at is None]


def closing_of(session: Session, month: date) -> MonthClosing | None:
    row = session.scalar(
        sa.select(MonthClosing)
        .where(MonthClosing.month == month)
        .order_by(MonthClosing.id.desc())
        .limit(1)
    )
    return row if row is not None and row.reopened_at is None else None


def report_for(session: Session, month: date) -> dict:
    """The report as users get it: the frozen snapshot of a closed month, else computed live."""
    closing = closing_of(session, month)
    if closing is not None:
        return closing.figures
    return absorption_report(session, month)


def file_for(session: Session, month: date, fmt: str, render) -> bytes:
    """The file of a format: the frozen file of a closed month, else rendered now."""
    closing = closing_of(session, month)
    if closing is not None:
        stored = session.scalar(
            sa.select(MonthClosingFile).where(
                MonthClosingFile.closing_id == closing.id, MonthClosingFile.format == fmt
            )
        )
        if stored is not None:
            return stored.data
    return render(report_for(session, month), fmt)


def close_month(session: Session, month: date, actor: User, render, now: datetime | None = None):
    """Freeze a finished month: its figures, every file and their hashes."""
    now = now or utcnow()
    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin yang dapat menutup bulan."]})
    cutoff = month_bounds(month)[3]
    if cutoff > now:
        raise StopValidation(
            {
                "month": [
                    f"{month_label(month)} belum berakhir; bulan hanya dapat ditutup setelah lewat."
                ]
            }
        )
    if closing_of(session, month) is not None:
        raise StopValidation({"month": [f"{month_label(month)} sudah ditutup."]})
    figures = absorption_report(session, month, now, fresh=True)
    figures["closed"] = {
        "at": now.astimezone(JAKARTA).isoformat(timespec="seconds"),
        "by": actor.full_name,
    }
    closing = MonthClosing(month=month, figures=figures, closed_by_id=actor.id, closed_at=now)
    session.add(closing)
    session.flush()
    hashes = {}
    for fmt in FORMATS:
        data = render(figures, fmt)
        digest = hashlib.sha256(data).hexdigest()
        hashes[fmt] = digest
        session.add(MonthClosingFile(closing_id=closing.id, format=fmt, data=data, sha256=digest))
    closing.hashes = hashes
    session.flush()
    audit.record(
        session,
        "month_close",
        entity=closing,
        changes={"month": calc.month_key(month), "hashes": hashes},
    )
    return closing


def reopen_month(session: Session, month: date, reason: str, actor: User) -> MonthClosing:
    """Reopen a closed month; needs an admin and a reason, kept in the audit log."""
    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin yang dapat membuka kembali bulan."]})
    closing = closing_of(session, month)
    if closing is None:
        raise StopValidation({"month": [f"{month_label(month)} belum ditutup."]})
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise StopValidation({"reason": ["Alasan membuka kembali wajib diisi (minimal 10 huruf)."]})
    closing.reopened_at = utcnow()
    closing.reopened_by_id = actor.id
    closing.reopen_reason = reason[:500]
    session.flush()
    audit.record(
        session,
        "month_reopen",
        entity=closing,
        changes={"month": calc.month_key(month), "reason": closing.reopen_reason},
    )
    return closing


# --------------------------------------------------------------------------- SAKIP


@dataclass
class Realisation:
    indicator: Indicator
    #: Cumulative realisation at the end of each month of the year so far.
    by_month: list[int | Decimal]
    ytd: int | Decimal
    target_ytd: int | None
    achievement_percent: str | None


def realisation(session: Session, year: int, through: date) -> list[Realisation]:
    """Compute each indicator's realisation for ``year`` up to the month of ``through``."""
    indicators = session.scalars(
        sa.select(Indicator).where(Indicator.year == year).order_by(Indicator.id)
    ).all()
    last_month = 12 if through.year > year else through.month
    out = []
    for ind in indicators:
        values = []
        for m in range(1, last_month + 1):
            _, last, _, cutoff = month_bounds(date(year, m, 1))
            values.append(metric_value(session, ind.metric, year, last, cutoff))
        ytd = values[-1] if values else 0
        targets = ind.monthly_targets or []
        target = int(targets[last_month - 1]) if len(targets) == 12 and last_month else None
        if ind.metric == Metric.ABSORPTION and target is not None:
            achieved = calc.percent(Decimal(ytd) * 100, target)
        else:
            achieved = calc.percent(ytd, target) if target else None
        out.append(Realisation(ind, values, ytd, target, achieved))
    return out


def metric_value(session: Session, metric: Metric, year: int, last: date, cutoff: datetime):
    """Cumulative value of a metric from 1 January of ``year`` to ``last``."""
    start_day = date(year, 1, 1)
    start = local_day_bounds(start_day)[0]
    if metric == Metric.TRAINED:
        return int(
            session.scalar(
                sa.select(sa.func.count(sa.distinct(Enrolment.entrepreneur_id)))
                .join(Cohort, Cohort.id == Enrolment.cohort_id)
                .where(
                    Enrolment.result == TrainingResult.PASSED,
                    Cohort.ends_on >= start_day,
                    Cohort.ends_on <= last,
                )
            )
            or 0
        )
    if metric == Metric.SCREENED:
        return int(
            session.scalar(
                sa.select(sa.func.count(sa.distinct(Screening.entrepreneur_id))).where(
                    Screening.screened_on >= start_day, Screening.screened_on <= last
                )
            )
            or 0
        )
    if metric == Metric.REFERRED:
        return int(
            session.scalar(
                sa.select(sa.func.count(sa.distinct(ReferralMember.entrepreneur_id)))
                .join(Referral, Referral.id == ReferralMember.referral_id)
                .where(Referral.submitted_at >= start, Referral.submitted_at < cutoff)
            )
            or 0
        )
    if metric == Metric.DISBURSED_COUNT:
        return int(
            session.scalar(
                sa.select(sa.func.count(sa.distinct(Loan.entrepreneur_id))).where(
                    Loan.disbursed_on >= start_day, Loan.disbursed_on <= last
                )
            )
            or 0
        )
    amount = int(
        session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Loan.amount), 0)).where(
                Loan.disbursed_on >= start_day, Loan.disbursed_on <= last
            )
        )
        or 0
    )
    if metric == Metric.DISBURSED_RP:
        return amount
    total = int(
        session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Loan.amount), 0)).where(
                Loan.disbursed_on <= last
            )
        )
        or 0
    )
    fund = ceiling(session)
    return Decimal(calc.percent(total, fund) or 0)


# --------------------------------------------------------------------------- dashboards


def bottlenecks(session: Session, now: datetime | None = None) -> list[dict]:
    """Cases waiting longer than the configured number of days at each stage, with where to
    look: journey stages by the time of their last change, referrals by their last action."""
    from datetime import timedelta

    from harkat.cases.domain import JourneyStage

    now = now or utcnow()
    days = int(get_number(session, "report.stuck_days"))
    sla = int(get_number(session, "referral.sla_days"))
    cutoff = now - timedelta(days=days)
    out = []
    for stage in (
        JourneyStage.REGISTERED,
        JourneyStage.GRADUATED,
        JourneyStage.IN_INCUBATION,
        JourneyStage.SCREENED,
        JourneyStage.DEBT_RESOLUTION,
    ):
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(Entrepreneur)
            .where(Entrepreneur.stage == stage, Entrepreneur.updated_at < cutoff)
        )
        out.append(
            {
                "label": f"{stage.label} lebih dari {days} hari",
                "count": int(count or 0),
                "endpoint": "registration.index",
                "args": {"stage": stage.value},
            }
        )
    for status, limit, column in (
        (ReferralStatus.SUBMITTED, sla, Referral.submitted_at),
        (ReferralStatus.IN_REVIEW, sla, Referral.submitted_at),
        (ReferralStatus.NEEDS_INFO, days, Referral.last_action_at),
        (ReferralStatus.APPROVED, days, Referral.last_action_at),
    ):
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(Referral)
            .where(Referral.status == status, column < now - timedelta(days=limit))
        )
        out.append(
            {
                "label": f"Rujukan {status.label.lower()} lebih dari {limit} hari",
                "count": int(count or 0),
                "endpoint": "referrals.index",
                "args": {"status": status.value, "umur": limit},
            }
        )
    return out


def stage_counts(session: Session, user: User) -> list[tuple[object, int]]:
    """The user's cases by journey stage (facilitators: their kecamatan)."""
    from harkat.cases.domain import JourneyStage

    counts = dict(
        session.execute(
            sa.select(Entrepreneur.stage, sa.func.count())
            .where(kecamatan_scope(user, Entrepreneur.kecamatan_code))
            .group_by(Entrepreneur.stage)
        ).all()
    )
    return [(stage, int(counts.get(stage, 0))) for stage in JourneyStage]


def dashboard(session: Session, now: datetime | None = None) -> dict:
    """The admin's and viewer's home: absorption so far, this year's trend against the target,
    the pipeline as it stands, and where cases are stuck. Lighter than the monthly report."""
    now = now or utcnow()
    current = to_local(now).date().replace(day=1)
    fund_ceiling = ceiling(session)
    monthly = {calc.month_key(calc.add_months(current, -k)): 0 for k in range(12)}
    total = 0
    for on, amount in session.execute(sa.select(Loan.disbursed_on, Loan.amount)).all():
        total += amount
        key = calc.month_key(on)
        if key in monthly:
            monthly[key] += amount
    goal = indicator(session, current.year, Metric.DISBURSED_RP)
    trend, running = [], 0
    # A twelve-month window always holds a January, where the yearly cumulative restarts.
    for k in range(11, -1, -1):
        m = calc.add_months(current, -k)
        if m.month == 1:
            running = 0
        running += monthly[calc.month_key(m)]
        target = None
        if m.year == current.year and goal is not None and len(goal.monthly_targets or []) == 12:
            target = int(goal.monthly_targets[m.month - 1])
        trend.append(
            {
                "month": calc.month_key(m),
                "label": month_label(m),
                "amount": monthly[calc.month_key(m)],
                "cumulative": running,
                "target_cumulative": target,
            }
        )
    # Each open referral's requested amount by its own members (not a grouped pass over the
    # members of every referral ever made).
    requested = (
        sa.select(sa.func.sum(ReferralMember.amount))
        .where(ReferralMember.referral_id == Referral.id)
        .correlate(Referral)
        .scalar_subquery()
    )
    pipeline = {
        status: (int(count), int(amount or 0))
        for status, count, amount in session.execute(
            sa.select(
                Referral.status,
                sa.func.count(),
                sa.func.sum(sa.func.coalesce(Referral.approved_amount, requested)),
            )
            .where(
                Referral.status.in_(
                    [
                        ReferralStatus.SUBMITTED,
                        ReferralStatus.IN_REVIEW,
                        ReferralStatus.NEEDS_INFO,
                        ReferralStatus.APPROVED,
                    ]
                )
            )
            .group_by(Referral.status)
        ).all()
    }
    return {
        "ceiling": fund_ceiling,
        "cumulative": total,
        "absorption_percent": calc.percent(total, fund_ceiling),
        "this_month": monthly[calc.month_key(current)],
        "trend": trend,
        "pipeline": pipeline,
        "bottlenecks": bottlenecks(session, now),
        "month": calc.month_key(current),
    }
