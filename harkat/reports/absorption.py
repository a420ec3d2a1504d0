"""Fund absorption arithmetic: breakdowns, funnel, medians and the forecast. Pure: plain rows in,
plain JSON-ready dicts out. :mod:`harkat.reports.services` gathers the rows; every output format
(web, PDF, XLSX, CSV, JSON) renders the one dict this module helps build.

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

from harkat.core.dates import format_datetime

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


def breakdown(
    loans: Iterable[LoanRow], start: date, end: date, key: Callable[[LoanRow], tuple[str, str]]
) -> list[dict]:
    """Count and sum loans per group: in the month ``[start, end]`` and cumulatively to ``end``."""
    groups: dict[str, dict] = {}
    for loan in loans:
        if loan.disbursed_on > end:
            continue
        code, label = key(loan)
        row = groups.setdefault(
            code,
            {
                "key": code,
                "label": label,
                "month_count": 0,
                "month_amount": 0,
                "cumulative_count": 0,
                "cumulative_amount": 0,
            },
        )
        row["cumulative_count"] += 1
        row["cumulative_amount"] += loan.amount
        if loan.disbursed_on >= start:
            row["month_count"] += 1
            row["month_amount"] += loan.amount
    total = sum(r["cumulative_amount"] for r in groups.values())
    rows = sorted(groups.values(), key=lambda r: (-r["cumulative_amount"], r["key"]))
    for row in rows:
        row["share_percent"] = percent(row["cumulative_amount"], total)
    return rows


def breakdowns(loans: list[LoanRow], start: date, end: date) -> dict[str, dict]:
    out = {
        name: {"title": title, "rows": breakdown(loans, start, end, key)}
        for name, title, key in DIMENSIONS
    }
    # Loan sizes read as a scale, smallest bracket first, not by how much each holds.
    out["size"]["rows"].sort(key=lambda r: int(r["key"]))
    return out


#: How the funnel's conversion is defined, said on the page, in the PDF and in the XLSX.
CONVERSION_NOTE = (
    "Konversi = persentase UMKM di tahap sebelumnya yang juga sudah mencapai tahap ini. "
    "Tahap tidak selalu dilalui berurutan (misalnya UMKM dapat diskrining tanpa lulus "
    "pelatihan), sehingga jumlah suatu tahap dapat lebih besar dari tahap sebelumnya; "
    "konversi tidak pernah melebihi 100%."
)


def funnel(stages: list[tuple[str, str, int, int | None]]) -> list[dict]:
    """Stage rows with their conversion: of the people at the stage before, the share who also
    reached this stage (percent).

    Each stage is ``(key, label, people, also_at_previous)``: everyone at the stage, and how
    many of them reached the stage before too. Stages are not nested (people are screened
    without graduating), so dividing one stage's count by the previous one's could exceed 100%;
    this share never does.
    """
    out, previous = [], None
    for key, label, count, both in stages:
        reached = None if previous is None else (both or 0)
        out.append(
            {
                "stage": key,
                "label": label,
                "count": count,
                "from_previous": reached,
                "conversion_percent": percent(reached, previous) if previous is not None else None,
            }
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
    monthly_amounts: dict[str, int],
    cumulative: int,
    ceiling: int,
    target_percent: Decimal | None,
    target_by: date | None,
) -> dict:
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
    result = {
        "pace_per_month": pace,
        "last_three_months": last3,
        "remaining": remaining,
        "months_to_full": months,
        "full_by": full_by,
        "target_percent": str(target_percent) if target_percent is not None else None,
        "target_by": month_key(target_by) if target_by else None,
        "projected_at_target": None,
        "projected_percent_at_target": None,
        "on_track": None,
    }
    if target_percent is not None and target_by is not None and ceiling:
        months_left = (target_by.year - month.year) * 12 + target_by.month - month.month
        projected = min(cumulative + pace * max(months_left, 0), ceiling)
        result["projected_at_target"] = projected
        result["projected_percent_at_target"] = percent(projected, ceiling)
        result["on_track"] = Decimal(projected) * 100 >= target_percent * ceiling
    return result


def funnel_note(figures: dict) -> str | None:
    """Say when the funnel was computed, if earlier than the rest of an open month's report."""
    at = figures.get("funnel_computed_at")
    if figures.get("closed") or not at or at[:16] == figures["generated_at"][:16]:
        return None
    return (
        f"Corong, waktu tempuh dan hasil skrining dihitung {format_datetime(at)}; "
        "angka dana selalu terkini."
    )


def year_segments(points: list[dict], key: str) -> list[list[tuple[int, int]]]:
    """Split a trend's yearly-cumulative series into one run of ``(index, value)`` per year.

    The cumulative figures and their targets restart each January, so a line drawn through
    December into January would fall like a crash; each year gets its own line instead. Months
    without a value (no target set) end a run too.
    """
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for index, point in enumerate(points):
        value = point.get(key)
        if value is None or point["month"].endswith("-01"):
            if current:
                runs.append(current)
            current = []
        if value is not None:
            current.append((index, value))
    if current:
        runs.append(current)
    return runs
