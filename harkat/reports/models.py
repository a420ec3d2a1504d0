"""Fund allocations, closed months with their frozen report, and SAKIP performance indicators."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.auth.models import User
from harkat.core.enums import LabelledEnum
from harkat.database import TimestampMixin, str_enum, utcnow
from harkat.extensions import db
from harkat.reference.models import Bank

JSON = sa.JSON().with_variant(JSONB, "postgresql")


class FundAllocation(TimestampMixin, db.Model):
    """How much of the fund a partner bank may channel in one year."""

    __tablename__ = "fund_allocations"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("bank_id", "year"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("banks.id"))
    year: Mapped[int]
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    bank: Mapped[Bank] = relationship()


class FunnelCache(db.Model):
    """The figures of an open month about people — the funnel, its median days and the
    screening findings — as last computed.

    The funnel follows every case from registration to loan; at a million cases it takes
    seconds, so an open month's report reuses these for ``REPORT_FUNNEL_CACHE_MINUTES`` (money
    figures are always live). Closing a month computes them afresh.
    """

    __tablename__ = "report_funnel_cache"

    month: Mapped[date] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime]
    funnel: Mapped[list] = mapped_column(JSON)
    medians: Mapped[list] = mapped_column(JSON)
    screening: Mapped[dict] = mapped_column(JSON)


class MonthClosing(db.Model):
    """A closed month: the report's figures and files frozen, with their hashes.

    Reopening keeps the row (``reopened_at`` set) so the history of closings stays readable;
    the month is closed while its newest row has no ``reopened_at``.
    """

    __tablename__ = "month_closings"
    __audited__ = True
    __audit_exclude__ = frozenset({"figures"})
    __table_args__ = (sa.Index("ix_month_closings_month", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: First day of the calendar month (Asia/Jakarta).
    month: Mapped[date]
    figures: Mapped[dict] = mapped_column(JSON)
    #: SHA-256 of each frozen file, by format.
    hashes: Mapped[dict] = mapped_column(JSON, default=dict)
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reopened_at: Mapped[datetime | None]
    reopened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reopen_reason: Mapped[str | None] = mapped_column(sa.String(500))

    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    reopened_by: Mapped[User | None] = relationship(foreign_keys=[reopened_by_id])
    files: Mapped[list[MonthClosingFile]] = relationship(back_populates="closing")


class MonthClosingFile(db.Model):
    """One frozen file of a closed month (PDF, XLSX, CSV or JSON), kept in the database."""

    __tablename__ = "month_closing_files"
    __table_args__ = (sa.UniqueConstraint("closing_id", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    closing_id: Mapped[int] = mapped_column(sa.ForeignKey("month_closings.id"))
    format: Mapped[str] = mapped_column(sa.String(8))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64))

    closing: Mapped[MonthClosing] = relationship(back_populates="files")


class Metric(LabelledEnum):
    """What a SAKIP indicator measures; realisation is computed, never typed in."""

    TRAINED = "trained", "UMKM lulus pelatihan BALIKAT"
    SCREENED = "screened", "UMKM diskrining utangnya"
    REFERRED = "referred", "UMKM dirujuk ke bank"
    DISBURSED_COUNT = "disbursed_count", "UMKM menerima pembiayaan"
    DISBURSED_RP = "disbursed_rp", "Dana tersalurkan (Rp)"
    ABSORPTION = "absorption", "Serapan dana (% dari pagu)"

    @property
    def is_money(self) -> bool:
        return self == Metric.DISBURSED_RP

    @property
    def is_percent(self) -> bool:
        return self == Metric.ABSORPTION


class Indicator(TimestampMixin, db.Model):
    """A performance-agreement (SAKIP) indicator with its targets for one year."""

    __tablename__ = "indicators"
    __audited__ = True
    __table_args__ = (sa.UniqueConstraint("year", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    metric: Mapped[Metric] = mapped_column(str_enum(Metric, "indicator_metric"))
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Target for the whole year (rupiah, count, or percent × 100 for absorption).
    annual_target: Mapped[int] = mapped_column(sa.BigInteger)
    #: Cumulative target at the end of each month, January first (12 numbers).
    monthly_targets: Mapped[list] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
