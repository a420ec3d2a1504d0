"""A NIK typed with separators into a note reaches the audit log masked."""

from __future__ import annotations

import sqlalchemy as sa

from harkat.audit import services as audit
from harkat.audit.models import AuditLog
from harkat.extensions import db


def test_a_grouped_nik_in_an_audit_note_is_masked(app):
    with app.app_context():
        audit.record(
            db.session,
            "export",
            entity_type="entrepreneurs",
            changes={"catatan": "diminta untuk NIK 1571 0102 1195 0017 dan 15.71.01.0211950018"},
        )
        db.session.commit()
        stored = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "export"))
        text = str(stored.changes)
        assert "1571********0017" in text and "1571********0018" in text
        assert "0102" not in text and "0211950018" not in text
