"""Use-cases of the case journey: the timeline every feature writes to, and the stage.

Features call these with a session and an explicit actor; nothing here commits. This module
imports no feature at run time, so every feature can build on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.auth.models import User
from harkat.cases.domain import JourneyStage
from harkat.cases.models import CaseEvent
from harkat.database import utcnow

if TYPE_CHECKING:
    from harkat.registration.models import Entrepreneur


def add_event(
    session: Session,
    entrepreneur_id: int,
    kind: str,
    summary: str,
    actor: User | None,
    data: dict | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Append one event to an entrepreneur's timeline."""
    event = CaseEvent(
        entrepreneur_id=entrepreneur_id,
        kind=kind,
        summary=summary[:300],
        actor_id=actor.id if actor else None,
        data=data or {},
        at=at or utcnow(),
    )
    session.add(event)
    return event


def timeline(session: Session, entrepreneur_id: int) -> list[CaseEvent]:
    """Return the case's events, newest first."""
    return list(
        session.scalars(
            sa.select(CaseEvent)
            .where(CaseEvent.entrepreneur_id == entrepreneur_id)
            .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
        )
    )


def set_stage(
    session: Session, entrepreneur: Entrepreneur, stage: JourneyStage, actor: User | None
) -> None:
    """Move a case to a journey stage (used by training, screening and referral features)."""
    if entrepreneur.stage == stage:
        return
    entrepreneur.stage = stage
    session.flush()
    add_event(session, entrepreneur.id, "stage", f"Tahap perjalanan: {stage.label}.", actor)
