"""Spreadsheets waiting between "check the file" and "store it": kept on disk under the upload
directory, owned by the user who uploaded them, swept away after a day."""

from __future__ import annotations

import json
import secrets
import time
from datetime import timedelta
from pathlib import Path

from flask import abort, current_app
from flask_login import current_user

KEEP = timedelta(hours=24)


class PendingUploads:
    """One folder of pending uploads (``imports``, ``lender-imports``, …)."""

    def __init__(self, folder: str):
        self.folder = folder

    def directory(self) -> Path:
        path = Path(current_app.config["UPLOAD_DIR"]) / self.folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def save(self, data: bytes, **meta) -> str:
        """Keep the bytes for the current user; return the unguessable token that names them."""
        directory = self.directory()
        cutoff = time.time() - KEEP.total_seconds()
        for path in directory.iterdir():
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        token = secrets.token_urlsafe(16)
        (directory / f"{token}.upload").write_bytes(data)
        meta = {**meta, "user_id": current_user.id, "uploaded_at": time.time()}
        (directory / f"{token}.json").write_text(json.dumps(meta))
        return token

    def load(self, token: str) -> tuple[dict, bytes]:
        """Return an upload's metadata and bytes; 404 unless it exists and is the user's own."""
        if not token.replace("-", "").replace("_", "").isalnum():
            abort(404)
        directory = self.directory()
        try:
            meta = json.loads((directory / f"{token}.json").read_text())
            data = (directory / f"{token}.upload").read_bytes()
        except FileNotFoundError:
            abort(404)
        if meta.get("user_id") != current_user.id:
            abort(404)
        return meta, data

    def path(self, token: str, suffix: str) -> Path:
        """Where a file derived from an upload (e.g. its result workbook) is kept."""
        return self.directory() / f"{token}{suffix}"
