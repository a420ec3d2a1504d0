"""Outcome rules of DESIGN §4, each tested on both sides of its boundary."""

from dataclasses import replace
from decimal import Decimal

import pytest

from harkat.screening.engine import (
    DSR_UNAVAILABLE,
    Debt,
    Flag,
    Frequency,
    Household,
    LenderType,
    Outcome,
    Thresholds,
    monthly_annuity,
    screen,
)


def household(net: int = 1_000_000) -> Household:
    return Household(household_income=0, business_income=net, household_expenses=0)


def cheap_bank_loan(**changes) -> Debt:
    """A bank loan at about 12% a year: Rp1.200.000 received, Rp106.619 a month for 12 months."""
    debt = Debt(
        lender_name="BPR Tanah Pilih",
        lender_type=LenderType.BANK,
        principal=1_200_000,
        outstanding=600_000,
        instalment=106_619,
        frequency=Frequency.MONTHLY,
        instalments_total=12,
        instalments_paid=6,
    )
    return replace(debt, **changes)


def pindar(name: str, **changes) -> Debt:
    """A licensed online loan at 36% a year: Rp1.000.000, one repayment of Rp1.030.000."""
    debt = Debt(
        lender_name=name,
        lender_type=LenderType.PINDAR,
        principal=1_000_000,
        outstanding=1_030_000,
        instalment=1_030_000,
        frequency=Frequency.MONTHLY,
        instalments_total=1,
        is_licensed=True,
    )
    return replace(debt, **changes)


def loan_shark(**changes) -> Debt:
    debt = Debt(
        lender_name="Pak Udin",
        lender_type=LenderType.RENTENIR,
        principal=1_000_000,
        outstanding=1_200_000,
        instalment=40_000,
        frequency=Frequency.DAILY,
        instalments_total=30,
    )
    return replace(debt, **changes)


# --------------------------------------------------------------------------- DSR


@pytest.mark.parametrize(
    ("proposed", "dsr", "shown", "outcome"),
    [
        (300_000, Decimal("30"), "30%", Outcome.HIJAU),
        # 30,04% is above 30%: judged unrounded, and shown with the decimal that says so.
        (300_400, Decimal("30.04"), "30,04%", Outcome.KUNING),
        (300_001, Decimal("30.0001"), "30,0001%", Outcome.KUNING),
        (300_500, Decimal("30.05"), "30,1%", Outcome.KUNING),
        (400_000, Decimal("40"), "40%", Outcome.KUNING),
        (400_400, Decimal("40.04"), "40,04%", Outcome.MERAH),
        (401_000, Decimal("40.1"), "40,1%", Outcome.MERAH),
    ],
)
def test_dsr_including_the_proposed_instalment_decides_the_colour_unrounded(
    proposed, dsr, shown, outcome
):
    result = screen([], household(), proposed_instalment=proposed)
    assert result.dsr == 0
    assert result.dsr_with_proposed == dsr
    assert result.outcome is outcome
    assert any(f"BANK HARKAT {shown} " in text for text in result.reason_texts)


def test_dsr_reasons_read_as_sentences():
    green = screen([], household(), 250_000)
    yellow = screen([], household(), 355_000)
    red = screen([], household(), 452_000)

    assert "DSR termasuk angsuran BANK HARKAT 25% (batas 30%)." in green.reason_texts
    assert green.reason_texts[0] == (
        "Tidak ada utang berbiaya tinggi, tunggakan di lembaga formal, maupun intimidasi."
    )
    assert yellow.reason_texts == [
        "DSR termasuk angsuran BANK HARKAT 35,5% (di atas 30%, batas 40%)."
    ]
    assert red.reason_texts == ["DSR termasuk angsuran BANK HARKAT 45,2% melebihi batas 40%."]


def test_existing_debts_count_towards_the_dsr_month_by_month():
    # Rp10.000 a day is Rp304.167 a month (365/12 days).
    daily = cheap_bank_loan(
        lender_type=LenderType.KOPERASI, principal=2_000_000, outstanding=1_000_000,
        instalment=10_000, frequency=Frequency.DAILY, instalments_total=210, instalments_paid=100,
    )  # fmt: skip
    result = screen([daily], household(), proposed_instalment=0)
    assert result.monthly_service == 304_167
    assert result.dsr.quantize(Decimal("0.0001")) == Decimal("30.4167")
    assert result.outcome is Outcome.KUNING


