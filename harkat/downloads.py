"""Files handed to users: every one is audited, sent as an attachment, and never cached."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, send_file

from harkat.audit import services as audit
from harkat.extensions import db

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


def send_attachment(
    data: bytes,
    filename: str,
    mimetype: str,
    *,
    action: str = "download",
    entity: Any = None,
    entity_type: str | None = None,
    changes: dict | None = None,
) -> Response:
    """Write the audit row (``download`` or ``export``) and send the bytes as a download."""
    audit.record_now(db.engine, action, entity=entity, entity_type=entity_type, changes=changes)
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
