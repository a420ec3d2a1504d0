"""The absorption report's files. Each is rendered from the one figures dict, so no two formats
can disagree: JSON (the dict itself), CSV (long format), XLSX (a sheet per breakdown) and PDF
(letterhead, tables, charts, page numbers)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pandas as pd
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from harkat import pdf
from harkat.core.dates import format_date, format_datetime, format_month
from harkat.core.money import format_rupiah
from harkat.core.spreadsheet import neutralise
from harkat.reports import absorption as calc
from harkat.reports import charts

GREEN = colors.HexColor("#0b5e3c")
LIGHT = colors.HexColor("#cfe3d8")
LINE = pdf.LINE
GRID_LINE = colors.HexColor("#dee2e6")

PIPELINE_LABELS = {
    "submitted": "Diajukan, belum ditelaah",
    "in_review": "Ditelaah / perlu kelengkapan",
    "approved": "Disetujui, belum cair",
}


def render(figures: dict, fmt: str) -> bytes:
    """Render the report in one of ``pdf``, ``xlsx``, ``csv``, ``json``."""
    return {"pdf": to_pdf, "xlsx": to_xlsx, "csv": to_csv, "json": to_json}[fmt](figures)


def pct(value: str | None) -> str:
    return "—" if value is None else value.replace(".", ",") + "%"


def number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def to_json(figures: dict) -> bytes:
    return json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def rows_long(figures: dict) -> list[dict]:
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

    add("laporan", "generated_at", "Dihitung pada", "waktu", figures["generated_at"])
    if figures.get("funnel_computed_at"):
        add(
            "laporan",
            "funnel_computed_at",
            "Corong, waktu tempuh dan skrining dihitung pada",
            "waktu",
            figures["funnel_computed_at"],
        )
    add("dana", "ceiling", "Pagu dana", "rupiah", figures["fund"]["ceiling"])
    add(
        "dana",
        "allocated",
        f"Alokasi bank tahun {figures['fund']['year']}",
        "rupiah",
        figures["fund"]["allocated"],
    )
    add(
        "bulan_ini",
        "disbursed",
        "Penyaluran bulan ini",
        "jumlah",
        figures["month_disbursed"]["count"],
    )
    add(
        "bulan_ini",
        "disbursed",
        "Penyaluran bulan ini",
        "rupiah",
        figures["month_disbursed"]["amount"],
    )
    add(
        "bulan_ini",
        "adjustments",
        "Koreksi bulan yang sudah ditutup",
        "rupiah",
        figures["adjustments"]["amount"],
    )
    cumulative = figures["cumulative"]
    add("kumulatif", "disbursed", "Penyaluran kumulatif", "jumlah", cumulative["count"])
    add("kumulatif", "disbursed", "Penyaluran kumulatif", "rupiah", cumulative["amount"])
    add("kumulatif", "absorption", "Serapan dari pagu", "persen", cumulative["absorption_percent"])
    add("kumulatif", "remaining", "Sisa pagu", "rupiah", cumulative["remaining"])
    for key, item in figures["pipeline"].items():
        add("alur", key, PIPELINE_LABELS[key], "jumlah", item["count"])
        add("alur", key, PIPELINE_LABELS[key], "rupiah", item["amount"])
    for bank in figures["banks"]:
        add("bank", bank["code"], bank["name"], "alokasi_rupiah", bank["allocation"])
        add("bank", bank["code"], bank["name"], "tahun_ini_rupiah", bank["year_amount"])
        add(
            "bank", bank["code"], bank["name"], "serapan_alokasi_persen", bank["allocation_percent"]
        )
    for name, block in figures["breakdowns"].items():
        for row in block["rows"]:
            for measure in ("month_count", "month_amount", "cumulative_count", "cumulative_amount"):
                add(f"rincian_{name}", row["key"], row["label"], measure, row[measure])
    for row in figures["funnel"]:
        add("corong", row["stage"], row["label"], "jumlah", row["count"])
        if "from_previous" in row:
            add(
                "corong",
                row["stage"],
                row["label"],
                "juga_di_tahap_sebelumnya",
                row["from_previous"],
            )
        add("corong", row["stage"], row["label"], "konversi_persen", row["conversion_percent"])
    for row in figures["median_days"]:
        add("median_hari", f"{row['from']}-{row['to']}", row["label"], "hari", row["median_days"])
    for row in figures["rejections"]:
        add("penolakan", row["code"], row["label"], "bulan_ini", row["month"])
        add("penolakan", row["code"], row["label"], "kumulatif", row["cumulative"])
    for key, value in sorted(figures["screening"]["totals"].items()):
        add("skrining", key, key, "bulan_ini", value)
    repayment = figures["repayment"]
    add("angsuran", "outstanding", "Sisa pokok", "rupiah", repayment["outstanding"])
    add("angsuran", "npl", "NPL", "persen", repayment["npl_percent"])
    forecast = figures["forecast"]
    add("prakiraan", "pace", "Rata-rata 3 bulan terakhir", "rupiah", forecast["pace_per_month"])
    add("prakiraan", "full_by", "Pagu habis terserap pada", "bulan", forecast["full_by"])
    return out


def to_csv(figures: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["bagian", "kode", "uraian", "ukuran", "nilai"])
    writer.writeheader()
    for row in rows_long(figures):
        writer.writerow({k: neutralise(v) if isinstance(v, str) else v for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


RUPIAH_FORMAT = '"Rp"#,##0'
PERCENT_FORMAT = "0.00%"
COUNT_FORMAT = "#,##0"

#: How a column's numbers are kept in the XLSX: whole rupiah, a share (0.4567 shown as
#: 45,67% by Excel's percent format, so it can be summed and charted), or a count (of people,
#: loans or days).
RUPIAH, PERCENT, COUNT, TEXT = "rupiah", "percent", "count", "text"
NUMBER_FORMATS = {RUPIAH: RUPIAH_FORMAT, PERCENT: PERCENT_FORMAT, COUNT: COUNT_FORMAT}


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


def _sheets(figures: dict) -> list[Sheet]:
    """The report's sheets, each with the kind of its number columns."""
    cumulative = figures["cumulative"]
    forecast = figures["forecast"]
    summary_rows = [
        ("Bulan", figures["month_label"], TEXT),
        ("Pagu dana (Rp)", figures["fund"]["ceiling"], RUPIAH),
        (f"Alokasi bank {figures['fund']['year']} (Rp)", figures["fund"]["allocated"], RUPIAH),
        ("Penyaluran bulan ini (debitur)", figures["month_disbursed"]["count"], COUNT),
        ("Penyaluran bulan ini (Rp)", figures["month_disbursed"]["amount"], RUPIAH),
        ("Koreksi bulan yang sudah ditutup (Rp)", figures["adjustments"]["amount"], RUPIAH),
        ("Penyaluran kumulatif (debitur)", cumulative["count"], COUNT),
        ("Penyaluran kumulatif (Rp)", cumulative["amount"], RUPIAH),
        ("Serapan dari pagu (%)", share(cumulative["absorption_percent"]), PERCENT),
        ("Sisa pagu (Rp)", cumulative["remaining"], RUPIAH),
        ("Sisa pokok pinjaman (Rp)", figures["repayment"]["outstanding"], RUPIAH),
        ("NPL (%)", share(figures["repayment"]["npl_percent"]), PERCENT),
        ("Rata-rata penyaluran 3 bulan (Rp)", forecast["pace_per_month"], RUPIAH),
        ("Pagu habis terserap pada", format_month(forecast["full_by"]), TEXT),
        ("Dihitung pada", format_datetime(figures["generated_at"]), TEXT),
        (
            "Corong, waktu tempuh dan skrining dihitung pada",
            format_datetime(figures.get("funnel_computed_at") or figures["generated_at"]),
            TEXT,
        ),
    ]
    if figures.get("closed"):
        summary_rows.append(
            (
                "Bulan ditutup",
                f"{format_datetime(figures['closed']['at'])} oleh {figures['closed']['by']}",
                TEXT,
            )
        )
    sheets = [
        Sheet(
            "Ringkasan",
            _frame([r[:2] for r in summary_rows], ["Uraian", "Nilai"]),
            {"Nilai": [r[2] for r in summary_rows]},
        )
    ]
    bank_columns = {
        "Bank": TEXT,
        "Alokasi (Rp)": RUPIAH,
        "Cair bulan ini (debitur)": COUNT,
        "Cair bulan ini (Rp)": RUPIAH,
        "Cair tahun ini (Rp)": RUPIAH,
        "Kumulatif (Rp)": RUPIAH,
        "Serapan alokasi (%)": PERCENT,
    }
    banks = _frame(
        [
            (
                b["name"],
                b["allocation"],
                b["month_count"],
                b["month_amount"],
                b["year_amount"],
                b["cumulative_amount"],
                share(b["allocation_percent"]),
            )
            for b in figures["banks"]
        ],
        list(bank_columns),
    )
    sheets.append(Sheet("Bank", banks, bank_columns))
    pipeline = _frame(
        [(PIPELINE_LABELS[k], v["count"], v["amount"]) for k, v in figures["pipeline"].items()],
        ["Tahap", "Jumlah rujukan", "Nilai (Rp)"],
    )
    sheets.append(Sheet("Alur rujukan", pipeline, {"Jumlah rujukan": COUNT, "Nilai (Rp)": RUPIAH}))
    names = {
        "bank": "Per bank",
        "kecamatan": "Per kecamatan",
        "kelurahan": "Per kelurahan",
        "sector": "Per sektor",
        "scale": "Per skala",
        "gender": "Per jenis kelamin",
        "applicant_type": "Kelompok-perorangan",
        "size": "Per besar pinjaman",
    }
    for key, block in figures["breakdowns"].items():
        columns = {
            block["title"]: TEXT,
            "Debitur bulan ini": COUNT,
            "Cair bulan ini (Rp)": RUPIAH,
            "Debitur kumulatif": COUNT,
            "Kumulatif (Rp)": RUPIAH,
            "Porsi (%)": PERCENT,
        }
        frame = _frame(
            [
                (
                    r["label"],
                    r["month_count"],
                    r["month_amount"],
                    r["cumulative_count"],
                    r["cumulative_amount"],
                    share(r["share_percent"]),
                )
                for r in block["rows"]
            ],
            list(columns),
        )
        sheets.append(Sheet(names[key], frame, columns))
    funnel_columns = {
        "Tahap": TEXT,
        "Jumlah UMKM": COUNT,
        "Juga sudah di tahap sebelumnya": COUNT,
        "Konversi dari tahap sebelumnya (%)": PERCENT,
    }
    funnel = _frame(
        [
            (r["label"], r["count"], r.get("from_previous"), share(r["conversion_percent"]))
            for r in figures["funnel"]
        ],
        list(funnel_columns),
    )
    sheets.append(Sheet("Corong", funnel, funnel_columns, [conversion_note(figures)]))
    medians = _frame(
        [(r["label"], r["median_days"], r["cases"]) for r in figures["median_days"]],
        ["Antar tahap", "Median hari", "Kasus"],
    )
    sheets.append(Sheet("Median hari", medians, {"Median hari": COUNT, "Kasus": COUNT}))
    rejections = _frame(
        [(r["label"], r["month"], r["cumulative"]) for r in figures["rejections"]],
        ["Alasan penolakan", "Bulan ini", "Kumulatif"],
    )
    sheets.append(Sheet("Penolakan", rejections, {"Bulan ini": COUNT, "Kumulatif": COUNT}))
    screening_columns = {
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
    screening = _frame(
        [
            (
                r["kecamatan_name"],
                r["screened"],
                r["hijau"],
                r["kuning"],
                r["merah"],
                r["illegal_pinjol"],
                r["loan_shark"],
                r["formal_arrears"],
                r["take_over_amount"],
            )
            for r in figures["screening"]["by_kecamatan"]
        ],
        list(screening_columns),
    )
    sheets.append(Sheet("Skrining", screening, screening_columns))
    trend_columns = {
        "Bulan": TEXT,
        "Cair (Rp)": RUPIAH,
        "Kumulatif tahun berjalan (Rp)": RUPIAH,
        "Target kumulatif (Rp)": RUPIAH,
    }
    trend = _frame(
        [
            (t["label"], t["amount"], t["cumulative"], t["target_cumulative"])
            for t in figures["trend"]
        ],
        list(trend_columns),
    )
    sheets.append(Sheet("Tren", trend, trend_columns))
    return sheets


def conversion_note(figures: dict) -> str:
    """How the funnel's conversion is defined (closed months keep the wording of their time:
    a snapshot without ``from_previous`` divided one stage by the one before)."""
    if figures["funnel"] and "from_previous" not in figures["funnel"][-1]:
        return (
            "Konversi pada laporan beku ini = jumlah tahap ini dibagi jumlah tahap sebelumnya "
            "(cara hitung lama; dapat melebihi 100% karena tahap tidak selalu berurutan)."
        )
    return calc.CONVERSION_NOTE


def _width(value) -> int:
    if isinstance(value, Decimal):
        return 8
    if isinstance(value, int):
        return len(format_rupiah(value))
    return len(str(value)) if value is not None else 0


def to_xlsx(figures: dict) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for item in _sheets(figures):
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
    return buffer.getvalue()


# --------------------------------------------------------------------------- PDF


_styles = pdf.base_styles


_esc = pdf.escape


def _table(styles, header, rows, widths, right=(), nowrap=None):
    """A report table; numbers (the right-aligned columns unless told) never wrap."""
    return pdf.grid(header, rows, widths, right, right if nowrap is None else nowrap)


def bar_drawing(rows: list[tuple[str, int]], width: float) -> Drawing:
    """Horizontal bars for the PDF, from the same rows as the web chart; long labels wrap onto
    a second line rather than being cut."""
    rows = rows[:10]
    size, label_w = 7, 45 * mm
    labels = [charts.fit_label(label, label_w - 6, size) for label, _ in rows]
    bar_h, gap = (12, 4) if any(len(lines) > 1 for lines in labels) else (10, 4)
    height = len(rows) * (bar_h + gap) + 4
    drawing = Drawing(width, height)
    peak = max((v for _, v in rows), default=0) or 1
    for index, ((_, value), lines) in enumerate(zip(rows, labels, strict=True)):
        y = height - (index + 1) * (bar_h + gap)
        length = (width - label_w - 30 * mm) * value / peak
        first = y + bar_h / 2 - 2.5 + (len(lines) - 1) * 4
        for k, line in enumerate(lines):
            drawing.add(String(label_w - 3, first - k * 8, line, fontSize=size, textAnchor="end"))
        drawing.add(Rect(label_w, y, length, bar_h, fillColor=GREEN, strokeColor=None))
        drawing.add(
            String(label_w + length + 3, y + bar_h / 2 - 2.5, format_rupiah(value), fontSize=size)
        )
    return drawing


RED = colors.HexColor("#b02a37")


def trend_drawing(points: list[dict], width: float, height: float = 62 * mm) -> Drawing:
    """Monthly disbursement (bars), the yearly cumulative and its target (lines), with a value
    axis, Indonesian month names and a legend — all inside the drawing."""
    drawing = Drawing(width, height)
    left, bottom, top = 17 * mm, 16 * mm, 3 * mm
    plot_w, plot_h = width - left - 2 * mm, height - bottom - top
    peak = max(
        [p["cumulative"] for p in points]
        + [p["target_cumulative"] or 0 for p in points]
        + [p["amount"] for p in points]
        + [1]
    )
    step = plot_w / max(len(points), 1)
    for fraction in (0, 0.5, 1):
        y = bottom + plot_h * fraction
        drawing.add(
            Line(left, y, left + plot_w, y, strokeColor=LINE if fraction == 0 else GRID_LINE)
        )
        drawing.add(
            String(
                left - 2,
                y - 2,
                charts._short_rupiah(int(peak * fraction)) if fraction else "Rp0",
                fontSize=6.5,
                textAnchor="end",
            )
        )
    for index, p in enumerate(points):
        x = left + index * step
        h = plot_h * p["amount"] / peak
        drawing.add(Rect(x + step * 0.2, bottom, step * 0.6, h, fillColor=LIGHT, strokeColor=None))
        drawing.add(
            String(
                x + step / 2,
                bottom - 8,
                charts.month_tick(p["month"]),
                fontSize=6.5,
                textAnchor="middle",
            )
        )

    def coords(run) -> list[float]:
        return [c for i, v in run for c in (left + i * step + step / 2, bottom + plot_h * v / peak)]

    # One line per year: both series restart in January.
    for run in calc.year_segments(points, "cumulative"):
        if len(run) > 1:
            drawing.add(PolyLine(coords(run), strokeColor=GREEN, strokeWidth=1.8))
        else:  # a January report: this year is one month so far
            x, y = coords(run)
            drawing.add(Circle(x, y, 1.6, fillColor=GREEN, strokeColor=None))
    for run in calc.year_segments(points, "target_cumulative"):
        if len(run) > 1:
            drawing.add(
                PolyLine(coords(run), strokeColor=RED, strokeWidth=1.2, strokeDashArray=[4, 3])
            )
    # The legend, under the month names.
    y = 2 * mm
    drawing.add(Rect(left, y, 8, 6, fillColor=LIGHT, strokeColor=None))
    drawing.add(String(left + 11, y + 1, "Cair per bulan", fontSize=7))
    x = left + 70
    drawing.add(Line(x, y + 3, x + 16, y + 3, strokeColor=GREEN, strokeWidth=1.8))
    drawing.add(String(x + 19, y + 1, "Kumulatif tahun berjalan", fontSize=7))
    x += 125
    drawing.add(
        Line(x, y + 3, x + 16, y + 3, strokeColor=RED, strokeWidth=1.2, strokeDashArray=[4, 3])
    )
    drawing.add(String(x + 19, y + 1, "Target kumulatif", fontSize=7))
    return drawing


def to_pdf(figures: dict) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=f"Laporan serapan dana BANK HARKAT {figures['month_label']}",
        author="HARKAT",
    )
    w = doc.width
    closed = figures.get("closed")
    status = (
        f"Bulan ditutup {format_datetime(closed['at'])} oleh {closed['by']}"
        if closed
        else "Angka sementara (bulan belum ditutup), dihitung "
        + format_datetime(figures["generated_at"])
    )
    story = [
        *pdf.letterhead(w),
        Paragraph(
            f"LAPORAN SERAPAN DANA BANK HARKAT — {_esc(figures['month_label']).upper()}",
            styles["title_center"],
        ),
        Paragraph(_esc(status), styles["sub"]),
        Spacer(1, 3 * mm),
    ]
    cumulative, month = figures["cumulative"], figures["month_disbursed"]
    summary = [
        ("Pagu dana", format_rupiah(figures["fund"]["ceiling"])),
        (
            f"Alokasi bank tahun {figures['fund']['year']}",
            format_rupiah(figures["fund"]["allocated"]),
        ),
        (
            "Penyaluran bulan ini",
            f"{number(month['count'])} debitur · {format_rupiah(month['amount'])}",
        ),
        ("Koreksi bulan yang sudah ditutup", format_rupiah(figures["adjustments"]["amount"])),
        (
            "Penyaluran kumulatif",
            f"{number(cumulative['count'])} debitur · {format_rupiah(cumulative['amount'])}",
        ),
        ("Serapan dari pagu", pct(cumulative["absorption_percent"])),
        ("Sisa pagu", format_rupiah(cumulative["remaining"])),
        (
            "Sisa pokok pinjaman / NPL",
            f"{format_rupiah(figures['repayment']['outstanding'])} / "
            f"{pct(figures['repayment']['npl_percent'])}",
        ),
    ]
    story.append(_table(styles, ["Uraian", "Nilai"], summary, [w * 0.45, w * 0.55], nowrap=(1,)))
    story.append(Paragraph("Tren penyaluran 12 bulan", styles["h2"]))
    story.append(trend_drawing(figures["trend"], w))
    forecast = figures["forecast"]
    text = (
        f"Rata-rata penyaluran tiga bulan terakhir {format_rupiah(forecast['pace_per_month'])}"
        " per bulan. "
    )
    if forecast["full_by"]:
        text += f"Dengan laju ini pagu habis terserap pada {format_month(forecast['full_by'])}. "
    elif forecast["months_to_full"]:
        text += "Dengan laju ini pagu baru habis terserap lebih dari 100 tahun lagi. "
    else:
        text += "Belum ada penyaluran, jadi belum ada laju untuk diproyeksikan. "
    if forecast["target_percent"] is not None:
        text += (
            f"Target serapan {pct(forecast['target_percent'])} pada akhir "
            f"{format_month(forecast['target_by'])}; "
            f"proyeksi {pct(forecast['projected_percent_at_target'])} — "
            + ("sesuai target." if forecast["on_track"] else "di bawah target.")
        )
    story.append(Paragraph(_esc(text), styles["body"]))

    story.append(Paragraph("Per bank terhadap alokasi", styles["h2"]))
    story.append(
        _table(
            styles,
            ["Bank", "Alokasi", "Cair bulan ini", "Cair tahun ini", "Serapan alokasi"],
            [
                [
                    b["name"],
                    format_rupiah(b["allocation"]),
                    format_rupiah(b["month_amount"]),
                    format_rupiah(b["year_amount"]),
                    pct(b["allocation_percent"]),
                ]
                for b in figures["banks"]
            ]
            or [["Belum ada", "", "", "", ""]],
            [w * 0.32, w * 0.18, w * 0.17, w * 0.17, w * 0.16],
            right=(1, 2, 3, 4),
        )
    )
    story.append(Paragraph("Alur rujukan di akhir bulan", styles["h2"]))
    story.append(
        _table(
            styles,
            ["Tahap", "Jumlah", "Nilai"],
            [
                [PIPELINE_LABELS[k], number(v["count"]), format_rupiah(v["amount"])]
                for k, v in figures["pipeline"].items()
            ],
            [w * 0.5, w * 0.2, w * 0.3],
            right=(1, 2),
        )
    )
    funnel_part = [Paragraph("Corong perjalanan UMKM (kumulatif)", styles["h2"])]
    if note := calc.funnel_note(figures):
        funnel_part.append(Paragraph(_esc(note), styles["small"]))
    funnel_part.append(
        _table(
            styles,
            ["Tahap", "Jumlah UMKM", "Juga sudah di tahap sebelumnya", "Konversi"],
            [
                [
                    r["label"],
                    number(r["count"]),
                    number(r.get("from_previous")),
                    pct(r["conversion_percent"]),
                ]
                for r in figures["funnel"]
            ],
            [w * 0.4, w * 0.18, w * 0.24, w * 0.18],
            right=(1, 2, 3),
        )
    )
    funnel_part.append(Spacer(1, 1 * mm))
    funnel_part.append(Paragraph(_esc(conversion_note(figures)), styles["small"]))
    story.append(KeepTogether(funnel_part))
    story.append(Spacer(1, 2 * mm))
    story.append(
        _table(
            styles,
            ["Antar tahap", "Median hari", "Kasus"],
            [
                [r["label"], number(r["median_days"]), number(r["cases"])]
                for r in figures["median_days"]
            ],
            [w * 0.6, w * 0.2, w * 0.2],
            right=(1, 2),
        )
    )
    for key, block in figures["breakdowns"].items():
        rows = block["rows"]
        part = [Paragraph(f"Rincian: {_esc(block['title'])}", styles["h2"])]
        if key in ("kecamatan", "bank", "sector"):
            part.append(bar_drawing([(r["label"], r["cumulative_amount"]) for r in rows], w))
        part.append(
            _table(
                styles,
                [
                    block["title"],
                    "Debitur bulan ini",
                    "Cair bulan ini",
                    "Debitur kumulatif",
                    "Kumulatif",
                    "Porsi",
                ],
                [
                    [
                        r["label"],
                        number(r["month_count"]),
                        format_rupiah(r["month_amount"]),
                        number(r["cumulative_count"]),
                        format_rupiah(r["cumulative_amount"]),
                        pct(r["share_percent"]),
                    ]
                    for r in rows
                ]
                or [["Belum ada", "", "", "", "", ""]],
                [w * 0.3, w * 0.12, w * 0.16, w * 0.12, w * 0.18, w * 0.12],
                right=(1, 2, 3, 4, 5),
            )
        )
        story.append(KeepTogether(part[:2]) if len(part) > 2 else part[0])
        story += part[1:] if len(part) <= 2 else part[2:]
    story.append(Paragraph("Alasan penolakan", styles["h2"]))
    story.append(
        _table(
            styles,
            ["Alasan", "Bulan ini", "Kumulatif"],
            [
                [r["label"], number(r["month"]), number(r["cumulative"])]
                for r in figures["rejections"]
            ]
            or [["Belum ada penolakan", "", ""]],
            [w * 0.6, w * 0.2, w * 0.2],
            right=(1, 2),
        )
    )
    totals = figures["screening"]["totals"]
    story.append(Paragraph("Temuan skrining utang bulan ini", styles["h2"]))
    story.append(
        _table(
            styles,
            [
                "Diskrining",
                "Hijau",
                "Kuning",
                "Merah",
                "Pinjol ilegal",
                "Rentenir",
                "Tunggakan formal",
                "Rencana ambil alih",
            ],
            [
                [
                    number(totals["screened"]),
                    number(totals["hijau"]),
                    number(totals["kuning"]),
                    number(totals["merah"]),
                    number(totals["illegal_pinjol"]),
                    number(totals["loan_shark"]),
                    number(totals["formal_arrears"]),
                    format_rupiah(totals["take_over_amount"]),
                ]
            ],
            [w * r for r in (0.11, 0.08, 0.09, 0.09, 0.11, 0.1, 0.14, 0.28)],
            right=tuple(range(8)),
        )
    )
    repayment = figures["repayment"]
    story.append(Paragraph("Angsuran", styles["h2"]))
    story.append(
        Paragraph(
            f"{number(repayment['loans'])} pinjaman, sisa pokok "
            f"{format_rupiah(repayment['outstanding'])}; NPL (kolektibilitas 3–5) "
            f"{format_rupiah(repayment['npl_outstanding'])} = {pct(repayment['npl_percent'])}; "
            f"{number(repayment['arrears_loans'])} pinjaman menunggak.",
            styles["body"],
        )
    )
    reference = f"HARKAT · Laporan serapan dana {figures['month_label']}"
    doc.build(
        story,
        onFirstPage=pdf.footer(reference, 16 * mm),
        onLaterPages=pdf.footer(reference, 16 * mm),
    )
    return buffer.getvalue()


def generated(figures: dict) -> datetime:
    return datetime.fromisoformat(figures["generated_at"])


def performance_pdf(year: int, frame: pd.DataFrame, through) -> bytes:
    """The performance-agreement (SAKIP) realisation as a one-page PDF table."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=f"Realisasi perjanjian kinerja {year}",
        author="HARKAT",
    )
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
