"""Error pages in Indonesian; the transaction of a failed request is always rolled back."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from harkat.audit import denials
from harkat.extensions import db
from harkat.security import RefusedRequest

MESSAGES = {
    400: ("Permintaan tidak valid", "Data yang dikirim tidak dapat diproses."),
    403: ("Akses ditolak", "Akun Anda tidak memiliki hak untuk membuka halaman ini."),
    404: (
        "Tidak ditemukan",
        "Halaman atau data yang Anda cari tidak ada, atau bukan wewenang Anda.",
    ),
    405: ("Metode tidak diizinkan", "Halaman ini tidak menerima permintaan seperti itu."),
    413: ("Berkas terlalu besar", "Ukuran berkas melebihi batas yang diizinkan."),
    429: ("Terlalu banyak permintaan", "Tunggu sebentar lalu coba lagi."),
    500: (
        "Terjadi kesalahan",
        "Sistem mengalami gangguan. Tim teknis sudah dapat melihatnya di log.",
    ),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def init_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        db.session.rollback()
        denials.note("csrf", detail={"status": 400})
        return _render(
            400,
            "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu kirim lagi.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if request.path.startswith("/api/"):
            from harkat.api.core import json_error

            return json_error(error)
        if error.code is None or request.endpoint == "static":
            return error
        return _render(error.code, error.description if isinstance(error, RefusedRequest) else None)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        """The database does not answer: say so plainly (503); the next request tries again."""
        try:
            db.session.rollback()
        except DBAPIError:
            db.session.remove()
        app.logger.error(
            "Database unavailable on %s %s: %s",
            request.method,
            request.path,
            error.__class__.__name__,
        )
        if request.path.startswith("/api/"):
            from harkat.api.core import error_body

            return (
                error_body(
                    503,
                    "Basis data sedang tidak dapat dihubungi; coba lagi sebentar.",
                    code="unavailable",
                ),
                503,
                {"Retry-After": "30"},
            )
        # A page of its own: the usual layout would ask the database who is signed in.
        return render_template("errors/unavailable.html"), 503, {"Retry-After": "30"}

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error: Exception):
        # An id or number too large for the database (a tampered URL or form): no such record.
        db.session.rollback()
        if request.path.startswith("/api/"):
            from harkat.api.core import error_body

            return error_body(404), 404
        return _render(404)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        if app.testing:
            raise error  # let the test see the real traceback
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            from harkat.api.core import error_body

            return error_body(500), 500
        return _render(500)
