"""The entrepreneur page's next step follows the journey: business → consent → training →
screening → referral, and then the open referral or the loan."""

from __future__ import annotations

from dataclasses import replace

from harkat.cases.journey import CaseState, StepKind, next_step

NEW = CaseState(
    has_business=False,
    consented_processing=False,
    consented_bank_sharing=False,
    has_graduated=False,
)


def test_each_missing_step_is_asked_for_in_journey_order():
    state = NEW
    assert next_step(state).kind == StepKind.BUSINESS
    state = replace(state, has_business=True)
    assert next_step(state).kind == StepKind.CONSENT
    # Consent to processing alone is not enough to be referred.
    state = replace(state, consented_processing=True)
    assert next_step(state).kind == StepKind.CONSENT
    state = replace(state, consented_bank_sharing=True)
    assert next_step(state).kind == StepKind.ENROL
    enrolled = replace(state, open_cohort_id=7, open_cohort_name="Kuliner 2026-1")
    step = next_step(enrolled)
    assert step.kind == StepKind.TRAINING and step.target_id == 7
    assert "Kuliner 2026-1" in step.title
    state = replace(state, has_graduated=True)
    assert next_step(state).kind == StepKind.SCREENING
    assert next_step(replace(state, valid_screening_outcome="merah")).kind == StepKind.RESOLVE_DEBT
    for outcome in ("hijau", "kuning"):
        ready = replace(state, valid_screening_outcome=outcome)
        assert next_step(ready).kind == StepKind.REFERRAL


def test_an_open_referral_or_a_loan_comes_before_anything_else():
    open_case = replace(NEW, open_referral=(12, "RJ-2026-0012", "Perlu kelengkapan"))
    step = next_step(open_case)
    assert step.kind == StepKind.OPEN_REFERRAL and step.target_id == 12
    assert "RJ-2026-0012" in step.title and "Perlu kelengkapan" in step.why
    paid = replace(NEW, disbursed_referral=(9, "RJ-2026-0009"))
    assert next_step(paid).kind == StepKind.LOAN


def test_an_inactive_case_has_no_next_step():
    assert next_step(replace(NEW, is_active=False)) is None
