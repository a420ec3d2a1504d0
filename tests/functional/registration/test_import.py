"""Bulk import of entrepreneurs from a messy spreadsheet, through preview/commit and the CLI."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.cases.models import CaseEvent
from harkat.core.dates import JAKARTA
from harkat.core.nik import Gender, make_nik
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.registration import importer
from harkat.registration.cli import import_cli
from harkat.registration.domain import BusinessScale, Education, MaritalStatus, Sector
from harkat.registration.models import Business, Entrepreneur

SITI = make_nik("15.71.02", date(1985, 8, 17), Gender.FEMALE, 1)
BUDI = make_nik("15.71.01", date(1990, 3, 12), Gender.MALE, 2)
RAHMAT = make_nik("15.71.04", date(1985, 8, 17), Gender.MALE, 3)
DEWI = make_nik("15.71.01", date(1992, 1, 5), Gender.FEMALE, 4)
ANI = make_nik("15.71.01", date(1995, 6, 1), Gender.FEMALE, 5)
JOKO = make_nik("15.71.03", date(1980, 2, 2), Gender.MALE, 6)
RINA = make_nik("15.71.05", date(1988, 7, 7), Gender.FEMALE, 7)
YUSUF = make_nik("15.71.06", date(1979, 9, 9), Gender.MALE, 8)


def cell_datetime(year: int, month: int, day: int) -> datetime:
    """A date cell as openpyxl reads it: a naive datetime, which is what spreadsheets hold."""
    return datetime(year, month, day)  # noqa: DTZ001


HEADER = [
    "No", "NIK", "Nama", "JK", "Tempat Lahir", "Tgl. Lahir", "No. HP", "Alamat", "RT", "RW",
    "Kelurahan", "Pendidikan", "Status Perkawinan", "Jumlah Tanggungan", "Nama Usaha", "Sektor",
    "Produk", "Tahun Mulai", "NIB", "Omzet per Bulan", "Biaya per Bulan", "Modal Usaha",
    "Tenaga Kerja",
]  # fmt: skip


def _row(no, nik, name, **cells):
    values = {
        "JK": None, "Tempat Lahir": "Jambi", "Tgl. Lahir": None, "No. HP": None,
        "Alamat": f"Jl. Sultan Agung No. {no}", "RT": None, "RW": None, "Kelurahan": "Thehok",
        "Pendidikan": None, "Status Perkawinan": None, "Jumlah Tanggungan": None,
        "Nama Usaha": None, "Sektor": None, "Produk": None, "Tahun Mulai": None, "NIB": None,
        "Omzet per Bulan": None, "Biaya per Bulan": None, "Modal Usaha": None,
        "Tenaga Kerja": None,
    }  # fmt: skip
    values.update(cells)
    return [no, nik, name] + [values[h] for h in HEADER[3:]]


def messy_rows(siti_phone="0812-3456-7890", siti_revenue="Rp 5.000.000", siti_education="SMA"):
    """Data rows (sheet rows 4–12) with every problem a real sheet has."""
    return [
        # 4: NIK as a number; dd/mm/yyyy text; dashed phone; "The Hok"; amounts three ways.
        _row(1, int(SITI), "Siti Aminah", **{
            "JK": "P", "Tgl. Lahir": "17/08/1985", "No. HP": siti_phone, "RT": 5, "RW": "02",
            "Kelurahan": "The Hok", "Pendidikan": siti_education, "Status Perkawinan": "Kawin",
            "Jumlah Tanggungan": 2, "Nama Usaha": "Pempek Bu Siti", "Sektor": "I",
            "Produk": "Pempek", "Tahun Mulai": 2015, "NIB": "1234567890123",
            "Omzet per Bulan": siti_revenue, "Biaya per Bulan": "3jt",
            "Modal Usaha": "5.000.000,00", "Tenaga Kerja": 2,
        }),
        # 5: NIK as a float (shown in scientific notation); dd-mm-yyyy; +62 phone; " thehok ".
        _row(2, float(BUDI), "Budi Santoso", **{
            "JK": "Laki-laki", "Tgl. Lahir": "12-03-1990", "No. HP": "+62 813 1234 5678",
            "Kelurahan": " thehok ", "Pendidikan": "S1", "Status Perkawinan": "Belum kawin",
            "Nama Usaha": "Toko Budi", "Sektor": "G", "Omzet per Bulan": "Rp 200.000.000",
            "Modal Usaha": "Rp 2.000.000.000", "Tenaga Kerja": "4",
        }),
        # 6: NIK with spaces; birth date as an Excel serial; "Simpang Empat Sipin"; no business.
        _row(3, f"{RAHMAT[:4]} {RAHMAT[4:8]} {RAHMAT[8:12]} {RAHMAT[12:]}", "Rahmat Hidayat", **{
            "JK": "L", "Tgl. Lahir": 31276, "No. HP": 81234567891,
            "Kelurahan": "Simpang Empat Sipin",
        }),
        # 7: NIK with dots; a date cell; gender typed against the NIK → warning only.
        _row(4, f"{DEWI[:2]}.{DEWI[2:4]}.{DEWI[4:6]}.{DEWI[6:12]}.{DEWI[12:]}", "Dewi Lestari",
             **{"JK": "Laki-laki", "Tgl. Lahir": cell_datetime(1992, 1, 5),
                "Kelurahan": "Kel. Simpang IV Sipin"}),
        # 8: NIK with a leading apostrophe, but the phone has letters → error on No HP.
        _row(5, "'" + ANI, "Ani Suryani", **{"No. HP": "0812-ABCD-7890",
                                              "Kelurahan": "Simpang IV Sipin"}),
        # 9: the same NIK as row 4 → error on NIK.
        _row(6, SITI, "Siti Aminah Lagi"),
        # 10: a kelurahan that does not exist → error on Kelurahan.
        _row(7, JOKO, "Joko Widodo", Kelurahan="Kampung Antah Berantah"),
        # 11: an impossible date → error on Tanggal Lahir.
        _row(8, RINA, "Rina Marlina", **{"Tgl. Lahir": "31/02/1988"}),
        # 12: an amount in words → error on Omzet per Bulan.
        _row(9, YUSUF, "Yusuf Maulana", **{"Nama Usaha": "Bengkel Yusuf", "Sektor": "S",
                                           "Omzet per Bulan": "lima juta"}),
    ]  # fmt: skip


def write_xlsx(path, rows):
    """Save rows as a real workbook would hold them: merged titles, trailing empty rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["DATA CALON DEBITUR BANK HARKAT — KOTA JAMBI"])
    sheet.append(["Disusun oleh pendamping, Februari 2026"])
    sheet.merge_cells("A1:W1")
    sheet.merge_cells("A2:W2")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
        number = sheet.max_row
        nik_cell = sheet.cell(row=number, column=2)
        if isinstance(nik_cell.value, float):
            nik_cell.number_format = "0.00E+00"
        for cell in sheet[number]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed as '=…, not a formula
        date_cell = sheet.cell(row=number, column=6)
        if isinstance(date_cell.value, datetime):
            date_cell.number_format = "DD/MM/YYYY"
    sheet.append([10] + [None] * 22)  # a pre-numbered row nobody filled
    sheet.append([None, "   ", None])
    sheet.append([None] * 23)
    book.save(path)
    book.close()
    return path


