"""Debt screenings: the household's money, each debt, and the computed outcome."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.auth.models import User
from harkat.database import str_enum, utcnow
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from harkat.screening.engine import (
    EFFECTIVE_LABEL,
    NOMINAL_LABEL,
    Frequency,
    LenderType,
    Outcome,
    Thresholds,
    format_rate_percent,
    format_ratio_percent,
)

JSON = sa.JSON().with_variant(JSONB, "postgresql")
#: Largest rate stored (percent a year); anything above is stored as this.
RATE_CAP = Decimal("999999999.9")


def rate_text(value) -> str:
    """A yearly rate as people read it: ``445%``, ``8.232,5%``, or a floor for capped ones."""
    if value is None:
        return "—"
    if value >= RATE_CAP:
        return f"lebih dari {format_rate_percent(RATE_CAP.to_integral_value())}"
    return format_rate_percent(value)


class Screening(db.Model):
    """One screening of a household's debts; re-screening adds a new one, history stays."""

    __tablename__ = "screenings"
    __audited__ = True
    __table_args__ = (
        sa.Index("ix_screenings_entrepreneur_on", "entrepreneur_id", "screened_on"),
        sa.Index("ix_screenings_valid_until", "valid_until"),
        # The monthly report's screening findings pick one month's screenings.
        sa.Index("ix_screenings_screened_on", "screened_on", "entrepreneur_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    screened_on: Mapped[date]
    #: After this day the screening no longer counts for a referral (validity ⚙).
    valid_until: Mapped[date]
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Monthly rupiah: household income from work other than the business.
    household_income: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Monthly rupiah: the business's net income (revenue less business costs).
    business_income: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Monthly rupiah: essential household spending (food, school, rent, utilities).
    household_expenses: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Monthly instalment of the BANK HARKAT loan being considered (0 when none yet).
    proposed_instalment: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: The entrepreneur's own SLIK check (iDebku): worst collectability in 24 months.
    slik_worst_collectability: Mapped[int | None]
    slik_checked_on: Mapped[date | None]
    #: When the licensed-lender registry used for matching was last checked against OJK's list.
    registry_checked_on: Mapped[date | None]
    slik_file_path: Mapped[str | None] = mapped_column(sa.String(120))
    slik_file_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    slik_file_mime: Mapped[str | None] = mapped_column(sa.String(40))

    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "screening_outcome"))
    #: Plain-Indonesian reasons for the outcome, in order.
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    total_outstanding: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    monthly_debt_service: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Debt-service ratios in percent, to four decimals (the limits were compared unrounded, and
    #: 30,04% must not come back as 30,0%); None when net income is zero or negative.
    dsr: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 4))
    dsr_with_proposed: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 4))
    dsr_after_take_over: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 4))
    #: Whether the outcome depends on the take-over (else the plan is only a suggestion).
    take_over_required: Mapped[bool] = mapped_column(default=False)
    take_over_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    take_over_instalment: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    take_over_savings: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: The thresholds in force when it was computed.
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entrepreneur: Mapped[Entrepreneur] = relationship()
    facilitator: Mapped[User | None] = relationship()
    debts: Mapped[list[ScreeningDebt]] = relationship(
        back_populates="screening", order_by="ScreeningDebt.position"
    )

    def __repr__(self) -> str:
        return f"<Screening {self.id} e={self.entrepreneur_id} {self.outcome}>"

    @property
    def rules(self) -> Thresholds:
        """The thresholds this screening was judged by."""
        return Thresholds.from_mapping(self.thresholds or {})

    def ratio_text(self, value: Decimal | None) -> str:
        """A DSR of this screening for display, never rounded across one of its limits."""
        if value is None:
            return "tak terhitung"
        rules = self.rules
        return format_ratio_percent(value, rules.dsr_green_max, rules.dsr_yellow_max)


