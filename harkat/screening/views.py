"""Pages for debt screening: the form with debt rows, the result, the counseling sheet."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from harkat import downloads
from harkat.audit import services as audit
from harkat.auth.access import current_actor, public, roles
from harkat.auth.domain import Role
from harkat.auth.scope import can_edit_cases
from harkat.core import uploads
from harkat.core.enums import ConsentPurpose
from harkat.core.money import format_rupiah
from harkat.database import utcnow
from harkat.downloads import send_attachment
from harkat.errors import NotFound, StopValidation
from harkat.extensions import db
from harkat.forms import apply_errors
from harkat.idempotency import exactly_once
from harkat.registration import services as registration
from harkat.screening import documents, services, sharing
from harkat.screening.engine import (
    ILLEGAL_PAYOFF_GUIDANCE,
    Debt,
    Frequency,
    Household,
    LenderType,
    Outcome,
)
from harkat.screening.forms import ScreeningForm, TakeOverOverrideForm

#: What comes after a screening of each outcome, said in the success message.
NEXT_AFTER = {
    Outcome.HIJAU: "Berikutnya: buat rujukan ke bank dari halaman pelaku usaha.",
    Outcome.KUNING: "Berikutnya: buat rujukan dengan rencana pengambilalihan utang yang diusulkan.",
    Outcome.MERAH: "Berikutnya: konseling dan penyelesaian utang (unduh lembar konseling), "
    "lalu skrining ulang.",
}

bp = Blueprint("screening", __name__)

READERS = (Role.ADMIN, Role.FACILITATOR, Role.VIEWER, Role.BANK_OFFICER)
EDITORS = (Role.ADMIN, Role.FACILITATOR)


def _entrepreneur_or_404(entrepreneur_id: int):
    try:
        return registration.get_entrepreneur(db.session, entrepreneur_id, current_actor())
    except NotFound:
        abort(404)


def _screening_or_404(screening_id: int):
    try:
        return services.get_screening(db.session, screening_id, current_actor())
    except NotFound:
        abort(404)


def _int(value) -> int:
    return int(value) if value not in (None, "") else 0


def _debts(form: ScreeningForm) -> list[Debt]:
    """Debt rows the facilitator filled in (blank and removed rows are left out)."""
    debts = []
    for entry in form.debts.entries:
        row = entry.form
        if row.remove.data or not (
            row.lender_name.data or row.principal.data or row.instalment.data
        ):
            continue
        debts.append(
            Debt(
                lender_name=(row.lender_name.data or "").strip(),
                lender_type=LenderType(row.lender_type.data),
                principal=_int(row.principal.data),
                outstanding=_int(row.outstanding.data),
                instalment=_int(row.instalment.data),
                frequency=Frequency(row.frequency.data),
                instalments_total=_int(row.instalments_total.data),
                instalments_paid=_int(row.instalments_paid.data),
                days_past_due=_int(row.days_past_due.data),
                collectability=int(row.collectability.data) if row.collectability.data else None,
                intimidation=bool(row.intimidation.data),
                settled_bad_debt_months_ago=row.settled_bad_debt_months_ago.data,
                amount_repaid=row.amount_repaid.data,
            )
        )
    return debts


def _show_errors(form: ScreeningForm, error: StopValidation, kept_rows: list[int]) -> None:
    """Put reasons next to their fields; ``debts-<n>-field`` counts only the rows that were used."""
    for key, reasons in error.reasons.items():
        target = None
        if key and key.startswith("debts-"):
            _, row, name = key.split("-", 2)
            entry = form.debts.entries[kept_rows[int(row)]].form
            target = getattr(entry, name, None)
        elif key:
            target = getattr(form, key, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, *reasons]
        else:
            form.form_errors.extend(reasons)


def _prefill(previous) -> dict:
    """The last screening's household figures and debts, so a re-screening types only changes.

    The SLIK check and its file are not copied: a new screening needs a fresh check.
    """
    debts = [
        {
            "lender_name": d.lender_name,
            "lender_type": d.lender_type.value,
            "principal": d.principal,
            "outstanding": d.outstanding,
            "instalment": d.instalment,
            "frequency": d.frequency.value,
            "instalments_total": d.instalments_total,
            "instalments_paid": d.instalments_paid,
            "days_past_due": d.days_past_due,
            "collectability": str(d.collectability) if d.collectability else "",
            "licence_override": ("licensed" if d.is_licensed else "illegal")
            if d.licence_source == "manual"
            else "",
            "amount_repaid": d.amount_repaid,
            "intimidation": d.intimidation,
            "settled_bad_debt_months_ago": d.settled_bad_debt_months_ago,
        }
        for d in sorted(previous.debts, key=lambda d: d.position)
    ]
    return {
        "household_income": previous.household_income,
        "business_income": previous.business_income,
        "household_expenses": previous.household_expenses,
        "proposed_instalment": previous.proposed_instalment,
        # One empty row after the copied ones, for a new debt.
        "debts": [*debts, {}],
    }


@bp.route("/pelaku-usaha/<int:entrepreneur_id>/skrining/baru", methods=["GET", "POST"])
@roles(*EDITORS)
@exactly_once
def create(entrepreneur_id: int):
    """The screening form: the household's money, any number of debts, the SLIK check."""
    entrepreneur = _entrepreneur_or_404(entrepreneur_id)
    previous = None
    if request.method == "GET":
        earlier = services.history(db.session, entrepreneur.id)
        previous = earlier[-1] if earlier else None
    form = ScreeningForm(data=_prefill(previous)) if previous else ScreeningForm()
    if form.is_submitted() and form.add_row.data:
        form.debts.append_entry()
    elif form.validate_on_submit():
        kept = [
            index
            for index, entry in enumerate(form.debts.entries)
            if not entry.form.remove.data
            and (
                entry.form.lender_name.data
                or entry.form.principal.data
                or entry.form.instalment.data
            )
        ]
        upload = form.slik_file.data
        data = services.ScreeningInput(
            household=Household(
                household_income=_int(form.household_income.data),
                business_income=_int(form.business_income.data),
                household_expenses=_int(form.household_expenses.data),
            ),
            debts=_debts(form),
            proposed_instalment=_int(form.proposed_instalment.data),
            slik_worst_collectability=int(form.slik_worst_collectability.data)
            if form.slik_worst_collectability.data
            else None,
            slik_checked_on=form.slik_checked_on.data,
            slik_file=upload.read() if upload else None,
            licence_overrides={
                position: form.debts.entries[index].form.licence_override.data
                for position, index in enumerate(kept)
                if form.debts.entries[index].form.licence_override.data
            },
        )
        try:
            screening = services.run_screening(
                db.session,
                entrepreneur,
                data,
                current_actor(),
                upload_dir=current_app.config["UPLOAD_DIR"],
                max_upload_bytes=current_app.config["MAX_UPLOAD_BYTES"],
            )
        except StopValidation as error:
            db.session.rollback()
            _show_errors(form, error, kept)
        else:
            db.session.commit()
            flash(
                f"Skrining disimpan: {screening.outcome.label}. {NEXT_AFTER[screening.outcome]}",
                "success",
            )
            return redirect(url_for("screening.show", screening_id=screening.id))
    return render_template("screening/form.html", form=form, e=entrepreneur, previous=previous)


