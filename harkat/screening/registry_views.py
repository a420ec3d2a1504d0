"""Admin pages of the licensed online lender registry, and the name checker for facilitators."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
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
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from harkat.auth.access import current_actor, roles
from harkat.auth.domain import Role
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.forms import Form, apply_errors, choices, save_form
from harkat.pending_uploads import PendingUploads
from harkat.screening import registry
from harkat.screening.registry import LenderData, LenderIndex, LenderStatus, LicensedLender

bp = Blueprint("lenders", __name__, url_prefix="/admin/pemberi-pinjaman")

#: Uploaded files wait this long for confirmation before they are swept away.


# --------------------------------------------------------------------------- forms


class LenderForm(Form):
    name = StringField(
        "Nama platform / aplikasi",
        validators=[DataRequired(), Length(max=registry.NAME_MAX)],
        description="Nama yang dikenal orang, mis. Kredivo.",
    )
    company = StringField(
        "Nama perusahaan",
        validators=[Optional(), Length(max=registry.COMPANY_MAX)],
        description="Badan hukum pemegang izin, mis. PT FinAccel Digital Indonesia.",
    )
    licence_number = StringField(
        "Nomor izin OJK", validators=[Optional(), Length(max=registry.LICENCE_MAX)]
    )
    status = SelectField("Status", choices=choices(LenderStatus.choices()))
    checked_on = DateField(
        "Tanggal cek daftar OJK",
        validators=[DataRequired()],
        description="Hari Anda memastikan data ini di situs OJK.",
    )
    submit = SubmitField("Simpan")


class ImportForm(Form):
    file = FileField(
        "Berkas CSV",
        validators=[
            FileRequired("Pilih berkas yang akan diimpor."),
            FileAllowed(["csv", "txt"], "Hanya berkas .csv."),
        ],
    )
    checked_on = DateField(
        "Tanggal daftar OJK diperiksa",
        validators=[Optional()],
        description="Dipakai untuk baris yang kolom Tanggal Cek-nya kosong.",
    )
    submit = SubmitField("Periksa berkas")


class ConfirmForm(Form):
    submit = SubmitField("Simpan ke daftar")


# --------------------------------------------------------------------------- list and edit


@bp.get("/")
@roles(Role.ADMIN)
def index():
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    page = db.paginate(
        registry.search_lenders(q, status),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
        count=True,
    )
    counts = dict(
        db.session.execute(
            sa.select(LicensedLender.status, sa.func.count()).group_by(LicensedLender.status)
        ).all()
    )
    state = registry.registry_state(db.session)
    return render_template(
        "lenders/index.html",
        page=page,
        q=q,
        status=status,
        counts=counts,
        checked_on=state.checked_on,
        is_stale=not state.is_empty and state.is_stale,
        stale_days=state.max_age_days,
        ojk_source=registry.OJK_SOURCE,
        LenderStatus=LenderStatus,
    )


def _lender_data(form: LenderForm) -> LenderData:
    return LenderData(
        name=form.name.data or "",
        company=form.company.data or "",
        licence_number=form.licence_number.data or "",
        status=LenderStatus(form.status.data),
        checked_on=form.checked_on.data,
    )


@bp.route("/baru", methods=["GET", "POST"], defaults={"lender_id": None})
@bp.route("/<int:lender_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit(lender_id: int | None):
    lender = None
    if lender_id is not None:
        lender = db.session.get(LicensedLender, lender_id)
        if lender is None:
            abort(404)
    form = LenderForm(obj=lender)
    if request.method == "GET":
        if lender is not None:
            form.status.data = lender.status.value
        else:
            form.checked_on.data = registry.today()
    if form.validate_on_submit():
        saved, saved_lender = save_form(
            form,
            lambda: registry.save_lender(db.session, _lender_data(form), current_actor(), lender),
        )
        if saved:
            flash(f"{saved_lender.name} disimpan di daftar pemberi pinjaman.", "success")
            return redirect(url_for("lenders.index"))
    return render_template("lenders/form.html", form=form, lender=lender)


# --------------------------------------------------------------------------- name checker


@bp.get("/cek")
@roles(Role.ADMIN, Role.FACILITATOR)
def check():
    """Check a lender name as a facilitator would type it during screening."""
    name = " ".join(request.args.get("nama", "").split())[:120]
    index = LenderIndex.load(db.session)
    match = index.match(name) if name else None
    return render_template(
        "lenders/check.html",
        name=name,
        match=match,
        checked_on=index.checked_on,
        is_stale=index.checked_on is not None
        and registry.is_stale(index.checked_on, max_age_days=registry.max_age_days(db.session)),
        stale_days=registry.max_age_days(db.session),
        registry_size=len(index),
        can_manage_registry=current_actor().role == Role.ADMIN,
    )


# --------------------------------------------------------------------------- import


PENDING = PendingUploads("lender-imports")


def _checked_on_default(meta: dict) -> date | None:
    value = meta.get("checked_on")
    return date.fromisoformat(value) if value else None


@bp.get("/impor/contoh.csv")
@roles(Role.ADMIN)
def import_sample():
    return send_file(
        io.BytesIO(registry.sample_csv()),
        mimetype="text/csv",
        as_attachment=True,
        download_name="contoh-daftar-pemberi-pinjaman.csv",
    )


@bp.route("/impor", methods=["GET", "POST"])
@roles(Role.ADMIN)
def import_upload():
    """Upload OJK's list as CSV and see, row by row, what would change; nothing is saved yet."""
    form = ImportForm()
    if request.method == "GET":
        form.checked_on.data = registry.today()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        filename = secure_filename(upload.filename or "") or "daftar.csv"
        try:
            result = registry.import_registry(
                db.session,
                data,
                filename,
                current_actor(),
                checked_on_default=form.checked_on.data,
                dry_run=True,
            )
        except StopValidation as error:
            apply_errors(form, error)
        else:
            token = PENDING.save(
                data,
                filename=filename,
                checked_on=form.checked_on.data.isoformat() if form.checked_on.data else None,
            )
            return render_template(
                "lenders/import_preview.html",
                result=result,
                token=token,
                form=ConfirmForm(formdata=None),
            )
        finally:
            db.session.rollback()
    return render_template(
        "lenders/import_upload.html",
        form=form,
        ojk_source=registry.OJK_SOURCE,
        columns=registry.COLUMNS,
    )


@bp.post("/impor/<token>")
@roles(Role.ADMIN)
def import_commit(token: str):
    """Store the previewed file (checked again now, in case the registry moved on)."""
    meta, data = PENDING.load(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = registry.import_registry(
            db.session,
            data,
            meta["filename"],
            current_actor(),
            checked_on_default=_checked_on_default(meta),
        )
    except StopValidation as error:
        db.session.rollback()
        for reasons in error.reasons.values():
            for reason in reasons:
                flash(reason, "danger")
        return redirect(url_for("lenders.import_upload"))
    db.session.commit()
    return render_template("lenders/import_result.html", result=result)