@pytest.fixture
def messy_xlsx(tmp_path):
    return write_xlsx(tmp_path / "calon debitur.xlsx", messy_rows())


def _user(user_id) -> User:
    return db.session.get(User, user_id)


def _preview(path, actor):
    table = importer.read_table(path.read_bytes(), path.name)
    return importer.preview(db.session, table, actor)


def _by_row(results):
    return {r.row_number: r for r in results}


def _columns(result):
    return {column for column, _ in result.errors}


def _count(model=Entrepreneur) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _entrepreneur(nik) -> Entrepreneur | None:
    return db.session.scalar(sa.select(Entrepreneur).where(Entrepreneur.nik == nik))


# --------------------------------------------------------------------------- preview


def test_preview_marks_each_row_and_names_the_column(db_session, create_user, messy_xlsx):
    admin = _user(create_user(Role.ADMIN)[0])
    rows = _by_row(_preview(messy_xlsx, admin))

    assert sorted(rows) == list(range(4, 13)), "titles, header and empty rows are not data"
    assert [rows[n].status for n in (4, 5, 6)] == ["ok", "ok", "ok"]
    assert rows[7].status == "warning"
    assert rows[7].warnings == [
        (
            "Jenis Kelamin",
            "Jenis kelamin pada NIK adalah Perempuan, sedangkan yang diisi Laki-laki.",
        )
    ]
    assert rows[8].status == "error" and _columns(rows[8]) == {"No HP"}
    assert rows[9].status == "error" and _columns(rows[9]) == {"NIK"}
    assert "baris 4" in rows[9].errors[0][1]
    assert rows[10].status == "error" and _columns(rows[10]) == {"Kelurahan"}
    assert "Kampung Antah Berantah" in rows[10].errors[0][1]
    assert rows[11].status == "error" and _columns(rows[11]) == {"Tanggal Lahir"}
    assert rows[12].status == "error" and _columns(rows[12]) == {"Omzet per Bulan"}

    assert rows[4].full_name == "Siti Aminah"
    assert rows[4].nik_masked == "1571********0001"
    assert rows[4].kelurahan_name == "Thehok"
    assert rows[6].kelurahan_name == "Simpang IV Sipin"
    assert SITI not in repr(rows[4]), "no full NIK in logs and tracebacks"
    assert _count() == 0, "a preview stores nothing"


