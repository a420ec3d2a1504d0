"""Writing the audit log: automatically for audited models, explicitly for everything else.

A model opts in with ``__audited__ = True``; ``__audit_exclude__`` names columns never copied
(password hashes, tokens). NIKs are masked wherever they appear.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from harkat.audit.models import AuditLog
from harkat.core.nik import mask_nik, mask_niks_in_text
from harkat.database import utcnow

SYSTEM = "sistem"


@dataclass(frozen=True)
class Actor:
    """Who an audit row is attributed to."""

    id: int | None
    name: str


def set_actor(user: Any | None) -> None:
    """Attribute what this request or CLI command changes to ``user`` (None: the system)."""
    g.audit_actor = Actor(user.id, user.username) if user is not None else Actor(None, SYSTEM)


def current_actor() -> Actor:
    if has_app_context():
        return g.get("audit_actor") or Actor(None, SYSTEM)
    return Actor(None, SYSTEM)


def _client() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    agent = request.user_agent.string[:300] if request.user_agent.string else None
    return request.remote_addr, agent


def _plain(value: Any, field: str = "") -> Any:
    """Turn a column value into JSON, masking NIKs."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    text = str(value)
    if field == "nik" or field.endswith("_nik"):
        return mask_nik(text)
    return mask_niks_in_text(text)


def row(
    action: str,
    *,
    entity_type: str | None = None,
    entity_id: Any = None,
    changes: dict | None = None,
    actor: Actor | None = None,
) -> dict:
    """Build one audit row as a dict of column values."""
    actor = actor or current_actor()
    address, agent = _client()
    return {
        "at": utcnow(),
        "actor_id": actor.id,
        "actor_name": actor.name,
        "action": action,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "changes": _plain(changes or {}),
        "address": address,
        "user_agent": agent,
    }


def record(
    session: Session,
    action: str,
    *,
    entity: Any = None,
    entity_type: str | None = None,
    entity_id: Any = None,
    changes: dict | None = None,
    actor: Actor | None = None,
) -> None:
    """Append one explicit audit row (login, export, download, …) to the session's transaction."""
    if entity is not None:
        entity_type = entity_type or type(entity).__tablename__
        entity_id = entity_id if entity_id is not None else _identity(entity)
    session.execute(
        sa.insert(AuditLog),
        [row(action, entity_type=entity_type, entity_id=entity_id, changes=changes, actor=actor)],
    )


def record_now(
    engine: sa.Engine,
    action: str,
    *,
    entity: Any = None,
    entity_type: str | None = None,
    entity_id: Any = None,
    changes: dict | None = None,
) -> None:
    """Append an audit row in a transaction of its own, committed at once.

    For pages that only read (opening a full record, downloading a file): the row is kept even
    if the page fails later, and the page's own read transaction never has to become a write.
    """
    if entity is not None:
        entity_type = entity_type or type(entity).__tablename__
        entity_id = entity_id if entity_id is not None else _identity(entity)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(AuditLog),
            [row(action, entity_type=entity_type, entity_id=entity_id, changes=changes)],
        )


def _identity(obj: Any) -> str | None:
    state = inspect(obj)
    identity = state.mapper.primary_key_from_instance(obj)
    if any(part is None for part in identity):
        return None
    return ":".join(str(part) for part in identity)


def _is_audited(obj: Any) -> bool:
    return getattr(type(obj), "__audited__", False)


def _excluded(obj: Any) -> frozenset[str]:
    return getattr(type(obj), "__audit_exclude__", frozenset())


def _related_keys(items) -> list[str]:
    return sorted(_identity(item) or "?" for item in items if item is not None)


def _snapshot(obj: Any) -> dict:
    """Return ``{field: [None, value]}`` for what the object holds, without loading anything."""
    state = inspect(obj)
    excluded = _excluded(obj)
    values = {
        prop.key: [None, _plain(state.dict.get(prop.key), prop.key)]
        for prop in state.mapper.column_attrs
        if prop.key not in excluded
    }
    for rel in state.mapper.relationships:
        if rel.uselist and rel.key in state.dict and rel.key not in excluded:
            values[rel.key] = [None, _related_keys(state.dict[rel.key])]
    return values


def _diff(obj: Any) -> dict:
    state = inspect(obj)
    excluded = _excluded(obj)
    changes: dict[str, list] = {}
    for prop in state.mapper.column_attrs:
        if prop.key in excluded:
            continue
        history = state.attrs[prop.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changes[prop.key] = [_plain(before, prop.key), _plain(after, prop.key)]
    for rel in state.mapper.relationships:
        if not rel.uselist or rel.key in excluded:
            continue
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            before = list(history.unchanged) + list(history.deleted)
            after = list(history.unchanged) + list(history.added)
            changes[rel.key] = [_related_keys(before), _related_keys(after)]
    return changes


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, flush_context) -> None:
    """Write a create, update or delete row for every audited object in this flush."""
    rows = []
    for obj in session.new:
        if _is_audited(obj):
            rows.append(
                row(
                    "create",
                    entity_type=type(obj).__tablename__,
                    entity_id=_identity(obj),
                    changes=_snapshot(obj),
                )
            )
    for obj in session.dirty:
        if _is_audited(obj) and obj not in session.deleted:
            changes = _diff(obj)
            if changes:
                rows.append(
                    row(
                        "update",
                        entity_type=type(obj).__tablename__,
                        entity_id=_identity(obj),
                        changes=changes,
                    )
                )
    for obj in session.deleted:
        if _is_audited(obj):
            snapshot = {key: [after, None] for key, (_, after) in _snapshot(obj).items()}
            rows.append(
                row(
                    "delete",
                    entity_type=type(obj).__tablename__,
                    entity_id=_identity(obj),
                    changes=snapshot,
                )
            )
    if rows:
        session.connection().execute(sa.insert(AuditLog), rows)
