"""marshmallow schemas of the monthly absorption report in the JSON API: one per part of
:class:`harkat.reports.domain.AbsorptionReport`, with the keys of its ``to_dict()``
(tests/functional/api/test_api.py checks that they match what is returned)."""

from __future__ import annotations

from marshmallow import fields, validate

from harkat.api.schemas import Money, Schema
from harkat.reports.absorption import DIMENSIONS
from harkat.screening.engine import Outcome


def ReportPercent(**kwargs):
    """A percentage as the report writes it: text with two decimals, ``"12.34"``."""
    return fields.String(
        allow_none=True,
        metadata={"description": 'Persen, dua desimal ("12.34"); null bila pembaginya nol.'},
        **kwargs,
    )


def ReportMonth(description: str = "TTTT-BB", **kwargs):
    return fields.String(metadata={"description": description}, **kwargs)


class ReportTallyOut(Schema):
    count = fields.Integer()
    amount = Money()


class ReportPeriodOut(Schema):
    start = fields.String(metadata={"format": "date"})
    end = fields.String(metadata={"format": "date"})


class ReportFundOut(Schema):
    ceiling = Money(metadata={"description": "Pagu dana."})
    year = fields.Integer(metadata={"description": "Tahun alokasi bank yang dijumlahkan."})
    allocated = Money(metadata={"description": "Jumlah alokasi bank tahun itu."})


class ReportAdjustmentOut(Schema):
    month = ReportMonth("Bulan yang sudah ditutup, TTTT-BB.")
    count = fields.Integer()
    amount = Money()


class ReportAdjustmentsOut(Schema):
    """Pencairan bulan yang sudah ditutup yang dicatat bulan ini."""

    count = fields.Integer()
    amount = Money()
    items = fields.List(fields.Nested(ReportAdjustmentOut))


class ReportCumulativeOut(Schema):
    count = fields.Integer()
    amount = Money()
    absorption_percent = ReportPercent()
    remaining = Money(metadata={"description": "Sisa pagu."})


class ReportBankOut(Schema):
    code = fields.String()
    name = fields.String()
    allocation = Money()
    month_count = fields.Integer()
    month_amount = Money()
    year_amount = Money()
    cumulative_amount = Money()
    allocation_percent = ReportPercent()


class ReportPipelineOut(Schema):
    """Rujukan di akhir bulan pada tahap sebelum cair."""

    submitted = fields.Nested(ReportTallyOut)
    in_review = fields.Nested(ReportTallyOut, metadata={"description": "Termasuk perlu info."})
    approved = fields.Nested(ReportTallyOut)


class ReportBreakdownRowOut(Schema):
    key = fields.String()
    label = fields.String()
    month_count = fields.Integer()
    month_amount = Money()
    cumulative_count = fields.Integer()
    cumulative_amount = Money()
    share_percent = ReportPercent()


class ReportBreakdownOut(Schema):
    title = fields.String()
    rows = fields.List(fields.Nested(ReportBreakdownRowOut))


class ReportFunnelStageOut(Schema):
    stage = fields.String()
    label = fields.String()
    count = fields.Integer()
    from_previous = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Yang juga sudah di tahap sebelumnya (tidak ada pada laporan beku lama)."
        },
    )
    conversion_percent = ReportPercent()
    outcomes = fields.Dict(
        keys=fields.String(validate=validate.OneOf([o.value for o in Outcome])),
        values=fields.Integer(),
        metadata={"description": "Tahap skrining saja: hasil skrining terakhir."},
    )


class ReportStageGapOut(Schema):
    from_ = fields.String(attribute="from", data_key="from")
    to = fields.String()
    label = fields.String()
    median_days = fields.Integer(allow_none=True)
    cases = fields.Integer()


class ReportRejectionOut(Schema):
    code = fields.String()
    label = fields.String()
    month = fields.Integer()
    cumulative = fields.Integer()


