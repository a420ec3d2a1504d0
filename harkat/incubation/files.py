"""Visit photos on disk: JPEG or PNG by content, size-limited, random names, SHA-256 recorded.

Flask-free: the caller passes the size limit and the upload directory from the app's config.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

#: Photos live in this folder under UPLOAD_DIR.
VISIT_FOLDER = "visits"

#: What a file starts with, and what it is then stored and served as.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)

FORMAT_MESSAGE = "Foto harus berformat JPEG atau PNG."


class PhotoError(ValueError):
    """The photo is refused; the message is for the user (Indonesian)."""


@dataclass(frozen=True)
class StoredPhoto:
    """Where a photo was stored (relative to UPLOAD_DIR) and what it is."""

    path: str
    sha256: str
    mime: str
    size: int


def size_label(limit: int) -> str:
    """Describe a byte limit the way people read it: ``5 MB``, ``512 KB``."""
    mb = 1024 * 1024
    if limit >= mb and limit % mb == 0:
        return f"{limit // mb} MB"
    if limit >= mb:
        return f"{limit / mb:.1f}".replace(".", ",") + " MB"
    return f"{max(1, limit // 1024)} KB"


def image_type(data: bytes) -> tuple[str, str] | None:
    """Return ``(mime type, extension)`` of a JPEG or PNG judged by its first bytes, else None."""
    for magic, mime, extension in _SIGNATURES:
        if data.startswith(magic):
            return mime, extension
    return None


def check_photo(data: bytes, max_bytes: int) -> tuple[str, str]:
    """Refuse anything but a JPEG or PNG within the size limit; return (mime, extension).

    :raise PhotoError: with the Indonesian message to show next to the field.
    """
    kind = image_type(data)
    if kind is None:
        raise PhotoError(FORMAT_MESSAGE)
    if len(data) > max_bytes:
        raise PhotoError(f"Ukuran foto maksimal {size_label(max_bytes)}.")
    return kind


def store_photo(data: bytes, max_bytes: int, upload_dir: str | Path) -> StoredPhoto:
    """Check a photo and write it under ``<upload_dir>/visits/<random hex>.<jpg|png>``.

    :raise PhotoError: when the photo is refused; nothing is written then.
    """
    mime, extension = check_photo(data, max_bytes)
    folder = Path(upload_dir) / VISIT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"{VISIT_FOLDER}/{secrets.token_hex(16)}.{extension}"
    target = Path(upload_dir) / relative
    # O_EXCL: never overwrite a file, however unlikely a clash of 128 random bits is.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredPhoto(relative, hashlib.sha256(data).hexdigest(), mime, len(data))


def photo_file(upload_dir: str | Path, relative: str) -> Path | None:
    """Return the stored file for a recorded path, or None if it is missing or lies outside."""
    base = Path(upload_dir).resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base / VISIT_FOLDER) or not path.is_file():
        return None
    return path


def delete_photo(upload_dir: str | Path, relative: str) -> None:
    """Remove a stored photo (used when the visit it belongs to could not be saved)."""
    path = photo_file(upload_dir, relative)
    if path is not None:
        path.unlink(missing_ok=True)
