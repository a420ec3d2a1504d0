from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from harkat.cases.domain import EntrepreneurStatus
from harkat.core.nik import Gender
from harkat.forms import Form, RupiahField, choices
from harkat.registration.domain import Education, GroupStatus, MaritalStatus, Sector

EMPTY = [("", "— pilih —")]


def kelurahan_choices(rows) -> list[SelectChoice]:
    """Kelurahan grouped under their kecamatan: ``rows`` are (code, name, kecamatan name)."""
    return [SelectChoice("", "— pilih kelurahan —")] + [
        SelectChoice(code, name, optgroup=f"Kec. {kecamatan}") for code, name, kecamatan in rows
    ]


class EntrepreneurForm(Form):
    nik = StringField(
        "NIK",
        validators=[DataRequired(), Length(max=40)],
        description="16 angka sesuai KTP; spasi dan titik boleh.",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    full_name = StringField(
        "Nama lengkap (sesuai KTP)", validators=[DataRequired(), Length(max=120)]
    )
    gender = SelectField(
        "Jenis kelamin",
        choices=choices([("", "— ikuti NIK —"), *[(g.value, g.label) for g in Gender]]),
        validators=[Optional()],
    )
    birth_place = StringField("Tempat lahir", validators=[DataRequired(), Length(max=80)])
    birth_date = DateField(
        "Tanggal lahir", validators=[Optional()], description="Kosongkan untuk mengikuti NIK."
    )
    phone = StringField(
        "Nomor HP / WhatsApp",
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
        description="Contoh 0812-3456-7890.",
    )
    address = StringField(
        "Alamat (jalan, nomor, lorong)", validators=[DataRequired(), Length(max=200)]
    )
    rt = StringField(
        "RT", validators=[Optional(), Length(max=3)], render_kw={"inputmode": "numeric"}
    )
    rw = StringField(
        "RW", validators=[Optional(), Length(max=3)], render_kw={"inputmode": "numeric"}
    )
    kelurahan_code = SelectField("Kelurahan", choices=[], validate_choice=False)
    education = SelectField(
        "Pendidikan terakhir", choices=choices(EMPTY + Education.choices()), validators=[Optional()]
    )
    marital_status = SelectField(
        "Status perkawinan",
        choices=choices(EMPTY + MaritalStatus.choices()),
        validators=[Optional()],
    )
    dependants = IntegerField(
        "Jumlah tanggungan", default=0, validators=[Optional(), NumberRange(min=0, max=30)]
    )
    status = SelectField(
        "Status",
        choices=choices(EntrepreneurStatus.choices()),
        default=EntrepreneurStatus.ACTIVE.value,
    )
    version = HiddenField()
    submit = SubmitField("Simpan")


class BusinessForm(Form):
    name = StringField("Nama usaha", validators=[DataRequired(), Length(max=120)])
    sector = SelectField("Sektor (KBLI)", choices=choices(Sector.choices()))
    products = StringField(
        "Produk / jasa utama",
        validators=[Optional(), Length(max=200)],
        description="Contoh: keripik tempe, jahit pakaian, warung kopi.",
    )
    start_year = IntegerField(
        "Tahun mulai usaha", validators=[Optional(), NumberRange(min=1900, max=2100)]
    )
    address = StringField("Alamat usaha", validators=[Optional(), Length(max=200)])
    nib = StringField(
        "NIB (13 angka)",
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric"},
    )
    sku_number = StringField(
        "Nomor SKU (jika belum ada NIB)", validators=[Optional(), Length(max=60)]
    )
    halal_certificate = StringField(
        "Nomor sertifikat halal", validators=[Optional(), Length(max=60)]
    )
    pirt_number = StringField("Nomor P-IRT", validators=[Optional(), Length(max=60)])
    monthly_revenue = RupiahField("Omzet per bulan", validators=[Optional()])
    monthly_costs = RupiahField("Biaya usaha per bulan", validators=[Optional()])
    capital = RupiahField("Modal usaha (tanpa tanah dan bangunan)", validators=[Optional()])
    employees = IntegerField(
        "Tenaga kerja (selain pemilik)",
        default=0,
        validators=[Optional(), NumberRange(min=0, max=10_000)],
    )
    version = HiddenField()
    submit = SubmitField("Simpan usaha")


class ConsentForm(Form):
    processing = BooleanField("Setuju")
    bank_sharing = BooleanField("Setuju")
    whatsapp = BooleanField("Setuju")
    submit = SubmitField("Simpan persetujuan")


class SearchForm(Form):
    q = StringField(
        "Cari",
        validators=[Optional(), Length(max=100)],
        render_kw={"placeholder": "Nama, NIK, nomor registrasi atau nomor HP"},
    )
    submit = SubmitField("Cari")


class GroupForm(Form):
    name = StringField("Nama kelompok", validators=[DataRequired(), Length(max=120)])
    kelurahan_code = SelectField("Kelurahan", choices=[], validate_choice=False)
    formed_on = DateField("Tanggal pembentukan", validators=[Optional()])
    decree_number = StringField("Nomor SK kelurahan", validators=[Optional(), Length(max=80)])
    status = SelectField(
        "Status", choices=choices(GroupStatus.choices()), default=GroupStatus.FORMING.value
    )
    version = HiddenField()
    submit = SubmitField("Simpan kelompok")


class RemoveMemberForm(Form):
    entrepreneur_id = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        "Alasan keluar", validators=[DataRequired(), Length(max=200)], render_kw={"rows": 2}
    )
    submit = SubmitField("Keluarkan")


class ChairForm(Form):
    chair = SelectField("Ketua kelompok", choices=[], validate_choice=False)
    submit = SubmitField("Tetapkan ketua")


class ConfirmImportForm(Form):
    all_or_nothing = BooleanField("Batalkan semua jika ada satu baris bermasalah")
    update_existing = BooleanField("Perbarui data yang NIK-nya sudah terdaftar (bukan dilewati)")
    accept_ignored = BooleanField(
        "Saya sudah memeriksa kolom yang tidak dikenali; lanjutkan tanpa mengimpor kolom itu"
    )
    submit = SubmitField("Simpan ke HARKAT")


class ImportUploadForm(Form):
    file = FileField(
        "Berkas XLSX atau CSV",
        validators=[
            FileRequired("Pilih berkas yang akan diimpor."),
            FileAllowed(["xlsx", "csv"], "Hanya berkas .xlsx atau .csv."),
        ],
    )
    submit = SubmitField("Periksa berkas")
