"""The referral state machine over every (state, action, role) combination."""

from __future__ import annotations

import itertools

import pytest

from harkat.auth.domain import Role
from harkat.referrals.transitions import (
    Action,
    ReferralStatus,
    TransitionError,
    available_actions,
    final_states,
    is_allowed,
    next_state,
    states_reachable,
)

S = ReferralStatus
A = Action
CITY = {Role.ADMIN, Role.FACILITATOR}
BANK = {Role.BANK_OFFICER}

#: Written out by hand from DESIGN §4, independently of the module's own tables:
#: (state, action) → (who may, where it leads).
ALLOWED = {
    (S.DRAFT, A.SUBMIT): (CITY, S.SUBMITTED),
    (S.DRAFT, A.WITHDRAW): (CITY, S.WITHDRAWN),
    (S.SUBMITTED, A.REVIEW): (BANK, S.IN_REVIEW),
    (S.SUBMITTED, A.REQUEST_INFO): (BANK, S.NEEDS_INFO),
    (S.SUBMITTED, A.REJECT): (BANK, S.REJECTED),
    (S.SUBMITTED, A.WITHDRAW): (CITY, S.WITHDRAWN),
    (S.IN_REVIEW, A.REQUEST_INFO): (BANK, S.NEEDS_INFO),
    (S.IN_REVIEW, A.APPROVE): (BANK, S.APPROVED),
    (S.IN_REVIEW, A.REJECT): (BANK, S.REJECTED),
    (S.IN_REVIEW, A.WITHDRAW): (CITY, S.WITHDRAWN),
    (S.NEEDS_INFO, A.ANSWER): (CITY, S.IN_REVIEW),
    (S.NEEDS_INFO, A.REJECT): (BANK, S.REJECTED),
    (S.NEEDS_INFO, A.WITHDRAW): (CITY, S.WITHDRAWN),
    (S.APPROVED, A.DISBURSE): (BANK, S.DISBURSED),
}

ALL = list(itertools.product(ReferralStatus, Action, Role))


@pytest.mark.parametrize(("state", "action", "role"), ALL, ids=lambda v: str(v))
def test_every_state_action_role(state, action, role):
    roles, target = ALLOWED.get((state, action), (set(), None))
    if role in roles:
        assert next_state(state, action, role) == target
        assert is_allowed(state, action, role)
        assert action in available_actions(state, role)
    else:
        with pytest.raises(TransitionError) as caught:
            next_state(state, action, role)
        assert action.label in str(caught.value)
        assert not is_allowed(state, action, role)
        assert action not in available_actions(state, role)


def test_the_table_has_all_combinations():
    assert len(ALL) == 8 * 8 * 4


def test_viewers_never_act():
    assert all(available_actions(state, Role.VIEWER) == [] for state in ReferralStatus)


def test_only_the_bank_decides_and_only_the_city_submits():
    for state in ReferralStatus:
        city = set(available_actions(state, Role.FACILITATOR))
        bank = set(available_actions(state, Role.BANK_OFFICER))
        assert not city & {A.APPROVE, A.REJECT, A.DISBURSE, A.REVIEW, A.REQUEST_INFO}
        assert not bank & {A.SUBMIT, A.ANSWER, A.WITHDRAW}


def test_refusals_say_why():
    with pytest.raises(TransitionError, match="tidak dapat dilakukan pada rujukan berstatus Draf"):
        next_state(S.DRAFT, A.APPROVE, Role.BANK_OFFICER)
    with pytest.raises(TransitionError, match="Pendamping lapangan tidak berwenang"):
        next_state(S.IN_REVIEW, A.APPROVE, Role.FACILITATOR)


def test_every_state_is_reachable_and_only_decisions_end():
    assert states_reachable(S.DRAFT) == set(ReferralStatus)
    assert final_states() == {S.REJECTED, S.WITHDRAWN, S.DISBURSED}
