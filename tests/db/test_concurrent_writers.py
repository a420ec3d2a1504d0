"""Two workers writing at the same moment both succeed: on SQLite the second waits for the first
(transactions begin IMMEDIATE, with a busy timeout) instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from harkat.audit import services as audit
from harkat.audit.models import AuditLog
from harkat.extensions import db
from harkat.reference.models import Bank


def test_concurrent_read_then_write_transactions_all_commit(app):
    errors: list[BaseException] = []
    rounds = 15

    def worker(name: str) -> None:
        try:
            with app.app_context():
                for number in range(rounds):
                    # Read, then write: what fails at once in deferred SQLite transactions.
                    db.session.scalar(sa.select(sa.func.count()).select_from(Bank))
                    time.sleep(0.002)
                    audit.record(db.session, "export", entity_type=name, entity_id=number)
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported to the main thread below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"worker{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with app.app_context():
        written = db.session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "export"))
        assert written == 3 * rounds


def test_a_page_that_only_reads_does_not_block_a_writer(app):
    """A GET holds its read transaction open while someone else saves (SQLite WAL, DEFERRED)."""
    written: list[float] = []

    def writer() -> None:
        with app.app_context():
            started = time.perf_counter()
            audit.record(db.session, "export", entity_type="writer")
            db.session.commit()
            written.append(time.perf_counter() - started)
            db.session.remove()

    with app.test_request_context("/pelaku-usaha", method="GET"):
        db.session.scalar(sa.select(sa.func.count()).select_from(Bank))  # read transaction open
        thread = threading.Thread(target=writer)
        thread.start()
        thread.join(timeout=10)
        db.session.rollback()
        db.session.remove()
    assert written and written[0] < 5


def test_twenty_concurrent_writers_through_the_api_all_succeed(app, create_user):
    """Twenty clients register entrepreneurs at the same moment: every request is answered 201,
    none with "database is locked" (each also writes its rate-limit counter and audit rows)."""
    from harkat.api import tokens
    from harkat.auth.domain import Role
    from harkat.auth.models import User
    from harkat.registration.models import Entrepreneur
    from tests.fixtures.registration import valid_nik

    user_id, _ = create_user(Role.FACILITATOR)
    with app.app_context():
        _, secret = tokens.create_token(
            db.session, db.session.get(User, user_id), "Beban", db.session.get(User, user_id)
        )
        db.session.commit()
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 10_000
    niks = [valid_nik() for _ in range(20)]
    statuses: list[int] = []
    start = threading.Barrier(20)

    def writer(nik: str) -> None:
        client = app.test_client()
        start.wait()
        response = client.post(
            "/api/v1/entrepreneurs",
            json={
                "nik": nik,
                "full_name": "Penulis Serentak",
                "birth_place": "Jambi",
                "kelurahan_code": "15.71.01.1001",
                "address": "Jl. Serentak 1",
            },
            headers={"Authorization": f"Bearer {secret}"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=writer, args=(nik,)) for nik in niks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 20
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur)) == 20
