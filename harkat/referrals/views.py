"""The loan calculator facilitators use while counseling (referral pages build on it)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from harkat.auth.access import roles
from harkat.auth.models import Role
from harkat.extensions import db
from harkat.reference.models import LoanMethod, Scheme
from harkat.referrals.forms import CalculatorForm
from harkat.referrals.loans import LoanInputError, schedule

bp = Blueprint("referrals", __name__)


@bp.get("/kalkulator-pinjaman")
@roles(Role.ADMIN, Role.FACILITATOR, Role.VIEWER, Role.BANK_OFFICER)
def calculator():
    """Schedule, totals, effective rate and amount in words; anuitas and flat side by side."""
    form = CalculatorForm(request.args if request.args else None)
    result = comparison = None
    valid = bool(request.args) and form.validate()
    if valid and form.start_on.data and not 2000 <= form.start_on.data.year <= 2100:
        form.start_on.errors.append("Tanggal pencairan harus antara tahun 2000 dan 2100.")
        valid = False
    if valid:
        method = LoanMethod(form.method.data)
        other = LoanMethod.FLAT if method == LoanMethod.ANUITAS else LoanMethod.ANUITAS
        try:
            result = schedule(
                form.principal.data,
                form.annual_rate.data,
                form.months.data,
                method,
                form.start_on.data,
            )
            comparison = schedule(
                form.principal.data, form.annual_rate.data, form.months.data, other
            )
        except LoanInputError as error:
            getattr(form, error.field).errors.append(str(error))
            result = comparison = None
    schemes = db.session.scalars(sa.select(Scheme).where(Scheme.is_active).order_by(Scheme.name))
    return render_template(
        "referrals/calculator.html",
        form=form,
        result=result,
        comparison=comparison,
        schemes=schemes.all(),
    )
