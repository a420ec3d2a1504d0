"""What a debt really costs: worked examples with known answers, properties, and bad input."""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from harkat.errors import StopValidation
from harkat.screening.engine import (
    Debt,
    Frequency,
    LenderType,
    LoanShapeError,
    bullet_rate,
    effective_annual_rate,
    format_rate_percent,
    monthly_annuity,
)


def discounted(rate: Decimal, instalment: int, count: int) -> Decimal:
    """Sum every instalment discounted one by one (not the closed form the engine uses)."""
    with localcontext() as ctx:
        ctx.prec = 60
        factor = 1 / (1 + rate)
        weight, total = Decimal(1), Decimal(0)
        for _ in range(count):
            weight *= factor
            total += instalment * weight
        return total


def bisect_float(principal: float, instalment: float, count: int) -> float:
    """An independent solver in plain floats, on the explicit sum."""
    low, high = 0.0, instalment / principal
    for _ in range(200):
        middle = (low + high) / 2
        value = sum(instalment / (1 + middle) ** k for k in range(1, count + 1))
        low, high = (middle, high) if value > principal else (low, middle)
    return (low + high) / 2


# --------------------------------------------------------------------------- worked examples


def test_daily_loan_of_one_million_repaid_at_40_thousand_for_30_days():
    rate = effective_annual_rate(1_000_000, 40_000, 30, Frequency.DAILY)

    assert float(rate.periodic) == pytest.approx(bisect_float(1e6, 4e4, 30), rel=1e-9)
    assert rate.periodic.quantize(Decimal("0.00001")) == Decimal("0.01219")  # 1,219% a day
    assert abs(discounted(rate.periodic, 40_000, 30) - 1_000_000) < 1
    assert rate.nominal_annual_percent == Decimal("445.0")  # 1,219% x 365
    assert rate.effective_annual_percent == Decimal("8232.5")  # 1,01219^365 - 1
    assert rate.headline == "setara bunga nominal 445% per tahun"


def test_weekly_bank_keliling_loan():
    # Rp500.000 received, Rp40.000 a week for 16 weeks (Rp640.000 in all).
    rate = effective_annual_rate(500_000, 40_000, 16, Frequency.WEEKLY)

    assert float(rate.periodic) == pytest.approx(bisect_float(5e5, 4e4, 16), rel=1e-9)
    assert abs(discounted(rate.periodic, 40_000, 16) - 500_000) < 1
    assert rate.nominal_annual_percent == Decimal("159.3")
    assert rate.effective_annual_percent == Decimal("380.3")


def test_licensed_pinjol_at_the_legal_daily_cap():
    # OJK caps consumptive pindar at 0,3% a day: Rp1.000.000 for 30 days costs Rp90.000.
    rate = bullet_rate(1_000_000, 1_090_000, 30)

    assert rate.periodic == Decimal("0.09")
    assert rate.nominal_annual_percent == Decimal("109.5")  # 0,3% x 365
    assert rate.effective_annual_percent == Decimal("185.3")  # 1,09^(365/30) - 1
    # Entered as one monthly instalment instead, a 30-day month reads a little lower.
    monthly = effective_annual_rate(1_000_000, 1_090_000, 1, Frequency.MONTHLY)
    assert monthly.nominal_annual_percent == Decimal("108.0")
    assert monthly.effective_annual_percent == Decimal("181.3")


def test_a_bullet_debt_uses_its_term_in_days():
    debt = Debt(
        "Dana Kilat", LenderType.PINDAR, 1_000_000, 1_090_000, 1_090_000, Frequency.DAILY, 1,
        is_licensed=True, term_days=30,
    )  # fmt: skip
    assert debt.rate() == bullet_rate(1_000_000, 1_090_000, 30)


def test_three_percent_flat_costs_almost_twice_three_percent_annuity():
    amount, months = 12_000_000, 12
    flat_instalment = (amount + amount * 3 // 100) // months  # Rp1.030.000
    annuity_instalment = round(monthly_annuity(amount, 3, months))  # Rp1.016.324

    flat = effective_annual_rate(amount, flat_instalment, months, Frequency.MONTHLY)
    annuity = effective_annual_rate(amount, annuity_instalment, months, Frequency.MONTHLY)

    assert flat_instalment == 1_030_000
    assert annuity_instalment == 1_016_324
    assert flat.nominal_annual_percent == Decimal("5.5")
    assert flat.effective_annual_percent == Decimal("5.6")
    assert annuity.nominal_annual_percent == Decimal("3.0")
    assert annuity.effective_annual_percent == Decimal("3.0")


def test_zero_rate_is_valid():
    rate = effective_annual_rate(1_200_000, 100_000, 12, Frequency.MONTHLY)
    assert rate.periodic == 0
    assert rate.nominal_annual_percent == rate.effective_annual_percent == 0
    assert rate.headline == "tanpa bunga (0% per tahun)"
    assert monthly_annuity(1_200_000, 0, 12) == 100_000


def test_solver_handles_rates_far_above_5000_percent_a_year():
    # Rp500.000 received, Rp150.000 a day for 7 days: the kind of pinjol ilegal deal that ruins.
    rate = effective_annual_rate(500_000, 150_000, 7, Frequency.DAILY)
    assert abs(discounted(rate.periodic, 150_000, 7) - 500_000) < 1
    assert rate.nominal_annual_percent == Decimal("8368.5")
    assert rate.effective_annual_percent > 10**34
    # The most extreme loan the shape checks let through still solves.
    extreme = effective_annual_rate(1_000, 100_000, 1, Frequency.DAILY)
    assert extreme.periodic == 99
    assert extreme.nominal_annual_percent == Decimal(99 * 365 * 100)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("445.0"), "445%"),
        (Decimal("8232.5"), "8.232,5%"),
        (Decimal("28.5"), "28,5%"),
        (3, "3%"),
        (Decimal("1234567.04"), "1.234.567%"),
    ],
)
def test_rates_are_shown_the_indonesian_way(value, shown):
    assert format_rate_percent(value) == shown


