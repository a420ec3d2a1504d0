"""Use-cases of incubation: stage, mentoring visits, milestones and the readiness indicator.

Services take a session and an explicit actor, flush, and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import can_edit_cases
from harkat.cases.domain import JourneyStage
from harkat.cases.services import add_event, set_stage
from harkat.core.dates import JAKARTA, format_date
from harkat.errors import NotFound, StaleObjectError, StopValidation, ValidationError
from harkat.incubation import files
from harkat.incubation.domain import (
    INCUBATED_STAGES,
    IncubationStage,
    MilestoneKind,
    Readiness,
    readiness,
    revenue_growth,
    revenue_up_reached,
)
from harkat.incubation.models import Incubation, MentoringVisit, Milestone
from harkat.registration.models import Business, Entrepreneur
from harkat.versioning import check_version

#: Journey stages that can only be reached after graduating from BALIKAT training. Until the
#: training feature records graduation itself, the journey stage is the evidence.

_CHANGED_BY_SOMEONE_ELSE = (
    "Data inkubasi ini baru saja disimpan oleh pengguna lain. Perubahan Anda belum disimpan; "
    "muat ulang halaman, periksa data terbaru, lalu ulangi perubahan."
)


def _today() -> date:
    return datetime.now(JAKARTA).date()


def _clean_text(text: str | None) -> str:
    return " ".join((text or "").split())


def _clean_block(text: str | None) -> str:
    """Tidy multi-line text: trim each line and drop blank runs, keep the line breaks."""
    lines = [line.strip() for line in (text or "").strip().splitlines()]
    return "\n".join(line for i, line in enumerate(lines) if line or (i and lines[i - 1]))


def check_writer(entrepreneur: Entrepreneur, actor: User, what: str) -> None:
    """Let only admins and facilitators of the entrepreneur's kecamatan write.

    :raise NotFound: for a facilitator outside the kecamatan (the view answers 404).
    :raise StopValidation: for roles that only read.
    """
    if not can_edit_cases(actor):
        raise StopValidation({None: [f"Peran Anda tidak dapat {what}."]})
    if actor.role == Role.FACILITATOR and entrepreneur.kecamatan_code not in actor.kecamatan_codes:
        raise NotFound("Data pelaku usaha tidak ditemukan.")


def _flush_versioned(session: Session) -> None:
    """Flush; a row changed by another transaction since it was read becomes a clear message."""
    try:
        session.flush()
    except StaleDataError as error:
        raise StaleObjectError(_CHANGED_BY_SOMEONE_ELSE) from error


# --------------------------------------------------------------------------- reading


def get_incubation(session: Session, entrepreneur_id: int) -> Incubation | None:
    return session.scalar(
        sa.select(Incubation).where(Incubation.entrepreneur_id == entrepreneur_id)
    )


def milestones_of(session: Session, entrepreneur_id: int) -> dict[MilestoneKind, Milestone]:
    """Return the achieved milestones of a case by kind."""
    rows = session.scalars(sa.select(Milestone).where(Milestone.entrepreneur_id == entrepreneur_id))
    return {row.kind: row for row in rows}


def visits_query(entrepreneur_id: int) -> sa.Select:
    """The case's visits, newest first (for pagination)."""
    return (
        sa.select(MentoringVisit)
        .where(MentoringVisit.entrepreneur_id == entrepreneur_id)
        .order_by(MentoringVisit.visited_on.desc(), MentoringVisit.id.desc())
    )


def get_visit(session: Session, entrepreneur: Entrepreneur, visit_id: int) -> MentoringVisit:
    """Return a visit of this (already scoped) entrepreneur.

    :raise NotFound: when the visit does not exist or belongs to someone else.
    """
    visit = session.get(MentoringVisit, visit_id)
    if visit is None or visit.entrepreneur_id != entrepreneur.id:
        raise NotFound("Kunjungan tidak ditemukan.")
    return visit


def current_monthly_revenue(session: Session, entrepreneur_id: int) -> int | None:
    """Sum of the known monthly revenues of the entrepreneur's businesses; None when no
    business has one (a blank revenue is unknown, not zero)."""
    count, total = session.execute(
        sa.select(
            sa.func.count(Business.monthly_revenue), sa.func.sum(Business.monthly_revenue)
        ).where(Business.entrepreneur_id == entrepreneur_id)
    ).one()
    return int(total or 0) if count else None


def has_graduated(session: Session, entrepreneur: Entrepreneur) -> bool:
    """Whether the entrepreneur passed a BALIKAT course (a closed cohort's result of *lulus*)."""
    from harkat.training.domain import TrainingResult
    from harkat.training.models import Enrolment

    passed = sa.select(Enrolment.id).where(
        Enrolment.entrepreneur_id == entrepreneur.id,
        Enrolment.result == TrainingResult.PASSED,
    )
    return session.scalar(sa.select(passed.exists())) or False


