"""Incubation records: one stage per entrepreneur, mentoring visits and milestones."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.auth.models import User
from harkat.database import TimestampMixin, str_enum, utcnow
from harkat.extensions import db
from harkat.incubation.domain import IncubationStage, MilestoneKind
from harkat.registration.models import Entrepreneur
from harkat.versioning import VersionedMixin


class Incubation(VersionedMixin, TimestampMixin, db.Model):
    """Where an entrepreneur stands in incubation; one row per entrepreneur."""

    __tablename__ = "incubations"
    __audited__ = True
    __table_args__ = (
        sa.Index("ix_incubations_stage", "stage"),
        sa.CheckConstraint(
            "baseline_monthly_revenue >= 0", name="baseline_monthly_revenue_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"), unique=True)
    stage: Mapped[IncubationStage] = mapped_column(
        str_enum(IncubationStage, "incubation_stage"), default=IncubationStage.PRA
    )
    #: The day mentoring started (local date).
    started_on: Mapped[date]
    #: Monthly revenue in whole rupiah when mentoring started; the revenue milestone compares
    #: the businesses' current revenue against it.
    baseline_monthly_revenue: Mapped[int | None] = mapped_column(sa.BigInteger)

    entrepreneur: Mapped[Entrepreneur] = relationship()

    def __repr__(self) -> str:
        return f"<Incubation {self.id} e={self.entrepreneur_id} {self.stage.value}>"


class MentoringVisit(db.Model):
    """One mentoring visit by a facilitator, with an optional photo kept under UPLOAD_DIR."""

    __tablename__ = "mentoring_visits"
    __audited__ = True
    __table_args__ = (
        # The incubation page lists a case's visits newest first.
        sa.Index("ix_mentoring_visits_entrepreneur_visited", "entrepreneur_id", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    visited_on: Mapped[date]
    #: Who made the visit (and recorded it).
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    topics: Mapped[str] = mapped_column(sa.String(200))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    #: Actions agreed for after the visit, in the facilitator's words.
    follow_up: Mapped[str] = mapped_column(sa.Text, default="")
    #: Random file name relative to UPLOAD_DIR, e.g. ``visits/3f2a….jpg``; never user input.
    photo_path: Mapped[str | None] = mapped_column(sa.String(120))
    #: Hex SHA-256 of the stored photo, to prove later that it was not replaced.
    photo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: ``image/jpeg`` or ``image/png``, from the file's content (not from the browser).
    photo_mime: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entrepreneur: Mapped[Entrepreneur] = relationship()
    facilitator: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MentoringVisit {self.id} e={self.entrepreneur_id} {self.visited_on}>"


class Milestone(TimestampMixin, db.Model):
    """One milestone an entrepreneur achieved; at most one row per kind."""

    __tablename__ = "incubation_milestones"
    __audited__ = True
    __table_args__ = (sa.UniqueConstraint("entrepreneur_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique constraint, whose first column it is.
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    kind: Mapped[MilestoneKind] = mapped_column(str_enum(MilestoneKind, "milestone_kind"))
    achieved_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    entrepreneur: Mapped[Entrepreneur] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Milestone {self.id} e={self.entrepreneur_id} {self.kind.value}>"
