"""Refused requests in the audit log, aggregated so that a flood cannot grow it without bound.

What counts as a refusal: a 401, 403 or 404 answered by a known route (a record outside the
user's scope answers 404), a CSRF failure, a referral step the role or state does not allow, and
a blocked login. Each is keyed by who (the user, or the client address when nobody is signed
in), the route (its URL rule, e.g. ``/pelaku/<int:entrepreneur_id>``) and the reason.

The first refusal of a key in a window (``DENIAL_WINDOW_MINUTES``, 10 by default) writes one row
at once, so it is visible immediately. Later refusals of that key in the same window are only
counted, in this worker's memory; when the window is over, one closing row carries the window's
total (``changes.count``). Closing rows are written on the next refusal of any key, when the
table of keys is full (``DENIAL_MAX_KEYS``), or by :func:`flush`. A flood of N refusals therefore
writes two rows per key and window (times the number of workers), not N. A normal request
writes nothing and takes no lock. The audit log stays append-only: no row is ever updated.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from werkzeug.wrappers import Response

from harkat.audit.models import AuditLog
from harkat.audit.services import Actor, current_actor, row
from harkat.database import utcnow

ANONYMOUS = "anonim"
EXTENSION = "harkat.denials"

#: Why a request was refused, as stored in ``changes.reason``.
STATUS_REASONS = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}
REASON_LABELS = {
    "unauthenticated": "tanpa token atau sesi yang sah",
    "forbidden": "peran tidak berwenang",
    "not_found": "data tidak ada atau di luar wewenang",
    "csrf": "token CSRF tidak sah",
    "transition_refused": "langkah rujukan tidak diizinkan",
    "login_blocked": "masuk diblokir setelah terlalu banyak kegagalan",
}


@dataclass
class _Entry:
    action: str
    actor: Actor
    address: str | None
    user_agent: str | None
    route: str
    reason: str
    window_start: datetime
    count: int = 1
    detail: dict = field(default_factory=dict)


class DenialCounter:
    """Counts refusals per (who, route, reason) and window; bounded to ``max_keys`` keys."""

    def __init__(self, window: timedelta, max_keys: int):
        self.window = window
        self.max_keys = max_keys
        self._entries: dict[tuple, _Entry] = {}
        self._lock = threading.Lock()

    def window_of(self, now: datetime) -> datetime:
        seconds = int(self.window.total_seconds())
        epoch = int(now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)

    def hit(self, key: tuple, entry: _Entry, now: datetime) -> tuple[bool, list[_Entry]]:
        """Count one refusal; return whether it is the window's first, and windows to close."""
        start = self.window_of(now)
        with self._lock:
            closed = [k for k, e in self._entries.items() if e.window_start < start]
            done = [self._entries.pop(k) for k in closed]
            known = self._entries.get((key, start))
            if known is not None:
                known.count += 1
                return False, [e for e in done if e.count > 1]
            if len(self._entries) >= self.max_keys:
                done.extend(self._entries.values())
                self._entries.clear()
            entry.window_start = start
            self._entries[(key, start)] = entry
        return True, [e for e in done if e.count > 1]

    def drain(self) -> list[_Entry]:
        """Take every open window that counted more than its first refusal."""
        with self._lock:
            done = [e for e in self._entries.values() if e.count > 1]
            self._entries.clear()
        return done


def _row(entry: _Entry, *, closing: bool) -> dict:
    changes = {
        "reason": entry.reason,
        "reason_label": REASON_LABELS.get(entry.reason, entry.reason),
        "route": entry.route,
        "count": entry.count,
        "window_start": entry.window_start.isoformat(),
        **entry.detail,
    }
    if closing:
        changes["window_end"] = (entry.window_start + _counter().window).isoformat()
        changes["summary"] = "jumlah penolakan dalam jendela waktu ini"
    values = row(entry.action, entity_type="requests", changes=changes, actor=entry.actor)
    values["address"] = entry.address
    values["user_agent"] = entry.user_agent
    return values


def _counter(app: Flask | None = None) -> DenialCounter:
    app = app or current_app
    counter = app.extensions.get(EXTENSION)
    if counter is None:
        counter = app.extensions[EXTENSION] = DenialCounter(
            timedelta(minutes=app.config.get("DENIAL_WINDOW_MINUTES", 10)),
            int(app.config.get("DENIAL_MAX_KEYS", 2000)),
        )
    return counter


def note(
    reason: str,
    *,
    action: str = "access_denied",
    actor: Actor | None = None,
    detail: dict | None = None,
) -> None:
    """Mark the current request as refused; it is written when the request ends.

    Outside a request (CLI, a service called from a script) nothing is recorded here.
    """
    if not has_request_context():
        return
    g.harkat_denial = (reason, action, actor, detail or {})


def _after_request(response: Response) -> Response:
    """Notice a refusal answered with 401/403/404 by a known route (no write here)."""
    if g.get("harkat_denial") is None and request.endpoint not in (None, "static"):
        reason = STATUS_REASONS.get(response.status_code)
        if reason is not None:
            note(reason, detail={"status": response.status_code})
    return response


def _teardown_request(error: BaseException | None) -> None:
    """Write the refusal of this request, if any, in a transaction of its own."""
    denial = g.pop("harkat_denial", None)
    if denial is None:
        return
    reason, action, actor, detail = denial
    try:
        from harkat.extensions import db

        # The request is over: release whatever it still holds (a SQLite write lock).
        db.session.rollback()
        actor = actor or current_actor()
        if actor.id is None and actor.name == "sistem":
            actor = Actor(None, ANONYMOUS)
        address = request.remote_addr
        who = f"user:{actor.id}" if actor.id is not None else f"ip:{address}"
        route = request.url_rule.rule if request.url_rule is not None else request.path
        agent = request.user_agent.string[:300] if request.user_agent.string else None
        entry = _Entry(
            action=action,
            actor=actor,
            address=address,
            user_agent=agent,
            route=route,
            reason=reason,
            window_start=utcnow(),
            detail={"method": request.method, "path": request.path[:200], **detail},
        )
        first, closed = _counter().hit((who, route, reason, action), entry, utcnow())
        rows = [_row(e, closing=True) for e in closed]
        if first:
            rows.append(_row(entry, closing=False))
        if rows:
            with db.engine.begin() as connection:
                connection.execute(sa.insert(AuditLog), rows)
    except Exception:  # an audit failure must not turn a refusal into a crash
        current_app.logger.exception("Could not record a refused request")


def flush(app: Flask | None = None) -> int:
    """Write the totals of every open window now (at shutdown, or from a test); return rows."""
    from harkat.extensions import db

    app = app or current_app
    rows = [_row(e, closing=True) for e in _counter(app).drain()]
    if rows:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(AuditLog), rows)
    return len(rows)


def init_denials(app: Flask) -> None:
    _counter(app)
    app.after_request(_after_request)
    app.teardown_request(_teardown_request)
