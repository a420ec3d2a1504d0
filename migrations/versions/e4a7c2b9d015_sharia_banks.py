"""sharia banks: a bank may be sharia, and its approvals speak of margin, not bunga

Bank Syariah Indonesia (code BSI, seeded with the reference data) is marked sharia.

Revision ID: e4a7c2b9d015
Revises: e5f1a2b3c4d6
Create Date: 2026-12-02 07:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4a7c2b9d015"
down_revision = "e5f1a2b3c4d6"
branch_labels = None
depends_on = None

banks = sa.table("banks", sa.column("code", sa.String), sa.column("is_sharia", sa.Boolean))


def upgrade():
    with op.batch_alter_table("banks") as batch_op:
        batch_op.add_column(
            sa.Column("is_sharia", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(banks.update().where(banks.c.code == "BSI").values(is_sharia=True))


def downgrade():
    with op.batch_alter_table("banks") as batch_op:
        batch_op.drop_column("is_sharia")
