"""The admin's view of the audit log."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request

from harkat.audit.models import AuditLog
from harkat.auth.access import roles
from harkat.auth.domain import Role
from harkat.core.dates import local_day_bounds
from harkat.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.get("/")
@roles(Role.ADMIN)
def index():
    """Browse the log newest first, filtered by actor, entity, action and local date range."""
    args = request.args
    filters = {
        "actor": args.get("actor", "").strip().lower(),
        "entity_type": args.get("entity_type", "").strip(),
        "entity_id": args.get("entity_id", "").strip(),
        "action": args.get("action", "").strip(),
        "date_from": _parse_day(args.get("date_from")),
        "date_to": _parse_day(args.get("date_to")),
    }
    query = sa.select(AuditLog).order_by(AuditLog.id.desc())
    if filters["actor"]:
        query = query.where(AuditLog.actor_name == filters["actor"])
    if filters["entity_type"]:
        query = query.where(AuditLog.entity_type == filters["entity_type"])
    if filters["entity_id"]:
        query = query.where(AuditLog.entity_id == filters["entity_id"])
    if filters["action"]:
        query = query.where(AuditLog.action == filters["action"])
    if filters["date_from"]:
        query = query.where(AuditLog.at >= local_day_bounds(filters["date_from"])[0])
    if filters["date_to"]:
        query = query.where(AuditLog.at < local_day_bounds(filters["date_to"])[1])
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    actions = db.session.scalars(sa.select(AuditLog.action).distinct().order_by(AuditLog.action))
    entity_types = db.session.scalars(
        sa.select(AuditLog.entity_type)
        .where(AuditLog.entity_type.is_not(None))
        .distinct()
        .order_by(AuditLog.entity_type)
    )
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        actions=list(actions),
        entity_types=list(entity_types),
    )
