"""Property-based run of the served OpenAPI document with schemathesis: generated requests to
every operation never get a 5xx and never a response that breaks the documented schema.
Bounded: a few examples per operation and no deadline (the database is real)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from harkat.auth.domain import Role
from harkat.referrals.transitions import ReferralStatus

CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES_PER_OPERATION = 25


def test_no_server_errors_and_responses_match_the_schema(
    app, api_token, ready_entrepreneur, make_referral, create_user
):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 100_000
    facilitator_id, _ = create_user(Role.FACILITATOR)
    make_referral(
        facilitator_id, ready_entrepreneur(facilitator_id), status=ReferralStatus.SUBMITTED
    )
    tokens = {role: api_token(role)[1] for role in (Role.ADMIN, Role.BANK_OFFICER)}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17
    for operation in operations:
        # The bank's token for the bank's resources, the admin's for everything else.
        headers = tokens[Role.BANK_OFFICER if "repayments" in operation.path else Role.ADMIN]
        exercise(operation.as_strategy(), headers)


def exercise(strategy, headers) -> None:
    """Draw requests for one operation and check each response."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data):
        case = data.draw(strategy)
        # The in-process WSGI transport does not undo brotli as HTTP clients do; compression
        # itself is tested in tests/functional/test_weight.py.
        case.call_and_validate(headers={**headers, "Accept-Encoding": "identity"}, checks=CHECKS)

    run()