def test_no_net_income_means_an_infinite_dsr_and_red():
    broke = Household(
        household_income=1_000_000, business_income=500_000, household_expenses=1_500_000
    )
    result = screen([cheap_bank_loan()], broke, proposed_instalment=100_000)

    assert result.dsr is None
    assert result.dsr_with_proposed is None
    assert result.dsr_note == DSR_UNAVAILABLE == "Pendapatan bersih nol atau negatif"
    assert result.outcome is Outcome.MERAH
    assert result.reason_texts[0].startswith("Pendapatan bersih nol atau negatif")


# --------------------------------------------------------------------------- high cost


@pytest.mark.parametrize(
    ("instalment", "nominal", "outcome"),
    [(1_250_000, Decimal("50.0"), Outcome.HIJAU), (1_250_100, Decimal("50.1"), Outcome.KUNING)],
)
def test_a_debt_above_50_percent_a_year_is_high_cost(instalment, nominal, outcome):
    debt = Debt(
        "Toko Emas", LenderType.LAINNYA, 1_200_000, instalment, instalment, Frequency.MONTHLY, 1
    )
    result = screen([debt], household(10_000_000))

    assert result.debts[0].rate.nominal_annual_percent == nominal
    assert result.debts[0].is_high_cost is (outcome is Outcome.KUNING)
    assert result.outcome is outcome
    assert (Flag.HIGH_COST in result.flags) is (outcome is Outcome.KUNING)


def test_high_cost_debt_that_can_be_taken_over_is_yellow_with_the_comparison():
    kilat = Debt(
        "Kredit Kilat", LenderType.PINJOL_ILEGAL, 1_000_000, 800_000, 40_000, Frequency.DAILY, 30,
        instalments_paid=10,
    )  # fmt: skip
    result = screen([kilat], household(3_000_000), proposed_instalment=500_000)

    assert result.outcome is Outcome.KUNING
    assert result.take_over_required
    # Lent Rp1.000.000, got 10 x Rp40.000 back: the take-over pays Rp600.000, not the bill.
    assert result.take_over.amount == 600_000
    assert set(result.flags) == {Flag.ILLEGAL_PINJOL, Flag.HIGH_COST}
    assert "Kredit Kilat adalah pinjaman online ilegal." in result.reason_texts
    assert (
        "Utang ke Kredit Kilat setara bunga nominal 445% per tahun; BANK HARKAT 3% per tahun."
        in result.reason_texts
    )
    # (Rp50.816 a month for the take-over + Rp500.000 proposed) over Rp3.000.000.
    assert result.dsr_after_take_over.quantize(Decimal("0.1")) == Decimal("18.4")
    assert "DSR setelah pengambilalihan 18,4% (batas 40%)." in result.reason_texts
    assert result.dsr_with_proposed > 40  # the daily pinjol alone eats 40,6% of the month


@pytest.mark.parametrize(
    ("extra", "shown", "outcome"),
    [
        (-1, "39,9999%", Outcome.KUNING),
        (0, "40,00004%", Outcome.MERAH),
        (1_000, "40,1%", Outcome.MERAH),
    ],
)
def test_dsr_after_take_over_above_40_percent_is_red(extra, shown, outcome):
    take_over_instalment = monthly_annuity(1_200_000, 3, 12)  # Rp101.632,44…
    proposed = round(400_000 - take_over_instalment) + extra  # rounding up crosses 40%
    result = screen([loan_shark()], household(), proposed_instalment=proposed)

    assert (result.dsr_after_take_over > 40) is (outcome is Outcome.MERAH)
    assert result.outcome is outcome
    if outcome is Outcome.MERAH:
        assert f"DSR setelah pengambilalihan {shown} melebihi batas 40%." in result.reason_texts
    else:
        assert f"DSR setelah pengambilalihan {shown} (batas 40%)." in result.reason_texts


def test_a_loan_shark_is_flagged_and_explained():
    result = screen([loan_shark()], household(5_000_000))
    assert Flag.LOAN_SHARK in result.flags
    assert "Utang ke Pak Udin berasal dari rentenir / bank keliling." in result.reason_texts
    assert result.high_cost_outstanding == 1_200_000


