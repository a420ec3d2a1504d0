"""Use-cases of BALIKAT training: cohorts, sessions, enrolment with a waitlist, attendance,
tests, closing with the completion rule, and corrections.

Services take a session and an explicit actor, flush, and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import can_edit_cases, kecamatan_scope
from harkat.cases.domain import EntrepreneurStatus, JourneyStage
from harkat.cases.services import add_event, set_stage
from harkat.core.dates import JAKARTA
from harkat.database import utcnow
from harkat.errors import NotFound, StopValidation, ValidationError
from harkat.reference.models import Course, Kecamatan
from harkat.registration.models import Entrepreneur, Group
from harkat.registration.services import get_entrepreneur
from harkat.settings.services import get_number
from harkat.training import certificates
from harkat.training.domain import (
    AttendanceStatus,
    CohortStatus,
    CompletionRule,
    EnrolmentStatus,
    TrainingResult,
    decide,
)
from harkat.training.models import Attendance, Cohort, CohortSession, Enrolment
from harkat.versioning import check_version

#: Stages from which joining a cohort moves a case to "in training".
_BEFORE_TRAINING = {JourneyStage.REGISTERED, JourneyStage.DROPPED_OUT}


def _today() -> date:
    return datetime.now(JAKARTA).date()


def _require_editor(actor: User) -> None:
    if not can_edit_cases(actor):
        raise StopValidation({None: ["Peran Anda tidak dapat mengubah data pelatihan."]})


def get_cohort(session: Session, cohort_id: int, user: User) -> Cohort:
    """Return the cohort if it exists and lies in the user's area.

    :raise NotFound: otherwise.
    """
    cohort = session.scalar(
        sa.select(Cohort).where(
            Cohort.id == cohort_id, kecamatan_scope(user, Cohort.kecamatan_code)
        )
    )
    if cohort is None:
        raise NotFound("Angkatan tidak ditemukan.")
    return cohort


def get_enrolment(session: Session, enrolment_id: int, user: User) -> Enrolment:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("Peserta tidak ditemukan.")
    get_cohort(session, enrolment.cohort_id, user)
    return enrolment


def completion_rule(session: Session) -> CompletionRule:
    """The completion rule currently configured by the admin."""
    return CompletionRule(
        min_attendance_percent=get_number(session, "training.min_attendance_percent"),
        min_post_test=get_number(session, "training.min_post_test"),
    )


# --------------------------------------------------------------------------- cohorts


@dataclass
class CohortData:
    course_id: int | None
    name: str
    venue: str
    kecamatan_code: str
    starts_on: date | None
    ends_on: date | None
    capacity: int | None
    trainer_name: str = ""


def save_cohort(
    session: Session,
    data: CohortData,
    actor: User,
    cohort: Cohort | None = None,
    expected_version: int | None = None,
) -> Cohort:
    """Create a cohort in the actor's area, or change one that is not closed."""
    _require_editor(actor)
    if cohort is not None:
        check_version(cohort, expected_version)
        if cohort.status == CohortStatus.CLOSED:
            raise StopValidation({None: ["Angkatan yang sudah ditutup tidak dapat diubah."]})
    errors = []
    course = session.get(Course, data.course_id) if data.course_id else None
    if course is None or not course.is_active:
        errors.append(ValidationError("course_id", "Pilih kursus yang aktif dari katalog."))
    name = " ".join((data.name or "").split())
    if len(name) < 3:
        errors.append(ValidationError("name", "Nama angkatan minimal 3 karakter."))
    venue = " ".join((data.venue or "").split())
    if not venue:
        errors.append(ValidationError("venue", "Tempat pelatihan wajib diisi."))
    kecamatan = session.get(Kecamatan, data.kecamatan_code) if data.kecamatan_code else None
    if kecamatan is None:
        errors.append(ValidationError("kecamatan_code", "Pilih kecamatan."))
    elif actor.role == Role.FACILITATOR and kecamatan.code not in actor.kecamatan_codes:
        errors.append(
            ValidationError("kecamatan_code", "Kecamatan ini di luar wilayah tugas Anda.")
        )
    if data.starts_on is None:
        errors.append(ValidationError("starts_on", "Tanggal mulai wajib diisi."))
    if data.ends_on is None:
        errors.append(ValidationError("ends_on", "Tanggal selesai wajib diisi."))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors.append(ValidationError("ends_on", "Tanggal selesai sebelum tanggal mulai."))
    if not data.capacity or data.capacity < 1:
        errors.append(ValidationError("capacity", "Kapasitas minimal 1 peserta."))
    elif cohort is not None and data.capacity < _seated(cohort):
        errors.append(
            ValidationError(
                "capacity",
                f"Sudah ada {_seated(cohort)} peserta; kapasitas tidak boleh lebih kecil.",
            )
        )
    if cohort is not None and data.starts_on and data.ends_on:
        outside = [s for s in cohort.sessions if not data.starts_on <= s.held_on <= data.ends_on]
        if outside:
            errors.append(ValidationError("ends_on", "Ada sesi di luar rentang tanggal yang baru."))
    if errors:
        raise StopValidation.from_errors(errors)
    created = cohort is None
    if created:
        cohort = Cohort(facilitator_id=actor.id if actor.role == Role.FACILITATOR else None)
        session.add(cohort)
    cohort.course_id = course.id
    cohort.name = name
    cohort.venue = venue[:200]
    cohort.kecamatan_code = kecamatan.code
    cohort.starts_on = data.starts_on
    cohort.ends_on = data.ends_on
    grew = not created and data.capacity > cohort.capacity
    cohort.capacity = data.capacity
    cohort.trainer_name = " ".join((data.trainer_name or "").split())[:120]
    cohort.updated_by_id = actor.id
    session.flush()
    if grew:
        _promote_waitlist(session, cohort, actor)
    return cohort


