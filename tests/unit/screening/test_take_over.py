"""Take-over by a BANK HARKAT loan: which debts, how much, the new instalment, what it saves."""

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest

from harkat.screening.engine import (
    Debt,
    Frequency,
    Household,
    LenderType,
    Outcome,
    ScreeningInputError,
    screen,
    take_over,
)

KILAT = Debt(  # pinjol ilegal, 445% a year; 20 of 30 daily instalments left
    "Kredit Kilat", LenderType.PINJOL_ILEGAL, 1_000_000, 800_000, 40_000, Frequency.DAILY, 30,
    instalments_paid=10,
)  # fmt: skip
UDIN = Debt(  # bank keliling, 159,3% a year; 10 of 16 weekly instalments left
    "Pak Udin", LenderType.RENTENIR, 500_000, 400_000, 40_000, Frequency.WEEKLY, 16,
    instalments_paid=6,
)  # fmt: skip
BPR = Debt(  # 12% a year; 6 of 12 monthly instalments of Rp106.619 left, Rp600.000 to pay off
    "BPR Tanah Pilih", LenderType.BANK, 1_200_000, 600_000, 106_619, Frequency.MONTHLY, 12,
    instalments_paid=6,
)  # fmt: skip
KUR = Debt(  # 6% a year over 36 months: a 12-month take-over would raise the monthly burden
    "Bank Jambi (KUR)", LenderType.BANK, 24_000_000, 20_530_000, 730_133, Frequency.MONTHLY, 36,
    instalments_paid=6,
)  # fmt: skip
FAMILY = Debt(
    "Ibu Sari", LenderType.KELUARGA, 2_000_000, 1_000_000, 200_000, Frequency.MONTHLY, 10,
    instalments_paid=5,
)  # fmt: skip
HOUSEHOLD = Household(
    household_income=1_500_000, business_income=4_500_000, household_expenses=1_000_000
)


def annuity(amount: int, months: int = 12, yearly_percent: int = 3) -> Decimal:
    """The textbook annuity formula, written out again here."""
    i = Decimal(yearly_percent) / 1200
    return amount * i / (1 - (1 + i) ** -months)


def whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_take_over_pays_off_high_cost_debts_then_dear_formal_ones():
    plan = take_over([KUR, BPR, FAMILY, UDIN, KILAT], HOUSEHOLD)

    assert [a.debt.lender_name for a in plan.debts] == [
        "Kredit Kilat",
        "Pak Udin",
        "BPR Tanah Pilih",
    ]
    # The illegal pinjol is paid what it lent minus what it got back (Rp1.000.000 − 10 ×
    # Rp40.000), not its Rp800.000 bill; the others their outstanding balance.
    assert [a.take_over_amount for a in plan.debts] == [600_000, 400_000, 600_000]
    assert plan.amount == 600_000 + 400_000 + 600_000
    assert plan.instalment == whole(annuity(1_600_000)) == 135_510
    assert plan.total_repaid == whole(annuity(1_600_000) * 12) == 1_626_119
    # What carrying on would cost: 20 x Rp40.000 + 10 x Rp40.000 + 6 x Rp106.619.
    assert plan.remaining_payments == 800_000 + 400_000 + 639_714
    assert plan.money_saved == 1_839_714 - 1_626_119 == 213_595
    # Rp40.000 a day (365/12 days a month), Rp40.000 a week (52/12), Rp106.619 a month.
    assert plan.replaced_monthly_service == whole(
        40_000 * Decimal(365) / 12 + 40_000 * Decimal(52) / 12 + 106_619
    )
    remaining = 730_133 + 200_000
    assert plan.monthly_service_after == whole(remaining + annuity(1_600_000))
    # Unrounded: Rp1.065.643,18… over Rp5.000.000 net.
    assert plan.dsr_after == (remaining + annuity(1_600_000)) * 100 / 5_000_000


def test_the_proposed_instalment_counts_in_the_dsr_after_take_over():
    plan = take_over([KILAT], HOUSEHOLD, proposed_instalment=1_000_000)
    assert plan.amount == 600_000
    assert plan.monthly_service_after == whole(annuity(600_000) + 1_000_000)
    assert plan.dsr_after.quantize(Decimal("0.01")) == Decimal("21.02")


