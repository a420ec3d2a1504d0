from __future__ import annotations

from wtforms import DateField, DecimalField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from harkat.forms import Form, RupiahField, choices
from harkat.reference.models import LoanMethod


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
