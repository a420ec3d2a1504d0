from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from harkat.admin.forms import MultiCheckboxField
from harkat.core.enums import LoanMethod
from harkat.forms import Form, RupiahField, choices
from harkat.referrals.gates import EXEMPTABLE, DocumentKind, Gate
from harkat.referrals.models import COLLECTABILITY_LABELS, LoanPurpose

EXEMPTABLE_GATES = [gate for gate in Gate if gate in EXEMPTABLE]


class CalculatorForm(Form):
    """The calculator is read-only arithmetic, submitted by GET (no CSRF token needed)."""

    class Meta:
        csrf = False

    principal = RupiahField("Jumlah pinjaman", validators=[InputRequired()])
    months = IntegerField(
        "Tenor (bulan)", default=12, validators=[InputRequired(), NumberRange(min=1, max=120)]
    )
    annual_rate = DecimalField(
        "Bunga per tahun (%)",
        default=3,
        places=2,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    method = SelectField("Metode", choices=choices((m.value, m.label) for m in LoanMethod))
    start_on = DateField("Tanggal pencairan (opsional)", validators=[Optional()])


class MemberLineForm(Form):
    """One borrower line inside the referral form (no CSRF token of its own)."""

    class Meta:
        csrf = False

    entrepreneur_id = HiddenField()
    amount = RupiahField("Jumlah pinjaman", validators=[Optional()])
    purpose = StringField("Untuk apa", validators=[Optional(), Length(max=200)])


class ReferralForm(Form):
    scheme_id = SelectField("Skema pembiayaan", validators=[InputRequired()])
    bank_id = SelectField("Bank penyalur", validators=[InputRequired()])
    purpose = SelectField(
        "Tujuan pinjaman", choices=choices(LoanPurpose.choices()), validators=[InputRequired()]
    )
    purpose_note = StringField(
        "Rencana penggunaan dana",
        validators=[Optional(), Length(max=300)],
        description="Misalnya: beli bahan baku kue untuk pesanan Lebaran, ganti etalase.",
    )
    tenor_months = IntegerField(
        "Tenor (bulan)", default=12, validators=[InputRequired(), NumberRange(min=1, max=120)]
    )
    members = FieldList(FormField(MemberLineForm), min_entries=0)
    take_overs = MultiCheckboxField(
        "Utang yang diambil alih (dilunasi dari pinjaman ini)", coerce=str, validate_choice=False
    )
    version = HiddenField()


class ActionForm(Form):
    """One button on the referral page; the fields used depend on the action."""

    action = HiddenField(validators=[InputRequired()])
    version = HiddenField()
    note = TextAreaField("Catatan", validators=[Optional(), Length(max=1000)])
    reason_code = SelectField("Alasan penolakan", validators=[Optional()], validate_choice=False)
    approved_amount = RupiahField("Jumlah disetujui", validators=[Optional()])
    approved_tenor_months = IntegerField(
        "Tenor disetujui (bulan)", validators=[Optional(), NumberRange(min=1, max=120)]
    )
    approved_rate_percent = DecimalField(
        "Bunga disetujui (% per tahun)",
        places=None,
        validators=[Optional(), NumberRange(0, 100)],
        description="Tulis dengan titik untuk pecahan, misalnya 3 atau 2.75.",
    )


class DisbursementLineForm(Form):
    class Meta:
        csrf = False

    member_id = HiddenField()
    disbursed_on = DateField("Tanggal cair", validators=[Optional()])
    amount = RupiahField("Jumlah cair", validators=[Optional()])
    account_number = StringField("Nomor rekening pinjaman", validators=[Optional(), Length(max=40)])


class PayoffForm(Form):
    """How one take-over debt was settled: to whom, how much, when, and the settlement letter."""

    class Meta:
        csrf = False

    take_over_id = HiddenField()
    paid_to = StringField("Dibayar kepada", validators=[Optional(), Length(max=120)])
    amount = RupiahField("Jumlah pelunasan", validators=[Optional()])
    paid_on = DateField("Tanggal pelunasan", validators=[Optional()])
    proof = FileField("Surat keterangan lunas (PDF, JPEG atau PNG)")


class DisbursementForm(Form):
    version = HiddenField()
    lines = FieldList(FormField(DisbursementLineForm), min_entries=0)
    payoffs = FieldList(FormField(PayoffForm), min_entries=0)


#: Files one upload may carry: a group of five's KTP, KK, NIB/SKU and business photo.
MAX_UPLOAD_ROWS = 20


class DocumentRowForm(Form):
    """One file of a multi-file upload with its kind and owner (no CSRF token of its own)."""

    class Meta:
        csrf = False

    file = FileField("Berkas")
    kind = SelectField("Jenis", choices=choices(DocumentKind.choices()), validate_choice=False)
    member = SelectField("Milik", validate_choice=False)


class DocumentBatchForm(Form):
    """Several documents at once; rows without a file are ignored."""

    rows = FieldList(FormField(DocumentRowForm), min_entries=1, max_entries=MAX_UPLOAD_ROWS)


class ReuseDocumentsForm(Form):
    reuse = MultiCheckboxField("Dokumen yang sudah ada", coerce=str, validate_choice=False)


class RemoveDocumentForm(Form):
    reason = StringField(
        "Alasan menghapus",
        validators=[
            InputRequired("Alasan menghapus wajib diisi."),
            Length(min=3, max=200, message="Alasan menghapus: 3 sampai 200 huruf."),
        ],
        description="Misalnya: foto buram, salah orang, diganti berkas baru.",
    )


class ExemptionForm(Form):
    gate = SelectField("Syarat", choices=choices((g.value, g.label) for g in EXEMPTABLE_GATES))
    reason = TextAreaField(
        "Alasan pengecualian", validators=[InputRequired(), Length(min=10, max=500)]
    )


class MessageForm(Form):
    body = TextAreaField("Pesan", validators=[InputRequired(), Length(max=2000)])


class LoanReportForm(Form):
    period = StringField(
        "Periode (bulan)",
        validators=[InputRequired()],
        description="Tulis TTTT-BB, misalnya 2026-10.",
    )
    collectability = SelectField(
        "Kolektibilitas",
        choices=choices((str(k), label) for k, label in COLLECTABILITY_LABELS.items()),
    )
    outstanding = RupiahField("Sisa pokok", validators=[InputRequired()])
    days_past_due = IntegerField(
        "Hari tunggakan", default=0, validators=[Optional(), NumberRange(min=0, max=3650)]
    )


class LoanImportForm(Form):
    file = FileField(
        "Berkas CSV laporan bulanan",
        validators=[FileRequired("Pilih berkas CSV.")],
        description="Kolom: nomor_rekening, periode (TTTT-BB), kolektibilitas (1–5), sisa_pokok, "
        "hari_tunggakan (opsional).",
    )


class RejectionReasonForm(Form):
    code = StringField(
        "Kode",
        validators=[
            InputRequired(),
            Length(min=2, max=30),
            Regexp(r"^[a-z0-9_]+$", message="Kode: huruf kecil, angka atau garis bawah."),
        ],
    )
    label = StringField("Alasan", validators=[InputRequired(), Length(max=120)])
