from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from harkat.forms import Form, RupiahField, choices
from harkat.screening.engine import Frequency, LenderType


class DebtForm(Form):
    """One debt row. Embedded in the screening form, so it carries no CSRF token of its own."""

    class Meta:
        csrf = False

    lender_name = StringField(
        "Nama pemberi pinjaman",
        validators=[Optional(), Length(max=120)],
        description="Nama aplikasi, bank, koperasi atau orangnya.",
    )
    lender_type = SelectField("Jenis", choices=choices(LenderType.choices()))
    principal = RupiahField("Pokok yang diterima", validators=[Optional()])
    outstanding = RupiahField("Sisa utang sekarang", validators=[Optional()])
    instalment = RupiahField("Angsuran", validators=[Optional()])
    frequency = SelectField("Dibayar", choices=choices(Frequency.choices()))
    instalments_total = IntegerField(
        "Jumlah angsuran seluruhnya", validators=[Optional(), NumberRange(min=1, max=3650)]
    )
    instalments_paid = IntegerField(
        "Sudah dibayar (kali)", default=0, validators=[Optional(), NumberRange(min=0, max=3650)]
    )
    days_past_due = IntegerField(
        "Hari tunggakan", default=0, validators=[Optional(), NumberRange(min=0, max=3650)]
    )
    collectability = SelectField(
        "Kolektibilitas SLIK",
        choices=choices(
            [("", "Tidak tahu / bukan lembaga formal")]
            + [(str(n), f"Kol {n}") for n in range(1, 6)]
        ),
        validators=[Optional()],
    )
    licence_override = SelectField(
        "Status izin (pinjaman online)",
        choices=choices(
            [
                ("", "Cek otomatis ke daftar OJK"),
                ("licensed", "Berizin OJK (sudah dipastikan sendiri)"),
                ("illegal", "Ilegal (sudah dipastikan sendiri)"),
            ]
        ),
        validators=[Optional()],
    )
    amount_repaid = RupiahField(
        "Total yang sudah dibayar (opsional)",
        validators=[Optional()],
        description="Isi bila tahu; bila kosong dihitung angsuran × kali sudah dibayar. Dipakai "
        "untuk membatasi pelunasan pinjol ilegal.",
    )
    intimidation = BooleanField("Penagih mengancam atau menyebar data")
    settled_bad_debt_months_ago = IntegerField(
        "Jika kredit macet ini sudah lunas: berapa bulan lalu",
        validators=[Optional(), NumberRange(min=0, max=600)],
    )
    remove = BooleanField("Hapus baris ini")


class ScreeningForm(Form):
    household_income = RupiahField(
        "Penghasilan rumah tangga di luar usaha (per bulan)", validators=[Optional()]
    )
    business_income = RupiahField(
        "Laba bersih usaha (per bulan)",
        validators=[Optional()],
        description="Omzet dikurangi biaya usaha.",
    )
    household_expenses = RupiahField(
        "Pengeluaran pokok rumah tangga (per bulan)",
        validators=[Optional()],
        description="Makan, sekolah, sewa, listrik, air.",
    )
    proposed_instalment = RupiahField(
        "Angsuran BANK HARKAT yang direncanakan (per bulan)",
        validators=[Optional()],
        description="Kosongkan bila belum ada rencana pinjaman.",
    )
    slik_worst_collectability = SelectField(
        "Kolektibilitas terburuk di SLIK (iDebku) 24 bulan terakhir",
        choices=choices([("", "Belum dicek")] + [(str(n), f"Kol {n}") for n in range(1, 6)]),
        validators=[Optional()],
    )
    slik_checked_on = DateField("Tanggal cek SLIK", validators=[Optional()])
    slik_file = FileField(
        "Hasil cetak iDebku (PDF/JPEG/PNG, opsional)",
        validators=[FileAllowed(["pdf", "jpg", "jpeg", "png"], "Hanya PDF, JPEG atau PNG.")],
    )
    debts = FieldList(FormField(DebtForm), min_entries=1, max_entries=30)
    add_row = SubmitField("Tambah baris utang")
    submit = SubmitField("Hitung dan simpan skrining")


class TakeOverOverrideForm(Form):
    """An admin's decision on what a take-over pays one lender, with the reason."""

    amount = RupiahField("Jumlah pelunasan", validators=[Optional()])
    reason = TextAreaField(
        "Alasan",
        validators=[Optional(), Length(max=500)],
        description="Wajib, minimal 10 huruf; tercatat di log audit.",
    )
    submit = SubmitField("Tetapkan pelunasan")
