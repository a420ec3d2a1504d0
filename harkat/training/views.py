"""Pages for BALIKAT training: catalogue, cohorts, enrolment, attendance, tests and results."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from harkat.auth.access import current_actor, hide_from_bank_officers, roles
from harkat.auth.domain import Role
from harkat.auth.scope import can_edit_cases, kecamatan_scope
from harkat.cases.domain import EntrepreneurStatus
from harkat.core.dates import format_date
from harkat.errors import NotFound, StaleObjectError, StopValidation
from harkat.extensions import db
from harkat.forms import Form, choices, record_id, save_form, version_of
from harkat.idempotency import exactly_once
from harkat.reference.models import Course, Kecamatan
from harkat.registration import services as registration
from harkat.registration.forms import SearchForm
from harkat.registration.models import Entrepreneur, Group
from harkat.training import services
from harkat.training.certificates import Signatory
from harkat.training.domain import (
    AttendanceStatus,
    CohortStatus,
    EnrolmentStatus,
    TrainingResult,
    attendance_percent,
)
from harkat.training.forms import (
    CohortForm,
    CorrectionForm,
    CourseForm,
    GroupEnrolForm,
    SessionForm,
    WithdrawForm,
)
from harkat.training.models import Attendance, Cohort, CohortSession, Enrolment

bp = Blueprint("training", __name__, url_prefix="/pelatihan")

READERS = (Role.ADMIN, Role.FACILITATOR, Role.VIEWER, Role.BANK_OFFICER)
EDITORS = (Role.ADMIN, Role.FACILITATOR)


def _cohort_or_404(cohort_id: int) -> Cohort:
    try:
        return services.get_cohort(db.session, cohort_id, current_actor())
    except NotFound:
        abort(404)


def _enrolment_or_404(enrolment_id: int) -> Enrolment:
    try:
        return services.get_enrolment(db.session, enrolment_id, current_actor())
    except NotFound:
        abort(404)


def _signatory() -> Signatory:
    config = current_app.config
    return Signatory(config["CERTIFICATE_SIGNATORY_NAME"], config["CERTIFICATE_SIGNATORY_TITLE"])


def _flash_reasons(error: StopValidation) -> None:
    for reasons in error.reasons.values():
        for reason in reasons:
            flash(reason, "danger")


def _opened_version() -> int:
    """The cohort version a grid was opened on (a missing or tampered value counts as stale)."""
    text = request.form.get("version", "")
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _act(action, success: str):
    """Run a one-button action (no form fields to show errors next to) and flash the outcome."""
    try:
        result = action()
    except StaleObjectError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return None
    except StopValidation as error:
        db.session.rollback()
        _flash_reasons(error)
        return None
    db.session.commit()
    flash(success, "success")
    return result


# --------------------------------------------------------------------------- cohorts


@bp.get("/")
@roles(*READERS)
def index():
    """Cohorts in the user's area, newest first, filtered by status, course and kecamatan."""
    hide_from_bank_officers()
    user = current_actor()
    query = (
        sa.select(Cohort)
        .where(kecamatan_scope(user, Cohort.kecamatan_code))
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    status = request.args.get("status", "")
    if status in {s.value for s in CohortStatus}:
        query = query.where(Cohort.status == CohortStatus(status))
    course = request.args.get("course", type=record_id)
    if course:
        query = query.where(Cohort.course_id == course)
    kecamatan = request.args.get("kecamatan", "")
    if kecamatan:
        query = query.where(Cohort.kecamatan_code == kecamatan)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    seated = dict(
        db.session.execute(
            sa.select(Enrolment.cohort_id, sa.func.count())
            .where(
                Enrolment.cohort_id.in_([c.id for c in page.items]),
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .group_by(Enrolment.cohort_id)
        ).all()
    )
    return render_template(
        "training/index.html",
        page=page,
        seated=seated,
        status=status,
        course=course,
        kecamatan=kecamatan,
        courses=db.session.scalars(sa.select(Course).order_by(Course.title)).all(),
        kecamatan_options=db.session.scalars(
            sa.select(Kecamatan)
            .where(kecamatan_scope(user, Kecamatan.code))
            .order_by(Kecamatan.name)
        ).all(),
        can_edit=can_edit_cases(user),
        can_manage_courses=user.role == Role.ADMIN,
        CohortStatus=CohortStatus,
    )


def _cohort_form(cohort: Cohort | None = None) -> CohortForm:
    user = current_actor()
    form = CohortForm(obj=cohort)
    courses = db.session.scalars(
        sa.select(Course).where(Course.is_active).order_by(Course.title)
    ).all()
    form.course_id.choices = choices(
        [("", "— pilih kursus —")] + [(c.id, f"{c.title} ({c.hours} jam)") for c in courses]
    )
    areas = db.session.scalars(
        sa.select(Kecamatan).where(kecamatan_scope(user, Kecamatan.code)).order_by(Kecamatan.name)
    ).all()
    form.kecamatan_code.choices = choices([("", "— pilih —")] + [(k.code, k.name) for k in areas])
    if request.method == "GET" and cohort is not None:
        form.course_id.data = str(cohort.course_id)
        form.version.data = str(cohort.version)
    return form


def _cohort_data(form: CohortForm) -> services.CohortData:
    course_id = form.course_id.data
    return services.CohortData(
        course_id=int(course_id) if course_id and str(course_id).isdigit() else None,
        name=form.name.data or "",
        venue=form.venue.data or "",
        kecamatan_code=form.kecamatan_code.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        capacity=form.capacity.data,
        trainer_name=form.trainer_name.data or "",
    )


@bp.route("/angkatan/baru", methods=["GET", "POST"])
@roles(*EDITORS)
def create_cohort():
    form = _cohort_form()
    if form.validate_on_submit():
        saved, cohort = save_form(
            form, lambda: services.save_cohort(db.session, _cohort_data(form), current_actor())
        )
        if saved:
            flash(f"Angkatan {cohort.name} dibuat. Tambahkan jadwal sesi dan peserta.", "success")
            return redirect(url_for("training.cohort", cohort_id=cohort.id))
    return render_template("training/cohort_form.html", form=form, cohort=None)


@bp.route("/angkatan/<int:cohort_id>/ubah", methods=["GET", "POST"])
@roles(*EDITORS)
def edit_cohort(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = _cohort_form(cohort)
    if form.validate_on_submit():
        saved, _ = save_form(
            form,
            lambda: services.save_cohort(
                db.session,
                _cohort_data(form),
                current_actor(),
                cohort,
                expected_version=version_of(form),
            ),
        )
        if saved:
            flash("Angkatan disimpan.", "success")
            return redirect(url_for("training.cohort", cohort_id=cohort.id))
    return render_template("training/cohort_form.html", form=form, cohort=cohort)


def _candidates(cohort: Cohort, text: str) -> list[Entrepreneur]:
    """Active entrepreneurs in the user's area who are not in this cohort yet."""
    in_cohort = sa.select(Enrolment.entrepreneur_id).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status != EnrolmentStatus.WITHDRAWN
    )
    query = registration.search_entrepreneurs(
        current_actor(), registration.EntrepreneurFilter(q=text)
    ).where(Entrepreneur.id.not_in(in_cohort), Entrepreneur.status == EntrepreneurStatus.ACTIVE)
    return db.session.scalars(query.limit(40)).all()


@bp.route("/angkatan/<int:cohort_id>", methods=["GET", "POST"])
@roles(*READERS)
def cohort(cohort_id: int):
    """Everything about a cohort on one page; editors search here for people to enrol."""
    hide_from_bank_officers()
    cohort = _cohort_or_404(cohort_id)
    user = current_actor()
    can_edit = can_edit_cases(user) and cohort.status != CohortStatus.CLOSED
    search_form = SearchForm(prefix="cari")
    candidates: list[Entrepreneur] | None = None
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if search_form.validate_on_submit():
            candidates = _candidates(cohort, search_form.q.data or "")
    counts = services.attendance_counts(db.session, cohort)
    sessions = len(cohort.sessions)
    rows = []
    for enrolment in cohort.enrolments:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            continue
        present = counts.get(enrolment.id, {}).get(AttendanceStatus.PRESENT, 0)
        rows.append((enrolment, present, attendance_percent(present, sessions)))
    group_form = GroupEnrolForm(prefix="kelompok", formdata=None)
    groups = db.session.scalars(
        sa.select(Group)
        .where(kecamatan_scope(user, Group.kecamatan_code))
        .order_by(Group.name)
        .limit(300)
    ).all()
    group_form.group_id.choices = choices(
        [("", "— pilih kelompok —")] + [(g.id, f"{g.name} ({g.kelurahan.name})") for g in groups]
    )
    return render_template(
        "training/cohort.html",
        cohort=cohort,
        rows=rows,
        seated_count=sum(1 for e, _, _ in rows if e.status == EnrolmentStatus.ENROLLED),
        waitlist=services.waitlist(cohort),
        can_edit=can_edit,
        # Correcting a result and revoking a certificate are the admin's.
        can_correct=user.role == Role.ADMIN,
        search_form=search_form,
        candidates=candidates,
        group_form=group_form,
        session_form=SessionForm(formdata=None),
        withdraw_form=WithdrawForm(formdata=None),
        correction_form=CorrectionForm(formdata=None),
        button_form=Form(formdata=None),
        rule=services.completion_rule(db.session),
        TrainingResult=TrainingResult,
    )


@bp.post("/angkatan/<int:cohort_id>/sesi")
@roles(*EDITORS)
def add_session(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = SessionForm()
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "danger")
    else:
        _act(
            lambda: services.add_session(
                db.session,
                cohort,
                form.held_on.data,
                form.topic.data,
                current_actor(),
                form.starts_at.data,
                form.ends_at.data,
            ),
            "Sesi ditambahkan.",
        )
    return redirect(url_for("training.cohort", cohort_id=cohort.id) + "#sesi")


@bp.post("/angkatan/<int:cohort_id>/sesi/<int:session_id>/hapus")
@roles(*EDITORS)
def remove_session(cohort_id: int, session_id: int):
    cohort = _cohort_or_404(cohort_id)
    meeting = db.session.get(CohortSession, session_id)
    if meeting is None or meeting.cohort_id != cohort.id or not Form().validate_on_submit():
        abort(404)
    _act(lambda: services.remove_session(db.session, meeting, current_actor()), "Sesi dihapus.")
    return redirect(url_for("training.cohort", cohort_id=cohort.id) + "#sesi")


@bp.post("/angkatan/<int:cohort_id>/peserta")
@roles(*EDITORS)
def enrol(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    if not Form().validate_on_submit():
        abort(400)
    ids = [int(v) for v in request.form.getlist("entrepreneur_id") if v.isdigit()]
    if not ids:
        flash("Pilih minimal satu pelaku usaha.", "warning")
    else:
        rows = _act(
            lambda: services.enrol(db.session, cohort, ids, current_actor()),
            "Pendaftaran disimpan. Berikutnya: mulai angkatan lalu catat presensi setiap sesi.",
        )
        if rows:
            waiting = sum(1 for r in rows if r.status == EnrolmentStatus.WAITLISTED)
            if waiting:
                flash(f"{waiting} orang masuk daftar tunggu karena kuota penuh.", "warning")
    return redirect(url_for("training.cohort", cohort_id=cohort.id) + "#peserta")


@bp.post("/angkatan/<int:cohort_id>/kelompok")
@roles(*EDITORS)
def enrol_group(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = GroupEnrolForm(prefix="kelompok")
    group_id = form.group_id.data
    if not form.validate_on_submit() or not (group_id and group_id.isdigit()):
        flash("Pilih kelompok yang akan didaftarkan.", "danger")
    else:
        try:
            group = registration.get_group(db.session, int(group_id), current_actor())
        except NotFound:
            abort(404)
        _act(
            lambda: services.enrol_group(db.session, cohort, group, current_actor()),
            f"Anggota kelompok {group.name} didaftarkan.",
        )
    return redirect(url_for("training.cohort", cohort_id=cohort.id) + "#peserta")


@bp.post("/peserta/<int:enrolment_id>/mundur")
@roles(*EDITORS)
def withdraw(enrolment_id: int):
    enrolment = _enrolment_or_404(enrolment_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash("Tuliskan alasan mengundurkan diri.", "danger")
    else:
        promoted = _act(
            lambda: services.withdraw(db.session, enrolment, form.reason.data, current_actor()),
            f"{enrolment.entrepreneur.full_name} dicatat mengundurkan diri.",
        )
        for row in promoted or []:
            flash(f"{row.entrepreneur.full_name} naik dari daftar tunggu menjadi peserta.", "info")
    return redirect(url_for("training.cohort", cohort_id=enrolment.cohort_id) + "#peserta")


@bp.post("/angkatan/<int:cohort_id>/mulai")
@roles(*EDITORS)
def start(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    if Form().validate_on_submit():
        _act(
            lambda: services.start_cohort(db.session, cohort, current_actor()),
            "Angkatan dimulai. Berikutnya: catat presensi di setiap sesi.",
        )
    return redirect(url_for("training.cohort", cohort_id=cohort.id))


@bp.route("/angkatan/<int:cohort_id>/tutup", methods=["GET", "POST"])
@roles(*EDITORS)
def close(cohort_id: int):
    """Close the cohort: every enrolee gets lulus / tidak lulus / mengundurkan diri with reasons.

    GET asks first: it shows what closing would give each person and what cannot be undone.
    """
    cohort = _cohort_or_404(cohort_id)
    if request.method == "GET":
        if cohort.status == CohortStatus.CLOSED:
            flash("Angkatan ini sudah ditutup.", "info")
            return redirect(url_for("training.cohort", cohort_id=cohort.id) + "#hasil")
        predicted = services.predicted_results(db.session, cohort)
        tally = dict.fromkeys(TrainingResult, 0)
        for _, result in predicted:
            tally[result] += 1
        return render_template(
            "training/close.html",
            cohort=cohort,
            predicted=predicted,
            tally=tally,
            rule=services.completion_rule(db.session),
            button_form=Form(formdata=None),
        )
    if Form().validate_on_submit():
        tally = _act(
            lambda: services.close_cohort(db.session, cohort, current_actor(), _signatory()),
            "Angkatan ditutup dan hasil setiap peserta dihitung. Berikutnya: lulusan dapat "
            "dibina di inkubasi lalu diskrining utangnya; sertifikat dapat diunduh di bawah.",
        )
        if tally:
            flash(", ".join(f"{result.label}: {count}" for result, count in tally.items()), "info")
    return redirect(url_for("training.cohort", cohort_id=cohort.id) + "#hasil")


@bp.post("/peserta/<int:enrolment_id>/koreksi")
@roles(Role.ADMIN)
def correct(enrolment_id: int):
    enrolment = _enrolment_or_404(enrolment_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        flash("Pilih hasil dan tuliskan alasan koreksi.", "danger")
    else:
        _act(
            lambda: services.correct_result(
                db.session,
                enrolment,
                TrainingResult(form.result.data),
                form.reason.data,
                current_actor(),
                _signatory(),
            ),
            f"Hasil {enrolment.entrepreneur.full_name} dikoreksi.",
        )
    return redirect(url_for("training.cohort", cohort_id=enrolment.cohort_id) + "#hasil")


# --------------------------------------------------------------------------- attendance, tests


@bp.route("/angkatan/<int:cohort_id>/sesi/<int:session_id>/presensi", methods=["GET", "POST"])
@roles(*READERS)
@exactly_once
def attendance(cohort_id: int, session_id: int):
    """The attendance grid: every enrolee on one screen, saved in one submit."""
    hide_from_bank_officers()
    cohort = _cohort_or_404(cohort_id)
    meeting = db.session.get(CohortSession, session_id)
    if meeting is None or meeting.cohort_id != cohort.id:
        abort(404)
    seated = [e for e in cohort.enrolments if e.status == EnrolmentStatus.ENROLLED]
    current = {
        row.enrolment_id: row.status
        for row in db.session.scalars(
            sa.select(Attendance).where(Attendance.session_id == meeting.id)
        )
    }
    form = Form()
    editable = can_edit_cases(current_actor()) and cohort.status != CohortStatus.CLOSED
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            statuses = {}
            for enrolment in seated:
                value = request.form.get(f"e{enrolment.id}", "")
                if value in {s.value for s in AttendanceStatus}:
                    statuses[enrolment.id] = AttendanceStatus(value)
            missing = len(seated) - len(statuses)
            changed = _act(
                lambda: services.record_attendance(
                    db.session, meeting, statuses, current_actor(), _opened_version()
                ),
                f"Presensi {len(statuses)} peserta disimpan.",
            )
            if changed is not None:
                if missing:
                    flash(f"{missing} peserta belum diisi presensinya.", "warning")
                return redirect(url_for("training.cohort", cohort_id=cohort.id) + "#sesi")
    # Opened online, the session stays on the facilitator's phone for taking attendance offline.
    offline_session = (
        {
            "id": meeting.id,
            "url": url_for("training.attendance", cohort_id=cohort.id, session_id=meeting.id),
            "title": f"{cohort.name} · {format_date(meeting.held_on)} · {meeting.topic}",
            "version": cohort.version,
            "seated": [
                {
                    "id": e.id,
                    "name": e.entrepreneur.full_name,
                    "status": current[e.id].value if e.id in current else None,
                }
                for e in seated
            ],
        }
        if editable
        else None
    )
    return render_template(
        "training/attendance.html",
        cohort=cohort,
        meeting=meeting,
        seated=seated,
        current=current,
        form=form,
        editable=editable,
        offline_session=offline_session,
        AttendanceStatus=AttendanceStatus,
    )


@bp.route("/angkatan/<int:cohort_id>/nilai", methods=["GET", "POST"])
@roles(*EDITORS)
def scores(cohort_id: int):
    """Pre- and post-test scores of every enrolee, typed on one screen."""
    cohort = _cohort_or_404(cohort_id)
    seated = [e for e in cohort.enrolments if e.status == EnrolmentStatus.ENROLLED]
    form = Form()
    errors: list[str] = []
    if request.method == "POST" and form.validate_on_submit():
        typed = {
            e.id: (request.form.get(f"pre{e.id}"), request.form.get(f"post{e.id}")) for e in seated
        }
        try:
            services.record_scores(db.session, cohort, typed, current_actor(), _opened_version())
        except StaleObjectError as error:
            db.session.rollback()
            errors = [str(error)]
        except StopValidation as error:
            db.session.rollback()
            errors = [reason for reasons in error.reasons.values() for reason in reasons]
        else:
            db.session.commit()
            flash(
                "Nilai pre-test dan post-test disimpan. Berikutnya: bila semua sesi selesai, "
                "tutup angkatan untuk menghitung hasil.",
                "success",
            )
            return redirect(url_for("training.cohort", cohort_id=cohort.id) + "#peserta")
    return render_template(
        "training/scores.html", cohort=cohort, seated=seated, form=form, errors=errors
    )


# --------------------------------------------------------------------------- catalogue


@bp.get("/kursus")
@roles(Role.ADMIN)
def courses():
    rows = db.session.scalars(sa.select(Course).order_by(Course.is_active.desc(), Course.code))
    return render_template("training/courses.html", courses=rows.all())


@bp.route("/kursus/baru", methods=["GET", "POST"], defaults={"course_id": None})
@bp.route("/kursus/<int:course_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_course(course_id: int | None):
    course = db.session.get(Course, course_id) if course_id is not None else None
    if course_id is not None and course is None:
        abort(404)
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        data = services.CourseData(
            code=form.code.data,
            title=form.title.data,
            theme=form.theme.data,
            hours=form.hours.data,
            description=form.description.data or "",
            is_active=form.is_active.data,
        )
        saved, course = save_form(
            form, lambda: services.save_course(db.session, data, current_actor(), course)
        )
        if saved:
            flash(f"Kursus {course.title} disimpan.", "success")
            return redirect(url_for("training.courses"))
    return render_template("training/course_form.html", form=form, course=course)
