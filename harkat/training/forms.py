from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from harkat.forms import Form, choices
from harkat.training.domain import TrainingResult


class CohortForm(Form):
    course_id = SelectField("Kursus", choices=[], validate_choice=False)
    name = StringField(
        "Nama angkatan",
        validators=[DataRequired(), Length(max=120)],
        description="Contoh: Angkatan 3 – Telanaipura 2026.",
    )
    venue = StringField("Tempat", validators=[DataRequired(), Length(max=200)])
    kecamatan_code = SelectField("Kecamatan", choices=[], validate_choice=False)
    starts_on = DateField("Tanggal mulai", validators=[Optional()])
    ends_on = DateField("Tanggal selesai", validators=[Optional()])
    capacity = IntegerField(
        "Kapasitas peserta", default=25, validators=[Optional(), NumberRange(min=1, max=500)]
    )
    trainer_name = StringField("Pelatih / narasumber", validators=[Optional(), Length(max=120)])
    version = HiddenField()
    submit = SubmitField("Simpan angkatan")


class SessionForm(Form):
    held_on = DateField("Tanggal", validators=[Optional()])
    starts_at = TimeField("Mulai", validators=[Optional()])
    ends_at = TimeField("Selesai", validators=[Optional()])
    topic = StringField("Topik", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Tambah sesi")


class WithdrawForm(Form):
    reason = TextAreaField(
        "Alasan mengundurkan diri",
        validators=[DataRequired(), Length(max=200)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Catat mundur")


class GroupEnrolForm(Form):
    group_id = SelectField("Kelompok", choices=[], validate_choice=False)
    submit = SubmitField("Daftarkan seluruh anggota")


class CorrectionForm(Form):
    result = SelectField("Hasil yang benar", choices=choices(TrainingResult.choices()))
    reason = TextAreaField(
        "Alasan koreksi", validators=[DataRequired(), Length(max=300)], render_kw={"rows": 2}
    )
    submit = SubmitField("Koreksi hasil")


class CourseForm(Form):
    code = StringField("Kode", validators=[DataRequired(), Length(max=20)])
    title = StringField("Judul", validators=[DataRequired(), Length(max=160)])
    theme = StringField("Tema", validators=[DataRequired(), Length(max=80)])
    hours = IntegerField("Jam pelajaran", validators=[DataRequired(), NumberRange(min=1, max=500)])
    description = TextAreaField("Deskripsi", validators=[Optional()], render_kw={"rows": 4})
    is_active = BooleanField("Aktif", default=True)
    submit = SubmitField("Simpan kursus")
