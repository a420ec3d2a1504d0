"""The performance agreement (SAKIP): each indicator's realisation, computed from the case data
month by month, never typed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.core.dates import local_day_bounds
from harkat.referrals.models import Loan, Referral, ReferralMember
from harkat.reports import absorption as calc
from harkat.reports.models import Indicator, Metric
from harkat.reports.services import ceiling, month_bounds
from harkat.screening.models import Screening
from harkat.training.domain import TrainingResult
from harkat.training.models import Cohort, Enrolment


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
