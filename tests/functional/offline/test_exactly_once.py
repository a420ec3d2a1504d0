"""A form sent twice with one key (double tap, retry, a phone's outbox) stores one record, and
the second sender is told where the first one went."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.idempotency import RequestKey
from tests.fixtures.registration import entrepreneur_count, registration_form, valid_nik

JSON = {"Accept": "application/json"}


_form = registration_form
_count = entrepreneur_count


def test_a_double_tap_registers_once_and_both_land_on_the_record(app, client, login_as):
    login_as(Role.FACILITATOR)
    data = _form(valid_nik(), _request_key=uuid.uuid4().hex)
    first = client.post("/pelaku-usaha/baru", data=data)
    second = client.post("/pelaku-usaha/baru", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert first.location == second.location
    assert _count(app) == 1


def test_an_outbox_gets_json_and_a_lost_answer_is_given_again(app, client, login_as):
    user_id, _ = login_as(Role.FACILITATOR)
    key = str(uuid.uuid4())
    headers = {**JSON, "Idempotency-Key": key, "X-Harkat-Account": str(user_id)}
    data = _form(valid_nik())
    first = client.post("/pelaku-usaha/baru", data=data, headers=headers)
    assert first.status_code == 201, first.json
    assert first.json["status"] == "accepted" and first.json["replayed"] is False
    assert "terdaftar dengan nomor HKT-" in first.json["message"]
    again = client.post("/pelaku-usaha/baru", data=data, headers=headers)
    assert again.status_code == 200
    assert again.json == {**first.json, "replayed": True}
    assert _count(app) == 1
    with app.app_context():
        (row,) = db.session.scalars(sa.select(RequestKey)).all()
        assert (row.user_id, row.key, row.endpoint) == (user_id, key, "registration.create")


def test_a_refusal_keeps_nothing_so_the_corrected_form_goes_with_the_same_key(
    app, client, login_as
):
    login_as(Role.FACILITATOR)
    headers = {**JSON, "Idempotency-Key": uuid.uuid4().hex}
    nik = valid_nik()
    refused = client.post(
        "/pelaku-usaha/baru", data=_form(nik[:8] + "O" + nik[9:]), headers=headers
    )
    assert refused.status_code == 422
    assert refused.json["status"] == "refused"
    assert any("U+004F" in reason for reason in refused.json["errors"]["NIK"])
    assert _count(app) == 0
    accepted = client.post("/pelaku-usaha/baru", data=_form(nik), headers=headers)
    assert accepted.status_code == 201 and _count(app) == 1


def test_a_nik_registered_meanwhile_is_a_conflict_shown_on_the_item(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    nik = valid_nik()
    create_entrepreneur(user_id, nik=nik)
    refused = client.post(
        "/pelaku-usaha/baru", data=_form(nik), headers={**JSON, "Idempotency-Key": "k" * 32}
    )
    assert refused.status_code == 422
    assert "NIK sudah terdaftar" in " ".join(refused.json["errors"]["NIK"])


def test_an_item_of_another_account_is_not_sent_under_this_one(app, client, login_as):
    user_id, _ = login_as(Role.FACILITATOR)
    headers = {**JSON, "Idempotency-Key": "a" * 32, "X-Harkat-Account": str(user_id + 1)}
    refused = client.post("/pelaku-usaha/baru", data=_form(valid_nik()), headers=headers)
    assert refused.status_code == 409 and "akun lain" in refused.json["errors"][""][0]
    assert _count(app) == 0


def test_keys_belong_to_one_account_and_one_form(app, client, login_as, create_user):
    login_as(Role.FACILITATOR)
    key = "b" * 32
    client.post("/pelaku-usaha/baru", data=_form(valid_nik()), headers={"Idempotency-Key": key})
    other = client.post(
        "/pelaku-usaha/1/skrining/baru", data={}, headers={**JSON, "Idempotency-Key": key}
    )
    assert other.status_code in (404, 422)
    # Another facilitator's identical key is theirs: it registers their own person.
    _, username = create_user(Role.FACILITATOR)
    colleague = app.test_client()
    colleague.post("/auth/login", data={"username": username, "password": "Jambi-Bahagia-2026!"})
    theirs = colleague.post(
        "/pelaku-usaha/baru", data=_form(valid_nik()), headers={**JSON, "Idempotency-Key": key}
    )
    assert theirs.status_code == 201
    assert _count(app) == 2


def test_a_malformed_key_is_refused(app, client, login_as):
    login_as(Role.FACILITATOR)
    response = client.post(
        "/pelaku-usaha/baru", data=_form(valid_nik()), headers={"Idempotency-Key": "x y"}
    )
    assert response.status_code == 400 and _count(app) == 0
