from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from harkat.forms import Form, RupiahField, choices
from harkat.reports.models import Metric


class CloseMonthForm(Form):
    month = StringField("Bulan", validators=[InputRequired(), Length(max=7)])


class ReopenMonthForm(Form):
    month = StringField("Bulan", validators=[InputRequired(), Length(max=7)])
    reason = TextAreaField(
        "Alasan membuka kembali", validators=[InputRequired(), Length(min=10, max=500)]
    )


class AllocationForm(Form):
    bank_id = SelectField("Bank", validators=[InputRequired()])
    year = IntegerField("Tahun", validators=[InputRequired(), NumberRange(2020, 2100)])
    amount = RupiahField("Alokasi", validators=[InputRequired()])


class IndicatorForm(Form):
    year = IntegerField("Tahun", validators=[InputRequired(), NumberRange(2020, 2100)])
    metric = SelectField("Yang diukur", choices=choices(Metric.choices()))
    name = StringField("Nama indikator", validators=[InputRequired(), Length(max=200)])
    annual_target = StringField(
        "Target setahun",
        validators=[InputRequired(), Length(max=20)],
        description="Jumlah UMKM, rupiah, atau persen serapan (misalnya 5,5).",
    )
    monthly_targets = StringField(
        "Target kumulatif per bulan (opsional)",
        validators=[Optional(), Length(max=400)],
        description="12 angka dipisah titik koma, Januari dulu; kosong: dibagi rata.",
    )
