"""The audit log: written automatically and explicitly, append-only, browsable by admins."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from harkat.audit import services as audit
from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.reference.models import Bank


def _rows(app, **filters):
    with app.app_context():
        query = sa.select(AuditLog).order_by(AuditLog.id)
        for key, value in filters.items():
            query = query.where(getattr(AuditLog, key) == value)
        return db.session.scalars(query).all()


def test_creating_a_user_through_the_admin_page_is_audited(app, client, login_as):
    admin_id, admin_name = login_as(Role.ADMIN)
    client.post(
        "/admin/users/new",
        data={
            "username": "pendamping.baru",
            "full_name": "Pendamping Baru",
            "role": "facilitator",
            "bank": "",
            "kecamatan": ["15.71.02", "15.71.03"],
            "is_active": "y",
            "password": "Tanjung-Jabung-2026",
        },
    )
    (row,) = [
        r
        for r in _rows(app, action="create", entity_type="users")
        if r.changes["username"][1] == "pendamping.baru"
    ]
    assert row.actor_id == admin_id and row.actor_name == admin_name
    assert row.changes["username"] == [None, "pendamping.baru"]
    assert row.changes["kecamatan"] == [None, ["15.71.02", "15.71.03"]]
    assert "password_hash" not in row.changes and "session_token" not in row.changes
    assert row.address == "127.0.0.1"
    assert row.user_agent


def test_an_update_records_before_and_after_of_changed_fields_only(app, client, login_as):
    login_as(Role.ADMIN)
    with app.app_context():
        bank = db.session.scalar(sa.select(Bank).where(Bank.code == "BRI"))
        bank_id, old_name = bank.id, bank.name
    client.post(f"/admin/banks/{bank_id}", data={"code": "BRI", "name": "BRI Cabang Jambi"})
    (row,) = _rows(app, action="update", entity_type="banks")
    assert row.entity_id == str(bank_id)
    assert row.changes == {"name": [old_name, "BRI Cabang Jambi"], "is_active": [True, False]}


def test_logins_and_failed_logins_are_audited(app, auth, create_user):
    user_id, username = create_user()
    auth.login(username, "bukan-kata-sandinya")
    auth.login(username)
    failed = _rows(app, action="login_failed")
    assert [r.changes["username"] for r in failed] == [username]
    (login,) = _rows(app, action="login")
    assert login.actor_id == user_id and login.entity_id == str(user_id)


def test_niks_are_masked_in_the_log(app):
    with app.app_context():
        audit.record(
            db.session,
            "export",
            entity_type="entrepreneurs",
            changes={"nik": "1571014708850001", "note": "cari 1571014708850001"},
        )
        db.session.commit()
    (row,) = _rows(app, action="export")
    assert row.changes == {"nik": "1571********0001", "note": "cari 1571********0001"}


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"]
)
def test_the_database_refuses_to_change_history(app, statement):
    with app.app_context():
        audit.record(db.session, "export", entity_type="entrepreneurs")
        db.session.commit()
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
        exports = sa.select(sa.func.count()).where(AuditLog.action == "export")
        assert db.session.scalar(exports) == 1


def test_admin_browses_and_filters_the_log(app, client, login_as, create_user):
    _, other = create_user(Role.VIEWER)
    client.post("/auth/logout")
    client.post("/auth/login", data={"username": other, "password": "salah-salah-99"})
    _, admin_name = login_as(Role.ADMIN)

    everything = client.get("/admin/audit/").get_data(as_text=True)
    assert "login_failed" in everything and "login" in everything

    only_failed = client.get("/admin/audit/", query_string={"action": "login_failed"})
    html = only_failed.get_data(as_text=True)
    assert other in html and admin_name not in html.split("<tbody>")[1]

    by_actor = client.get("/admin/audit/", query_string={"actor": admin_name, "action": "login"})
    assert admin_name in by_actor.get_data(as_text=True).split("<tbody>")[1]

    future = client.get("/admin/audit/", query_string={"date_from": "2099-01-01"})
    assert "Tidak ada catatan yang cocok." in future.get_data(as_text=True)


def test_only_admins_see_the_log(client, login_as):
    login_as(Role.VIEWER)
    assert client.get("/admin/audit/").status_code == 403
