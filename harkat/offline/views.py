"""Field work with no signal: the installable app (manifest, service worker), the form shells a
phone keeps for offline use, the facilitator's own people kept on the device, and the outbox page.

Nothing here stores anything: filled forms wait in the phone's outbox (IndexedDB) and are sent to
the ordinary pages, which accept each one exactly once (:mod:`harkat.idempotency`). The shells and
the service worker's cache hold no personal data; the people list is fetched as JSON, kept only
in IndexedDB, and cleared on sign-out.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, make_response, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from harkat.auth.access import current_actor, public, roles
from harkat.auth.domain import Role
from harkat.auth.scope import kecamatan_scope
from harkat.core.dates import JAKARTA
from harkat.core.nik import mask_nik
from harkat.extensions import db
from harkat.reference.models import Kelurahan
from harkat.registration.forms import BusinessForm, EntrepreneurForm, kelurahan_choices
from harkat.registration.models import Entrepreneur
from harkat.screening.forms import ScreeningForm
from harkat.training.domain import AttendanceStatus, CohortStatus
from harkat.training.models import Cohort, CohortSession

bp = Blueprint("offline", __name__)

EDITORS = (Role.ADMIN, Role.FACILITATOR)
#: The most people a phone keeps: a facilitator's own, most recently changed first.
PEOPLE_ON_DEVICE = 3000
#: Debt rows an offline screening form starts with (more can be added on the phone).
OFFLINE_DEBT_ROWS = 2


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest: HARKAT installs like an app, in Indonesian, opening at home."""
    body = {
        "name": "HARKAT Kota Jambi",
        "short_name": "HARKAT",
        "description": "Pendampingan pelaku usaha BANK HARKAT dan BALIKAT",
        "lang": "id",
        "dir": "ltr",
        "start_url": url_for("main.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f8f9fa",
        "theme_color": "#1b5e3b",
        "icons": [
            {
                "src": url_for("static", filename=f"icons/harkat-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = make_response(jsonify(body))
    response.mimetype = "application/manifest+json"
    return response


#: Pages a phone keeps for use without a connection (none holds personal data).
SHELLS = ("offline.page", "offline.outbox", "offline.register", "offline.screening",
          "offline.attendance")  # fmt: skip
#: Static files those pages need.
SHELL_STATIC = ("harkat.css", "offline.js", "outbox.js", "vendor/idb.umd.js", "favicon.svg")


@bp.get("/sw.js")
@public
def service_worker():
    """The service worker, rendered with this release's URLs so a new release replaces it."""
    shell = [url_for(endpoint) for endpoint in SHELLS]
    static = [url_for("static", filename=name) for name in SHELL_STATIC]
    body = render_template(
        "offline/sw.js",
        shell=shell,
        static=static,
        offline_page=url_for("offline.page"),
        idb_url=url_for("static", filename="vendor/idb.umd.js"),
        outbox_url=url_for("static", filename="outbox.js"),
        version=_release(),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    return _no_store(response)


@bp.get("/luring")
@public
def page():
    """What a phone shows for a page it does not have while there is no connection."""
    return render_template("offline/page.html")


@bp.get("/luring/kotak-keluar")
@public
def outbox():
    """The forms filled on this phone and not yet accepted, with each one's result."""
    return render_template("offline/outbox.html")


@bp.get("/luring/pendaftaran")
@roles(*EDITORS)
def register():
    """Register an entrepreneur (and their business) with or without a connection."""
    form = EntrepreneurForm(formdata=None)
    form.kelurahan_code.choices = kelurahan_choices(_kelurahan_rows())
    business = BusinessForm(formdata=None, prefix="usaha")
    return render_template("offline/register.html", form=form, business=business)


@bp.get("/luring/skrining")
@roles(*EDITORS)
def screening():
    """Screen the debts of someone on the device; the person is chosen on the phone."""
    form = ScreeningForm(formdata=None)
    while len(form.debts.entries) < OFFLINE_DEBT_ROWS:
        form.debts.append_entry()
    return render_template("offline/screening.html", form=form)


@bp.get("/luring/presensi")
@roles(*EDITORS)
def attendance():
    """Take attendance of a session opened on this phone before; drawn from the device."""
    return render_template("offline/attendance.html", statuses=list(AttendanceStatus))


@bp.get("/luring/token.json")
@public
def token():
    """Who is signed in, with a fresh form token: what the outbox needs before it sends.

    Signed out (or not a field worker), it says so without starting a session, so a phone's
    outbox checking in the background never disturbs the sign-in form open on the same phone.
    """
    if not current_user.is_authenticated or current_user.role not in EDITORS:
        return _no_store(jsonify(status="signed_out"))
    return _no_store(jsonify(status="ok", account=current_user.id, csrf_token=generate_csrf()))


@bp.get("/luring/data.json")
@roles(*EDITORS)
def data():
    """What the phone keeps for reading offline: the facilitator's own people (masked NIK) and
    today's sessions of their cohorts, with the account and a fresh form token for the outbox."""
    user = current_actor()
    people = db.session.execute(
        sa.select(
            Entrepreneur.id,
            Entrepreneur.full_name,
            Entrepreneur.nik,
            Entrepreneur.stage,
            Kelurahan.name,
        )
        .join(Kelurahan, Kelurahan.code == Entrepreneur.kelurahan_code)
        .where(kecamatan_scope(user, Entrepreneur.kecamatan_code))
        .where(Entrepreneur.facilitator_id == user.id if user.role == Role.FACILITATOR else True)
        .order_by(Entrepreneur.updated_at.desc(), Entrepreneur.id.desc())
        .limit(PEOPLE_ON_DEVICE)
    ).all()
    today = datetime.now(JAKARTA).date()
    sessions = db.session.execute(
        sa.select(CohortSession.id, CohortSession.topic, Cohort.id, Cohort.name)
        .join(Cohort, Cohort.id == CohortSession.cohort_id)
        .where(
            CohortSession.held_on == today,
            Cohort.status != CohortStatus.CLOSED,
            kecamatan_scope(user, Cohort.kecamatan_code),
        )
        .order_by(CohortSession.starts_at, CohortSession.id)
        .limit(50)
    ).all()
    response = jsonify(
        account=user.id,
        csrf_token=generate_csrf(),
        people=[
            {
                "id": id_,
                "name": name,
                "nik": mask_nik(nik),
                "kelurahan": kelurahan,
                "stage": stage.label,
                "screening_url": url_for("screening.create", entrepreneur_id=id_),
            }
            for id_, name, nik, stage, kelurahan in people
        ],
        sessions=[
            {
                "id": session_id,
                "topic": topic,
                "cohort": cohort_name,
                "url": url_for("training.attendance", cohort_id=cohort_id, session_id=session_id),
            }
            for session_id, topic, cohort_id, cohort_name in sessions
        ],
        limited=len(people) == PEOPLE_ON_DEVICE,
    )
    return _no_store(response)


def _release() -> str:
    """A short fingerprint of the files the phone keeps: a new release replaces its cache."""
    digest = hashlib.sha256()
    static = Path(current_app.static_folder)
    for name in SHELL_STATIC:
        path = static / name
        digest.update(path.read_bytes() if path.exists() else name.encode())
    for path in sorted((Path(current_app.template_folder) / "offline").iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _kelurahan_rows():
    from harkat.registration.views import _kelurahan_rows as rows

    return rows(current_actor())
