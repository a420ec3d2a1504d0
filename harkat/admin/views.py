"""Admin pages: accounts, partner banks and financing schemes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from harkat.admin.forms import (
    BankForm,
    ConfirmForm,
    ResetPasswordForm,
    SchemeForm,
    UserEditForm,
    UserForm,
)
from harkat.auth import services as auth_services
from harkat.auth.access import roles
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.enums import ApplicantType, LoanMethod
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.forms import choices, save_form
from harkat.reference import services as reference
from harkat.reference.models import Bank, Scheme

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def _fill_user_choices(form: UserForm) -> None:
    banks = db.session.scalars(sa.select(Bank).order_by(Bank.name)).all()
    form.bank.choices = choices(
        [("", "— tidak ada —")]
        + [(b.code, b.name + ("" if b.is_active else " (nonaktif)")) for b in banks]
    )
    form.kecamatan.choices = choices(reference.kecamatan_choices(db.session))


def _user_data(form: UserForm, username: str) -> auth_services.UserData:
    return auth_services.UserData(
        username=username,
        full_name=form.full_name.data or "",
        email=form.email.data,
        role=Role(form.role.data),
        bank_code=form.bank.data or None,
        kecamatan_codes=form.kecamatan.data or [],
        is_active=form.is_active.data,
    )


@bp.get("/users")
@roles(Role.ADMIN)
def users():
    query = sa.select(User).order_by(User.username)
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            sa.or_(User.username.like(pattern), sa.func.lower(User.full_name).like(pattern))
        )
    if role in set(Role):
        query = query.where(User.role == Role(role))
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/users.html", page=page, q=q, role=role, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def create_user():
    form = UserForm()
    _fill_user_choices(form)
    if form.validate_on_submit():
        saved, user = save_form(
            form,
            lambda: auth_services.create_user(
                db.session, _user_data(form, form.username.data), form.password.data
            ),
        )
        if saved:
            flash(f"Akun {user.username} dibuat.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_user(user_id: int):
    user = _get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    _fill_user_choices(form)
    if request.method == "GET":
        form.role.data = user.role.value
        form.bank.data = user.bank.code if user.bank else ""
        form.kecamatan.data = user.kecamatan_codes
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.is_active.data):
            form.form_errors.append(
                "Anda tidak dapat mencabut peran admin atau menonaktifkan akun Anda sendiri."
            )
        else:
            saved, _ = save_form(
                form,
                lambda: auth_services.update_user(
                    db.session, user, _user_data(form, user.username)
                ),
            )
            if saved:
                flash(f"Akun {user.username} diperbarui.", "success")
                return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        reset_form=ResetPasswordForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
    )


@bp.post("/users/<int:user_id>/password")
@roles(Role.ADMIN)
def reset_password(user_id: int):
    user = _get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            auth_services.set_password(db.session, user, form.password.data)
        except StopValidation as error:
            db.session.rollback()
            for reasons in error.reasons.values():
                for reason in reasons:
                    flash(f"Kata sandi tidak diganti: {reason}", "danger")
        else:
            db.session.commit()
            flash(f"Kata sandi {user.username} diatur ulang; semua sesinya diakhiri.", "success")
    else:
        flash("Kata sandi baru wajib diisi.", "danger")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@roles(Role.ADMIN)
def deactivate_user(user_id: int):
    user = _get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        if user.id == current_user.id:
            flash("Anda tidak dapat menonaktifkan akun Anda sendiri.", "danger")
        else:
            auth_services.deactivate(db.session, user)
            db.session.commit()
            flash(f"Akun {user.username} dinonaktifkan; semua sesinya diakhiri.", "success")
    return redirect(url_for("admin.users"))


@bp.get("/banks")
@roles(Role.ADMIN)
def banks():
    rows = db.session.execute(
        sa.select(Bank, sa.func.count(User.id))
        .outerjoin(User, sa.and_(User.bank_id == Bank.id, User.is_active))
        .group_by(Bank.id)
        .order_by(Bank.name)
    ).all()
    return render_template("admin/banks.html", rows=rows)


@bp.route("/banks/new", methods=["GET", "POST"], defaults={"bank_id": None})
@bp.route("/banks/<int:bank_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_bank(bank_id: int | None):
    bank = _get_or_404(Bank, bank_id) if bank_id is not None else None
    form = BankForm(obj=bank)
    if form.validate_on_submit():
        data = reference.BankData(
            form.code.data, form.name.data, form.is_active.data, form.is_sharia.data
        )
        saved, bank = save_form(
            form,
            lambda: reference.save_bank(db.session, data, bank),
        )
        if saved:
            flash(f"Bank {bank.name} disimpan.", "success")
            return redirect(url_for("admin.banks"))
    return render_template("admin/bank_form.html", form=form, bank=bank)


@bp.get("/schemes")
@roles(Role.ADMIN)
def schemes():
    rows = db.session.scalars(sa.select(Scheme).order_by(Scheme.name)).all()
    return render_template("admin/schemes.html", schemes=rows)


@bp.route("/schemes/new", methods=["GET", "POST"], defaults={"scheme_id": None})
@bp.route("/schemes/<int:scheme_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_scheme(scheme_id: int | None):
    scheme = _get_or_404(Scheme, scheme_id) if scheme_id is not None else None
    form = SchemeForm(obj=scheme)
    if request.method == "GET" and scheme is not None:
        form.method.data = scheme.method.value
        form.applicant_type.data = scheme.applicant_type.value
    if form.validate_on_submit():
        data = reference.SchemeData(
            code=form.code.data,
            name=form.name.data,
            annual_rate_percent=form.annual_rate_percent.data,
            method=LoanMethod(form.method.data),
            applicant_type=ApplicantType(form.applicant_type.data),
            min_amount_per_member=form.min_amount_per_member.data,
            max_amount_per_member=form.max_amount_per_member.data,
            max_amount_per_group=form.max_amount_per_group.data,
            min_tenor_months=form.min_tenor_months.data,
            max_tenor_months=form.max_tenor_months.data,
            active_from=form.active_from.data,
            active_until=form.active_until.data,
            is_active=form.is_active.data,
        )
        saved, scheme = save_form(
            form,
            lambda: reference.save_scheme(db.session, data, scheme),
        )
        if saved:
            flash(f"Skema {scheme.name} disimpan.", "success")
            return redirect(url_for("admin.schemes"))
    return render_template("admin/scheme_form.html", form=form, scheme=scheme)
