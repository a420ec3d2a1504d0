"""The completion rule of DESIGN §4 at its boundaries."""

from decimal import Decimal

import pytest

from harkat.training.domain import (
    CompletionRule,
    TrainingResult,
    attendance_percent,
    decide,
    format_certificate_number,
)

RULE = CompletionRule(Decimal(75), Decimal(60))


@pytest.mark.parametrize(
    ("present", "sessions", "post", "expected"),
    [
        (3, 4, Decimal(60), TrainingResult.PASSED),  # exactly 75%, exactly 60
        (6, 8, Decimal("60.00"), TrainingResult.PASSED),
        (4, 4, Decimal(100), TrainingResult.PASSED),
        (2, 3, Decimal(90), TrainingResult.FAILED),  # 66.7%
        (5, 7, Decimal(90), TrainingResult.FAILED),  # 71.4%
        (4, 4, Decimal("59.99"), TrainingResult.FAILED),
        (4, 4, None, TrainingResult.FAILED),
        (0, 0, Decimal(90), TrainingResult.FAILED),
    ],
)
def test_graduation_needs_both_attendance_and_post_test(present, sessions, post, expected):
    result, reasons = decide(
        RULE, withdrawn=False, sessions=sessions, present=present, post_test=post
    )
    assert result == expected
    assert reasons


def test_reasons_say_why_in_plain_indonesian():
    result, reasons = decide(RULE, withdrawn=False, sessions=4, present=2, post_test=Decimal(55))
    assert result == TrainingResult.FAILED
    assert reasons == [
        "Kehadiran 50% (2 dari 4 sesi) di bawah batas minimal 75%.",
        "Nilai post-test 55 di bawah batas 60.",
    ]
    result, reasons = decide(RULE, withdrawn=False, sessions=4, present=3, post_test=Decimal(60))
    assert reasons == [
        "Kehadiran 75% (3 dari 4 sesi) memenuhi batas minimal 75%.",
        "Nilai post-test 60 memenuhi batas 60.",
    ]


def test_withdrawal_wins_over_everything():
    result, reasons = decide(RULE, withdrawn=True, sessions=4, present=4, post_test=Decimal(99))
    assert result == TrainingResult.WITHDRAWN
    assert "mengundurkan diri" in reasons[0]


def test_a_configured_rule_is_honoured():
    strict = CompletionRule(Decimal(90), Decimal(70))
    result, _ = decide(strict, withdrawn=False, sessions=10, present=9, post_test=Decimal(70))
    assert result == TrainingResult.PASSED
    result, _ = decide(strict, withdrawn=False, sessions=10, present=8, post_test=Decimal(99))
    assert result == TrainingResult.FAILED


def test_attendance_percent_rounds_half_up_to_one_decimal():
    assert attendance_percent(2, 3) == Decimal("66.7")
    assert attendance_percent(1, 8) == Decimal("12.5")
    assert attendance_percent(0, 0) == Decimal(0)


def test_certificate_numbers():
    assert format_certificate_number(2026, 123) == "BALIKAT/2026/000123"
