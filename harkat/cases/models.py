"""The case timeline: one row per thing that happened to an entrepreneur, from any feature."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.auth.models import User
from harkat.database import utcnow
from harkat.extensions import db


class CaseEvent(db.Model):
    """One line of an entrepreneur's timeline. Every feature adds its own kinds of event."""

    __tablename__ = "case_events"
    __table_args__ = (sa.Index("ix_case_events_entrepreneur_at", "entrepreneur_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Machine name of the event: ``registered``, ``group_joined``, ``training_enrolled``, …
    kind: Mapped[str] = mapped_column(sa.String(40))
    #: What happened, in Indonesian, as the timeline shows it.
    summary: Mapped[str] = mapped_column(sa.String(300))
    data: Mapped[dict] = mapped_column(sa.JSON().with_variant(JSONB, "postgresql"), default=dict)

    actor: Mapped[User | None] = relationship()
