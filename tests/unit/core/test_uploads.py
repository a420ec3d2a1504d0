"""Photos lose their EXIF (GPS position, camera) before they are stored; clean files are kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from harkat.core import uploads

GPS_IFD = 0x8825


def _png_with_metadata() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Oppo"
    exif[GPS_IFD] = {1: "S", 2: (1.0, 36.0, 0.0), 3: "E", 4: (103.0, 36.0, 0.0)}
    text = PngImagePlugin.PngInfo()
    text.add_text("Location", "Jl. Sultan Thaha No. 5")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "purple").save(buffer, "PNG", exif=exif, pnginfo=text)
    return buffer.getvalue()


def test_png_loses_exif_and_text_chunks():
    data = _png_with_metadata()
    cleaned, changed = uploads.clean_image(data, uploads.PNG)
    assert changed and b"Oppo" not in cleaned and b"Sultan Thaha" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "PNG" and image.size == (20, 10)
        assert not image.getexif() and not image.text
        assert image.getpixel((5, 5)) == (128, 0, 128)


def test_clean_png_and_pdf_are_left_alone():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    assert uploads.clean_image(buffer.getvalue(), uploads.PNG) == (buffer.getvalue(), False)
    pdf = b"%PDF-1.4\n%%EOF\n"
    assert uploads.clean_image(pdf, uploads.PDF) == (pdf, False)


def test_an_image_that_cannot_be_read_is_refused_in_indonesian():
    with pytest.raises(uploads.UploadError, match="gambar tidak dapat dibaca"):
        uploads.clean_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, uploads.PNG)
