"""Pages for entrepreneurs (pelaku usaha), their businesses, consent and groups."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

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
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename

from harkat import downloads
from harkat.audit import services as audit
from harkat.auth import services as auth
from harkat.auth.access import current_actor, hide_from_bank_officers, roles
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import can_edit_cases, kecamatan_scope
from harkat.cases.domain import EntrepreneurStatus, JourneyStage
from harkat.cases.journey import NextStep, StepKind, next_step
from harkat.cases.services import timeline
from harkat.cases.story import case_state
from harkat.core.dates import JAKARTA
from harkat.core.enums import ConsentPurpose
from harkat.core.nik import Gender
from harkat.database import lean_paginate, utcnow
from harkat.downloads import send_attachment
from harkat.errors import NotFound, StopValidation
from harkat.extensions import db
from harkat.forms import apply_errors, choices, record_id, save_form, version_of
from harkat.idempotency import exactly_once
from harkat.pending_uploads import PendingUploads
from harkat.reference.models import Kecamatan, Kelurahan
from harkat.registration import documents, importer, services
from harkat.registration.domain import (
    CONSENT_TEXTS,
    BusinessScale,
    Education,
    GroupStatus,
    MaritalStatus,
    Sector,
)
from harkat.registration.forms import (
    BusinessForm,
    ChairForm,
    ConfirmImportForm,
    ConsentForm,
    EntrepreneurForm,
    GroupForm,
    ImportUploadForm,
    RemoveMemberForm,
    SearchForm,
    kelurahan_choices,
)
from harkat.registration.models import Business, Entrepreneur, Group, GroupMembership

bp = Blueprint("registration", __name__)

READERS = (Role.ADMIN, Role.FACILITATOR, Role.VIEWER, Role.BANK_OFFICER)
EDITORS = (Role.ADMIN, Role.FACILITATOR)


def _entrepreneur_or_404(entrepreneur_id: int) -> Entrepreneur:
    try:
        return services.get_entrepreneur(db.session, entrepreneur_id, current_actor())
    except NotFound:
        abort(404)


def _group_or_404(group_id: int) -> Group:
    try:
        return services.get_group(db.session, group_id, current_actor())
    except NotFound:
        abort(404)


def _kelurahan_rows(user: User):
    query = (
        sa.select(Kelurahan.code, Kelurahan.name, Kecamatan.name)
        .join(Kecamatan)
        .order_by(Kecamatan.name, Kelurahan.name)
    )
    if user.role == Role.FACILITATOR:
        query = query.where(Kelurahan.kecamatan_code.in_(user.kecamatan_codes))
    return db.session.execute(query).all()


def _enum_or_none(enum_cls, value):
    return enum_cls(value) if value else None


# --------------------------------------------------------------------------- list


def _filters() -> services.EntrepreneurFilter:
    args = request.args
    return services.EntrepreneurFilter(
        q=current_actor().saved_search,
        kecamatan=args.get("kecamatan", ""),
        kelurahan=args.get("kelurahan", ""),
        sector=args.get("sector", ""),
        scale=args.get("scale", ""),
        gender=args.get("gender", ""),
        group_id=args.get("group", type=record_id),
        stage=args.get("stage", ""),
        status=args.get("status", ""),
        sort=args.get("sort", "name"),
    )


@bp.get("/pelaku-usaha")
@roles(*READERS)
def index():
    """List entrepreneurs in scope; the search text travels by POST and is kept on the server
    with the sign-in, so names and NIKs never appear in URLs, server logs or cookies."""
    hide_from_bank_officers()
    user = current_actor()
    filters = _filters()
    page = lean_paginate(
        db.session,
        services.search_entrepreneurs(user, filters),
        per_page=current_app.config["PAGE_SIZE"],
    )
    groups = services.group_of(db.session, [e.id for e in page.items])
    kecamatan = db.session.scalars(
        sa.select(Kecamatan).where(kecamatan_scope(user, Kecamatan.code)).order_by(Kecamatan.name)
    ).all()
    kelurahan = _kelurahan_rows(user)
    group_options = db.session.execute(
        sa.select(Group.id, Group.name)
        .where(kecamatan_scope(user, Group.kecamatan_code))
        .order_by(Group.name)
        .limit(500)
    ).all()
    return render_template(
        "registration/index.html",
        page=page,
        filters=filters,
        groups=groups,
        kecamatan=kecamatan,
        kelurahan=kelurahan,
        group_options=group_options,
        search_form=SearchForm(formdata=None, q=filters.q),
        sorts=services.SORT_LABELS,
        can_edit=can_edit_cases(user),
        Sector=Sector,
        BusinessScale=BusinessScale,
        JourneyStage=JourneyStage,
        Gender=Gender,
        show_full_nik=False,
    )


@bp.post("/pelaku-usaha/cari")
@roles(*READERS)
def search():
    hide_from_bank_officers()
    form = SearchForm()
    if request.form.get("clear"):
        auth.remember_search(db.session, current_actor(), "")
        db.session.commit()
    elif form.validate_on_submit():
        auth.remember_search(db.session, current_actor(), form.q.data or "")
        db.session.commit()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return redirect(url_for("registration.index", **args))


# --------------------------------------------------------------------------- entrepreneur


def _entrepreneur_form(entrepreneur: Entrepreneur | None = None) -> EntrepreneurForm:
    form = EntrepreneurForm(obj=entrepreneur)
    form.kelurahan_code.choices = kelurahan_choices(_kelurahan_rows(current_actor()))
    if request.method == "GET" and entrepreneur is not None:
        form.gender.data = entrepreneur.gender.value
        form.education.data = entrepreneur.education.value if entrepreneur.education else ""
        form.marital_status.data = (
            entrepreneur.marital_status.value if entrepreneur.marital_status else ""
        )
        form.status.data = entrepreneur.status.value
        form.version.data = str(entrepreneur.version)
    return form


def _entrepreneur_data(form: EntrepreneurForm) -> services.EntrepreneurData:
    return services.EntrepreneurData(
        nik=form.nik.data or "",
        full_name=form.full_name.data or "",
        birth_place=form.birth_place.data or "",
        kelurahan_code=form.kelurahan_code.data or "",
        address=form.address.data or "",
        gender=_enum_or_none(Gender, form.gender.data),
        birth_date=form.birth_date.data,
        phone=form.phone.data,
        rt=form.rt.data,
        rw=form.rw.data,
        education=_enum_or_none(Education, form.education.data),
        marital_status=_enum_or_none(MaritalStatus, form.marital_status.data),
        dependants=form.dependants.data,
        status=EntrepreneurStatus(form.status.data or EntrepreneurStatus.ACTIVE),
    )


def _flash_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        flash(f"Perhatikan: {warning}", "warning")


@bp.route("/pelaku-usaha/baru", methods=["GET", "POST"])
@roles(*EDITORS)
@exactly_once
def create():
    form = _entrepreneur_form()
    if form.validate_on_submit():
        saved, result = save_form(
            form,
            lambda: services.register_entrepreneur(
                db.session, _entrepreneur_data(form), current_actor()
            ),
        )
        if saved:
            entrepreneur, warnings = result
            flash(
                f"{entrepreneur.full_name} terdaftar dengan nomor "
                f"{entrepreneur.registration_number}. Catat persetujuan dan usahanya.",
                "success",
            )
            _flash_warnings(warnings)
            return redirect(url_for("registration.detail", entrepreneur_id=entrepreneur.id))
    return render_template("registration/form.html", form=form, entrepreneur=None)


def journey_step(entrepreneur: Entrepreneur) -> tuple[NextStep | None, str | None]:
    """The case's next step and the link that takes it (None for a reader or nothing due)."""
    step = next_step(case_state(db.session, entrepreneur))
    if step is None:
        return None, None
    links = {
        StepKind.BUSINESS: url_for("registration.business", entrepreneur_id=entrepreneur.id),
        StepKind.CONSENT: url_for("registration.consent", entrepreneur_id=entrepreneur.id),
        StepKind.TRAINING: url_for("training.cohort", cohort_id=step.target_id or 0),
        StepKind.ENROL: url_for("training.index"),
        StepKind.SCREENING: url_for("screening.create", entrepreneur_id=entrepreneur.id),
        StepKind.RESOLVE_DEBT: url_for("screening.create", entrepreneur_id=entrepreneur.id),
        StepKind.REFERRAL: url_for("referrals.create", pelaku=entrepreneur.id),
        StepKind.OPEN_REFERRAL: url_for("referrals.detail", referral_id=step.target_id or 0),
        StepKind.LOAN: url_for("referrals.detail", referral_id=step.target_id or 0),
    }
    return step, links[step.kind]


