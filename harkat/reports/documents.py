"""The absorption report's files. Each is rendered from the one
:class:`~harkat.reports.domain.AbsorptionReport`, so no two formats can disagree: JSON (its
:meth:`~harkat.reports.domain.AbsorptionReport.to_dict`), CSV (long format), XLSX (a sheet per
breakdown) and PDF (letterhead, tables, charts, page numbers)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from harkat import pdf
from harkat.core.dates import format_date, format_datetime, format_month
from harkat.core.money import format_rupiah
from harkat.core.spreadsheet import neutralise
from harkat.reports.domain import AbsorptionReport, Breakdown, Forecast
from harkat.reports.drawings import bar_drawing, trend_drawing

FORMATS = ("pdf", "xlsx", "csv", "json")


def render(report: AbsorptionReport, fmt: str) -> bytes:
    """Render the report in one of ``pdf``, ``xlsx``, ``csv``, ``json``."""
    return {"pdf": to_pdf, "xlsx": to_xlsx, "csv": to_csv, "json": to_json}[fmt](report)


def pct(value: str | None) -> str:
    return "—" if value is None else value.replace(".", ",") + "%"


def number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def to_json(report: AbsorptionReport) -> bytes:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=False).encode(
        "utf-8"
    )


# --------------------------------------------------------------------------- CSV


def rows_long(report: AbsorptionReport) -> list[dict]:
    """The report as rows of ``section, key, label, measure, value`` for CSV."""
    out = []

    def add(section, key, label, measure, value):
        out.append(
            {
                "bagian": section,
                "kode": key,
                "uraian": label,
                "ukuran": measure,
                "nilai": "" if value is None else value,
            }
        )

    add("laporan", "generated_at", "Dihitung pada", "waktu", report.generated_at)
    if report.funnel_computed_at:
        add(
            "laporan",
            "funnel_computed_at",
            "Corong, waktu tempuh dan skrining dihitung pada",
            "waktu",
            report.funnel_computed_at,
        )
    fund, month = report.fund, report.month_disbursed
    add("dana", "ceiling", "Pagu dana", "rupiah", fund.ceiling)
    add("dana", "allocated", f"Alokasi bank tahun {fund.year}", "rupiah", fund.allocated)
    add("bulan_ini", "disbursed", "Penyaluran bulan ini", "jumlah", month.count)
    add("bulan_ini", "disbursed", "Penyaluran bulan ini", "rupiah", month.amount)
    add(
        "bulan_ini",
        "adjustments",
        "Koreksi bulan yang sudah ditutup",
        "rupiah",
        report.adjustments.amount,
    )
    cumulative = report.cumulative
    add("kumulatif", "disbursed", "Penyaluran kumulatif", "jumlah", cumulative.count)
    add("kumulatif", "disbursed", "Penyaluran kumulatif", "rupiah", cumulative.amount)
    add("kumulatif", "absorption", "Serapan dari pagu", "persen", cumulative.absorption_percent)
    add("kumulatif", "remaining", "Sisa pagu", "rupiah", cumulative.remaining)
    for key, label, tally in report.pipeline.stages():
        add("alur", key, label, "jumlah", tally.count)
        add("alur", key, label, "rupiah", tally.amount)
    for bank in report.banks:
        add("bank", bank.code, bank.name, "alokasi_rupiah", bank.allocation)
        add("bank", bank.code, bank.name, "tahun_ini_rupiah", bank.year_amount)
        add("bank", bank.code, bank.name, "serapan_alokasi_persen", bank.allocation_percent)
    for name, block in report.breakdowns.items():
        for row in block.rows:
            for measure in ("month_count", "month_amount", "cumulative_count", "cumulative_amount"):
                add(f"rincian_{name}", row.key, row.label, measure, getattr(row, measure))
    for stage in report.funnel:
        add("corong", stage.stage, stage.label, "jumlah", stage.count)
        if report.conversions_are_shares:
            add(
                "corong",
                stage.stage,
                stage.label,
                "juga_di_tahap_sebelumnya",
                stage.from_previous,
            )
        add("corong", stage.stage, stage.label, "konversi_persen", stage.conversion_percent)
    for gap in report.median_days:
        add("median_hari", f"{gap.from_stage}-{gap.to_stage}", gap.label, "hari", gap.median_days)
    for rejection in report.rejections:
        add("penolakan", rejection.code, rejection.label, "bulan_ini", rejection.month)
        add("penolakan", rejection.code, rejection.label, "kumulatif", rejection.cumulative)
    for key, value in sorted(asdict(report.screening.totals).items()):
        add("skrining", key, key, "bulan_ini", value)
    repayment, forecast = report.repayment, report.forecast
    add("angsuran", "outstanding", "Sisa pokok", "rupiah", repayment.outstanding)
    add("angsuran", "npl", "NPL", "persen", repayment.npl_percent)
    add("prakiraan", "pace", "Rata-rata 3 bulan terakhir", "rupiah", forecast.pace_per_month)
    add("prakiraan", "full_by", "Pagu habis terserap pada", "bulan", forecast.full_by)
    return out


def to_csv(report: AbsorptionReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["bagian", "kode", "uraian", "ukuran", "nilai"])
    writer.writeheader()
    for row in rows_long(report):
        writer.writerow({k: neutralise(v) if isinstance(v, str) else v for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- XLSX


RUPIAH_FORMAT = '"Rp"#,##0'
PERCENT_FORMAT = "0.00%"
COUNT_FORMAT = "#,##0"

#: How a column's numbers are kept in the XLSX: whole rupiah, a share (0.4567 shown as
#: 45,67% by Excel's percent format, so it can be summed and charted), or a count (of people,
#: loans or days).
RUPIAH, PERCENT, COUNT, TEXT = "rupiah", "percent", "count", "text"
NUMBER_FORMATS = {RUPIAH: RUPIAH_FORMAT, PERCENT: PERCENT_FORMAT, COUNT: COUNT_FORMAT}

#: The sheet of each breakdown.
BREAKDOWN_SHEETS = {
    "bank": "Per bank",
    "kecamatan": "Per kecamatan",
    "kelurahan": "Per kelurahan",
    "sector": "Per sektor",
    "scale": "Per skala",
    "gender": "Per jenis kelamin",
    "applicant_type": "Kelompok-perorangan",
    "size": "Per besar pinjaman",
}


def share(value: str | None) -> Decimal | None:
    """A percentage string of the figures (``"45.67"``) as the share Excel formats: 0.4567."""
    return None if value is None else Decimal(value) / 100


@dataclass
class Sheet:
    """One XLSX sheet: its table, each column's kind (or, for a column that mixes kinds, the
    kind of each row), and lines of explanation written below the table."""

    name: str
    frame: pd.DataFrame
    kinds: dict[str, str | list[str]]
    notes: list[str] = field(default_factory=list)


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    # object dtype: a column of whole rupiah with a blank stays integers, not floats.
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _table_sheet(name: str, columns: dict[str, str], rows: list, notes=()) -> Sheet:
    """A sheet whose columns each hold one kind of value, in the order of ``columns``."""
    return Sheet(name, _frame(rows, list(columns)), columns, list(notes))


def _sheets(report: AbsorptionReport) -> list[Sheet]:
    """The report's sheets, each with the kind of its number columns."""
    return [
        _summary_sheet(report),
        _bank_sheet(report),
        _pipeline_sheet(report),
        *(
            _breakdown_sheet(BREAKDOWN_SHEETS[key], block)
            for key, block in report.breakdowns.items()
        ),
        _funnel_sheet(report),
        _medians_sheet(report),
        _rejections_sheet(report),
        _screening_sheet(report),
        _trend_sheet(report),
    ]