@bp.get("/skrining/<int:screening_id>")
@roles(*READERS)
def show(screening_id: int):
    """The result: outcome with reasons, each debt's real cost, DSR and the take-over plan."""
    screening = _screening_or_404(screening_id)
    audit.record_now(db.engine, "view", entity=screening)
    return _show(screening)


def _show(screening, override_form=None, override_debt_id=None, status=200):
    pathway_title, steps = documents.pathway(screening)
    return (
        render_template(
            "screening/show.html",
            s=screening,
            e=screening.entrepreneur,
            pathway_title=pathway_title,
            steps=steps,
            history=services.history(db.session, screening.entrepreneur_id),
            can_edit=can_edit_cases(current_actor()),
            wa_consent=registration.has_consent(screening.entrepreneur, ConsentPurpose.WHATSAPP),
            share_token=sharing.share_token(screening, current_app.secret_key),
            share_days=sharing.link_days(db.session),
            can_override=current_actor().role == Role.ADMIN,
            override_forms={
                d.id: override_form
                if d.id == override_debt_id
                else TakeOverOverrideForm(formdata=None, prefix=f"utang{d.id}", amount=d.payoff)
                for d in screening.debts
            },
            override_debt_id=override_debt_id,
            help_lines=documents.HELP_LINES,
            high_cost_rule=documents.high_cost_rule(screening),
            savings=documents.savings_text(screening),
            guidance=ILLEGAL_PAYOFF_GUIDANCE,
        ),
        status,
    )


