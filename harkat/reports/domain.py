"""The monthly absorption report as typed figures: what the page, the PDF, the XLSX, the CSV, the
JSON file and the API read, and what a closed month keeps as its snapshot.

Pure: no database, no Flask. :meth:`AbsorptionReport.to_dict` is the JSON the report has always
been (the same keys in the same order), and :meth:`AbsorptionReport.from_dict` reads it back,
including snapshots frozen by earlier versions: theirs have no ``funnel_computed_at``, and the
oldest have funnel rows without ``from_previous``.

Money is whole rupiah (int); percentages are strings with two decimals (``"12.34"``); moments
are ISO 8601 text in Jakarta time, so the JSON carries no floats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from typing import Any, ClassVar

from harkat.core.dates import format_datetime

REPORT_VERSION = 1

#: How the funnel's conversion is defined, said on the page, in the PDF and in the XLSX.
CONVERSION_NOTE = (
    "Konversi = persentase UMKM di tahap sebelumnya yang juga sudah mencapai tahap ini. "
    "Tahap tidak selalu dilalui berurutan (misalnya UMKM dapat diskrining tanpa lulus "
    "pelatihan), sehingga jumlah suatu tahap dapat lebih besar dari tahap sebelumnya; "
    "konversi tidak pernah melebihi 100%."
)

#: The wording of snapshots closed while a conversion was one stage divided by the one before.
RATIO_CONVERSION_NOTE = (
    "Konversi pada laporan beku ini = jumlah tahap ini dibagi jumlah tahap sebelumnya "
    "(cara hitung lama; dapat melebihi 100% karena tahap tidak selalu berurutan)."
)


@dataclass(frozen=True)
class Tally:
    """A number of loans or referrals and their rupiah."""

    count: int
    amount: int


@dataclass(frozen=True)
class Period:
    """The month's first and last day (ISO dates)."""

    start: str
    end: str


@dataclass(frozen=True)
class Fund:
    """The fund ceiling and what the banks were allocated for the report's year."""

    ceiling: int
    #: The year whose bank allocations are summed.
    year: int
    allocated: int


@dataclass(frozen=True)
class Adjustment:
    """Loans of one closed month entered after its closing (``month`` is ``YYYY-MM``)."""

    month: str
    count: int
    amount: int


@dataclass(frozen=True)
class Adjustments:
    """Loans of closed earlier months entered during this month, by the month they belong to."""

    count: int
    amount: int
    items: list[Adjustment]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Adjustments:
        return cls(data["count"], data["amount"], [Adjustment(**i) for i in data["items"]])


@dataclass(frozen=True)
class Cumulative:
    """Everything disbursed up to the month's end, against the fund ceiling."""

    count: int
    amount: int
    absorption_percent: str | None
    remaining: int


@dataclass(frozen=True)
class BankRow:
    """One partner bank against its allocation for the year."""

    code: str
    name: str
    allocation: int
    month_count: int
    month_amount: int
    year_amount: int
    cumulative_amount: int
    allocation_percent: str | None


@dataclass(frozen=True)
class Pipeline:
    """Referrals standing at the month's end in the states before a loan."""

    submitted: Tally
    in_review: Tally
    approved: Tally

    LABELS: ClassVar[dict[str, str]] = {
        "submitted": "Diajukan, belum ditelaah",
        "in_review": "Ditelaah / perlu kelengkapan",
        "approved": "Disetujui, belum cair",
    }

    def stages(self) -> list[tuple[str, str, Tally]]:
        """``(key, label, tally)`` of each state, in the order the report shows them."""
        return [(key, label, getattr(self, key)) for key, label in self.LABELS.items()]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pipeline:
        return cls(**{key: Tally(**data[key]) for key in cls.LABELS})


@dataclass(frozen=True)
class BreakdownRow:
    """One group of a breakdown: its loans this month and up to the month's end."""

    key: str
    label: str
    month_count: int
    month_amount: int
    cumulative_count: int
    cumulative_amount: int
    #: This group's part of the breakdown's cumulative rupiah.
    share_percent: str | None


@dataclass(frozen=True)
class Breakdown:
    """Loans grouped by one dimension (bank, kecamatan, sector …): the largest group first,
    loan sizes smallest bracket first."""

    title: str
    rows: list[BreakdownRow]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Breakdown:
        return cls(data["title"], [BreakdownRow(**row) for row in data["rows"]])


@dataclass(frozen=True)
class FunnelStage:
    """People who reached a stage of the journey by the month's end."""

    stage: str
    label: str
    count: int
    #: How many of them reached the stage before too (None for the first stage).
    from_previous: int | None
    conversion_percent: str | None
    #: The screened stage only: people by the outcome of their latest screening.
    outcomes: dict[str, int] | None = None

    def to_dict(self, with_overlap: bool = True) -> dict:
        row: dict[str, Any] = {"stage": self.stage, "label": self.label, "count": self.count}
        if with_overlap:
            row["from_previous"] = self.from_previous
        row["conversion_percent"] = self.conversion_percent
        if self.outcomes is not None:
            row["outcomes"] = dict(self.outcomes)
        return row

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FunnelStage:
        return cls(
            data["stage"],
            data["label"],
            data["count"],
            data.get("from_previous"),
            data["conversion_percent"],
            data.get("outcomes"),
        )