def readiness_for(session: Session, entrepreneur: Entrepreneur) -> Readiness:
    """The "siap dirujuk" indicator of one entrepreneur, for the page and the referral gates."""
    incubation = get_incubation(session, entrepreneur.id)
    return readiness(
        incubation.stage if incubation else None,
        set(milestones_of(session, entrepreneur.id)),
        has_graduated(session, entrepreneur),
    )


@dataclass(frozen=True)
class RevenueProgress:
    """Baseline against the current monthly revenue, and whether the milestone is reached."""

    baseline: int | None
    current: int | None
    #: Percent with one decimal; None when there is no baseline or no business to compare.
    growth: Decimal | None
    reached: bool


def revenue_progress(
    session: Session, entrepreneur_id: int, incubation: Incubation | None
) -> RevenueProgress:
    """Compare the baseline with what the businesses earn now (for the revenue milestone)."""
    baseline = incubation.baseline_monthly_revenue if incubation else None
    current = current_monthly_revenue(session, entrepreneur_id)
    return RevenueProgress(
        baseline, current, revenue_growth(baseline, current), revenue_up_reached(baseline, current)
    )


# --------------------------------------------------------------------------- stage


@dataclass
class StageData:
    """What the stage form holds."""

    stage: IncubationStage | None
    baseline_monthly_revenue: int | None = None
    started_on: date | None = None


