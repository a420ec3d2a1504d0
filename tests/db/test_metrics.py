"""``/metrics`` through gunicorn's workers: requests counted across workers by route, the
programme's gauges from the database, and nobody outside the allowed addresses reads it."""

from __future__ import annotations

import requests
from prometheus_client.parser import text_string_to_metric_families

from harkat.auth.domain import Role
from harkat.referrals.transitions import ReferralStatus
from tests.fixtures.serving import serve

TOKEN = "rahasia-prometheus-0123456789"


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_add_up_workers_and_count_the_programme(
    app, tmp_path, create_user, ready_entrepreneur, make_referral
):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    person = ready_entrepreneur(facilitator_id)
    make_referral(facilitator_id, person, status=ReferralStatus.DISBURSED, officer_id=officer_id)
    other = ready_entrepreneur(facilitator_id, full_name="Budi Santoso")
    make_referral(facilitator_id, other, status=ReferralStatus.SUBMITTED, officer_id=officer_id)
    env = {"HARKAT_PROXY_COUNT": "1", "HARKAT_METRICS_TOKEN": TOKEN}
    with serve(app, tmp_path, env=env) as served:
        for _ in range(12):  # spread over both workers
            assert requests.get(f"{served}/auth/login", timeout=30).ok
        requests.get(f"{served}/pelaku-usaha/123", timeout=30, allow_redirects=False)
        answer = requests.get(f"{served}/metrics", timeout=30)
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("text/plain")
        samples = _samples(answer.text)
        outsider = requests.get(
            f"{served}/metrics", headers={"X-Forwarded-For": "203.0.113.5"}, timeout=30
        )
        with_token = requests.get(
            f"{served}/metrics",
            headers={"X-Forwarded-For": "203.0.113.5", "Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
    login = (("method", "GET"), ("route", "/auth/login"), ("status", "200"))
    assert samples[("harkat_http_requests_total", login)] == 12
    assert (
        samples[
            (
                "harkat_http_request_duration_seconds_count",
                (("method", "GET"), ("route", "/auth/login")),
            )
        ]
        == 12
    )
    assert (
        "harkat_http_requests_total",
        (("method", "GET"), ("route", "/pelaku-usaha/<int:entrepreneur_id>"), ("status", "302")),
    ) in samples
    assert samples[("harkat_referrals", (("status", "disbursed"),))] == 1
    assert samples[("harkat_referrals", (("status", "submitted"),))] == 1
    assert samples[("harkat_referrals_past_sla", ())] == 0
    assert samples[("harkat_disbursed_this_month_rupiah", ())] > 0
    assert any(name == "harkat_db_pool_connections_in_use" for name, _ in samples)
    assert outsider.status_code == 404 and "harkat_" not in outsider.text
    assert with_token.status_code == 200 and "harkat_referrals" in with_token.text
