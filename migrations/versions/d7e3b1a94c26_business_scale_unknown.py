"""business scale: a blank capital or sales figure is unknown, not zero (PP 7/2021)

Capital and monthly revenue become nullable, the scale gains ``unknown`` ("belum diketahui"),
and every stored scale is recomputed with the corrected rule: each known criterion gives a
class, the higher one wins, and with neither known the scale is unknown.

Until now the business form and the import stored a blank capital or revenue as 0, and a zero
typed by hand cannot be told apart from a blank. A business with no sales and no capital is not
a business HARKAT finances, so a stored 0 is read as "not filled in" and becomes NULL. Where the
other figure is known this changes nothing about the scale (a zero criterion is mikro, which
never beats the other); only businesses with both figures at 0 move from mikro to unknown.

Revision ID: d7e3b1a94c26
Revises: c4d2a9e1f0b3
Create Date: 2026-12-01 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7e3b1a94c26"
down_revision = "c4d2a9e1f0b3"
branch_labels = None
depends_on = None

CONSTRAINT = "ck_businesses_business_scale"
OLD_SCALES = ("mikro", "kecil", "menengah", "besar")
NEW_SCALES = (*OLD_SCALES, "unknown")
#: (scale, largest capital, largest annual sales) as of this revision: PP 7/2021.
LIMITS = (
    ("mikro", 1_000_000_000, 2_000_000_000),
    ("kecil", 5_000_000_000, 15_000_000_000),
    ("menengah", 10_000_000_000, 50_000_000_000),
)

businesses = sa.table(
    "businesses",
    sa.column("capital", sa.BigInteger),
    sa.column("monthly_revenue", sa.BigInteger),
    sa.column("scale", sa.String),
)


def _allowed(scales: tuple[str, ...]) -> str:
    return "scale IN (" + ", ".join(f"'{s}'" for s in scales) + ")"


def _swap_constraint(batch_op, scales: tuple[str, ...]) -> None:
    # op.f: the name is final; the naming convention must not prefix it again.
    batch_op.drop_constraint(op.f(CONSTRAINT), type_="check")
    batch_op.create_check_constraint(op.f(CONSTRAINT), sa.text(_allowed(scales)))


def upgrade():
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.alter_column("monthly_revenue", existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column("capital", existing_type=sa.BigInteger(), nullable=True)
        _swap_constraint(batch_op, NEW_SCALES)

    capital, revenue = businesses.c.capital, businesses.c.monthly_revenue
    op.execute(businesses.update().where(capital == 0).values(capital=None))
    op.execute(businesses.update().where(revenue == 0).values(monthly_revenue=None))
    # Climb the classes: each pass lifts the rows that one known criterion puts at least this
    # high, so every row ends at the higher of its two classes.
    op.execute(businesses.update().values(scale="unknown"))
    floor_capital = floor_sales = None
    for scale, max_capital, max_sales in (*LIMITS, ("besar", None, None)):
        by_capital = capital.isnot(None) if floor_capital is None else capital > floor_capital
        by_sales = revenue.isnot(None) if floor_sales is None else revenue * 12 > floor_sales
        op.execute(businesses.update().where(by_capital | by_sales).values(scale=scale))
        floor_capital, floor_sales = max_capital, max_sales


def downgrade():
    capital, revenue = businesses.c.capital, businesses.c.monthly_revenue
    op.execute(businesses.update().where(capital.is_(None)).values(capital=0))
    op.execute(businesses.update().where(revenue.is_(None)).values(monthly_revenue=0))
    # The earlier rule: the lowest class that either criterion fits (descend, lowest wins).
    op.execute(businesses.update().values(scale="besar"))
    for scale, max_capital, max_sales in reversed(LIMITS):
        op.execute(
            businesses.update()
            .where((capital <= max_capital) | (revenue * 12 <= max_sales))
            .values(scale=scale)
        )
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        _swap_constraint(batch_op, OLD_SCALES)
        batch_op.alter_column("capital", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("monthly_revenue", existing_type=sa.BigInteger(), nullable=False)
