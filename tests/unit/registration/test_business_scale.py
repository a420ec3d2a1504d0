"""Business scale per PP 7/2021: blank is unknown, the known criterion decides, the higher wins."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harkat.registration.domain import BusinessScale, business_scale

JUTA, MILIAR = 1_000_000, 1_000_000_000
S = BusinessScale


@pytest.mark.parametrize(
    ("capital", "monthly_revenue", "scale"),
    [
        # The case: Rp200 juta a month is Rp2,4 miliar a year, above the mikro Rp2 M.
        (None, 200 * JUTA, S.KECIL),
        (None, None, S.UNKNOWN),
        (0, 0, S.MIKRO),  # a zero typed on purpose is known
        (None, 0, S.MIKRO),
        (300 * JUTA, None, S.MIKRO),
        (2 * MILIAR, None, S.KECIL),
        # Both known: the higher class, whichever criterion gives it.
        (300 * JUTA, 200 * JUTA, S.KECIL),
        (2 * MILIAR, 10 * JUTA, S.KECIL),
        (6 * MILIAR, 10 * JUTA, S.MENENGAH),
        (500 * JUTA, 5 * MILIAR, S.BESAR),
        (11 * MILIAR, None, S.BESAR),
        # Limits belong to the lower class: ≤ Rp1 M capital, ≤ Rp2 M sales a year, and so on.
        (1 * MILIAR, None, S.MIKRO),
        (1 * MILIAR + 1, None, S.KECIL),
        (5 * MILIAR, None, S.KECIL),
        (10 * MILIAR, None, S.MENENGAH),
        (10 * MILIAR + 1, None, S.BESAR),
        (None, 2 * MILIAR // 12, S.MIKRO),  # Rp166.666.666 × 12 stays under Rp2 M
        (None, 2 * MILIAR // 12 + 1, S.KECIL),
        (None, 15 * MILIAR // 12, S.KECIL),  # exactly Rp15 M a year
        (None, 50 * MILIAR // 12 + 1, S.BESAR),
    ],
)
def test_scale_of_known_and_unknown_figures(capital, monthly_revenue, scale):
    assert business_scale(capital, monthly_revenue) == scale


amounts = st.none() | st.integers(min_value=0, max_value=1_000_000_000_000)


@given(amounts, amounts)
def test_each_known_criterion_only_ever_raises_the_scale(capital, monthly_revenue):
    both = business_scale(capital, monthly_revenue)
    by_capital = business_scale(capital, None)
    by_sales = business_scale(None, monthly_revenue)
    assert both.rank == max(by_capital.rank, by_sales.rank)
    assert (both == S.UNKNOWN) == (capital is None and monthly_revenue is None)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_more_capital_never_lowers_the_scale(capital, extra):
    assert business_scale(capital + extra, None).rank >= business_scale(capital, None).rank
