"""Fund absorption arithmetic: breakdowns, funnel, medians, the forecast and the trend. Pure:
plain rows in, the typed parts of :class:`~harkat.reports.domain.AbsorptionReport` out.
:mod:`harkat.reports.services` gathers the rows; every output format renders the one report
this module helps build.

Money is whole rupiah (int); percentages are strings with two decimals (``"12.34"``) so the JSON
carries no floats.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from harkat.core.dates import MONTHS
from harkat.reports.domain import (
    Breakdown,
    BreakdownRow,
    Forecast,
    FunnelStage,
    Trend,
    TrendPoint,
)

#: Loan size brackets (upper bound inclusive, label).
SIZE_BRACKETS = (
    (2_000_000, "≤ Rp2 juta"),
    (5_000_000, "Rp2–5 juta"),
    (10_000_000, "Rp5–10 juta"),
    (20_000_000, "Rp10–20 juta"),
    (None, "> Rp20 juta"),
)


@dataclass(frozen=True)
class LoanRow:
    """One disbursed loan with the attributes the breakdowns group by."""

    id: int
    disbursed_on: date
    amount: int
    bank: str
    bank_name: str
    kecamatan: str
    kecamatan_name: str
    kelurahan: str
    kelurahan_name: str
    sector: str
    sector_name: str
    scale: str
    scale_name: str
    gender: str
    gender_name: str
    applicant_type: str
    applicant_type_name: str


def percent(part: int | Decimal, whole: int | Decimal) -> str | None:
    """``part`` as a percentage of ``whole`` with two decimals, half-up; None when whole is 0."""
    if not whole:
        return None
    value = Decimal(part) * 100 / Decimal(whole)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_label(first: date) -> str:
    """``Januari 2026``."""
    return f"{MONTHS[first.month - 1]} {first.year}"


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def size_bracket(amount: int) -> tuple[str, str]:
    for position, (upper, label) in enumerate(SIZE_BRACKETS):
        if upper is None or amount <= upper:
            return f"{position}", label
    raise AssertionError("unreachable")  # pragma: no cover


#: The breakdowns of the report: key, title, and how a loan is grouped.
DIMENSIONS: tuple[tuple[str, str, Callable[[LoanRow], tuple[str, str]]], ...] = (
    ("bank", "Bank penyalur", lambda r: (r.bank, r.bank_name)),
    ("kecamatan", "Kecamatan", lambda r: (r.kecamatan, r.kecamatan_name)),
    ("kelurahan", "Kelurahan", lambda r: (r.kelurahan, f"{r.kelurahan_name} ({r.kecamatan_name})")),
    ("sector", "Sektor usaha (KBLI)", lambda r: (r.sector, r.sector_name)),
    ("scale", "Skala usaha", lambda r: (r.scale, r.scale_name)),
    ("gender", "Jenis kelamin", lambda r: (r.gender, r.gender_name)),
    (
        "applicant_type",
        "Kelompok / perorangan",
        lambda r: (r.applicant_type, r.applicant_type_name),
    ),
    ("size", "Besar pinjaman", lambda r: size_bracket(r.amount)),
)


@dataclass
class _Group:
    """A breakdown row while its loans are being counted."""

    label: str
    month_count: int = 0
    month_amount: int = 0
    cumulative_count: int = 0
    cumulative_amount: int = 0


def breakdown(
    loans: Iterable[LoanRow], start: date, end: date, key: Callable[[LoanRow], tuple[str, str]]
) -> list[BreakdownRow]:
    """Count and sum loans per group: in the month ``[start, end]`` and cumulatively to ``end``."""
    groups: dict[str, _Group] = {}
    for loan in loans:
        if loan.disbursed_on > end:
            continue
        code, label = key(loan)
        group = groups.setdefault(code, _Group(label))
        group.cumulative_count += 1
        group.cumulative_amount += loan.amount
        if loan.disbursed_on >= start:
            group.month_count += 1
            group.month_amount += loan.amount
    total = sum(group.cumulative_amount for group in groups.values())
    ordered = sorted(groups.items(), key=lambda item: (-item[1].cumulative_amount, item[0]))
    return [
        BreakdownRow(
            key=code,
            label=group.label,
            month_count=group.month_count,
            month_amount=group.month_amount,
            cumulative_count=group.cumulative_count,
            cumulative_amount=group.cumulative_amount,
            share_percent=percent(group.cumulative_amount, total),
        )
        for code, group in ordered
    ]


def breakdowns(loans: list[LoanRow], start: date, end: date) -> dict[str, Breakdown]:
    out = {
        name: Breakdown(title, breakdown(loans, start, end, key)) for name, title, key in DIMENSIONS
    }
    # Loan sizes read as a scale, smallest bracket first, not by how much each holds.
    out["size"].rows.sort(key=lambda row: int(row.key))
    return out


def funnel(
    stages: list[tuple[str, str, int, int | None]],
    outcomes: Mapping[str, dict[str, int]] | None = None,
) -> list[FunnelStage]:
    """Stage rows with their conversion: of the people at the stage before, the share who also
    reached this stage (percent).

    Each stage is ``(key, label, people, also_at_previous)``: everyone at the stage, and how
    many of them reached the stage before too. Stages are not nested (people are screened
    without graduating), so dividing one stage's count by the previous one's could exceed 100%;
    this share never does. ``outcomes`` adds a breakdown to the stages it names.
    """
    out, previous = [], None
    for key, label, count, both in stages:
        reached = None if previous is None else (both or 0)
        out.append(
            FunnelStage(
                stage=key,
                label=label,
                count=count,
                from_previous=reached,
                conversion_percent=percent(reached, previous) if previous is not None else None,
                outcomes=(outcomes or {}).get(key),
            )
        )
        previous = count
    return out


def median_days(pairs: Iterable[tuple[date, date]]) -> tuple[int | None, int]:
    """Median whole days from the first to the second date of each pair, and how many pairs.

    Pairs whose second date comes before the first (back-dated entries) are left out.
    """
    days = [(later - earlier).days for earlier, later in pairs if later >= earlier]
    if not days:
        return None, 0
    return int(Decimal(statistics.median(days)).quantize(Decimal(1), ROUND_HALF_UP)), len(days)


def median_of(days: Iterable[int]) -> tuple[int | None, int]:
    """Median of whole-day gaps (negative ones, from back-dated entries, left out) and count."""
    kept = [d for d in days if d >= 0]
    if not kept:
        return None, 0
    return int(Decimal(statistics.median(kept)).quantize(Decimal(1), ROUND_HALF_UP)), len(kept)


def median_of_counts(histogram: Mapping[int, int]) -> tuple[int | None, int]:
    """:func:`median_of` for gaps given as ``{gap: how many cases}`` (from a SQL ``GROUP BY``)."""
    kept = sorted((gap, n) for gap, n in histogram.items() if gap is not None and gap >= 0 and n)
    total = sum(n for _, n in kept)
    if not total:
        return None, 0

    def value_at(position: int) -> int:  # 0-based position in the sorted expansion
        seen = 0
        for gap, n in kept:
            seen += n
            if position < seen:
                return gap
        raise IndexError(position)

    middle = total // 2
    if total % 2:
        median = Decimal(value_at(middle))
    else:
        median = (Decimal(value_at(middle - 1)) + Decimal(value_at(middle))) / 2
    return int(median.quantize(Decimal(1), ROUND_HALF_UP)), total


def forecast(
    month: date,
    monthly_amounts: Mapping[str, int],
    cumulative: int,
    ceiling: int,
    target_percent: Decimal | None,
    target_by: date | None,
) -> Forecast:
    """When the fund is absorbed at the pace of the last three months, and whether that meets
    the target (a percent of the ceiling by a month's end)."""
    last3 = [monthly_amounts.get(month_key(add_months(month, -k)), 0) for k in range(3)]
    pace = int((Decimal(sum(last3)) / 3).quantize(Decimal(1), ROUND_HALF_UP))
    remaining = max(ceiling - cumulative, 0)
    months = (
        math.ceil(remaining / pace)
        if pace > 0 and remaining > 0
        else (0 if not remaining else None)
    )
    # Beyond a century the date means nothing (and overflows the calendar): say "never".
    full_by = (
        month_key(add_months(month, months)) if months is not None and months <= 1200 else None
    )
    projected = on_track = None
    if target_percent is not None and target_by is not None and ceiling:
        months_left = (target_by.year - month.year) * 12 + target_by.month - month.month
        projected = min(cumulative + pace * max(months_left, 0), ceiling)
        on_track = Decimal(projected) * 100 >= target_percent * ceiling
    return Forecast(
        pace_per_month=pace,
        last_three_months=last3,
        remaining=remaining,
        months_to_full=months,
        full_by=full_by,
        target_percent=str(target_percent) if target_percent is not None else None,
        target_by=month_key(target_by) if target_by else None,
        projected_at_target=projected,
        projected_percent_at_target=None if projected is None else percent(projected, ceiling),
        on_track=on_track,
    )


def trend(
    month: date, monthly_amounts: Mapping[str, int], targets: Mapping[int, list[int]]
) -> Trend:
    """The twelve months up to ``month`` (its first day): each month's disbursement, the
    cumulative since January and the cumulative target.

    :param monthly_amounts: rupiah disbursed by ``YYYY-MM``, at least from the January before
        the first of the twelve months (its cumulative counts the months before it).
    :param targets: each year's twelve cumulative monthly targets, for the years that have them.
    """
    months = [add_months(month, -k) for k in range(11, -1, -1)]
    # The line restarts each January, like the yearly targets it is drawn against.
    running = sum(
        amount
        for key, amount in monthly_amounts.items()
        if key.startswith(f"{months[0].year:04d}-") and key < month_key(months[0])
    )
    points = []
    for m in months:
        if m.month == 1:
            running = 0
        amount = monthly_amounts.get(month_key(m), 0)
        running += amount
        goal = targets.get(m.year) or []
        points.append(
            TrendPoint(
                month=month_key(m),
                label=month_label(m),
                amount=amount,
                cumulative=running,
                target_cumulative=int(goal[m.month - 1]) if len(goal) == 12 else None,
            )
        )
    return Trend(points)
