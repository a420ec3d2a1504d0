"""debts: DSR kept to four decimals, what was repaid and what a take-over pays each lender (with
an admin's override), and each take-over payoff recorded at disbursement with its proof

Revision ID: d7e3b5a90c41
Revises: d7e3b1a94c26
Create Date: 2026-12-02 07:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7e3b5a90c41"
down_revision = "d7e3b1a94c26"
branch_labels = None
depends_on = None

DSR_COLUMNS = ("dsr", "dsr_with_proposed", "dsr_after_take_over")


def _widen(old: sa.Numeric, new: sa.Numeric) -> None:
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        for name in DSR_COLUMNS:
            batch_op.alter_column(name, existing_type=old, type_=new, existing_nullable=True)


def upgrade():
    # SQLite rebuilds tables other rows point at: migrations/env.py turns foreign keys off
    # for the run and checks every key afterwards.
    _widen(sa.Numeric(8, 1), sa.Numeric(12, 4))
    with op.batch_alter_table("screening_debts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_repaid", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("take_over_amount", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("take_over_override_reason", sa.String(length=500), nullable=True)
        )
        batch_op.add_column(
            sa.Column("take_over_override_by", sa.String(length=120), nullable=True)
        )
        batch_op.add_column(
            sa.Column("take_over_override_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("referral_take_overs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_to", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("paid_amount", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("paid_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("proof_path", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("proof_name", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("proof_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("proof_mime", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("proof_size", sa.Integer(), nullable=True))


def downgrade():
    # SQLite rebuilds tables other rows point at: migrations/env.py turns foreign keys off
    # for the run and checks every key afterwards.
    with op.batch_alter_table("referral_take_overs", schema=None) as batch_op:
        for name in (
            "proof_size",
            "proof_mime",
            "proof_sha256",
            "proof_name",
            "proof_path",
            "paid_on",
            "paid_amount",
            "paid_to",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("screening_debts", schema=None) as batch_op:
        for name in (
            "take_over_override_at",
            "take_over_override_by",
            "take_over_override_reason",
            "take_over_amount",
            "amount_repaid",
        ):
            batch_op.drop_column(name)
    _widen(sa.Numeric(12, 4), sa.Numeric(8, 1))