def test_a_twin_of_a_broken_row_is_refused_too(db_session, create_user, tmp_path):
    admin = _user(create_user(Role.ADMIN)[0])
    path = write_xlsx(
        tmp_path / "kembar.xlsx",
        [
            _row(1, ANI, "Ani Suryani", **{"No. HP": "0812-ABCD-7890"}),
            _row(2, f"{ANI[:8]} {ANI[8:]}", "Ani Suryani"),
        ],
    )
    first, second = _preview(path, admin)
    assert first.status == "error" and _columns(first) == {"No HP"}
    assert second.status == "error" and _columns(second) == {"NIK"}
    assert "baris 4" in second.errors[0][1]


def test_preview_queries_do_not_grow_with_the_rows(app, db_session, create_user, tmp_path):
    admin = _user(create_user(Role.ADMIN)[0])
    admin.kecamatan_codes  # noqa: B018 - load the account before counting
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    many = [
        _row(n, make_nik("15.71.02", date(1980, 1, 1 + n % 28), Gender.MALE, n), f"Orang {n}")
        for n in range(1, 61)
    ]
    sizes = {}
    for size in (3, 60):
        path = write_xlsx(tmp_path / f"{size}.xlsx", many[:size])
        table = importer.read_table(path.read_bytes(), path.name)
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            results = importer.preview(db_session, table, admin)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert {r.status for r in results} == {"ok"}
        sizes[size] = len(statements)
    assert 0 < sizes[3] == sizes[60]


def test_semicolon_csv_is_read_like_the_workbook(db_session, create_user, tmp_path):
    admin = _user(create_user(Role.ADMIN)[0])
    lines = [
        "Daftar pelaku usaha;;;;;;;;",
        "NIK;Nama Lengkap;Tempat Lahir;Tanggal Lahir;Nomor HP;Alamat;Kelurahan;Omzet per Bulan;"
        "Modal Usaha;Nama Usaha;Sektor",
        f"{SITI};Siti Aminah;Jambi;1985-08-17;0812-3456-7890;Jl. Mawar 1;The Hok;5.000.000,00;"
        "Rp 5.000.000;Pempek Siti;Penyediaan akomodasi dan makan minum",
        f"'{BUDI};Budi Santoso;Jambi;12/03/1990;+62 813-1234-5678;Jl. Melati 2;Simpang Empat Sipin;"
        "5jt;;=1+1;G",
        ";;;;;;;;",
    ]
    path = tmp_path / "data.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    results = _preview(path, admin)
    assert [(r.row_number, r.status) for r in results] == [(3, "ok"), (4, "ok")]

    summary = importer.commit(
        db_session, results, admin, all_or_nothing=False, update_existing=False, filename="data.csv"
    )
    db_session.commit()
    assert summary.created == 2
    siti = _entrepreneur(SITI)
    assert siti.kelurahan_code == "15.71.02.1004"
    assert siti.businesses[0].monthly_revenue == 5_000_000
    assert siti.businesses[0].sector == Sector.I
    assert _entrepreneur(BUDI).phone == "+6281312345678"