def _summary_sheet(report: AbsorptionReport) -> Sheet:
    """The headline figures, one per row; the value column mixes rupiah, counts and shares."""
    fund, month, cumulative = report.fund, report.month_disbursed, report.cumulative
    repayment, forecast = report.repayment, report.forecast
    rows = [
        ("Bulan", report.month_label, TEXT),
        ("Pagu dana (Rp)", fund.ceiling, RUPIAH),
        (f"Alokasi bank {fund.year} (Rp)", fund.allocated, RUPIAH),
        ("Penyaluran bulan ini (debitur)", month.count, COUNT),
        ("Penyaluran bulan ini (Rp)", month.amount, RUPIAH),
        ("Koreksi bulan yang sudah ditutup (Rp)", report.adjustments.amount, RUPIAH),
        ("Penyaluran kumulatif (debitur)", cumulative.count, COUNT),
        ("Penyaluran kumulatif (Rp)", cumulative.amount, RUPIAH),
        ("Serapan dari pagu (%)", share(cumulative.absorption_percent), PERCENT),
        ("Sisa pagu (Rp)", cumulative.remaining, RUPIAH),
        ("Sisa pokok pinjaman (Rp)", repayment.outstanding, RUPIAH),
        ("NPL (%)", share(repayment.npl_percent), PERCENT),
        ("Rata-rata penyaluran 3 bulan (Rp)", forecast.pace_per_month, RUPIAH),
        ("Pagu habis terserap pada", format_month(forecast.full_by), TEXT),
        ("Dihitung pada", format_datetime(report.generated_at), TEXT),
        (
            "Corong, waktu tempuh dan skrining dihitung pada",
            format_datetime(report.funnel_computed_at or report.generated_at),
            TEXT,
        ),
    ]
    if report.closed:
        closed = f"{format_datetime(report.closed.at)} oleh {report.closed.by}"
        rows.append(("Bulan ditutup", closed, TEXT))
    return Sheet(
        "Ringkasan",
        _frame([r[:2] for r in rows], ["Uraian", "Nilai"]),
        {"Nilai": [r[2] for r in rows]},
    )


