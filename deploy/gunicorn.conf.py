"""gunicorn settings for HARKAT behind a reverse proxy (see README, "Deploying on PostgreSQL").

Start with: gunicorn -c deploy/gunicorn.conf.py 'harkat:create_app()'
"""

import multiprocessing
import os
import shutil
import tempfile

import gunicorn.http.wsgi

bind = os.environ.get("HARKAT_BIND", "127.0.0.1:8000")
# Two workers per core plus one; HARKAT keeps nothing a worker needs in process memory.
workers = int(os.environ.get("HARKAT_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = 2
# Report PDFs and imports can take a few seconds; anything longer is stuck.
timeout = 60
graceful_timeout = 30
# No max_requests: recycling a worker resets the keep-alive connections of clients in the
# middle of their next request (the load test saw it). A worker stays near 190 MB at 100k cases.
keepalive = 5
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
# One JSON line per request (request id, route — never the query string —, status, duration,
# user or token, client address) and gunicorn's own messages as JSON (harkat/serving.py).
logger_class = "harkat.serving.AccessLogger"

# No "Server: gunicorn" banner telling a probe which server and version answers.
gunicorn.http.wsgi.SERVER = "HARKAT"

# Metrics: every worker counts its own requests in files under this folder and /metrics adds
# them up (prometheus-client's multi-process mode). Emptied at each start.
metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"harkat-metrics-{os.getpid()}")
)


def on_starting(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