@dataclass(frozen=True)
class StageGap:
    """The median whole days from one stage to the next, over the people who reached both."""

    from_stage: str
    to_stage: str
    label: str
    median_days: int | None
    cases: int

    def to_dict(self) -> dict:
        return {
            "from": self.from_stage,
            "to": self.to_stage,
            "label": self.label,
            "median_days": self.median_days,
            "cases": self.cases,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StageGap:
        return cls(data["from"], data["to"], data["label"], data["median_days"], data["cases"])


@dataclass(frozen=True)
class Rejection:
    """Referrals rejected for one reason: this month and up to the month's end."""

    code: str
    label: str
    month: int
    cumulative: int


@dataclass(frozen=True)
class ScreeningTotals:
    """The month's screenings (each person's newest), their outcomes and what they found."""

    screened: int
    hijau: int
    kuning: int
    merah: int
    illegal_pinjol: int
    loan_shark: int
    formal_arrears: int
    take_over_amount: int


@dataclass(frozen=True)
class RateBand:
    """How many screened debts carry a yearly rate in one band."""

    label: str
    debts: int


@dataclass(frozen=True)
class KecamatanFindings:
    """The screening findings of one kecamatan in one month (``YYYY-MM``)."""

    kecamatan: str
    month: str
    screened: int
    illegal_pinjol: int
    loan_shark: int
    formal_arrears: int
    hijau: int
    kuning: int
    merah: int
    take_over_amount: int
    kecamatan_name: str


@dataclass(frozen=True)
class ScreeningFindings:
    """What the month's debt screenings found, in total and by kecamatan."""

    totals: ScreeningTotals
    high_cost_outstanding: int
    rate_distribution: list[RateBand]
    by_kecamatan: list[KecamatanFindings]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScreeningFindings:
        return cls(
            ScreeningTotals(**data["totals"]),
            data["high_cost_outstanding"],
            [RateBand(**band) for band in data["rate_distribution"]],
            [KecamatanFindings(**row) for row in data["by_kecamatan"]],
        )


@dataclass(frozen=True)
class Repayment:
    """Outstanding principal and NPL as the banks last reported them."""

    loans: int
    outstanding: int
    npl_outstanding: int
    npl_loans: int
    npl_percent: str | None
    arrears_loans: int


@dataclass(frozen=True)
class Forecast:
    """When the fund is absorbed at the pace of the last three months, and whether that meets
    the yearly target."""

    pace_per_month: int
    #: This month first.
    last_three_months: list[int]
    remaining: int
    #: None when nothing is being disbursed; 0 when the fund is already absorbed.
    months_to_full: int | None
    #: ``YYYY-MM``; None beyond a century or without a pace.
    full_by: str | None
    target_percent: str | None
    target_by: str | None
    projected_at_target: int | None
    projected_percent_at_target: str | None
    on_track: bool | None


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend: its disbursement, the cumulative since January and the
    cumulative target for the month (None without a target)."""

    month: str
    label: str
    amount: int
    cumulative: int
    target_cumulative: int | None


@dataclass(frozen=True)
class Trend:
    """Twelve months of disbursement up to the report's month, oldest first.

    The page's SVG and the PDF's drawing both plot it; the lines they draw are worked out
    here, once.
    """

    points: list[TrendPoint]

    @cached_property
    def peak(self) -> int:
        """The largest value any series reaches (at least 1, to scale a chart by)."""
        values = [1]
        for point in self.points:
            values += [point.amount, point.cumulative, point.target_cumulative or 0]
        return max(values)

    @cached_property
    def cumulative_lines(self) -> list[list[tuple[int, int]]]:
        """The yearly cumulative as one run of ``(index, value)`` per year."""
        return self._year_runs("cumulative")

    @cached_property
    def target_lines(self) -> list[list[tuple[int, int]]]:
        """The cumulative target as one run per year (months without a target end a run)."""
        return self._year_runs("target_cumulative")

    def _year_runs(self, key: str) -> list[list[tuple[int, int]]]:
        """Split a series into one run of ``(index, value)`` per year.

        The cumulative figures and their targets restart each January, so a line drawn
        through December into January would fall like a crash; each year gets its own line.
        """
        runs: list[list[tuple[int, int]]] = []
        current: list[tuple[int, int]] = []
        for index, point in enumerate(self.points):
            value = getattr(point, key)
            if value is None or point.month.endswith("-01"):
                if current:
                    runs.append(current)
                current = []
            if value is not None:
                current.append((index, value))
        if current:
            runs.append(current)
        return runs

    def to_list(self) -> list[dict]:
        return [asdict(point) for point in self.points]

    @classmethod
    def from_list(cls, points: list[Mapping[str, Any]]) -> Trend:
        return cls([TrendPoint(**point) for point in points])


@dataclass(frozen=True)
class Closed:
    """When a month was closed (ISO, Jakarta time) and by whom (their full name)."""

    at: str
    by: str


@dataclass(frozen=True)
class AbsorptionReport:
    """The monthly absorption report: one computed result that every format renders."""

    month: str
    month_label: str
    period: Period
    generated_at: str
    fund: Fund
    month_disbursed: Tally
    adjustments: Adjustments
    cumulative: Cumulative
    banks: list[BankRow]
    pipeline: Pipeline
    #: By dimension (``bank``, ``kecamatan``, … ``size``), in the order the report shows them.
    breakdowns: dict[str, Breakdown]
    funnel: list[FunnelStage]
    #: When the funnel, its median days and the screening findings were counted (an open month
    #: reuses them for a while; money is always live). None in snapshots older than that.
    funnel_computed_at: str | None
    median_days: list[StageGap]
    rejections: list[Rejection]
    screening: ScreeningFindings
    repayment: Repayment
    forecast: Forecast
    trend: Trend
    closed: Closed | None = None
    version: int = REPORT_VERSION
    #: False for snapshots closed while a conversion was one stage's count divided by the one
    #: before (their funnel rows have no ``from_previous``): they keep the wording of their time.
    conversions_are_shares: bool = True

    def closed_by(self, at: str, by: str) -> AbsorptionReport:
        """The same figures, marked as frozen at ``at`` by ``by``."""
        return replace(self, closed=Closed(at, by))

    def funnel_note(self) -> str | None:
        """Say when the funnel was computed, if earlier than the rest of an open month's
        report."""
        at = self.funnel_computed_at
        if self.closed or not at or at[:16] == self.generated_at[:16]:
            return None
        return (
            f"Corong, waktu tempuh dan hasil skrining dihitung {format_datetime(at)}; "
            "angka dana selalu terkini."
        )

    def conversion_note(self) -> str:
        """How the funnel's conversion is defined."""
        if self.funnel and not self.conversions_are_shares:
            return RATIO_CONVERSION_NOTE
        return CONVERSION_NOTE

    def to_dict(self) -> dict:
        """The report as JSON-ready data: the JSON file, the API and a closed month's
        snapshot."""
        # Snapshots older than the funnel's cache have no such key, and keep not having it.
        computed_at = self.funnel_computed_at
        return {
            "report": "absorption",
            "version": self.version,
            "month": self.month,
            "month_label": self.month_label,
            "period": asdict(self.period),
            "generated_at": self.generated_at,
            "fund": asdict(self.fund),
            "month_disbursed": asdict(self.month_disbursed),
            "adjustments": asdict(self.adjustments),
            "cumulative": asdict(self.cumulative),
            "banks": [asdict(bank) for bank in self.banks],
            "pipeline": asdict(self.pipeline),
            "breakdowns": {key: asdict(block) for key, block in self.breakdowns.items()},
            "funnel": [row.to_dict(self.conversions_are_shares) for row in self.funnel],
            **({} if computed_at is None else {"funnel_computed_at": computed_at}),
            "median_days": [gap.to_dict() for gap in self.median_days],
            "rejections": [asdict(rejection) for rejection in self.rejections],
            "screening": self.screening.to_dict(),
            "repayment": asdict(self.repayment),
            "forecast": asdict(self.forecast),
            "trend": self.trend.to_list(),
            "closed": None if self.closed is None else asdict(self.closed),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AbsorptionReport:
        """Read the report back from :meth:`to_dict`'s data, or from a snapshot stored by any
        earlier version."""
        funnel = data["funnel"]
        return cls(
            month=data["month"],
            month_label=data["month_label"],
            period=Period(**data["period"]),
            generated_at=data["generated_at"],
            fund=Fund(**data["fund"]),
            month_disbursed=Tally(**data["month_disbursed"]),
            adjustments=Adjustments.from_dict(data["adjustments"]),
            cumulative=Cumulative(**data["cumulative"]),
            banks=[BankRow(**bank) for bank in data["banks"]],
            pipeline=Pipeline.from_dict(data["pipeline"]),
            breakdowns={key: Breakdown.from_dict(b) for key, b in data["breakdowns"].items()},
            funnel=[FunnelStage.from_dict(row) for row in funnel],
            funnel_computed_at=data.get("funnel_computed_at"),
            median_days=[StageGap.from_dict(gap) for gap in data["median_days"]],
            rejections=[Rejection(**rejection) for rejection in data["rejections"]],
            screening=ScreeningFindings.from_dict(data["screening"]),
            repayment=Repayment(**data["repayment"]),
            forecast=Forecast(**data["forecast"]),
            trend=Trend.from_list(data["trend"]),
            closed=Closed(**data["closed"]) if data.get("closed") else None,
            version=data.get("version", REPORT_VERSION),
            conversions_are_shares=not funnel or "from_previous" in funnel[-1],
        )
