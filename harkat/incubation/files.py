"""Visit photos on disk: JPEG or PNG by content, size-limited, random names, SHA-256 recorded.

A thin layer over :mod:`harkat.core.uploads` with the photo's own folder and messages.
"""

from __future__ import annotations

from pathlib import Path

from harkat.core import uploads
from harkat.core.uploads import UploadError as PhotoError
from harkat.core.uploads import size_label

__all__ = ["PhotoError", "StoredPhoto", "size_label"]

#: Photos live in this folder under UPLOAD_DIR.
VISIT_FOLDER = "visits"
FORMAT_MESSAGE = "Foto harus berformat JPEG atau PNG."
_IMAGES = (uploads.JPEG, uploads.PNG)

StoredPhoto = uploads.StoredFile


def image_type(data: bytes) -> tuple[str, str] | None:
    """Return ``(mime type, extension)`` of a JPEG or PNG judged by its first bytes, else None."""
    return uploads.file_kind(data, _IMAGES)


def check_photo(data: bytes, max_bytes: int) -> tuple[str, str]:
    """Refuse anything but a JPEG or PNG within the size limit; return (mime, extension)."""
    return uploads.check_file(
        data,
        max_bytes,
        allowed=_IMAGES,
        format_message=FORMAT_MESSAGE,
        size_message="Ukuran foto maksimal {limit}.",
    )


def store_photo(data: bytes, max_bytes: int, upload_dir: str | Path) -> StoredPhoto:
    """Check a photo and write it under ``<upload_dir>/visits/<random hex>.<jpg|png>``."""
    return uploads.store_file(data, check_photo(data, max_bytes), upload_dir, VISIT_FOLDER)


def photo_file(upload_dir: str | Path, relative: str) -> Path | None:
    """Return the stored photo for a recorded path, or None if missing or outside ``visits/``."""
    return uploads.stored_file(upload_dir, VISIT_FOLDER, relative)


def delete_photo(upload_dir: str | Path, relative: str) -> None:
    """Remove a stored photo (used when the visit it belongs to could not be saved)."""
    uploads.delete_file(upload_dir, VISIT_FOLDER, relative)
