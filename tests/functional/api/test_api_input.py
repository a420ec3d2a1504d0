"""The API holds registrations to the same rules as the page: clean text, KTP age, KTP names."""

from __future__ import annotations

from datetime import date, datetime

from harkat.auth.domain import Role
from harkat.core.dates import JAKARTA
from tests.fixtures.registration import valid_nik

PERSON = {
    "full_name": "Siti Aminah",
    "birth_place": "Jambi",
    "kelurahan_code": "15.71.01.1001",
    "address": "Jl. Sultan Thaha No. 5",
}


def test_invisible_characters_are_removed_before_validation(client, api_token):
    _, headers = api_token(Role.FACILITATOR)
    nik = valid_nik()
    body = {**PERSON, "nik": nik + "\u200b", "full_name": "Siti\u00a0Aminah\ufeff"}
    created = client.post("/api/v1/entrepreneurs", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert (created.json["nik"], created.json["full_name"]) == (nik, "Siti Aminah")


def test_a_minor_and_an_emoji_name_are_refused_naming_the_field(client, api_token):
    _, headers = api_token(Role.FACILITATOR)
    young = valid_nik(born=date(datetime.now(JAKARTA).date().year - 15, 6, 1))
    refused = client.post("/api/v1/entrepreneurs", json={**PERSON, "nik": young}, headers=headers)
    assert refused.status_code == 422
    assert "minimal berumur 17 tahun" in refused.json["error"]["fields"]["nik"][0]

    emoji = {**PERSON, "nik": valid_nik(), "full_name": "Siti 🌸"}
    refused = client.post("/api/v1/entrepreneurs", json=emoji, headers=headers)
    assert refused.status_code == 422
    assert "U+1F338" in refused.json["error"]["fields"]["full_name"][0]
    assert client.get("/api/v1/entrepreneurs", headers=headers).json["meta"]["total"] == 0