def add_session(
    session: Session,
    cohort: Cohort,
    held_on: date | None,
    topic: str,
    actor: User,
    starts_at: time | None = None,
    ends_at: time | None = None,
) -> CohortSession:
    """Schedule a meeting inside the cohort's dates."""
    _require_editor(actor)
    if cohort.status == CohortStatus.CLOSED:
        raise StopValidation({None: ["Angkatan yang sudah ditutup tidak dapat diubah."]})
    errors = []
    if held_on is None:
        errors.append(ValidationError("held_on", "Tanggal sesi wajib diisi."))
    elif not cohort.starts_on <= held_on <= cohort.ends_on:
        errors.append(
            ValidationError("held_on", "Tanggal sesi harus di antara tanggal mulai dan selesai.")
        )
    topic = " ".join((topic or "").split())
    if not topic:
        errors.append(ValidationError("topic", "Topik sesi wajib diisi."))
    if starts_at and ends_at and ends_at <= starts_at:
        errors.append(ValidationError("ends_at", "Jam selesai harus setelah jam mulai."))
    if errors:
        raise StopValidation.from_errors(errors)
    meeting = CohortSession(
        cohort=cohort, held_on=held_on, starts_at=starts_at, ends_at=ends_at, topic=topic[:200]
    )
    session.add(meeting)
    session.flush()
    return meeting


def remove_session(session: Session, meeting: CohortSession, actor: User) -> None:
    """Remove a session that has no attendance recorded yet."""
    _require_editor(actor)
    if meeting.cohort.status == CohortStatus.CLOSED:
        raise StopValidation({None: ["Angkatan yang sudah ditutup tidak dapat diubah."]})
    taken = session.scalar(sa.select(sa.func.count()).where(Attendance.session_id == meeting.id))
    if taken:
        raise StopValidation({None: ["Presensi sesi ini sudah dicatat; sesi tidak dapat dihapus."]})
    session.delete(meeting)
    session.flush()


def start_cohort(session: Session, cohort: Cohort, actor: User) -> None:
    """Mark an open cohort as running (registration may continue while seats are free)."""
    _require_editor(actor)
    if cohort.status != CohortStatus.OPEN:
        raise StopValidation({None: ["Hanya angkatan yang masih dibuka yang dapat dimulai."]})
    cohort.status = CohortStatus.RUNNING
    cohort.updated_by_id = actor.id
    session.flush()


# --------------------------------------------------------------------------- enrolment


def _seated(cohort: Cohort) -> int:
    return sum(1 for e in cohort.enrolments if e.status == EnrolmentStatus.ENROLLED)