def save_stage(
    session: Session,
    entrepreneur: Entrepreneur,
    data: StageData,
    actor: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> Incubation:
    """Set or change the incubation stage, the start date and the baseline revenue.

    Entering *inkubasi* (or *pasca-inkubasi*) after graduating moves the journey stage to
    "Inkubasi". The journey never moves back, and does not move for someone who has not
    graduated: the journey stage is also the evidence of graduation for the indicator.

    :param expected_version: the version the form was opened on; 0 when there was no record yet.
    :raise StaleObjectError: when someone saved the record after the form was opened.
    """
    check_writer(entrepreneur, actor, "mengubah tahap inkubasi")
    incubation = get_incubation(session, entrepreneur.id)
    if incubation is not None:
        check_version(incubation, expected_version)
    elif expected_version:
        raise StaleObjectError(_CHANGED_BY_SOMEONE_ELSE)

    today = today or _today()
    errors = []
    if not isinstance(data.stage, IncubationStage):
        errors.append(ValidationError("stage", "Pilih tahap inkubasi."))
    if data.baseline_monthly_revenue is not None and data.baseline_monthly_revenue < 0:
        errors.append(
            ValidationError("baseline_monthly_revenue", "Omzet awal tidak boleh negatif.")
        )
    if data.started_on is not None and data.started_on > today:
        errors.append(
            ValidationError("started_on", "Tanggal mulai pendampingan tidak boleh di masa depan.")
        )
    if errors:
        raise StopValidation.from_errors(errors)

    created = incubation is None
    if created:
        incubation = Incubation(entrepreneur_id=entrepreneur.id, started_on=today)
    old_stage = None if created else incubation.stage
    incubation.stage = data.stage
    incubation.started_on = data.started_on or incubation.started_on
    incubation.baseline_monthly_revenue = data.baseline_monthly_revenue
    incubation.updated_by_id = actor.id
    if created:
        try:
            with session.begin_nested():
                session.add(incubation)
        except sa.exc.IntegrityError as error:
            # Another user created this case's record between our read and our write.
            raise StaleObjectError(_CHANGED_BY_SOMEONE_ELSE) from error
    else:
        _flush_versioned(session)

    if data.stage != old_stage:
        add_event(
            session,
            entrepreneur.id,
            "incubation_stage",
            f"Tahap inkubasi: {data.stage.label}.",
            actor,
            {"stage": data.stage.value, "incubation_id": incubation.id},
        )
        if data.stage in INCUBATED_STAGES and entrepreneur.stage == JourneyStage.GRADUATED:
            set_stage(session, entrepreneur, JourneyStage.IN_INCUBATION, actor)
    session.flush()
    return incubation


# --------------------------------------------------------------------------- visits


@dataclass
class VisitData:
    """What the visit form holds; ``photo`` is the uploaded file's bytes, if any."""

    visited_on: date | None
    topics: str
    notes: str = ""
    follow_up: str = ""
    photo: bytes | None = None


def record_visit(
    session: Session,
    entrepreneur: Entrepreneur,
    data: VisitData,
    actor: User,
    *,
    upload_dir: str | Path,
    max_photo_bytes: int,
    today: date | None = None,
) -> MentoringVisit:
    """Log a mentoring visit made by the actor, storing its photo under ``upload_dir``.

    Every field is checked before anything is written, so a refused visit leaves no file.

    :raise StopValidation: naming each wrong field.
    """
    check_writer(entrepreneur, actor, "mencatat kunjungan pendampingan")
    today = today or _today()
    errors = []
    if data.visited_on is None:
        errors.append(ValidationError("visited_on", "Tanggal kunjungan wajib diisi."))
    elif data.visited_on > today:
        errors.append(ValidationError("visited_on", "Tanggal kunjungan tidak boleh di masa depan."))
    topics = _clean_text(data.topics)
    if not topics:
        errors.append(ValidationError("topics", "Topik pendampingan wajib diisi."))
    elif len(topics) > 200:
        errors.append(ValidationError("topics", "Topik pendampingan maksimal 200 karakter."))
    if data.photo is not None:
        try:
            files.check_photo(data.photo, max_photo_bytes)
        except files.PhotoError as error:
            errors.append(ValidationError("photo", str(error)))
    if errors:
        raise StopValidation.from_errors(errors)

    visit = MentoringVisit(
        entrepreneur_id=entrepreneur.id,
        visited_on=data.visited_on,
        facilitator_id=actor.id,
        topics=topics,
        notes=_clean_block(data.notes),
        follow_up=_clean_block(data.follow_up),
    )
    stored = (
        files.store_photo(data.photo, max_photo_bytes, upload_dir)
        if data.photo is not None
        else None
    )
    if stored is not None:
        visit.photo_path, visit.photo_sha256, visit.photo_mime = (
            stored.path,
            stored.sha256,
            stored.mime,
        )
    try:
        session.add(visit)
        session.flush()
        add_event(
            session,
            entrepreneur.id,
            "mentoring_visit",
            f"Kunjungan pendampingan: {topics} ({format_date(data.visited_on)}).",
            actor,
            {"visit_id": visit.id},
        )
        session.flush()
    except BaseException:
        if stored is not None:
            files.delete_photo(upload_dir, stored.path)
        raise
    return visit


# --------------------------------------------------------------------------- milestones


@dataclass
class MilestoneData:
    kind: MilestoneKind | None
    achieved_on: date | None
    note: str = ""


def record_milestone(
    session: Session,
    entrepreneur: Entrepreneur,
    data: MilestoneData,
    actor: User,
    today: date | None = None,
) -> Milestone:
    """Record that a milestone was achieved, or correct its date and note."""
    check_writer(entrepreneur, actor, "mencatat capaian")
    today = today or _today()
    errors = []
    if not isinstance(data.kind, MilestoneKind):
        errors.append(ValidationError("kind", "Pilih capaian dari daftar."))
    if data.achieved_on is None:
        errors.append(ValidationError("achieved_on", "Tanggal tercapai wajib diisi."))
    elif data.achieved_on > today:
        errors.append(ValidationError("achieved_on", "Tanggal tercapai tidak boleh di masa depan."))
    note = _clean_text(data.note)
    if len(note) > 200:
        errors.append(ValidationError("note", "Keterangan maksimal 200 karakter."))
    if errors:
        raise StopValidation.from_errors(errors)

    milestone = milestones_of(session, entrepreneur.id).get(data.kind)
    created = milestone is None
    if created:
        milestone = Milestone(entrepreneur_id=entrepreneur.id, kind=data.kind)
    elif (milestone.achieved_on, milestone.note) == (data.achieved_on, note):
        return milestone
    milestone.achieved_on = data.achieved_on
    milestone.note = note
    milestone.recorded_by_id = actor.id
    if created:
        try:
            with session.begin_nested():
                session.add(milestone)
        except sa.exc.IntegrityError as error:
            raise StaleObjectError(_CHANGED_BY_SOMEONE_ELSE) from error
    session.flush()
    verb = "Capaian" if created else "Capaian diubah"
    add_event(
        session,
        entrepreneur.id,
        "milestone" if created else "milestone_updated",
        f"{verb}: {data.kind.label} (tercapai {format_date(data.achieved_on)}).",
        actor,
        {"kind": data.kind.value, "milestone_id": milestone.id},
    )
    session.flush()
    return milestone


def clear_milestone(
    session: Session, entrepreneur: Entrepreneur, kind: MilestoneKind, actor: User
) -> bool:
    """Remove a milestone recorded by mistake; return whether there was one (the log keeps it)."""
    check_writer(entrepreneur, actor, "membatalkan capaian")
    milestone = milestones_of(session, entrepreneur.id).get(kind)
    if milestone is None:
        return False
    session.delete(milestone)
    session.flush()
    add_event(
        session,
        entrepreneur.id,
        "milestone_cleared",
        f"Capaian dibatalkan: {kind.label}.",
        actor,
        {"kind": kind.value},
    )
    session.flush()
    return True
