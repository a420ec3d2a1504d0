"""Reports: the monthly absorption report (web, PDF, XLSX, CSV, JSON), month closing, fund
allocations and the SAKIP performance agreement."""

from __future__ import annotations

import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from harkat import downloads
from harkat.auth.access import current_actor, roles
from harkat.auth.domain import Role
from harkat.core.money import parse_rupiah
from harkat.downloads import send_attachment
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.forms import apply_errors, choices, save_form
from harkat.reference.models import Bank
from harkat.reports import absorption as calc
from harkat.reports import charts, documents, sakip, services
from harkat.reports.domain import AbsorptionReport
from harkat.reports.forms import AllocationForm, CloseMonthForm, IndicatorForm, ReopenMonthForm
from harkat.reports.models import FundAllocation, Indicator, Metric, MonthClosing

bp = Blueprint("reports", __name__)

READERS = (Role.ADMIN, Role.VIEWER)
MIMETYPES = {
    "pdf": downloads.PDF,
    "xlsx": downloads.XLSX,
    "csv": downloads.CSV,
    "json": "application/json",
}


def _month_arg() -> date:
    text = request.args.get("bulan")
    if not text:
        return services.today().replace(day=1)
    try:
        return services.parse_month(text)
    except StopValidation:
        abort(404)


def chart_set(report: AbsorptionReport) -> dict[str, Markup]:
    """The SVG charts of a report (safe: the functions escape labels)."""
    percent = float(Decimal(report.cumulative.absorption_percent or "0"))
    breakdowns = report.breakdowns
    return {
        "gauge": Markup(charts.gauge(percent, label="serapan dari pagu")),  # noqa: S704
        "trend": Markup(charts.trend(report.trend)),  # noqa: S704
        "kecamatan": Markup(  # noqa: S704
            charts.bars(
                [(r.label, r.cumulative_amount) for r in breakdowns["kecamatan"].rows],
                title="Penyaluran kumulatif per kecamatan",
            )
        ),
        "bank": Markup(  # noqa: S704
            charts.bars(
                [(r.label, r.cumulative_amount) for r in breakdowns["bank"].rows],
                title="Penyaluran kumulatif per bank",
            )
        ),
        "funnel": Markup(  # noqa: S704
            charts.bars(
                [(r.label, r.count) for r in report.funnel],
                title="Corong perjalanan UMKM",
                money=False,
            )
        ),
    }


def dashboard_charts(dash: dict) -> dict[str, Markup]:
    """The home dashboard's gauge and trend, from :func:`services.dashboard`."""
    percent = float(Decimal(dash["absorption_percent"] or "0"))
    return {
        "gauge": Markup(charts.gauge(percent, label="serapan dari pagu")),  # noqa: S704
        "trend": Markup(charts.trend(dash["trend"])),  # noqa: S704
    }


@bp.get("/laporan/serapan")
@roles(*READERS)
def absorption():
    """The monthly absorption report as a page; closed months come from their snapshot."""
    month = _month_arg()
    report = services.report_for(db.session, month)
    closing = services.closing_of(db.session, month)
    history = db.session.scalars(
        sa.select(MonthClosing).where(MonthClosing.month == month).order_by(MonthClosing.id)
    ).all()
    return render_template(
        "reports/absorption.html",
        f=report,
        month=month,
        previous=calc.add_months(month, -1),
        following=calc.add_months(month, 1),
        charts=chart_set(report),
        closing=closing,
        history=history,
        can_close=current_actor().role == Role.ADMIN,
        can_download_json=current_actor().role == Role.ADMIN,
        month_over=services.month_bounds(month)[3] <= services.utcnow(),
        close_form=CloseMonthForm(month=calc.month_key(month)),
        reopen_form=ReopenMonthForm(month=calc.month_key(month)),
        funnel_note=report.funnel_note(),
        conversion_note=report.conversion_note(),
    )


@bp.get("/laporan/serapan/<month>.<fmt>")
@roles(*READERS)
def absorption_file(month: str, fmt: str):
    """The report as PDF, XLSX, CSV or JSON; a closed month's frozen file, byte for byte."""
    if fmt not in MIMETYPES or (fmt == "json" and current_actor().role != Role.ADMIN):
        # JSON is raw data for the city's systems: offered to admins only (viewers read the
        # PDF, Excel or CSV); a viewer who types the address gets "not found".
        abort(404)
    try:
        first = services.parse_month(month)
    except StopValidation:
        abort(404)
    data = services.file_for(db.session, first, fmt)
    return send_attachment(
        data,
        f"laporan-serapan-{calc.month_key(first)}.{fmt}",
        MIMETYPES[fmt],
        action="export",
        entity_type="absorption_report",
        changes={"month": calc.month_key(first), "format": fmt},
    )


