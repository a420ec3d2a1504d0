"""Entrepreneurs (pelaku usaha), their businesses, groups and consents."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.auth.models import User
from harkat.cases.domain import EntrepreneurStatus, JourneyStage
from harkat.core.enums import ConsentPurpose
from harkat.core.nik import Gender
from harkat.database import TimestampMixin, str_enum, utcnow
from harkat.extensions import db
from harkat.reference.models import Kecamatan, Kelurahan
from harkat.registration.domain import (
    BusinessScale,
    Education,
    GroupStatus,
    MaritalStatus,
    Sector,
    business_scale,
)
from harkat.versioning import VersionedMixin


class RegistrationCounter(db.Model):
    """The last registration number handed out in a year."""

    __tablename__ = "registration_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


# The trigram index below needs PostgreSQL's pg_trgm (shipped with it, a trusted extension).
sa.event.listen(
    db.metadata,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


class Entrepreneur(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "entrepreneurs"
    __audited__ = True
    __table_args__ = (
        # List pages sort by name: within a facilitator's kecamatan, or across the city.
        sa.Index("ix_entrepreneurs_kecamatan_name", "kecamatan_code", "search_name"),
        sa.Index("ix_entrepreneurs_search_name", "search_name", "id"),
        sa.Index("ix_entrepreneurs_kelurahan_code", "kelurahan_code"),
        # Cases per stage in a kecamatan (facilitator's home), and how long they have stood
        # there (the dashboard's stuck cases): both counted from the index alone.
        sa.Index("ix_entrepreneurs_kecamatan_stage", "kecamatan_code", "stage"),
        sa.Index("ix_entrepreneurs_stage_updated", "stage", "updated_at"),
        # A name typed anywhere in the search box ("LIKE '%siti%'"): trigrams on PostgreSQL
        # (17 ms instead of 240 ms at 1,000,000 cases). SQLite scans the name index instead.
        sa.Index(
            "ix_entrepreneurs_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        sa.CheckConstraint("dependants >= 0", name="dependants_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``HKT-2026-000123``: year of registration and a number within that year.
    registration_number: Mapped[str] = mapped_column(sa.String(16), unique=True)
    nik: Mapped[str] = mapped_column(sa.String(16), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    #: Lower-cased name with single spaces, what name search compares against.
    search_name: Mapped[str] = mapped_column(sa.String(120))
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, "gender"))
    birth_place: Mapped[str] = mapped_column(sa.String(80))
    birth_date: Mapped[date]
    #: E.164, e.g. ``+6281234567890``.
    phone: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    address: Mapped[str] = mapped_column(sa.String(200))
    rt: Mapped[str | None] = mapped_column(sa.String(3))
    rw: Mapped[str | None] = mapped_column(sa.String(3))
    kelurahan_code: Mapped[str] = mapped_column(sa.ForeignKey("kelurahan.code"))
    #: Derived from the kelurahan; stored because every scoped query filters on it.
    kecamatan_code: Mapped[str] = mapped_column(sa.ForeignKey("kecamatan.code"))
    education: Mapped[Education | None] = mapped_column(str_enum(Education, "education"))
    marital_status: Mapped[MaritalStatus | None] = mapped_column(
        str_enum(MaritalStatus, "marital_status")
    )
    dependants: Mapped[int] = mapped_column(default=0)
    status: Mapped[EntrepreneurStatus] = mapped_column(
        str_enum(EntrepreneurStatus, "entrepreneur_status"), default=EntrepreneurStatus.ACTIVE
    )
    stage: Mapped[JourneyStage] = mapped_column(
        str_enum(JourneyStage, "journey_stage"), default=JourneyStage.REGISTERED
    )
    #: The facilitator who registered the case and answers for it.
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    kelurahan: Mapped[Kelurahan] = relationship()
    kecamatan: Mapped[Kecamatan] = relationship()
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    businesses: Mapped[list[Business]] = relationship(
        back_populates="entrepreneur", order_by="Business.id"
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="entrepreneur", order_by="Consent.recorded_at"
    )

    @property
    def is_active(self) -> bool:
        """Still taking part: not marked inactive, moved away or deceased."""
        return self.status == EntrepreneurStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Entrepreneur {self.id} {self.registration_number}>"

    @staticmethod
    def name_key(name: str) -> str:
        return " ".join(name.split()).casefold()


class Business(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "businesses"
    __audited__ = True
    __table_args__ = (
        # "Entrepreneurs with a business in sector C / of scale kecil" read these, never the table.
        sa.Index("ix_businesses_sector_entrepreneur", "sector", "entrepreneur_id"),
        sa.Index("ix_businesses_scale_entrepreneur", "scale", "entrepreneur_id"),
        sa.CheckConstraint("monthly_revenue >= 0", name="revenue_not_negative"),
        sa.CheckConstraint("monthly_costs >= 0", name="costs_not_negative"),
        sa.CheckConstraint("capital >= 0", name="capital_not_negative"),
        sa.CheckConstraint("employees >= 0", name="employees_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"))
    #: Free description of what is made or sold, e.g. "keripik tempe".
    products: Mapped[str] = mapped_column(sa.String(200), default="")
    start_year: Mapped[int | None]
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Nomor Induk Berusaha from OSS, 13 digits.
    nib: Mapped[str | None] = mapped_column(sa.String(13), index=True)
    #: Surat Keterangan Usaha from the kelurahan, for businesses without an NIB.
    sku_number: Mapped[str | None] = mapped_column(sa.String(60))
    halal_certificate: Mapped[str | None] = mapped_column(sa.String(60))
    pirt_number: Mapped[str | None] = mapped_column(sa.String(60))
    #: Average sales per month; None when not known (blank is unknown, not zero).
    monthly_revenue: Mapped[int | None] = mapped_column(sa.BigInteger)
    monthly_costs: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Business capital excluding land and buildings (PP 7/2021); None when not known.
    capital: Mapped[int | None] = mapped_column(sa.BigInteger)
    employees: Mapped[int] = mapped_column(default=0)
    #: Computed from capital and revenue on every save (``unknown`` when neither is known);
    #: stored so lists can filter on it.
    scale: Mapped[BusinessScale] = mapped_column(str_enum(BusinessScale, "business_scale"))

    entrepreneur: Mapped[Entrepreneur] = relationship(back_populates="businesses")

    def refresh_scale(self) -> None:
        """Recompute the stored scale from capital and revenue (PP 7/2021)."""
        self.scale = business_scale(self.capital, self.monthly_revenue)

    @property
    def monthly_profit(self) -> int | None:
        """Revenue minus costs; None while the revenue is unknown."""
        if self.monthly_revenue is None:
            return None
        return self.monthly_revenue - (self.monthly_costs or 0)

    def __repr__(self) -> str:
        return f"<Business {self.id} {self.name!r}>"


class Group(VersionedMixin, TimestampMixin, db.Model):
    """A kelompok usaha: members with joint liability, led by a chair who is a member."""

    __tablename__ = "groups"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kelurahan_code: Mapped[str] = mapped_column(sa.ForeignKey("kelurahan.code"))
    kecamatan_code: Mapped[str] = mapped_column(sa.ForeignKey("kecamatan.code"), index=True)
    formed_on: Mapped[date | None]
    #: Number of the lurah's decree (SK) recognising the group.
    decree_number: Mapped[str | None] = mapped_column(sa.String(80))
    status: Mapped[GroupStatus] = mapped_column(
        str_enum(GroupStatus, "group_status"), default=GroupStatus.FORMING
    )
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    kelurahan: Mapped[Kelurahan] = relationship()
    kecamatan: Mapped[Kecamatan] = relationship()
    chair: Mapped[Entrepreneur | None] = relationship(foreign_keys=[chair_id])
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    memberships: Mapped[list[GroupMembership]] = relationship(
        back_populates="group", order_by="GroupMembership.joined_on"
    )

    @property
    def active_memberships(self) -> list[GroupMembership]:
        return [m for m in self.memberships if m.left_on is None]

    def __repr__(self) -> str:
        return f"<Group {self.id} {self.name!r}>"


class GroupMembership(TimestampMixin, db.Model):
    """One spell of an entrepreneur in a group; leaving closes it, so history stays."""

    __tablename__ = "group_memberships"
    __audited__ = True
    __table_args__ = (
        # At most one open membership per entrepreneur, whatever the group.
        sa.Index(
            "uq_group_memberships_one_active",
            "entrepreneur_id",
            unique=True,
            sqlite_where=sa.text("left_on IS NULL"),
            postgresql_where=sa.text("left_on IS NULL"),
        ),
        sa.Index("ix_group_memberships_group_id", "group_id", "entrepreneur_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"))
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    left_reason: Mapped[str | None] = mapped_column(sa.String(200))

    group: Mapped[Group] = relationship(back_populates="memberships")
    entrepreneur: Mapped[Entrepreneur] = relationship()

    def __repr__(self) -> str:
        return f"<GroupMembership {self.id} group={self.group_id} e={self.entrepreneur_id}>"


class Consent(db.Model):
    """One consent decision for one purpose; the newest per purpose is the one in force."""

    __tablename__ = "consents"
    __audited__ = True
    __table_args__ = (sa.Index("ix_consents_entrepreneur_purpose", "entrepreneur_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    purpose: Mapped[ConsentPurpose] = mapped_column(str_enum(ConsentPurpose, "consent_purpose"))
    is_granted: Mapped[bool]
    #: Version of the wording the entrepreneur agreed to (``CONSENT_TEXT_VERSION``).
    text_version: Mapped[str] = mapped_column(sa.String(20))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    entrepreneur: Mapped[Entrepreneur] = relationship(back_populates="consents")
    recorded_by: Mapped[User | None] = relationship()
