"""The shipped reverse proxy, tried for real: Debian's nginx with ``deploy/nginx/harkat.conf``
(and its snippets) in front of gunicorn with ``deploy/gunicorn.conf.py``, on loopback, with a
self-signed certificate made here. Only ports and paths are changed from the shipped files."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.static_files import export_public
from tests.fixtures.serving import csrf_token, serve
from tests.fixtures.users import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MAX_FAILURES_PER_ADDRESS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _certificate(directory: Path) -> Path:
    directory.mkdir()
    subprocess.run(  # noqa: S603 - openssl from Debian, arguments fixed here
        [
            shutil.which("openssl") or "/usr/bin/openssl",
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem"),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return directory / "fullchain.pem"


def _configure(root: Path, upstream: str, http: int, https: int) -> Path:
    """The shipped files with this test's ports and paths; returns the main nginx.conf."""
    paths = {
        "/etc/nginx/snippets/": f"{root}/snippets/",
        "/srv/harkat/public": f"{root}/public",
        "/var/log/nginx/": f"{root}/logs/",
        "/etc/ssl/harkat/": f"{root}/ssl/",
        "127.0.0.1:8000": upstream,
    }
    (root / "snippets").mkdir()
    (root / "logs").mkdir()
    for name in ("harkat.conf", "harkat-tls.conf", "harkat-proxy.conf"):
        text = (DEPLOY / name).read_text()
        for old, new in paths.items():
            text = text.replace(old, new)
        text = text.replace("listen 80;", f"listen 127.0.0.1:{http};")
        text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
        text = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", text)
        target = root / ("site.conf" if name == "harkat.conf" else f"snippets/{name}")
        target.write_text(text)
    main = root / "nginx.conf"
    # As root (CI), nginx's workers would drop to "nobody", who cannot read pytest's folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main.write_text(
        f"{user}worker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/logs/error.log;\n"
        "events {}\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  client_body_temp_path {root / 'body'};\n  proxy_temp_path {root / 'proxy'};\n"
        f"  include {root}/site.conf;\n"
        "}\n"
    )
    return main


@pytest.fixture
def proxied(app, tmp_path):
    """nginx (HTTP and HTTPS ports) in front of gunicorn; yields the addresses and both."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    root = tmp_path / "nginx"
    root.mkdir()
    export_public(app, root / "public")
    certificate = _certificate(root / "ssl")
    env = {
        "HARKAT_PROXY_COUNT": "1",
        # Trusting the host is off by default; switched on here so the test shows that nginx
        # itself clears a forged X-Forwarded-Host.
        "HARKAT_PROXY_TRUST_HOST": "true",
        "HARKAT_LOGIN_MAX_FAILURES_PER_ADDRESS": str(MAX_FAILURES_PER_ADDRESS),
    }
    with serve(app, tmp_path, env=env) as served:
        http, https = _free_port(), _free_port()
        config = _configure(root, served.base.removeprefix("http://"), http, https)
        check = subprocess.run(  # noqa: S603
            [NGINX, "-t", "-c", str(config), "-p", str(root)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
        nginx = subprocess.Popen(  # noqa: S603
            [NGINX, "-c", str(config), "-p", str(root), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    requests.get(
                        f"https://127.0.0.1:{https}/healthz", verify=certificate, timeout=2
                    )
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            yield {
                "http": f"http://127.0.0.1:{http}",
                "https": f"https://127.0.0.1:{https}",
                "verify": str(certificate),
                "served": served,
            }
        finally:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=30)


def _session(proxied) -> requests.Session:
    """A browser's session that trusts the test's certificate (also when REQUESTS_CA_BUNDLE is
    set, which would override ``Session.verify``)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = proxied["verify"]
    return session


def _get(proxied, path, **kwargs):
    return requests.get(proxied["https"] + path, verify=proxied["verify"], timeout=30, **kwargs)


