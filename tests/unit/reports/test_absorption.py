"""Absorption arithmetic and charts, without a database."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from harkat.reports import absorption as calc
from harkat.reports import charts
from harkat.reports.domain import Trend, TrendPoint


def _loan(id_, on, amount, bank="B9", kec="15.71.01", gender="P", kind="individual"):
    return calc.LoanRow(
        id=id_,
        disbursed_on=on,
        amount=amount,
        bank=bank,
        bank_name=bank,
        kecamatan=kec,
        kecamatan_name=kec,
        kelurahan=kec + ".1001",
        kelurahan_name="Kel",
        sector="C",
        sector_name="C – Industri",
        scale="mikro",
        scale_name="Mikro",
        gender=gender,
        gender_name=gender,
        applicant_type=kind,
        applicant_type_name=kind,
    )


LOANS = [
    _loan(1, date(2026, 1, 5), 5_000_000),
    _loan(2, date(2026, 1, 31), 2_000_000, bank="BRI", gender="L"),
    _loan(3, date(2026, 2, 1), 10_000_000, kec="15.71.02", kind="group"),
    _loan(4, date(2025, 12, 31), 25_000_000, bank="BRI"),
]


def test_percent_is_half_up_two_decimals_and_none_for_zero():
    assert calc.percent(1, 3) == "33.33"
    assert calc.percent(2, 3) == "66.67"
    assert calc.percent(1, 800) == "0.13"  # 0.125 rounds up
    assert calc.percent(5, 0) is None


def test_breakdowns_split_month_and_cumulative_and_add_up():
    result = calc.breakdowns(LOANS, date(2026, 1, 1), date(2026, 1, 31))
    for block in result.values():
        rows = block.rows
        assert sum(r.month_amount for r in rows) == 7_000_000
        assert sum(r.month_count for r in rows) == 2
        assert sum(r.cumulative_amount for r in rows) == 32_000_000  # February left out
    bank = {r.key: r for r in result["bank"].rows}
    assert bank["BRI"].cumulative_amount == 27_000_000 and bank["BRI"].month_count == 1
    assert bank["BRI"].share_percent == "84.38"
    sizes = {r.label: r.cumulative_count for r in result["size"].rows}
    assert sizes == {"≤ Rp2 juta": 1, "Rp2–5 juta": 1, "> Rp20 juta": 1}
    # Brackets read as a scale, smallest first, though the largest holds the most money.
    assert list(sizes) == ["≤ Rp2 juta", "Rp2–5 juta", "> Rp20 juta"]


def test_size_brackets_edges():
    assert calc.size_bracket(2_000_000)[1] == "≤ Rp2 juta"
    assert calc.size_bracket(2_000_001)[1] == "Rp2–5 juta"
    assert calc.size_bracket(20_000_000)[1] == "Rp10–20 juta"
    assert calc.size_bracket(20_000_001)[1] == "> Rp20 juta"


def test_funnel_conversion_from_the_stage_before():
    rows = calc.funnel(
        [("a", "A", 200, None), ("b", "B", 50, 50), ("c", "C", 0, 0), ("d", "D", 0, 0)]
    )
    assert [r.conversion_percent for r in rows] == [None, "25.00", "0.00", None]


def test_a_stage_larger_than_the_one_before_converts_at_most_everyone():
    # 3 graduates, 5 screened of whom 2 graduated: 2 of 3, never 5 ÷ 3 = 166,67%.
    rows = calc.funnel([("graduated", "Lulus", 3, None), ("screened", "Diskrining", 5, 2)])
    assert rows[1].conversion_percent == "66.67" and rows[1].from_previous == 2


@given(
    st.lists(
        st.frozensets(st.integers(min_value=0, max_value=40), max_size=40),
        min_size=2,
        max_size=7,
    )
)
def test_conversions_never_exceed_100_percent_whatever_the_stages(people_at):
    """Stages as arbitrary (not nested) sets of people, counted the way the SQL counts them."""
    stages = [("s0", "S0", len(people_at[0]), None)] + [
        (f"s{k}", f"S{k}", len(people), len(people & people_at[k - 1]))
        for k, people in enumerate(people_at)
        if k
    ]
    for k, row in enumerate(calc.funnel(stages)):
        if row.conversion_percent is None:
            assert k == 0 or not people_at[k - 1]
            continue
        assert Decimal(0) <= Decimal(row.conversion_percent) <= 100
        expected = Decimal(len(people_at[k] & people_at[k - 1])) * 100 / len(people_at[k - 1])
        assert abs(Decimal(row.conversion_percent) - expected) <= Decimal("0.005")


def test_the_three_month_pace_is_rounded_half_up_not_truncated():
    first = date(2026, 3, 1)
    pace = calc.forecast(first, {"2026-03": 2, "2026-02": 0}, 2, 10, None, None)
    assert pace.pace_per_month == 1  # 0,67 rounds to 1 (truncating said 0: "no pace")
    pace = calc.forecast(first, {"2026-03": 1_000_000_001}, 1, 10**12, None, None)
    assert pace.pace_per_month == 333_333_334  # 333.333.333,67


def test_median_days_ignores_back_dated_pairs():
    pairs = [
        (date(2026, 1, 1), date(2026, 1, 11)),
        (date(2026, 1, 1), date(2026, 1, 4)),
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 1, 10), date(2026, 1, 1)),
    ]
    assert calc.median_days(pairs) == (10, 3)
    assert calc.median_days([]) == (None, 0)


def test_forecast_at_the_pace_of_three_months():
    monthly = {"2026-08": 1_000_000_000, "2026-09": 2_000_000_000, "2026-10": 3_000_000_000}
    result = calc.forecast(
        date(2026, 10, 1),
        monthly,
        10_000_000_000,
        110_000_000_000,
        Decimal("20"),
        date(2026, 12, 1),
    )
    assert result.pace_per_month == 2_000_000_000
    assert result.remaining == 100_000_000_000
    assert result.months_to_full == 50
    assert result.full_by == "2030-12"
    # Two more months at 2 M a month: 14 M of 110 M = 12.73%, under the 20% target.
    assert result.projected_at_target == 14_000_000_000
    assert result.projected_percent_at_target == "12.73"
    assert result.on_track is False


def test_forecast_without_pace_or_target():
    result = calc.forecast(date(2026, 3, 1), {}, 0, 110_000_000_000, None, None)
    assert result.months_to_full is None and result.full_by is None
    assert result.on_track is None


def test_charts_are_valid_svg_and_escape_labels():
    for svg in (
        charts.bars([("Pasar <Jambi> & Co", 5_000_000), ("Telanaipura", 2_500_000)], title="T&T"),
        charts.bars([], title="Kosong"),
        charts.trend(_trend(("2026-01", 5, 5, 10), ("2026-02", 7, 12, 20))),
        charts.gauge(12.5, label="serapan"),
    ):
        root = ET.fromstring(svg)  # noqa: S314 - our own generated SVG
        assert root.tag.endswith("svg")
    assert "Pasar &lt;Jambi&gt; &amp; Co" in charts.bars([("Pasar <Jambi> & Co", 1)])
    assert "12,50%" in charts.gauge(12.5)


@given(st.lists(st.integers(min_value=-5, max_value=400), max_size=60))
def test_median_of_counts_equals_the_median_of_the_expanded_gaps(days):
    histogram: dict[int, int] = {}
    for day in days:
        histogram[day] = histogram.get(day, 0) + 1
    assert calc.median_of_counts(histogram) == calc.median_of(days)


def test_median_of_counts_by_hand():
    assert calc.median_of_counts({}) == (None, 0)
    assert calc.median_of_counts({-3: 4}) == (None, 0)  # back-dated entries only
    assert calc.median_of_counts({2: 1, 5: 1}) == (4, 2)  # 3.5 rounds half up
    assert calc.median_of_counts({1: 3, 10: 1}) == (1, 4)
    assert calc.median_of_counts({0: 2, 7: 3, None: 9}) == (7, 5)  # no earlier stage: left out


def _trend(*points: tuple[str, int, int, int | None]) -> Trend:
    """A trend from ``(month, amount, cumulative, target_cumulative)`` tuples."""
    return Trend([TrendPoint(month, month, *values) for month, *values in points])


def test_the_trend_counts_the_year_so_far_and_restarts_in_january():
    monthly = {"2024-12": 9, "2025-02": 1, "2025-03": 2, "2025-05": 4, "2026-01": 8}
    targets = {2026: list(range(10, 130, 10)), 2025: [1, 2]}  # 2025's list is incomplete
    trend = calc.trend(date(2026, 3, 1), monthly, targets)
    assert [trend.points[0].month, trend.points[-1].month] == ["2025-04", "2026-03"]
    points = {p.month: p for p in trend.points}
    # April 2025 carries February and March, which are before the window; 2024 is not counted.
    assert (points["2025-04"].amount, points["2025-04"].cumulative) == (0, 3)
    assert points["2025-12"].cumulative == 7 and points["2026-01"].cumulative == 8
    assert points["2026-03"].cumulative == 8 and points["2026-03"].label == "Maret 2026"
    assert points["2025-12"].target_cumulative is None  # without twelve targets, none
    assert points["2026-02"].target_cumulative == 20


def test_trend_lines_break_at_january_and_at_gaps():
    trend = _trend(
        ("2025-11", 10, 80, 90),
        ("2025-12", 15, 95, 100),
        ("2026-01", 5, 5, 8),
        ("2026-02", 7, 12, None),
        ("2026-03", 8, 20, 25),
    )
    assert trend.cumulative_lines == [[(0, 80), (1, 95)], [(2, 5), (3, 12), (4, 20)]]
    assert trend.target_lines == [[(0, 90), (1, 100)], [(2, 8)], [(4, 25)]]
    assert trend.peak == 100


def test_the_trend_chart_draws_one_line_per_year():
    trend = _trend(
        ("2025-11", 10, 80, 90),
        ("2025-12", 10, 95, 100),
        ("2026-01", 10, 5, 8),
        ("2026-02", 10, 12, 16),
    )
    svg = ET.fromstring(charts.trend(trend))  # noqa: S314 - our own generated SVG
    lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 4  # cumulative and target, for 2025 and for 2026
    assert all(len(line.get("points").split()) == 2 for line in lines)


def test_single_months_of_a_year_are_dots_not_lines():
    trend = _trend(("2025-12", 10, 95, None), ("2026-01", 10, 5, None))
    svg = ET.fromstring(charts.trend(trend))  # noqa: S314 - our own generated SVG
    # December closes last year, January opens this one: two dots, no line across the reset.
    assert len(svg.findall("{http://www.w3.org/2000/svg}circle")) == 2
    assert svg.findall("{http://www.w3.org/2000/svg}polyline") == []


SVG = "{http://www.w3.org/2000/svg}"
LONG = "G – Perdagangan besar dan eceran; reparasi dan perawatan mobil dan sepeda motor"


def test_long_bar_labels_wrap_inside_the_chart_instead_of_being_cut():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    svg = ET.fromstring(charts.bars([(LONG, 9_000_000), ("Telanaipura", 1_000_000)]))  # noqa: S314
    label = next(t for t in svg.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None)
    assert label.find(f"{SVG}title").text == LONG  # the whole label on hover
    lines = [span.text for span in label.findall(f"{SVG}tspan")]
    assert len(lines) == 2 and lines[0].startswith("G – Perdagangan besar")
    assert lines[1].endswith("…")  # too long for two lines: said so, not cut mid-word
    for line in lines:  # right-aligned at x=184: must not start left of the drawing
        assert stringWidth(line, "Helvetica", 11) <= 184
    short = [t for t in svg.iter(f"{SVG}tspan") if t.text == "Telanaipura"]
    assert len(short) == 1


def test_short_rupiah_rounds_half_up():
    assert charts._short_rupiah(1_250_000_000) == "Rp1,3 M"  # float formatting said 1,2
    assert charts._short_rupiah(2_500_000) == "Rp3 jt"
    assert charts.month_tick("2026-12") == "Des 26"


def test_pdf_chart_labels_stay_inside_their_drawings():
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from harkat.reports import drawings

    def strings(drawing):
        for item in drawing.contents:
            if isinstance(item, String):
                width = stringWidth(item.text, item.fontName, item.fontSize)
                start = {"end": item.x - width, "middle": item.x - width / 2}.get(
                    item.textAnchor, item.x
                )
                yield item.text, start, start + width, item.y

    bars = drawings.bar_drawing([(LONG, 9_000_000_000), ("Telanaipura", 1)], 500)
    points = [(f"2026-{m:02d}", 10**9, m * 10**9, 110 * 10**9) for m in range(1, 13)]
    trend = drawings.trend_drawing(_trend(*points), 500)
    for drawing in (bars, trend):
        texts = list(strings(drawing))
        for text, left, right, y in texts:
            assert left >= 0 and right <= drawing.width, text
            assert 0 <= y <= drawing.height, text
    texts = [t[0] for t in strings(trend)]
    assert {"Cair per bulan", "Kumulatif tahun berjalan", "Target kumulatif"} <= set(texts)
    assert "Des 26" in texts and "Rp110,0 M" in texts
    assert any(t.endswith("…") for t, *_ in strings(bars))
