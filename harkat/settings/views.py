"""The admin's page for configurable rules."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from harkat.auth.access import roles
from harkat.auth.domain import Role
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.forms import Form
from harkat.settings.services import RULES, get_number, set_number

bp = Blueprint("settings", __name__, url_prefix="/admin/aturan")


@bp.route("/", methods=["GET", "POST"])
@roles(Role.ADMIN)
def index():
    """Show and change every configurable rule; each change lands in the audit log."""
    form = Form()
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.validate_on_submit():
        try:
            for key in RULES:
                if key in request.form:  # a rule left out of the post keeps its value
                    set_number(db.session, key, request.form[key], current_user.id)
        except StopValidation as error:
            db.session.rollback()
            errors = {key: reasons for key, reasons in error.reasons.items() if key}
        else:
            db.session.commit()
            flash("Aturan disimpan.", "success")
            return redirect(url_for("settings.index"))
    values = {key: request.form.get(key) or get_number(db.session, key) for key in RULES}
    return render_template(
        "settings/index.html", form=form, rules=RULES.values(), values=values, errors=errors
    )