def _bank_sheet(report: AbsorptionReport) -> Sheet:
    columns = {
        "Bank": TEXT,
        "Alokasi (Rp)": RUPIAH,
        "Cair bulan ini (debitur)": COUNT,
        "Cair bulan ini (Rp)": RUPIAH,
        "Cair tahun ini (Rp)": RUPIAH,
        "Kumulatif (Rp)": RUPIAH,
        "Serapan alokasi (%)": PERCENT,
    }
    rows = [
        (
            b.name,
            b.allocation,
            b.month_count,
            b.month_amount,
            b.year_amount,
            b.cumulative_amount,
            share(b.allocation_percent),
        )
        for b in report.banks
    ]
    return _table_sheet("Bank", columns, rows)


def _pipeline_sheet(report: AbsorptionReport) -> Sheet:
    columns = {"Tahap": TEXT, "Jumlah rujukan": COUNT, "Nilai (Rp)": RUPIAH}
    rows = [(label, tally.count, tally.amount) for _, label, tally in report.pipeline.stages()]
    return _table_sheet("Alur rujukan", columns, rows)


def _breakdown_sheet(name: str, block: Breakdown) -> Sheet:
    columns = {
        block.title: TEXT,
        "Debitur bulan ini": COUNT,
        "Cair bulan ini (Rp)": RUPIAH,
        "Debitur kumulatif": COUNT,
        "Kumulatif (Rp)": RUPIAH,
        "Porsi (%)": PERCENT,
    }
    rows = [
        (
            r.label,
            r.month_count,
            r.month_amount,
            r.cumulative_count,
            r.cumulative_amount,
            share(r.share_percent),
        )
        for r in block.rows
    ]
    return _table_sheet(name, columns, rows)


