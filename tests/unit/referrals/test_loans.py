"""Loan schedules against hand-checked figures (DESIGN §4 "Loan arithmetic")."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harkat.core.enums import LoanMethod
from harkat.referrals.loans import LoanInputError, add_months, schedule, terbilang

# Annuity instalments worked out by hand: P·r·(1+r)^n / ((1+r)^n − 1), r = 3%/12, half-up.
ANNUITY = [
    (1_000_000, 1, 1_002_500),
    (12_000_000, 12, 1_016_324),
    (10_000_000, 24, 429_812),
    (20_000_000, 36, 581_624),
]
# Flat: principal/n (rounded) + P·3%/12 every month.
FLAT = [
    (1_000_000, 1, 1_002_500, 1_002_500),
    (12_000_000, 12, 1_030_000, 12_360_000),
    (10_000_000, 24, 441_667, 10_600_000),
    (20_000_000, 36, 605_556, 21_800_000),
]


@pytest.mark.parametrize(("principal", "months", "instalment"), ANNUITY)
def test_annuity_instalments(principal, months, instalment):
    result = schedule(principal, Decimal(3), months, LoanMethod.ANUITAS)
    assert result.instalment == instalment
    assert sum(row.principal for row in result.rows) == principal
    assert result.rows[-1].remaining == 0
    assert all(row.instalment == row.interest + row.principal for row in result.rows)
    assert abs(result.rows[-1].instalment - instalment) <= months  # rounding lands on the last


@pytest.mark.parametrize(("principal", "months", "instalment", "total"), FLAT)
def test_flat_instalments_and_totals(principal, months, instalment, total):
    result = schedule(principal, Decimal(3), months, LoanMethod.FLAT)
    assert result.instalment == instalment
    assert result.total_paid == total
    assert sum(row.principal for row in result.rows) == principal
    assert {row.interest for row in result.rows} == {round(principal * 0.03 / 12)}


def test_first_annuity_rows_of_a_12_month_loan():
    rows = schedule(12_000_000, 3, 12, LoanMethod.ANUITAS, date(2026, 1, 31)).rows
    assert (rows[0].interest, rows[0].principal, rows[0].remaining) == (30_000, 986_324, 11_013_676)
    assert rows[1].interest == 27_534  # 11.013.676 × 0,25%
    assert [r.due_on for r in rows[:3]] == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_flat_costs_more_than_its_quoted_rate():
    flat = schedule(12_000_000, 3, 12, LoanMethod.FLAT)
    annuity = schedule(12_000_000, 3, 12, LoanMethod.ANUITAS)
    assert annuity.effective_annual_rate_percent == Decimal("3.0")
    assert flat.effective_annual_rate_percent == Decimal("5.5")
    assert flat.total_interest == 360_000 and annuity.total_interest == 195_891


@pytest.mark.parametrize("method", list(LoanMethod))
def test_zero_rate_is_valid(method):
    result = schedule(5_000_000, 0, 7, method)
    assert result.total_interest == 0 and result.effective_annual_rate_percent == 0
    assert [r.principal for r in result.rows] == [714_286] * 6 + [714_284]


@pytest.mark.parametrize(
    ("principal", "rate", "months", "field"),
    [
        (0, 3, 12, "principal"),
        (-5, 3, 12, "principal"),
        (1_000_000, 3, 0, "months"),
        (1_000_000, 3, 121, "months"),
        (1_000_000, -1, 12, "annual_rate"),
        (1_000_000, 101, 12, "annual_rate"),
    ],
)
def test_bad_input_names_the_field(principal, rate, months, field):
    with pytest.raises(LoanInputError) as error:
        schedule(principal, rate, months)
    assert error.value.field == field


@given(
    principal=st.integers(min_value=100_000, max_value=500_000_000),
    months=st.integers(min_value=1, max_value=120),
    rate=st.decimals(min_value=0, max_value=30, places=2),
    method=st.sampled_from(list(LoanMethod)),
)
def test_principal_always_sums_exactly(principal, months, rate, method):
    result = schedule(principal, rate, months, method)
    assert sum(row.principal for row in result.rows) == principal
    assert result.total_paid == sum(row.instalment for row in result.rows)
    assert all(row.principal >= 0 and row.interest >= 0 for row in result.rows)


def test_terbilang_and_month_ends():
    assert terbilang(1_250_000) == "satu juta dua ratus lima puluh ribu rupiah"
    assert terbilang(110_000_000_000) == "seratus sepuluh miliar rupiah"
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_a_tiny_loan_whose_rounded_instalment_falls_short_still_gets_a_schedule():
    # Found by schemathesis: 55 × Rp36 = Rp1.980 < Rp1.985; the last row makes up the rest.
    plan = schedule(1_985, "0.36", 55)
    assert plan.total_paid >= 1_985 and plan.rows[-1].remaining == 0
    assert Decimal("0") <= plan.effective_annual_rate_percent < Decimal("1")
