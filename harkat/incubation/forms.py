"""Forms of the incubation page. Business rules live in the services; these read the input."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from harkat.forms import Form, RupiahField, choices
from harkat.incubation.domain import IncubationStage, MilestoneKind


class StageForm(Form):
    stage = SelectField(
        "Tahap inkubasi",
        choices=choices(IncubationStage.choices()),
        default=IncubationStage.PRA.value,
        validate_choice=False,
    )
    started_on = DateField(
        "Mulai pendampingan",
        validators=[Optional()],
        description="Kosongkan untuk memakai tanggal hari ini.",
    )
    baseline_monthly_revenue = RupiahField(
        "Omzet awal per bulan",
        validators=[Optional()],
        description='Omzet saat pendampingan dimulai. Boleh ditulis "Rp 5.000.000" atau "5jt".',
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    version = HiddenField()


class VisitForm(Form):
    visited_on = DateField("Tanggal kunjungan", validators=[Optional()])
    topics = StringField(
        "Topik pendampingan",
        validators=[Length(max=200)],
        description="Contoh: pembukuan harian, foto produk untuk marketplace.",
    )
    notes = TextAreaField(
        "Catatan", validators=[Optional(), Length(max=4000)], render_kw={"rows": 3}
    )
    follow_up = TextAreaField(
        "Tindak lanjut",
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
        description="Apa yang akan dikerjakan pelaku usaha dan pendamping sesudah kunjungan.",
    )
    photo = FileField(
        "Foto kegiatan (opsional)",
        description="JPEG atau PNG, maksimal 5 MB.",
        render_kw={"accept": "image/jpeg,image/png"},
    )


class MilestoneForm(Form):
    kind = SelectField("Capaian", choices=choices(MilestoneKind.choices()), validate_choice=False)
    achieved_on = DateField("Tanggal tercapai", validators=[Optional()])
    note = StringField(
        "Keterangan (opsional)",
        validators=[Optional(), Length(max=200)],
        render_kw={"placeholder": "Contoh: nomor NIB, nama marketplace"},
    )


class ClearMilestoneForm(Form):
    kind = HiddenField()
