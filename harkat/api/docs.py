"""A readable page of the API, drawn on the server from the generated OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, render_template

from harkat.api.core import api

bp = Blueprint("api_docs", __name__)


@bp.get("/api/v1/docs")
def docs():
    """Every path with its parameters, body and responses, in plain HTML (no CDN, no script)."""
    spec = api.spec.to_dict()
    return render_template("api/docs.html", spec=spec)
