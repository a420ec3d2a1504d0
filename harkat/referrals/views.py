"""Referral pages: the calculator, drafting with the live checklist, documents, the bank's
desk and its actions, the packet PDF, loans and monthly repayment reports."""

from __future__ import annotations

import io
from decimal import Decimal

import sqlalchemy as sa
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
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge

from harkat import downloads
from harkat.audit import services as audit
from harkat.auth.access import current_actor, public, roles
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core import uploads
from harkat.core.dates import to_local
from harkat.core.enums import ApplicantType, ConsentPurpose, LoanMethod
from harkat.core.money import format_rupiah
from harkat.database import lean_paginate, utcnow
from harkat.downloads import send_attachment
from harkat.errors import NotFound, StaleObjectError, StopValidation
from harkat.extensions import csrf, db
from harkat.forms import apply_errors, choices, record_id, save_form, version_of
from harkat.inbox import services as inbox
from harkat.links import public_url
from harkat.reference.models import Bank, Kecamatan, Scheme
from harkat.referrals import packet as packets
from harkat.referrals import services
from harkat.referrals.drift import ScreeningSummary, screening_drift
from harkat.referrals.forms import (
    MAX_UPLOAD_ROWS,
    ActionForm,
    CalculatorForm,
    DisbursementForm,
    DocumentBatchForm,
    ExemptionForm,
    LoanImportForm,
    LoanReportForm,
    MessageForm,
    ReferralForm,
    RejectionReasonForm,
    RemoveDocumentForm,
    ReuseDocumentsForm,
)
from harkat.referrals.gates import (
    DocumentKind,
    Gate,
    dsr_limit_of,
    gates_from_snapshot,
    member_dsr,
)
from harkat.referrals.loans import LoanInputError, schedule
from harkat.referrals.models import (
    COLLECTABILITY_LABELS,
    Loan,
    LoanPurpose,
    Referral,
    RejectionReason,
)
from harkat.referrals.transitions import (
    CONFIRMED_ACTIONS,
    CONSEQUENCES,
    NEXT_STEPS,
    WAITING_FOR_BANK,
    Action,
    ReferralStatus,
    available_actions,
)
from harkat.registration import services as registration
from harkat.screening.engine import format_rate_percent, format_ratio_percent

bp = Blueprint("referrals", __name__)

EVERYONE = (Role.ADMIN, Role.FACILITATOR, Role.VIEWER, Role.BANK_OFFICER)
EDITORS = (Role.ADMIN, Role.FACILITATOR)
CASE_WORKERS = (Role.ADMIN, Role.FACILITATOR, Role.BANK_OFFICER)


@bp.app_context_processor
def inject_notifications():
    """Counts for the navigation: info requests (facilitators), new submissions (banks)."""

    def referral_notifications() -> int:
        user = current_actor()
        if user is None or not getattr(user, "is_authenticated", False):
            return 0
        return sum(services.notification_counts(db.session, user).values())

    return {"referral_notifications": referral_notifications}


# --------------------------------------------------------------------------- calculator


@bp.get("/kalkulator-pinjaman")
@roles(*EVERYONE)
def calculator():
    """Schedule, totals, effective rate and amount in words; anuitas and flat side by side."""
    form = CalculatorForm(request.args if request.args else None)
    result = comparison = None
    valid = bool(request.args) and form.validate()
    if valid and form.start_on.data and not 2000 <= form.start_on.data.year <= 2100:
        form.start_on.errors.append("Tanggal pencairan harus antara tahun 2000 dan 2100.")
        valid = False
    if valid:
        method = LoanMethod(form.method.data)
        other = LoanMethod.FLAT if method == LoanMethod.ANUITAS else LoanMethod.ANUITAS
        try:
            result = schedule(
                form.principal.data,
                form.annual_rate.data,
                form.months.data,
                method,
                form.start_on.data,
            )
            comparison = schedule(
                form.principal.data, form.annual_rate.data, form.months.data, other
            )
        except LoanInputError as error:
            getattr(form, error.field).errors.append(str(error))
            result = comparison = None
    schemes = db.session.scalars(sa.select(Scheme).where(Scheme.is_active).order_by(Scheme.name))
    return render_template(
        "referrals/calculator.html",
        form=form,
        result=result,
        comparison=comparison,
        schemes=schemes.all(),
    )


# --------------------------------------------------------------------------- helpers


def _referral_or_404(referral_id: int) -> Referral:
    try:
        return services.get_referral(db.session, referral_id, current_actor())
    except NotFound:
        abort(404)


def _flash_problems(error: StopValidation) -> None:
    for reasons in error.reasons.values():
        for reason in reasons:
            flash(reason, "danger")


def _back(referral: Referral, anchor: str = ""):
    url = url_for("referrals.detail", referral_id=referral.id)
    return redirect(f"{url}#{anchor}" if anchor else url)


def verify_url(token: str) -> str:
    """The address the packet's QR code carries, on the configured public host."""
    return public_url("referrals.verify", token=token)


def _scheme_choices(applicant_type: ApplicantType) -> list[tuple[str, str]]:
    schemes = db.session.scalars(
        sa.select(Scheme)
        .where(Scheme.is_active, Scheme.applicant_type == applicant_type)
        .order_by(Scheme.name)
    )
    return [
        (
            str(s.id),
            f"{s.name} · {s.annual_rate_percent.normalize():f}% · "
            f"{s.min_tenor_months}–{s.max_tenor_months} bln",
        )
        for s in schemes
    ]


def _bank_choices() -> list[tuple[str, str]]:
    banks = db.session.scalars(sa.select(Bank).where(Bank.is_active).order_by(Bank.name))
    return [(str(b.id), b.name) for b in banks]


def _candidates(people) -> list[tuple]:
    """Debts in each person's valid screening that a loan could take over."""
    from harkat.screening.services import latest_valid

    out = []
    for person in people:
        screening = latest_valid(db.session, person.id)
        if screening is None:
            continue
        for debt in screening.debts:
            if debt.outstanding > 0:
                out.append((person, screening, debt))
    return out


def _prepare_form(form: ReferralForm, applicant_type: ApplicantType, candidates) -> None:
    form.scheme_id.choices = choices(_scheme_choices(applicant_type))
    form.bank_id.choices = choices(_bank_choices())
    form.take_overs.choices = choices(
        (
            str(debt.id),
            f"{person.full_name}: {debt.lender_name} ({debt.lender_type.label}), "
            f"sisa {format_rupiah(debt.outstanding)}"
            + (
                f", dilunasi {format_rupiah(debt.payoff)} (pokok dikurangi yang sudah dibayar)"
                if debt.payoff != debt.outstanding
                else ""
            ),
        )
        for person, _, debt in candidates
    )


