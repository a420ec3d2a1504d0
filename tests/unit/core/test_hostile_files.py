"""Uploads that would run something when opened, or explode when decoded, are refused with a
message naming what was found; ordinary scans, letters and photos pass (ASVS V5.2)."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from harkat.core import uploads

LIMIT = 5 * 1024 * 1024


def _check(data: bytes):
    return uploads.check_file(
        data,
        LIMIT,
        allowed=(uploads.PDF, uploads.JPEG, uploads.PNG),
        format_message="format",
        size_message="ukuran {limit}",
    )


def _letter() -> bytes:
    """A one-page letter as reportlab (and most office software) writes it."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 720, "Surat keterangan lunas")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _written(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _document_script(writer) -> None:
    """A document-level script, run by the viewer when the file opens."""
    script = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('Anda menang hadiah');"),
            }
        )
    )
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("a"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})


def _open_action(action: DictionaryObject | ArrayObject):
    def change(writer):
        writer._root_object[NameObject("/OpenAction")] = action

    return change


def test_a_letter_and_a_pdf_opening_at_its_first_page_pass():
    assert _check(_letter()) == uploads.PDF
    fit_first_page = ArrayObject([NumberObject(0), NameObject("/Fit")])
    assert _check(_written(_open_action(fit_first_page))) == uploads.PDF


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_document_script, "JavaScript"),
        (
            _open_action(
                DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/URI"),
                        NameObject("/URI"): TextStringObject("https://evil.example"),
                    }
                )
            ),
            "tindakan saat dibuka (OpenAction)",
        ),
        (
            _open_action(
                DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/Launch"),
                        NameObject("/F"): TextStringObject("cmd.exe"),
                    }
                )
            ),
            "perintah menjalankan program",
        ),
        (lambda writer: writer.add_attachment("data.exe", b"MZ"), "berkas tersisip"),
    ],
    ids=["javascript", "open-action-uri", "launch", "embedded-file"],
)
def test_a_pdf_that_runs_something_is_refused_naming_it(change, named):
    with pytest.raises(uploads.UploadError, match=re.escape(named)):
        _check(_written(change))


def test_an_unparseable_pdf_is_judged_by_its_bytes_including_escaped_names():
    hostile = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Open#41ction << /S /J#61vaScript /J#53 (x) >> >>"
        b"\nendobj\n%%EOF\n"
    )
    with pytest.raises(uploads.UploadError, match=r"tindakan saat dibuka|JavaScript"):
        _check(hostile)
    # Compressed bytes inside a stream are never mistaken for a name like /JS.
    harmless = b"%PDF-1.4\n1 0 obj << /Length 9 >>\nstream\n/JS /AA x\nendstream\nendobj\n%%EOF\n"
    assert _check(harmless) == uploads.PDF


def test_a_password_locked_pdf_is_refused_because_the_bank_cannot_read_it():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="rahasia", owner_password="pemilik")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(uploads.UploadError, match="kata sandi"):
        _check(buffer.getvalue())


def _png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_an_image_declaring_a_giant_size_is_refused_without_decoding():
    bomb = _png_declaring(50_000, 50_000)
    assert len(bomb) < 1_000
    with pytest.raises(uploads.UploadError, match="terlalu besar"):
        _check(bomb)
    # A 48-megapixel phone photo's header is fine.
    assert _check(_png_declaring(8_000, 6_000)) == uploads.PNG
