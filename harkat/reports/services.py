"""The monthly absorption report: gather rows, compute one result, freeze it when a month closes.

:func:`absorption_report` returns an :class:`~harkat.reports.domain.AbsorptionReport` that every
format renders. A closed month is always served from its snapshot (:func:`report_for`); loans
entered after a month was closed show up as *adjustments* in the month they were entered.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.audit import services as audit
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import kecamatan_scope
from harkat.core.dates import JAKARTA, local_day_bounds, to_local
from harkat.database import utcnow
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
from harkat.reports import documents
from harkat.reports.domain import (
    AbsorptionReport,
    Adjustment,
    Adjustments,
    BankRow,
    Cumulative,
    Forecast,
    Fund,
    Period,
    Pipeline,
    Rejection,
    Repayment,
    Tally,
    Trend,
)
from harkat.reports.models import (
    FundAllocation,
    Indicator,
    Metric,
    MonthClosing,
    MonthClosingFile,
)
from harkat.reports.people import people_figures
from harkat.settings.services import get_number


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


def _repayment(session: Session, first: date, end: date) -> Repayment:
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
    return Repayment(
        loans=len(rows),
        outstanding=outstanding,
        npl_outstanding=npl,
        npl_loans=npl_loans,
        npl_percent=calc.percent(npl, outstanding),
        arrears_loans=arrears,
    )


def _rejections(session: Session, start: datetime, cutoff: datetime) -> list[Rejection]:
    """Rejections by reason: in the month and up to its end, the most frequent first."""
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
            Rejection(
                code=code or "-",
                label=labels.get(code, code or "Tanpa kode"),
                month=int(month or 0),
                cumulative=int(total),
            )
            for code, month, total in rows
        ),
        key=lambda r: (-r.cumulative, r.code),
    )


def indicator(session: Session, year: int, metric: Metric) -> Indicator | None:
    return session.scalar(
        sa.select(Indicator).where(Indicator.year == year, Indicator.metric == metric)
    )


def _adjustments(session: Session, start: datetime, cutoff: datetime, first: date) -> Adjustments:
    """Loans of closed earlier months that were entered during this month, after the closing."""
    closed = {c.month: c.closed_at for c in closed_months(session) if c.month < first}
    counts: dict[str, int] = defaultdict(int)
    amounts: dict[str, int] = defaultdict(int)
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
                counts[calc.month_key(month)] += 1
                amounts[calc.month_key(month)] += amount
    items = [Adjustment(key, counts[key], amounts[key]) for key in sorted(counts)]
    return Adjustments(
        count=sum(i.count for i in items), amount=sum(i.amount for i in items), items=items
    )


def absorption_report(
    session: Session, month: date, generated_at: datetime | None = None, fresh: bool = False
) -> AbsorptionReport:
    """Compute the monthly absorption report for ``month`` (its first day) from live data.

    Money is always computed live; the funnel and the screening findings may come from
    :class:`~harkat.reports.models.FunnelCache` unless ``fresh``.
    """
    first, last, start, cutoff = month_bounds(month)
    generated_at = generated_at or utcnow()
    fund_ceiling = ceiling(session)
    allocated = allocations(session, first.year)
    loans = loan_rows(session, last)
    in_month = [loan for loan in loans if loan.disbursed_on >= first]
    cumulative = sum(loan.amount for loan in loans)
    monthly: dict[str, int] = defaultdict(int)
    for loan in loans:
        monthly[calc.month_key(loan.disbursed_on)] += loan.amount
    people = people_figures(
        session, first, last, calc.add_months(first, 1), cutoff, generated_at, fresh
    )
    return AbsorptionReport(
        month=calc.month_key(first),
        month_label=calc.month_label(first),
        period=Period(first.isoformat(), last.isoformat()),
        generated_at=_local_iso(generated_at),
        fund=Fund(ceiling=fund_ceiling, year=first.year, allocated=sum(allocated.values())),
        month_disbursed=Tally(len(in_month), sum(loan.amount for loan in in_month)),
        adjustments=_adjustments(session, start, cutoff, first),
        cumulative=Cumulative(
            count=len(loans),
            amount=cumulative,
            absorption_percent=calc.percent(cumulative, fund_ceiling),
            remaining=max(fund_ceiling - cumulative, 0),
        ),
        banks=_bank_rows(session, loans, allocated, first),
        pipeline=_pipeline(session, cutoff),
        breakdowns=calc.breakdowns(loans, first, last),
        funnel=people.funnel,
        funnel_computed_at=_local_iso(people.computed_at),
        median_days=people.medians,
        rejections=_rejections(session, start, cutoff),
        screening=people.screening,
        repayment=_repayment(session, first, last),
        forecast=_forecast(session, first, monthly, cumulative, fund_ceiling),
        trend=_trend(session, first, monthly),
    )


def _local_iso(moment: datetime) -> str:
    """A moment as the report writes it: ISO 8601 in Jakarta time, to the second."""
    return moment.astimezone(JAKARTA).isoformat(timespec="seconds")


def _bank_rows(
    session: Session, loans: list[calc.LoanRow], allocated: dict[int, int], first: date
) -> list[BankRow]:
    """Each bank with an allocation for the year or a loan: its loans against the allocation."""
    banks = session.execute(sa.select(Bank.id, Bank.code, Bank.name).order_by(Bank.name)).all()
    rows = []
    for bank_id, code, name in banks:
        mine = [loan for loan in loans if loan.bank == code]
        this_year = [loan for loan in mine if loan.disbursed_on.year == first.year]
        this_month = [loan for loan in mine if loan.disbursed_on >= first]
        allocation = allocated.get(bank_id, 0)
        if not mine and not allocation:
            continue
        year_amount = sum(loan.amount for loan in this_year)
        rows.append(
            BankRow(
                code=code,
                name=name,
                allocation=allocation,
                month_count=len(this_month),
                month_amount=sum(loan.amount for loan in this_month),
                year_amount=year_amount,
                cumulative_amount=sum(loan.amount for loan in mine),
                allocation_percent=calc.percent(year_amount, allocation),
            )
        )
    return rows


def _pipeline(session: Session, cutoff: datetime) -> Pipeline:
    """Referrals standing before a loan at ``cutoff``, and their rupiah."""
    status = _status_at(session, cutoff)

    def stood(*states: ReferralStatus) -> Tally:
        return Tally(
            count=sum(status.get(s, (0, 0))[0] for s in states),
            amount=sum(status.get(s, (0, 0))[1] for s in states),
        )

    return Pipeline(
        submitted=stood(ReferralStatus.SUBMITTED),
        in_review=stood(ReferralStatus.IN_REVIEW, ReferralStatus.NEEDS_INFO),
        approved=stood(ReferralStatus.APPROVED),
    )


def _forecast(
    session: Session, first: date, monthly: dict[str, int], cumulative: int, fund_ceiling: int
) -> Forecast:
    """The forecast against the year's absorption target (a percent of the ceiling by
    December), if one is set."""
    goal = indicator(session, first.year, Metric.ABSORPTION)
    target_percent = Decimal(goal.annual_target) / 100 if goal is not None else None
    return calc.forecast(
        first,
        monthly,
        cumulative,
        fund_ceiling,
        target_percent,
        date(first.year, 12, 1) if target_percent is not None else None,
    )


def _trend(session: Session, month: date, monthly: dict[str, int]) -> Trend:
    """The twelve months up to ``month`` against each year's cumulative disbursement target:
    the one trend of the monthly report and of the dashboard."""
    targets = {}
    for year in sorted({calc.add_months(month, -11).year, month.year}):
        goal = indicator(session, year, Metric.DISBURSED_RP)
        if goal is not None:
            targets[year] = goal.monthly_targets or []
    return calc.trend(month, monthly, targets)


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


def report_for(session: Session, month: date) -> AbsorptionReport:
    """The report as users get it: the frozen snapshot of a closed month, else computed live."""
    closing = closing_of(session, month)
    if closing is not None:
        return AbsorptionReport.from_dict(closing.figures)
    return absorption_report(session, month)


def file_for(session: Session, month: date, fmt: str) -> bytes:
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
    return documents.render(report_for(session, month), fmt)


def close_month(
    session: Session, month: date, actor: User, now: datetime | None = None
) -> MonthClosing:
    """Freeze a finished month: its figures, every file and their hashes."""
    now = now or utcnow()
    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin yang dapat menutup bulan."]})
    cutoff = month_bounds(month)[3]
    if cutoff > now:
        label = calc.month_label(month)
        raise StopValidation(
            {"month": [f"{label} belum berakhir; bulan hanya dapat ditutup setelah lewat."]}
        )
    if closing_of(session, month) is not None:
        raise StopValidation({"month": [f"{calc.month_label(month)} sudah ditutup."]})
    report = absorption_report(session, month, now, fresh=True)
    report = report.closed_by(_local_iso(now), actor.full_name)
    closing = MonthClosing(
        month=month, figures=report.to_dict(), closed_by_id=actor.id, closed_at=now
    )
    session.add(closing)
    session.flush()
    hashes = {}
    for fmt in documents.FORMATS:
        data = documents.render(report, fmt)
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
        raise StopValidation({"month": [f"{calc.month_label(month)} belum ditutup."]})
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
    monthly: dict[str, int] = defaultdict(int)
    for on, amount in session.execute(sa.select(Loan.disbursed_on, Loan.amount)).all():
        monthly[calc.month_key(on)] += amount
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
    total = sum(monthly.values())
    return {
        "ceiling": fund_ceiling,
        "cumulative": total,
        "absorption_percent": calc.percent(total, fund_ceiling),
        "this_month": monthly.get(calc.month_key(current), 0),
        "trend": _trend(session, current, monthly),
        "pipeline": pipeline,
        "bottlenecks": bottlenecks(session, now),
        "month": calc.month_key(current),
    }
