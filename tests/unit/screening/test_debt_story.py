"""One consistent story about debts (issue 14 §5): market-rate bank loans, the illegal-lender
payoff cap, unknown licences, a take-over that costs more, and DSR judged unrounded."""

from dataclasses import replace
from decimal import Decimal

import pytest

from harkat.screening.engine import (
    ILLEGAL_PAYOFF_GUIDANCE,
    Debt,
    Flag,
    Frequency,
    Household,
    LenderType,
    Outcome,
    format_ratio_percent,
    screen,
)

HOUSEHOLD = Household(business_income=5_000_000)


def test_a_kur_and_an_eleven_percent_flat_bank_loan_are_not_high_cost():
    # KUR 6% a year effective: Rp24.000.000 over 36 months, Rp730.133 a month.
    kur = Debt(
        "Bank Jambi (KUR)", LenderType.BANK, 24_000_000, 20_530_000, 730_133,
        Frequency.MONTHLY, 36, instalments_paid=6,
    )  # fmt: skip
    # 11% flat for a year: Rp10.000.000 + Rp1.100.000 interest in 12 instalments of Rp925.000.
    flat = Debt(
        "BRI (kredit umum)", LenderType.BANK, 10_000_000, 8_325_000, 925_000,
        Frequency.MONTHLY, 12, instalments_paid=3,
    )  # fmt: skip
    result = screen([kur, flat], Household(business_income=20_000_000))

    rate = result.debts[1].rate
    assert Decimal(19) < rate.nominal_annual_percent < Decimal(21)  # ~19,6% nominal
    assert Decimal(20) < rate.effective_annual_percent < Decimal(23)  # ~21,5% effective
    assert not any(a.is_high_cost for a in result.debts)
    assert Flag.HIGH_COST not in result.flags
    assert result.outcome is Outcome.HIJAU
    assert not any(
        "berbiaya tinggi" in text and "Tidak ada" not in text for text in result.reason_texts
    )


def test_the_headline_rate_is_labelled_nominal():
    shark = Debt("Pak Udin", LenderType.RENTENIR, 1_000_000, 1_200_000, 40_000, Frequency.DAILY, 30)
    result = screen([shark], HOUSEHOLD)
    assert (
        "Utang ke Pak Udin setara bunga nominal 445% per tahun; BANK HARKAT 3% per tahun."
        in result.reason_texts
    )


def _illegal(**changes) -> Debt:
    debt = Debt(
        lender_name="Dana Kilat",
        lender_type=LenderType.PINJOL_ILEGAL,
        principal=1_000_000,
        outstanding=2_400_000,
        instalment=300_000,
        frequency=Frequency.WEEKLY,
        instalments_total=10,
    )
    return replace(debt, **changes)


def test_an_illegal_lender_is_offered_the_principal_minus_what_was_repaid():
    result = screen([_illegal(instalments_paid=2)], HOUSEHOLD)

    assert result.take_over.amount == 1_000_000 - 2 * 300_000 == 400_000
    (text,) = [t for t in result.reason_texts if t.startswith("Pengambilalihan utang ke")]
    assert "paling banyak Rp400.000" in text
    assert "pokok yang diterima Rp1.000.000 dikurangi yang sudah dibayar Rp600.000" in text
    assert "bukan tagihan Rp2.400.000" in text
    assert ILLEGAL_PAYOFF_GUIDANCE in text and "Satgas PASTI" in text


def test_a_total_repaid_given_by_the_entrepreneur_wins_over_the_instalment_count():
    result = screen([_illegal(instalments_paid=1, amount_repaid=900_000)], HOUSEHOLD)
    assert result.take_over.amount == 100_000


def test_an_illegal_lender_repaid_beyond_the_principal_gets_nothing_more():
    result = screen([_illegal(instalments_paid=4)], HOUSEHOLD)
    assert result.take_over.debts[0].take_over_amount == 0
    assert result.take_over.amount == 0
    assert result.outcome is Outcome.KUNING  # still an illegal lender to report


def test_when_nothing_says_what_was_repaid_the_principal_is_proposed_and_said_so():
    result = screen([_illegal()], HOUSEHOLD)
    assert result.take_over.amount == 1_000_000
    (text,) = [t for t in result.reason_texts if t.startswith("Pengambilalihan utang ke")]
    assert "belum tercatat berapa yang sudah dibayar, jadi diusulkan sebesar pokok" in text


def test_a_licensed_lender_and_an_unknown_one_are_paid_their_outstanding():
    licensed = _illegal(lender_type=LenderType.PINDAR, is_licensed=True, outstanding=1_100_000)
    unknown = _illegal(lender_type=LenderType.PINDAR, is_licensed=None, outstanding=1_100_000)
    for debt in (licensed, unknown):
        result = screen([debt], HOUSEHOLD)
        assert result.take_over.amount == 1_100_000


def test_an_admin_override_sets_the_payoff_and_says_who_decided():
    result = screen([_illegal(instalments_paid=2, take_over_override=2_400_000)], HOUSEHOLD)
    assert result.take_over.amount == 2_400_000
    assert (
        "Admin menetapkan pengambilalihan utang ke Dana Kilat sebesar Rp2.400.000 "
        "(alasan tercatat di log audit)." in result.reason_texts
    )


def test_an_unknown_licence_is_said_with_its_reason_and_never_called_illegal():
    pindar = _illegal(lender_type=LenderType.PINDAR, is_licensed=None, outstanding=1_100_000)
    result = screen(
        [pindar], HOUSEHOLD, licence_unknown_reason="daftar pinjaman daring berizin masih kosong"
    )
    assert Flag.ILLEGAL_PINJOL not in result.flags
    assert not any("ilegal" in text for text in result.reason_texts)
    assert (
        "Status izin OJK Dana Kilat belum diketahui: daftar pinjaman daring berizin masih kosong. "
        "Pastikan di situs OJK atau Kontak OJK 157 sebelum dirujuk." in result.reason_texts
    )


def test_a_take_over_that_costs_more_in_total_says_so():
    # Two monthly instalments of Rp300.000 left; a 12-month take-over pays Rp609.795 in all.
    koperasi = Debt(
        "Koperasi Maju", LenderType.KOPERASI, 1_500_000, 600_000, 300_000, Frequency.MONTHLY, 6,
        instalments_paid=4,
    )  # fmt: skip
    result = screen([koperasi], Household(business_income=1_000_000), proposed_instalment=200_000)
    assert result.take_over.money_saved < 0
    assert result.take_over_required
    assert any(
        "lebih mahal daripada melanjutkan utang lama" in text for text in result.reason_texts
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("30.04", "30,04%"),
        ("29.96", "29,96%"),
        ("30", "30%"),
        ("30.05", "30,1%"),
        ("35.44", "35,4%"),
        ("40.00004", "40,00004%"),
    ],
)
def test_a_dsr_is_shown_with_the_decimals_that_keep_it_on_its_side_of_a_limit(value, shown):
    assert format_ratio_percent(Decimal(value), 30, 40) == shown
