"""Uploaded files on disk: type judged by content, size-limited, random names, SHA-256 kept.

Flask-free: callers pass the size limit and the upload directory from the app's config.
Used for visit photos, SLIK printouts and referral documents; referral photos also lose their
EXIF (GPS position) before they are stored (:func:`clean_image`, needs Pillow).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
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
    if kind == PDF:
        refuse_active_pdf(data)
    else:
        refuse_oversized_image(data)
    return kind


# --------------------------------------------------------------------------- hostile files

#: A photo may declare at most this many pixels. A phone's full-resolution photo is 12–50
#: megapixels; a "decompression bomb" declares billions in a few kilobytes and would take
#: gigabytes of memory to decode (thumbnails, EXIF removal).
MAX_IMAGE_PIXELS = 100_000_000

#: What a PDF viewer runs by itself: scripts, launching programs, actions on opening or on
#: events, embedded files and media. None of it belongs in a scanned KTP or a bank letter.
_ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "tindakan otomatis",
    "/Launch": "perintah menjalankan program",
    "/EmbeddedFile": "berkas tersisip",
    "/EmbeddedFiles": "berkas tersisip",
    "/RichMedia": "media tersisip",
}
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "perintah menjalankan program",
    "/ImportData": "tindakan otomatis",
    "/SubmitForm": "pengiriman formulir",
    "/RichMediaExecute": "media tersisip",
}
_RAW_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_RAW_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_RAW_ACTIVE = re.compile(
    rb"/(JS|JavaScript|AA|Launch|EmbeddedFiles?|RichMedia|ImportData|SubmitForm)(?![A-Za-z0-9])"
    rb"|/OpenAction\s*(?!\[)"
)


def refuse_active_pdf(data: bytes) -> None:
    """Refuse a PDF that would run something when opened (ASVS V5.2): JavaScript, an action on
    opening (``/OpenAction`` other than "open at this page"), automatic actions, launching a
    program, embedded files. Objects packed in compressed object streams are read with pypdf; a
    file pypdf cannot parse is judged from its bytes outside streams.

    :raise UploadError: naming what was found.
    """
    found = _pdf_active_content(data)
    if found:
        raise UploadError(
            f"Berkas: PDF ini berisi {found}, yang dapat berjalan sendiri saat dibuka, jadi "
            'ditolak. Cetak ulang ke PDF ("Simpan sebagai PDF") atau pindai dokumennya, lalu '
            "unggah lagi."
        )


def _pdf_active_content(data: bytes) -> str | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadError(
                "Berkas: PDF dikunci dengan kata sandi sehingga bank tidak dapat membacanya. "
                "Buka kuncinya atau pindai ulang dokumennya, lalu unggah lagi."
            )
        numbers = {
            (number, generation)
            for generation, objects in reader.xref.items()
            for number in objects
        } | {(number, 0) for number in reader.xref_objStm}
        for number, generation in sorted(numbers):
            try:
                obj = reader.get_object(IndirectObject(number, generation, reader))
            except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
                continue
            if not isinstance(obj, DictionaryObject):
                continue
            for key, label in _ACTIVE_KEYS.items():
                if key in obj:
                    return label
            action = obj.get("/S")
            if isinstance(action, NameObject) and action in _ACTIVE_ACTIONS:
                return _ACTIVE_ACTIONS[action]
            opening = obj.get("/OpenAction")
            if opening is not None:
                opening = opening.get_object()
                # An explicit destination ("open at page 1, fit width") runs nothing.
                if not isinstance(opening, ArrayObject):
                    inner = opening.get("/S") if isinstance(opening, DictionaryObject) else None
                    return _ACTIVE_ACTIONS.get(inner, "tindakan saat dibuka (OpenAction)")
        if numbers:
            return None
    except UploadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        pass
    # pypdf could not read it: judge the bytes outside streams (a stream's compressed bytes
    # would match a short name like /JS by chance).
    text = _RAW_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), _RAW_STREAM.sub(b"", data))
    match = _RAW_ACTIVE.search(text)
    if match is None:
        return None
    name = "/" + match.group(0)[1:].split()[0].decode("latin-1").rstrip("<")
    if name.startswith("/OpenAction"):
        return "tindakan saat dibuka (OpenAction)"
    return _ACTIVE_KEYS.get(name) or _ACTIVE_ACTIONS.get(name, "tindakan otomatis")


def refuse_oversized_image(data: bytes) -> None:
    """Refuse a JPEG or PNG whose header declares more than :data:`MAX_IMAGE_PIXELS` (the
    header alone is read; nothing is decoded).

    :raise UploadError: with the size found.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        width, height = MAX_IMAGE_PIXELS, 2
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadError(
            "Berkas: gambar tidak dapat dibaca (rusak). Foto ulang atau simpan ulang sebagai JPEG."
        ) from None
    if width * height > MAX_IMAGE_PIXELS:
        size = f"{width:,} × {height:,}".replace(",", ".")
        raise UploadError(
            f"Berkas: gambar terlalu besar ({size} piksel; paling banyak "
            f"{MAX_IMAGE_PIXELS // 1_000_000} megapiksel). Perkecil fotonya lalu unggah lagi."
        )


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
