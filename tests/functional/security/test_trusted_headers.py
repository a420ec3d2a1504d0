"""Behind a proxy (PROXY_COUNT=1) the client's address and scheme come from X-Forwarded-For and
-Proto; the host never comes from X-Forwarded-Host unless PROXY_TRUST_HOST says the proxy sets it
(ASVS V4.1.3)."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.users import PASSWORD

EVIL = "evil.example"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PROXY_COUNT": 1, "WTF_CSRF_ENABLED": True}


def test_a_forged_forwarded_host_does_not_become_the_sites_host(client, create_user):
    """Flask-WTF's HTTPS referrer check compares the Referer with the request's host: trusting
    X-Forwarded-Host would let a forged header make evil.example "this site"."""
    _, username = create_user()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = client.get("/auth/login", headers=proxied).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    forged = client.post(
        "/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        headers={**proxied, "X-Forwarded-Host": EVIL, "Referer": f"https://{EVIL}/"},
    )
    assert forged.status_code == 400
    honest = client.post(
        "/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        headers={**proxied, "Referer": "https://localhost/auth/login"},
    )
    assert honest.status_code == 302
