"""The audit page reads as Indonesian: field labels and value labels, not stored keys."""

from __future__ import annotations

import html

import sqlalchemy as sa

from harkat.audit import services as audit
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.cases.domain import JourneyStage
from harkat.extensions import db
from harkat.reference.models import Bank
from harkat.registration.models import Entrepreneur


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_stage_change_reads_with_labels(app, client, login_as, create_user, create_entrepreneur):
    facilitator_id, _ = create_user(Role.FACILITATOR, kecamatan_codes=["15.71.01"])
    person_id = create_entrepreneur(facilitator_id)
    with app.app_context():
        audit.set_actor(db.session.get(User, facilitator_id))
        person = db.session.get(Entrepreneur, person_id)
        person.stage = JourneyStage.DISBURSED
        db.session.commit()
        assert person.stage == JourneyStage.DISBURSED  # loaded again, so the log has "before"
        person.stage = JourneyStage.REPAYING
        db.session.commit()
        audit.set_actor(None)
    login_as(Role.ADMIN)
    page = _text(client.get("/admin/audit/?entity_type=entrepreneurs&action=update"))
    assert "<strong>Tahap</strong>: Dana cair → Mengangsur" in page
    assert "disbursed" not in page and "repaying" not in page
    assert "<strong>stage</strong>" not in page
    # A creation lists its fields by label too, with enum and date values spelled out.
    page = _text(client.get("/admin/audit/?entity_type=entrepreneurs&action=create"))
    assert "<strong>Nama lengkap</strong>: Siti Aminah" in page
    assert "<strong>Jenis kelamin</strong>: Perempuan" in page
    assert "<strong>Tanggal lahir</strong>: 17 Agustus 1985" in page
    assert "full_name" not in page and "birth_date" not in page


def test_a_sharia_flag_change_reads_ya_tidak(app, client, login_as):
    login_as(Role.ADMIN)
    with app.app_context():
        bank = db.session.scalar(sa.select(Bank).where(Bank.code == "BRI"))
        bank_id, name = bank.id, bank.name
    client.post(
        f"/admin/banks/{bank_id}",
        data={"code": "BRI", "name": name, "is_active": "y", "is_sharia": "y"},
    )
    page = _text(client.get("/admin/audit/?entity_type=banks&action=update"))
    assert "<strong>Bank syariah</strong>: tidak → ya" in page
    assert "is_sharia" not in page and "True" not in page