def _funnel_sheet(report: AbsorptionReport) -> Sheet:
    columns = {
        "Tahap": TEXT,
        "Jumlah UMKM": COUNT,
        "Juga sudah di tahap sebelumnya": COUNT,
        "Konversi dari tahap sebelumnya (%)": PERCENT,
    }
    rows = [(r.label, r.count, r.from_previous, share(r.conversion_percent)) for r in report.funnel]
    return _table_sheet("Corong", columns, rows, [report.conversion_note()])


def _medians_sheet(report: AbsorptionReport) -> Sheet:
    columns = {"Antar tahap": TEXT, "Median hari": COUNT, "Kasus": COUNT}
    rows = [(r.label, r.median_days, r.cases) for r in report.median_days]
    return _table_sheet("Median hari", columns, rows)


def _rejections_sheet(report: AbsorptionReport) -> Sheet:
    columns = {"Alasan penolakan": TEXT, "Bulan ini": COUNT, "Kumulatif": COUNT}
    rows = [(r.label, r.month, r.cumulative) for r in report.rejections]
    return _table_sheet("Penolakan", columns, rows)


def _screening_sheet(report: AbsorptionReport) -> Sheet:
    columns = {
        "Kecamatan": TEXT,
        "Diskrining": COUNT,
        "Hijau": COUNT,
        "Kuning": COUNT,
        "Merah": COUNT,
        "Pinjol ilegal": COUNT,
        "Rentenir": COUNT,
        "Tunggakan formal": COUNT,
        "Rencana ambil alih (Rp)": RUPIAH,
    }
    rows = [
        (
            r.kecamatan_name,
            r.screened,
            r.hijau,
            r.kuning,
            r.merah,
            r.illegal_pinjol,
            r.loan_shark,
            r.formal_arrears,
            r.take_over_amount,
        )
        for r in report.screening.by_kecamatan
    ]
    return _table_sheet("Skrining", columns, rows)


def _trend_sheet(report: AbsorptionReport) -> Sheet:
    columns = {
        "Bulan": TEXT,
        "Cair (Rp)": RUPIAH,
        "Kumulatif tahun berjalan (Rp)": RUPIAH,
        "Target kumulatif (Rp)": RUPIAH,
    }
    rows = [(p.label, p.amount, p.cumulative, p.target_cumulative) for p in report.trend.points]
    return _table_sheet("Tren", columns, rows)


def _width(value) -> int:
    if isinstance(value, Decimal):
        return 8
    if isinstance(value, int):
        return len(format_rupiah(value))
    return len(str(value)) if value is not None else 0


def to_xlsx(report: AbsorptionReport) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for item in _sheets(report):
            _write_sheet(writer, item)
    return buffer.getvalue()


def _write_sheet(writer: pd.ExcelWriter, item: Sheet) -> None:
    """One sheet: header frozen, columns as wide as their values, numbers in their format."""
    name = item.name[:31]
    frame = item.frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)
    frame.to_excel(writer, sheet_name=name, index=False)
    sheet = writer.sheets[name]
    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        width = max([len(str(column))] + [_width(v) for v in frame[column]]) + 2
        sheet.column_dimensions[letter].width = min(max(width, 10), 60)
        kinds = item.kinds.get(column, TEXT)
        for offset in range(len(frame)):
            kind = kinds[offset] if isinstance(kinds, list) else kinds
            cell = sheet.cell(row=offset + 2, column=index)
            if kind in NUMBER_FORMATS and isinstance(cell.value, int | float | Decimal):
                cell.number_format = NUMBER_FORMATS[kind]
    for offset, note in enumerate(item.notes):
        sheet.cell(row=len(frame) + 3 + offset, column=1, value=neutralise(note))


# --------------------------------------------------------------------------- PDF


_styles = pdf.base_styles


_esc = pdf.escape


def _table(styles, header, rows, widths, right=(), nowrap=None):
    """A report table; numbers (the right-aligned columns unless told) never wrap."""
    return pdf.grid(header, rows, widths, right, right if nowrap is None else nowrap)


