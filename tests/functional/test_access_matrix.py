"""Walk every route of the app: anonymous visitors are sent to sign in, and each role is refused
wherever it does not belong. New endpoints must be added to ``EXPECTED``, so widening access is a
deliberate, reviewed change."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from harkat.auth.access import PUBLIC_ENDPOINTS, view_access
from harkat.auth.domain import Role

PUBLIC = "public"
EVERYONE = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
EDITORS = frozenset({Role.ADMIN, Role.FACILITATOR})
CASE_WORKERS = frozenset({Role.ADMIN, Role.FACILITATOR, Role.BANK_OFFICER})
BANK = frozenset({Role.BANK_OFFICER})
READERS = frozenset({Role.ADMIN, Role.VIEWER})

EXPECTED: dict[str, frozenset[Role] | str] = {
    "main.home": EVERYONE,
    "main.healthz": PUBLIC,
    "metrics.metrics": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": EVERYONE,
    "auth.logout_all": EVERYONE,
    "auth.change_password": EVERYONE,
    "admin.users": ADMIN,
    "admin.create_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.reset_password": ADMIN,
    "admin.deactivate_user": ADMIN,
    "admin.banks": ADMIN,
    "admin.edit_bank": ADMIN,
    "admin.schemes": ADMIN,
    "admin.edit_scheme": ADMIN,
    "audit.index": ADMIN,
    # Bank officers pass the role check here but see no one: these answer them 404.
    "registration.index": EVERYONE,
    "registration.search": EVERYONE,
    "registration.detail": EVERYONE,
    "registration.export": EVERYONE,
    "registration.groups": EVERYONE,
    "registration.group": EVERYONE,
    "registration.create": EDITORS,
    "registration.edit": EDITORS,
    "registration.business": EDITORS,
    "registration.consent": EDITORS,
    "registration.consent_pdf": EDITORS,
    "registration.create_group": EDITORS,
    "registration.edit_group": EDITORS,
    "registration.add_members": EDITORS,
    "registration.remove_member": EDITORS,
    "registration.set_chair": EDITORS,
    "registration.import_template": EDITORS,
    "registration.import_upload": EDITORS,
    "registration.import_commit": EDITORS,
    "registration.import_result": EDITORS,
    "incubation.detail": EVERYONE,
    "incubation.visit_photo": EVERYONE,
    "incubation.set_stage": EDITORS,
    "incubation.add_visit": EDITORS,
    "incubation.record_milestone": EDITORS,
    "incubation.clear_milestone": EDITORS,
    "training.index": EVERYONE,
    "training.cohort": EVERYONE,
    "training.attendance": EVERYONE,
    "training.create_cohort": EDITORS,
    "training.edit_cohort": EDITORS,
    "training.add_session": EDITORS,
    "training.remove_session": EDITORS,
    "training.enrol": EDITORS,
    "training.enrol_group": EDITORS,
    "training.withdraw": EDITORS,
    "training.start": EDITORS,
    "training.close": EDITORS,
    "training.scores": EDITORS,
    "training.correct": ADMIN,
    "training.courses": ADMIN,
    "training.edit_course": ADMIN,
    "training_reports.index": EVERYONE,
    "training_reports.export": EVERYONE,
    "certificates.verify": PUBLIC,
    "certificates.pdf": EVERYONE,
    "certificates.revoke": ADMIN,
    "settings.index": ADMIN,
    "screening.create": EDITORS,
    "screening.show": EVERYONE,
    "screening.counseling_sheet": EDITORS,
    "screening.shared_sheet": PUBLIC,
    "screening.shared_sheet_pdf": PUBLIC,
    "screening.slik_file": EDITORS,
    "screening.override_take_over": ADMIN,
    "lenders.index": ADMIN,
    "lenders.edit": ADMIN,
    "lenders.check": EDITORS,
    "lenders.import_sample": ADMIN,
    "lenders.import_upload": ADMIN,
    "lenders.import_commit": ADMIN,
    "referrals.calculator": EVERYONE,
    "referrals.index": EVERYONE,
    "referrals.detail": EVERYONE,
    "referrals.create": EDITORS,
    "referrals.edit": EDITORS,
    "referrals.act": CASE_WORKERS,
    "referrals.confirm": CASE_WORKERS,
    "inbox.index": EDITORS,
    "inbox.mark": frozenset({Role.FACILITATOR}),
    "inbox.request_exemption": frozenset({Role.FACILITATOR}),
    "inbox.decide": ADMIN,
    # Offline field work: the app's manifest, its service worker, the offline page, the outbox
    # page and the outbox's who-am-I hold nothing personal; the form shells and the people list
    # are for those who register and screen.
    "offline.manifest": PUBLIC,
    "offline.service_worker": PUBLIC,
    "offline.page": PUBLIC,
    "offline.outbox": PUBLIC,
    "offline.token": PUBLIC,
    "offline.register": EDITORS,
    "offline.screening": EDITORS,
    "offline.attendance": EDITORS,
    "offline.data": EDITORS,
    "referrals.disburse": BANK,
    "referrals.message": CASE_WORKERS,
    "referrals.exempt": ADMIN,
    "referrals.upload": EDITORS,
    "referrals.document": CASE_WORKERS,
    "referrals.payoff_proof": CASE_WORKERS,
    "referrals.preview": CASE_WORKERS,
    "referrals.remove_document": EDITORS,
    "referrals.reuse": EDITORS,
    "referrals.documents_zip": CASE_WORKERS,
    "referrals.packet": CASE_WORKERS,
    "referrals.verify": PUBLIC,
    "referrals.loans": EVERYONE,
    "referrals.loan": EVERYONE,
    "referrals.import_reports": BANK,
    "referrals.reasons": ADMIN,
    "referrals.toggle_reason": ADMIN,
    "api_docs.docs": PUBLIC,
    "api_docs.tokens_page": EVERYONE,
    "api_docs.revoke": EVERYONE,
    "reports.absorption": READERS,
    "reports.absorption_file": READERS,
    "reports.close_month": ADMIN,
    "reports.reopen_month": ADMIN,
    "reports.fund": ADMIN,
    "reports.indicators": ADMIN,
    "reports.performance": READERS,
    "reports.performance_file": READERS,
}


def _token_api(rule_or_endpoint) -> bool:
    """JSON API resources sign in by bearer token; tests/functional/api walks them."""
    return str(rule_or_endpoint).startswith("/api/v1/") and not str(rule_or_endpoint).endswith(
        "/docs"
    )


def _routes(app):
    """Yield ``(endpoint, method, url)`` for every rule, with placeholder arguments."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or _token_api(rule.rule):
            continue
        values = dict(rule.defaults or {})
        for name in rule.arguments - values.keys():
            converter = rule._converters[name]
            if isinstance(converter, IntegerConverter):
                values[name] = 999999
            elif converter.__class__.__name__ == "AnyConverter":
                values[name] = sorted(converter.items)[0]
            else:
                values[name] = "tidak-ada"
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_endpoint_declares_who_may_use_it_as_expected(app):
    declared = {}
    api_endpoints = {r.endpoint for r in app.url_map.iter_rules() if _token_api(r.rule)}
    for endpoint, view in app.view_functions.items():
        if endpoint in PUBLIC_ENDPOINTS or endpoint in api_endpoints:
            continue
        is_public, roles = view_access(view)
        assert is_public or roles is not None, f"{endpoint} declares no access rule"
        declared[endpoint] = PUBLIC if is_public else roles
    assert declared == EXPECTED


def test_anonymous_visitors_reach_only_public_endpoints(app):
    client = app.test_client()
    for endpoint, method, url in _routes(app):
        response = client.open(url, method=method)
        if EXPECTED[endpoint] == PUBLIC:
            # Public pages answer on their own terms (an unknown certificate token is a 404),
            # but never ask to sign in.
            assert response.status_code not in (401, 403), (endpoint, method)
            assert "/auth/login" not in response.headers.get("Location", ""), (endpoint, method)
        else:
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert "/auth/login" in response.headers["Location"], (endpoint, method)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_where_it_does_not_belong(app, login_as, client, role):
    login_as(role)
    for endpoint, method, url in _routes(app):
        if endpoint in ("auth.logout", "auth.logout_all"):
            continue  # would end the session the rest of the walk needs
        response = client.open(url, method=method)
        allowed = EXPECTED[endpoint]
        if allowed == PUBLIC or role in allowed:
            assert response.status_code != 403, (role, endpoint, method)
        else:
            assert response.status_code == 403, (role, endpoint, method, response.status_code)
