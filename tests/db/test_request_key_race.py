"""Eight sends of one outbox item at the same moment, through gunicorn's workers on the test
database (SQLite or PostgreSQL): one record, every answer points at it, none is a 500."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from harkat.auth.models import Role
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from tests.fixtures.registration import valid_nik

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "Jambi-Bahagia-2026!"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(app):
    """The app of this test's database, served by gunicorn with two workers."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    port = _free_port()
    env = dict(
        os.environ,
        HARKAT_BIND=f"127.0.0.1:{port}",
        HARKAT_WORKERS="2",
        HARKAT_DATABASE_URL=app.config["DATABASE_URL"],
        HARKAT_INSTANCE_PATH=app.instance_path,
        HARKAT_SECRET_KEY="race-secret",
    )
    process = subprocess.Popen(  # noqa: S603 - our own server on loopback
        [str(GUNICORN), "-c", str(ROOT / "deploy/gunicorn.conf.py"), "harkat:create_app()"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]


def test_one_item_sent_eight_times_at_once_is_stored_once(app, served, create_user):
    user_id, username = create_user(Role.FACILITATOR)
    session = requests.Session()
    login = session.get(f"{served}/auth/login")
    session.post(
        f"{served}/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": _csrf(login.text)},
    )
    form_page = session.get(f"{served}/pelaku-usaha/baru")
    assert form_page.ok
    data = {
        "csrf_token": _csrf(form_page.text), "nik": valid_nik(), "full_name": "Rahmawati Putri",
        "birth_place": "Jambi", "address": "Lr. Mawar No. 12", "kelurahan_code": "15.71.01.1001",
        "dependants": "0",
    }  # fmt: skip
    headers = {
        "Accept": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
        "X-Harkat-Account": str(user_id),
    }
    answers: list[requests.Response] = []
    start = threading.Barrier(8)

    def send() -> None:
        sender = requests.Session()
        sender.cookies.update(session.cookies)
        start.wait()
        answers.append(sender.post(f"{served}/pelaku-usaha/baru", data=data, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(a.status_code for a in answers)
    assert len(codes) == 8 and set(codes) <= {200, 201, 409}, codes
    assert codes.count(201) == 1, codes
    urls = {a.json()["url"] for a in answers if a.status_code in (200, 201)}
    assert len(urls) == 1
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur))
        db.session.remove()
    assert count == 1
