"""The API's pages for people: a readable reference drawn on the server from the generated
OpenAPI document, and the page where users create and revoke their API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from harkat.api import tokens
from harkat.api.core import api
from harkat.api.models import ApiToken
from harkat.auth.access import current_actor, public, roles
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.forms import Form, apply_errors
from harkat.security import local_target

bp = Blueprint("api_docs", __name__)


@bp.get("/api/v1/docs")
@public
def docs():
    """Every path with its parameters, body and responses, in plain HTML (no CDN, no script)."""
    spec = api.spec.to_dict()
    return render_template("api/docs.html", spec=spec)


# --------------------------------------------------------------------------- tokens in the UI


class TokenForm(Form):
    name = StringField(
        "Nama token",
        validators=[InputRequired(), Length(min=3, max=80)],
        description="Untuk apa token ini, misalnya 'Sistem inti Bank 9'.",
    )


def _owner(user_id: int | None) -> User:
    actor = current_actor()
    if user_id is None or user_id == actor.id:
        return actor
    if actor.role != Role.ADMIN:
        abort(404)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/akun/token", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/admin/pengguna/<int:user_id>/token", methods=["GET", "POST"])
@roles()
def tokens_page(user_id: int | None):
    """API tokens of the signed-in user (or, for an admin, of any user): create and revoke."""
    owner = _owner(user_id)
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(db.session, owner, form.name.data, current_actor())
            db.session.commit()
        except StopValidation as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            form = TokenForm(formdata=None)
            del token
    return render_template(
        "api/tokens.html",
        owner=owner,
        form=form,
        secret=secret,
        tokens=tokens.tokens_of(db.session, owner),
    )


@bp.post("/akun/token/<int:token_id>/cabut")
@roles()
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    actor = current_actor()
    if token is None or (token.user_id != actor.id and actor.role != Role.ADMIN):
        abort(404)
    tokens.revoke_token(db.session, token, actor)
    db.session.commit()
    flash(f"Token {token.hint}… dicabut; sistem yang memakainya tidak dapat masuk lagi.", "success")
    return redirect(local_target(request.form.get("next"), url_for("api_docs.tokens_page")))
