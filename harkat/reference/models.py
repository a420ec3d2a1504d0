"""Reference data: the region, partner banks, financing schemes, courses and lender kinds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.core.enums import ApplicantType, LoanMethod
from harkat.database import TimestampMixin, str_enum
from harkat.extensions import db


class Kecamatan(db.Model):
    __tablename__ = "kecamatan"

    #: Kemendagri code, e.g. ``15.71.01``.
    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)

    kelurahan: Mapped[list[Kelurahan]] = relationship(
        back_populates="kecamatan", order_by="Kelurahan.name"
    )

    def __repr__(self) -> str:
        return f"<Kecamatan {self.code} {self.name}>"


class Kelurahan(db.Model):
    __tablename__ = "kelurahan"

    #: Kemendagri code, e.g. ``15.71.01.1001``.
    code: Mapped[str] = mapped_column(sa.String(13), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kecamatan_code: Mapped[str] = mapped_column(sa.ForeignKey("kecamatan.code"), index=True)

    kecamatan: Mapped[Kecamatan] = relationship(back_populates="kelurahan")

    def __repr__(self) -> str:
        return f"<Kelurahan {self.code} {self.name}>"


class PlaceAlias(db.Model):
    """A spelling of a kecamatan or kelurahan name accepted on import."""

    __tablename__ = "place_aliases"
    __table_args__ = (sa.UniqueConstraint("level", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``kecamatan`` or ``kelurahan``; the same name can be both (Telanaipura, Jelutung).
    level: Mapped[str] = mapped_column(sa.String(10))
    #: Code of the kecamatan (``15.71.01``) or kelurahan (``15.71.01.1001``) it names.
    code: Mapped[str] = mapped_column(sa.String(13), index=True)
    alias: Mapped[str] = mapped_column(sa.String(80))
    #: :func:`harkat.core.regions.place_key` of the alias, what lookups compare.
    key: Mapped[str] = mapped_column(sa.String(80))


class Bank(TimestampMixin, db.Model):
    """A partner bank that channels BANK HARKAT loans."""

    __tablename__ = "banks"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code used on the CLI and in the API, e.g. ``BANK9JAMBI``.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: A sharia bank finances with a margin (murabahah), never interest: its pages say "margin".
    is_sharia: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    def __repr__(self) -> str:
        return f"<Bank {self.id} {self.code}>"

    @property
    def rate_word(self) -> str:
        """What the yearly price of a loan is called at this bank: "margin" or "bunga"."""
        return "margin" if self.is_sharia else "bunga"


class Scheme(TimestampMixin, db.Model):
    """A financing scheme: rate, method, limits and tenor."""

    __tablename__ = "schemes"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("min_tenor_months <= max_tenor_months", name="tenor_range"),
        sa.CheckConstraint("annual_rate_percent >= 0", name="rate_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Nominal yearly rate in percent, e.g. ``3.00``.
    annual_rate_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3))
    method: Mapped[LoanMethod] = mapped_column(str_enum(LoanMethod, "loan_method"))
    applicant_type: Mapped[ApplicantType] = mapped_column(str_enum(ApplicantType, "applicant_type"))
    #: Rupiah limits per member (every applicant counts as one member).
    min_amount_per_member: Mapped[int] = mapped_column(sa.BigInteger)
    max_amount_per_member: Mapped[int] = mapped_column(sa.BigInteger)
    #: Rupiah ceiling of one group referral; None for individual schemes.
    max_amount_per_group: Mapped[int | None] = mapped_column(sa.BigInteger)
    min_tenor_months: Mapped[int]
    max_tenor_months: Mapped[int]
    active_from: Mapped[date | None]
    active_until: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Scheme {self.id} {self.code}>"


class Course(TimestampMixin, db.Model):
    """A BALIKAT course in the catalogue."""

    __tablename__ = "courses"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    theme: Mapped[str] = mapped_column(sa.String(80))
    hours: Mapped[int]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.code}>"


class LenderCategory(db.Model):
    """A kind of lender a debt can be owed to, as recorded in debt screening."""

    __tablename__ = "lender_categories"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(80))
    #: Supervised by OJK and reported to SLIK (banks, BPR, cooperatives, licensed pindar).
    is_formal: Mapped[bool]
    #: Lends through an app; names are matched against the licensed-lender registry.
    is_online: Mapped[bool]
    #: Always counted as high-cost debt, whatever its computed rate.
    is_high_cost: Mapped[bool]
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<LenderCategory {self.code}>"
