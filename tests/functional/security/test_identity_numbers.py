"""A NIK searched for never lands in a URL, a cookie or an access log (ASVS V14.2.1, V14.3.3):
the page search is kept with the sign-in on the server, the API searches by POST, and logs mask
any 16 digits."""

from __future__ import annotations

import logging
from datetime import date

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import UserSession
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from harkat.serving import MaskingFilter, mask_identity_numbers
from tests.fixtures.users import PASSWORD


def _session_contents(app, client) -> str:
    """What the session cookie says to anyone holding it (signed, not encrypted)."""
    cookie = client.get_cookie("harkat_session")
    serializer = app.session_interface.get_signing_serializer(app)
    return repr(serializer.loads(cookie.value))


def test_a_page_search_by_nik_stays_on_the_server(app, client, login_as, create_entrepreneur):
    user_id, username = login_as(Role.FACILITATOR)
    person = create_entrepreneur(user_id)
    create_entrepreneur(user_id, full_name="Budi Santoso", born=date(1990, 1, 2))
    with app.app_context():
        nik = db.session.get(Entrepreneur, person).nik
    response = client.post("/pelaku-usaha/cari", data={"q": nik})
    assert response.status_code == 302 and nik not in response.headers["Location"]
    listed = client.get("/pelaku-usaha").get_data(as_text=True)
    assert "Siti Aminah" in listed and "Budi Santoso" not in listed
    assert nik not in _session_contents(app, client)
    with app.app_context():
        assert db.session.scalars(sa.select(UserSession.search_text)).all() == [nik]
    # Another device of the same account keeps its own search.
    phone = app.test_client()
    phone.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert "Budi Santoso" in phone.get("/pelaku-usaha").get_data(as_text=True)
    # Clearing forgets it.
    client.post("/pelaku-usaha/cari", data={"q": "", "clear": "1"})
    assert "Budi Santoso" in client.get("/pelaku-usaha").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(sa.select(UserSession.search_text)).all() == [None, None]


def test_the_api_refuses_a_nik_in_the_query_string_and_finds_it_by_post(
    app, client, api_token, create_entrepreneur
):
    user_id, headers = api_token(Role.FACILITATOR)
    person = create_entrepreneur(user_id)
    with app.app_context():
        nik = db.session.get(Entrepreneur, person).nik
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    for q in (nik, spaced, "0812-3456-7890"):
        refused = client.get("/api/v1/entrepreneurs", query_string={"q": q}, headers=headers)
        assert refused.status_code == 422
        assert "POST /api/v1/entrepreneurs/search" in refused.json["error"]["fields"]["q"][0]
    found = client.post("/api/v1/entrepreneurs/search", json={"q": nik}, headers=headers)
    assert found.status_code == 200
    assert [item["id"] for item in found.json["items"]] == [person]
    by_name = client.get("/api/v1/entrepreneurs?q=siti", headers=headers)
    assert by_name.status_code == 200 and by_name.json["meta"]["total"] == 1
    paged = client.post(
        "/api/v1/entrepreneurs/search", json={"q": "siti", "per_page": 1}, headers=headers
    )
    assert paged.json["meta"] == {"page": 1, "per_page": 1, "total": 1, "pages": 1}


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("GET /pelaku-usaha?q=1571010211950017 HTTP/1.1", "q=1571********0017 "),
        ("GET /x?q=1571%200102%201195%200017 HTTP/1.1", "q=1571********0017 "),
        ("GET /x?q=1571+0102+1195+0017 HTTP/1.1", "q=1571********0017 "),
        ("GET /x?nik=15.71.01.0211950017&b=2", "nik=1571********0017&b=2"),
        ("GET /x?q=157101-021195-0017", "q=1571********0017"),
    ],
)
def test_access_log_lines_mask_any_sixteen_digits(line, masked):
    assert masked in mask_identity_numbers(line)
    assert "0211950017" not in mask_identity_numbers(line).replace("*", "")


def test_short_numbers_stay_readable_in_logs():
    line = "GET /rujukan/12345?page=2&bulan=2026-11 HTTP/1.1"
    assert mask_identity_numbers(line) == line


def test_the_development_server_log_is_masked(caplog):
    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        record = logger.makeRecord(
            "werkzeug",
            logging.INFO,
            __file__,
            1,
            '%s - - [%s] "%s" %s %s',
            ("127.0.0.1", "now", "GET /x?q=1571010211950017 HTTP/1.1", "200", "-"),
            None,
        )
        MaskingFilter().filter(record)
    assert "1571010211950017" not in record.getMessage()
    assert "1571********0017" in record.getMessage()
