"""guidance: the facilitator inbox (done marks, gate exemption requests), the screening each
referral line was drafted on, and indexes for the inbox's newest-first lists

Revision ID: e15a9c3d2b71
Revises: d7e3b5a90c41
Create Date: 2026-12-02 08:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e15a9c3d2b71"
down_revision = "d7e3b5a90c41"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inbox_done_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "transition",
                "loan_report",
                name="inbox_item_kind",
                native_enum=False,
                create_constraint=True,
                length=11,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_inbox_done_marks_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_done_marks")),
        sa.UniqueConstraint(
            "user_id", "kind", "item_id", name=op.f("uq_inbox_done_marks_user_id_kind_item_id")
        ),
    )
    op.create_table(
        "exemption_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("gate", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "granted",
                "declined",
                name="exemption_request_status",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_exemption_requests_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_exemption_requests_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_exemption_requests_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption_requests")),
    )
    op.create_index(
        "ix_exemption_requests_status", "exemption_requests", ["status", "requested_at"]
    )
    op.create_index(
        op.f("ix_exemption_requests_referral_id"), "exemption_requests", ["referral_id"]
    )
    # SQLite rebuilds tables other rows point at: migrations/env.py turns foreign keys off
    # for the run and checks every key afterwards.
    with op.batch_alter_table("referral_members") as batch:
        batch.add_column(sa.Column("screening_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_referral_members_screening_id_screenings"),
            "screenings",
            ["screening_id"],
            ["id"],
        )
    news = "to_status IN ('needs_info', 'approved', 'rejected', 'disbursed')"
    op.create_index(
        "ix_referral_transitions_news",
        "referral_transitions",
        ["at"],
        postgresql_where=sa.text(news),
        sqlite_where=sa.text(news),
    )
    troubled = "collectability >= 2"
    op.create_index(
        "ix_loan_reports_troubled",
        "loan_reports",
        ["reported_at"],
        postgresql_where=sa.text(troubled),
        sqlite_where=sa.text(troubled),
    )


def downgrade():
    op.drop_index("ix_loan_reports_troubled", table_name="loan_reports")
    op.drop_index("ix_referral_transitions_news", table_name="referral_transitions")
    # SQLite rebuilds tables other rows point at: migrations/env.py turns foreign keys off
    # for the run and checks every key afterwards.
    with op.batch_alter_table("referral_members") as batch:
        batch.drop_constraint(
            op.f("fk_referral_members_screening_id_screenings"), type_="foreignkey"
        )
        batch.drop_column("screening_id")
    op.drop_index(op.f("ix_exemption_requests_referral_id"), table_name="exemption_requests")
    op.drop_index("ix_exemption_requests_status", table_name="exemption_requests")
    op.drop_table("exemption_requests")
    op.drop_table("inbox_done_marks")
