"""Weight on a phone: compressed pages, static files under hashed names cached for a year, and
a purged Bootstrap that still holds every Bootstrap class the templates use."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import brotli
import openpyxl
import pytest
from flask import Flask
from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.static_files import IMMUTABLE, init_static_files

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "harkat" / "static"
HASHED_URL = re.compile(r"/static/(?P<path>[\w./-]+?)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.\w+)")


def without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: they carry the second they were made."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


@pytest.fixture
def facilitator(login_as):
    user_id, _ = login_as(Role.FACILITATOR)
    return user_id


@pytest.mark.parametrize(
    ("encoding", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_pages_travel_compressed_and_arrive_as_the_same_page(client, facilitator, encoding, decode):
    client.get("/")  # shows and spends the welcome message
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/", headers={"Accept-Encoding": f"{encoding}"})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 3
    html = decode(packed.data).decode()
    assert without_tokens(html) == without_tokens(plain.get_data(as_text=True))
    assert "Beranda" in html


def test_a_browser_offering_both_gets_brotli(client, facilitator):
    response = client.get("/pelaku-usaha", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert "Pelaku usaha" in brotli.decompress(response.data).decode()


def test_pdf_and_xlsx_downloads_are_not_compressed_again(client, facilitator, create_entrepreneur):
    person = create_entrepreneur(facilitator)
    pdf = client.get(
        f"/pelaku-usaha/{person}/persetujuan.pdf", headers={"Accept-Encoding": "br, gzip"}
    )
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Content-Encoding" not in pdf.headers
    assert "Siti Aminah" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()

    xlsx = client.get("/pelaku-usaha/impor/templat.xlsx", headers={"Accept-Encoding": "br, gzip"})
    assert xlsx.status_code == 200 and "Content-Encoding" not in xlsx.headers
    assert openpyxl.load_workbook(io.BytesIO(xlsx.data)).active.max_column > 3


def test_every_static_file_of_a_page_is_hashed_and_immutable(client, facilitator):
    html = client.get("/").get_data(as_text=True)
    assert "/bootstrap/" not in html and "cdn." not in html
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any("vendor/bootstrap.min." in url for url in urls)
    assert any(url.endswith(".js") for url in urls) and any("harkat." in url for url in urls)
    for url in urls:
        match = HASHED_URL.fullmatch(url)
        assert match, url
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE
        original = (STATIC / (match["path"] + match["suffix"])).read_bytes()
        if response.headers.get("Content-Encoding") == "br":
            assert brotli.decompress(response.data) == original
        else:
            assert response.data == original


def test_static_files_are_sent_compressed_to_browsers_that_take_it(client):
    html = client.get("/auth/login").get_data(as_text=True)
    css = re.search(r'href="(/static/vendor/bootstrap\.min\.[0-9a-f]{12}\.css)"', html)[1]
    original = (STATIC / "vendor" / "bootstrap.min.css").read_bytes()

    packed = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.data) == original
    assert len(packed.data) < len(original) / 4

    raw = client.get(css, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in raw.headers and raw.data == original


def test_the_plain_name_still_answers_but_is_revalidated(client):
    with client.get("/static/harkat.css") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        assert b".bg-harkat" in response.data
    assert client.get("/static/missing.css").status_code == 404
    assert client.get("/static/../harkat/__init__.py").status_code == 404


def test_a_changed_file_gets_a_new_url_and_the_old_one_is_not_immutable(tmp_path):
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "site.css").write_text("body { color: black; }")

    def served():
        app = Flask("site", static_folder=str(folder))
        init_static_files(app)
        with app.test_request_context():
            from flask import url_for

            return app, url_for("static", filename="site.css")

    app, first = served()
    assert re.fullmatch(r"/static/site\.[0-9a-f]{12}\.css", first)
    (folder / "site.css").write_text("body { color: green; }")
    app, second = served()
    assert second != first

    client = app.test_client()
    current = client.get(second)
    assert current.headers["Cache-Control"] == IMMUTABLE
    assert current.data == b"body { color: green; }"
    # A page rendered before the change still gets the file, but must ask again next time.
    with client.get(first) as stale:
        assert stale.status_code == 200 and stale.data == b"body { color: green; }"
        assert stale.headers["Cache-Control"] == "no-cache"
    assert client.get(second, headers={"If-None-Match": current.headers["ETag"]}).status_code == 304


def test_the_purged_bootstrap_has_every_bootstrap_class_the_templates_use():
    """Fails when a template uses a Bootstrap class the purged file dropped: run ``make vendor``."""
    bootstrap = set((ROOT / "scripts" / "bootstrap-classes.txt").read_text().split())
    purged = set(
        re.findall(r"\.([a-zA-Z][\w-]*)", (STATIC / "vendor/bootstrap.min.css").read_text())
    )
    used = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for attribute in re.findall(r'class="([^"]*)"', template.read_text()):
            used |= set(re.findall(r"[a-z][a-z0-9-]*[a-z0-9]", attribute))
    missing = sorted((used & bootstrap) - purged)
    assert not missing, f"run `make vendor`: the purged Bootstrap lacks {missing}"


def test_no_web_fonts_and_no_bootstrap_javascript_are_shipped():
    names = {path.name for path in STATIC.rglob("*")}
    assert not {name for name in names if name.endswith((".woff", ".woff2", ".ttf", ".otf"))}
    assert not {name for name in names if "bootstrap" in name and name.endswith(".js")}
    assert "@font-face" not in (STATIC / "vendor/bootstrap.min.css").read_text()