def _flash_next_step(entrepreneur: Entrepreneur) -> None:
    """After a change on the case, say what comes next."""
    step, _ = journey_step(entrepreneur)
    if step is not None:
        flash(f"Berikutnya: {step.title[0].lower()}{step.title[1:]}.", "info")


@bp.get("/pelaku-usaha/<int:entrepreneur_id>")
@roles(*READERS)
def detail(entrepreneur_id: int):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    user = current_actor()
    audit.record_now(db.engine, "view", entity=entrepreneur)
    membership = services.active_membership(db.session, entrepreneur.id)
    past_groups = db.session.scalars(
        sa.select(GroupMembership)
        .where(
            GroupMembership.entrepreneur_id == entrepreneur.id,
            GroupMembership.left_on.is_not(None),
        )
        .order_by(GroupMembership.left_on.desc())
    ).all()
    from harkat.referrals.services import referrals_of
    from harkat.screening.services import history as screening_history
    from harkat.training.services import enrolments_of

    return render_template(
        "registration/detail.html",
        e=entrepreneur,
        screenings=screening_history(db.session, entrepreneur.id),
        referrals=referrals_of(db.session, entrepreneur.id),
        enrolments=enrolments_of(db.session, [entrepreneur.id]),
        membership=membership,
        past_groups=past_groups,
        consents=services.current_consents(entrepreneur),
        events=timeline(db.session, entrepreneur.id),
        show_full_nik=user.role in EDITORS,
        can_edit=can_edit_cases(user),
        next_step=journey_step(entrepreneur) if can_edit_cases(user) else (None, None),
        wa_consent=services.has_consent(entrepreneur, ConsentPurpose.WHATSAPP),
    )


