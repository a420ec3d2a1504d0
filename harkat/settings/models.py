"""Admin-configurable rules (⚙ in DESIGN §4), one row per setting."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from harkat.database import utcnow
from harkat.extensions import db


class Setting(db.Model):
    __tablename__ = "settings"
    __audited__ = True

    #: Dotted name, e.g. ``training.min_attendance_percent``.
    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    #: The value as JSON (numbers are stored as strings of decimals to stay exact).
    value: Mapped[dict] = mapped_column(sa.JSON().with_variant(JSONB, "postgresql"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<Setting {self.key}>"
