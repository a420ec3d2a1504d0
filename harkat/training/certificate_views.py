"""Certificates (public verification, PDF, revocation) and the cohort reports."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from harkat import downloads
from harkat.auth.access import current_actor, hide_from_bank_officers, public, roles
from harkat.auth.domain import Role
from harkat.auth.scope import kecamatan_scope
from harkat.core.dates import JAKARTA
from harkat.downloads import send_attachment
from harkat.errors import NotFound, StopValidation
from harkat.extensions import db
from harkat.forms import Form, record_id
from harkat.links import public_url
from harkat.reference.models import Course, Kecamatan
from harkat.registration import services as registration
from harkat.training import certificates, reports
from harkat.training.models import Certificate, Cohort

bp = Blueprint("certificates", __name__)
reports_bp = Blueprint("training_reports", __name__)

READERS = (Role.ADMIN, Role.FACILITATOR, Role.VIEWER, Role.BANK_OFFICER)


class RevokeCertificateForm(Form):
    reason = TextAreaField(
        "Alasan pencabutan",
        validators=[DataRequired(), Length(max=certificates.MAX_REASON)],
        description="Misalnya: data kelulusan dikoreksi, atau sertifikat diterbitkan keliru.",
    )


def _certificate_or_404(certificate_id: int) -> Certificate:
    """Return the certificate if its holder lies in the user's scope."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    try:
        registration.get_entrepreneur(
            db.session, certificate.enrolment.entrepreneur_id, current_actor()
        )
    except NotFound:
        abort(404)
    return certificate


def verify_url(token: str) -> str:
    """The address a certificate's QR code carries, on the configured public host."""
    return public_url("certificates.verify", token=token)


# --------------------------------------------------------------------------- certificates


@bp.get("/verifikasi/<token>")
@public
def verify(token: str):
    """The public page a certificate's QR code opens: valid or revoked, and little else."""
    result = certificates.verification(db.session, token)
    response = current_app.make_response(
        (render_template("certificates/verify.html", result=result), 200 if result else 404)
    )
    # Holders' (masked) names have no business in search engines.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/pelatihan/sertifikat/<int:certificate_id>.pdf")
@roles(*READERS)
def pdf(certificate_id: int):
    """The printable certificate of a graduate in the user's scope; revoked ones are gone."""
    certificate = _certificate_or_404(certificate_id)
    if not certificate.is_valid:
        abort(404)
    return send_attachment(
        certificates.certificate_pdf(certificate, verify_url(certificate.token)),
        f"sertifikat-{certificate.number.replace('/', '-')}.pdf",
        downloads.PDF,
        entity=certificate,
        changes={"file": "sertifikat BALIKAT"},
    )


@bp.post("/pelatihan/sertifikat/<int:certificate_id>/cabut")
@roles(Role.ADMIN)
def revoke(certificate_id: int):
    """Revoke a certificate for a stated reason, then go back to its cohort."""
    certificate = _certificate_or_404(certificate_id)
    cohort_id = certificate.enrolment.cohort_id
    form = RevokeCertificateForm()
    if not form.validate_on_submit():
        flash("Tuliskan alasan pencabutan sertifikat (maksimal 300 karakter).", "danger")
        return redirect(url_for("training.cohort", cohort_id=cohort_id))
    try:
        certificates.revoke_certificate(db.session, certificate, form.reason.data, current_actor())
    except StopValidation as error:
        db.session.rollback()
        for reasons in error.reasons.values():
            for reason in reasons:
                flash(reason, "danger")
    else:
        db.session.commit()
        flash(
            f"Sertifikat {certificate.number} dicabut. Halaman verifikasinya kini menyatakan "
            "DICABUT.",
            "success",
        )
    return redirect(url_for("training.cohort", cohort_id=cohort_id))


# --------------------------------------------------------------------------- reports


def _filters() -> reports.ReportFilter:
    args = request.args
    year = args.get("year", type=record_id)
    return reports.ReportFilter(
        course_id=args.get("course", type=record_id),
        kecamatan=args.get("kecamatan", "").strip(),
        year=year if year and 2000 <= year <= 2100 else None,
    )


def _cohort_link(cohort_id: int) -> str | None:
    """Link to a cohort's page, when the training pages are installed."""
    if "training.cohort" not in current_app.view_functions:
        return None
    return url_for("training.cohort", cohort_id=cohort_id)


def _years() -> range:
    """The years a cohort started in (and this year), newest first, for the year filter."""
    this_year = datetime.now(JAKARTA).year
    first, last = db.session.execute(
        sa.select(sa.func.min(Cohort.starts_on), sa.func.max(Cohort.starts_on))
    ).one()
    newest = max(last.year if last else this_year, this_year)
    oldest = min(first.year if first else this_year, this_year)
    return range(newest, oldest - 1, -1)


@reports_bp.get("/pelatihan/laporan")
@roles(*READERS)
def index():
    """Attendance, graduation and test scores per cohort and per course."""
    hide_from_bank_officers()
    user = current_actor()
    filters = _filters()
    kecamatan = db.session.scalars(
        sa.select(Kecamatan).where(kecamatan_scope(user, Kecamatan.code)).order_by(Kecamatan.name)
    ).all()
    courses = db.session.scalars(sa.select(Course).order_by(Course.code)).all()
    return render_template(
        "training_reports/index.html",
        filters=filters,
        cohort_rows=reports.cohort_rows(db.session, user, filters),
        course_rows=reports.course_rows(db.session, user, filters),
        kecamatan=kecamatan,
        courses=courses,
        years=_years(),
        cohort_link=_cohort_link,
    )


@reports_bp.get("/pelatihan/laporan.xlsx")
@roles(*READERS)
def export():
    """The same report as a workbook, with the same filters; audited."""
    hide_from_bank_officers()
    user = current_actor()
    filters = _filters()
    cohort_rows = reports.cohort_rows(db.session, user, filters)
    course_rows = reports.course_rows(db.session, user, filters)
    data = reports.report_workbook(cohort_rows, course_rows)
    stamp = datetime.now(JAKARTA).strftime("%Y%m%d-%H%M")
    return send_attachment(
        data,
        f"laporan-pelatihan-{stamp}.xlsx",
        downloads.XLSX,
        action="export",
        entity_type="cohorts",
        changes={
            "format": "xlsx",
            "file": "laporan pelatihan",
            "rows": len(cohort_rows),
            "filters": asdict(filters),
        },
    )