@bp.route("/pelaku-usaha/<int:entrepreneur_id>/ubah", methods=["GET", "POST"])
@roles(*EDITORS)
def edit(entrepreneur_id: int):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    form = _entrepreneur_form(entrepreneur)
    if form.validate_on_submit():
        saved, warnings = save_form(
            form,
            lambda: services.update_entrepreneur(
                db.session,
                entrepreneur,
                _entrepreneur_data(form),
                current_actor(),
                expected_version=version_of(form),
            ),
        )
        if saved:
            flash("Data pelaku usaha disimpan.", "success")
            _flash_warnings(warnings)
            return redirect(url_for("registration.detail", entrepreneur_id=entrepreneur.id))
    return render_template("registration/form.html", form=form, entrepreneur=entrepreneur)


@bp.get("/pelaku-usaha/<int:entrepreneur_id>/persetujuan.pdf")
@roles(*EDITORS)
def consent_pdf(entrepreneur_id: int):
    """The consent form to print and sign, filled with the entrepreneur's identity."""
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    return send_attachment(
        documents.consent_form_pdf(entrepreneur, utcnow()),
        f"persetujuan-{entrepreneur.registration_number}.pdf",
        downloads.PDF,
        entity=entrepreneur,
        changes={"file": "formulir persetujuan"},
    )