# --------------------------------------------------------------------------- commit


def test_valid_rows_are_stored_with_normalised_values(db_session, create_user, messy_xlsx):
    admin_id, _ = create_user(Role.ADMIN)
    admin = _user(admin_id)
    results = _preview(messy_xlsx, admin)
    summary = importer.commit(
        db_session, results, admin, all_or_nothing=False, update_existing=False,
        filename=messy_xlsx.name,
    )  # fmt: skip
    db_session.commit()

    assert (summary.created, summary.updated, summary.skipped, summary.failed) == (4, 0, 0, 5)
    assert summary.counts == {"ok": 3, "warning": 1, "error": 5}
    assert _count() == 4

    year = datetime.now(JAKARTA).year
    siti = _entrepreneur(SITI)
    assert siti.registration_number == f"HKT-{year}-000001"
    assert (siti.full_name, siti.gender, siti.birth_date) == (
        "Siti Aminah", Gender.FEMALE, date(1985, 8, 17)
    )  # fmt: skip
    assert siti.phone == "+6281234567890"
    assert (siti.rt, siti.rw) == ("005", "002")
    assert (siti.kelurahan_code, siti.kecamatan_code) == ("15.71.02.1004", "15.71.02")
    assert (siti.education, siti.marital_status, siti.dependants) == (
        Education.SMA, MaritalStatus.MARRIED, 2
    )  # fmt: skip
    assert siti.facilitator_id is None and siti.updated_by_id == admin_id
    (pempek,) = siti.businesses
    assert (pempek.name, pempek.sector, pempek.start_year, pempek.nib) == (
        "Pempek Bu Siti", Sector.I, 2015, "1234567890123"
    )  # fmt: skip
    assert (pempek.monthly_revenue, pempek.monthly_costs, pempek.capital) == (
        5_000_000, 3_000_000, 5_000_000
    )  # fmt: skip
    assert pempek.employees == 2 and pempek.scale == BusinessScale.MIKRO

    budi = _entrepreneur(BUDI)
    assert budi.phone == "+6281312345678"
    assert budi.birth_date == date(1990, 3, 12)
    assert budi.kelurahan_code == "15.71.02.1004"
    assert budi.education == Education.S1 and budi.marital_status == MaritalStatus.SINGLE
    (toko,) = budi.businesses
    assert (toko.monthly_revenue, toko.capital) == (200_000_000, 2_000_000_000)
    assert toko.scale == BusinessScale.KECIL

    rahmat = _entrepreneur(RAHMAT)
    assert rahmat.birth_date == date(1985, 8, 17), "Excel serial 31276"
    assert rahmat.kelurahan_code == "15.71.01.1001" and rahmat.kecamatan_code == "15.71.01"
    assert rahmat.phone == "+6281234567891"
    assert rahmat.businesses == []

    dewi = _entrepreneur(DEWI)
    assert dewi.gender == Gender.MALE, "what was typed is kept; the mismatch was a warning"
    assert dewi.birth_date == date(1992, 1, 5)

    assert _entrepreneur(ANI) is None and _entrepreneur(JOKO) is None

    event = db_session.scalar(sa.select(CaseEvent).where(CaseEvent.entrepreneur_id == siti.id))
    assert event.kind == "registered"
    assert event.summary.startswith("Didaftarkan lewat impor berkas calon debitur.xlsx (baris 4)")
    assert event.actor_id == admin_id

    audit = db_session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
    assert audit.entity_type == "entrepreneurs"
    assert audit.changes["file"] == "calon debitur.xlsx"
    assert (audit.changes["created"], audit.changes["failed"]) == (4, 5)
    assert audit.actor_id == admin_id
    assert summary.outcomes[4] == f"Didaftarkan dengan nomor HKT-{year}-000001."
    assert summary.outcomes[8].startswith("Tidak disimpan")


