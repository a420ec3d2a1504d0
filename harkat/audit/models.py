"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from harkat.database import utcnow
from harkat.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),
        sa.Index("ix_audit_log_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: None for the system (CLI without a user, migrations, anonymous visitors).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The username as it was when the row was written.
    actor_name: Mapped[str] = mapped_column(sa.String(60), default="sistem")
    #: ``create``, ``update``, ``delete``, ``login``, ``login_failed``, ``export``, …
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    entity_type: Mapped[str | None] = mapped_column(sa.String(60))
    entity_id: Mapped[str | None] = mapped_column(sa.String(40))
    #: ``{field: [before, after]}`` for changes; free detail for other actions. NIKs masked.
    changes: Mapped[dict] = mapped_column(sa.JSON().with_variant(JSONB, "postgresql"), default=dict)
    address: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))

    def __repr__(self) -> str:
        return f"<AuditLog {self.id} {self.action} {self.entity_type}:{self.entity_id}>"


#: What each action and kind of record is called on screen; unknown ones show as stored.
ACTION_LABELS = {
    "create": "membuat",
    "update": "mengubah",
    "delete": "menghapus",
    "login": "masuk",
    "login_failed": "gagal masuk",
    "login_blocked": "masuk diblokir",
    "access_denied": "ditolak aksesnya",
    "logout": "keluar",
    "logout_all": "keluar dari semua perangkat",
    "password_change": "mengganti kata sandi",
    "export": "mengekspor",
    "download": "mengunduh",
    "view": "membuka",
    "import": "mengimpor",
    "month_close": "menutup bulan",
    "month_reopen": "membuka kembali bulan",
    "referral.submit": "mengajukan",
    "referral.review": "mulai menelaah",
    "referral.request_info": "meminta kelengkapan",
    "referral.answer": "menjawab permintaan kelengkapan",
    "referral.approve": "menyetujui",
    "referral.reject": "menolak",
    "referral.withdraw": "menarik",
    "referral.disburse": "mencatat pencairan",
    "referral_document.reuse": "memakai ulang dokumen",
    "screening.take_over_override": "mengubah jumlah ambil alih",
    "demo_seed": "membuat data demo",
}
ENTITY_LABELS = {
    "users": "akun",
    "requests": "permintaan",
    "banks": "bank",
    "schemes": "skema",
    "courses": "kursus",
    "settings": "aturan",
    "entrepreneurs": "pelaku usaha",
    "businesses": "usaha",
    "groups": "kelompok",
    "group_memberships": "keanggotaan kelompok",
    "consents": "persetujuan",
    "cohorts": "angkatan",
    "cohort_sessions": "sesi pelatihan",
    "enrolments": "peserta pelatihan",
    "attendance": "presensi",
    "certificates": "sertifikat",
    "incubations": "inkubasi",
    "mentoring_visits": "kunjungan pendampingan",
    "incubation_milestones": "capaian inkubasi",
    "screenings": "skrining utang",
    "referrals": "rujukan",
    "referral_members": "anggota rujukan",
    "referral_documents": "dokumen rujukan",
    "referral_gate_exemptions": "pengecualian syarat rujukan",
    "referral_messages": "pesan rujukan",
    "loans": "pinjaman",
    "loan_reports": "laporan angsuran",
    "rejection_reasons": "alasan penolakan",
    "fund_allocations": "alokasi dana",
    "month_closings": "penutupan bulan",
    "indicators": "indikator SAKIP",
    "absorption_report": "laporan serapan",
    "performance_report": "laporan kinerja",
    "screening_debts": "utang (skrining)",
    "licensed_lenders": "pemberi pinjaman berizin",
}
#: Bookkeeping columns left out of the on-screen summary (they stay in the stored row).
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at"})

# The same DDL as the first migration, for schemas built with ``create_all`` (the tests' fast
# path); ``test_migrations`` proves both ways give one schema.
APPEND_ONLY_DDL = {
    "sqlite": [
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    ],
}


@sa.event.listens_for(AuditLog.__table__, "after_create")
def _make_append_only(target, connection, **kw):
    for statement in APPEND_ONLY_DDL.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)
