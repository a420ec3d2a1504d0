"""Logs people can search: one JSON object per line, each carrying the request's id.

Every request gets an id: a sane ``X-Request-ID`` from the proxy is kept, anything else is
replaced by a fresh one, and the answer carries it back. The app's own log records (warnings,
errors with their traceback) are JSON lines with that id; the error page shows only the id, which
is what a facilitator reads out to support. The access line itself is written by gunicorn
(:class:`harkat.serving.AccessLogger`), from what :func:`note_request` leaves in the WSGI
environ: the route (the URL rule, never the raw query string), the user id and role or the API
token id.

No NIK, phone number, token or cookie is ever put into a log line by this module: routes are URL
rules, and messages pass through :func:`harkat.serving.mask_identity_numbers`.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from harkat.serving import mask_identity_numbers

#: What an incoming request id may look like (a proxy's, e.g. nginx's $request_id).
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: The WSGI environ keys the access log reads.
ENVIRON_ID, ENVIRON_ROUTE, ENVIRON_USER = "harkat.request_id", "harkat.route", "harkat.user"
#: The fields of every JSON line, in this order.
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestContext(logging.Filter):
    """Attach the request id to every record logged while a request is served, and mask
    identity numbers in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        message = record.getMessage()
        masked = mask_identity_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class MaskingJsonFormatter(JsonFormatter):
    """JSON lines whose tracebacks are masked too (an exception's message or a source line can
    hold the NIK that caused it)."""

    def formatException(self, ei) -> str:
        return mask_identity_numbers(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return mask_identity_numbers(super().formatStack(stack_info))


def json_formatter() -> JsonFormatter:
    return MaskingJsonFormatter(
        FORMAT,
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )


def configure_logging(app: Flask) -> None:
    """Send the app's log records to stderr as JSON lines (plain text under ``flask run
    --debug``, where a person reads them live)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContext())
    if not app.debug:
        handler.setFormatter(json_formatter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)
    app.logger.propagate = False
    app.before_request(start_request)
    app.after_request(note_request)


def start_request() -> None:
    """``before_request``: keep a sane incoming request id, or make one."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
    request.environ[ENVIRON_ID] = g.request_id


def note_request(response):
    """``after_request``: return the id, and leave the route and who asked for the access log."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    environ = request.environ
    environ[ENVIRON_ID] = request_id
    environ[ENVIRON_ROUTE] = request.url_rule.rule if request.url_rule else None
    user = g.get("user")
    if user is not None and getattr(user, "id", None) is not None:
        environ[ENVIRON_USER] = {
            "user_id": user.id,
            "role": str(user.role),
            "token_id": g.get("api_token_id"),
        }
    return response
