"""The incubation page of an entrepreneur: stage, readiness, milestones, mentoring visits."""

from __future__ import annotations

import io
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from harkat.audit import services as audit
from harkat.auth.access import current_actor, roles
from harkat.auth.domain import Role
from harkat.auth.scope import can_edit_cases
from harkat.core.dates import JAKARTA
from harkat.errors import NotFound, StopValidation
from harkat.extensions import db
from harkat.forms import save_form
from harkat.incubation import files, services
from harkat.incubation.domain import REQUIRED_MILESTONES, IncubationStage, MilestoneKind
from harkat.incubation.forms import ClearMilestoneForm, MilestoneForm, StageForm, VisitForm
from harkat.registration import services as registration
from harkat.registration.models import Entrepreneur

bp = Blueprint("incubation", __name__)

READERS = (Role.ADMIN, Role.FACILITATOR, Role.VIEWER, Role.BANK_OFFICER)
EDITORS = (Role.ADMIN, Role.FACILITATOR)
VISITS_PER_PAGE = 10


def _entrepreneur_or_404(entrepreneur_id: int) -> Entrepreneur:
    """Bank officers and facilitators of other kecamatan get 404, like any out-of-scope record."""
    try:
        return registration.get_entrepreneur(db.session, entrepreneur_id, current_actor())
    except NotFound:
        abort(404)


def _enum_or_none(enum_cls, value):
    return enum_cls(value) if value in {m.value for m in enum_cls} else None


def _back(entrepreneur: Entrepreneur, anchor: str = ""):
    url = url_for("incubation.detail", entrepreneur_id=entrepreneur.id)
    return redirect(f"{url}#{anchor}" if anchor else url)


def _photo_limit() -> int:
    return current_app.config["MAX_UPLOAD_BYTES"]


def _render(
    entrepreneur: Entrepreneur,
    stage_form: StageForm | None = None,
    visit_form: VisitForm | None = None,
    milestone_form: MilestoneForm | None = None,
):
    """Render the page; a form passed in (after a refused submit) keeps its input and errors."""
    user = current_actor()
    incubation = services.get_incubation(db.session, entrepreneur.id)
    if stage_form is None:
        stage_form = StageForm(formdata=None, obj=incubation)
        if incubation is not None:
            stage_form.stage.data = incubation.stage.value
            stage_form.version.data = str(incubation.version)
        else:
            # Suggest today's revenue as the baseline for a case starting incubation now.
            stage_form.baseline_monthly_revenue.data = services.current_monthly_revenue(
                db.session, entrepreneur.id
            )
            stage_form.version.data = "0"
    if visit_form is None:
        visit_form = VisitForm(formdata=None)
        visit_form.visited_on.data = datetime.now(JAKARTA).date()
    visit_form.photo.description = (
        f"JPEG atau PNG, maksimal {files.size_label(_photo_limit())}. "
        "Di ponsel, tombol ini membuka kamera."
    )
    milestones = services.milestones_of(db.session, entrepreneur.id)
    visits = db.paginate(
        services.visits_query(entrepreneur.id),
        per_page=VISITS_PER_PAGE,
        error_out=False,
        count=True,
    )
    return render_template(
        "incubation/detail.html",
        e=entrepreneur,
        incubation=incubation,
        readiness=services.readiness_for(db.session, entrepreneur),
        revenue=services.revenue_progress(db.session, entrepreneur.id, incubation),
        milestones=milestones,
        kinds=list(MilestoneKind),
        required=REQUIRED_MILESTONES,
        visits=visits,
        stage_form=stage_form,
        visit_form=visit_form,
        milestone_form=milestone_form or MilestoneForm(formdata=None),
        clear_form=ClearMilestoneForm(formdata=None),
        today=datetime.now(JAKARTA).date(),
        can_edit=can_edit_cases(user),
    )


@bp.get("/pelaku-usaha/<int:entrepreneur_id>/inkubasi")
@roles(*READERS)
def detail(entrepreneur_id: int):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    audit.record_now(db.engine, "view", entity=entrepreneur, changes={"page": "inkubasi"})
    return _render(entrepreneur)


@bp.post("/pelaku-usaha/<int:entrepreneur_id>/inkubasi/tahap")
@roles(*EDITORS)
def set_stage(entrepreneur_id: int):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    form = StageForm()
    if form.validate_on_submit():
        version = form.version.data or "0"
        saved, _ = save_form(
            form,
            lambda: services.save_stage(
                db.session,
                entrepreneur,
                services.StageData(
                    stage=_enum_or_none(IncubationStage, form.stage.data),
                    baseline_monthly_revenue=form.baseline_monthly_revenue.data,
                    started_on=form.started_on.data,
                ),
                current_actor(),
                expected_version=int(version) if version.isdigit() else 0,
            ),
        )
        if saved:
            flash("Tahap inkubasi disimpan.", "success")
            return _back(entrepreneur)
    return _render(entrepreneur, stage_form=form)