def test_cheap_family_and_hopeless_debts_are_left_alone():
    bad_bank = replace(BPR, lender_name="Bank Macet", collectability=3)
    plan = take_over([KUR, FAMILY, bad_bank], HOUSEHOLD)
    assert plan.is_empty
    assert plan.amount == plan.instalment == plan.total_repaid == plan.money_saved == 0
    assert plan.dsr_after == Decimal("20.73504")  # still computed: the DSR with nothing taken over


def test_a_maximum_amount_drops_the_cheapest_formal_debt_first():
    dear_koperasi = replace(BPR, lender_name="Koperasi Maju", lender_type=LenderType.KOPERASI,
                            instalment=115_000)  # fmt: skip
    plan = take_over([BPR, KILAT, dear_koperasi], HOUSEHOLD, max_amount=1_500_000)
    assert [a.debt.lender_name for a in plan.debts] == ["Kredit Kilat", "Koperasi Maju"]
    assert [a.debt.lender_name for a in plan.left_out] == ["BPR Tanah Pilih"]
    assert not plan.exceeds_max_amount


def test_high_cost_debts_stay_in_the_plan_even_above_the_maximum():
    plan = take_over([KILAT, UDIN, BPR], HOUSEHOLD, max_amount=900_000)
    assert plan.amount == 600_000 + 400_000
    assert plan.exceeds_max_amount
    assert [a.debt.lender_name for a in plan.left_out] == ["BPR Tanah Pilih"]


def test_a_zero_rate_take_over_just_splits_the_amount():
    plan = take_over([UDIN], HOUSEHOLD, harkat_rate_percent=Decimal(0), tenor_months=8)
    assert plan.instalment == 50_000
    assert plan.total_repaid == 400_000
    assert plan.money_saved == 0


def test_a_debt_past_its_last_instalment_costs_its_outstanding_balance():
    overdue = replace(UDIN, instalments_paid=16, outstanding=300_000, days_past_due=20)
    assert overdue.monthly_service() == 0
    plan = take_over([overdue], HOUSEHOLD)
    assert plan.remaining_payments == 300_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tenor_months": 0}, "tenor_months"),
        ({"tenor_months": 361}, "tenor_months"),
        ({"harkat_rate_percent": Decimal(-1)}, "harkat_rate_percent"),
        ({"max_amount": -1}, "max_amount"),
    ],
)
def test_impossible_take_over_terms_are_refused(changes, field):
    with pytest.raises(ScreeningInputError) as caught:
        take_over([KILAT], HOUSEHOLD, **changes)
    assert caught.value.field == field


def test_screening_marks_the_debts_taken_over():
    result = screen([KUR, KILAT, FAMILY], HOUSEHOLD, proposed_instalment=500_000)
    assert [a.taken_over for a in result.debts] == [False, True, False]
    assert result.take_over.debts == (result.debts[1],)
    assert result.take_over_required


def test_a_take_over_of_dear_formal_debts_can_bring_the_dsr_back_within_the_limit():
    net_one_million = Household(business_income=1_000_000)
    # BPR Rp106.619 + proposed Rp300.000 = 40,7%; after take-over Rp50.816 + Rp300.000 = 35,1%.
    rescued = screen([BPR], net_one_million, proposed_instalment=300_000)
    assert rescued.dsr_with_proposed == Decimal("40.6619")
    assert rescued.dsr_after_take_over.quantize(Decimal("0.1")) == Decimal("35.1")
    assert rescued.outcome is Outcome.KUNING
    assert rescued.take_over_required
    # Rp50.816 + Rp350.000 = 40,1%: even the take-over does not bring it within 40%.
    beyond = screen([BPR], net_one_million, proposed_instalment=350_000)
    assert beyond.outcome is Outcome.MERAH
    assert not beyond.take_over_required
    assert beyond.reason_texts == ["DSR termasuk angsuran BANK HARKAT 45,7% melebihi batas 40%."]


def test_an_optional_take_over_is_only_a_suggestion_when_green():
    result = screen([BPR], HOUSEHOLD)
    assert result.outcome is Outcome.HIJAU
    assert result.take_over is not None
    assert not result.take_over_required


def test_the_take_over_reason_tells_the_monthly_relief_and_the_saving():
    result = screen([KILAT, UDIN, BPR], HOUSEHOLD)
    assert (
        "Pinjaman BANK HARKAT Rp1.600.000 (3% per tahun) melunasi 3 utang: angsuran "
        "Rp1.496.619 per bulan berganti menjadi Rp135.510 per bulan selama 12 bulan, lebih "
        "hemat Rp213.595 dibanding melanjutkan utang lama." in result.reason_texts
    )