def test_http_is_redirected_to_https_and_https_sends_hsts(proxied):
    answer = requests.get(proxied["http"] + "/auth/login?x=1", allow_redirects=False, timeout=30)
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://") and answer.headers[
        "Location"
    ].endswith("/auth/login?x=1")
    page = _get(proxied, "/auth/login")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.headers["Content-Encoding"] in ("gzip", "br")
    assert "nginx/" not in page.headers.get("Server", "")  # no version banner


def test_hashed_static_files_come_from_nginx_compressed_and_cached_for_a_year(proxied):
    page = _get(proxied, "/auth/login").text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', page)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        answer = _get(proxied, asset, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200, asset
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Encoding"] == "gzip", asset
    served = proxied["served"]
    time.sleep(0.3)
    assert "GET /static/" not in served.log_text()  # nginx answered; gunicorn never saw them
    # A name nginx does not hold (the plain one) is answered by the app, revalidated.
    plain = _get(proxied, "/static/harkat.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"


def test_bodies_over_the_limit_stop_at_nginx_except_the_documents_page(proxied):
    big = b"x" * (7 * 1024 * 1024)
    refused = requests.post(
        proxied["https"] + "/auth/login", data=big, verify=proxied["verify"], timeout=60
    )
    assert refused.status_code == 413 and "Kiriman terlalu besar" in refused.text
    passed = requests.post(
        proxied["https"] + "/rujukan/1/dokumen",
        data=big,
        verify=proxied["verify"],
        timeout=60,
        allow_redirects=False,
    )
    assert "Kiriman terlalu besar" not in passed.text  # reached the app (which asks to sign in)


def test_the_client_address_reaches_the_app_and_forged_headers_do_not(app, proxied, create_user):
    _, username = create_user(Role.FACILITATOR)
    session = _session(proxied)
    token = csrf_token(session.get(proxied["https"] + "/auth/login").text)
    forged = {
        "X-Forwarded-For": "203.0.113.66",
        "X-Forwarded-Host": "evil.example",
        "Referer": "https://evil.example/",
    }
    refused = session.post(
        proxied["https"] + "/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        headers=forged,
        allow_redirects=False,
    )
    assert refused.status_code == 400  # evil.example is not this site: the host was cleared
    signed_in = session.post(
        proxied["https"] + "/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-For": "203.0.113.66", "Referer": proxied["https"] + "/auth/login"},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    assert any(c.name == "__Host-harkat_session" for c in session.cookies)  # HTTPS reached the app
    with app.app_context():
        address = db.session.scalar(
            sa.select(AuditLog.address).where(
                AuditLog.action == "login", AuditLog.actor_name == username
            )
        )
    assert address == "127.0.0.1"  # nginx's view of the client, not the forged header


def test_login_throttling_per_address_holds_through_the_proxy(proxied):
    session = _session(proxied)
    token = csrf_token(session.get(proxied["https"] + "/auth/login").text)
    answers = []
    for attempt in range(MAX_FAILURES_PER_ADDRESS + 2):
        answers.append(
            session.post(
                proxied["https"] + "/auth/login",
                data={"username": f"tebakan{attempt}", "password": "salah", "csrf_token": token},
                # A client rotating its claimed address gains nothing: nginx replaces it.
                headers={
                    "X-Forwarded-For": f"198.51.100.{attempt}",
                    "Referer": proxied["https"] + "/auth/login",
                },
            ).text
        )
    assert "Nama pengguna atau kata sandi salah" in answers[0]
    assert "Terlalu banyak percobaan masuk yang gagal" in answers[-1]


def test_nginx_says_so_in_indonesian_when_the_app_is_down(proxied):
    proxied["served"].stop()
    down = _get(proxied, "/auth/login")
    assert down.status_code == 502
    assert "Layanan sedang dimulai ulang" in down.text and 'lang="id"' in down.text
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', down.text)[1]
    assert _get(proxied, stylesheet).status_code == 200  # the page keeps its look