def _data_from_form(form: ReferralForm, applicant_type: ApplicantType) -> services.ReferralData:
    members = []
    for entry in form.members.entries:
        try:
            entrepreneur_id = record_id(entry.form.entrepreneur_id.data)
        except ValueError:
            continue
        members.append(
            services.MemberLine(entrepreneur_id, entry.form.amount.data, entry.form.purpose.data)
        )
    debt_ids = []
    for value in form.take_overs.data or []:
        try:
            debt_ids.append(record_id(value))
        except ValueError:
            continue
    return services.ReferralData(
        applicant_type=applicant_type,
        scheme_id=int(form.scheme_id.data) if str(form.scheme_id.data).isdigit() else None,
        bank_id=int(form.bank_id.data) if str(form.bank_id.data).isdigit() else None,
        purpose=LoanPurpose(form.purpose.data) if form.purpose.data in set(LoanPurpose) else None,
        tenor_months=form.tenor_months.data,
        members=members,
        purpose_note=form.purpose_note.data or "",
        take_over_debt_ids=debt_ids,
    )


def _show_member_errors(form: ReferralForm, error: StopValidation) -> None:
    for key, reasons in list(error.reasons.items()):
        if key and key.startswith("members-"):
            index = int(key.split("-")[1])
            if index < len(form.members.entries):
                target = form.members.entries[index].form.amount
                target.errors = [*target.errors, *reasons]
                del error.reasons[key]
    apply_errors(form, error)


# --------------------------------------------------------------------------- drafting


@bp.route("/rujukan/baru", methods=["GET", "POST"])
@roles(*EDITORS)
def create():
    """Draft a referral for one entrepreneur (``?pelaku=``) or one group (``?kelompok=``)."""
    user = current_actor()
    person_id = request.args.get("pelaku", type=record_id)
    group_id = request.args.get("kelompok", type=record_id)
    try:
        if group_id:
            group = registration.get_group(db.session, group_id, user)
            applicant_type, people = (
                ApplicantType.GROUP,
                [m.entrepreneur for m in group.active_memberships],
            )
            subject = group
        elif person_id:
            person = registration.get_entrepreneur(db.session, person_id, user)
            applicant_type, people, subject = ApplicantType.INDIVIDUAL, [person], person
        else:
            abort(404)
    except NotFound:
        abort(404)
    candidates = _candidates(people)
    form = ReferralForm()
    _prepare_form(form, applicant_type, candidates)
    if not form.is_submitted():
        for person in people:
            form.members.append_entry({"entrepreneur_id": person.id})
        form.take_overs.data = [str(d.id) for _, _, d in candidates if d.taken_over]
    names = {p.id: p for p in people}
    if form.validate_on_submit():
        data = _data_from_form(form, applicant_type)
        data.entrepreneur_id = person_id if applicant_type == ApplicantType.INDIVIDUAL else None
        data.group_id = group_id
        try:
            referral = services.create_referral(db.session, data, user)
        except StopValidation as error:
            db.session.rollback()
            _show_member_errors(form, error)
        else:
            db.session.commit()
            flash(
                f"Draf rujukan {referral.number} dibuat. Lengkapi syarat di daftar periksa.",
                "success",
            )
            return redirect(url_for("referrals.detail", referral_id=referral.id))
    return render_template(
        "referrals/form.html",
        form=form,
        subject=subject,
        applicant_type=applicant_type,
        names=names,
        referral=None,
    )


@bp.route("/rujukan/<int:referral_id>/ubah", methods=["GET", "POST"])
@roles(*EDITORS)
def edit(referral_id: int):
    """Change a draft: scheme, bank, tenor, amounts, take-over lines."""
    referral = _referral_or_404(referral_id)
    if referral.status not in (ReferralStatus.DRAFT, ReferralStatus.NEEDS_INFO):
        flash(f"Rujukan berstatus {referral.status.label} tidak dapat diubah.", "warning")
        return _back(referral)
    if referral.group:
        people = [m.entrepreneur for m in referral.group.active_memberships]
    else:
        people = [referral.entrepreneur]
    candidates = _candidates(people)
    form = ReferralForm(obj=None)
    _prepare_form(form, referral.applicant_type, candidates)
    if not form.is_submitted():
        lines = {m.entrepreneur_id: m for m in referral.members}
        form.scheme_id.data = str(referral.scheme_id)
        form.bank_id.data = str(referral.bank_id)
        form.purpose.data = referral.purpose.value
        form.purpose_note.data = referral.purpose_note
        form.tenor_months.data = referral.tenor_months
        form.version.data = str(referral.version)
        for person in people:
            line = lines.get(person.id)
            form.members.append_entry(
                {
                    "entrepreneur_id": person.id,
                    "amount": line.amount if line else None,
                    "purpose": line.purpose if line else "",
                }
            )
        form.take_overs.data = [str(t.screening_debt_id) for t in referral.take_overs]
    if form.validate_on_submit():
        data = _data_from_form(form, referral.applicant_type)
        saved, _ = save_form(
            form,
            lambda: services.update_referral(
                db.session, referral, data, current_actor(), version_of(form)
            ),
        )
        if saved:
            flash(
                "Rujukan diperbarui. Berikutnya: periksa daftar periksa, lalu ajukan ke bank.",
                "success",
            )
            return _back(referral)
    return render_template(
        "referrals/form.html",
        form=form,
        subject=referral.group or referral.entrepreneur,
        applicant_type=referral.applicant_type,
        names={p.id: p for p in people},
        referral=referral,
    )


# --------------------------------------------------------------------------- detail


def _plain_rate(rate):
    """``3.000`` → ``3`` and ``2.750`` → ``2.75`` (never ``3E+1``), for the form field."""
    return rate.quantize(1) if rate == rate.to_integral_value() else rate.normalize()


def _gates_for(referral: Referral):
    if referral.gate_snapshot and referral.status not in (
        ReferralStatus.DRAFT,
        ReferralStatus.NEEDS_INFO,
    ):
        return gates_from_snapshot(referral.gate_snapshot), True
    return services.check_gates(db.session, referral), False