def _document(buffer: io.BytesIO, title: str) -> SimpleDocTemplate:
    """An A4 page with the margins of every report."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="HARKAT",
    )


def to_pdf(report: AbsorptionReport) -> bytes:
    """The report as an A4 PDF: each part of :data:`PDF_PARTS` in turn, then page numbers."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = _document(buffer, f"Laporan serapan dana BANK HARKAT {report.month_label}")
    story = [item for part in PDF_PARTS for item in part(report, styles, doc.width)]
    reference = f"HARKAT · Laporan serapan dana {report.month_label}"
    doc.build(
        story,
        onFirstPage=pdf.footer(reference, 16 * mm),
        onLaterPages=pdf.footer(reference, 16 * mm),
    )
    return buffer.getvalue()


def _heading(report: AbsorptionReport, styles, w: float) -> list:
    """Letterhead, title, and whether the figures are frozen or still provisional."""
    closed = report.closed
    status = (
        f"Bulan ditutup {format_datetime(closed.at)} oleh {closed.by}"
        if closed
        else "Angka sementara (bulan belum ditutup), dihitung "
        + format_datetime(report.generated_at)
    )
    return [
        *pdf.letterhead(w),
        Paragraph(
            f"LAPORAN SERAPAN DANA BANK HARKAT — {_esc(report.month_label).upper()}",
            styles["title_center"],
        ),
        Paragraph(_esc(status), styles["sub"]),
        Spacer(1, 3 * mm),
    ]


def _summary(report: AbsorptionReport, styles, w: float) -> list:
    fund, month, cumulative = report.fund, report.month_disbursed, report.cumulative
    repayment = report.repayment
    rows = [
        ("Pagu dana", format_rupiah(fund.ceiling)),
        (f"Alokasi bank tahun {fund.year}", format_rupiah(fund.allocated)),
        ("Penyaluran bulan ini", f"{number(month.count)} debitur · {format_rupiah(month.amount)}"),
        ("Koreksi bulan yang sudah ditutup", format_rupiah(report.adjustments.amount)),
        (
            "Penyaluran kumulatif",
            f"{number(cumulative.count)} debitur · {format_rupiah(cumulative.amount)}",
        ),
        ("Serapan dari pagu", pct(cumulative.absorption_percent)),
        ("Sisa pagu", format_rupiah(cumulative.remaining)),
        (
            "Sisa pokok pinjaman / NPL",
            f"{format_rupiah(repayment.outstanding)} / {pct(repayment.npl_percent)}",
        ),
    ]
    return [_table(styles, ["Uraian", "Nilai"], rows, [w * 0.45, w * 0.55], nowrap=(1,))]


def _trend(report: AbsorptionReport, styles, w: float) -> list:
    return [
        Paragraph("Tren penyaluran 12 bulan", styles["h2"]),
        trend_drawing(report.trend, w),
        Paragraph(_esc(forecast_text(report.forecast)), styles["body"]),
    ]


def forecast_text(forecast: Forecast) -> str:
    """The forecast in a sentence or three, as the PDF says it."""
    text = (
        f"Rata-rata penyaluran tiga bulan terakhir {format_rupiah(forecast.pace_per_month)}"
        " per bulan. "
    )
    if forecast.full_by:
        text += f"Dengan laju ini pagu habis terserap pada {format_month(forecast.full_by)}. "
    elif forecast.months_to_full:
        text += "Dengan laju ini pagu baru habis terserap lebih dari 100 tahun lagi. "
    else:
        text += "Belum ada penyaluran, jadi belum ada laju untuk diproyeksikan. "
    if forecast.target_percent is not None:
        text += (
            f"Target serapan {pct(forecast.target_percent)} pada akhir "
            f"{format_month(forecast.target_by)}; "
            f"proyeksi {pct(forecast.projected_percent_at_target)} — "
            + ("sesuai target." if forecast.on_track else "di bawah target.")
        )
    return text


