"""One debt at a time: its monthly weight, its collectability, and refusing impossible input."""

from dataclasses import replace
from decimal import Decimal

import pytest

from harkat.errors import StopValidation
from harkat.screening.engine import (
    Debt,
    Frequency,
    Household,
    LenderType,
    LoanShapeError,
    ScreeningInputError,
    collectability_from_days_past_due,
    debt_service_ratio,
    screen,
    validate,
)

WEEKLY = Debt(
    "Pak Udin", LenderType.RENTENIR, 500_000, 400_000, 40_000, Frequency.WEEKLY, 16,
    instalments_paid=6,
)  # fmt: skip


@pytest.mark.parametrize(
    ("frequency", "monthly"),
    [
        (Frequency.DAILY, 1_216_667),  # 40.000 x 365 / 12
        (Frequency.WEEKLY, 173_333),  # 40.000 x 52 / 12
        (Frequency.MONTHLY, 40_000),
    ],
)
def test_instalments_are_normalised_to_an_average_month(frequency, monthly):
    debt = replace(WEEKLY, frequency=frequency)
    assert round(debt.monthly_service()) == monthly
    assert screen([debt], Household(business_income=10_000_000)).monthly_service == monthly


@pytest.mark.parametrize(
    "changes",
    [{"outstanding": 0}, {"instalments_paid": 16}, {"outstanding": 0, "days_past_due": 9}],
)
def test_a_debt_that_has_ended_weighs_nothing_on_the_month(changes):
    assert replace(WEEKLY, **changes).monthly_service() == 0


@pytest.mark.parametrize(("days", "monthly"), [(7, 1_090_000), (30, 1_090_000), (90, 368_380)])
def test_a_single_repayment_counts_in_full_unless_its_term_is_longer_than_a_month(days, monthly):
    bullet = Debt(
        "Dana Kilat", LenderType.PINDAR, 1_000_000, 1_090_000, 1_090_000, Frequency.DAILY, 1,
        is_licensed=True, term_days=days,
    )  # fmt: skip
    assert round(bullet.monthly_service()) == monthly


def test_net_income_and_dsr():
    household = Household(household_income=2_000_000, business_income=3_000_000,
                          household_expenses=1_000_000)  # fmt: skip
    assert household.net_income == 4_000_000
    assert debt_service_ratio(1_140_000, household) == Decimal("28.5")
    assert debt_service_ratio(0, household) == 0
    assert debt_service_ratio(1, Household(household_expenses=5)) is None


@pytest.mark.parametrize(
    ("days", "grade"), [(0, 1), (1, 2), (90, 2), (91, 3), (120, 3), (121, 4), (180, 4), (181, 5)]
)
def test_days_past_due_map_to_the_banks_collectability(days, grade):
    assert collectability_from_days_past_due(days) == grade


def test_the_worse_of_slik_and_days_past_due_counts():
    assert replace(WEEKLY, collectability=4, days_past_due=10).worst_collectability == 4
    assert replace(WEEKLY, collectability=1, days_past_due=95).worst_collectability == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"principal": 0}, "principal"),
        ({"instalment": 0}, "instalment"),
        ({"instalment": -40_000}, "instalment"),
        ({"instalments_total": 0}, "instalments_total"),
        ({"instalments_total": 5000}, "instalments_total"),
        ({"instalment": 100_000_000}, "instalment"),
        ({"instalments_total": 10}, "instalment"),  # Rp400.000 repaid for Rp500.000 received
        ({"outstanding": -1}, "outstanding"),
        ({"outstanding": 60_000_000}, "outstanding"),
        ({"instalments_paid": -1}, "instalments_paid"),
        ({"instalments_paid": 17}, "instalments_paid"),
        ({"days_past_due": -1}, "days_past_due"),
        ({"collectability": 0}, "collectability"),
        ({"collectability": 6}, "collectability"),
        ({"settled_bad_debt_months_ago": -1, "outstanding": 0}, "settled_bad_debt_months_ago"),
        ({"settled_bad_debt_months_ago": 3}, "settled_bad_debt_months_ago"),
        ({"term_days": 30}, "term_days"),
    ],
)
def test_bad_debt_input_is_refused_with_its_field(changes, field):
    debt = replace(WEEKLY, **changes)
    assert [problem.field for problem in debt.problems()] == [field]
    with pytest.raises(ScreeningInputError) as caught:
        screen([debt], Household(business_income=5_000_000))
    assert caught.value.field == field
    assert caught.value.row == 0
    assert caught.value.reason  # an Indonesian sentence, not a code


def test_shape_errors_are_loan_shape_errors():
    with pytest.raises(LoanShapeError):
        screen([replace(WEEKLY, instalment=0)], Household(business_income=5_000_000))


def test_validate_lists_every_problem_with_its_row():
    debts = [WEEKLY, replace(WEEKLY, principal=-5), replace(WEEKLY, collectability=9)]
    household = Household(household_income=-1, business_income=5_000_000)
    problems = validate(debts, household, proposed_instalment=-100)

    assert [(p.row, p.field) for p in problems] == [
        (None, "household_income"),
        (None, "proposed_instalment"),
        (1, "principal"),
        (2, "collectability"),
    ]
    stop = StopValidation.from_errors(problems)
    assert stop.reasons["principal"] == ["Pokok pinjaman yang diterima harus lebih dari Rp0."]
    with pytest.raises(ScreeningInputError) as caught:
        screen(debts, household, proposed_instalment=-100)
    assert caught.value.field == "household_income"


def test_a_business_loss_is_allowed_but_negative_expenses_are_not():
    assert validate([], Household(business_income=-500_000)) == []
    [problem] = validate([], Household(household_expenses=-1))
    assert problem.field == "household_expenses"


def test_an_unnamed_lender_is_called_by_its_kind():
    assert replace(WEEKLY, lender_name="  ").name == "Rentenir / bank keliling"
    assert replace(WEEKLY, lender_name=" Pak   Udin ").name == "Pak Udin"
