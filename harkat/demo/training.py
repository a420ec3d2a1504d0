"""Demo BALIKAT history for generated cases: cohorts with sessions, attendance, scores, results
and certificates, then incubation with visits and milestones, consistent with each case's
journey stage. Written with bulk inserts like the rest of the demo data."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.cases.domain import JourneyStage
from harkat.cases.models import CaseEvent
from harkat.core.dates import JAKARTA
from harkat.demo import id_span
from harkat.incubation.domain import IncubationStage, MilestoneKind
from harkat.incubation.models import Incubation, MentoringVisit, Milestone
from harkat.reference.models import Course
from harkat.registration.models import Entrepreneur
from harkat.training.domain import (
    AttendanceStatus,
    CohortStatus,
    CompletionRule,
    EnrolmentStatus,
    TrainingResult,
    decide,
    format_certificate_number,
)
from harkat.training.models import (
    Attendance,
    Certificate,
    CertificateCounter,
    Cohort,
    CohortSession,
    Enrolment,
)

SESSIONS = 6
RULE = CompletionRule(Decimal(75), Decimal(60))
CAPACITY = 30
AFTER_GRADUATION = {
    JourneyStage.GRADUATED,
    JourneyStage.IN_INCUBATION,
    JourneyStage.SCREENED,
    JourneyStage.DEBT_RESOLUTION,
    JourneyStage.REFERRED,
    JourneyStage.APPROVED,
    JourneyStage.DISBURSED,
    JourneyStage.REPAYING,
}
IN_INCUBATION = AFTER_GRADUATION - {JourneyStage.GRADUATED}
VISIT_TOPICS = [
    "Pembukuan harian",
    "Foto produk dan katalog WhatsApp",
    "Pengurusan NIB di OSS",
    "Kemasan dan label",
    "Harga pokok produksi",
    "Pemasaran di marketplace",
    "Pemisahan uang usaha dan rumah tangga",
    "Persiapan sertifikat halal",
]


@dataclass
class TrainingDemoResult:
    cohorts: int = 0
    enrolments: int = 0
    certificates: int = 0
    incubations: int = 0
    visits: int = 0


def _next_id(session: Session, model) -> int:
    return (session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def seed_training_demo(
    session: Session, entrepreneur_ids: list[int], seed: int
) -> TrainingDemoResult:
    """Give the given entrepreneurs a training and incubation history matching their stage."""
    rng = random.Random(seed * 7919)
    result = TrainingDemoResult()
    today = datetime.now(JAKARTA).date()
    now = datetime.now(UTC)
    courses = session.execute(sa.select(Course.id, Course.title)).all()
    people = session.execute(
        sa.select(
            Entrepreneur.id,
            Entrepreneur.kecamatan_code,
            Entrepreneur.stage,
            Entrepreneur.facilitator_id,
        ).where(
            id_span(Entrepreneur.id, entrepreneur_ids),
            Entrepreneur.stage.in_(
                AFTER_GRADUATION | {JourneyStage.IN_TRAINING, JourneyStage.DROPPED_OUT}
            ),
        )
    ).all()
    by_place: dict[tuple[str, bool], list] = defaultdict(list)
    for row in people:
        by_place[(row.kecamatan_code, row.stage == JourneyStage.IN_TRAINING)].append(row)

    cohort_id = _next_id(session, Cohort)
    session_id = _next_id(session, CohortSession)
    enrolment_id = _next_id(session, Enrolment)
    cohorts, meetings, enrolments, attendance, certificates, events = [], [], [], [], [], []
    certificate_numbers = 0
    for (kecamatan, running), rows in by_place.items():
        rng.shuffle(rows)
        for start in range(0, len(rows), CAPACITY):
            members = rows[start : start + CAPACITY]
            course_id, course_title = rng.choice(courses)
            starts = (
                today - timedelta(days=rng.randrange(0, 6))
                if running
                else today - timedelta(days=rng.randrange(40, 500))
            )
            status = CohortStatus.RUNNING if running else CohortStatus.CLOSED
            cohorts.append(
                {
                    "id": cohort_id,
                    "course_id": course_id,
                    "name": f"Angkatan {len(cohorts) + 1}",
                    "venue": "Aula Kantor Camat",
                    "kecamatan_code": kecamatan,
                    "starts_on": starts,
                    "ends_on": starts + timedelta(days=SESSIONS + 6),
                    "capacity": CAPACITY,
                    "trainer_name": rng.choice(["Rina Oktaviani", "Hendra Saputra", "Tim BALIKAT"]),
                    "facilitator_id": members[0].facilitator_id,
                    "status": status,
                    "closed_at": None if running else now - timedelta(days=rng.randrange(1, 30)),
                    "rule_min_attendance_percent": None if running else Decimal(75),
                    "rule_min_post_test": None if running else Decimal(60),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            held = min(SESSIONS, (today - starts).days + 1) if running else SESSIONS
            session_ids = []
            for number in range(SESSIONS):
                meetings.append(
                    {
                        "id": session_id,
                        "cohort_id": cohort_id,
                        "held_on": starts + timedelta(days=number),
                        "topic": f"Materi {number + 1}",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                if number < held:
                    session_ids.append(session_id)
                session_id += 1
            for member in members:
                withdrawn = member.stage == JourneyStage.DROPPED_OUT
                passed = member.stage in AFTER_GRADUATION
                present_target = (
                    rng.randrange(5, SESSIONS + 1)
                    if passed
                    else rng.randrange(0, 3)
                    if withdrawn
                    else len(session_ids)
                )
                pre = Decimal(rng.randrange(30, 70))
                post = Decimal(rng.randrange(max(60, int(pre)), 100)) if passed else None
                if running:
                    result_value, reasons = None, []
                else:
                    result_value, reasons = decide(
                        RULE,
                        withdrawn=withdrawn,
                        sessions=SESSIONS,
                        present=present_target,
                        post_test=post,
                    )
                enrolments.append(
                    {
                        "id": enrolment_id,
                        "cohort_id": cohort_id,
                        "entrepreneur_id": member.id,
                        "status": EnrolmentStatus.WITHDRAWN
                        if withdrawn
                        else EnrolmentStatus.ENROLLED,
                        # Signed up a week or two before the cohort starts.
                        "requested_at": min(
                            now,
                            datetime.combine(
                                starts - timedelta(days=rng.randrange(3, 15)), time(9), UTC
                            ),
                        ),
                        "withdrawn_on": starts + timedelta(days=2) if withdrawn else None,
                        "withdrawal_reason": "Sibuk mengurus usaha" if withdrawn else None,
                        "pre_test": pre,
                        "post_test": post,
                        "result": result_value,
                        "result_reasons": reasons,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                for index, meeting in enumerate(session_ids):
                    status = (
                        AttendanceStatus.PRESENT
                        if index < present_target
                        else rng.choice([AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT])
                    )
                    attendance.append(
                        {
                            "session_id": meeting,
                            "enrolment_id": enrolment_id,
                            "status": status,
                            "recorded_at": now,
                            "recorded_by_id": member.facilitator_id,
                        }
                    )
                if result_value == TrainingResult.PASSED:
                    certificate_numbers += 1
                    certificates.append(
                        {
                            "enrolment_id": enrolment_id,
                            "number": "",  # filled once the year's counter is known
                            "token": secrets.token_urlsafe(24),
                            "issued_on": starts + timedelta(days=SESSIONS + 6),
                            "signatory_name": "Kepala Dinas Koperasi dan UMKM Kota Jambi",
                            "signatory_title": "Kepala Dinas Koperasi dan UMKM Kota Jambi",
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                events.append(
                    {
                        "entrepreneur_id": member.id,
                        "at": now,
                        "actor_id": member.facilitator_id,
                        "kind": "training_enrolled",
                        "summary": f"Terdaftar sebagai peserta pelatihan BALIKAT {course_title}.",
                        "data": {"cohort_id": cohort_id},
                    }
                )
                if result_value is not None:
                    events.append(
                        {
                            "entrepreneur_id": member.id,
                            "at": now,
                            "actor_id": member.facilitator_id,
                            "kind": "training_result",
                            "summary": f"Hasil pelatihan {course_title}: {result_value.label}.",
                            "data": {"cohort_id": cohort_id},
                        }
                    )
                enrolment_id += 1
            cohort_id += 1

    year = today.year
    counter = session.get(CertificateCounter, year)
    first = (counter.last_number if counter else 0) + 1
    if counter is None:
        session.add(CertificateCounter(year=year, last_number=certificate_numbers))
    else:
        counter.last_number += certificate_numbers
    for offset, row in enumerate(certificates):
        row["number"] = format_certificate_number(year, first + offset)

    incubations, visits, milestones = [], [], []
    for row in people:
        if row.stage not in IN_INCUBATION:
            continue
        started = today - timedelta(days=rng.randrange(30, 360))
        stage = IncubationStage.PASCA if rng.random() < 0.3 else IncubationStage.INKUBASI
        incubations.append(
            {
                "entrepreneur_id": row.id,
                "stage": stage,
                "started_on": started,
                "baseline_monthly_revenue": rng.randrange(2, 20) * 500_000,
                "version": 1,
                "updated_by_id": row.facilitator_id,
                "created_at": now,
                "updated_at": now,
            }
        )
        for _ in range(rng.randrange(1, 4)):
            visited = started + timedelta(days=rng.randrange(0, max(1, (today - started).days)))
            topic = rng.choice(VISIT_TOPICS)
            visits.append(
                {
                    "entrepreneur_id": row.id,
                    "visited_on": visited,
                    "facilitator_id": row.facilitator_id,
                    "topics": topic,
                    "notes": "Pendampingan di lokasi usaha.",
                    "follow_up": "Lanjutkan minggu depan.",
                    "created_at": now,
                }
            )
            events.append(
                {
                    "entrepreneur_id": row.id,
                    "at": now,
                    "actor_id": row.facilitator_id,
                    "kind": "visit",
                    "summary": f"Kunjungan pendampingan: {topic}.",
                    "data": {},
                }
            )
        for kind in MilestoneKind:
            if rng.random() < 0.45:
                milestones.append(
                    {
                        "entrepreneur_id": row.id,
                        "kind": kind,
                        "achieved_on": started + timedelta(days=rng.randrange(0, 60)),
                        "note": "",
                        "recorded_by_id": row.facilitator_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                )

    for model, rows in (
        (Cohort, cohorts),
        (CohortSession, meetings),
        (Enrolment, enrolments),
        (Attendance, attendance),
        (Certificate, certificates),
        (Incubation, incubations),
        (MentoringVisit, visits),
        (Milestone, milestones),
        (CaseEvent, events),
    ):
        for start in range(0, len(rows), 5000):
            session.execute(sa.insert(model), rows[start : start + 5000])
    result.cohorts = len(cohorts)
    result.enrolments = len(enrolments)
    result.certificates = len(certificates)
    result.incubations = len(incubations)
    result.visits = len(visits)
    return result