def _banks(report: AbsorptionReport, styles, w: float) -> list:
    rows = [
        [
            b.name,
            format_rupiah(b.allocation),
            format_rupiah(b.month_amount),
            format_rupiah(b.year_amount),
            pct(b.allocation_percent),
        ]
        for b in report.banks
    ]
    return [
        Paragraph("Per bank terhadap alokasi", styles["h2"]),
        _table(
            styles,
            ["Bank", "Alokasi", "Cair bulan ini", "Cair tahun ini", "Serapan alokasi"],
            rows or [["Belum ada", "", "", "", ""]],
            [w * 0.32, w * 0.18, w * 0.17, w * 0.17, w * 0.16],
            right=(1, 2, 3, 4),
        ),
    ]


def _pipeline(report: AbsorptionReport, styles, w: float) -> list:
    rows = [
        [label, number(tally.count), format_rupiah(tally.amount)]
        for _, label, tally in report.pipeline.stages()
    ]
    return [
        Paragraph("Alur rujukan di akhir bulan", styles["h2"]),
        _table(
            styles, ["Tahap", "Jumlah", "Nilai"], rows, [w * 0.5, w * 0.2, w * 0.3], right=(1, 2)
        ),
    ]


def _funnel(report: AbsorptionReport, styles, w: float) -> list:
    """The funnel, kept on one page with its notes, then the median days between stages."""
    part = [Paragraph("Corong perjalanan UMKM (kumulatif)", styles["h2"])]
    if note := report.funnel_note():
        part.append(Paragraph(_esc(note), styles["small"]))
    rows = [
        [r.label, number(r.count), number(r.from_previous), pct(r.conversion_percent)]
        for r in report.funnel
    ]
    part += [
        _table(
            styles,
            ["Tahap", "Jumlah UMKM", "Juga sudah di tahap sebelumnya", "Konversi"],
            rows,
            [w * 0.4, w * 0.18, w * 0.24, w * 0.18],
            right=(1, 2, 3),
        ),
        Spacer(1, 1 * mm),
        Paragraph(_esc(report.conversion_note()), styles["small"]),
    ]
    medians = [[r.label, number(r.median_days), number(r.cases)] for r in report.median_days]
    return [
        KeepTogether(part),
        Spacer(1, 2 * mm),
        _table(
            styles,
            ["Antar tahap", "Median hari", "Kasus"],
            medians,
            [w * 0.6, w * 0.2, w * 0.2],
            right=(1, 2),
        ),
    ]


#: The breakdowns drawn as bars above their table.
CHARTED = ("kecamatan", "bank", "sector")


def _breakdowns(report: AbsorptionReport, styles, w: float) -> list:
    """Each breakdown's table; a charted one keeps its heading with its bars."""
    story = []
    for key, block in report.breakdowns.items():
        heading = Paragraph(f"Rincian: {_esc(block.title)}", styles["h2"])
        table = _breakdown_table(block, styles, w)
        if key in CHARTED:
            bars = bar_drawing([(r.label, r.cumulative_amount) for r in block.rows], w)
            story += [KeepTogether([heading, bars]), table]
        else:
            story += [heading, table]
    return story


def _breakdown_table(block: Breakdown, styles, w: float):
    rows = [
        [
            r.label,
            number(r.month_count),
            format_rupiah(r.month_amount),
            number(r.cumulative_count),
            format_rupiah(r.cumulative_amount),
            pct(r.share_percent),
        ]
        for r in block.rows
    ]
    return _table(
        styles,
        [
            block.title,
            "Debitur bulan ini",
            "Cair bulan ini",
            "Debitur kumulatif",
            "Kumulatif",
            "Porsi",
        ],
        rows or [["Belum ada", "", "", "", "", ""]],
        [w * 0.3, w * 0.12, w * 0.16, w * 0.12, w * 0.18, w * 0.12],
        right=(1, 2, 3, 4, 5),
    )


