"""The report's charts drawn for the PDF (reportlab), from the same figures as the page's SVG
charts in :mod:`harkat.reports.charts`: every label stays inside its drawing."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from harkat import pdf
from harkat.core.money import format_rupiah
from harkat.reports import charts
from harkat.reports.domain import Trend

GREEN = colors.HexColor("#0b5e3c")
LIGHT = colors.HexColor("#cfe3d8")
RED = colors.HexColor("#b02a37")
LINE = pdf.LINE
GRID_LINE = colors.HexColor("#dee2e6")


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


def trend_drawing(trend: Trend, width: float, height: float = 62 * mm) -> Drawing:
    """Monthly disbursement (bars), the yearly cumulative and its target (lines), with a value
    axis, Indonesian month names and a legend — all inside the drawing."""
    drawing = Drawing(width, height)
    left, bottom, top = 17 * mm, 16 * mm, 3 * mm
    plot_w, plot_h = width - left - 2 * mm, height - bottom - top
    points, peak = trend.points, trend.peak
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
        h = plot_h * p.amount / peak
        drawing.add(Rect(x + step * 0.2, bottom, step * 0.6, h, fillColor=LIGHT, strokeColor=None))
        drawing.add(
            String(
                x + step / 2,
                bottom - 8,
                charts.month_tick(p.month),
                fontSize=6.5,
                textAnchor="middle",
            )
        )

    def coords(run) -> list[float]:
        return [c for i, v in run for c in (left + i * step + step / 2, bottom + plot_h * v / peak)]

    # One line per year: both series restart in January.
    for run in trend.cumulative_lines:
        if len(run) > 1:
            drawing.add(PolyLine(coords(run), strokeColor=GREEN, strokeWidth=1.8))
        else:  # a January report: this year is one month so far
            x, y = coords(run)
            drawing.add(Circle(x, y, 1.6, fillColor=GREEN, strokeColor=None))
    for run in trend.target_lines:
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
