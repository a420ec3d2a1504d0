"""What the servers in front of the app write to their logs: JSON lines, with every NIK masked.

A NIK (or any 16 digits, with spaces, dots, dashes or their URL encodings between them) can reach
a URL from an old bookmark, a bank's script or a mistyped search. Access logs are kept for months
and read by people with no right to the registry. gunicorn in production
(``logger_class = "harkat.serving.AccessLogger"`` in ``deploy/gunicorn.conf.py``) logs the route
(URL rule) instead of the raw URL; the development server of ``make run`` logs the request line,
masked (:class:`MaskingFilter`, installed by the app).
"""

from __future__ import annotations

import logging
import re

#: A separator between digits as it appears in a raw URL: space (encoded or ``+``), dot, dash,
#: slash, underscore, a non-breaking space.
_URL_SEPARATOR = r"(?:%20|%2[dDeEfF]|%C2%A0|\+|[ .\-/_])"
_NIK_IN_URL = re.compile(rf"(?<![\d])\d(?:{_URL_SEPARATOR}?\d){{15,}}")


def mask_identity_numbers(text: str) -> str:
    """Mask every run of 16 or more digits in a URL or log line: ``1571********0001``."""

    def mask(match: re.Match) -> str:
        digits = re.sub(r"\D", "", re.sub(_URL_SEPARATOR, "", match.group(0)))
        return f"{digits[:4]}{'*' * (len(digits) - 8)}{digits[-4:]}"

    return _NIK_IN_URL.sub(mask, text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks NIKs in the formatted message (the development server writes
    the request line as an argument of its access-log record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_identity_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install_log_masking() -> None:
    """Mask NIKs in the development server's access log (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, MaskingFilter) for f in logger.filters):
        logger.addFilter(MaskingFilter())


try:  # gunicorn is installed in deployments (the ``deploy`` extra), not needed by the app
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - exercised where gunicorn is absent
    _GunicornLogger = None

if _GunicornLogger is not None:

    class AccessLogger(_GunicornLogger):
        """gunicorn's logger writing one JSON object per request (and its own messages as JSON
        too): time, request id, method, route (the URL rule; the masked path for requests no
        route matched — never the query string), status, duration in ms, user id and role or API
        token id, client address. The app leaves the request id, route and user in the WSGI
        environ (:mod:`harkat.logs`)."""

        def setup(self, cfg):
            super().setup(cfg)
            from harkat.logs import json_formatter

            for logger in (self.access_log, self.error_log):
                for handler in logger.handlers:
                    handler.setFormatter(json_formatter())

        def access(self, resp, req, environ, request_time):
            if not self.cfg.accesslog:
                return
            from harkat.logs import ENVIRON_ID, ENVIRON_ROUTE, ENVIRON_USER

            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            route = environ.get(ENVIRON_ROUTE) or mask_identity_numbers(
                environ.get("PATH_INFO", "")
            )
            fields = {
                "request_id": environ.get(ENVIRON_ID),
                "method": environ.get("REQUEST_METHOD"),
                "route": route,
                "status": int(status),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "bytes": getattr(resp, "sent", None),
                "client": environ.get("REMOTE_ADDR"),
                **(environ.get(ENVIRON_USER) or {}),
            }
            try:
                self.access_log.info("request", extra=fields)
            except Exception:  # a log line must never break a request
                self.error("access log failed")