def waitlist(cohort: Cohort) -> list[Enrolment]:
    """Waiting enrolments in the order they asked for a place."""
    waiting = [e for e in cohort.enrolments if e.status == EnrolmentStatus.WAITLISTED]
    return sorted(waiting, key=lambda e: (e.requested_at, e.id))


def _place_label(cohort: Cohort) -> str:
    return f"{cohort.course.title}, angkatan {cohort.name}"


def _seat(session: Session, enrolment: Enrolment, actor: User, promoted: bool) -> None:
    enrolment.status = EnrolmentStatus.ENROLLED
    entrepreneur = enrolment.entrepreneur
    verb = "Naik dari daftar tunggu menjadi peserta" if promoted else "Terdaftar sebagai peserta"
    add_event(
        session,
        entrepreneur.id,
        "training_enrolled",
        f"{verb} pelatihan BALIKAT {_place_label(enrolment.cohort)}.",
        actor,
        {"cohort_id": enrolment.cohort_id},
    )
    if entrepreneur.stage in _BEFORE_TRAINING:
        set_stage(session, entrepreneur, JourneyStage.IN_TRAINING, actor)


def enrol(
    session: Session, cohort: Cohort, entrepreneur_ids: Sequence[int], actor: User
) -> list[Enrolment]:
    """Enrol entrepreneurs; once the cohort is full, later ones go on its waitlist."""
    _require_editor(actor)
    if cohort.status == CohortStatus.CLOSED:
        raise StopValidation({None: ["Angkatan sudah ditutup; pendaftaran tidak dapat diubah."]})
    already = {e.entrepreneur_id: e for e in cohort.enrolments}
    errors = []
    people = []
    for entrepreneur_id in dict.fromkeys(entrepreneur_ids):
        try:
            entrepreneur = get_entrepreneur(session, entrepreneur_id, actor)
        except NotFound:
            errors.append(
                ValidationError("members", "Pelaku usaha tidak ditemukan di wilayah Anda.")
            )
            continue
        held = already.get(entrepreneur.id)
        if held is not None and held.status != EnrolmentStatus.WITHDRAWN:
            errors.append(
                ValidationError(
                    "members",
                    f"{entrepreneur.full_name} sudah {held.status.label.lower()} di angkatan ini.",
                )
            )
            continue
        if entrepreneur.status != EntrepreneurStatus.ACTIVE:
            errors.append(
                ValidationError(
                    "members", f"{entrepreneur.full_name} berstatus {entrepreneur.status.label}."
                )
            )
            continue
        people.append(entrepreneur)
    if errors:
        raise StopValidation.from_errors(errors)
    free = cohort.capacity - _seated(cohort)
    rows = []
    for entrepreneur in people:
        enrolment = already.get(entrepreneur.id)
        if enrolment is None:
            enrolment = Enrolment(cohort=cohort, entrepreneur=entrepreneur)
            session.add(enrolment)
        enrolment.requested_at = utcnow()
        enrolment.withdrawn_on = None
        enrolment.withdrawal_reason = None
        if free > 0:
            free -= 1
            _seat(session, enrolment, actor, promoted=False)
        else:
            enrolment.status = EnrolmentStatus.WAITLISTED
            add_event(
                session,
                entrepreneur.id,
                "training_waitlisted",
                f"Masuk daftar tunggu pelatihan BALIKAT {_place_label(cohort)} (kuota penuh).",
                actor,
                {"cohort_id": cohort.id},
            )
        rows.append(enrolment)
    session.flush()
    return rows


def enrol_group(session: Session, cohort: Cohort, group: Group, actor: User) -> list[Enrolment]:
    """Enrol every active member of a group who is not yet in the cohort."""
    in_cohort = {
        e.entrepreneur_id for e in cohort.enrolments if e.status != EnrolmentStatus.WITHDRAWN
    }
    members = [m.entrepreneur_id for m in group.active_memberships]
    if not members:
        raise StopValidation({None: [f"Kelompok {group.name} belum punya anggota aktif."]})
    new = [member for member in members if member not in in_cohort]
    if not new:
        raise StopValidation({None: ["Semua anggota kelompok sudah terdaftar di angkatan ini."]})
    return enrol(session, cohort, new, actor)