@bp.post("/pelaku-usaha/<int:entrepreneur_id>/inkubasi/kunjungan")
@roles(*EDITORS)
def add_visit(entrepreneur_id: int):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    form = VisitForm()
    if form.validate_on_submit():
        upload = form.photo.data
        # No file chosen arrives as an empty part without a name.
        photo = upload.read() if upload is not None and upload.filename else None
        saved, _ = save_form(
            form,
            lambda: services.record_visit(
                db.session,
                entrepreneur,
                services.VisitData(
                    visited_on=form.visited_on.data,
                    topics=form.topics.data or "",
                    notes=form.notes.data or "",
                    follow_up=form.follow_up.data or "",
                    photo=photo,
                ),
                current_actor(),
                upload_dir=current_app.config["UPLOAD_DIR"],
                max_photo_bytes=_photo_limit(),
            ),
        )
        if saved:
            flash("Kunjungan pendampingan dicatat.", "success")
            return _back(entrepreneur, "kunjungan")
    return _render(entrepreneur, visit_form=form)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A photo far beyond the limit is cut off before the form can be read: say so plainly."""
    db.session.rollback()
    entrepreneur_id = (request.view_args or {}).get("entrepreneur_id")
    if request.endpoint != "incubation.add_visit" or entrepreneur_id is None:
        title, message = "Berkas terlalu besar", "Ukuran berkas melebihi batas yang diizinkan."
        return render_template("errors/error.html", code=413, title=title, message=message), 413
    flash(
        f"Ukuran foto maksimal {files.size_label(_photo_limit())}. Kunjungan belum tersimpan; "
        "isi ulang formulir dengan foto yang lebih kecil.",
        "danger",
    )
    url = url_for("incubation.detail", entrepreneur_id=entrepreneur_id)
    return redirect(f"{url}#kunjungan")


@bp.post("/pelaku-usaha/<int:entrepreneur_id>/inkubasi/capaian")
@roles(*EDITORS)
def record_milestone(entrepreneur_id: int):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    form = MilestoneForm()
    if form.validate_on_submit():
        kind = _enum_or_none(MilestoneKind, form.kind.data)
        saved, _ = save_form(
            form,
            lambda: services.record_milestone(
                db.session,
                entrepreneur,
                services.MilestoneData(
                    kind=kind, achieved_on=form.achieved_on.data, note=form.note.data or ""
                ),
                current_actor(),
            ),
        )
        if saved:
            flash(f"Capaian dicatat: {kind.label}.", "success")
            return _back(entrepreneur, "capaian")
    return _render(entrepreneur, milestone_form=form)


@bp.post("/pelaku-usaha/<int:entrepreneur_id>/inkubasi/capaian/hapus")
@roles(*EDITORS)
def clear_milestone(entrepreneur_id: int):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    form = ClearMilestoneForm()
    kind = _enum_or_none(MilestoneKind, form.kind.data)
    if not form.validate_on_submit() or kind is None:
        abort(400)
    try:
        cleared = services.clear_milestone(db.session, entrepreneur, kind, current_actor())
    except StopValidation as error:
        db.session.rollback()
        for reasons in error.reasons.values():
            for reason in reasons:
                flash(reason, "danger")
    else:
        db.session.commit()
        if cleared:
            flash(f"Capaian dibatalkan: {kind.label}.", "success")
    return _back(entrepreneur, "capaian")


@bp.get("/pelaku-usaha/<int:entrepreneur_id>/inkubasi/kunjungan/<int:visit_id>/foto")
@roles(*READERS)
def visit_photo(entrepreneur_id: int, visit_id: int):
    """Serve a visit photo to those who may see the entrepreneur; every download is audited."""
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    try:
        visit = services.get_visit(db.session, entrepreneur, visit_id)
    except NotFound:
        abort(404)
    if not visit.photo_path or visit.photo_mime not in ("image/jpeg", "image/png"):
        abort(404)
    path = files.photo_file(current_app.config["UPLOAD_DIR"], visit.photo_path)
    if path is None:
        current_app.logger.warning("Photo of visit %s is missing on disk", visit.id)
        abort(404)
    audit.record_now(db.engine, "download", entity=visit, changes={"file": "foto kunjungan"})
    extension = "png" if visit.photo_mime == "image/png" else "jpg"
    # Read whole (photos are small): nothing is left open if the client goes away mid-way.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=visit.photo_mime,
        as_attachment=False,
        download_name=f"foto-kunjungan-{visit.id}.{extension}",
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