@bp.post("/skrining/utang/<int:debt_id>/pelunasan")
@roles(Role.ADMIN)
def override_take_over(debt_id: int):
    """An admin sets what a take-over pays one lender, with a reason (audited)."""
    try:
        debt = services.get_screening_debt(db.session, debt_id, current_actor())
    except NotFound:
        abort(404)
    form = TakeOverOverrideForm(prefix=f"utang{debt.id}")
    if form.validate_on_submit():
        try:
            services.override_take_over(
                db.session, debt, form.amount.data, form.reason.data or "", current_actor()
            )
        except StopValidation as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(
                f"Pelunasan {debt.lender_name} ditetapkan {format_rupiah(debt.payoff)}.",
                "success",
            )
            return redirect(url_for("screening.show", screening_id=debt.screening_id))
    return _show(debt.screening, form, debt.id, 400)


@bp.get("/skrining/<int:screening_id>/konseling.pdf")
@roles(*EDITORS)
def counseling_sheet(screening_id: int):
    """The counseling sheet to print and give the entrepreneur."""
    screening = _screening_or_404(screening_id)
    return send_attachment(
        documents.counseling_pdf(screening, utcnow()),
        f"konseling-{screening.entrepreneur.registration_number}-{screening.id}.pdf",
        downloads.PDF,
        entity=screening,
        changes={"file": "lembar konseling"},
    )


#: What the entrepreneur reads when a shared link no longer opens, and its status code.
SHARE_PROBLEMS = {
    "expired": (
        410,
        "Tautan ini sudah kedaluwarsa. Minta pendamping Anda mengirim tautan yang baru.",
    ),
    "withdrawn": (
        410,
        "Tautan ini tidak berlaku lagi karena persetujuan komunikasi lewat WhatsApp telah "
        "dicabut. Hubungi pendamping Anda untuk mendapatkan lembar konseling.",
    ),
    "invalid": (404, "Tautan ini tidak dikenal. Periksa kembali tautan yang Anda terima."),
}


def _shared_sheet(token: str):
    shared = sharing.open_token(db.session, token, current_app.secret_key)
    if shared.screening is None:
        status, message = SHARE_PROBLEMS[shared.problem]
        response = current_app.make_response(
            (render_template("screening/shared.html", shared=None, message=message), status)
        )
    else:
        response = None
    return shared, response


def _private(response):
    # The sheet holds one person's debts: no search engine, no shared cache.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/lembar-konseling/<token>")
@public
def shared_sheet(token: str):
    """What the entrepreneur opens from WhatsApp: what the sheet is, until when, and the PDF."""
    shared, refused = _shared_sheet(token)
    if refused is not None:
        return _private(refused)
    screening = shared.screening
    return _private(
        current_app.make_response(
            render_template(
                "screening/shared.html",
                shared=shared,
                s=screening,
                token=token,
                first_name=screening.entrepreneur.full_name.split()[0],
            )
        )
    )


@bp.get("/lembar-konseling/<token>/unduh.pdf")
@public
def shared_sheet_pdf(token: str):
    """The counseling sheet itself, for the holder of a shared link that still opens."""
    shared, refused = _shared_sheet(token)
    if refused is not None:
        return _private(refused)
    screening = shared.screening
    return _private(
        send_attachment(
            documents.counseling_pdf(screening, utcnow()),
            f"lembar-konseling-{screening.screened_on.isoformat()}.pdf",
            downloads.PDF,
            entity=screening,
            changes={"file": "lembar konseling (tautan WhatsApp)"},
        )
    )


@bp.get("/skrining/<int:screening_id>/slik")
@roles(*EDITORS)
def slik_file(screening_id: int):
    """The uploaded SLIK printout, only for those who may work on the case."""
    screening = _screening_or_404(screening_id)
    if not screening.slik_file_path:
        abort(404)
    path = uploads.stored_file(
        current_app.config["UPLOAD_DIR"], services.SLIK_FOLDER, screening.slik_file_path
    )
    if path is None:
        abort(404)
    audit.record_now(db.engine, "download", entity=screening, changes={"file": "SLIK"})
    extension = path.suffix
    response = send_file(
        path,
        mimetype=screening.slik_file_mime,
        as_attachment=True,
        download_name=f"slik-{screening.entrepreneur.registration_number}{extension}",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
