"""Eight sends of one outbox item at the same moment, through gunicorn's workers on the test
database (SQLite or PostgreSQL): one record, every answer points at it, none is a 500."""

from __future__ import annotations

import threading
import uuid

import requests
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from tests.fixtures.registration import valid_nik
from tests.fixtures.serving import csrf_token

PASSWORD = "Jambi-Bahagia-2026!"


def test_one_item_sent_eight_times_at_once_is_stored_once(app, served, create_user):
    user_id, username = create_user(Role.FACILITATOR)
    session = requests.Session()
    login = session.get(f"{served}/auth/login")
    session.post(
        f"{served}/auth/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_token(login.text)},
    )
    form_page = session.get(f"{served}/pelaku-usaha/baru")
    assert form_page.ok
    data = {
        "csrf_token": csrf_token(form_page.text), "nik": valid_nik(),
        "full_name": "Rahmawati Putri", "birth_place": "Jambi", "address": "Lr. Mawar No. 12",
        "kelurahan_code": "15.71.01.1001", "dependants": "0",
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
