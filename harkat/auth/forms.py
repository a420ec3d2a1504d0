from __future__ import annotations

from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from harkat.forms import Form


class LoginForm(Form):
    username = StringField("Nama pengguna", validators=[DataRequired(), Length(max=60)])
    password = PasswordField("Kata sandi", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Masuk")


class ChangePasswordForm(Form):
    current_password = PasswordField("Kata sandi saat ini", validators=[DataRequired()])
    password = PasswordField(
        "Kata sandi baru",
        validators=[DataRequired(), Length(max=200)],
        description="Minimal 10 karakter, tidak memuat nama pengguna, dan bukan kata sandi umum.",
    )
    confirm = PasswordField(
        "Ulangi kata sandi baru",
        validators=[
            DataRequired(),
            EqualTo("password", message="Harus sama dengan kata sandi baru."),
        ],
    )
    submit = SubmitField("Ganti kata sandi")
