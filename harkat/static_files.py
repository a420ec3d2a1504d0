"""Static files under content-hashed names, kept by browsers for a year without asking again.

``url_for('static', filename='harkat.css')`` gives ``/static/harkat.<hash>.css``, the hash taken
from the file's content when the app starts: a changed file gets a new URL, so the old one can be
cached forever (``immutable``) and a phone on 3G never spends a round trip revalidating it.
Text files are sent compressed (brotli, else gzip), compressed once per worker and kept.

The plain name (``/static/harkat.css``) and a name with an outdated hash (a page rendered before
a deploy) still answer with the current file, but revalidated (``no-cache``), never immutable.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from pathlib import Path

import brotli
import click
from flask import Flask, Response, abort, current_app, request, send_from_directory
from flask.cli import with_appcontext

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
#: Types worth compressing; images, PDFs and archives are compressed already.
COMPRESSIBLE = frozenset(
    {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json"}
)
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")


def hashed_name(name: str, content: bytes) -> str:
    """``vendor/bootstrap.min.css`` → ``vendor/bootstrap.min.<12 hex digits>.css``."""
    digest = hashlib.sha256(content).hexdigest()[:12]
    folder, _, base = name.rpartition("/")
    stem, dot, suffix = base.rpartition(".")
    base = f"{stem}.{digest}.{suffix}" if dot and stem else f"{base}.{digest}"
    return f"{folder}/{base}" if folder else base


class StaticFiles:
    """The app's static folder, read once: hashed names both ways and compressed copies."""

    def __init__(self, folder: Path):
        self.folder = folder
        #: ``harkat.css`` → ``harkat.<hash>.css``
        self.urls: dict[str, str] = {}
        #: ``harkat.<hash>.css`` → ``harkat.css``
        self.files: dict[str, str] = {}
        self._encoded: dict[tuple[str, str], bytes] = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = path.relative_to(folder).as_posix()
                url_name = hashed_name(name, path.read_bytes())
                self.urls[name] = url_name
                self.files[url_name] = name

    def url_defaults(self, endpoint: str, values: dict) -> None:
        """``url_defaults`` hook: give ``url_for('static', …)`` the hashed file name."""
        if endpoint == "static" and values.get("filename") in self.urls:
            values["filename"] = self.urls[values["filename"]]

    def serve(self, filename: str) -> Response:
        """The ``static`` view: a hashed name is immutable, anything else is revalidated."""
        name = self.files.get(filename)
        if name is not None:
            return self._immutable(filename, name)
        if filename not in self.urls:
            match = _HASHED.match(filename)
            candidate = match and match["stem"] + match["suffix"]
            if not candidate or candidate not in self.urls:
                abort(404)
            filename = candidate
        response = send_from_directory(self.folder, filename, max_age=0)
        response.headers["Cache-Control"] = REVALIDATE
        return response

    def _immutable(self, url_name: str, name: str) -> Response:
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        etag = url_name.rsplit("/", 1)[-1]
        encoding = ""
        if mimetype in COMPRESSIBLE:
            accepted = request.accept_encodings
            encoding = "br" if accepted["br"] else "gzip" if accepted["gzip"] else ""
        data = self._content(name, encoding)
        response = Response(data, mimetype=mimetype)
        response.headers["Cache-Control"] = IMMUTABLE
        if mimetype in COMPRESSIBLE:
            response.vary.add("Accept-Encoding")
        if encoding:
            response.headers["Content-Encoding"] = encoding
            etag = f"{etag}-{encoding}"
        response.set_etag(etag)
        return response.make_conditional(request)

    def _content(self, name: str, encoding: str) -> bytes:
        key = (name, encoding)
        if key not in self._encoded:
            raw = (self.folder / name).read_bytes()
            if encoding == "br":
                self._encoded[key] = brotli.compress(raw, quality=11)
            elif encoding == "gzip":
                self._encoded[key] = gzip.compress(raw, compresslevel=9, mtime=0)
            else:
                self._encoded[key] = raw
        return self._encoded[key]


def init_static_files(app: Flask) -> StaticFiles:
    """Serve ``app.static_folder`` under hashed names from the ``static`` endpoint."""
    files = StaticFiles(Path(app.static_folder))
    app.url_defaults(files.url_defaults)
    app.view_functions["static"] = files.serve
    app.extensions["harkat_static_files"] = files
    return files


# --------------------------------------------------------------------------- export for nginx

#: Pages nginx shows itself, in Indonesian, when the app cannot answer (gunicorn down or
#: restarting) or a body is over the proxy's size limit.
PROXY_PAGES = {
    "502.html": (
        "Layanan sedang dimulai ulang",
        "HARKAT sedang tidak dapat dihubungi, biasanya karena sedang diperbarui atau dimulai "
        "ulang. Data Anda aman; tidak ada yang tersimpan setengah jalan. Coba lagi beberapa "
        "saat lagi. Jika berlanjut, hubungi operator Dinas Koperasi dan UMKM.",
        502,
    ),
    "413.html": (
        "Kiriman terlalu besar",
        "Berkas atau formulir yang dikirim melebihi batas ukuran. Perkecil fotonya (atau kirim "
        "lebih sedikit berkas sekaligus) lalu coba lagi.",
        413,
    ),
}


def export_public(app: Flask, directory: Path) -> int:
    """Write what nginx serves without the app: every static file under its hashed name (with a
    ``.gz`` copy of text files for ``gzip_static``) in ``directory/static``, and the proxy's
    error pages in ``directory/errors``. Returns the number of files written.

    Hashed names never change meaning, so files of an earlier release may stay: pages rendered
    before a deploy still find their stylesheet.
    """
    from flask import render_template

    files: StaticFiles = app.extensions["harkat_static_files"]
    written = 0
    for name, url_name in files.urls.items():
        target = directory / "static" / url_name
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = (files.folder / name).read_bytes()
        target.write_bytes(raw)
        written += 1
        if (mimetypes.guess_type(name)[0] or "") in COMPRESSIBLE:
            target.with_name(target.name + ".gz").write_bytes(
                gzip.compress(raw, compresslevel=9, mtime=0)
            )
            written += 1
    errors = directory / "errors"
    errors.mkdir(parents=True, exist_ok=True)
    with app.test_request_context("/"):
        for filename, (title, message, code) in PROXY_PAGES.items():
            page = render_template("errors/proxy.html", title=title, message=message, code=code)
            (errors / filename).write_text(page, "utf-8")
            written += 1
    return written


@click.group("static", help="Berkas statis untuk nginx.")
def static_cli() -> None:
    pass


@static_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(directory: Path) -> None:
    """Tulis berkas statis (nama ber-hash) dan halaman galat nginx ke DIRECTORY."""
    written = export_public(current_app._get_current_object(), directory)
    click.echo(f"{written} berkas ditulis ke {directory}.")
