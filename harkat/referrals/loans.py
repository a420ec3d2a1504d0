"""Loan arithmetic for BANK HARKAT: annuity and flat schedules, the effective rate of a flat
loan, and the amount in words. Pure: no Flask, no database.

Rules (DESIGN §4): money in whole rupiah, arithmetic in ``Decimal``, half-up rounding; each
row's figures are rounded and the last row absorbs the difference, so the principal column sums
to the loan exactly. A zero rate is valid.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from harkat.core.enums import LoanMethod
from harkat.core.money import round_rupiah, terbilang
from harkat.screening.engine import Frequency, effective_annual_rate

MAX_MONTHS = 120
MAX_PRINCIPAL = 10_000_000_000


class LoanInputError(ValueError):
    """The loan asked for cannot be calculated; ``field`` names the input (Indonesian message)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    due_on: date | None
    instalment: int
    interest: int
    principal: int
    remaining: int


@dataclass(frozen=True)
class Schedule:
    method: LoanMethod
    principal: int
    annual_rate_percent: Decimal
    months: int
    start_on: date | None
    rows: tuple[ScheduleRow, ...]
    #: The regular monthly instalment (the last may differ by rounding).
    instalment: int
    total_paid: int
    total_interest: int
    #: The yearly rate the cash flows really cost; for flat loans well above the quoted rate.
    effective_annual_rate_percent: Decimal

    @property
    def principal_in_words(self) -> str:
        return terbilang(self.principal)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _check(principal: int, annual_rate_percent: Decimal, months: int) -> None:
    if principal <= 0:
        raise LoanInputError("principal", "Jumlah pinjaman harus lebih dari nol.")
    if principal > MAX_PRINCIPAL:
        raise LoanInputError("principal", "Jumlah pinjaman terlalu besar untuk kredit mikro.")
    if not 1 <= months <= MAX_MONTHS:
        raise LoanInputError("months", f"Tenor harus 1 sampai {MAX_MONTHS} bulan.")
    if not Decimal(0) <= annual_rate_percent <= Decimal(100):
        raise LoanInputError("annual_rate", "Bunga per tahun harus antara 0% dan 100%.")


def _annuity_payment(principal: Decimal, monthly_rate: Decimal, months: int) -> Decimal:
    if monthly_rate == 0:
        return principal / months
    factor = (1 + monthly_rate) ** months
    return principal * monthly_rate * factor / (factor - 1)


def schedule(
    principal: int,
    annual_rate_percent: Decimal | int | str,
    months: int,
    method: LoanMethod = LoanMethod.ANUITAS,
    start_on: date | None = None,
) -> Schedule:
    """Build the full repayment schedule of a loan.

    *Anuitas*: equal instalments; each month's interest is the rate on what remains.
    *Flat*: interest on the original principal every month, principal repaid in equal parts.

    :param start_on: the disbursement date; instalments fall due monthly after it.
    :raise LoanInputError: naming the field that cannot be used.
    """
    rate = Decimal(str(annual_rate_percent))
    _check(principal, rate, months)
    monthly_rate = rate / 100 / 12
    rows: list[ScheduleRow] = []
    remaining = principal
    if method == LoanMethod.ANUITAS:
        payment = round_rupiah(_annuity_payment(Decimal(principal), monthly_rate, months))
        for number in range(1, months + 1):
            interest = round_rupiah(Decimal(remaining) * monthly_rate)
            part = remaining if number == months else min(payment - interest, remaining)
            instalment = part + interest
            remaining -= part
            rows.append(_row(number, start_on, instalment, interest, part, remaining))
    else:
        interest = round_rupiah(Decimal(principal) * rate / 100 / 12)
        part = round_rupiah(Decimal(principal) / months)
        payment = part + interest
        for number in range(1, months + 1):
            this_part = remaining if number == months else part
            remaining -= this_part
            rows.append(
                _row(number, start_on, this_part + interest, interest, this_part, remaining)
            )
    total_paid = sum(row.instalment for row in rows)
    # The rate is read off the level instalment; when rounding to whole rupiah made that too
    # small to repay a tiny loan (Rp1.985 over 55 months: 55 × Rp36 < Rp1.985, the last row
    # makes up the difference), the average instalment stands in for it.
    level = payment if payment * months >= principal else Decimal(total_paid) / months
    effective = (
        Decimal(0)
        if total_paid == principal
        else effective_annual_rate(
            principal, level, months, Frequency.MONTHLY
        ).nominal_annual_percent
    )
    return Schedule(
        method=method,
        principal=principal,
        annual_rate_percent=rate,
        months=months,
        start_on=start_on,
        rows=tuple(rows),
        instalment=payment,
        total_paid=total_paid,
        total_interest=total_paid - principal,
        effective_annual_rate_percent=effective,
    )


def _row(
    number: int, start_on: date | None, instalment: int, interest: int, part: int, remaining: int
) -> ScheduleRow:
    due_on = add_months(start_on, number) if start_on else None
    return ScheduleRow(number, due_on, instalment, interest, part, remaining)