def _next_step(referral: Referral, gates, missing) -> tuple[str, str, str] | None:
    """What the facilitator should do next on a draft: (text, anchor, link label)."""
    if missing:
        gap = missing[0]
        more = f" (masih kurang {len(missing)} dokumen)" if len(missing) > 1 else ""
        return (f"Unggah {gap.kind.label} {gap.name}{more}.", "dokumen", "Ke unggah dokumen")
    failed = next((g for g in gates if not g.ok), None)
    if failed is not None:
        problem = failed.problems[0] if failed.problems else failed.gate.label
        return (f"{failed.gate.label}: {problem}", "syarat", "Lihat daftar periksa")
    if referral.status == ReferralStatus.NEEDS_INFO:
        return ("Syarat terpenuhi: kirim jawaban kelengkapan ke bank.", "aksi", "Ke tombol Kirim")
    return ("Semua syarat terpenuhi: ajukan rujukan ke bank.", "aksi", "Ke tombol Ajukan")


def _documents_by_owner(referral: Referral, documents, missing) -> list[dict]:
    """The document list folded per person (and the group), each with what it still lacks."""
    owners = [(m.entrepreneur_id, m.entrepreneur.full_name) for m in referral.members]
    rows = []
    for owner_id, name in owners:
        rows.append(
            {
                "name": name,
                "documents": [d for d in documents if d.entrepreneur_id == owner_id],
                "missing": [g.kind for g in missing if g.entrepreneur_id == owner_id],
            }
        )
    group_documents = [d for d in documents if d.entrepreneur_id is None]
    if group_documents or referral.group_id is not None:
        rows.append({"name": "Kelompok", "documents": group_documents, "missing": []})
    return [row for row in rows if row["documents"] or row["missing"]]


def _action_form(referral: Referral) -> ActionForm:
    """The action form with rejection reasons and the requested terms filled in."""
    form = ActionForm()
    form.reason_code.choices = choices(
        [("", "Pilih alasan")] + [(r.code, r.label) for r in services.rejection_reasons(db.session)]
    )
    if not form.is_submitted():
        form.approved_amount.data = referral.requested_amount
        form.approved_tenor_months.data = referral.tenor_months
        form.approved_rate_percent.data = _plain_rate(referral.annual_rate_percent)
    if referral.bank.is_sharia:
        # A sharia bank prices its financing with a margin; it does not charge interest.
        form.approved_rate_percent.label.text = "Margin disetujui (% per tahun)"
    return form


def _request_form(gates) -> ExemptionForm | None:
    """The facilitator's "ask the admin" form, offering only waivable gates that fail now."""
    failing = [g.gate for g in gates if not g.ok and g.exemptable]
    if not failing:
        return None
    form = ExemptionForm(formdata=None)
    form.gate.choices = choices((g.value, g.label) for g in failing)
    form.reason.label.text = "Alasan meminta pengecualian"
    return form


def _summary(screening) -> ScreeningSummary | None:
    if screening is None:
        return None
    return ScreeningSummary(
        id=screening.id,
        screened_on=screening.screened_on,
        outcome_label=screening.outcome.value.upper(),
        dsr=screening.dsr,
        proposed_take_overs=tuple(d.lender_name for d in screening.debts if d.taken_over),
    )


def _screening_drift(referral: Referral) -> list[str]:
    """Say, per borrower, when a newer screening changes the draft's take-overs or DSR."""
    from harkat.screening.models import Screening
    from harkat.screening.services import latest_valid

    lines: list[str] = []
    for member in referral.members:
        mine = [t for t in referral.take_overs if t.entrepreneur_id == member.entrepreneur_id]
        drafted_id = member.screening_id or next((t.debt.screening_id for t in mine), None)
        if drafted_id is None:
            continue
        latest = latest_valid(db.session, member.entrepreneur_id)
        if latest is None or latest.id == drafted_id:
            continue
        lines += screening_drift(
            member.entrepreneur.full_name,
            _summary(db.session.get(Screening, drafted_id)),
            _summary(latest),
            tuple(t.debt.lender_name for t in mine if t.debt.screening_id != latest.id),
        )
    return lines


def _conversation_title(referral: Referral, user: User) -> str:
    """Name the other side to the two people talking; name both sides to everyone else."""
    facilitator = (
        f"pendamping {referral.facilitator.full_name}" if referral.facilitator else "pendamping"
    )
    if user.role == Role.BANK_OFFICER:
        return f"Pesan dengan {facilitator}"
    if user.role == Role.FACILITATOR:
        return f"Pesan dengan {referral.bank.name}"
    return f"Pesan antara {facilitator} dan {referral.bank.name}"


