"""The "siap dirujuk" indicator and revenue growth, at their boundaries (pure, no app)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harkat.incubation.domain import (
    IncubationStage,
    MilestoneKind,
    readiness,
    revenue_growth,
    revenue_up_reached,
)

NIB, BOOKS = MilestoneKind.NIB, MilestoneKind.BOOKKEEPING
REQUIRED = {NIB, BOOKS}


@pytest.mark.parametrize("stage", [IncubationStage.INKUBASI, IncubationStage.PASCA])
def test_ready_with_graduation_stage_nib_and_bookkeeping(stage):
    result = readiness(stage, REQUIRED, has_graduated=True)
    assert result.ready and result.missing == []


def test_other_milestones_are_welcome_but_not_required():
    everything = set(MilestoneKind)
    assert readiness(IncubationStage.INKUBASI, everything, has_graduated=True).ready
    others = everything - REQUIRED
    result = readiness(IncubationStage.INKUBASI, others, has_graduated=True)
    assert not result.ready
    assert result.missing == [
        "Capaian belum tercatat: NIB terbit.",
        "Capaian belum tercatat: Pembukuan rutin 3 bulan.",
    ]


def test_not_graduated_is_not_ready_whatever_else_is_done():
    result = readiness(IncubationStage.PASCA, set(MilestoneKind), has_graduated=False)
    assert not result.ready
    assert result.missing == ["Belum lulus pelatihan BALIKAT."]


def test_pre_incubation_is_not_ready():
    result = readiness(IncubationStage.PRA, REQUIRED, has_graduated=True)
    assert result.missing == ["Masih tahap Pra-inkubasi; minimal tahap Inkubasi."]


def test_no_stage_recorded_is_not_ready():
    result = readiness(None, REQUIRED, has_graduated=True)
    assert result.missing == ["Tahap inkubasi belum dicatat; minimal tahap Inkubasi."]


@pytest.mark.parametrize(
    ("achieved", "missing"),
    [
        ({NIB}, "Capaian belum tercatat: Pembukuan rutin 3 bulan."),
        ({BOOKS}, "Capaian belum tercatat: NIB terbit."),
    ],
)
def test_one_required_milestone_short_is_not_ready(achieved, missing):
    result = readiness(IncubationStage.INKUBASI, achieved, has_graduated=True)
    assert not result.ready and result.missing == [missing]


def test_everything_missing_is_listed_at_once():
    result = readiness(None, set(), has_graduated=False)
    assert len(result.missing) == 4


@pytest.mark.parametrize(
    ("baseline", "current", "growth"),
    [
        (10_000_000, 11_000_000, Decimal("10.0")),
        (5_000_000, 5_625_000, Decimal("12.5")),
        (3, 4, Decimal("33.3")),
        # 10.05% exactly: half-up gives 10.1 (half-even would give 10.0).
        (2_000_000, 2_201_000, Decimal("10.1")),
        (2_000_000, 2_199_000, Decimal("10.0")),
        (4_000_000, 3_000_000, Decimal("-25.0")),
        (1_000_000, 1_000_000, Decimal("0.0")),
        (1_000_000, 0, Decimal("-100.0")),
    ],
)
def test_revenue_growth_is_a_percentage_rounded_half_up(baseline, current, growth):
    assert revenue_growth(baseline, current) == growth


@pytest.mark.parametrize(("baseline", "current"), [(None, 5), (0, 5), (5, None), (-1, 5)])
def test_revenue_growth_needs_a_positive_baseline_and_a_current_figure(baseline, current):
    assert revenue_growth(baseline, current) is None
    assert revenue_up_reached(baseline, current) is False


@pytest.mark.parametrize(
    ("baseline", "current", "reached"),
    [
        (10_000_000, 11_000_000, True),  # exactly 10%
        (10_000_000, 10_999_999, False),  # 9.99999%: shown as 10,0% but not reached
        (3, 4, True),
        (10, 11, True),
        (2_000_000, 2_199_000, False),  # 9.95% rounds to 10.0 for display only
    ],
)
def test_revenue_milestone_is_reached_at_ten_percent_exactly(baseline, current, reached):
    assert revenue_up_reached(baseline, current) is reached