def test_reimporting_the_same_file_creates_nobody(db_session, create_user, messy_xlsx):
    admin = _user(create_user(Role.ADMIN)[0])
    for _ in range(2):
        results = _preview(messy_xlsx, admin)
        summary = importer.commit(
            db_session, results, admin, all_or_nothing=False, update_existing=False
        )
        db_session.commit()
    rows = _by_row(results)
    assert rows[4].status == "warning" and rows[4].existing_id == _entrepreneur(SITI).id
    assert ("NIK", importer.EXISTING_WARNING) in rows[4].warnings
    assert (summary.created, summary.skipped, summary.failed) == (0, 4, 5)
    assert summary.outcomes[4].startswith("Dilewati: NIK sudah terdaftar")
    assert _count() == 4
    assert _count(Business) == 2


def test_reimporting_with_update_existing_updates_in_place(db_session, create_user, tmp_path):
    admin_id, _ = create_user(Role.ADMIN)
    editor_id, _ = create_user(Role.ADMIN)
    admin = _user(admin_id)
    first = write_xlsx(tmp_path / "a.xlsx", messy_rows())
    importer.commit(
        db_session, _preview(first, admin), admin, all_or_nothing=False, update_existing=False
    )
    db_session.commit()
    siti = _entrepreneur(SITI)
    version, number = siti.version, siti.registration_number
    siti.businesses[0].sku_number = "503/SKU/THEHOK/2024"  # typed on the form, not in the sheet
    siti.businesses[0].address = "Pasar Angso Duo, los 12"
    db_session.commit()
    version = _entrepreneur(SITI).version

    editor = _user(editor_id)
    second = write_xlsx(
        tmp_path / "b.xlsx",
        messy_rows(siti_phone="0813-9999-8888", siti_revenue="Rp 20.000.000", siti_education=None),
    )
    summary = importer.commit(
        db_session, _preview(second, editor), editor, all_or_nothing=False, update_existing=True,
        filename="b.xlsx",
    )  # fmt: skip
    db_session.commit()

    assert (summary.created, summary.updated, summary.skipped) == (0, 1, 3)
    db_session.expire_all()
    siti = _entrepreneur(SITI)
    assert siti.phone == "+6281399998888"
    assert siti.version == version + 1
    assert siti.updated_by_id == editor_id
    assert siti.registration_number == number
    assert siti.education == Education.SMA, "an empty cell keeps what is stored"
    assert siti.businesses[0].monthly_revenue == 20_000_000
    assert siti.businesses[0].sku_number == "503/SKU/THEHOK/2024"
    assert siti.businesses[0].address == "Pasar Angso Duo, los 12"
    assert _count() == 4 and _count(Business) == 2
    event = db_session.scalar(
        sa.select(CaseEvent).where(
            CaseEvent.entrepreneur_id == siti.id, CaseEvent.kind == "updated"
        )
    )
    assert "No HP" in event.summary and "Omzet per Bulan" in event.summary


def test_all_or_nothing_stores_nothing_when_one_row_is_bad(db_session, create_user, messy_xlsx):
    admin = _user(create_user(Role.ADMIN)[0])
    summary = importer.commit(
        db_session, _preview(messy_xlsx, admin), admin, all_or_nothing=True, update_existing=False
    )
    db_session.commit()
    assert summary.refused and summary.created == 0
    assert "tidak ada data yang disimpan" in summary.text
    assert _count() == 0
    assert summary.outcomes[4].startswith("Tidak disimpan: impor dibatalkan")


def test_all_or_nothing_stores_everything_when_all_rows_are_good(db_session, create_user, tmp_path):
    admin = _user(create_user(Role.ADMIN)[0])
    path = write_xlsx(tmp_path / "baik.xlsx", messy_rows()[:4])
    summary = importer.commit(
        db_session, _preview(path, admin), admin, all_or_nothing=True, update_existing=False
    )
    db_session.commit()
    assert not summary.refused and summary.created == 4 and _count() == 4