def _promote_waitlist(session: Session, cohort: Cohort, actor: User) -> list[Enrolment]:
    promoted = []
    for enrolment in waitlist(cohort):
        if _seated(cohort) >= cohort.capacity:
            break
        _seat(session, enrolment, actor, promoted=True)
        promoted.append(enrolment)
    session.flush()
    return promoted


def withdraw(session: Session, enrolment: Enrolment, reason: str, actor: User) -> list[Enrolment]:
    """Record a withdrawal with its reason; a freed seat goes to the first on the waitlist.

    :return: the enrolments promoted from the waitlist.
    """
    _require_editor(actor)
    cohort = enrolment.cohort
    if cohort.status == CohortStatus.CLOSED:
        raise StopValidation({None: ["Angkatan sudah ditutup; pendaftaran tidak dapat diubah."]})
    reason = " ".join((reason or "").split())
    if not reason:
        raise StopValidation({"reason": ["Tuliskan alasan mengundurkan diri."]})
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise StopValidation({None: ["Peserta ini sudah mengundurkan diri."]})
    had_seat = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_on = _today()
    enrolment.withdrawal_reason = reason[:200]
    add_event(
        session,
        enrolment.entrepreneur_id,
        "training_withdrawn",
        f"Mengundurkan diri dari pelatihan {_place_label(cohort)}: {reason}",
        actor,
        {"cohort_id": cohort.id},
    )
    session.flush()
    return _promote_waitlist(session, cohort, actor) if had_seat else []


# --------------------------------------------------------------------------- attendance, tests


def record_attendance(
    session: Session,
    meeting: CohortSession,
    statuses: Mapping[int, AttendanceStatus],
    actor: User,
    expected_version: int | None = None,
) -> int:
    """Save the whole attendance grid of one session in one go; return how many rows changed.

    :param expected_version: the cohort's version when the grid was opened; a grid opened
        before someone else saved attendance or scores is refused rather than overwriting them.
    """
    _require_editor(actor)
    cohort = meeting.cohort
    check_version(cohort, expected_version)
    if cohort.status == CohortStatus.CLOSED:
        raise StopValidation({None: ["Angkatan sudah ditutup; presensi tidak dapat diubah."]})
    seated = {e.id for e in cohort.enrolments if e.status == EnrolmentStatus.ENROLLED}
    unknown = set(statuses) - seated
    if unknown:
        raise StopValidation({None: ["Presensi hanya untuk peserta angkatan ini."]})
    existing = {
        row.enrolment_id: row
        for row in session.scalars(sa.select(Attendance).where(Attendance.session_id == meeting.id))
    }
    changed = 0
    for enrolment_id, status in statuses.items():
        row = existing.get(enrolment_id)
        if row is None:
            session.add(
                Attendance(
                    session_id=meeting.id,
                    enrolment_id=enrolment_id,
                    status=status,
                    recorded_by_id=actor.id,
                )
            )
            changed += 1
        elif row.status != status:
            row.status = status
            row.recorded_by_id = actor.id
            changed += 1
    if cohort.status == CohortStatus.OPEN:
        cohort.status = CohortStatus.RUNNING
    # Touch the cohort so its version moves on: grids opened before this save become stale.
    cohort.updated_by_id = actor.id
    cohort.updated_at = utcnow()
    session.flush()
    return changed