@bp.get("/pelaku-usaha/ekspor.<any(xlsx, csv):fmt>")
@roles(*READERS)
def export(fmt: str):
    """Export the filtered list; NIKs are masked for everyone but admins; audited."""
    hide_from_bank_officers()
    user = current_actor()
    filters = _filters()
    query = services.search_entrepreneurs(user, filters).options(
        selectinload(Entrepreneur.kelurahan), selectinload(Entrepreneur.kecamatan)
    )
    entrepreneurs = db.session.scalars(query).all()
    ids = [e.id for e in entrepreneurs]
    groups: dict[int, Group] = {}
    stats: dict[int, tuple[int, str]] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        groups.update(services.group_of(db.session, chunk))
        stats.update(services.business_stats(db.session, chunk))
    rows = [
        (
            e,
            groups[e.id].name if e.id in groups else None,
            *stats.get(e.id, (0, None)),
        )
        for e in entrepreneurs
    ]
    frame = documents.export_frame(rows, mask=user.role != Role.ADMIN)
    stamp = datetime.now(JAKARTA).strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        data, mimetype = documents.frame_to_csv(frame), downloads.CSV
    else:
        data, mimetype = documents.frame_to_xlsx(frame), downloads.XLSX
    return send_attachment(
        data,
        f"pelaku-usaha-{stamp}.{fmt}",
        mimetype,
        action="export",
        entity_type="entrepreneurs",
        changes={"format": fmt, "rows": len(rows), "filters": asdict(filters)},
    )


# --------------------------------------------------------------------------- import


PREVIEW_ROWS = 300


def _max_rows() -> int:
    """The most data rows one import file may hold (⚙ import.max_rows)."""
    from harkat.settings.services import get_number

    return int(get_number(db.session, "import.max_rows"))


PENDING = PendingUploads("imports")


@bp.get("/pelaku-usaha/impor/templat.xlsx")
@roles(*EDITORS)
def import_template():
    return send_file(
        io.BytesIO(importer.template_workbook()),
        mimetype=downloads.XLSX,
        as_attachment=True,
        download_name="templat-impor-pelaku-usaha.xlsx",
    )


