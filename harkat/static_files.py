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
from flask import Flask, Response, abort, request, send_from_directory

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