def parse_score(text: str | None, label: str) -> Decimal | None:
    """Read a test score 0–100 (decimal comma allowed); empty means not taken."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}: isi angka 0–100.") from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"{label}: nilai harus antara 0 dan 100.")
    return value.quantize(Decimal("0.01"))


def record_scores(
    session: Session,
    cohort: Cohort,
    scores: Mapping[int, tuple[str | None, str | None]],
    actor: User,
    expected_version: int | None = None,
) -> None:
    """Save pre- and post-test scores typed for each enrolee; all or nothing.

    :param expected_version: as for :func:`record_attendance`.
    """
    _require_editor(actor)
    check_version(cohort, expected_version)
    if cohort.status == CohortStatus.CLOSED:
        raise StopValidation({None: ["Angkatan sudah ditutup; nilai tidak dapat diubah."]})
    by_id = {e.id: e for e in cohort.enrolments if e.status == EnrolmentStatus.ENROLLED}
    errors = []
    parsed = {}
    for enrolment_id, (pre, post) in scores.items():
        enrolment = by_id.get(enrolment_id)
        if enrolment is None:
            errors.append(ValidationError(None, "Nilai hanya untuk peserta angkatan ini."))
            continue
        name = enrolment.entrepreneur.full_name
        try:
            parsed[enrolment_id] = (
                parse_score(pre, f"Pre-test {name}"),
                parse_score(post, f"Post-test {name}"),
            )
        except ValueError as error:
            errors.append(ValidationError(None, str(error)))
    if errors:
        raise StopValidation.from_errors(errors)
    for enrolment_id, (pre, post) in parsed.items():
        enrolment = by_id[enrolment_id]
        enrolment.pre_test, enrolment.post_test = pre, post
    cohort.updated_by_id = actor.id
    cohort.updated_at = utcnow()
    session.flush()


def attendance_counts(session: Session, cohort: Cohort) -> dict[int, dict[AttendanceStatus, int]]:
    """Count each enrolee's present, excused and absent sessions (one query)."""
    rows = session.execute(
        sa.select(Attendance.enrolment_id, Attendance.status, sa.func.count())
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == cohort.id)
        .group_by(Attendance.enrolment_id, Attendance.status)
    )
    counts: dict[int, dict[AttendanceStatus, int]] = {}
    for enrolment_id, status, count in rows:
        counts.setdefault(enrolment_id, {})[status] = count
    return counts


# --------------------------------------------------------------------------- closing


def predicted_results(session: Session, cohort: Cohort) -> list[tuple[Enrolment, TrainingResult]]:
    """What closing the cohort now would give each seated or withdrawn enrolee (nothing stored)."""
    rule = completion_rule(session)
    counts = attendance_counts(session, cohort)
    rows = []
    for enrolment in cohort.enrolments:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            continue
        result, _ = decide(
            rule,
            withdrawn=enrolment.status == EnrolmentStatus.WITHDRAWN,
            sessions=len(cohort.sessions),
            present=counts.get(enrolment.id, {}).get(AttendanceStatus.PRESENT, 0),
            post_test=enrolment.post_test,
        )
        rows.append((enrolment, result))
    return rows


def close_cohort(
    session: Session,
    cohort: Cohort,
    actor: User,
    signatory: certificates.Signatory,
) -> dict[TrainingResult, int]:
    """Close a cohort: apply the completion rule to every enrolee, record why, move each case
    along its journey and issue certificates to graduates.

    :return: how many enrolees ended with each result.
    """
    _require_editor(actor)
    if cohort.status == CohortStatus.CLOSED:
        raise StopValidation({None: ["Angkatan ini sudah ditutup."]})
    if not cohort.sessions:
        raise StopValidation({None: ["Tambahkan sesi dan catat presensi sebelum menutup."]})
    rule = completion_rule(session)
    counts = attendance_counts(session, cohort)
    tally = dict.fromkeys(TrainingResult, 0)
    for enrolment in cohort.enrolments:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            continue
        result, reasons = decide(
            rule,
            withdrawn=enrolment.status == EnrolmentStatus.WITHDRAWN,
            sessions=len(cohort.sessions),
            present=counts.get(enrolment.id, {}).get(AttendanceStatus.PRESENT, 0),
            post_test=enrolment.post_test,
        )
        enrolment.result = result
        enrolment.result_reasons = reasons
        tally[result] += 1
        _after_result(session, enrolment, actor, signatory)
    cohort.status = CohortStatus.CLOSED
    cohort.closed_at = utcnow()
    cohort.closed_by_id = actor.id
    cohort.rule_min_attendance_percent = rule.min_attendance_percent
    cohort.rule_min_post_test = rule.min_post_test
    cohort.updated_by_id = actor.id
    session.flush()
    return tally


