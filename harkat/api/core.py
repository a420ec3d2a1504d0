"""The JSON API's plumbing: the flask-smorest ``Api``, bearer-token sign-in, the rate limit, and
errors as ``{"error": {"code", "message", "fields"}}`` with Indonesian messages."""

from __future__ import annotations

import json
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, fields
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from harkat.api import tokens
from harkat.audit.services import set_actor
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.security import RefusedRequest

API_PREFIX = "/api/v1"

CODES = {
    400: ("bad_request", "Permintaan tidak dapat dibaca."),
    401: ("unauthorized", "Token API tidak ada, tidak valid, atau sudah dicabut."),
    403: ("forbidden", "Peran pemilik token tidak berwenang untuk tindakan ini."),
    404: ("not_found", "Data tidak ditemukan, atau di luar wewenang pemilik token."),
    405: ("method_not_allowed", "Metode HTTP ini tidak didukung untuk alamat ini."),
    409: ("conflict", "Data sudah diubah oleh pengguna lain; ambil data terbaru lalu ulangi."),
    413: ("too_large", "Isi permintaan terlalu besar."),
    415: ("unsupported_media_type", "Kirim isi permintaan sebagai application/json."),
    422: ("invalid", "Data tidak valid; lihat rincian per isian."),
    429: ("rate_limited", "Terlalu banyak permintaan; tunggu sebentar lalu coba lagi."),
    500: ("server_error", "Terjadi kesalahan pada server."),
}

#: marshmallow's English messages, as a user of the API reads them.
FIELD_MESSAGES = {
    "Missing data for required field.": "Wajib diisi.",
    "Not a valid integer.": "Harus bilangan bulat.",
    "Not a valid string.": "Harus teks.",
    "Not a valid date.": "Harus tanggal ISO 8601 (TTTT-BB-HH).",
    "Not a valid boolean.": "Harus true atau false.",
    "Not a valid number.": "Harus angka.",
    "Not a valid decimal.": "Harus angka.",
    "Field may not be null.": "Tidak boleh null.",
    "Unknown field.": "Isian tidak dikenal.",
    "Invalid input type.": "Jenis data tidak sesuai.",
    "Not a valid list.": "Harus daftar (array).",
    "Invalid value.": "Nilai tidak valid.",
    "Invalid JSON body.": "Isi permintaan bukan JSON yang sah.",
}


class ErrorDetail(Schema):
    code = fields.String(metadata={"description": "Kode mesin, misalnya invalid, not_found."})
    message = fields.String(metadata={"description": "Penjelasan dalam bahasa Indonesia."})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.Raw(),
        metadata={"description": "Pesan per isian yang salah."},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetail)


class JsonParser(FlaskParser):
    """webargs' parser, refusing JSON nested too deeply for the decoder with 400 (not 500)."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError(
                "Struktur JSON terlalu bertingkat.", webargs_core.parse_json.__name__, 0
            ) from None


class Blueprint(SmorestBlueprint):
    """An API blueprint whose request bodies go through :class:`JsonParser`."""

    ARGUMENTS_PARSER = JsonParser()


class HarkatApi(Api):
    """flask-smorest's Api without its app-wide error handler: the web pages keep their HTML
    error pages, and :func:`json_error` answers for paths under ``/api/``."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        return None


api = HarkatApi()


def _translate(messages):
    if isinstance(messages, dict):
        return {key: _translate(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_translate(message) for message in messages]
    text = str(messages)
    if text.startswith("Must be one of:"):
        return "Harus salah satu dari: " + text.removeprefix("Must be one of:").strip()
    if text.startswith("Must be greater than or equal to") or text.startswith("Must be less than"):
        return "Di luar rentang yang diizinkan. (" + text + ")"
    if (
        text.startswith("Length must be")
        or text.startswith("Shorter than")
        or text.startswith("Longer than")
    ):
        return "Panjang teks tidak sesuai. (" + text + ")"
    return FIELD_MESSAGES.get(text, text)


def _flatten(errors: dict) -> dict[str, list[str]]:
    """webargs nests errors by location (``json``, ``query``); callers want field names."""
    flat: dict[str, list[str]] = {}
    for location, entries in errors.items():
        if isinstance(entries, dict) and location in (
            "json",
            "query",
            "querystring",
            "form",
            "path",
            "headers",
            "files",
        ):
            for name, messages in entries.items():
                flat[str(name)] = _as_list(_translate(messages))
        else:
            flat[str(location)] = _as_list(_translate(entries))
    return flat


def _as_list(messages) -> list:
    if isinstance(messages, list):
        return [m if isinstance(m, str | dict) else str(m) for m in messages]
    return [messages]


def error_body(
    status: int, message: str | None = None, fields: dict | None = None, code: str | None = None
) -> dict:
    default_code, default_message = CODES.get(status, CODES[500 if status >= 500 else 400])
    return {
        "error": {
            "code": code or default_code,
            "message": message or default_message,
            "fields": fields or {},
        }
    }


def json_error(error: HTTPException):
    """An HTTP error under /api/ as JSON; validation errors keep their per-field messages."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = {}
    if "messages" in data:
        fields = _flatten(data["messages"])
    elif "errors" in data:
        fields = _flatten(data["errors"]) if isinstance(data["errors"], dict) else {}
    message = data.get("message")
    if message is None and isinstance(error, RefusedRequest):
        message = error.description
    response = jsonify(error_body(status, message, fields, data.get("code")))
    response.status_code = status
    for key, value in (data.get("headers") or {}).items():
        response.headers[key] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="HARKAT"'
    return response


def is_api_request() -> bool:
    return request.path.startswith("/api/")


PUBLIC_API_ENDPOINTS = {"api-docs.openapi_json", "api_docs.docs"}


def authenticate():
    """``before_request`` for /api/: sign in by bearer token (no cookies), then rate-limit.

    :return: a JSON error response, or None to go on.
    """
    if request.endpoint in PUBLIC_API_ENDPOINTS or request.endpoint is None:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    token = tokens.find_active(db.session, secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return json_error(_http(401))
    user, token_id, last_used_at = token.user, token.id, token.last_used_at
    # End the lookup's transaction before the counter takes its own: on SQLite a request that
    # may write holds the write lock from its first query.
    db.session.commit()
    wait = tokens.hit(
        db.engine, token_id, last_used_at, current_app.config["API_RATE_LIMIT_PER_MINUTE"]
    )
    if wait is not None:
        error = _http(429)
        error.data = {"headers": {"Retry-After": str(wait)}}
        return json_error(error)
    # Flask-Login reads the user from here: the request acts as the token's user, nothing more.
    g._login_user = user
    g.user = user
    g.api_token_id = token_id
    set_actor(user)
    return None


def _http(status: int) -> HTTPException:
    error = HTTPException()
    error.code = status
    return error


def api_roles(*allowed: Role):
    """Refuse (403) API calls by tokens whose user's role is not ``allowed``."""

    def decorate(method):
        @wraps(method)
        def wrapper(*args, **kwargs):
            if g.user.role not in allowed:
                from flask_smorest import abort

                abort(403)
            return method(*args, **kwargs)

        return wrapper

    return decorate
