"""Default configuration.

Precedence, lowest first: these defaults, ``instance/config.py``, ``HARKAT_*`` environment
variables, then the ``test_config`` mapping given to :func:`harkat.create_app`.
"""

from datetime import timedelta

#: SQLAlchemy URL; empty means the embedded SQLite file ``instance/harkat.sqlite3``.
DATABASE_URL = ""
#: Empty means a key generated once into ``instance/secret_key``.
SECRET_KEY = ""
#: Empty means ``instance/uploads``.
UPLOAD_DIR = ""
#: Largest accepted upload, in bytes.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

TIMEZONE = "Asia/Jakarta"

#: A signed-in session that sees no request for this long must sign in again.
IDLE_TIMEOUT = timedelta(minutes=30)
#: A sign-in ends this long after it began, however active (ASVS V7.3.2).
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
#: How new passwords are hashed (Werkzeug's ``method``): scrypt, deliberately slow. Existing
#: hashes name their own method, so changing this never locks anyone out; the test suite uses a
#: cheap PBKDF2 because it creates and signs in thousands of accounts.
PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
#: Failed logins for one username inside LOGIN_THROTTLE_WINDOW before it is locked.
LOGIN_MAX_FAILURES_PER_USER = 5
#: Failed logins from one client address inside the window before it is locked.
LOGIN_MAX_FAILURES_PER_ADDRESS = 20
LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
#: Refused requests (403/404, CSRF, refused steps, blocked logins) are written once per
#: (user or address, route, reason) and window of this many minutes, then as one total.
DENIAL_WINDOW_MINUTES = 10
#: Keys counted at once per worker; when full, every open window is written out.
DENIAL_MAX_KEYS = 2000

SESSION_COOKIE_NAME = "harkat_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
#: Set True behind HTTPS; the cookie is then only sent over TLS.
SESSION_COOKIE_SECURE = False
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

#: Trust X-Forwarded-For and X-Forwarded-Proto from this many proxies (0 when served directly).
PROXY_COUNT = 0
#: Also trust X-Forwarded-Host from them. Off: the shipped nginx config clears that header, and
#: absolute links come from PUBLIC_BASE_URL, never from the request.
PROXY_TRUST_HOST = False

#: Pages and text answers are sent compressed (Flask-Compress): brotli, else gzip. PDFs, XLSX,
#: ZIPs and images are compressed already and go as they are. Streamed answers are left alone.
COMPRESS_ALGORITHM = ["br", "gzip"]
COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/csv",
    "text/plain",
]
COMPRESS_BR_LEVEL = 5
COMPRESS_STREAMS = False

SQLALCHEMY_ENGINE_OPTIONS: dict = {}
SQLALCHEMY_RECORD_QUERIES = False

WTF_CSRF_TIME_LIMIT = None

BOOTSTRAP_SERVE_LOCAL = True
BOOTSTRAP_BOOTSWATCH_THEME = None

#: Rows per page in long lists.
PAGE_SIZE = 25
#: How long an open month's report reuses its funnel (the case-by-case part) before
#: computing it again; money figures are always live. 0 computes it on every view.
REPORT_FUNNEL_CACHE_MINUTES = 15

#: Who signs BALIKAT certificates: set the name of the head of office in instance/config.py.
CERTIFICATE_SIGNATORY_NAME = "Kepala Dinas Koperasi dan UMKM"
CERTIFICATE_SIGNATORY_TITLE = "Kepala Dinas Koperasi dan Usaha Mikro, Kecil dan Menengah Kota Jambi"
#: Public address of this installation (``HARKAT_PUBLIC_BASE_URL``), used in QR codes and in
#: links shared by WhatsApp, e.g. ``https://harkat.jambikota.go.id``. Never taken from the
#: request's host. Empty: ``http://localhost:5000`` (development only; the app warns).
PUBLIC_BASE_URL = ""

#: Requests one API token may make per minute (counted in the database, across workers).
API_RATE_LIMIT_PER_MINUTE = 120

#: Who may read /metrics: these client addresses (after the proxy's X-Forwarded-For), or a
#: request with "Authorization: Bearer <METRICS_TOKEN>" (empty: no token accepted).
METRICS_ALLOWED_ADDRESSES = ["127.0.0.1", "::1"]
METRICS_TOKEN = ""
