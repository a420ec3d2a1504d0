"""Fixtures for certificates and cohort reports: cohorts built straight from the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Blueprint

from harkat.auth.access import roles
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.reference.models import Course
from harkat.training import certificates
from harkat.training.certificate_views import bp, reports_bp
from harkat.training.domain import (
    AttendanceStatus,
    CohortStatus,
    EnrolmentStatus,
    TrainingResult,
)
from harkat.training.models import Attendance, Cohort, CohortSession, Enrolment


@pytest.fixture(autouse=True)
def certificate_blueprints(app):
    """Register this feature's blueprints (the factory may not list them yet).

    Runs before any other fixture sends a request: Flask refuses new blueprints after that.
    Until the training pages exist, a stand-in answers ``training.cohort`` so redirects build.
    """
    if "certificates" not in app.blueprints:
        app.register_blueprint(bp)
    if "training_reports" not in app.blueprints:
        app.register_blueprint(reports_bp)
    if "training.cohort" not in app.view_functions and "training" not in app.blueprints:
        stand_in = Blueprint("training", __name__)

        @stand_in.get("/pelatihan/angkatan/<int:cohort_id>")
        @roles()
        def cohort(cohort_id: int):
            return f"angkatan {cohort_id}"

        app.register_blueprint(stand_in)


@dataclass(frozen=True)
class Enrolee:
    """What a test needs to know about one enrolment it built."""

    enrolment_id: int
    entrepreneur_id: int


@pytest.fixture
def build_cohort(app):
    """Create a cohort with dated sessions; returns its id."""

    def build(
        *,
        course_code: str = "BLK-DM",
        kecamatan_code: str = "15.71.01",
        name: str = "Angkatan I",
        starts_on: date = date(2026, 3, 2),
        sessions: int = 4,
        status: CohortStatus = CohortStatus.CLOSED,
        capacity: int = 20,
        trainer_name: str = "Rina Marlina",
    ) -> int:
        with app.app_context():
            course = db.session.scalar(sa.select(Course).where(Course.code == course_code))
            cohort = Cohort(
                course_id=course.id,
                name=name,
                venue="Aula Dinas Koperasi dan UMKM Kota Jambi",
                kecamatan_code=kecamatan_code,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=max(sessions - 1, 0)),
                capacity=capacity,
                trainer_name=trainer_name,
                status=status,
            )
            db.session.add(cohort)
            db.session.flush()
            for day in range(sessions):
                db.session.add(
                    CohortSession(
                        cohort_id=cohort.id,
                        held_on=starts_on + timedelta(days=day),
                        topic=f"Sesi {day + 1}",
                    )
                )
            db.session.commit()
            return cohort.id

    return build


@pytest.fixture
def enrol(app):
    """Enrol an entrepreneur with scores and attendance (present for the first ``present``
    sessions, absent for the rest); returns an :class:`Enrolee`."""

    def enrol_one(
        cohort_id: int,
        entrepreneur_id: int,
        *,
        status: EnrolmentStatus = EnrolmentStatus.ENROLLED,
        result: TrainingResult | None = TrainingResult.PASSED,
        pre_test: str | None = None,
        post_test: str | None = None,
        present: int = 0,
        excused: int = 0,
    ) -> Enrolee:
        with app.app_context():
            enrolment = Enrolment(
                cohort_id=cohort_id,
                entrepreneur_id=entrepreneur_id,
                status=status,
                result=result,
                pre_test=Decimal(pre_test) if pre_test is not None else None,
                post_test=Decimal(post_test) if post_test is not None else None,
            )
            db.session.add(enrolment)
            db.session.flush()
            sessions = db.session.scalars(
                sa.select(CohortSession)
                .where(CohortSession.cohort_id == cohort_id)
                .order_by(CohortSession.held_on)
            ).all()
            if status != EnrolmentStatus.WAITLISTED:
                for index, cohort_session in enumerate(sessions):
                    mark = (
                        AttendanceStatus.PRESENT
                        if index < present
                        else AttendanceStatus.EXCUSED
                        if index < present + excused
                        else AttendanceStatus.ABSENT
                    )
                    db.session.add(
                        Attendance(
                            session_id=cohort_session.id, enrolment_id=enrolment.id, status=mark
                        )
                    )
            db.session.commit()
            return Enrolee(enrolment.id, entrepreneur_id)

    return enrol_one


@dataclass(frozen=True)
class Issued:
    certificate_id: int
    number: str
    token: str


@pytest.fixture
def issue(app):
    """Issue the certificate of an enrolment as the given user; returns :class:`Issued`."""

    def issue_one(enrolment_id: int, actor_id: int, today: date | None = None) -> Issued:
        with app.app_context():
            enrolment = db.session.get(Enrolment, enrolment_id)
            certificate = certificates.issue_certificate(
                db.session,
                enrolment,
                certificates.Signatory.from_config(app.config),
                db.session.get(User, actor_id),
                today=today,
            )
            db.session.commit()
            return Issued(certificate.id, certificate.number, certificate.token)

    return issue_one


@pytest.fixture
def admin_id(create_user) -> int:
    """An admin account to act as (not signed in)."""
    user_id, _ = create_user(Role.ADMIN)
    return user_id


@pytest.fixture
def graduate(admin_id, build_cohort, create_entrepreneur, enrol):
    """A closed cohort in Telanaipura with one graduate, Siti Aminah; returns her Enrolee."""
    cohort_id = build_cohort()
    entrepreneur_id = create_entrepreneur(admin_id, full_name="Siti Aminah")
    return enrol(cohort_id, entrepreneur_id, pre_test="50", post_test="80", present=4)