@bp.get("/rujukan/<int:referral_id>")
@roles(*EVERYONE)
def detail(referral_id: int):
    """One referral: checklist, applicants, documents, simulation, conversation and actions."""
    referral = _referral_or_404(referral_id)
    user = current_actor()
    audit.record_now(db.engine, "view", entity=referral)
    gates, snapshotted = _gates_for(referral)
    facts = services.referral_facts(db.session, referral)
    # The DSR and its limit as the gates judged them: frozen at submission, live on a draft.
    limit = dsr_limit_of(gates) if snapshotted else None
    judged = next((g.details.get("members", {}) for g in gates if g.gate == Gate.DSR), {})
    if limit is None:
        limit, judged = facts.dsr_limit_percent, {}
    member_figures = {}
    for m in facts.members:
        dsr = (
            Decimal(judged[str(m.entrepreneur_id)])
            if str(m.entrepreneur_id) in judged
            else member_dsr(m, facts)
        )
        member_figures[m.entrepreneur_id] = (
            m.screening,
            format_ratio_percent(dsr, limit) if dsr is not None else None,
        )
    try:
        simulation = schedule(
            referral.approved_amount or referral.requested_amount,
            referral.approved_rate_percent
            if referral.approved_rate_percent is not None
            else referral.annual_rate_percent,
            referral.approved_tenor_months or referral.tenor_months,
            referral.method,
        )
    except LoanInputError:
        simulation = None
    actions = [a for a in available_actions(referral.status, user.role) if a != Action.DISBURSE]
    action_form = _action_form(referral)
    can_prepare = services.can_prepare(user) and referral.is_editable
    missing = services.missing_documents(db.session, referral) if can_prepare else []
    document_form = DocumentBatchForm(formdata=None)
    _document_rows(referral, document_form, missing)
    reuse_form = ReuseDocumentsForm(formdata=None)
    reusable = services.reusable_documents(db.session, referral) if can_prepare else []
    reuse_form.reuse.choices = choices(
        (
            str(d.id),
            f"{d.kind.label} {d.entrepreneur.full_name} ({d.original_name}, "
            f"{to_local(d.uploaded_at):%d/%m/%Y})",
        )
        for d in reusable
    )
    loans = db.session.scalars(
        sa.select(Loan).where(Loan.referral_id == referral.id).order_by(Loan.id)
    ).all()
    now = utcnow()
    documents = services.active_documents(db.session, referral)
    return render_template(
        "referrals/detail.html",
        r=referral,
        gates=gates,
        gates_snapshotted=snapshotted,
        all_ok=all(g.ok for g in gates),
        member_figures=member_figures,
        dsr_limit=format_rate_percent(limit),
        simulation=simulation,
        actions=actions,
        can_disburse=Action.DISBURSE in available_actions(referral.status, user.role),
        confirmed_actions=CONFIRMED_ACTIONS,
        screening_drift=_screening_drift(referral) if can_prepare else [],
        action_form=action_form,
        document_form=document_form,
        reuse_form=reuse_form,
        missing=missing,
        no_script_rows=NO_SCRIPT_ROWS,
        upload_limit=uploads.size_label(current_app.config["MAX_UPLOAD_BYTES"]),
        exemption_form=ExemptionForm(),
        request_form=_request_form(gates)
        if user.role == Role.FACILITATOR and referral.is_editable
        else None,
        can_exempt=user.role == Role.ADMIN and referral.is_editable,
        exemption_requests=inbox.requests_of(db.session, referral),
        gate_labels={g.value: g.label for g in Gate},
        status_share=[
            (m.entrepreneur.full_name.split()[0], m.entrepreneur.phone)
            for m in referral.members
            if m.entrepreneur.phone
            and registration.has_consent(m.entrepreneur, ConsentPurpose.WHATSAPP)
        ]
        if user.role in EDITORS
        else [],
        message_form=MessageForm(),
        documents=documents,
        documents_by_owner=_documents_by_owner(referral, documents, missing),
        next_step=_next_step(referral, gates, missing) if can_prepare else None,
        removed=services.removed_documents(db.session, referral),
        messages=services.messages_of(db.session, referral),
        transitions=services.transitions_of(db.session, referral),
        exemptions=services.exemptions_of(db.session, referral),
        loans=loans,
        can_prepare=can_prepare,
        can_download_packet=user.role in CASE_WORKERS,
        can_download_bank_copy=user.role in EDITORS and not referral.is_draft,
        can_open_documents=user.role in CASE_WORKERS,
        can_open_people=user.role != Role.BANK_OFFICER,
        can_message=user.role in CASE_WORKERS and not referral.is_draft,
        conversation_title=_conversation_title(referral, user),
        show_full_nik=user.role != Role.VIEWER,
        days_submitted=services.days_since(referral.submitted_at, now),
        days_last=services.days_since(referral.last_action_at, now),
        sla=services.sla_days(db.session),
        waiting=referral.status in WAITING_FOR_BANK,
        Action=Action,
        DocumentKind=DocumentKind,
        required_kinds=(
            DocumentKind.KTP,
            DocumentKind.KK,
            DocumentKind.NIB_SKU,
            DocumentKind.BUSINESS_PHOTO,
        ),
    )


@bp.get("/rujukan/<int:referral_id>/aksi/<action>")
@roles(*CASE_WORKERS)
def confirm(referral_id: int, action: str):
    """Ask before an action that cannot be undone: say what will happen, then post it."""
    referral = _referral_or_404(referral_id)
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    if chosen not in CONFIRMED_ACTIONS:
        abort(404)
    if chosen not in available_actions(referral.status, current_actor().role):
        flash(
            f"“{chosen.label}” tidak dapat dilakukan pada rujukan berstatus "
            f"{referral.status.label}.",
            "warning",
        )
        return _back(referral, "aksi")
    gates, _ = _gates_for(referral)
    return render_template(
        "referrals/confirm.html",
        r=referral,
        action=chosen,
        Action=Action,
        consequences=CONSEQUENCES[chosen],
        form=_action_form(referral),
        failed_gates=[g for g in gates if not g.ok] if chosen == Action.SUBMIT else [],
    )


@bp.post("/rujukan/<int:referral_id>/aksi")
@roles(*CASE_WORKERS)
def act(referral_id: int):
    """Take one step of the state machine (the service checks the role and the state)."""
    referral = _referral_or_404(referral_id)
    form = _action_form(referral)
    form.reason_code.choices = []
    if not form.validate_on_submit():
        for name, field_errors in form.errors.items():
            label = getattr(form, name).label.text if hasattr(form, name) else ""
            for message in field_errors:
                text = message if isinstance(message, str) else str(message)
                flash(f"{label}: {text}" if label else text, "danger")
        try:
            refused = Action(form.action.data)
        except ValueError:
            refused = None
        if refused in CONFIRMED_ACTIONS:
            # Back to the confirmation page, where the refused fields are.
            return redirect(
                url_for("referrals.confirm", referral_id=referral.id, action=refused.value)
            )
        return _back(referral, "aksi")
    try:
        action = Action(form.action.data)
    except ValueError:
        abort(400)
    if action == Action.DISBURSE:
        return redirect(url_for("referrals.disburse", referral_id=referral.id))
    data = services.TransitionInput(
        action=action,
        version=version_of(form),
        note=form.note.data or "",
        reason_code=request.form.get("reason_code") or None,
        terms=services.Terms(
            form.approved_amount.data,
            form.approved_tenor_months.data,
            form.approved_rate_percent.data,
        ),
    )
    try:
        status = services.transition(db.session, referral, data, current_actor())
        db.session.commit()
    except StopValidation as error:
        db.session.rollback()
        _flash_problems(error)
        if action in CONFIRMED_ACTIONS:
            # Back to the confirmation page, where the refused fields are.
            return redirect(
                url_for("referrals.confirm", referral_id=referral.id, action=action.value)
            )
        return _back(referral, "aksi")
    except StaleObjectError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return _back(referral)
    except StaleDataError:
        db.session.rollback()
        flash(
            "Rujukan ini baru saja diproses oleh pengguna lain pada saat yang sama. Tindakan "
            "Anda tidak disimpan; periksa status terbaru di bawah.",
            "warning",
        )
        return _back(referral)
    flash(
        f"{action.label}: rujukan {referral.number} kini berstatus {status.label}. "
        f"{NEXT_STEPS.get(status, '')}".strip(),
        "success",
    )
    return _back(referral)


