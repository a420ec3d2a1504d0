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