def test_facilitator_cannot_import_rows_of_another_kecamatan(db_session, create_user, tmp_path):
    admin = _user(create_user(Role.ADMIN)[0])
    elsewhere = write_xlsx(
        tmp_path / "admin.xlsx", [_row(1, JOKO, "Joko Susilo", Kelurahan="Pasir Putih")]
    )
    importer.commit(
        db_session, _preview(elsewhere, admin), admin, all_or_nothing=False, update_existing=False
    )
    db_session.commit()

    facilitator_id, _ = create_user(Role.FACILITATOR, full_name="Dewi Pendamping")
    facilitator = _user(facilitator_id)
    assert facilitator.kecamatan_codes == ["15.71.01"]
    path = write_xlsx(
        tmp_path / "telanaipura.xlsx",
        [
            _row(1, ANI, "Ani Suryani", Kelurahan="Simpang IV Sipin"),
            _row(2, RINA, "Rina Marlina", Kelurahan="Thehok"),
            _row(3, JOKO, "Joko Susilo", Kelurahan="Simpang IV Sipin"),
        ],
    )
    rows = _by_row(_preview(path, facilitator))
    assert rows[4].status == "ok"
    assert rows[5].status == "error" and _columns(rows[5]) == {"Kelurahan"}
    assert "di luar kecamatan tugas Anda" in rows[5].errors[0][1]
    assert rows[6].status == "error" and _columns(rows[6]) == {"NIK"}
    # Registered in another kecamatan: only that it is taken and to ask the admin.
    assert "di luar wilayah tugas Anda. Hubungi admin" in rows[6].errors[0][1]
    assert "Jambi Selatan" not in rows[6].errors[0][1]

    summary = importer.commit(
        db_session, list(rows.values()), facilitator, all_or_nothing=False, update_existing=True
    )
    db_session.commit()
    assert (summary.created, summary.updated, summary.failed) == (1, 0, 2)
    ani = _entrepreneur(ANI)
    assert ani.facilitator_id == facilitator_id and ani.kecamatan_code == "15.71.01"
    assert _entrepreneur(RINA) is None
    assert _entrepreneur(JOKO).full_name == "Joko Susilo"
    assert _entrepreneur(JOKO).kelurahan_code == "15.71.02.1002", "not moved by the facilitator"


def test_viewers_cannot_import(db_session, create_user, messy_xlsx):
    viewer = _user(create_user(Role.VIEWER)[0])
    table = importer.read_table(messy_xlsx.read_bytes(), messy_xlsx.name)
    with pytest.raises(StopValidation):
        importer.preview(db_session, table, viewer)


def test_the_template_example_row_is_refused(db_session, create_user):
    admin = _user(create_user(Role.ADMIN)[0])
    table = importer.read_table(importer.template_workbook(), "templat.xlsx")
    (row,) = importer.preview(db_session, table, admin)
    assert row.status == "error" and _columns(row) == {"NIK"}
    assert "baris contoh" in row.errors[0][1]


# --------------------------------------------------------------------------- result file


def _sheet_rows(data: bytes, title: str = "Hasil Impor") -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    try:
        return [tuple(row) for row in book[title].iter_rows(values_only=True)]
    finally:
        book.close()


def test_result_workbook_shows_every_row_and_neutralises_formulas(
    db_session, create_user, messy_xlsx
):
    admin = _user(create_user(Role.ADMIN)[0])
    rows = messy_rows()
    # A registry name cannot be a formula (refused), but a business name may start with one.
    rows[0][14] = '=HYPERLINK("http://contoh.id","klik")'
    rows[1][14] = "@Toko Budi"
    results = _preview(write_xlsx(messy_xlsx, rows), admin)
    summary = importer.commit(
        db_session, results, admin, all_or_nothing=False, update_existing=False
    )
    sheet = _sheet_rows(importer.result_workbook(results, summary))

    header, *body = sheet
    assert header[:4] == ("Baris", "Status", "Hasil", "Keterangan")
    by_row = {line[0]: line for line in body}
    assert sorted(by_row) == list(range(4, 13))
    assert [by_row[n][1] for n in (4, 7, 8)] == ["OK", "Peringatan", "Galat"]
    assert by_row[4][2].startswith("Didaftarkan dengan nomor HKT-")
    assert by_row[8][3].startswith("No HP: ")
    assert by_row[4][4] == SITI, "NIK as text, every digit kept"
    assert by_row[4][8] == "Rp5.000.000"
    assert by_row[4][7] == '\'=HYPERLINK("http://contoh.id","klik")'
    assert by_row[5][7] == "'@Toko Budi"
    assert _sheet_rows(importer.result_workbook(results, summary), "Ringkasan")[2] == (
        "Didaftarkan", 4
    )  # fmt: skip


