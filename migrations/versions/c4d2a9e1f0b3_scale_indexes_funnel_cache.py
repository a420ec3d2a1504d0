"""scale: indexes for a million cases (name trigrams on PostgreSQL, screenings by date, stages,
referral waits) and the report's cache of an open month's people figures

Revision ID: c4d2a9e1f0b3
Revises: efe8acd53e6a
Create Date: 2026-11-28 06:45:00.000000

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "c4d2a9e1f0b3"
down_revision = "efe8acd53e6a"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade():
    op.create_table(
        "report_funnel_cache",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("funnel", JSON, nullable=False),
        sa.Column("medians", JSON, nullable=False),
        sa.Column("screening", JSON, nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_report_funnel_cache")),
    )
    op.create_index(
        "ix_screenings_screened_on", "screenings", ["screened_on", "entrepreneur_id"], unique=False
    )
    op.drop_index("ix_entrepreneurs_stage", table_name="entrepreneurs")
    op.create_index(
        "ix_entrepreneurs_kecamatan_stage",
        "entrepreneurs",
        ["kecamatan_code", "stage"],
        unique=False,
    )
    op.create_index(
        "ix_entrepreneurs_stage_updated", "entrepreneurs", ["stage", "updated_at"], unique=False
    )
    op.create_index(
        "ix_referrals_status_submitted", "referrals", ["status", "submitted_at"], unique=False
    )
    op.create_index(
        "ix_referrals_status_last_action", "referrals", ["status", "last_action_at"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm ships with PostgreSQL and is a trusted extension: the database owner may
        # create it without superuser rights.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_entrepreneurs_search_name_trgm",
            "entrepreneurs",
            ["search_name"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_entrepreneurs_search_name_trgm", table_name="entrepreneurs")
    op.drop_index("ix_referrals_status_last_action", table_name="referrals")
    op.drop_index("ix_referrals_status_submitted", table_name="referrals")
    op.drop_index("ix_entrepreneurs_stage_updated", table_name="entrepreneurs")
    op.drop_index("ix_entrepreneurs_kecamatan_stage", table_name="entrepreneurs")
    op.create_index("ix_entrepreneurs_stage", "entrepreneurs", ["stage"], unique=False)
    op.drop_index("ix_screenings_screened_on", table_name="screenings")
    op.drop_table("report_funnel_cache")
