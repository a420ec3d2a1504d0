"""Exactly-once submissions: a form sent twice (a double tap, a retry after a timeout, two tabs,
a phone's outbox sent again after the answer was lost) creates its record once.

The sender makes a key (a UUID on the device) and sends it as the ``Idempotency-Key`` header or
the ``_request_key`` form field. The first request with a key stores the key *in the same
transaction* as the record it creates, so either both are stored or neither is. A later request
with the same key, from the same account, gets the first answer again: a redirect to the record,
or in JSON ``{"status": "accepted", "url": …, "replayed": true}``. Refused submissions store
nothing, so the sender can correct the form and send it again with the same key.

Two requests racing with one key meet at the table's unique constraint: the second waits for the
first to commit, then answers with its result (or 409 while it is still running).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import wraps

import sqlalchemy as sa
from flask import flash, g, get_flashed_messages, jsonify, redirect, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from harkat.database import utcnow
from harkat.extensions import db

#: What a device-made key may look like: a UUID or any URL-safe token of reasonable length.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
HEADER = "Idempotency-Key"
FIELD = "_request_key"
#: The account an offline item was filled under; a different signed-in account does not send it.
ACCOUNT_HEADER = "X-Harkat-Account"


class RequestKey(db.Model):
    """A submission key accepted from one account, with where its record is."""

    __tablename__ = "request_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_request_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(sa.String(64))
    #: The endpoint the key was used on; the same key on another form is refused.
    endpoint: Mapped[str] = mapped_column(sa.String(80))
    #: Where the accepted record is (the success redirect), once the request finished.
    location: Mapped[str | None] = mapped_column(sa.String(300))
    #: The success message shown the first time, repeated to the device.
    message: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RequestKey {self.id} user={self.user_id}>"


def wants_json() -> bool:
    """The sender is a script (an outbox) rather than a browser following redirects."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _key() -> str | None:
    return request.headers.get(HEADER) or request.form.get(FIELD) or None


def _find(user_id: int, key: str) -> RequestKey | None:
    return db.session.scalar(
        sa.select(RequestKey).where(RequestKey.user_id == user_id, RequestKey.key == key)
    )


def _answer(code: int, **body):
    response = jsonify(body)
    response.status_code = code
    return response


def _replay(row: RequestKey, endpoint: str):
    if row.endpoint != endpoint:
        return _answer(
            422,
            status="refused",
            errors={"": ["Kunci kiriman ini sudah dipakai untuk formulir lain."]},
        )
    if row.completed_at is None or row.location is None:
        response = _answer(
            409,
            status="pending",
            errors={"": ["Kiriman yang sama sedang diproses; coba lagi sebentar."]},
        )
        response.headers["Retry-After"] = "2"
        return response
    if wants_json():
        return _answer(200, status="accepted", url=row.location, message=row.message, replayed=True)
    return redirect(row.location, code=303)


def form_errors() -> dict[str, list[str]]:
    """Every reason the request's forms and flashed messages gave, by field label."""
    errors: dict[str, list[str]] = {}
    for form in g.get("validated_forms", []):
        for name, field in form._fields.items():
            messages = [m for m in field.errors if isinstance(m, str)]
            if messages:
                errors.setdefault(str(field.label.text or name), []).extend(messages)
        if form.form_errors:
            errors.setdefault("", []).extend(form.form_errors)
    for category, message in get_flashed_messages(with_categories=True):
        if category in ("danger", "warning", "error"):
            errors.setdefault("", []).append(message)
    return errors


def exactly_once(view):
    """Make a POST view create its record once per key (see the module's description).

    Without a key the view runs as before. The view keeps its own transaction handling: it
    commits on success and answers with a redirect; anything else is a refusal.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = _key() if request.method == "POST" else None
        if key is None:
            return view(*args, **kwargs)
        if not KEY_PATTERN.fullmatch(key):
            return _answer(400, status="refused", errors={"": ["Kunci kiriman tidak sah."]})
        account = request.headers.get(ACCOUNT_HEADER)
        if account is not None and account != str(current_user.id):
            return _answer(
                409,
                status="refused",
                errors={
                    "": [
                        "Isian ini dibuat dengan akun lain di perangkat ini; masuk dengan akun "
                        "itu untuk mengirimnya."
                    ]
                },
            )
        user_id = current_user.id
        endpoint = request.endpoint or ""
        if (row := _find(user_id, key)) is not None:
            return _replay(row, endpoint)
        db.session.add(RequestKey(user_id=user_id, key=key, endpoint=endpoint))
        try:
            db.session.flush()
        except IntegrityError:
            # The same key is being (or was just) used by a request that got there first.
            db.session.rollback()
            row = _find(user_id, key)
            if row is None:
                return _answer(409, status="pending", errors={"": ["Coba kirim lagi."]})
            return _replay(row, endpoint)

        response = view(*args, **kwargs)

        # The view committed its record together with the key, or stored nothing: whatever it
        # left uncommitted is not part of an accepted submission.
        db.session.rollback()
        row = _find(user_id, key)
        if row is None:
            if wants_json():
                return _answer(422, status="refused", errors=form_errors())
            return response
        is_redirect = response.status_code in (301, 302, 303)
        messages = get_flashed_messages(with_categories=True)
        row.location = response.location if is_redirect else request.path
        row.message = " ".join(m for c, m in messages if c == "success")[:500] or None
        row.completed_at = utcnow()
        db.session.commit()
        if wants_json():
            return _answer(
                201, status="accepted", url=row.location, message=row.message, replayed=False
            )
        for category, message in messages:  # back for the page the browser goes to
            flash(message, category)
        return response

    return wrapper
