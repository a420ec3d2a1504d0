"""HTTP hardening: security headers, and a session cookie that is Secure (and named with the
``__Host-`` prefix, so no subdomain can set or shadow it) under HTTPS."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Request, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Bootstrap draws some icons (select arrows, the menu button) as data: SVG.
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        # No page needs <base>; an injected one would re-point every relative link and form.
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response: Response) -> Response:
    """``after_request``: CSP without inline scripts, no framing, no sniffing, no referrer leak."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Permissions-Policy", "camera=(self), geolocation=(), microphone=()"
    )
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    if request.endpoint != "static":
        # Pages carry personal data: never keep them in shared or back-button caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


#: Browsers accept a cookie with this prefix only if it is Secure, for path ``/`` and without
#: a Domain: a sibling site on a subdomain of the city's domain cannot plant one.
HOST_PREFIX = "__Host-"


class TLSAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS, and then give it the
    ``__Host-`` prefix (a cookie set over plain HTTP in development keeps the bare name)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def get_cookie_name(self, app) -> str:
        name = super().get_cookie_name(app)
        if self.get_cookie_secure(app) and not name.startswith(HOST_PREFIX):
            return HOST_PREFIX + name
        return name

    def get_cookie_domain(self, app) -> str | None:
        # A Domain attribute would make the browser refuse a __Host- cookie.
        return None if self.get_cookie_secure(app) else super().get_cookie_domain(app)

    def get_cookie_path(self, app) -> str:
        return "/" if self.get_cookie_secure(app) else super().get_cookie_path(app)

    def save_session(self, app, session, response) -> None:
        """Leave static files alone: no cookie and no ``Vary: Cookie`` on what is cached a year."""
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


class RefusedRequest(BadRequest):
    """A request refused as malformed; its description (Indonesian) is what the user reads."""


def _has_control(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


class HarkatRequest(Request):
    """Flask's request, refusing with 400 an uploaded file whose name holds a NUL byte, a line
    break or another control character, as soon as the body is parsed (so after a view has
    raised its own size limit) and before any view stores or echoes the name."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        for _, upload in self.files.items(multi=True):
            if upload.filename and _has_control(upload.filename):
                raise RefusedRequest(
                    "Nama berkas berisi karakter yang tidak diizinkan (karakter kendali). Ganti "
                    "nama berkasnya lalu unggah lagi."
                )


def local_target(target: str | None, fallback: str) -> str:
    """Where a ``next`` parameter may send the browser: a path on this site, else ``fallback``.

    Browsers drop tabs and line breaks from a URL and read ``\\`` as ``/``, so ``/\\t/evil`` and
    ``/\\\\evil`` lead off-site although they start with one slash; such a target is refused with
    400, and so is any other control character (a line break would split the Location header).
    """
    if not target:
        return fallback
    if _has_control(target):
        raise RefusedRequest("Alamat tujuan (next) berisi karakter kendali; permintaan ditolak.")
    parts = urlsplit(target)
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or parts.scheme
        or parts.netloc
    ):
        return fallback
    return target
