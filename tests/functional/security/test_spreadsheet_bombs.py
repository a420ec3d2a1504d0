"""Spreadsheet bombs (ASVS V5.2.3): a small file that declares or unpacks to far more than an
import may hold is refused from its zip directory, before a row is parsed; a stream of rows stops
at the limit; CSV files are counted before parsing. Nothing is stored."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.spreadsheet import MAX_UNPACKED_BYTES, TooLarge
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.registration import importer
from harkat.registration.models import Entrepreneur
from harkat.screening import registry
from harkat.settings import services as settings

HEADER = ["NIK", "Nama Lengkap", "Tempat Lahir", "Alamat", "Kelurahan"]


def _workbook(rows: int, *, last_row: int | None = None, strip_dimension: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for number in range(rows):
        sheet.append([f"'1571014508850{number:03d}", f"Orang {number}", "Jambi", "Jl", "Thehok"])
    if last_row:
        sheet.cell(last_row, 1, "x")  # one far cell: the sheet declares half a million rows
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if not strip_dimension:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            body = source.read(entry.filename)
            if entry.filename.startswith("xl/worksheets/"):
                start = body.index(b"<dimension")
                body = body[:start] + body[body.index(b"/>", start) + 2 :]
            target.writestr(entry, body)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A valid-looking workbook whose shared strings unpack past the limit (a few hundred KB)."""
    data = _workbook(1)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry.filename, source.read(entry.filename))
        target.writestr("xl/padding.xml", b"A" * (MAX_UNPACKED_BYTES + 1))
    return out.getvalue()


def test_a_sheet_declaring_half_a_million_rows_is_refused_before_reading():
    data = _workbook(3, last_row=500_000)
    assert len(data) < 20_000
    with pytest.raises(TooLarge, match=r"lebih dari 20\.000 baris"):
        importer.read_table(data, "bom.xlsx")


def test_rows_beyond_the_limit_are_refused_even_without_a_declared_size():
    with pytest.raises(TooLarge, match="lebih dari 100 baris"):
        importer.read_table(_workbook(150, strip_dimension=True), "tanpa-ukuran.xlsx", 100)
    table = importer.read_table(_workbook(90, strip_dimension=True), "cukup.xlsx", 100)
    assert len(table) == 90  # under the limit: read whole, nothing cut


def test_a_zip_bomb_is_refused_from_the_zip_directory():
    data = _zip_bomb()
    assert len(data) < 1_000_000
    with pytest.raises(TooLarge, match="terlalu besar setelah dibuka"):
        importer.read_table(data, "bom.xlsx")


def test_a_long_csv_is_refused_before_parsing():
    text = ";".join(HEADER) + "\n" + "1571014508850001;A;Jambi;Jl;Thehok\n" * 150
    with pytest.raises(TooLarge, match="lebih dari 100 baris"):
        importer.read_table(text.encode(), "panjang.csv", 100)


def test_the_import_page_refuses_a_bomb_and_stores_nothing(app, client, login_as):
    login_as(Role.FACILITATOR)
    response = client.post(
        "/pelaku-usaha/impor",
        data={"file": (io.BytesIO(_workbook(3, last_row=500_000)), "bom.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "lebih dari 20.000 baris" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur)) == 0


def test_the_row_limit_is_a_setting_the_registry_and_repayment_imports_obey(app, create_user):
    from harkat.referrals import services as referrals

    admin_id, _ = create_user(Role.ADMIN)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    with app.app_context():
        admin = db.session.get(User, admin_id)
        settings.set_number(db.session, "import.max_rows", "100", admin_id)
        lenders = "Nama Platform;Nama Perusahaan\n" + "Dana Cepat;PT Dana\n" * 150
        with pytest.raises(StopValidation) as refused:
            registry.import_registry(db.session, lenders.encode(), "ojk.csv", admin)
        assert "lebih dari 100 baris" in str(refused.value)
        reports = "nomor_rekening,periode,kolektibilitas,sisa_pokok\n" + "A,2026-10,1,100\n" * 150
        with pytest.raises(StopValidation) as refused:
            referrals.import_reports(db.session, reports.encode(), db.session.get(User, officer_id))
        assert "lebih dari 100 baris" in str(refused.value)