@bp.route("/pelaku-usaha/impor", methods=["GET", "POST"])
@roles(*EDITORS)
def import_upload():
    """Upload a spreadsheet and see, row by row, what would be stored; nothing is saved yet."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        filename = secure_filename(upload.filename or "") or "berkas.xlsx"
        try:
            frame = importer.read_table(data, filename, _max_rows())
        except ValueError as error:
            form.file.errors = [*form.file.errors, str(error)]
        else:
            token = PENDING.save(data, filename=filename)
            try:
                results = importer.preview(db.session, frame, current_actor())
            finally:
                db.session.rollback()
            return _render_preview(token, filename, results, frame.attrs["ignored"])
    return render_template("registration/import_upload.html", form=form)


#: Errors first, then warnings, then the rows that are ready.
_STATUS_ORDER = {importer.ERROR: 0, importer.WARNING: 1, importer.OK: 2}


def _render_preview(token: str, filename: str, results, ignored, confirm_form=None):
    counts = Counter(r.status for r in results)
    shown = sorted(results, key=lambda r: (_STATUS_ORDER[r.status], r.row_number))[:PREVIEW_ROWS]
    return render_template(
        "registration/import_preview.html",
        token=token,
        filename=filename,
        results=shown,
        total=len(results),
        counts=counts,
        hidden=len(results) - len(shown),
        ignored=ignored,
        must_confirm=any(column.needs_confirmation for column in ignored),
        form=confirm_form or ConfirmImportForm(formdata=None),
    )


@bp.post("/pelaku-usaha/impor/<token>")
@roles(*EDITORS)
def import_commit(token: str):
    """Store the checked rows (re-checked now, in case the database moved on)."""
    meta, data = PENDING.load(token)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    frame = importer.read_table(data, meta["filename"], _max_rows())
    results = importer.preview(db.session, frame, current_actor())
    ignored = frame.attrs["ignored"]
    if any(column.needs_confirmation for column in ignored) and not form.accept_ignored.data:
        db.session.rollback()
        form.accept_ignored.errors = [
            "Ada kolom yang tampaknya berisi uang atau identitas tetapi tidak akan diimpor. "
            "Periksa daftarnya, lalu centang pernyataan ini untuk melanjutkan, atau perbaiki "
            "judul kolomnya dan unggah lagi."
        ]
        return _render_preview(token, meta["filename"], results, ignored, form)
    summary = importer.commit(
        db.session,
        results,
        current_actor(),
        all_or_nothing=form.all_or_nothing.data,
        update_existing=form.update_existing.data,
        filename=meta["filename"],
    )
    db.session.commit()
    PENDING.path(token, ".result.xlsx").write_bytes(importer.result_workbook(results, summary))
    return render_template(
        "registration/import_result.html",
        token=token,
        filename=meta["filename"],
        summary=summary,
        counts=Counter(r.status for r in results),
    )


@bp.get("/pelaku-usaha/impor/<token>/hasil.xlsx")
@roles(*EDITORS)
def import_result(token: str):
    meta, _ = PENDING.load(token)
    path = PENDING.path(token, ".result.xlsx")
    if not path.exists():
        abort(404)
    return send_attachment(
        path.read_bytes(),
        f"hasil-impor-{Path(meta['filename']).stem}.xlsx",
        downloads.XLSX,
        entity_type="entrepreneurs",
        changes={"file": f"hasil impor {meta['filename']}"},
    )


# --------------------------------------------------------------------------- businesses


def _business_data(form: BusinessForm) -> services.BusinessData:
    return services.BusinessData(
        name=form.name.data or "",
        sector=Sector(form.sector.data),
        products=form.products.data or "",
        start_year=form.start_year.data,
        address=form.address.data or "",
        nib=form.nib.data,
        sku_number=form.sku_number.data,
        halal_certificate=form.halal_certificate.data,
        pirt_number=form.pirt_number.data,
        monthly_revenue=form.monthly_revenue.data,
        monthly_costs=form.monthly_costs.data,
        capital=form.capital.data,
        employees=form.employees.data,
    )


@bp.route(
    "/pelaku-usaha/<int:entrepreneur_id>/usaha/baru",
    methods=["GET", "POST"],
    defaults={"business_id": None},
)
@bp.route("/pelaku-usaha/<int:entrepreneur_id>/usaha/<int:business_id>", methods=["GET", "POST"])
@roles(*EDITORS)
def business(entrepreneur_id: int, business_id: int | None):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    record = None
    if business_id is not None:
        record = db.session.get(Business, business_id)
        if record is None or record.entrepreneur_id != entrepreneur.id:
            abort(404)
    form = BusinessForm(obj=record)
    if request.method == "GET" and record is not None:
        form.sector.data = record.sector.value
        form.version.data = str(record.version)
    if form.is_submitted():
        valid = form.validate()
        if form.sector.data in {s.value for s in Sector}:
            # Check the business rules too, so every problem is listed in one go.
            try:
                services.clean_business(_business_data(form))
            except StopValidation as error:
                apply_errors(form, error)
                valid = False
    if form.is_submitted() and valid:
        saved, _ = save_form(
            form,
            lambda: services.save_business(
                db.session,
                entrepreneur,
                _business_data(form),
                current_actor(),
                record,
                expected_version=version_of(form) if record is not None else None,
            ),
        )
        if saved:
            flash("Data usaha disimpan.", "success")
            _flash_next_step(entrepreneur)
            return redirect(url_for("registration.detail", entrepreneur_id=entrepreneur.id))
    return render_template(
        "registration/business_form.html", form=form, e=entrepreneur, business=record
    )


# --------------------------------------------------------------------------- consent


@bp.route("/pelaku-usaha/<int:entrepreneur_id>/persetujuan", methods=["GET", "POST"])
@roles(*EDITORS)
def consent(entrepreneur_id: int):
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    current = services.current_consents(entrepreneur)
    form = ConsentForm()
    if request.method == "GET":
        for purpose, held in current.items():
            getattr(form, purpose.value).data = bool(held and held.is_granted)
    if form.validate_on_submit():
        decisions = {purpose: bool(getattr(form, purpose.value).data) for purpose in ConsentPurpose}
        rows = services.record_consents(db.session, entrepreneur, decisions, current_actor())
        db.session.commit()
        flash(
            "Persetujuan dicatat." if rows else "Tidak ada perubahan persetujuan.",
            "success" if rows else "info",
        )
        _flash_next_step(entrepreneur)
        return redirect(url_for("registration.detail", entrepreneur_id=entrepreneur.id))
    return render_template(
        "registration/consent.html",
        form=form,
        e=entrepreneur,
        current=current,
        texts=CONSENT_TEXTS,
        purposes=list(ConsentPurpose),
    )


# --------------------------------------------------------------------------- groups


@bp.get("/kelompok")
@roles(*READERS)
def groups():
    hide_from_bank_officers()
    user = current_actor()
    query = sa.select(Group).where(kecamatan_scope(user, Group.kecamatan_code)).order_by(Group.name)
    name = request.args.get("nama", "").strip()
    if name:
        query = query.where(sa.func.lower(Group.name).like(f"%{name.lower()}%"))
    status = request.args.get("status", "")
    if status in {s.value for s in GroupStatus}:
        query = query.where(Group.status == GroupStatus(status))
    kecamatan = request.args.get("kecamatan", "")
    if kecamatan:
        query = query.where(Group.kecamatan_code == kecamatan)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False, count=True)
    counts = dict(
        db.session.execute(
            sa.select(GroupMembership.group_id, sa.func.count())
            .where(
                GroupMembership.group_id.in_([g.id for g in page.items]),
                GroupMembership.left_on.is_(None),
            )
            .group_by(GroupMembership.group_id)
        ).all()
    )
    kecamatan_options = db.session.scalars(
        sa.select(Kecamatan).where(kecamatan_scope(user, Kecamatan.code)).order_by(Kecamatan.name)
    ).all()
    return render_template(
        "registration/groups.html",
        page=page,
        rows=[(group, counts.get(group.id, 0)) for group in page.items],
        name=name,
        status=status,
        kecamatan=kecamatan,
        kecamatan_options=kecamatan_options,
        can_edit=can_edit_cases(user),
        GroupStatus=GroupStatus,
    )


def _group_form(group: Group | None = None) -> GroupForm:
    form = GroupForm(obj=group)
    form.kelurahan_code.choices = kelurahan_choices(_kelurahan_rows(current_actor()))
    if request.method == "GET" and group is not None:
        form.status.data = group.status.value
        form.version.data = str(group.version)
    return form


def _group_data(form: GroupForm) -> services.GroupData:
    return services.GroupData(
        name=form.name.data or "",
        kelurahan_code=form.kelurahan_code.data or "",
        formed_on=form.formed_on.data,
        decree_number=form.decree_number.data,
        status=GroupStatus(form.status.data),
    )


@bp.route("/kelompok/baru", methods=["GET", "POST"])
@roles(*EDITORS)
def create_group():
    form = _group_form()
    if form.validate_on_submit():
        saved, group = save_form(
            form,
            lambda: services.save_group(db.session, _group_data(form), current_actor()),
        )
        if saved:
            flash(f"Kelompok {group.name} dibuat. Tambahkan anggota dan tunjuk ketua.", "success")
            return redirect(url_for("registration.group", group_id=group.id))
    return render_template("registration/group_form.html", form=form, group=None)


@bp.route("/kelompok/<int:group_id>/ubah", methods=["GET", "POST"])
@roles(*EDITORS)
def edit_group(group_id: int):
    group = _group_or_404(group_id)
    form = _group_form(group)
    if form.validate_on_submit():
        saved, _ = save_form(
            form,
            lambda: services.save_group(
                db.session,
                _group_data(form),
                current_actor(),
                group,
                expected_version=version_of(form),
            ),
        )
        if saved:
            flash("Data kelompok disimpan.", "success")
            return redirect(url_for("registration.group", group_id=group.id))
    return render_template("registration/group_form.html", form=form, group=group)


def _candidates(group: Group, text: str) -> list[Entrepreneur]:
    """Entrepreneurs in scope with no active group, matching a search, for adding members."""
    in_group = sa.select(GroupMembership.id).where(
        GroupMembership.entrepreneur_id == Entrepreneur.id, GroupMembership.left_on.is_(None)
    )
    query = services.search_entrepreneurs(
        current_actor(), services.EntrepreneurFilter(q=text, kecamatan=group.kecamatan_code)
    ).where(~in_group.exists(), Entrepreneur.status == EntrepreneurStatus.ACTIVE)
    return db.session.scalars(query.limit(30)).all()


@bp.route("/kelompok/<int:group_id>", methods=["GET", "POST"])
@roles(*READERS)
def group(group_id: int):
    """Group page: members and their history; editors add members picked from a search."""
    hide_from_bank_officers()
    group = _group_or_404(group_id)
    user = current_actor()
    search_form = SearchForm(prefix="cari")
    candidates: list[Entrepreneur] = []
    searched = False
    if can_edit_cases(user) and request.method == "POST" and search_form.validate_on_submit():
        searched = True
        candidates = _candidates(group, search_form.q.data or "")
    elif request.method == "POST":
        abort(403)
    chair_form = ChairForm(prefix="ketua", formdata=None)
    chair_form.chair.choices = choices(
        (m.entrepreneur_id, m.entrepreneur.full_name) for m in group.active_memberships
    )
    chair_form.chair.data = str(group.chair_id or "")
    return render_template(
        "registration/group.html",
        group=group,
        can_edit=can_edit_cases(user),
        search_form=search_form,
        candidates=candidates,
        searched=searched,
        chair_form=chair_form,
        remove_form=RemoveMemberForm(formdata=None),
        show_full_nik=False,
    )


@bp.post("/kelompok/<int:group_id>/anggota")
@roles(*EDITORS)
def add_members(group_id: int):
    group = _group_or_404(group_id)
    ids = [int(value) for value in request.form.getlist("entrepreneur_id") if value.isdigit()]
    if not ids:
        flash("Pilih minimal satu pelaku usaha untuk ditambahkan.", "warning")
    else:
        try:
            rows = services.add_members(db.session, group, ids, current_actor())
        except StopValidation as error:
            db.session.rollback()
            for reasons in error.reasons.values():
                for reason in reasons:
                    flash(reason, "danger")
        else:
            db.session.commit()
            flash(f"{len(rows)} anggota ditambahkan ke {group.name}.", "success")
    return redirect(url_for("registration.group", group_id=group.id))


@bp.post("/kelompok/<int:group_id>/anggota/keluar")
@roles(*EDITORS)
def remove_member(group_id: int):
    group = _group_or_404(group_id)
    form = RemoveMemberForm()
    if not form.validate_on_submit():
        flash("Tuliskan alasan anggota keluar.", "danger")
        return redirect(url_for("registration.group", group_id=group.id))
    try:
        member_id = record_id(form.entrepreneur_id.data)
        services.remove_member(db.session, group, member_id, form.reason.data, current_actor())
    except (ValueError, NotFound):
        abort(404)
    except StopValidation as error:
        db.session.rollback()
        for reasons in error.reasons.values():
            for reason in reasons:
                flash(reason, "danger")
    else:
        db.session.commit()
        flash("Anggota dikeluarkan; riwayat keanggotaannya tetap tersimpan.", "success")
    return redirect(url_for("registration.group", group_id=group.id))


@bp.post("/kelompok/<int:group_id>/ketua")
@roles(*EDITORS)
def set_chair(group_id: int):
    group = _group_or_404(group_id)
    form = ChairForm(prefix="ketua")
    chair = form.chair.data
    if not form.validate_on_submit() or not (chair and chair.isdigit()):
        flash("Pilih ketua dari anggota aktif.", "danger")
    else:
        try:
            services.set_chair(db.session, group, int(chair), current_actor())
        except StopValidation as error:
            db.session.rollback()
            flash(error.reasons["chair"][0], "danger")
        else:
            db.session.commit()
            flash("Ketua kelompok ditetapkan.", "success")
    return redirect(url_for("registration.group", group_id=group.id))