class ReportScreeningTotalsOut(Schema):
    screened = fields.Integer()
    hijau = fields.Integer()
    kuning = fields.Integer()
    merah = fields.Integer()
    illegal_pinjol = fields.Integer()
    loan_shark = fields.Integer()
    formal_arrears = fields.Integer()
    take_over_amount = Money()


class ReportRateBandOut(Schema):
    label = fields.String()
    debts = fields.Integer()


class ReportKecamatanFindingsOut(ReportScreeningTotalsOut):
    kecamatan = fields.String()
    month = ReportMonth()
    kecamatan_name = fields.String()


class ReportScreeningOut(Schema):
    totals = fields.Nested(ReportScreeningTotalsOut)
    high_cost_outstanding = Money()
    rate_distribution = fields.List(fields.Nested(ReportRateBandOut))
    by_kecamatan = fields.List(fields.Nested(ReportKecamatanFindingsOut))


class ReportRepaymentOut(Schema):
    loans = fields.Integer()
    outstanding = Money()
    npl_outstanding = Money()
    npl_loans = fields.Integer()
    npl_percent = ReportPercent()
    arrears_loans = fields.Integer()


class ReportForecastOut(Schema):
    pace_per_month = Money()
    last_three_months = fields.List(Money(), metadata={"description": "Bulan ini lebih dulu."})
    remaining = Money()
    months_to_full = fields.Integer(allow_none=True)
    full_by = ReportMonth(allow_none=True)
    target_percent = fields.String(allow_none=True)
    target_by = ReportMonth(allow_none=True)
    projected_at_target = Money(allow_none=True)
    projected_percent_at_target = ReportPercent()
    on_track = fields.Boolean(allow_none=True)


class ReportTrendPointOut(Schema):
    month = ReportMonth()
    label = fields.String()
    amount = Money()
    cumulative = Money(metadata={"description": "Kumulatif sejak Januari tahun itu."})
    target_cumulative = Money(allow_none=True)


class ReportClosedOut(Schema):
    at = fields.String(metadata={"description": "Waktu ditutup, ISO 8601 (WIB)."})
    by = fields.String()


class AbsorptionOut(Schema):
    """The monthly report's figures, exactly as the PDF, XLSX and CSV show them."""

    report = fields.String(metadata={"description": "Selalu absorption."})
    version = fields.Integer()
    month = ReportMonth()
    month_label = fields.String()
    period = fields.Nested(ReportPeriodOut)
    generated_at = fields.String(metadata={"description": "ISO 8601 (WIB)."})
    fund = fields.Nested(ReportFundOut)
    month_disbursed = fields.Nested(ReportTallyOut)
    adjustments = fields.Nested(ReportAdjustmentsOut)
    cumulative = fields.Nested(ReportCumulativeOut)
    banks = fields.List(fields.Nested(ReportBankOut))
    pipeline = fields.Nested(ReportPipelineOut)
    breakdowns = fields.Dict(
        keys=fields.String(validate=validate.OneOf([name for name, _, _ in DIMENSIONS])),
        values=fields.Nested(ReportBreakdownOut),
    )
    funnel = fields.List(fields.Nested(ReportFunnelStageOut))
    #: When the funnel, median days and screening findings were counted (an open month reuses
    #: them for up to ``REPORT_FUNNEL_CACHE_MINUTES``; money is always computed on the request).
    funnel_computed_at = fields.String(
        metadata={"description": "Waktu corong, median hari dan temuan skrining dihitung."}
    )
    median_days = fields.List(fields.Nested(ReportStageGapOut))
    rejections = fields.List(fields.Nested(ReportRejectionOut))
    screening = fields.Nested(ReportScreeningOut)
    repayment = fields.Nested(ReportRepaymentOut)
    forecast = fields.Nested(ReportForecastOut)
    trend = fields.List(fields.Nested(ReportTrendPointOut))
    closed = fields.Nested(ReportClosedOut, allow_none=True)
