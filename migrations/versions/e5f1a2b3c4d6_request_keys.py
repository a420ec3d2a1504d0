"""request keys: a submission sent twice (double tap, retry, a phone's outbox) is stored once

Revision ID: e5f1a2b3c4d6
Revises: e15a9c3d2b71
Create Date: 2026-12-02 07:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "e5f1a2b3c4d6"
down_revision = "e15a9c3d2b71"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "request_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("endpoint", sa.String(length=80), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_request_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_keys")),
        sa.UniqueConstraint("user_id", "key", name="uq_request_keys_user_key"),
    )


def downgrade():
    op.drop_table("request_keys")