def test_preview_result_workbook_without_a_summary(db_session, create_user, messy_xlsx):
    admin = _user(create_user(Role.ADMIN)[0])
    body = _sheet_rows(importer.result_workbook(_preview(messy_xlsx, admin)))[1:]
    assert {line[2] for line in body} == {
        "Siap didaftarkan.", "Belum bisa disimpan: perbaiki kesalahan."
    }  # fmt: skip


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def import_runner(app):
    if "import" not in app.cli.commands:
        app.cli.add_command(import_cli)
    return app.test_cli_runner()


def _stored(app) -> int:
    with app.app_context():
        return _count()


def test_cli_dry_run_reports_rows_and_stores_nothing(app, import_runner, create_user, messy_xlsx):
    _, username = create_user(Role.ADMIN)
    result = import_runner.invoke(
        args=["import", "entrepreneurs", str(messy_xlsx), "--dry-run", "--as", username]
    )
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.split()[:3] == ["Baris", "8", "galat"] and "No HP:" in line for line in lines)
    assert any(line.split()[:3] == ["Baris", "7", "peringatan"] for line in lines)
    assert "Pemeriksaan: 3 ok, 1 peringatan, 5 galat." in result.output
    assert "tidak ada data yang disimpan" in result.output
    assert _stored(app) == 0


def test_cli_dry_run_of_a_clean_file_exits_zero(app, import_runner, create_user, tmp_path):
    _, username = create_user(Role.ADMIN)
    path = write_xlsx(tmp_path / "baik.xlsx", messy_rows()[:3])
    result = import_runner.invoke(
        args=["import", "entrepreneurs", str(path), "--dry-run", "--as", username]
    )
    assert result.exit_code == 0, result.output
    assert _stored(app) == 0


def test_cli_import_commits_valid_rows_and_writes_the_result(
    app, import_runner, create_user, messy_xlsx, tmp_path
):
    _, username = create_user(Role.FACILITATOR)
    out = tmp_path / "hasil.xlsx"
    args = ["import", "entrepreneurs", str(messy_xlsx), "--as", username, "--result", str(out)]
    result = import_runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    # A Telanaipura facilitator: only the Simpang IV Sipin rows (Rahmat, Dewi) are in scope.
    assert "2 didaftarkan" in result.output
    assert _stored(app) == 2
    statuses = {line[0]: line[1] for line in _sheet_rows(out.read_bytes())[1:]}
    assert statuses[4] == "Galat" and statuses[6] == "OK"

    again = import_runner.invoke(args=args)
    assert again.exit_code == 0 and "0 didaftarkan" in again.output and "2 dilewati" in again.output
    assert _stored(app) == 2


def test_cli_all_or_nothing_refuses_with_exit_1(app, import_runner, create_user, messy_xlsx):
    _, username = create_user(Role.ADMIN)
    result = import_runner.invoke(
        args=["import", "entrepreneurs", str(messy_xlsx), "--all-or-nothing", "--as", username]
    )
    assert result.exit_code == 1
    assert "Impor dibatalkan" in result.output
    assert _stored(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import")) is None


@pytest.mark.parametrize("role", [None, Role.VIEWER, Role.BANK_OFFICER])
def test_cli_refuses_unknown_users_and_roles_that_cannot_import(
    app, import_runner, create_user, messy_xlsx, role
):
    username = create_user(role)[1] if role else "tidak.ada"
    result = import_runner.invoke(
        args=["import", "entrepreneurs", str(messy_xlsx), "--as", username]
    )
    assert result.exit_code == 1
    assert ("tidak ditemukan" if role is None else "tidak dapat mengimpor") in result.output
    assert _stored(app) == 0


def test_cli_unreadable_file(app, import_runner, create_user, tmp_path):
    _, username = create_user(Role.ADMIN)
    path = tmp_path / "lama.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    result = import_runner.invoke(args=["import", "entrepreneurs", str(path), "--as", username])
    assert result.exit_code == 1
    assert "tidak didukung" in result.output