def _after_result(
    session: Session, enrolment: Enrolment, actor: User, signatory: certificates.Signatory
) -> None:
    """Put a result on the timeline, move the journey stage, issue or revoke the certificate."""
    entrepreneur: Entrepreneur = enrolment.entrepreneur
    result = enrolment.result
    add_event(
        session,
        entrepreneur.id,
        "training_result",
        f"Hasil pelatihan {_place_label(enrolment.cohort)}: {result.label}.",
        actor,
        {"cohort_id": enrolment.cohort_id, "result": result.value},
    )
    if result == TrainingResult.PASSED:
        if entrepreneur.stage in _BEFORE_TRAINING | {JourneyStage.IN_TRAINING}:
            set_stage(session, entrepreneur, JourneyStage.GRADUATED, actor)
        certificates.issue_certificate(session, enrolment, signatory, actor)
    else:
        if entrepreneur.stage == JourneyStage.IN_TRAINING:
            stage = (
                JourneyStage.DROPPED_OUT
                if result == TrainingResult.WITHDRAWN
                else JourneyStage.REGISTERED
            )
            set_stage(session, entrepreneur, stage, actor)
        certificate = enrolment.certificate
        if certificate is not None and certificate.is_valid:
            certificates.revoke_certificate(
                session,
                certificate,
                f"Hasil pelatihan dikoreksi menjadi {result.label.lower()}.",
                actor,
            )


def correct_result(
    session: Session,
    enrolment: Enrolment,
    result: TrainingResult,
    reason: str,
    actor: User,
    signatory: certificates.Signatory,
) -> None:
    """Let an admin override a closed cohort's computed result, with a reason (audited)."""
    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin yang dapat mengoreksi hasil pelatihan."]})
    if enrolment.cohort.status != CohortStatus.CLOSED or enrolment.result is None:
        raise StopValidation({None: ["Hasil baru dapat dikoreksi setelah angkatan ditutup."]})
    reason = " ".join((reason or "").split())
    if not reason:
        raise StopValidation({"reason": ["Tuliskan alasan koreksi."]})
    if result == enrolment.result:
        raise StopValidation({"result": ["Hasil yang dipilih sama dengan hasil sekarang."]})
    before = enrolment.result
    enrolment.result = result
    enrolment.result_reasons = [
        *enrolment.result_reasons,
        f"Dikoreksi admin dari {before.label} menjadi {result.label}: {reason}",
    ]
    enrolment.correction_reason = reason[:300]
    enrolment.corrected_by_id = actor.id
    session.flush()
    _after_result(session, enrolment, actor, signatory)
    session.flush()


def enrolments_of(session: Session, entrepreneur_ids: Iterable[int]) -> list[Enrolment]:
    """Every enrolment of the given entrepreneurs, newest cohort first."""
    return list(
        session.scalars(
            sa.select(Enrolment)
            .join(Cohort)
            .where(Enrolment.entrepreneur_id.in_(list(entrepreneur_ids)))
            .order_by(Cohort.starts_on.desc())
        )
    )


@dataclass
class CourseData:
    code: str
    title: str
    theme: str
    hours: int | None
    description: str = ""
    is_active: bool = True


def save_course(
    session: Session, data: CourseData, actor: User, course: Course | None = None
) -> Course:
    """Add a course to the BALIKAT catalogue or change one (admins only)."""
    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin yang mengelola katalog kursus."]})
    errors = []
    code = (data.code or "").strip().upper()
    if not code:
        errors.append(ValidationError("code", "Kode kursus wajib diisi."))
    taken = session.scalar(sa.select(Course.id).where(Course.code == code))
    if taken is not None and (course is None or taken != course.id):
        errors.append(ValidationError("code", f"Kode kursus '{code}' sudah dipakai."))
    if not (data.title or "").strip():
        errors.append(ValidationError("title", "Judul kursus wajib diisi."))
    if not (data.theme or "").strip():
        errors.append(ValidationError("theme", "Tema kursus wajib diisi."))
    if not data.hours or data.hours < 1:
        errors.append(ValidationError("hours", "Jam pelajaran minimal 1."))
    if errors:
        raise StopValidation.from_errors(errors)
    if course is None:
        course = Course()
        session.add(course)
    course.code = code
    course.title = " ".join(data.title.split())
    course.theme = " ".join(data.theme.split())
    course.hours = data.hours
    course.description = (data.description or "").strip()
    course.is_active = data.is_active
    session.flush()
    return course
