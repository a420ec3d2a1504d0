"""Example instance configuration for HARKAT.

Copy to ``instance/config.py`` (git-ignored) and uncomment what you need. Every value can also
be given as an environment variable prefixed with ``HARKAT_`` (``HARKAT_DATABASE_URL`` …), which
wins over this file. Defaults live in ``harkat/config.py``.
"""

# from datetime import timedelta

# Database. Empty: the embedded SQLite file instance/harkat.sqlite3.
# Production: PostgreSQL through psycopg 3 (postgresql:// is rewritten to postgresql+psycopg://).
# DATABASE_URL = "postgresql://harkat:secret@127.0.0.1:5432/harkat"

# Signs sessions and CSRF tokens. Empty: generated once into instance/secret_key (mode 600).
# Every worker of one deployment must share the same key.
# SECRET_KEY = "…64 random hex characters…"

# Where uploaded documents and photos are stored. Empty: instance/uploads.
# UPLOAD_DIR = "/srv/harkat/uploads"
# MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# Sign-in sessions end after this much inactivity (environment: minutes as a number).
# IDLE_TIMEOUT = timedelta(minutes=30)
# ... and this long after signing in, however active (environment: minutes, 720 = 12 hours).
# SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)

# Throttling of failed sign-ins, kept in the database so it holds across workers.
# LOGIN_MAX_FAILURES_PER_USER = 5
# LOGIN_MAX_FAILURES_PER_ADDRESS = 20
# LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)

# Behind a reverse proxy that terminates HTTPS, trust this many X-Forwarded-* hops so client
# addresses (throttling, audit) and the Secure cookie flag are right.
# PROXY_COUNT = 1
# SESSION_COOKIE_SECURE = True

# Rows per page in long lists.
# PAGE_SIZE = 25

# Minutes an open month's report reuses its funnel (money is always live); 0 = always recompute.
# REPORT_FUNNEL_CACHE_MINUTES = 15

# Who signs BALIKAT certificates, and the public address printed in their QR codes.
# CERTIFICATE_SIGNATORY_NAME = "Dr. H. Nama Kepala Dinas, S.E., M.M."
# CERTIFICATE_SIGNATORY_TITLE = "Kepala Dinas Koperasi dan UMKM Kota Jambi"
# PUBLIC_BASE_URL = "https://harkat.jambikota.go.id"
