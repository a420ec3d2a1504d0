"""user_sessions.search_text: the entrepreneur search kept on the server, not in the cookie

The search field often holds a NIK. It used to live in the session cookie, which is signed but
readable by anyone holding it; it now lives with the sign-in and ends with it.

Revision ID: a1c5e9d3b7f2
Revises: f3b8d2a6c1e7
Create Date: 2026-12-02 09:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1c5e9d3b7f2"
down_revision = "f3b8d2a6c1e7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_sessions") as batch:
        batch.add_column(sa.Column("search_text", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_column("search_text")
