from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harkat.core.money import (
    MAX_RUPIAH,
    format_percent,
    format_rupiah,
    parse_rupiah,
    round_rupiah,
)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "Rp0"),
        (999, "Rp999"),
        (1_234_567, "Rp1.234.567"),
        (110_000_000_000, "Rp110.000.000.000"),
        (-5_000, "-Rp5.000"),
        (Decimal("1500.5"), "Rp1.501"),
        (None, "—"),
    ],
)
def test_rupiah_is_shown_the_indonesian_way(amount, shown):
    assert format_rupiah(amount) == shown


def test_rounding_is_half_up_not_bankers():
    assert round_rupiah(Decimal("2.5")) == 3
    assert round_rupiah(Decimal("3.5")) == 4
    assert round_rupiah(Decimal("-2.5")) == -3
    assert round_rupiah(Decimal("2.49")) == 2


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("3"), "3%"), (Decimal("12.5"), "12,5%"), (Decimal("438.123"), "438,12%")],
)
def test_percent_uses_a_decimal_comma(value, shown):
    assert format_percent(value) == shown


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Rp 5.000.000", 5_000_000),
        ("Rp5.000.000", 5_000_000),
        ("5.000.000,00", 5_000_000),
        ("5jt", 5_000_000),
        ("5 juta", 5_000_000),
        ("2,5 juta", 2_500_000),
        ("2.5jt", 2_500_000),
        ("750rb", 750_000),
        ("Rp 110 miliar", 110_000_000_000),
        ("12345", 12_345),
        ("1.000.000,50", 1_000_001),
    ],
)
def test_amounts_are_read_as_people_write_them(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize("text", ["", "abc", "1.5", "1.000.0", "5,0,0", "Rp", "jt"])
def test_nonsense_amounts_are_refused_in_indonesian(text):
    with pytest.raises(ValueError, match="uang"):
        parse_rupiah(text)


@given(st.integers(min_value=0, max_value=MAX_RUPIAH))
def test_formatted_amounts_parse_back(amount):
    assert parse_rupiah(format_rupiah(amount)) == amount


def test_amounts_beyond_any_micro_enterprise_are_refused():
    with pytest.raises(ValueError, match="Jumlah terlalu besar"):
        parse_rupiah("Rp 1.000.000.000.001")
    with pytest.raises(ValueError, match="Jumlah terlalu besar"):
        parse_rupiah("9" * 25)