@pytest.mark.parametrize(
    ("lender_type", "is_licensed", "illegal"),
    [
        (LenderType.PINDAR, False, True),
        (LenderType.PINDAR, None, False),
        (LenderType.PINDAR, True, False),
        (LenderType.PINJOL_ILEGAL, True, True),
        (LenderType.PAYLATER, False, False),
    ],
)
def test_an_online_lender_missing_from_the_registry_is_likely_illegal(
    lender_type, is_licensed, illegal
):
    debt = pindar("Dana Rakyat", lender_type=lender_type, is_licensed=is_licensed)
    result = screen([debt], household(10_000_000))
    assert (Flag.ILLEGAL_PINJOL in result.flags) is illegal
    assert result.debts[0].is_high_cost is illegal
    assert result.outcome is (Outcome.KUNING if illegal else Outcome.HIJAU)


def test_a_paid_off_high_cost_debt_no_longer_counts():
    result = screen([loan_shark(outstanding=0, instalments_paid=30)], household())
    assert result.outcome is Outcome.HIJAU
    assert result.flags == ()
    assert result.take_over is None


# --------------------------------------------------------------------------- arrears


@pytest.mark.parametrize(
    ("collectability", "outcome"),
    [(1, Outcome.HIJAU), (2, Outcome.KUNING), (3, Outcome.MERAH), (5, Outcome.MERAH)],
)
def test_formal_arrears_by_collectability(collectability, outcome):
    result = screen([cheap_bank_loan(collectability=collectability)], household())
    assert result.outcome is outcome
    assert (Flag.FORMAL_ARREARS in result.flags) is (collectability >= 2)


@pytest.mark.parametrize(
    ("days", "outcome"), [(0, Outcome.HIJAU), (1, Outcome.KUNING), (90, Outcome.KUNING),
                          (91, Outcome.MERAH)],
)  # fmt: skip
def test_days_past_due_imply_collectability_when_slik_is_unknown(days, outcome):
    result = screen([cheap_bank_loan(days_past_due=days)], household())
    assert result.outcome is outcome


def test_arrears_reasons_name_the_lender_and_the_grade():
    yellow = screen([cheap_bank_loan(days_past_due=45)], household())
    red = screen([cheap_bank_loan(collectability=5)], household())
    assert yellow.reason_texts[0] == (
        "Utang ke BPR Tanah Pilih menunggak 45 hari (kolektibilitas 2 – Dalam Perhatian "
        "Khusus); lunasi tunggakan sebelum dirujuk."
    )
    assert red.reason_texts[0].startswith(
        "Utang ke BPR Tanah Pilih (kolektibilitas 5 – Macet) dan belum lunas"
    )


def test_arrears_at_an_informal_lender_are_not_formal_arrears():
    family = cheap_bank_loan(lender_type=LenderType.KELUARGA, days_past_due=200)
    assert screen([family], household()).outcome is Outcome.HIJAU


# --------------------------------------------------------------------------- settled bad debt


@pytest.mark.parametrize(
    ("months", "outcome"), [(0, Outcome.KUNING), (23, Outcome.KUNING), (24, Outcome.HIJAU)]
)
def test_a_bad_debt_settled_less_than_24_months_ago_is_yellow(months, outcome):
    settled = cheap_bank_loan(
        outstanding=0, instalments_paid=12, collectability=5, settled_bad_debt_months_ago=months
    )
    result = screen([settled], household())
    assert result.outcome is outcome
    assert (Flag.SETTLED_BAD_DEBT in result.flags) is (outcome is Outcome.KUNING)
    if months == 23:
        assert result.reason_texts[0] == (
            "Kredit macet di BPR Tanah Pilih lunas 23 bulan lalu (kurang dari 24 bulan); "
            "bank masih dapat melihatnya di SLIK OJK."
        )


def test_a_settled_bad_debt_of_unknown_date_is_treated_as_recent():
    settled = cheap_bank_loan(outstanding=0, instalments_paid=12, collectability=4)
    result = screen([settled], household())
    assert result.outcome is Outcome.KUNING
    assert Flag.SETTLED_BAD_DEBT in result.flags