@bp.post("/laporan/serapan/tutup")
@roles(Role.ADMIN)
def close_month():
    form = CloseMonthForm()
    month = None
    if form.validate_on_submit():
        try:
            month = services.parse_month(form.month.data)
            services.close_month(db.session, month, current_actor())
            db.session.commit()
            flash(f"{calc.month_label(month)} ditutup; laporannya kini dibekukan.", "success")
        except StopValidation as error:
            db.session.rollback()
            for reasons in error.reasons.values():
                for reason in reasons:
                    flash(reason, "danger")
    return redirect(url_for("reports.absorption", bulan=form.month.data if month else None))


@bp.post("/laporan/serapan/buka")
@roles(Role.ADMIN)
def reopen_month():
    form = ReopenMonthForm()
    if not form.validate_on_submit():
        flash("Alasan membuka kembali wajib diisi (minimal 10 huruf).", "danger")
        return redirect(url_for("reports.absorption", bulan=form.month.data or None))
    try:
        month = services.parse_month(form.month.data)
        services.reopen_month(db.session, month, form.reason.data, current_actor())
        db.session.commit()
        flash(f"{calc.month_label(month)} dibuka kembali; alasannya tercatat.", "warning")
    except StopValidation as error:
        db.session.rollback()
        for reasons in error.reasons.values():
            for reason in reasons:
                flash(reason, "danger")
    return redirect(url_for("reports.absorption", bulan=form.month.data))


# --------------------------------------------------------------------------- fund


@bp.route("/admin/dana", methods=["GET", "POST"])
@roles(Role.ADMIN)
def fund():
    """The fund ceiling and each bank's allocation per year."""
    year = request.args.get("tahun", type=int) or services.today().year
    if not 2020 <= year <= 2100:
        abort(404)
    form = AllocationForm(year=year)
    banks = db.session.scalars(sa.select(Bank).order_by(Bank.name)).all()
    form.bank_id.choices = choices((str(b.id), b.name) for b in banks)
    if form.validate_on_submit():
        saved, _ = save_form(
            form,
            lambda: services.set_allocation(
                db.session,
                int(form.bank_id.data),
                form.year.data,
                form.amount.data,
                current_actor(),
            ),
        )
        if saved:
            flash("Alokasi disimpan.", "success")
            return redirect(url_for("reports.fund", tahun=form.year.data))
    rows = db.session.execute(
        sa.select(Bank, FundAllocation.amount)
        .outerjoin(
            FundAllocation,
            sa.and_(FundAllocation.bank_id == Bank.id, FundAllocation.year == year),
        )
        .order_by(Bank.name)
    ).all()
    return render_template(
        "reports/fund.html",
        form=form,
        rows=rows,
        year=year,
        ceiling=services.ceiling(db.session),
        allocated=sum(amount or 0 for _, amount in rows),
    )


# --------------------------------------------------------------------------- SAKIP


def _target(metric: Metric, text: str) -> int:
    """Read a target: rupiah for money, a count, or a percent (stored × 100) for absorption."""
    text = (text or "").strip()
    if metric.is_money:
        return parse_rupiah(text)
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError("isi dengan angka") from None
    if value < 0:
        raise ValueError("tidak boleh negatif")
    if metric.is_percent:
        if value > 100:
            raise ValueError("persen paling besar 100")
        return int(value * 100)
    if value != value.to_integral_value():
        raise ValueError("isi dengan bilangan bulat")
    return int(value)