# --------------------------------------------------------------------------- properties

frequencies = st.sampled_from(list(Frequency))


@st.composite
def loans(draw):
    """A loan built from a known nominal yearly rate, with instalments rounded up to rupiah."""
    frequency = draw(frequencies)
    count = draw(st.integers(1, {"daily": 3650, "weekly": 520, "monthly": 120}[frequency.value]))
    principal = draw(st.integers(50_000, 500_000_000))
    nominal_percent = draw(st.decimals(0, 6000, places=1))
    periodic = nominal_percent / 100 / frequency.periods_per_year
    if periodic:
        exact = principal * periodic / (1 - (1 + periodic) ** -count)
    else:
        exact = Decimal(principal) / count
    instalment = int(exact.to_integral_value(rounding=ROUND_CEILING))
    assume(instalment <= principal * 100)
    return principal, instalment, count, frequency, periodic


@settings(max_examples=150, deadline=None)
@given(loans())
def test_solved_rate_reproduces_the_cash_flows(loan):
    principal, instalment, count, frequency, built_from = loan
    rate = effective_annual_rate(principal, instalment, count, frequency)

    assert abs(discounted(rate.periodic, instalment, count) - principal) < 1
    # Rounding instalments up can only make the loan dearer, never cheaper.
    assert rate.periodic >= built_from * (1 - Decimal("1e-12"))
    assert rate.nominal_annual_percent == (
        rate.periodic * frequency.periods_per_year * 100
    ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert rate.effective_annual_percent >= rate.nominal_annual_percent - Decimal("0.1")


@settings(max_examples=60, deadline=None)
@given(st.integers(10_000, 50_000_000), st.integers(1, 400), frequencies, st.integers(0, 10**6))
def test_a_larger_instalment_always_means_a_higher_rate(principal, count, frequency, extra):
    base = -(-principal // count)  # the smallest instalment that repays the principal
    assume(base + extra + 1 <= principal * 100)
    lower = effective_annual_rate(principal, base + extra, count, frequency)
    higher = effective_annual_rate(principal, base + extra + 1, count, frequency)
    assert higher.periodic > lower.periodic


@settings(max_examples=60, deadline=None)
@given(st.integers(10_000, 10**9), st.integers(0, 99_000), st.integers(1, 3650))
def test_bullet_rate_reproduces_the_repayment(principal, extra_permille, days):
    repayment = principal + principal * extra_permille // 1000
    rate = bullet_rate(principal, repayment, days)
    assert abs(principal * (1 + rate.periodic) - repayment) < 1


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("principal", "instalment", "count", "field"),
    [
        (0, 40_000, 30, "principal"),
        (-1_000_000, 40_000, 30, "principal"),
        (1_000_000, 0, 30, "instalment"),
        (1_000_000, -40_000, 30, "instalment"),
        (1_000_000, 40_000, 0, "instalments_total"),
        (1_000_000, 40_000, -3, "instalments_total"),
        (1_000_000, 40_000, 3651, "instalments_total"),
        (10_000, 1_000_001, 1, "instalment"),
        (1_000_000, 30_000, 30, "instalment"),
    ],
)
def test_numbers_that_cannot_describe_a_loan_name_their_field(principal, instalment, count, field):
    with pytest.raises(LoanShapeError) as caught:
        effective_annual_rate(principal, instalment, count, Frequency.DAILY)
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_repaying_less_than_received_says_so_in_indonesian():
    with pytest.raises(LoanShapeError) as caught:
        effective_annual_rate(1_000_000, 30_000, 30, Frequency.DAILY)
    assert str(caught.value) == (
        "Total angsuran lebih kecil dari pinjaman yang diterima; "
        "periksa jumlah angsuran atau pokok."
    )


@pytest.mark.parametrize(
    ("principal", "repayment", "days", "field"),
    [
        (1_000_000, 1_090_000, 0, "term_days"),
        (1_000_000, 1_090_000, 3651, "term_days"),
        (1_000_000, 900_000, 30, "instalment"),
        (0, 900_000, 30, "principal"),
    ],
)
def test_bullet_rate_refuses_impossible_loans(principal, repayment, days, field):
    with pytest.raises(LoanShapeError) as caught:
        bullet_rate(principal, repayment, days)
    assert caught.value.field == field


def test_shape_errors_feed_the_usual_form_error_mapping():
    with pytest.raises(LoanShapeError) as caught:
        effective_annual_rate(1_000_000, 0, 30, Frequency.DAILY)
    stop = StopValidation.from_errors([caught.value])
    assert stop.reasons == {"instalment": ["Angsuran harus lebih dari Rp0."]}