@pytest.mark.parametrize(("worst", "outcome"), [(2, Outcome.HIJAU), (3, Outcome.KUNING)])
def test_the_entrepreneurs_own_slik_check_counts(worst, outcome):
    result = screen([], household(), slik_worst_collectability=worst)
    assert result.outcome is outcome


# --------------------------------------------------------------------------- online lenders


@pytest.mark.parametrize(("count", "outcome"), [(3, Outcome.HIJAU), (4, Outcome.KUNING)])
def test_more_than_three_online_lenders_is_flagged(count, outcome):
    debts = [pindar(f"Aplikasi {n}") for n in range(count)]
    result = screen(debts, household(20_000_000))

    assert result.online_lender_count == count
    assert (Flag.MANY_ONLINE_LENDERS in result.flags) is (count > 3)
    assert result.outcome is outcome


def test_two_loans_from_the_same_app_are_one_lender():
    debts = [pindar("Dana Cepat"), pindar("dana  cepat"), pindar("Kredit Pintar")]
    debts.append(pindar("Akulaku", lender_type=LenderType.PAYLATER))
    result = screen(debts, household(20_000_000))
    assert result.online_lender_count == 2


# --------------------------------------------------------------------------- intimidation


def test_intimidation_by_an_illegal_lender_is_red_with_where_to_report():
    kilat = Debt(
        "Kredit Kilat", LenderType.PINJOL_ILEGAL, 1_000_000, 0, 40_000, Frequency.DAILY, 30,
        instalments_paid=30, intimidation=True,
    )  # fmt: skip
    result = screen([kilat], household())
    assert result.outcome is Outcome.MERAH
    assert Flag.INTIMIDATION in result.flags
    assert result.reason_texts[0] == (
        "Kredit Kilat mengancam atau menyebarkan data; laporkan ke Satgas PASTI / OJK "
        "(telepon 157, WhatsApp 081-157-157-157)."
    )


def test_intimidation_by_a_loan_shark_is_red():
    assert screen([loan_shark(intimidation=True)], household(5_000_000)).outcome is Outcome.MERAH


def test_intimidation_by_a_licensed_lender_is_yellow():
    result = screen([cheap_bank_loan(intimidation=True)], household())
    assert result.outcome is Outcome.KUNING
    assert "adukan ke OJK (telepon 157)" in result.reason_texts[0]


# --------------------------------------------------------------------------- thresholds


def test_thresholds_are_configurable():
    strict = Thresholds(dsr_green_max=Decimal(20), dsr_yellow_max=Decimal(25))
    assert screen([], household(), 250_000, strict).outcome is Outcome.KUNING
    assert screen([], household(), 251_000, strict).outcome is Outcome.MERAH
    lax = Thresholds(high_cost_rate_percent=Decimal(500))
    shop = loan_shark(lender_name="Toko Kelontong", lender_type=LenderType.LAINNYA)
    shark, other = screen([loan_shark(), shop], household(5_000_000), 0, lax).debts
    assert shark.rate.nominal_annual_percent == other.rate.nominal_annual_percent == 445
    assert shark.is_high_cost  # a loan shark stays high-cost whatever its rate
    assert not other.is_high_cost


def test_thresholds_read_from_settings_and_snapshot_as_strings():
    thresholds = Thresholds.from_mapping(
        {
            "screening.dsr_green_max": Decimal("25"),
            "screening.max_online_lenders": Decimal("2"),
            "screening.validity_days": Decimal("90"),
        }
    )
    assert thresholds.dsr_green_max == 25
    assert thresholds.max_online_lenders == 2
    assert Thresholds.defaults() == Thresholds()
    assert Thresholds.defaults().as_dict() == {
        "high_cost_rate_percent": "50",
        "dsr_green_max": "30",
        "dsr_yellow_max": "40",
        "max_online_lenders": "3",
        "settled_bad_debt_window_months": "24",
    }


def test_the_worst_reason_comes_first_and_every_flag_once():
    result = screen(
        [loan_shark(intimidation=True), cheap_bank_loan(collectability=2), loan_shark()],
        household(5_000_000),
    )
    severities = [reason.outcome.severity for reason in result.reasons]
    assert severities == sorted(severities, reverse=True)
    assert result.flags == (
        Flag.LOAN_SHARK,
        Flag.INTIMIDATION,
        Flag.FORMAL_ARREARS,
        Flag.HIGH_COST,
    )
