from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from harkat.auth.domain import ROLE_LABELS
from harkat.core.enums import ApplicantType, LoanMethod
from harkat.forms import Form, RupiahField, choices


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(Form):
    username = StringField(
        "Nama pengguna",
        validators=[DataRequired(), Length(min=3, max=60)],
        description="Huruf kecil, angka, titik, garis bawah atau strip; tidak dapat diubah nanti.",
    )
    full_name = StringField("Nama lengkap", validators=[DataRequired(), Length(max=120)])
    email = StringField(
        "Email",
        validators=[Optional(), Email(message="Alamat email tidak valid."), Length(max=200)],
    )
    role = SelectField(
        "Peran", choices=choices((role.value, label) for role, label in ROLE_LABELS.items())
    )
    bank = SelectField("Bank (khusus petugas bank)", choices=[])
    kecamatan = MultiCheckboxField("Kecamatan tugas (khusus pendamping)", choices=[])
    is_active = BooleanField("Aktif", default=True)
    password = PasswordField(
        "Kata sandi awal",
        validators=[DataRequired()],
        description="Minimal 10 karakter, tidak memuat nama pengguna, dan bukan kata sandi umum.",
    )
    submit = SubmitField("Simpan")


class UserEditForm(UserForm):
    username = None
    password = None


class ResetPasswordForm(Form):
    password = PasswordField(
        "Kata sandi baru",
        validators=[DataRequired()],
        description="Sampaikan langsung ke pemilik akun; semua sesinya akan diakhiri.",
    )
    submit = SubmitField("Atur ulang kata sandi")


class ConfirmForm(Form):
    """An empty form, for POST buttons that only need CSRF protection."""

    submit = SubmitField("Ya, lanjutkan")


class BankForm(Form):
    code = StringField(
        "Kode",
        validators=[
            DataRequired(),
            Length(max=20),
            Regexp(
                r"^[A-Z0-9_-]+$", message="Kode hanya huruf besar, angka, garis bawah atau strip."
            ),
        ],
        description="Dipakai di CLI dan API, contoh BANK9JAMBI.",
    )
    name = StringField("Nama bank", validators=[DataRequired(), Length(max=120)])
    is_active = BooleanField("Aktif", default=True)
    is_sharia = BooleanField(
        "Bank syariah",
        description="Persetujuan, simulasi dan paket rujukan bank ini menyebut margin, "
        "bukan bunga.",
    )
    submit = SubmitField("Simpan")


class SchemeForm(Form):
    code = StringField(
        "Kode",
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(
                r"^[A-Z0-9_-]+$", message="Kode hanya huruf besar, angka, garis bawah atau strip."
            ),
        ],
    )
    name = StringField("Nama skema", validators=[DataRequired(), Length(max=120)])
    annual_rate_percent = DecimalField(
        "Bunga per tahun (%)", places=3, validators=[DataRequired(), NumberRange(min=0, max=100)]
    )
    method = SelectField("Metode", choices=choices((m.value, m.label) for m in LoanMethod))
    applicant_type = SelectField(
        "Jenis pemohon", choices=choices((a.value, a.label) for a in ApplicantType)
    )
    # InputRequired, not DataRequired: the latter would hide "bukan jumlah uang yang valid".
    min_amount_per_member = RupiahField(
        "Plafon minimal per anggota", validators=[InputRequired(), NumberRange(min=1)]
    )
    max_amount_per_member = RupiahField(
        "Plafon maksimal per anggota", validators=[InputRequired(), NumberRange(min=1)]
    )
    max_amount_per_group = RupiahField(
        "Plafon maksimal per kelompok",
        validators=[Optional(), NumberRange(min=1)],
        description="Kosongkan untuk skema perorangan.",
    )
    min_tenor_months = IntegerField(
        "Tenor minimal (bulan)", validators=[DataRequired(), NumberRange(min=1, max=120)]
    )
    max_tenor_months = IntegerField(
        "Tenor maksimal (bulan)", validators=[DataRequired(), NumberRange(min=1, max=120)]
    )
    active_from = DateField("Berlaku sejak", validators=[Optional()])
    active_until = DateField("Berlaku sampai", validators=[Optional()])
    is_active = BooleanField("Aktif", default=True)
    submit = SubmitField("Simpan")
