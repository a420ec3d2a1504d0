"""The probe's low findings and hardening list, each tried the way the probe tried it: through
the pages and the API, with the answer a user (or attacker) would see."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import ReferralDocument
from tests.fixtures.referrals import PNG
from tests.fixtures.registration import entrepreneur_count, registration_form, valid_nik
from tests.fixtures.users import PASSWORD

EVIL = "evil.example"


# --------------------------------------------------------------------------- redirects


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "x"],
)
def test_login_next_off_site_goes_home(client, create_user, target):
    _, username = create_user()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"username": username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\nSet-Cookie: a=b", "/a\x00b"])
def test_login_next_with_control_characters_is_refused_with_400(client, create_user, target):
    _, username = create_user()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"username": username, "password": PASSWORD},
    )
    assert response.status_code == 400
    assert "karakter kendali" in response.get_data(as_text=True)
    assert EVIL not in response.headers.get("Location", "")


def test_login_next_on_site_is_followed(client, create_user):
    _, username = create_user()
    response = client.post(
        "/auth/login?next=/rujukan?status=submitted",
        data={"username": username, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/rujukan?status=submitted"


@pytest.mark.parametrize(
    ("target", "status", "location"),
    [
        ("/\t/evil.example", 400, None),
        ("/\\evil.example", 302, "/akun/token"),
        ("//evil.example", 302, "/akun/token"),
        ("/akun/token", 302, "/akun/token"),
    ],
)
def test_token_revoke_next_stays_on_site(app, client, login_as, target, status, location):
    from harkat.api import tokens
    from harkat.auth.models import User

    user_id, _ = login_as(Role.FACILITATOR)
    with app.app_context():
        user = db.session.get(User, user_id)
        token, _ = tokens.create_token(db.session, user, "Tes", user)
        db.session.commit()
        token_id = token.id
    response = client.post(f"/akun/token/{token_id}/cabut", data={"next": target})
    assert response.status_code == status
    if location:
        assert response.headers["Location"] == location


# --------------------------------------------------------------------------- hostile bodies


def test_json_nested_fifty_thousand_levels_is_a_400_not_a_500(client, api_token):
    _, headers = api_token(Role.FACILITATOR)
    deep = "[" * 50_000 + "]" * 50_000
    for path in ("/api/v1/entrepreneurs", "/api/v1/groups", "/api/v1/entrepreneurs/search"):
        response = client.post(
            path, data=deep, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, (path, response.status_code)
        assert response.json["error"]["fields"]["json"] == ["Isi permintaan bukan JSON yang sah."]


def _documents(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(ReferralDocument))


def test_an_upload_name_with_a_nul_byte_is_refused_and_nothing_stored(
    app, client, login_as, ready_entrepreneur, make_referral
):
    user_id, _ = login_as(Role.FACILITATOR)
    person = ready_entrepreneur(user_id)
    referral_id = make_referral(user_id, person)
    before = _documents(app)
    response = client.post(
        f"/rujukan/{referral_id}/dokumen",
        data={
            "rows-0-file": (io.BytesIO(PNG), "ktp\x00.php.png"),
            "rows-0-kind": "ktp",
            "rows-0-member": str(person),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Nama berkas berisi karakter" in response.get_data(as_text=True)
    assert _documents(app) == before


def _pdf_with_script() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.launchURL('https://evil.example');"),
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_with_javascript_is_refused_at_upload(
    app, client, login_as, ready_entrepreneur, make_referral
):
    user_id, _ = login_as(Role.FACILITATOR)
    person = ready_entrepreneur(user_id)
    referral_id = make_referral(user_id, person)
    before = _documents(app)
    response = client.post(
        f"/rujukan/{referral_id}/dokumen",
        data={
            "rows-0-file": (io.BytesIO(_pdf_with_script()), "ktp.pdf"),
            "rows-0-kind": "ktp",
            "rows-0-member": str(person),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "PDF ini berisi JavaScript" in response.get_data(as_text=True)
    assert _documents(app) == before


# --------------------------------------------------------------------------- HTTPS and headers


def test_over_https_the_cookie_is_host_prefixed_and_hsts_covers_subdomains(
    app, client, create_user
):
    _, username = create_user()
    secure = app.test_client()
    response = secure.post(
        "/auth/login",
        data={"username": username, "password": PASSWORD},
        base_url="https://harkat.jambikota.go.id",
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-harkat_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    home = secure.get("/", base_url="https://harkat.jambikota.go.id")
    assert home.status_code == 200  # the prefixed cookie is the one read back
    # Plain HTTP (make run on a laptop) keeps the bare name and sends no HSTS.
    plain = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert plain.headers["Set-Cookie"].startswith("harkat_session=")
    assert "Strict-Transport-Security" not in plain.headers


def test_csp_forbids_base_elements(client):
    policy = client.get("/auth/login").headers["Content-Security-Policy"]
    assert "base-uri 'none'" in policy


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u202a"])
def test_bidi_controls_in_a_name_are_refused_naming_the_field(app, client, login_as, control):
    login_as(Role.FACILITATOR)
    before = entrepreneur_count(app)
    response = client.post(
        "/pelaku-usaha/baru",
        data=registration_form(valid_nik(), full_name=f"Siti{control}gnp.exe Aminah"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert f"U+{ord(control):04X}" in page
    assert entrepreneur_count(app) == before


def test_bidi_controls_are_refused_by_the_api_too(client, api_token):
    _, headers = api_token(Role.FACILITATOR)
    response = client.post(
        "/api/v1/entrepreneurs",
        json={
            "nik": valid_nik(),
            "full_name": "Siti\u202eAminah",
            "birth_place": "Jambi",
            "kelurahan_code": "15.71.01.1001",
            "address": "Jl. Mawar",
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert "pengatur arah teks" in json.dumps(response.json["error"]["fields"])
