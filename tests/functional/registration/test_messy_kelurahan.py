"""A real-looking kelurahan spreadsheet, uploaded through the pages: every row ends stored with
exactly the value meant, refused with a reason naming its column, or stored with a warning.

The workbook is ``tests/data/messy_kelurahan.xlsx`` (built by ``tests/data/messy_kelurahan.py``).
"""

from __future__ import annotations

import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.registration.cli import import_cli
from harkat.registration.domain import Education, MaritalStatus, Sector
from harkat.registration.models import Business, Entrepreneur
from tests.data.messy_kelurahan import LONG_ADDRESS, LONG_BUSINESS, PATH, nik

STORED, REFUSED, WARNED = "stored", "refused", "warned"

#: Sheet row → (end state, column named by the message, words the message holds, what is stored).
#: ``stored`` maps Entrepreneur attributes, and ``business.<attr>`` for its business.
EXPECTED: dict[int, tuple[str, str | None, str | None, dict]] = {
    4: (REFUSED, "NIK", "format kolom NIK menjadi Teks", {}),
    5: (STORED, None, None, {"nik": nik(10), "birth_date": date(1985, 8, 17)}),
    6: (REFUSED, "NIK", "sudah dibulatkan", {}),
    7: (STORED, None, None, {
        "nik": nik(11), "full_name": "Siti Aminah", "phone": "+6281234567890",
        "business.monthly_revenue": 5_500_000, "business.sector": Sector.I,
    }),
    8: (REFUSED, "Alamat", "maksimal 200 karakter", {}),
    9: (REFUSED, "Nama Usaha", "maksimal 120 karakter", {}),
    10: (STORED, None, None, {
        "phone": None, "rt": None, "rw": None, "business.nib": None, "business.sector": Sector.G,
        "business.name": "Warung Hasanah",
    }),
    11: (STORED, None, None, {
        "education": Education.SMA, "marital_status": MaritalStatus.DIVORCED,
        "business.sector": Sector.A,
    }),
    12: (STORED, None, None, {"education": Education.SD, "marital_status": MaritalStatus.SINGLE}),
    13: (WARNED, "Sektor", "dibaca sebagai S", {
        "education": Education.S1, "marital_status": MaritalStatus.MARRIED,
        "business.sector": Sector.S, "business.capital": 12_500_000, "business.employees": 2,
    }),
    14: (REFUSED, "Sektor", "Mungkin maksud Anda: G", {}),
    15: (REFUSED, "Nama Lengkap", "U+1F338", {}),
    16: (REFUSED, "Nama Lengkap", "rumus", {}),
    17: (REFUSED, "NIK", "minimal berumur 17 tahun", {}),
    18: (WARNED, "Tanggal Lahir", "umur 105 tahun", {"birth_date": date(1921, 5, 5)}),
    19: (WARNED, "Pendidikan", "dibaca sebagai kosong", {"education": None}),
}  # fmt: skip
NAMES = {
    4: "Sri Wahyuni", 5: "Nurhayati", 6: "Rosmawati", 7: "Siti Aminah", 8: "Marlina",
    9: "Yuliani", 10: "Hasanah", 11: "Fatimah", 12: "Rukiah", 13: "Aisyah", 14: "Juwita",
    15: "Dewi", 16: "HYPERLINK", 17: "Putri Ayu", 18: "Maimunah", 19: "Halimah",
}  # fmt: skip


def _upload(client, data: bytes, name: str):
    return client.post(
        "/pelaku-usaha/impor",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _row_blocks(page: str) -> dict[int, str]:
    """The desktop table's rows of the preview, by sheet row number."""
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    blocks = re.split(r"<tr\b", table)[1:]
    return {int(re.search(r"<td>(\d+)</td>", b)[1]): b for b in blocks}


@pytest.fixture
def preview(client, login_as):
    login_as(Role.ADMIN)
    response = _upload(client, Path(PATH).read_bytes(), "data-umkm-thehok.xlsx")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_preview_says_what_happens_to_every_row(preview):
    blocks = _row_blocks(preview)
    assert sorted(blocks) == sorted(EXPECTED)
    for row, (state, column, words, _) in EXPECTED.items():
        block = blocks[row]
        label = {STORED: "siap", REFUSED: "salah", WARNED: "catatan"}[state]
        assert f">{label}</td>" in block, f"row {row} should be {label}"
        if column:
            assert f"<strong>{column}</strong>: " in block, f"row {row} names {column}"
            assert words in block, f"row {row}: {words!r}"
    # Errors first, then warnings, then ready rows.
    order = list(blocks)
    states = [EXPECTED[row][0] for row in order]
    assert states == sorted(states, key=[REFUSED, WARNED, STORED].index)


def test_the_preview_shows_the_values_that_will_be_stored(preview):
    siti = _row_blocks(preview)[7]
    assert "+6281234567890" in siti, "the phone in +62 form"
    assert "Rp5.500.000" in siti, "“5,5 juta” as rupiah"
    assert "17 Agustus 1985" in siti
    assert "I – Penyediaan akomodasi dan makan minum" in siti, "Kuliner is KBLI section I"


def test_unread_columns_are_listed_and_a_money_column_needs_a_tick(app, client, preview):
    listed = preview[preview.index("kolom tidak diimpor") :]
    assert "Pendapatan Lain</strong> — tampaknya berisi jumlah uang" in listed
    assert "Keterangan</strong> — judul kolom tidak dikenali" in listed
    token = re.search(r'action="/pelaku-usaha/impor/([\w-]+)"', preview)[1]

    refused = client.post(f"/pelaku-usaha/impor/{token}", data={})
    assert "centang pernyataan ini" in html.unescape(refused.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur)) == 0

    client.post(f"/pelaku-usaha/impor/{token}", data={"accept_ignored": "y"})
    with app.app_context():
        stored = {e.full_name: e for e in db.session.scalars(sa.select(Entrepreneur))}
        for row, (state, _, _, values) in EXPECTED.items():
            found = [e for name, e in stored.items() if NAMES[row] in name]
            if state == REFUSED:
                assert not found, f"row {row} must not be stored"
                continue
            (entrepreneur,) = found
            business = db.session.scalars(
                sa.select(Business).where(Business.entrepreneur_id == entrepreneur.id)
            ).first()
            for attribute, expected in values.items():
                if attribute.startswith("business."):
                    actual = getattr(business, attribute.removeprefix("business."))
                else:
                    actual = getattr(entrepreneur, attribute)
                assert actual == expected, f"row {row}: {attribute}"
        assert not any(LONG_ADDRESS.strip()[:200] == e.address for e in stored.values())
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(Business.name.startswith(LONG_BUSINESS[:100]))
        )


def test_the_cli_refuses_to_drop_a_money_column_unless_told(app, create_user):
    if "import" not in app.cli.commands:
        app.cli.add_command(import_cli)
    runner = app.test_cli_runner()
    _, username = create_user(Role.ADMIN)
    args = ["import", "entrepreneurs", str(PATH), "--as", username]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1, refused.output
    assert "Kolom tidak diimpor: Pendapatan Lain — tampaknya berisi jumlah uang" in refused.output
    assert "Tidak ada yang disimpan" in refused.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur)) == 0

    accepted = runner.invoke(args=[*args, "--abaikan-kolom"])
    assert accepted.exit_code == 0, accepted.output
    stored = sum(state != REFUSED for state, *_ in EXPECTED.values())
    assert f"{stored} didaftarkan" in accepted.output