@bp.route("/rujukan/<int:referral_id>/pencairan", methods=["GET", "POST"])
@roles(Role.BANK_OFFICER)
def disburse(referral_id: int):
    """The bank records the disbursement of each borrower line; each becomes a loan."""
    referral = _referral_or_404(referral_id)
    if referral.status != ReferralStatus.APPROVED:
        flash("Pencairan hanya dapat dicatat untuk rujukan yang sudah disetujui.", "warning")
        return _back(referral)
    form = DisbursementForm()
    members = {m.id: m for m in referral.members}
    take_overs = {t.id: t for t in referral.take_overs}
    if not form.is_submitted():
        form.version.data = str(referral.version)
        for t in referral.take_overs:
            form.payoffs.append_entry(
                {
                    "take_over_id": t.id,
                    "paid_to": t.debt.lender_name,
                    "amount": t.amount,
                    "paid_on": None,
                }
            )
        same = referral.approved_amount == referral.requested_amount
        for m in referral.members:
            form.lines.append_entry(
                {
                    "member_id": m.id,
                    "amount": m.amount if same or len(members) == 1 else None,
                    "disbursed_on": None,
                }
            )
            if len(members) == 1 and not same:
                form.lines.entries[-1].form.amount.data = referral.approved_amount
    if form.validate_on_submit():
        lines = []
        for entry in form.lines.entries:
            try:
                member_id = record_id(entry.form.member_id.data)
            except ValueError:
                continue
            lines.append(
                services.Disbursement(
                    member_id,
                    entry.form.disbursed_on.data,
                    entry.form.amount.data,
                    entry.form.account_number.data or "",
                )
            )
        payoffs = []
        for entry in form.payoffs.entries:
            try:
                take_over_id = record_id(entry.form.take_over_id.data)
            except ValueError:
                continue
            upload = entry.form.proof.data
            payoffs.append(
                services.Payoff(
                    take_over_id,
                    entry.form.paid_to.data or "",
                    entry.form.amount.data,
                    entry.form.paid_on.data,
                    upload.read() if upload else None,
                    getattr(upload, "filename", "") or "",
                )
            )
        data = services.TransitionInput(
            action=Action.DISBURSE,
            version=version_of(form),
            disbursements=lines,
            payoffs=payoffs,
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_upload_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        )
        try:
            services.transition(db.session, referral, data, current_actor())
            db.session.commit()
        except StopValidation as error:
            db.session.rollback()
            for key, reasons in error.reasons.items():
                if key and key.startswith("lines-"):
                    index = int(key.split("-")[1])
                    if index < len(form.lines.entries):
                        target = form.lines.entries[index].form.account_number
                        target.errors = [*target.errors, *reasons]
                        continue
                if key and key.startswith("payoffs-"):
                    _, index, *name = key.split("-", 2)
                    if int(index) < len(form.payoffs.entries):
                        row = form.payoffs.entries[int(index)].form
                        target = getattr(row, name[0], None) if name else row.paid_to
                        if target is not None:
                            target.errors = [*target.errors, *reasons]
                            continue
                form.form_errors.extend(reasons)
        except (StaleObjectError, StaleDataError) as error:
            db.session.rollback()
            form.form_errors.append(
                str(error)
                if isinstance(error, StaleObjectError)
                else "Rujukan ini baru saja diproses pengguna lain; muat ulang halaman."
            )
        else:
            flash(
                f"Pencairan rujukan {referral.number} dicatat; setiap peminjam kini punya "
                f"pinjaman. {NEXT_STEPS[ReferralStatus.DISBURSED]}",
                "success",
            )
            return _back(referral)
    return render_template(
        "referrals/disburse.html",
        r=referral,
        form=form,
        members=members,
        take_overs=take_overs,
        upload_limit=uploads.size_label(current_app.config["MAX_UPLOAD_BYTES"]),
    )