class ScreeningDebt(db.Model):
    """One debt as the entrepreneur described it, with what HARKAT computed from it."""

    __tablename__ = "screening_debts"
    __audited__ = True
    __table_args__ = (
        sa.Index("ix_screening_debts_screening_id", "screening_id"),
        sa.CheckConstraint("principal > 0", name="principal_positive"),
        sa.CheckConstraint("instalment > 0", name="instalment_positive"),
        sa.CheckConstraint("outstanding >= 0", name="outstanding_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(sa.ForeignKey("screenings.id"))
    position: Mapped[int] = mapped_column(default=0)
    lender_name: Mapped[str] = mapped_column(sa.String(120))
    lender_type: Mapped[LenderType] = mapped_column(str_enum(LenderType, "lender_type"))
    principal: Mapped[int] = mapped_column(sa.BigInteger)
    outstanding: Mapped[int] = mapped_column(sa.BigInteger)
    instalment: Mapped[int] = mapped_column(sa.BigInteger)
    frequency: Mapped[Frequency] = mapped_column(str_enum(Frequency, "instalment_frequency"))
    instalments_total: Mapped[int]
    instalments_paid: Mapped[int] = mapped_column(default=0)
    days_past_due: Mapped[int] = mapped_column(default=0)
    collectability: Mapped[int | None]
    intimidation: Mapped[bool] = mapped_column(default=False)
    #: For online lenders: whether the name matched the licensed registry (None: not checked).
    is_licensed: Mapped[bool | None]
    #: The registry name it matched, for the record.
    matched_lender: Mapped[str | None] = mapped_column(sa.String(120))
    #: ``registry`` when ``is_licensed`` came from the registry, ``manual`` when the facilitator
    #: overrode it after checking with OJK themselves.
    licence_source: Mapped[str | None] = mapped_column(sa.String(10))
    settled_bad_debt_months_ago: Mapped[int | None]
    #: Total already paid to this lender, when the entrepreneur knows it.
    amount_repaid: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: What a take-over pays this lender: the outstanding balance, or for an illegal online
    #: lender at most the principal received minus what was repaid (None: screened before this
    #: rule, read as the outstanding balance).
    take_over_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: An admin set :attr:`take_over_amount` by hand: the reason, who and when (also audited).
    take_over_override_reason: Mapped[str | None] = mapped_column(sa.String(500))
    take_over_override_by: Mapped[str | None] = mapped_column(sa.String(120))
    take_over_override_at: Mapped[datetime | None]
    nominal_rate_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 1))
    #: Compounded yearly rate; daily illegal loans compound past any column, so it is capped
    #: at :data:`RATE_CAP` (shown as "lebih dari …").
    effective_rate_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 1))
    monthly_service: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    is_high_cost: Mapped[bool] = mapped_column(default=False)
    #: Part of the recommended take-over by a BANK HARKAT loan.
    taken_over: Mapped[bool] = mapped_column(default=False)

    screening: Mapped[Screening] = relationship(back_populates="debts")

    @property
    def rate_phrase(self) -> str:
        """The debt's yearly cost, worded the same on every page and PDF."""
        nominal = f"{NOMINAL_LABEL} {rate_text(self.nominal_rate_percent)} per tahun"
        effective = self.effective_rate_percent
        if effective is None or effective == self.nominal_rate_percent:
            return nominal
        return f"{nominal} ({EFFECTIVE_LABEL} {rate_text(effective)} per tahun)"

    @property
    def is_online(self) -> bool:
        return self.lender_type.is_online

    @property
    def payoff(self) -> int:
        """What a take-over pays this lender."""
        return self.outstanding if self.take_over_amount is None else self.take_over_amount

    @property
    def payoff_is_capped(self) -> bool:
        """The illegal-lender rule proposes less than the outstanding balance."""
        return self.take_over_override_at is None and self.payoff < self.outstanding

    def __repr__(self) -> str:
        return f"<ScreeningDebt {self.id} s={self.screening_id} {self.lender_name!r}>"