@bp.route("/admin/sakip", methods=["GET", "POST"])
@roles(Role.ADMIN)
def indicators():
    """SAKIP indicators: what is measured, with annual and monthly cumulative targets."""
    year = request.args.get("tahun", type=int) or services.today().year
    if not 2020 <= year <= 2100:
        abort(404)
    form = IndicatorForm(year=year)
    if form.validate_on_submit():
        metric = Metric(form.metric.data)
        problems: dict = {}
        try:
            annual = _target(metric, form.annual_target.data)
        except ValueError as error:
            problems["annual_target"] = [f"Target setahun: {error}."]
            annual = 0
        monthly: list[int] = []
        if form.monthly_targets.data and not problems:
            parts = [p for p in form.monthly_targets.data.split(";") if p.strip()]
            try:
                monthly = [_target(metric, p) for p in parts]
            except ValueError as error:
                problems["monthly_targets"] = [f"Target per bulan: {error}."]
            if len(parts) != 12 and "monthly_targets" not in problems:
                problems["monthly_targets"] = ["Target per bulan: isi tepat 12 angka."]
            elif monthly != sorted(monthly) and "monthly_targets" not in problems:
                problems["monthly_targets"] = [
                    "Target per bulan adalah kumulatif: tidak boleh turun."
                ]
        if not monthly and not problems:
            # An even spread, rounded half-up (a 10-UMKM year is 1 by January, not 0).
            monthly = [
                int((Decimal(annual) * month / 12).quantize(Decimal(1), ROUND_HALF_UP))
                for month in range(1, 13)
            ]
        if problems:
            apply_errors(form, StopValidation(problems))
        else:
            existing = services.indicator(db.session, form.year.data, metric)
            row = existing or Indicator(year=form.year.data, metric=metric)
            row.name = form.name.data.strip()
            row.annual_target = annual
            row.monthly_targets = monthly
            row.updated_by_id = current_actor().id
            if existing is None:
                db.session.add(row)
            db.session.commit()
            flash(f"Indikator disimpan: {row.name}.", "success")
            return redirect(url_for("reports.indicators", tahun=form.year.data))
    return render_template(
        "reports/indicators.html",
        form=form,
        year=year,
        rows=sakip.realisation(db.session, year, services.today()),
    )


def _sakip_frame(year: int, rows) -> pd.DataFrame:
    def shown(value, metric: Metric):
        if metric.is_percent:
            return f"{Decimal(value) / 100 if isinstance(value, int) else value}%"
        return value

    return pd.DataFrame(
        [
            {
                "Indikator": r.indicator.name,
                "Satuan": "Rp"
                if r.indicator.metric.is_money
                else ("%" if r.indicator.metric.is_percent else "UMKM"),
                f"Target {year}": shown(r.indicator.annual_target, r.indicator.metric),
                "Target s.d. bulan ini": shown(r.target_ytd, r.indicator.metric)
                if r.target_ytd is not None
                else None,
                "Realisasi s.d. bulan ini": str(r.ytd) + "%"
                if r.indicator.metric.is_percent
                else r.ytd,
                "Capaian (%)": documents.pct(r.achievement_percent),
            }
            for r in rows
        ]
    )


@bp.get("/laporan/sakip")
@roles(*READERS)
def performance():
    """Realisation of the performance agreement (SAKIP), computed from the case data."""
    year = request.args.get("tahun", type=int) or services.today().year
    if not 2020 <= year <= 2100:
        abort(404)
    return render_template(
        "reports/performance.html",
        year=year,
        can_set_indicators=current_actor().role == Role.ADMIN,
        rows=sakip.realisation(db.session, year, services.today()),
        through=services.today(),
    )


@bp.get("/laporan/sakip-<int:year>.<fmt>")
@roles(*READERS)
def performance_file(year: int, fmt: str):
    if fmt not in ("pdf", "xlsx") or not 2020 <= year <= 2100:
        abort(404)
    rows = sakip.realisation(db.session, year, services.today())
    frame = _sakip_frame(year, rows)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=f"SAKIP {year}", index=False)
            sheet = writer.sheets[f"SAKIP {year}"]
            sheet.freeze_panes = "A2"
            sheet.column_dimensions["A"].width = 45
            for letter in "BCDEF":
                sheet.column_dimensions[letter].width = 22
            for row in range(2, len(frame) + 2):
                if sheet.cell(row=row, column=2).value == "Rp":
                    for col in (3, 4, 5):
                        sheet.cell(row=row, column=col).number_format = documents.RUPIAH_FORMAT
        data = buffer.getvalue()
    else:
        data = documents.performance_pdf(year, frame, services.today())
    return send_attachment(
        data,
        f"perjanjian-kinerja-{year}.{fmt}",
        MIMETYPES[fmt],
        action="export",
        entity_type="performance_report",
        changes={"year": year, "format": fmt},
    )
