"""The installable app and what a phone keeps: manifest, service worker, shells without personal
data, and the facilitator's own people (masked) for reading offline."""

from __future__ import annotations

from harkat.auth.domain import Role
from tests.fixtures.registration import valid_nik


def test_the_manifest_makes_an_indonesian_installable_app(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.json
    assert body["lang"] == "id" and body["start_url"] == "/" and body["display"] == "standalone"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in body["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_service_worker_caches_shells_and_static_files_only(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert worker.headers["Cache-Control"] == "no-store"
    text = worker.get_data(as_text=True)
    for shell in ("/luring", "/luring/kotak-keluar", "/luring/pendaftaran", "/luring/skrining"):
        assert f'"{shell}"' in text
    assert "/pelaku-usaha/" not in text  # no page with a person's data is kept


def test_shells_hold_no_personal_data(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR, full_name="Dewi Pendamping")
    create_entrepreneur(user_id, full_name="Siti Aminah")
    for path in ("/luring/pendaftaran", "/luring/skrining", "/luring/presensi", "/luring"):
        page = client.get(path)
        assert page.status_code == 200, path
        text = page.get_data(as_text=True)
        assert "Siti Aminah" not in text and "Dewi Pendamping" not in text, path


def test_the_outbox_token_says_who_is_signed_in_without_starting_a_session(client, login_as):
    signed_out = client.get("/luring/token.json")
    assert signed_out.json == {"status": "signed_out"}
    assert "Set-Cookie" not in signed_out.headers
    user_id, _ = login_as(Role.FACILITATOR)
    signed_in = client.get("/luring/token.json")
    assert signed_in.json["account"] == user_id and signed_in.json["csrf_token"]


def test_the_phone_keeps_only_the_facilitators_own_people_masked(
    client, login_as, create_user, create_entrepreneur
):
    colleague_id, _ = create_user(Role.FACILITATOR)
    create_entrepreneur(colleague_id, full_name="Orang Lain")
    user_id, _ = login_as(Role.FACILITATOR)
    nik = valid_nik()
    create_entrepreneur(user_id, full_name="Siti Aminah", nik=nik)
    data = client.get("/luring/data.json").json
    assert data["account"] == user_id
    assert [p["name"] for p in data["people"]] == ["Siti Aminah"]
    assert data["people"][0]["nik"] == f"{nik[:4]}********{nik[-4:]}"
    assert data["people"][0]["screening_url"].endswith("/skrining/baru")


def test_bank_officers_and_viewers_get_no_offline_data(client, login_as):
    login_as(Role.BANK_OFFICER)
    assert client.get("/luring/data.json").status_code in (403, 404)
    assert client.get("/luring/pendaftaran").status_code in (403, 404)
    assert client.get("/luring/token.json").json == {"status": "signed_out"}
