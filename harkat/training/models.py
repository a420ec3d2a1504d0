"""BALIKAT cohorts, their sessions, enrolments, attendance and certificates."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.auth.models import User
from harkat.database import TimestampMixin, str_enum, utcnow
from harkat.extensions import db
from harkat.reference.models import Course, Kecamatan
from harkat.registration.models import Entrepreneur
from harkat.training.domain import (
    AttendanceStatus,
    CohortStatus,
    EnrolmentStatus,
    TrainingResult,
)
from harkat.versioning import VersionedMixin


class Cohort(VersionedMixin, TimestampMixin, db.Model):
    """An *angkatan*: one run of a course, in one place, for a limited number of people."""

    __tablename__ = "cohorts"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("starts_on <= ends_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    venue: Mapped[str] = mapped_column(sa.String(200))
    kecamatan_code: Mapped[str] = mapped_column(sa.ForeignKey("kecamatan.code"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    capacity: Mapped[int]
    #: Name of the trainer (often from outside the office), shown on certificates.
    trainer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[CohortStatus] = mapped_column(
        str_enum(CohortStatus, "cohort_status"), default=CohortStatus.OPEN
    )
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The completion rule in force when the cohort was closed (the rule can change later).
    rule_min_attendance_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    rule_min_post_test: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))

    course: Mapped[Course] = relationship()
    kecamatan: Mapped[Kecamatan] = relationship()
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    sessions: Mapped[list[CohortSession]] = relationship(
        back_populates="cohort", order_by=lambda: [CohortSession.held_on, CohortSession.starts_at]
    )
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="cohort", order_by="Enrolment.id"
    )

    @property
    def is_open(self) -> bool:
        """Taking enrolments and not yet started."""
        return self.status == CohortStatus.OPEN

    @property
    def is_closed(self) -> bool:
        """Finished: results are computed and the cohort no longer changes."""
        return self.status == CohortStatus.CLOSED

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class CohortSession(TimestampMixin, db.Model):
    """One meeting of a cohort."""

    __tablename__ = "cohort_sessions"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    held_on: Mapped[date]
    starts_at: Mapped[time | None]
    ends_at: Mapped[time | None]
    topic: Mapped[str] = mapped_column(sa.String(200))

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")


class Enrolment(TimestampMixin, db.Model):
    """An entrepreneur's place in a cohort (or on its waitlist), tests and final result."""

    __tablename__ = "enrolments"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "entrepreneur_id"),
        sa.Index("ix_enrolments_entrepreneur_id", "entrepreneur_id"),
        sa.CheckConstraint("pre_test BETWEEN 0 AND 100", name="pre_test_range"),
        sa.CheckConstraint("post_test BETWEEN 0 AND 100", name="post_test_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"))
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    status: Mapped[EnrolmentStatus] = mapped_column(str_enum(EnrolmentStatus, "enrolment_status"))
    #: When the place (or the waitlist spot) was asked for; the waitlist moves up in this order.
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.String(200))
    pre_test: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    post_test: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    result: Mapped[TrainingResult | None] = mapped_column(
        str_enum(TrainingResult, "training_result")
    )
    #: Why the result is what it is, sentence by sentence, as shown to people.
    result_reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Set when an admin overrode the computed result.
    correction_reason: Mapped[str | None] = mapped_column(sa.String(300))
    corrected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    entrepreneur: Mapped[Entrepreneur] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(back_populates="enrolment")
    certificate: Mapped[Certificate | None] = relationship(back_populates="enrolment")

    @property
    def is_seated(self) -> bool:
        """Holds a place in the cohort (neither waiting for one nor withdrawn)."""
        return self.status == EnrolmentStatus.ENROLLED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == EnrolmentStatus.WITHDRAWN

    def __repr__(self) -> str:
        return f"<Enrolment {self.id} cohort={self.cohort_id} e={self.entrepreneur_id}>"


class Attendance(db.Model):
    __tablename__ = "attendance"
    __audited__ = True
    __table_args__ = (sa.UniqueConstraint("session_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort_sessions.id"))
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        str_enum(AttendanceStatus, "attendance_status")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    enrolment: Mapped[Enrolment] = relationship(back_populates="attendance")
    session: Mapped[CohortSession] = relationship()


class CertificateCounter(db.Model):
    """The last certificate number handed out in a year."""

    __tablename__ = "certificate_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Certificate(TimestampMixin, db.Model):
    """A graduate's certificate; its token is what the QR code and the public page carry."""

    __tablename__ = "certificates"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), unique=True)
    #: ``BALIKAT/2026/000123``.
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)
    #: Unguessable (``secrets.token_urlsafe``); never derived from the id or the number.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    issued_on: Mapped[date]
    signatory_name: Mapped[str] = mapped_column(sa.String(120))
    signatory_title: Mapped[str] = mapped_column(sa.String(160))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(300))
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    enrolment: Mapped[Enrolment] = relationship(back_populates="certificate")

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.number}>"
