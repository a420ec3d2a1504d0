"""Uploaded files on disk: type judged by content, size-limited, random names, SHA-256 kept.

Flask-free: callers pass the size limit and the upload directory from the app's config.
Used for visit photos, SLIK printouts and referral documents; referral photos also lose their
EXIF (GPS position) before they are stored (:func:`clean_image`, needs Pillow).
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

PDF = ("application/pdf", "pdf")
JPEG = ("image/jpeg", "jpg")
PNG = ("image/png", "png")

#: What a file starts with, and what it is then stored and served as.
SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)


class UploadError(ValueError):
    """The file is refused; the message is for the user (Indonesian)."""


@dataclass(frozen=True)
class StoredFile:
    """Where a file was stored (relative to the upload directory) and what it is."""

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


def file_kind(data: bytes, allowed=(PDF, JPEG, PNG)) -> tuple[str, str] | None:
    """Return ``(mime type, extension)`` judged by the first bytes, if it is an allowed kind."""
    for magic, kind in SIGNATURES:
        if data.startswith(magic) and kind in allowed:
            return kind
    return None


def check_file(
    data: bytes, max_bytes: int, *, allowed, format_message: str, size_message: str
) -> tuple[str, str]:
    """Refuse a file of the wrong kind or too large; return ``(mime, extension)``.

    :param size_message: with ``{limit}`` where the readable limit goes.
    :raise UploadError: with the message to show next to the field.
    """
    kind = file_kind(data, allowed)
    if kind is None:
        raise UploadError(format_message)
    if len(data) > max_bytes:
        raise UploadError(size_message.format(limit=size_label(max_bytes)))
    return kind


def store_file(
    data: bytes, kind: tuple[str, str], upload_dir: str | Path, folder: str
) -> StoredFile:
    """Write checked bytes under ``<upload_dir>/<folder>/<random hex>.<ext>``, never overwriting."""
    mime, extension = kind
    directory = Path(upload_dir) / folder
    directory.mkdir(parents=True, exist_ok=True)
    relative = f"{folder}/{secrets.token_hex(16)}.{extension}"
    target = Path(upload_dir) / relative
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredFile(relative, hashlib.sha256(data).hexdigest(), mime, len(data))


def stored_file(upload_dir: str | Path, folder: str, relative: str) -> Path | None:
    """Return the file for a recorded path, or None if it is missing or lies outside ``folder``."""
    base = Path(upload_dir).resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base / folder) or not path.is_file():
        return None
    return path


def delete_file(upload_dir: str | Path, folder: str, relative: str) -> None:
    """Remove a stored file (when the record it belongs to could not be saved)."""
    path = stored_file(upload_dir, folder, relative)
    if path is not None:
        path.unlink(missing_ok=True)


#: Keys of Pillow's ``info`` that carry camera, place or editing data rather than pixels.
_METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop")


def clean_image(data: bytes, kind: tuple[str, str]) -> tuple[bytes, bool]:
    """Drop EXIF (GPS position, camera, time) and similar metadata from a JPEG or PNG photo.

    The picture is first turned the way the camera's orientation tag says, so it still looks
    right without the tag. A photo without such metadata is returned unchanged (no second JPEG
    compression). Returns ``(bytes to store, whether anything was removed)``.

    :raise UploadError: when the file says it is an image but cannot be read as one.
    """
    if kind not in (JPEG, PNG):
        return data, False
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # A "decompression bomb" (huge pixel count in a small file) is refused, not decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                has_metadata = bool(image.getexif()) or any(
                    key in image.info for key in _METADATA_KEYS
                )
                if kind == PNG:
                    has_metadata = has_metadata or bool(getattr(image, "text", None))
                if not has_metadata:
                    return data, False
                icc = image.info.get("icc_profile")
                upright = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise UploadError(
            "Berkas: gambar tidak dapat dibaca (rusak atau terlalu besar). Foto ulang atau "
            "simpan ulang sebagai JPEG."
        ) from None
    out = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    if kind == JPEG:
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, optimize=True, **options)
    else:
        upright.save(out, "PNG", optimize=True, **options)
    return out.getvalue(), True