@bp.get("/rujukan/<int:referral_id>/pelunasan/<int:take_over_id>/bukti")
@roles(Role.ADMIN, Role.FACILITATOR, Role.BANK_OFFICER)
def payoff_proof(referral_id: int, take_over_id: int):
    """The settlement letter of one take-over payoff, for those who may see the referral."""
    referral = _referral_or_404(referral_id)
    take_over = next((t for t in referral.take_overs if t.id == take_over_id), None)
    if take_over is None or not take_over.proof_path:
        abort(404)
    path = uploads.stored_file(
        current_app.config["UPLOAD_DIR"], services.DOCUMENT_FOLDER, take_over.proof_path
    )
    if path is None:
        abort(404)
    audit.record_now(
        db.engine, "download", entity=take_over, changes={"file": "surat keterangan lunas"}
    )
    response = send_file(
        path,
        mimetype=take_over.proof_mime,
        as_attachment=True,
        download_name=f"lunas-{referral.number}-{take_over.id}{path.suffix}",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/rujukan/<int:referral_id>/pesan")
@roles(*CASE_WORKERS)
def message(referral_id: int):
    referral = _referral_or_404(referral_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.post_message(db.session, referral, form.body.data, current_actor())
            db.session.commit()
            flash("Pesan terkirim.", "success")
        except StopValidation as error:
            db.session.rollback()
            _flash_problems(error)
    else:
        flash("Pesan: tidak boleh kosong dan maksimal 2.000 huruf.", "danger")
    return _back(referral, "percakapan")


@bp.post("/rujukan/<int:referral_id>/pengecualian")
@roles(Role.ADMIN)
def exempt(referral_id: int):
    """An admin waives a gate for this referral, with a reason (audited)."""
    referral = _referral_or_404(referral_id)
    form = ExemptionForm()
    if form.validate_on_submit():
        try:
            exemption = services.exempt_gate(
                db.session, referral, Gate(form.gate.data), form.reason.data, current_actor()
            )
            db.session.commit()
            flash(f"Pengecualian dicatat: {Gate(exemption.gate).label}.", "success")
        except StopValidation as error:
            db.session.rollback()
            _flash_problems(error)
    else:
        if form.gate.errors:
            flash("Syarat: hanya pelatihan dan dokumen yang dapat dikecualikan.", "danger")
        if form.reason.errors:
            flash("Alasan pengecualian wajib diisi (minimal 10 huruf).", "danger")
    return _back(referral, "syarat")


# --------------------------------------------------------------------------- documents


def _document_rows(referral: Referral, form: DocumentBatchForm, missing) -> None:
    """Offer one row per missing document (at least three, at most :data:`MAX_UPLOAD_ROWS`),
    each set to the next missing kind and owner; the script builds rows per chosen file."""
    from harkat.forms import choices

    members = choices((str(m.entrepreneur_id), m.entrepreneur.full_name) for m in referral.members)
    if referral.group_id is not None:
        members += choices([("", "Kelompok (SK pembentukan)")])
    wanted = max(NO_SCRIPT_ROWS, min(len(missing), MAX_UPLOAD_ROWS))
    if not form.is_submitted():
        while len(form.rows.entries) < wanted:
            form.rows.append_entry()
        for entry, gap in zip(form.rows.entries, missing, strict=False):
            entry.form.kind.data = gap.kind.value
            entry.form.member.data = str(gap.entrepreneur_id)
        for entry in form.rows.entries[len(missing) :]:
            entry.form.kind.data = DocumentKind.OTHER.value
            entry.form.member.data = members[0].value if members else ""
    for entry in form.rows.entries:
        entry.form.member.choices = members


#: Rows the page shows without JavaScript before "more rows" (the rest are folded).
NO_SCRIPT_ROWS = 3


@bp.post("/rujukan/<int:referral_id>/dokumen")
@roles(*EDITORS)
def upload(referral_id: int):
    """Store up to :data:`MAX_UPLOAD_ROWS` files, each with its kind and owner, in one request."""
    # Several phone photos travel in one request: allow that many files (each is still checked
    # against MAX_UPLOAD_BYTES on its own). Set before the body is read.
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    request.max_content_length = limit * MAX_UPLOAD_ROWS + 256 * 1024
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    referral = _referral_or_404(referral_id)
    chosen = [
        key
        for key, upload_file in request.files.items(multi=True)
        if key.startswith("rows-") and upload_file.filename
    ]
    if len(chosen) > MAX_UPLOAD_ROWS:
        flash(
            f"Berkas: paling banyak {MAX_UPLOAD_ROWS} berkas sekali unggah; {len(chosen)} dipilih. "
            "Belum ada yang disimpan.",
            "danger",
        )
        return _back(referral, "dokumen")
    form = DocumentBatchForm()
    if not form.validate_on_submit():
        if form.rows.errors and not isinstance(form.rows.errors[0], dict):
            flash(f"Berkas: paling banyak {MAX_UPLOAD_ROWS} berkas sekali unggah.", "danger")
        else:
            flash("Unggahan tidak dapat dibaca; muat ulang halaman lalu coba lagi.", "danger")
        return _back(referral, "dokumen")
    items = []
    for number, entry in enumerate(form.rows.entries, start=1):
        upload_file = entry.form.file.data
        if not upload_file or not getattr(upload_file, "filename", None):
            continue
        kind = entry.form.kind.data
        if kind not in set(DocumentKind):
            flash(f"Berkas {number}: pilih jenis dokumen.", "danger")
            continue
        try:
            owner = record_id(entry.form.member.data)
        except ValueError:
            owner = None
        items.append(
            (
                number,
                services.DocumentUpload(
                    DocumentKind(kind),
                    owner,
                    upload_file.filename or "",
                    upload_file.read(limit + 1),
                ),
            )
        )
    single = request.files.get("file")
    if single is not None and single.filename:
        # The one-file form of earlier pages (kind, entrepreneur_id, file) still works.
        try:
            owner = record_id(request.form.get("entrepreneur_id", ""))
        except ValueError:
            owner = None
        kind = request.form.get("kind", "")
        if kind in set(DocumentKind):
            items.append(
                (
                    len(items) + 1,
                    services.DocumentUpload(
                        DocumentKind(kind), owner, single.filename, single.read(limit + 1)
                    ),
                )
            )
    if not items:
        flash("Berkas: pilih berkas yang akan diunggah.", "danger")
        return _back(referral, "dokumen")
    try:
        result = services.upload_documents(
            db.session,
            referral,
            items,
            current_actor(),
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_bytes=limit,
        )
        db.session.commit()
    except StopValidation as error:
        db.session.rollback()
        _flash_problems(error)
        return _back(referral, "dokumen")
    for problem in result.problems:
        flash(problem, "danger")
    if result.saved:
        kinds = ", ".join(dict.fromkeys(d.kind.label for d in result.saved))
        message = f"{len(result.saved)} dokumen diunggah: {kinds}."
        if result.cleaned:
            message += (
                f" Data lokasi (GPS) dan kamera dihapus dari {result.cleaned} foto sebelum "
                "disimpan."
            )
        missing = services.missing_documents(db.session, referral)
        if missing:
            message += f" Berikutnya: {missing[0].kind.label} {missing[0].name}."
        else:
            message += " Semua dokumen wajib sudah lengkap."
        flash(message, "success")
    return _back(referral, "dokumen")


# The global CSRF check would read the body before the view raises the size limit for a
# multi-file upload, so the view runs the same check itself right after raising it.
csrf.exempt(upload)


@bp.post("/rujukan/<int:referral_id>/dokumen/pakai-ulang")
@roles(*EDITORS)
def reuse(referral_id: int):
    """Put documents already on file (KTP, KK, NIB/SKU from other referrals) on this one."""
    referral = _referral_or_404(referral_id)
    form = ReuseDocumentsForm()
    if form.validate_on_submit():
        ids = []
        for value in form.reuse.data or []:
            try:
                ids.append(record_id(value))
            except ValueError:
                continue
        try:
            copies = services.reuse_documents(db.session, referral, ids, current_actor())
            db.session.commit()
        except StopValidation as error:
            db.session.rollback()
            _flash_problems(error)
        else:
            kinds = ", ".join(f"{d.kind.label} {d.entrepreneur.full_name}" for d in copies)
            flash(f"{len(copies)} dokumen dipakai ulang: {kinds}.", "success")
    return _back(referral, "dokumen")


@bp.get("/rujukan/<int:referral_id>/dokumen.zip")
@roles(*CASE_WORKERS)
def documents_zip(referral_id: int):
    """Every document of the referral in one ZIP, with a manifest (name, kind, owner, SHA-256)."""
    referral = _referral_or_404(referral_id)
    data, count = services.documents_zip(db.session, referral, current_app.config["UPLOAD_DIR"])
    return send_attachment(
        data,
        f"dokumen-{referral.number}.zip",
        "application/zip",
        entity=referral,
        changes={"file": f"semua dokumen rujukan (ZIP, {count} berkas)"},
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A file far beyond the limit is cut off before the form can be read: say so plainly."""
    db.session.rollback()
    referral_id = (request.view_args or {}).get("referral_id")
    limit = uploads.size_label(current_app.config["MAX_UPLOAD_BYTES"])
    if referral_id is None:
        return render_template(
            "errors/error.html",
            code=413,
            title="Berkas terlalu besar",
            message=f"Ukuran berkas maksimal {limit}.",
        ), 413
    if request.endpoint == "referrals.upload":
        flash(
            f"Berkas: ukuran maksimal {limit} per berkas dan {MAX_UPLOAD_ROWS} berkas sekali "
            "unggah; kiriman ini terlalu besar. Dokumen belum tersimpan.",
            "danger",
        )
    else:
        flash(f"Berkas: ukuran maksimal {limit}. Dokumen belum tersimpan.", "danger")
    return redirect(url_for("referrals.detail", referral_id=referral_id) + "#dokumen")


def _document_or_404(referral: Referral, document_id: int):
    try:
        document = services.get_document(db.session, referral, document_id)
    except NotFound:
        abort(404)
    path = uploads.stored_file(
        current_app.config["UPLOAD_DIR"], services.DOCUMENT_FOLDER, document.path
    )
    if path is None:
        current_app.logger.warning("Referral document %s is missing on disk", document.id)
        abort(404)
    return document, path


@bp.get("/rujukan/<int:referral_id>/dokumen/<int:document_id>")
@roles(*CASE_WORKERS)
def document(referral_id: int, document_id: int):
    """Download a document as an attachment, only for those who work on this referral."""
    referral = _referral_or_404(referral_id)
    doc, path = _document_or_404(referral, document_id)
    extension = path.suffix
    return send_attachment(
        path.read_bytes(),
        f"{referral.number}-{doc.kind.value}-{doc.id}{extension}",
        doc.mime,
        entity=doc,
        changes={"file": doc.kind.label},
    )


@bp.get("/rujukan/<int:referral_id>/dokumen/<int:document_id>/pratinjau")
@roles(*CASE_WORKERS)
def preview(referral_id: int, document_id: int):
    """Show an image document inline (PDFs are only downloaded)."""
    referral = _referral_or_404(referral_id)
    doc, path = _document_or_404(referral, document_id)
    if not doc.is_image:
        abort(404)
    audit.record_now(db.engine, "view", entity=doc, changes={"file": doc.kind.label})
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=doc.mime,
        as_attachment=False,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/rujukan/<int:referral_id>/dokumen/<int:document_id>/hapus", methods=["GET", "POST"])
@roles(*EDITORS)
def remove_document(referral_id: int, document_id: int):
    """Ask first (which document, why), then take it off the referral."""
    referral = _referral_or_404(referral_id)
    try:
        doc = services.get_document(db.session, referral, document_id)
    except NotFound:
        abort(404)
    if doc.removed_at is not None:
        flash("Dokumen ini sudah dihapus.", "info")
        return _back(referral, "dokumen")
    form = RemoveDocumentForm()
    if form.validate_on_submit():
        try:
            services.remove_document(db.session, referral, doc, form.reason.data, current_actor())
            db.session.commit()
        except StopValidation as error:
            db.session.rollback()
            _flash_problems(error)
        else:
            owner = doc.entrepreneur.full_name if doc.entrepreneur else "kelompok"
            flash(
                f"Dokumen dihapus dari rujukan: {doc.kind.label} {owner}. Unggah penggantinya "
                "bila masih diperlukan.",
                "success",
            )
        return _back(referral, "dokumen")
    return render_template(
        "referrals/remove_document.html",
        r=referral,
        d=doc,
        form=form,
        can_remove=services.can_prepare(current_actor()) and referral.is_editable,
    )


# --------------------------------------------------------------------------- packet


@bp.get("/rujukan/<int:referral_id>/paket.pdf")
@roles(*CASE_WORKERS)
def packet(referral_id: int):
    """The referral packet; the bank's officer gets the bank copy (full NIK), the city a
    masked copy unless it asks for the bank copy of a referral that has been submitted."""
    referral = _referral_or_404(referral_id)
    user = current_actor()
    bank_copy = user.role == Role.BANK_OFFICER or (
        request.args.get("salinan") == "bank" and referral.status != ReferralStatus.DRAFT
    )
    gates, snapshotted = _gates_for(referral)
    data = services.packet_data(
        db.session,
        referral,
        gates=gates,
        gates_snapshotted=snapshotted,
        verify_url=verify_url(referral.verify_token),
        signatory_name=current_app.config["CERTIFICATE_SIGNATORY_NAME"],
        signatory_title=current_app.config["CERTIFICATE_SIGNATORY_TITLE"],
        upload_dir=current_app.config["UPLOAD_DIR"],
    )
    pdf = packets.packet_pdf(data, bank_copy=bank_copy, printed_at=utcnow())
    copy = "bank" if bank_copy else "dinas"
    return send_attachment(
        pdf,
        f"paket-rujukan-{referral.number}-{copy}.pdf",
        downloads.PDF,
        entity=referral,
        changes={"file": f"paket rujukan (salinan {copy})"},
    )


@bp.get("/verifikasi-rujukan/<token>")
@public
def verify(token: str):
    """Public check of a printed packet: whether it is authentic and still in force, with its
    number, bank and date and the name masked. Never the case's live status (under review,
    approved, rejected): whoever holds the paper has no claim to the bank's decision."""
    from harkat.training.certificates import mask_name

    referral = None
    if 20 <= len(token) <= 64:
        referral = db.session.scalar(sa.select(Referral).where(Referral.verify_token == token))
    if referral is None or referral.status == ReferralStatus.DRAFT:
        response = current_app.make_response(
            (render_template("referrals/verify.html", r=None), 404)
        )
    else:
        response = current_app.make_response(
            render_template(
                "referrals/verify.html",
                r=referral,
                in_force=referral.status not in PACKET_NO_LONGER_IN_FORCE,
                name=mask_name(referral.entrepreneur.full_name),
            )
        )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


#: A packet of a referral that was withdrawn or refused is no longer in force; the public page
#: says only that, not which.
PACKET_NO_LONGER_IN_FORCE = frozenset({ReferralStatus.WITHDRAWN, ReferralStatus.REJECTED})


# --------------------------------------------------------------------------- queue


@bp.get("/rujukan")
@roles(*EVERYONE)
def index():
    """The referral list; for bank officers, their bank's queue with SLA ages."""
    user = current_actor()
    status = request.args.get("status") or ""
    filters = services.QueueFilter(
        status=ReferralStatus(status) if status in set(ReferralStatus) else None,
        kecamatan_code=request.args.get("kecamatan") or None,
        bank_id=request.args.get("bank", type=record_id),
        min_age_days=request.args.get("umur", type=int),
        number=(request.args.get("nomor") or "")[:20],
    )
    if filters.min_age_days is not None and not 0 < filters.min_age_days <= 3650:
        filters.min_age_days = None
    page = lean_paginate(
        db.session, services.queue_query(user, filters), per_page=current_app.config["PAGE_SIZE"]
    )
    now = utcnow()
    kecamatan = db.session.scalars(sa.select(Kecamatan).order_by(Kecamatan.name)).all()
    if user.role == Role.FACILITATOR:
        kecamatan = [k for k in kecamatan if k.code in user.kecamatan_codes]
    ages = {
        r.id: (
            services.days_since(r.submitted_at, now),
            services.days_since(r.last_action_at, now),
        )
        for r in page.items
    }
    sla = services.sla_days(db.session)
    # Submitted more than the service level ago and still waiting for the bank: highlighted.
    late_ids = {
        r.id
        for r in page.items
        if r.status in WAITING_FOR_BANK and ages[r.id][0] is not None and ages[r.id][0] > sla
    }
    return render_template(
        "referrals/index.html",
        page=page,
        filters=filters,
        queue_bank=user.bank if user.role == Role.BANK_OFFICER else None,
        can_create=user.role in EDITORS,
        statuses=list(ReferralStatus)
        if user.role != Role.BANK_OFFICER
        else [s for s in ReferralStatus if s != ReferralStatus.DRAFT],
        kecamatan=kecamatan,
        banks=db.session.scalars(sa.select(Bank).order_by(Bank.name)).all()
        if user.role in (Role.ADMIN, Role.VIEWER, Role.FACILITATOR)
        else [],
        ages=ages,
        late_ids=late_ids,
        sla=sla,
    )


# --------------------------------------------------------------------------- loans


@bp.get("/pinjaman")
@roles(*EVERYONE)
def loans():
    """Disbursed loans with their latest collectability; NPL and arrears lists."""
    user = current_actor()
    only = request.args.get("daftar", "")
    if only not in ("", "npl", "arrears"):
        only = ""
    page = db.paginate(
        services.loans_query(user, only, request.args.get("bank", type=record_id)),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "referrals/loans.html",
        page=page,
        only=only,
        can_import=user.role == Role.BANK_OFFICER,
        summary=services.portfolio(db.session, user),
        labels=COLLECTABILITY_LABELS,
    )


@bp.route("/pinjaman/<int:loan_id>", methods=["GET", "POST"])
@roles(*EVERYONE)
def loan(loan_id: int):
    """One loan: its schedule and monthly reports; the bank's officer records the next one."""
    user = current_actor()
    try:
        item = services.get_loan(db.session, loan_id, user)
    except NotFound:
        abort(404)
    can_report = user.role == Role.BANK_OFFICER and item.bank_id == user.bank_id
    form = LoanReportForm()
    if request.method == "POST":
        if not can_report:
            abort(403)
        if form.validate_on_submit():
            period = services._parse_period(form.period.data or "")
            if period is None:
                form.period.errors.append("Periode: tulis sebagai TTTT-BB, misalnya 2026-10.")
            else:
                saved, _ = save_form(
                    form,
                    lambda: services.record_report(
                        db.session,
                        item,
                        services.ReportData(
                            period,
                            int(form.collectability.data),
                            form.outstanding.data,
                            form.days_past_due.data or 0,
                        ),
                        user,
                    ),
                )
                if saved:
                    flash("Laporan bulanan dicatat.", "success")
                    return redirect(url_for("referrals.loan", loan_id=item.id))
    elif not form.period.data:
        form.period.data = services.local_now().strftime("%Y-%m")
        form.outstanding.data = item.outstanding
        form.collectability.data = str(item.collectability)
    try:
        plan = schedule(
            item.amount,
            item.annual_rate_percent,
            item.tenor_months,
            item.method,
            item.disbursed_on,
        )
    except LoanInputError:
        plan = None
    return render_template(
        "referrals/loan.html",
        loan=item,
        form=form,
        can_report=can_report,
        plan=plan,
        labels=COLLECTABILITY_LABELS,
        show_full_nik=user.role != Role.VIEWER,
    )


@bp.route("/pinjaman/impor", methods=["GET", "POST"])
@roles(Role.BANK_OFFICER)
def import_reports():
    """Import a month of collectability and outstanding balances from the bank's CSV."""
    form = LoanImportForm()
    result = None
    if form.validate_on_submit():
        content = form.file.data.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
        if len(content) > current_app.config["MAX_UPLOAD_BYTES"]:
            form.file.errors.append(
                "Berkas: ukuran maksimal "
                f"{uploads.size_label(current_app.config['MAX_UPLOAD_BYTES'])}."
            )
        else:
            try:
                result = services.import_reports(db.session, content, current_actor())
            except StopValidation as error:
                db.session.rollback()
                apply_errors(form, error)
            else:
                if result.problems:
                    db.session.rollback()
                else:
                    db.session.commit()
                    flash(f"{result.saved} laporan bulanan diimpor.", "success")
                    return redirect(url_for("referrals.loans"))
    return render_template("referrals/import.html", form=form, result=result)


# --------------------------------------------------------------------------- admin


@bp.route("/admin/alasan-penolakan", methods=["GET", "POST"])
@roles(Role.ADMIN)
def reasons():
    """The list of rejection reason codes banks choose from; admins add and retire them."""
    form = RejectionReasonForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.get(RejectionReason, code) is not None:
            form.code.errors.append("Kode: sudah dipakai.")
        else:
            db.session.add(
                RejectionReason(code=code, label=form.label.data.strip(), sort_order=100)
            )
            db.session.commit()
            flash("Alasan penolakan ditambahkan.", "success")
            return redirect(url_for("referrals.reasons"))
    return render_template(
        "referrals/reasons.html",
        form=form,
        reasons=services.rejection_reasons(db.session, active_only=False),
    )


@bp.post("/admin/alasan-penolakan/<code>/aktif")
@roles(Role.ADMIN)
def toggle_reason(code: str):
    reason = db.session.get(RejectionReason, code[:30])
    if reason is None:
        abort(404)
    reason.is_active = not reason.is_active
    db.session.commit()
    flash(f"{reason.label}: {'aktif' if reason.is_active else 'tidak dipakai lagi'}.", "success")
    return redirect(url_for("referrals.reasons"))