def _rejections(report: AbsorptionReport, styles, w: float) -> list:
    rows = [[r.label, number(r.month), number(r.cumulative)] for r in report.rejections]
    return [
        Paragraph("Alasan penolakan", styles["h2"]),
        _table(
            styles,
            ["Alasan", "Bulan ini", "Kumulatif"],
            rows or [["Belum ada penolakan", "", ""]],
            [w * 0.6, w * 0.2, w * 0.2],
            right=(1, 2),
        ),
    ]


def _screening(report: AbsorptionReport, styles, w: float) -> list:
    totals = report.screening.totals
    header = [
        "Diskrining",
        "Hijau",
        "Kuning",
        "Merah",
        "Pinjol ilegal",
        "Rentenir",
        "Tunggakan formal",
        "Rencana ambil alih",
    ]
    row = [
        number(totals.screened),
        number(totals.hijau),
        number(totals.kuning),
        number(totals.merah),
        number(totals.illegal_pinjol),
        number(totals.loan_shark),
        number(totals.formal_arrears),
        format_rupiah(totals.take_over_amount),
    ]
    widths = [w * r for r in (0.11, 0.08, 0.09, 0.09, 0.11, 0.1, 0.14, 0.28)]
    return [
        Paragraph("Temuan skrining utang bulan ini", styles["h2"]),
        _table(styles, header, [row], widths, right=tuple(range(8))),
    ]


def _repayment(report: AbsorptionReport, styles, w: float) -> list:
    repayment = report.repayment
    return [
        Paragraph("Angsuran", styles["h2"]),
        Paragraph(
            f"{number(repayment.loans)} pinjaman, sisa pokok "
            f"{format_rupiah(repayment.outstanding)}; NPL (kolektibilitas 3–5) "
            f"{format_rupiah(repayment.npl_outstanding)} = {pct(repayment.npl_percent)}; "
            f"{number(repayment.arrears_loans)} pinjaman menunggak.",
            styles["body"],
        ),
    ]


#: The parts of the PDF, top to bottom: each takes the report, the styles and the text width.
PDF_PARTS = (
    _heading,
    _summary,
    _trend,
    _banks,
    _pipeline,
    _funnel,
    _breakdowns,
    _rejections,
    _screening,
    _repayment,
)


def performance_pdf(year: int, frame: pd.DataFrame, through) -> bytes:
    """The performance-agreement (SAKIP) realisation as a one-page PDF table."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = _document(buffer, f"Realisasi perjanjian kinerja {year}")
    w = doc.width

    def show(value, unit):
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "—"
        if unit == "Rp" and isinstance(value, int):
            return format_rupiah(value)
        if isinstance(value, int):
            return number(value)
        return str(value).replace(".", ",")

    rows = [
        [
            r["Indikator"],
            r["Satuan"],
            show(r[f"Target {year}"], r["Satuan"]),
            show(r["Target s.d. bulan ini"], r["Satuan"]),
            show(r["Realisasi s.d. bulan ini"], r["Satuan"]),
            r["Capaian (%)"],
        ]
        for r in frame.to_dict("records")
    ]
    story = [
        *pdf.letterhead(w, "Program BANK HARKAT dan BALIKAT · Kota Jambi Bahagia"),
        Paragraph(f"REALISASI PERJANJIAN KINERJA (SAKIP) TAHUN {year}", styles["title_center"]),
        Paragraph(
            f"Program BANK HARKAT dan BALIKAT · dihitung s.d. {format_date(through)}",
            styles["sub"],
        ),
        Spacer(1, 4 * mm),
        _table(
            styles,
            [
                "Indikator",
                "Satuan",
                f"Target {year}",
                "Target s.d. bulan ini",
                "Realisasi",
                "Capaian",
            ],
            rows or [["Belum ada indikator", "", "", "", "", ""]],
            [w * 0.3, w * 0.08, w * 0.16, w * 0.16, w * 0.16, w * 0.14],
            right=(2, 3, 4, 5),
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            "Realisasi dihitung otomatis oleh HARKAT dari data kasus (pelatihan, skrining, "
            "rujukan dan pencairan), bukan diketik.",
            styles["body"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
