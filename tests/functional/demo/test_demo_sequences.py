"""After ``flask demo seed`` people keep working: every kind of record still saves.

The seeders bulk-insert rows with explicit ids, which on PostgreSQL bypasses the id sequences;
a sequence left behind makes the next saved record collide with a demo row (an error 500).
On SQLite there is no sequence and the test simply proves the same journey works there too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.dates import JAKARTA
from harkat.database import Model
from harkat.extensions import db
from harkat.incubation import services as incubation
from harkat.incubation.domain import IncubationStage, MilestoneKind
from harkat.reference.models import Course
from harkat.referrals import services as referrals
from harkat.referrals.models import Loan, Referral
from harkat.referrals.transitions import ReferralStatus
from harkat.registration import services as registration
from harkat.registration.models import Entrepreneur
from harkat.screening.models import Screening, ScreeningDebt
from harkat.training import services as training
from harkat.training.domain import AttendanceStatus
from tests.conftest import BACKEND


def _largest_ids() -> dict[str, int]:
    """The largest id of every table with an autoincrement key, by table name."""
    largest = {}
    for table in Model.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is not None:
            largest[table.name] = db.session.scalar(sa.select(sa.func.max(column))) or 0
    return largest


def _sequences_behind() -> list[str]:
    """Tables whose sequence would hand out an id that is already taken (PostgreSQL only)."""
    behind = []
    for table in Model.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = db.session.scalar(
            sa.select(sa.func.pg_get_serial_sequence(table.name, column.name))
        )
        # The name comes from the catalogue, already quoted and schema-qualified.
        last, called = db.session.execute(
            sa.text(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        ).one()
        upcoming = last + 1 if called else last
        if upcoming <= (db.session.scalar(sa.select(sa.func.max(column))) or 0):
            behind.append(table.name)
    return behind


def test_every_record_type_saves_after_a_demo_seed(
    app, runner, create_user, ready_entrepreneur, make_referral
):
    result = runner.invoke(args=["demo", "seed", "--entrepreneurs", "300", "--seed", "7"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        before = _largest_ids()
        # The seed must have written the bulk-loaded kinds, or this test proves nothing.
        for table in ("entrepreneurs", "businesses", "groups", "cohorts", "cohort_sessions"):
            assert before[table] > 0, table
        for table in ("enrolments", "screenings", "referrals", "referral_members", "loans"):
            assert before[table] > 0, table
        if BACKEND == "postgresql":
            assert _sequences_behind() == []

    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    # Entrepreneur, business, consent, a screening with a debt, a referral with its member,
    # documents, every bank step and the loan: all through the services.
    person_id = ready_entrepreneur(facilitator_id, loan_shark=True)
    referral_id = make_referral(
        facilitator_id,
        person_id,
        status=ReferralStatus.DISBURSED,
        officer_id=officer_id,
        take_over=True,
    )
    second_id = ready_entrepreneur(facilitator_id, full_name="Rahmat Hidayat")

    today = datetime.now(JAKARTA).date()
    with app.app_context():
        facilitator = db.session.get(User, facilitator_id)
        officer = db.session.get(User, officer_id)
        person = db.session.get(Entrepreneur, person_id)
        referral = db.session.get(Referral, referral_id)
        loan = db.session.scalar(sa.select(Loan).where(Loan.referral_id == referral_id))
        assert loan is not None

        group = registration.save_group(
            db.session,
            registration.GroupData(name="KUB Sequence Baru", kelurahan_code="15.71.01.1001"),
            facilitator,
        )
        registration.add_members(db.session, group, [person_id, second_id], facilitator)

        starts = today + timedelta(days=7)
        cohort = training.save_cohort(
            db.session,
            training.CohortData(
                course_id=db.session.scalar(sa.select(Course.id).where(Course.code == "BLK-DM")),
                name="Angkatan setelah demo",
                venue="Aula Kantor Camat",
                kecamatan_code="15.71.01",
                starts_on=starts,
                ends_on=starts + timedelta(days=3),
                capacity=10,
            ),
            facilitator,
        )
        meeting = training.add_session(db.session, cohort, starts, "Pemasaran digital", facilitator)
        (enrolment,) = training.enrol(db.session, cohort, [second_id], facilitator)
        training.record_attendance(
            db.session, meeting, {enrolment.id: AttendanceStatus.PRESENT}, facilitator
        )

        incubation.save_stage(
            db.session,
            person,
            incubation.StageData(IncubationStage.INKUBASI, 9_000_000, today),
            facilitator,
        )
        incubation.record_visit(
            db.session,
            person,
            incubation.VisitData(today, "Pembukuan sederhana"),
            facilitator,
            upload_dir=app.config["UPLOAD_DIR"],
            max_photo_bytes=app.config["MAX_UPLOAD_BYTES"],
        )
        incubation.record_milestone(
            db.session,
            person,
            incubation.MilestoneData(MilestoneKind.BOOKKEEPING, today),
            facilitator,
        )
        referrals.post_message(db.session, referral, "Angsuran pertama sudah masuk.", officer)
        referrals.record_report(
            db.session,
            loan,
            referrals.ReportData(today, collectability=1, outstanding=loan.amount),
            officer,
        )
        db.session.commit()

        after = _largest_ids()
        # Every kind written above got a fresh id past the demo rows (no IntegrityError on the
        # way): entrepreneurs, businesses, consents, screenings and debts, referrals, members,
        # documents, transitions, messages, loans, loan reports, groups, memberships, cohorts,
        # sessions, enrolments, attendance, incubations, visits, milestones, case events, audit.
        grown = {name for name, largest in after.items() if largest > before[name]}
        assert {
            "entrepreneurs",
            "businesses",
            "consents",
            "screenings",
            "screening_debts",
            "referrals",
            "referral_members",
            "referral_documents",
            "referral_transitions",
            "referral_messages",
            "loans",
            "loan_reports",
            "groups",
            "group_memberships",
            "cohorts",
            "cohort_sessions",
            "enrolments",
            "attendance",
            "incubations",
            "mentoring_visits",
            "incubation_milestones",
            "referral_take_overs",
            "case_events",
            "audit_log",
        } <= grown, sorted(set(after) - grown)
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ScreeningDebt)
                .join(Screening)
                .where(Screening.entrepreneur_id == person_id)
            )
            == 1
        )
