"""HARKAT: case management for BANK HARKAT financing and BALIKAT training, Kota Jambi."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

# Flask, SQLAlchemy and the features are imported inside the functions below, never here:
# ``import harkat.core.money`` (or any pure rule) runs this file first and must stay light.


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application.

    Configuration, lowest precedence first: ``harkat.config``, ``instance/config.py``,
    ``HARKAT_*`` environment variables, then ``test_config``.
    """
    from flask import Flask

    app = Flask(
        __name__,
        instance_path=(test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("HARKAT_INSTANCE_PATH")
        or None,
        instance_relative_config=True,
        template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
    )
    configure(app, test_config)
    register_extensions(app)
    register_static_files(app)
    register_models()
    register_blueprints(app)
    register_logging(app)
    register_security(app)
    register_templating(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from harkat.routing import RecordId

    app.url_map.converters["int"] = RecordId
    app.config.from_object("harkat.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("HARKAT")
    if test_config:
        app.config.from_mapping(test_config)

    for key in ("IDLE_TIMEOUT", "SESSION_ABSOLUTE_TIMEOUT", "LOGIN_THROTTLE_WINDOW"):
        # From the environment these arrive as a number of minutes.
        if isinstance(app.config[key], int | float):
            app.config[key] = timedelta(minutes=app.config[key])

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(instance / "secret_key")
    app.config["UPLOAD_DIR"] = app.config["UPLOAD_DIR"] or str(instance / "uploads")
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"] + 64 * 1024
    url = app.config["DATABASE_URL"] or f"sqlite:///{instance / 'harkat.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(url)
    # Never write bound values (NIKs, names, amounts) into logs when a statement fails.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True,
        # A connection dropped while the database restarted is replaced, not handed out.
        "pool_pre_ping": True,
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    if not app.config["PUBLIC_BASE_URL"] and not app.testing:
        app.logger.warning(
            "HARKAT_PUBLIC_BASE_URL belum diatur: kode QR dan tautan yang dibagikan lewat "
            "WhatsApp memakai http://localhost:5000, yang tidak dapat dibuka orang lain."
        )
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        # The client's address and scheme come from the proxy; the host does not, unless the
        # deployment says its proxy sets it: every link that leaves the app is built from
        # PUBLIC_BASE_URL, and a forged X-Forwarded-Host must not become the request's host.
        host = count if app.config["PROXY_TRUST_HOST"] else 0
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=host)


def database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret_key(path: Path) -> str:
    """Read the key kept in the instance folder, creating it (readable by owner only) once."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


def register_extensions(app: Flask) -> None:
    from harkat.extensions import compress, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)


def register_static_files(app: Flask) -> None:
    from harkat.static_files import init_static_files

    init_static_files(app)


def register_models() -> None:
    """Import every model module so metadata and audit listeners are complete."""
    import harkat.api.models
    import harkat.audit.models
    import harkat.audit.services
    import harkat.auth.models
    import harkat.cases.models
    import harkat.idempotency
    import harkat.inbox.models
    import harkat.incubation.models
    import harkat.reference.models
    import harkat.referrals.models
    import harkat.registration.models
    import harkat.reports.models
    import harkat.screening.models
    import harkat.screening.registry
    import harkat.settings.models
    import harkat.training.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from harkat.admin.views import bp as admin_bp
    from harkat.audit.views import bp as audit_bp
    from harkat.auth.views import bp as auth_bp
    from harkat.inbox.views import bp as inbox_bp
    from harkat.incubation.views import bp as incubation_bp
    from harkat.main.views import bp as main_bp
    from harkat.offline.views import bp as offline_bp
    from harkat.referrals.views import bp as referrals_bp
    from harkat.registration.views import bp as registration_bp
    from harkat.reports.views import bp as reports_bp
    from harkat.screening.registry_views import bp as lenders_bp
    from harkat.screening.views import bp as screening_bp
    from harkat.settings.views import bp as settings_bp
    from harkat.training.certificate_views import bp as certificates_bp
    from harkat.training.certificate_views import reports_bp as training_reports_bp
    from harkat.training.views import bp as training_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(incubation_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(training_reports_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(screening_bp)
    app.register_blueprint(lenders_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(offline_bp)

    from harkat.api.core import API_PREFIX, api
    from harkat.api.docs import bp as api_docs_bp
    from harkat.api.views import BLUEPRINTS

    app.config.setdefault("API_TITLE", "HARKAT API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "API HARKAT Kota Jambi untuk sistem bank mitra dan dasbor kota. "
                "Masuk dengan header `Authorization: Bearer <token>`."
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api.init_app(app)
    from harkat.extensions import csrf

    for blueprint in BLUEPRINTS:
        # Bearer tokens, not cookies, authenticate the API: there is no session to forge.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(api_docs_bp)


def register_logging(app: Flask) -> None:
    from harkat.logs import configure_logging
    from harkat.metrics import init_metrics

    configure_logging(app)
    init_metrics(app)


def register_security(app: Flask) -> None:
    from harkat.auth.access import enforce_access
    from harkat.auth.login import configure_login
    from harkat.security import HarkatRequest, TLSAwareSessionInterface, set_security_headers
    from harkat.serving import install_log_masking

    install_log_masking()
    configure_login(app)
    app.session_interface = TLSAwareSessionInterface()
    app.request_class = HarkatRequest
    app.before_request(enforce_access)
    app.after_request(set_security_headers)
    from harkat.audit.denials import init_denials

    init_denials(app)


def register_templating(app: Flask) -> None:
    from harkat.templating import init_templating

    init_templating(app)


def register_errorhandlers(app: Flask) -> None:
    from harkat.main.errors import init_errorhandlers

    init_errorhandlers(app)


def register_commands(app: Flask) -> None:
    from harkat.api.cli import tokens_cli
    from harkat.auth.cli import users_cli
    from harkat.backup.cli import backup_cli
    from harkat.demo.cli import demo_cli
    from harkat.ops.check import check_command
    from harkat.reference.cli import seed_cli
    from harkat.registration.cli import import_cli
    from harkat.reports.cli import report_cli
    from harkat.static_files import static_cli

    app.cli.add_command(report_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(static_cli)
    app.cli.add_command(check_command)

    from flask_migrate.cli import db as db_cli

    from harkat.database_roles import grant_app_role

    # ``flask db grant-app-role``: beside ``flask db upgrade``, which runs as the owner role.
    db_cli.add_command(grant_app_role)
