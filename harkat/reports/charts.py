"""Charts drawn on the server as SVG (no chart library, no CDN): bars, a trend with a target
line, and a gauge. Pure functions from numbers and labels to an SVG string; labels are escaped.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

from harkat.reports.domain import Trend

GREEN = "#0b5e3c"
LIGHT = "#cfe3d8"
GREY = "#6c757d"
RED = "#b02a37"


#: Short Indonesian month names for chart axes.
SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def _short_rupiah(amount: int) -> str:
    """``Rp1,2 M`` (miliar), ``Rp350 jt`` (juta), rounded half-up: labels that fit beside a
    bar."""

    def rounded(value: Decimal, places: str) -> str:
        return str(value.quantize(Decimal(places), ROUND_HALF_UP)).replace(".", ",")

    if amount >= 1_000_000_000:
        return "Rp" + rounded(Decimal(amount) / 1_000_000_000, "0.1") + " M"
    if amount >= 1_000_000:
        return "Rp" + rounded(Decimal(amount) / 1_000_000, "1") + " jt"
    return f"Rp{amount:,}".replace(",", ".")


def month_tick(key: str) -> str:
    """``2026-12`` as the axis label ``Des 26``."""
    return f"{SHORT_MONTHS[int(key[5:7]) - 1]} {key[2:4]}"


def fit_label(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """Break a label into at most ``lines`` lines no wider than ``width`` at ``size`` points
    (Helvetica metrics, close to the browser's sans-serif); a label still too long ends in an
    ellipsis instead of being cut mid-word or running off the drawing."""

    def fits(line: str) -> bool:
        return stringWidth(line, "Helvetica", size) <= width

    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and fits(f"{line} {words[0]}"):
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words or (out and not fits(out[-1])):
        last = " ".join([out[-1], *words]) if out else text
        while last and not fits(last + "…"):
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out or [""]


def bars(
    rows: list[tuple[str, int]], *, width: int = 640, title: str = "", money: bool = True
) -> str:
    """Horizontal bars, largest first as given; values are rupiah (or counts). Long labels
    wrap onto a second line."""
    rows = rows[:12]
    label_w, top, size = 190, 24 if title else 4, 11
    labels = [fit_label(label, label_w - 8, size) for label, _ in rows]
    bar_h = 26 if any(len(lines) > 1 for lines in labels) else 20
    gap = 6
    height = top + len(rows) * (bar_h + gap) + 4
    peak = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">'
    ]
    if title:
        parts.append(f'<text x="0" y="15" font-size="13" font-weight="600">{escape(title)}</text>')
    for index, ((label, value), lines) in enumerate(zip(rows, labels, strict=True)):
        y = top + index * (bar_h + gap)
        length = (width - label_w - 110) * value / peak
        text = _short_rupiah(value) if money else f"{value:,}".replace(",", ".")
        first = y + bar_h / 2 + 4 - (len(lines) - 1) * 6
        spans = "".join(
            f'<tspan x="{label_w - 6}" y="{first + k * 12:.1f}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(
            f'<text font-size="{size}" text-anchor="end"><title>{escape(label)}</title>'
            f"{spans}</text>"
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{GREEN}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + bar_h / 2 + 4:.1f}" '
            f'font-size="{size}">{text}</text>'
        )
    if not rows:
        parts.append(
            f'<text x="0" y="{top + 14}" font-size="11" fill="{GREY}">Belum ada data.</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend(series: Trend, *, width: int = 640, height: int = 220) -> str:
    """Monthly disbursement (bars) and the cumulative total against its target (lines)."""
    left, right, top, bottom = 64, 12, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    points, peak = series.points, series.peak
    step = plot_w / max(len(points), 1)

    def y(value: int) -> float:
        return top + plot_h - plot_h * value / peak

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="Tren penyaluran bulanan dan kumulatif terhadap target" class="chart">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{GREY}" stroke-width="1"/>',
    ]
    for fraction in (0.5, 1.0):
        value = int(peak * fraction)
        parts.append(
            f'<text x="{left - 4}" y="{y(value) + 4:.1f}" font-size="10" text-anchor="end">'
            f"{_short_rupiah(value)}</text>"
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{width - right}" y2="{y(value):.1f}" '
            f'stroke="#dee2e6" stroke-width="1"/>'
        )
    for index, point in enumerate(points):
        x = left + index * step
        bar_top = y(point.amount)
        parts.append(
            f'<rect x="{x + step * 0.2:.1f}" y="{bar_top:.1f}" width="{step * 0.6:.1f}" '
            f'height="{top + plot_h - bar_top:.1f}" fill="{LIGHT}"/>'
            f'<text x="{x + step / 2:.1f}" y="{height - 18}" font-size="10" text-anchor="middle">'
            f"{escape(month_tick(point.month))}</text>"
        )

    def line(run, style: str) -> str:
        coords = " ".join(f"{left + i * step + step / 2:.1f},{y(v):.1f}" for i, v in run)
        return f'<polyline points="{coords}" fill="none" {style}/>'

    # One line per year: both series restart in January. A year with a single month so far
    # (a January report) is a dot.
    for run in series.cumulative_lines:
        if len(run) == 1:
            ((i, v),) = run
            parts.append(
                f'<circle cx="{left + i * step + step / 2:.1f}" cy="{y(v):.1f}" r="3.5" '
                f'fill="{GREEN}"/>'
            )
        else:
            parts.append(line(run, f'stroke="{GREEN}" stroke-width="2.5"'))
    for run in series.target_lines:
        if len(run) > 1:
            parts.append(line(run, f'stroke="{RED}" stroke-width="2" stroke-dasharray="6 4"'))
    parts.append(
        f'<rect x="{left}" y="{height - 12}" width="10" height="8" fill="{LIGHT}"/>'
        f'<text x="{left + 14}" y="{height - 4}" font-size="10">Cair per bulan</text>'
        f'<line x1="{left + 110}" y1="{height - 8}" x2="{left + 130}" y2="{height - 8}" '
        f'stroke="{GREEN}" stroke-width="2.5"/>'
        f'<text x="{left + 134}" y="{height - 4}" font-size="10">Kumulatif tahun berjalan</text>'
        f'<line x1="{left + 270}" y1="{height - 8}" x2="{left + 290}" y2="{height - 8}" '
        f'stroke="{RED}" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{left + 294}" y="{height - 4}" font-size="10">Target kumulatif</text>'
        "</svg>"
    )
    return "".join(parts)


def gauge(percent: float, *, label: str = "", size: int = 220) -> str:
    """A half-circle gauge of a percentage (0–100)."""
    value = max(0.0, min(100.0, percent))
    cx, cy, r = size / 2, size * 0.55, size * 0.42
    angle = math.pi * (1 - value / 100)
    x, y = cx + r * math.cos(angle), cy - r * math.sin(angle)
    large = 0
    text = f"{percent:.2f}".replace(".", ",") + "%"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size * 0.7:.0f}" '
        f'role="img" aria-label="Serapan {text}" class="chart gauge">'
        f'<path d="M {cx - r:.1f} {cy:.1f} A {r:.1f} {r:.1f} 0 0 1 {cx + r:.1f} {cy:.1f}" '
        f'fill="none" stroke="#e9ecef" stroke-width="{size * 0.09:.1f}"/>'
        f'<path d="M {cx - r:.1f} {cy:.1f} A {r:.1f} {r:.1f} 0 {large} 1 {x:.1f} {y:.1f}" '
        f'fill="none" stroke="{GREEN}" stroke-width="{size * 0.09:.1f}"/>'
        f'<text x="{cx:.1f}" y="{cy - 6:.1f}" font-size="{size * 0.13:.0f}" font-weight="700" '
        f'text-anchor="middle">{text}</text>'
        f'<text x="{cx:.1f}" y="{cy + 16:.1f}" font-size="{size * 0.055:.0f}" '
        f'text-anchor="middle" fill="{GREY}">{escape(label)}</text>'
        "</svg>"
    )
