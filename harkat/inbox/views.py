"""The inbox page: facilitators see news of their people, admins see exemption requests."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from harkat.auth.access import current_actor, roles
from harkat.auth.domain import Role
from harkat.errors import NotFound, StopValidation
from harkat.extensions import db
from harkat.forms import Form
from harkat.inbox import services
from harkat.inbox.models import ItemKind
from harkat.referrals import services as referrals
from harkat.referrals.forms import ExemptionForm
from harkat.referrals.gates import Gate

bp = Blueprint("inbox", __name__)


@bp.app_context_processor
def inject_inbox_count():
    """The number beside "Kotak masuk" in the navigation (facilitators and admins only)."""

    def inbox_count() -> int:
        user = current_actor()
        if user is None or not getattr(user, "is_authenticated", False):
            return 0
        if user.role not in (Role.ADMIN, Role.FACILITATOR):
            return 0
        return services.open_count(db.session, user)

    return {"inbox_count": inbox_count}


def _flash_problems(error: StopValidation) -> None:
    for reasons in error.reasons.values():
        for reason in reasons:
            flash(reason, "danger")


@bp.get("/kotak-masuk")
@roles(Role.ADMIN, Role.FACILITATOR)
def index():
    """What waits for the user, newest first (facilitators) or oldest first (admin requests)."""
    user = current_actor()
    show_done = request.args.get("semua") == "1"
    return render_template(
        "inbox/index.html",
        items=services.facilitator_items(db.session, user, show_done=show_done)
        if user.role == Role.FACILITATOR
        else [],
        requests=services.pending_requests(db.session) if user.role == Role.ADMIN else [],
        shows_news=user.role == Role.FACILITATOR,
        show_done=show_done,
        page_size=services.PAGE_SIZE,
        button_form=Form(formdata=None),
        ItemKind=ItemKind,
        Gate=Gate,
    )


@bp.post("/kotak-masuk/tandai")
@roles(Role.FACILITATOR)
def mark():
    """Mark one item done (or open again) for this user; others' marks are their own."""
    if not Form().validate_on_submit():
        abort(400)
    try:
        kind = ItemKind(request.form.get("kind", ""))
        item_id = int(request.form.get("item_id", ""))
    except ValueError:
        abort(404)
    done = request.form.get("done") != "0"
    try:
        services.mark_done(db.session, current_actor(), kind, item_id, done)
    except NotFound:
        abort(404)
    db.session.commit()
    flash(
        "Ditandai selesai; item pindah ke daftar yang sudah ditangani."
        if done
        else "Item dibuka lagi.",
        "success",
    )
    return redirect(url_for("inbox.index", semua="1" if not done else None))


@bp.post("/rujukan/<int:referral_id>/minta-pengecualian")
@roles(Role.FACILITATOR)
def request_exemption(referral_id: int):
    """A facilitator asks an admin to waive a gate (training or documents) with a reason."""
    try:
        referral = referrals.get_referral(db.session, referral_id, current_actor())
    except NotFound:
        abort(404)
    form = ExemptionForm()
    back = url_for("referrals.detail", referral_id=referral.id) + "#syarat"
    if not form.validate_on_submit():
        if form.gate.errors:
            flash("Syarat: hanya pelatihan dan dokumen yang dapat dikecualikan.", "danger")
        if form.reason.errors:
            flash("Alasan: tuliskan alasannya (minimal 10 huruf).", "danger")
        return redirect(back)
    try:
        services.request_exemption(
            db.session, referral, Gate(form.gate.data), form.reason.data, current_actor()
        )
        db.session.commit()
    except StopValidation as error:
        db.session.rollback()
        _flash_problems(error)
        return redirect(back)
    flash(
        f"Permintaan pengecualian “{Gate(form.gate.data).label}” dikirim ke admin. Berikutnya: "
        "admin memutuskan; hasilnya tampil di daftar periksa rujukan ini.",
        "success",
    )
    return redirect(back)


@bp.post("/kotak-masuk/pengecualian/<int:request_id>")
@roles(Role.ADMIN)
def decide(request_id: int):
    """The admin grants a request (recorded as a gate exemption) or declines it with a note."""
    if not Form().validate_on_submit():
        abort(400)
    try:
        exemption_request = services.get_request(db.session, request_id)
    except NotFound:
        abort(404)
    grant = request.form.get("decision") == "grant"
    try:
        services.decide_request(
            db.session, exemption_request, grant, request.form.get("note", ""), current_actor()
        )
        db.session.commit()
    except StopValidation as error:
        db.session.rollback()
        _flash_problems(error)
        return redirect(url_for("inbox.index"))
    gate = Gate(exemption_request.gate).label
    flash(
        f"Pengecualian “{gate}” dikabulkan; daftar periksa rujukan kini menerimanya. Pendamping "
        "dapat mengajukan rujukan bila syarat lain terpenuhi."
        if grant
        else f"Permintaan pengecualian “{gate}” ditolak; pendamping melihat catatan Anda.",
        "success",
    )
    return redirect(url_for("inbox.index"))
