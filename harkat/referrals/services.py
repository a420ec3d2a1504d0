"""Referral use-cases: drafting, gates, documents, transitions, disbursement and repayments.

Services take a session and an explicit actor, flush and never commit (the view or CLI owns
the transaction). Scope: facilitators see their kecamatan, bank officers only what was sent to
their bank (never a draft), admins and viewers everything; anything else is :class:`NotFound`.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from harkat.audit import denials
from harkat.audit import services as audit
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import kecamatan_or_bank_scope
from harkat.cases.domain import EntrepreneurStatus, JourneyStage
from harkat.cases.services import add_event, set_stage
from harkat.core import uploads
from harkat.core.dates import JAKARTA, format_date, to_local
from harkat.core.enums import ApplicantType, ConsentPurpose
from harkat.core.money import MAX_RUPIAH, format_rupiah
from harkat.core.spreadsheet import TooLarge, check_text_rows
from harkat.database import utcnow
from harkat.errors import NotFound, StopValidation
from harkat.reference.models import Bank, Scheme
from harkat.referrals import gates as gate_rules
from harkat.referrals.gates import DocumentKind, Gate, GateResult
from harkat.referrals.models import (
    GateExemption,
    Loan,
    LoanPurpose,
    LoanReport,
    Referral,
    ReferralDocument,
    ReferralMember,
    ReferralMessage,
    ReferralTakeOver,
    ReferralTransition,
    RejectionReason,
)
from harkat.referrals.transitions import (
    BANK_VISIBLE_STATES,
    OPEN_STATES,
    WAITING_FOR_BANK,
    Action,
    ReferralStatus,
    TransitionError,
    next_state,
)
from harkat.registration.services import get_entrepreneur, get_group, has_consent
from harkat.screening.models import Screening, ScreeningDebt
from harkat.settings.services import get_number
from harkat.versioning import check_version

DOCUMENT_FOLDER = "referrals"
MAX_TENOR = 120


def _today() -> date:
    return to_local(utcnow()).date()


def _require(condition: bool, field_name: str | None, message: str) -> None:
    if not condition:
        raise StopValidation({field_name: [message]})


# --------------------------------------------------------------------------- scope


def referral_scope(user: User) -> sa.ColumnElement[bool]:
    """The referrals a user may see: a bank officer only their bank's, once sent to it."""
    return kecamatan_or_bank_scope(
        user,
        Referral.kecamatan_code,
        Referral.bank_id,
        Referral.status.in_(list(BANK_VISIBLE_STATES)),
    )


def get_referral(session: Session, referral_id: int, user: User) -> Referral:
    """Return the referral if it exists and the user may see it.

    :raise NotFound: otherwise, without saying which.
    """
    referral = session.scalar(
        sa.select(Referral)
        .where(Referral.id == referral_id, referral_scope(user))
        .options(selectinload(Referral.members).selectinload(ReferralMember.entrepreneur))
    )
    if referral is None:
        raise NotFound("Rujukan tidak ditemukan.")
    return referral


def referrals_of(session: Session, entrepreneur_id: int) -> list[Referral]:
    """Every referral a person is a borrower on, newest first (for their case page)."""
    return list(
        session.scalars(
            sa.select(Referral)
            .join(ReferralMember, ReferralMember.referral_id == Referral.id)
            .where(ReferralMember.entrepreneur_id == entrepreneur_id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )


def can_prepare(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.FACILITATOR)


def loan_scope(user: User) -> sa.ColumnElement[bool]:
    """The loans a user may see: a bank officer every loan of their bank."""
    return kecamatan_or_bank_scope(user, Loan.kecamatan_code, Loan.bank_id)


def get_loan(session: Session, loan_id: int, user: User) -> Loan:
    loan = session.scalar(sa.select(Loan).where(Loan.id == loan_id, loan_scope(user)))
    if loan is None:
        raise NotFound("Pinjaman tidak ditemukan.")
    return loan


# --------------------------------------------------------------------------- drafting


@dataclass
class MemberLine:
    entrepreneur_id: int
    amount: int | None
    purpose: str = ""


@dataclass
class ReferralData:
    applicant_type: ApplicantType
    scheme_id: int | None
    bank_id: int | None
    purpose: LoanPurpose | None
    tenor_months: int | None
    members: list[MemberLine]
    purpose_note: str = ""
    entrepreneur_id: int | None = None
    group_id: int | None = None
    take_over_debt_ids: list[int] = field(default_factory=list)


def new_referral_number(session: Session, referral: Referral, year: int) -> str:
    return f"RJK-{year}-{referral.id:06d}"


def open_referrals_of(
    session: Session, entrepreneur_ids: list[int], exclude_id: int | None = None
) -> dict[int, str]:
    """Map each person to the number of an open referral that already holds them."""
    if not entrepreneur_ids:
        return {}
    query = (
        sa.select(ReferralMember.entrepreneur_id, Referral.number)
        .join(Referral, Referral.id == ReferralMember.referral_id)
        .where(
            ReferralMember.entrepreneur_id.in_(entrepreneur_ids),
            Referral.status.in_(list(OPEN_STATES)),
        )
    )
    if exclude_id is not None:
        query = query.where(Referral.id != exclude_id)
    return dict(session.execute(query).all())


def _clean(session: Session, data: ReferralData, actor: User) -> dict:
    """Check a draft's fields; return what to store. Raise StopValidation naming the fields."""
    problems: dict[str | None, list[str]] = {}

    def fail(name: str | None, message: str) -> None:
        problems.setdefault(name, []).append(message)

    scheme = session.get(Scheme, data.scheme_id) if data.scheme_id else None
    if scheme is None or not scheme.is_active:
        fail("scheme_id", "Pilih skema pembiayaan yang aktif.")
    elif scheme.applicant_type != data.applicant_type:
        fail("scheme_id", f"Skema {scheme.name} bukan untuk pemohon {data.applicant_type.label}.")
    bank = session.get(Bank, data.bank_id) if data.bank_id else None
    if bank is None or not bank.is_active:
        fail("bank_id", "Pilih bank mitra penyalur yang aktif.")
    if data.purpose is None:
        fail("purpose", "Pilih tujuan pinjaman: modal kerja atau investasi.")
    if data.tenor_months is None or not 1 <= data.tenor_months <= MAX_TENOR:
        fail("tenor_months", f"Tenor harus 1 sampai {MAX_TENOR} bulan.")

    if data.applicant_type == ApplicantType.GROUP:
        group = get_group(session, data.group_id, actor) if data.group_id else None
        if group is None:
            raise NotFound("Kelompok tidak ditemukan.")
        allowed = {
            m.entrepreneur_id: m.entrepreneur for m in group.memberships if m.left_on is None
        }
        chair_id = group.chair_id if group.chair_id in allowed else None
        kecamatan_code = group.kecamatan_code
    else:
        group = None
        person = get_entrepreneur(session, data.entrepreneur_id, actor)
        allowed = {person.id: person}
        chair_id = person.id
        kecamatan_code = person.kecamatan_code

    lines = [line for line in data.members if line.amount]
    seen = set()
    for index, line in enumerate(data.members):
        if not line.amount:
            continue
        if line.entrepreneur_id not in allowed:
            fail(f"members-{index}", "Orang ini bukan anggota aktif kelompok.")
        if line.entrepreneur_id in seen:
            fail(f"members-{index}", "Anggota yang sama tercantum dua kali.")
        seen.add(line.entrepreneur_id)
        if not 0 < line.amount <= MAX_RUPIAH:
            fail(f"members-{index}", "Jumlah pinjaman harus lebih dari nol dan wajar.")
    if not lines:
        fail("members", "Isi jumlah pinjaman untuk minimal satu pemohon.")
    if group is not None and chair_id is None:
        fail("members", "Kelompok belum punya ketua aktif; tetapkan ketua di halaman kelompok.")
    if group is not None and chair_id not in seen and chair_id is not None:
        fail("members", "Ketua kelompok harus ikut menjadi pemohon pada rujukan kelompok.")

    # Take-over lines must come from a member's latest valid screening.
    debts = []
    if data.take_over_debt_ids:
        from harkat.screening.services import latest_valid

        valid_screening_ids = {
            s.id for eid in seen if (s := latest_valid(session, eid)) is not None
        }
        debts = session.scalars(
            sa.select(ScreeningDebt).where(ScreeningDebt.id.in_(data.take_over_debt_ids))
        ).all()
        if len(debts) != len(set(data.take_over_debt_ids)) or any(
            d.screening_id not in valid_screening_ids for d in debts
        ):
            fail(
                "take_overs",
                "Utang yang diambil alih harus berasal dari skrining pemohon yang masih berlaku.",
            )
    if problems:
        raise StopValidation(problems)
    return {
        "scheme": scheme,
        "bank": bank,
        "group": group,
        "chair_id": chair_id,
        "kecamatan_code": kecamatan_code,
        "lines": lines,
        "debts": debts,
    }


def _store(session: Session, referral: Referral, data: ReferralData, clean: dict) -> None:
    scheme = clean["scheme"]
    referral.scheme_id = scheme.id
    referral.bank_id = clean["bank"].id
    referral.purpose = data.purpose
    referral.purpose_note = (data.purpose_note or "").strip()[:300]
    referral.tenor_months = data.tenor_months
    referral.annual_rate_percent = scheme.annual_rate_percent
    referral.method = scheme.method
    referral.kecamatan_code = clean["kecamatan_code"]
    referral.entrepreneur_id = clean["chair_id"]
    for member in list(referral.members):
        session.delete(member)
    for take_over in list(referral.take_overs):
        session.delete(take_over)
    session.flush()
    from harkat.screening.services import latest_valid

    referral.members = [
        ReferralMember(
            entrepreneur_id=line.entrepreneur_id,
            amount=line.amount,
            purpose=(line.purpose or "").strip()[:200],
            position=position,
            # Remembered so the page can say when a newer screening changes the picture.
            screening_id=getattr(latest_valid(session, line.entrepreneur_id), "id", None),
        )
        for position, line in enumerate(clean["lines"])
    ]
    screening_owner = dict(
        session.execute(
            sa.select(Screening.id, Screening.entrepreneur_id).where(
                Screening.id.in_({d.screening_id for d in clean["debts"]})
            )
        ).all()
    )
    referral.take_overs = [
        ReferralTakeOver(
            screening_debt_id=debt.id,
            entrepreneur_id=screening_owner[debt.screening_id],
            # For an illegal online lender: at most principal minus what was repaid.
            amount=debt.payoff,
        )
        for debt in clean["debts"]
    ]


def create_referral(session: Session, data: ReferralData, actor: User) -> Referral:
    """Start a draft referral; it goes nowhere until it is submitted."""
    _require(can_prepare(actor), None, "Peran Anda tidak dapat menyiapkan rujukan.")
    clean = _clean(session, data, actor)
    referral = Referral(
        applicant_type=data.applicant_type,
        group_id=clean["group"].id if clean["group"] else None,
        facilitator_id=actor.id,
        updated_by_id=actor.id,
        verify_token=secrets.token_urlsafe(32),
        number=f"TMP-{secrets.token_hex(6)}",
    )
    _store(session, referral, data, clean)
    session.add(referral)
    session.flush()
    referral.number = new_referral_number(session, referral, _today().year)
    session.flush()
    for member in referral.members:
        add_event(
            session,
            member.entrepreneur_id,
            "referral",
            f"Draf rujukan {referral.number} ke {clean['bank'].name} "
            f"({format_rupiah(member.amount)}) dibuat.",
            actor,
            {"referral_id": referral.id},
        )
    return referral


def update_referral(
    session: Session, referral: Referral, data: ReferralData, actor: User, version: int
) -> Referral:
    """Change a draft (or a referral the bank sent back for more information)."""
    _require(can_prepare(actor), None, "Peran Anda tidak dapat mengubah rujukan.")
    check_version(referral, version)
    _require(
        referral.status in (ReferralStatus.DRAFT, ReferralStatus.NEEDS_INFO),
        None,
        f"Rujukan berstatus {referral.status.label} tidak dapat diubah lagi.",
    )
    data.applicant_type = referral.applicant_type
    data.group_id = referral.group_id
    if referral.applicant_type == ApplicantType.INDIVIDUAL:
        data.entrepreneur_id = referral.entrepreneur_id
    clean = _clean(session, data, actor)
    _store(session, referral, data, clean)
    referral.updated_by_id = actor.id
    referral.updated_at = utcnow()
    session.flush()
    return referral


# --------------------------------------------------------------------------- gates


def _screening_facts(screening: Screening | None) -> gate_rules.ScreeningFacts | None:
    if screening is None:
        return None
    return gate_rules.ScreeningFacts(
        id=screening.id,
        screened_on=screening.screened_on,
        valid_until=screening.valid_until,
        outcome=screening.outcome,
        take_over_required=screening.take_over_required,
        take_over_amount=screening.take_over_amount,
        net_income=screening.household_income
        + screening.business_income
        - screening.household_expenses,
        monthly_debt_service=screening.monthly_debt_service,
    )


def referral_facts(
    session: Session, referral: Referral, today: date | None = None
) -> gate_rules.ReferralFacts:
    """Gather, from the database, everything the gate rules look at."""
    from harkat.incubation.services import has_graduated
    from harkat.screening.services import latest_valid

    today = today or _today()
    ids = [m.entrepreneur_id for m in referral.members]
    others = open_referrals_of(session, ids, exclude_id=referral.id)
    documents: dict[int, set[DocumentKind]] = {}
    for doc in active_documents(session, referral):
        if doc.entrepreneur_id is not None:
            documents.setdefault(doc.entrepreneur_id, set()).add(doc.kind)
    debt_rows = {t.screening_debt_id: t for t in referral.take_overs}
    debts = (
        session.scalars(sa.select(ScreeningDebt).where(ScreeningDebt.id.in_(list(debt_rows)))).all()
        if debt_rows
        else []
    )
    members = []
    for member in referral.members:
        person = member.entrepreneur
        screening = latest_valid(session, person.id, today)
        mine = [d for d in debts if debt_rows[d.id].entrepreneur_id == person.id]
        if screening is not None:
            mine = [d for d in mine if d.screening_id == screening.id]
        expired = screening is None and session.scalar(
            sa.select(sa.func.count())
            .select_from(Screening)
            .where(Screening.entrepreneur_id == person.id)
        )
        members.append(
            gate_rules.MemberFacts(
                entrepreneur_id=person.id,
                name=person.full_name,
                amount=member.amount,
                is_active=person.status == EntrepreneurStatus.ACTIVE,
                has_bank_consent=has_consent(person, ConsentPurpose.BANK_SHARING),
                has_graduated=has_graduated(session, person),
                screening=_screening_facts(screening),
                has_expired_screening=bool(expired),
                documents=frozenset(documents.get(person.id, ())),
                taken_over_service=sum(d.monthly_service for d in mine),
                taken_over_amount=sum(debt_rows[d.id].amount for d in mine),
                other_open_referral=others.get(person.id),
            )
        )
    scheme = referral.scheme
    return gate_rules.ReferralFacts(
        applicant_type=referral.applicant_type,
        scheme=gate_rules.SchemeFacts(
            name=scheme.name,
            applicant_type=scheme.applicant_type,
            annual_rate_percent=referral.annual_rate_percent,
            method=referral.method,
            min_amount_per_member=scheme.min_amount_per_member,
            max_amount_per_member=scheme.max_amount_per_member,
            max_amount_per_group=scheme.max_amount_per_group,
            min_tenor_months=scheme.min_tenor_months,
            max_tenor_months=scheme.max_tenor_months,
            is_active=scheme.is_active,
            active_from=scheme.active_from,
            active_until=scheme.active_until,
        ),
        tenor_months=referral.tenor_months,
        members=tuple(members),
        today=today,
        dsr_limit_percent=get_number(session, "screening.dsr_yellow_max"),
        require_business_photo=get_number(session, "referral.require_business_photo") >= 1,
        min_group_members=int(get_number(session, "referral.min_group_members")),
    )


def exemptions_of(session: Session, referral: Referral) -> list[GateExemption]:
    return list(
        session.scalars(
            sa.select(GateExemption)
            .where(GateExemption.referral_id == referral.id)
            .order_by(GateExemption.granted_at)
        )
    )


def check_gates(
    session: Session, referral: Referral, today: date | None = None
) -> list[GateResult]:
    """The live checklist: every gate, with admin exemptions applied."""
    results = gate_rules.evaluate(referral_facts(session, referral, today))
    gate_rules.apply_exemptions(
        results,
        {
            Gate(e.gate): (e.reason, e.granted_by.full_name)
            for e in exemptions_of(session, referral)
        },
    )
    return results


def exempt_gate(
    session: Session, referral: Referral, gate: Gate, reason: str, actor: User
) -> GateExemption:
    """Let an admin waive a gate for this referral, with a reason kept in the audit log."""
    _require(actor.role == Role.ADMIN, None, "Hanya admin yang dapat memberi pengecualian.")
    _require(
        gate in gate_rules.EXEMPTABLE, "gate", f"Syarat “{gate.label}” tidak dapat dikecualikan."
    )
    reason = " ".join((reason or "").split())
    _require(len(reason) >= 10, "reason", "Alasan pengecualian wajib diisi (minimal 10 huruf).")
    _require(
        referral.status in (ReferralStatus.DRAFT, ReferralStatus.NEEDS_INFO),
        None,
        "Pengecualian hanya dapat diberikan sebelum rujukan diajukan.",
    )
    existing = session.scalar(
        sa.select(GateExemption).where(
            GateExemption.referral_id == referral.id, GateExemption.gate == gate.value
        )
    )
    if existing is not None:
        existing.reason = reason[:500]
        existing.granted_by_id = actor.id
        existing.granted_at = utcnow()
        exemption = existing
    else:
        exemption = GateExemption(
            referral_id=referral.id, gate=gate.value, reason=reason[:500], granted_by_id=actor.id
        )
        session.add(exemption)
    session.flush()
    for member in referral.members:
        add_event(
            session,
            member.entrepreneur_id,
            "referral",
            f"Admin mengecualikan syarat “{gate.label}” pada rujukan {referral.number}: {reason}",
            actor,
            {"referral_id": referral.id},
        )
    return exemption


# --------------------------------------------------------------------------- documents


def active_documents(session: Session, referral: Referral) -> list[ReferralDocument]:
    return list(
        session.scalars(
            sa.select(ReferralDocument)
            .where(
                ReferralDocument.referral_id == referral.id, ReferralDocument.removed_at.is_(None)
            )
            .order_by(ReferralDocument.uploaded_at, ReferralDocument.id)
        )
    )


def removed_documents(session: Session, referral: Referral) -> list[ReferralDocument]:
    return list(
        session.scalars(
            sa.select(ReferralDocument)
            .where(
                ReferralDocument.referral_id == referral.id,
                ReferralDocument.removed_at.is_not(None),
            )
            .order_by(ReferralDocument.removed_at)
        )
    )


def get_document(session: Session, referral: Referral, document_id: int) -> ReferralDocument:
    document = session.get(ReferralDocument, document_id)
    if document is None or document.referral_id != referral.id:
        raise NotFound("Dokumen tidak ditemukan.")
    return document


def _editable_by_city(referral: Referral, actor: User, what: str) -> None:
    _require(can_prepare(actor), None, f"Peran Anda tidak dapat {what}.")
    _require(
        referral.status in (ReferralStatus.DRAFT, ReferralStatus.NEEDS_INFO),
        None,
        f"Rujukan berstatus {referral.status.label}; {what} hanya saat draf atau saat bank "
        "meminta kelengkapan.",
    )


def upload_document(
    session: Session,
    referral: Referral,
    *,
    kind: DocumentKind,
    entrepreneur_id: int | None,
    filename: str,
    data: bytes,
    actor: User,
    upload_dir: str | Path,
    max_bytes: int,
) -> ReferralDocument:
    """Store a supporting document after checking what it really is (not what it is called)."""
    document, _ = _store_document(
        session,
        referral,
        DocumentUpload(kind, entrepreneur_id, filename, data),
        actor,
        upload_dir,
        max_bytes,
    )
    return document


@dataclass
class DocumentUpload:
    """One file of an upload: what kind of document it is and whose."""

    kind: DocumentKind
    entrepreneur_id: int | None
    filename: str
    data: bytes


@dataclass
class UploadResult:
    saved: list[ReferralDocument] = field(default_factory=list)
    #: One Indonesian sentence per refused file, naming the file.
    problems: list[str] = field(default_factory=list)
    #: How many photos lost their EXIF (GPS position, camera data) before they were stored.
    cleaned: int = 0


def _store_document(
    session: Session,
    referral: Referral,
    item: DocumentUpload,
    actor: User,
    upload_dir: str | Path,
    max_bytes: int,
) -> tuple[ReferralDocument, bool]:
    _editable_by_city(referral, actor, "mengunggah dokumen")
    member_ids = {m.entrepreneur_id for m in referral.members}
    entrepreneur_id = item.entrepreneur_id
    if item.kind != DocumentKind.GROUP_DECREE:
        _require(entrepreneur_id in member_ids, "entrepreneur_id", "Pilih pemilik dokumen.")
    else:
        entrepreneur_id = None
    data = item.data
    _require(bool(data), "file", "Pilih berkas yang akan diunggah.")
    try:
        file_type = uploads.check_file(
            data,
            max_bytes,
            allowed=(uploads.PDF, uploads.JPEG, uploads.PNG),
            format_message="Berkas: hanya PDF, JPEG atau PNG yang diterima (diperiksa dari isi "
            "berkas, bukan namanya).",
            size_message="Berkas: ukuran maksimal {limit}.",
        )
        # Phone photos carry the GPS position of the person's home: never keep it.
        data, cleaned = uploads.clean_image(data, file_type)
    except uploads.UploadError as error:
        raise StopValidation({"file": [str(error)]}) from None
    stored = uploads.store_file(data, file_type, upload_dir, DOCUMENT_FOLDER)
    name = Path(item.filename or "berkas").name.strip()[:160] or "berkas"
    document = ReferralDocument(
        referral_id=referral.id,
        entrepreneur_id=entrepreneur_id,
        kind=item.kind,
        original_name=name,
        path=stored.path,
        sha256=stored.sha256,
        mime=stored.mime,
        size=stored.size,
        uploaded_by_id=actor.id,
    )
    session.add(document)
    try:
        session.flush()
    except Exception:
        uploads.delete_file(upload_dir, DOCUMENT_FOLDER, stored.path)
        raise
    return document, cleaned


def upload_documents(
    session: Session,
    referral: Referral,
    items: list[tuple[int, DocumentUpload]],
    actor: User,
    upload_dir: str | Path,
    max_bytes: int,
) -> UploadResult:
    """Store several files at once; a refused file is reported by its row and name, the others
    are kept (a second trip over a slow connection for files that were fine is a waste).

    :param items: ``(row number shown to the person, file)`` pairs.
    """
    _editable_by_city(referral, actor, "mengunggah dokumen")
    result = UploadResult()
    for number, item in items:
        try:
            document, cleaned = _store_document(
                session, referral, item, actor, upload_dir, max_bytes
            )
        except StopValidation as error:
            name = Path(item.filename or "").name or "tanpa nama"
            for reasons in error.reasons.values():
                for reason in reasons:
                    reason = reason.removeprefix("Berkas: ")
                    result.problems.append(f"Berkas {number} ({name}): {reason}")
            continue
        result.saved.append(document)
        result.cleaned += int(cleaned)
    return result


@dataclass(frozen=True)
class MissingDocument:
    entrepreneur_id: int
    name: str
    kind: DocumentKind


def missing_documents(session: Session, referral: Referral) -> list[MissingDocument]:
    """Required documents not yet on this referral, member by member in the form's order."""
    facts = referral_facts(session, referral)
    required = gate_rules.required_documents(facts)
    return [
        MissingDocument(m.entrepreneur_id, m.name, kind)
        for m in facts.members
        for kind in required
        if kind not in m.documents
    ]


#: Documents about a person that stay true from one referral to the next.
REUSABLE_KINDS = (DocumentKind.KTP, DocumentKind.KK, DocumentKind.NIB_SKU)


def reusable_documents(session: Session, referral: Referral) -> list[ReferralDocument]:
    """Each member's KTP, KK and NIB/SKU already on file in their other referrals, when this
    referral still lacks that kind for them: the newest of each, to reuse with one tick."""
    if referral.status not in (ReferralStatus.DRAFT, ReferralStatus.NEEDS_INFO):
        return []
    ids = [m.entrepreneur_id for m in referral.members]
    have = {
        (d.entrepreneur_id, d.kind)
        for d in active_documents(session, referral)
        if d.entrepreneur_id is not None
    }
    candidates = session.scalars(
        sa.select(ReferralDocument)
        .where(
            ReferralDocument.entrepreneur_id.in_(ids),
            ReferralDocument.referral_id != referral.id,
            ReferralDocument.removed_at.is_(None),
            ReferralDocument.kind.in_(REUSABLE_KINDS),
        )
        .order_by(ReferralDocument.uploaded_at.desc(), ReferralDocument.id.desc())
    )
    chosen: dict[tuple[int, DocumentKind], ReferralDocument] = {}
    for document in candidates:
        key = (document.entrepreneur_id, document.kind)
        if key not in have and key not in chosen:
            chosen[key] = document
    order = {person: index for index, person in enumerate(ids)}
    return sorted(
        chosen.values(),
        key=lambda d: (order[d.entrepreneur_id], REUSABLE_KINDS.index(d.kind)),
    )


def reuse_documents(
    session: Session, referral: Referral, document_ids: list[int], actor: User
) -> list[ReferralDocument]:
    """Put documents already on file (see :func:`reusable_documents`) on this referral.

    The stored file is shared, not copied: the new record points at the same file with the same
    SHA-256, and the audit log says where it came from.
    """
    _editable_by_city(referral, actor, "memakai ulang dokumen")
    offered = {d.id: d for d in reusable_documents(session, referral)}
    _require(bool(document_ids), "reuse", "Centang dokumen yang akan dipakai ulang.")
    _require(
        all(i in offered for i in document_ids),
        "reuse",
        "Dokumen yang dipilih tidak lagi tersedia untuk dipakai ulang; muat ulang halaman.",
    )
    copies = []
    for source in (offered[i] for i in dict.fromkeys(document_ids)):
        copy = ReferralDocument(
            referral_id=referral.id,
            entrepreneur_id=source.entrepreneur_id,
            kind=source.kind,
            original_name=source.original_name,
            path=source.path,
            sha256=source.sha256,
            mime=source.mime,
            size=source.size,
            uploaded_by_id=actor.id,
        )
        session.add(copy)
        session.flush()
        source_number = session.scalar(
            sa.select(Referral.number).where(Referral.id == source.referral_id)
        )
        audit.record(
            session,
            "referral_document.reuse",
            entity=copy,
            changes={
                "file": source.kind.label,
                "from_document": source.id,
                "from_referral": source_number,
                "sha256": source.sha256,
            },
        )
        copies.append(copy)
    return copies


def documents_zip(
    session: Session, referral: Referral, upload_dir: str | Path
) -> tuple[bytes, int]:
    """All active documents of a referral in one ZIP with a manifest (``DAFTAR-ISI.csv``).

    :return: the ZIP's bytes and how many files are in it (a missing file is listed as such in
        the manifest rather than failing the whole download).
    """
    import csv
    import zipfile

    from harkat.core.spreadsheet import neutralise

    manifest = io.StringIO()
    writer = csv.writer(manifest, delimiter=";")
    writer.writerow(["berkas", "jenis", "milik", "sha256", "ukuran_byte", "diunggah", "nama_asli"])
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, document in enumerate(active_documents(session, referral), start=1):
            owner = document.entrepreneur.full_name if document.entrepreneur else "Kelompok"
            path = uploads.stored_file(upload_dir, DOCUMENT_FOLDER, document.path)
            extension = Path(document.path).suffix
            slug = "".join(c if c.isalnum() else "-" for c in owner.lower()).strip("-")
            name = f"{number:02d}-{document.kind.value}-{slug or 'kelompok'}{extension}"
            if path is None:
                name = f"(berkas tidak ditemukan) {name}"
            else:
                # JPEG/PNG/PDF are compressed already: store them as they are.
                archive.write(path, name, compress_type=zipfile.ZIP_STORED)
                count += 1
            writer.writerow(
                [
                    neutralise(value)
                    for value in (
                        name,
                        document.kind.label,
                        owner,
                        document.sha256,
                        document.size,
                        to_local(document.uploaded_at).strftime("%Y-%m-%d %H:%M WIB"),
                        document.original_name,
                    )
                ]
            )
        archive.writestr("DAFTAR-ISI.csv", "\ufeff" + manifest.getvalue())
    return buffer.getvalue(), count


def remove_document(
    session: Session, referral: Referral, document: ReferralDocument, reason: str, actor: User
) -> None:
    """Take a document out of the referral; the file and the record stay for the audit trail."""
    _editable_by_city(referral, actor, "menghapus dokumen")
    _require(document.removed_at is None, None, "Dokumen ini sudah dihapus.")
    document.removed_at = utcnow()
    document.removed_by_id = actor.id
    document.removed_reason = " ".join((reason or "").split())[:200] or "Dihapus pendamping"
    session.flush()


# --------------------------------------------------------------------------- transitions


@dataclass
class Terms:
    amount: int | None
    tenor_months: int | None
    annual_rate_percent: Decimal | None


@dataclass
class Disbursement:
    member_id: int
    disbursed_on: date | None
    amount: int | None
    account_number: str


@dataclass
class Payoff:
    """How the bank settled one take-over debt at disbursement, with the settlement letter."""

    take_over_id: int
    paid_to: str
    amount: int | None
    paid_on: date | None
    proof: bytes | None = None
    proof_name: str = ""


@dataclass
class TransitionInput:
    action: Action
    version: int | None
    note: str = ""
    terms: Terms | None = None
    reason_code: str | None = None
    disbursements: list[Disbursement] = field(default_factory=list)
    #: One per take-over debt of the referral, when disbursing.
    payoffs: list[Payoff] = field(default_factory=list)
    #: Where settlement letters are stored, and how large they may be.
    upload_dir: str | Path | None = None
    max_upload_bytes: int = 0


STAGE_AFTER = {
    Action.SUBMIT: JourneyStage.REFERRED,
    Action.APPROVE: JourneyStage.APPROVED,
    Action.DISBURSE: JourneyStage.DISBURSED,
}

EVENT_TEXT = {
    Action.SUBMIT: "Rujukan {number} diajukan ke {bank}.",
    Action.REVIEW: "{bank} mulai menelaah rujukan {number}.",
    Action.REQUEST_INFO: "{bank} meminta kelengkapan rujukan {number}: {note}",
    Action.ANSWER: "Kelengkapan rujukan {number} dikirim ke {bank}: {note}",
    Action.APPROVE: "{bank} menyetujui rujukan {number}: {terms}.",
    Action.REJECT: "{bank} menolak rujukan {number}: {note}",
    Action.WITHDRAW: "Rujukan {number} ditarik: {note}",
    Action.DISBURSE: "Dana rujukan {number} cair: {note}",
}


def _check_actor_owns(referral: Referral, actor: User) -> None:
    if actor.role == Role.BANK_OFFICER and referral.bank_id != actor.bank_id:
        raise NotFound("Rujukan tidak ditemukan.")
    if actor.role == Role.FACILITATOR and referral.kecamatan_code not in actor.kecamatan_codes:
        raise NotFound("Rujukan tidak ditemukan.")


def _note(text: str | None) -> str:
    return " ".join((text or "").split())[:1000]


def transition(
    session: Session,
    referral: Referral,
    data: TransitionInput,
    actor: User,
    today: date | None = None,
) -> ReferralStatus:
    """Move a referral one step, recording who, when and why; refuse anything not allowed.

    :raise StopValidation: the action is not allowed now, or its details are missing.
    :raise StaleObjectError: the referral changed since the actor's page was opened.
    """
    today = today or _today()
    _check_actor_owns(referral, actor)
    check_version(referral, data.version)
    try:
        target = next_state(referral.status, data.action, actor.role)
    except TransitionError as error:
        denials.note(
            "transition_refused",
            detail={
                "referral_id": referral.id,
                "action": data.action.value,
                "from_status": referral.status.value,
                "message": str(error),
            },
        )
        raise StopValidation({None: [str(error)]}) from None
    note = _note(data.note)
    extra: dict = {}
    action = data.action
    if action == Action.SUBMIT:
        results = check_gates(session, referral, today)
        failed = [r.gate.label for r in results if not r.ok]
        _require(
            not failed,
            None,
            "Belum dapat diajukan; syarat belum terpenuhi: " + "; ".join(failed) + ".",
        )
        referral.gate_snapshot = [r.to_snapshot() for r in results]
        referral.submitted_at = utcnow()
    elif action in (Action.REQUEST_INFO, Action.ANSWER, Action.WITHDRAW):
        _require(len(note) >= 5, "note", "Tuliskan pesan atau alasannya (minimal 5 huruf).")
        if action != Action.WITHDRAW:
            session.add(ReferralMessage(referral_id=referral.id, author_id=actor.id, body=note))
    elif action == Action.APPROVE:
        extra = _approve(referral, data.terms)
    elif action == Action.REJECT:
        reason = session.get(RejectionReason, data.reason_code) if data.reason_code else None
        _require(
            reason is not None and reason.is_active,
            "reason_code",
            "Pilih alasan penolakan dari daftar.",
        )
        _require(
            reason.code != "lainnya" or len(note) >= 5,
            "note",
            "Alasan “lainnya” wajib dijelaskan dalam catatan.",
        )
        referral.rejection_code = reason.code
        referral.rejection_note = note or None
        note = f"{reason.label}{' — ' + note if note else ''}"
        extra = {"reason_code": reason.code}
    elif action == Action.DISBURSE:
        extra = _disburse(session, referral, data, today)
        note = ", ".join(
            f"{line['name']} {format_rupiah(line['amount'])} pada {format_date(line['on'])}"
            for line in extra["lines"]
        )
        if extra["payoffs"]:
            note += "; pelunasan: " + ", ".join(
                f"{p['paid_to']} {format_rupiah(p['amount'])} pada {format_date(p['on'])}"
                for p in extra["payoffs"]
            )
        extra = {
            "loans": [line["loan_id"] for line in extra["lines"]],
            "payoffs": [{**p, "on": p["on"].isoformat()} for p in extra["payoffs"]],
        }
    previous = referral.status
    referral.status = target
    now = utcnow()
    referral.last_action_at = now
    referral.updated_by_id = actor.id
    if action in (Action.APPROVE, Action.REJECT):
        referral.decided_at = now
    session.add(
        ReferralTransition(
            referral_id=referral.id,
            action=action.value,
            from_status=previous,
            to_status=target,
            actor_id=actor.id,
            at=now,
            note=note,
            data=extra,
        )
    )
    session.flush()
    audit.record(
        session,
        f"referral.{action.value}",
        entity=referral,
        changes={"status": [previous.value, target.value], "note": note, **extra},
    )
    terms_text = ""
    if action == Action.APPROVE:
        terms_text = (
            f"{format_rupiah(referral.approved_amount)}, {referral.approved_tenor_months} bulan, "
            f"{referral.approved_rate_percent.normalize():f}% per tahun"
        )
    summary = EVENT_TEXT[action].format(
        number=referral.number, bank=referral.bank.name, note=note, terms=terms_text
    )
    stage = STAGE_AFTER.get(action)
    for member in referral.members:
        add_event(
            session,
            member.entrepreneur_id,
            "referral",
            summary,
            actor,
            {"referral_id": referral.id, "action": action.value},
        )
        person = member.entrepreneur
        if stage is not None:
            set_stage(session, person, stage, actor)
        elif action in (Action.REJECT, Action.WITHDRAW) and person.stage in (
            JourneyStage.REFERRED,
            JourneyStage.APPROVED,
        ):
            set_stage(session, person, JourneyStage.SCREENED, actor)
    return target


def _approve(referral: Referral, terms: Terms | None) -> dict:
    terms = terms or Terms(None, None, None)
    problems: dict[str | None, list[str]] = {}
    if terms.amount is None or not 0 < terms.amount <= MAX_RUPIAH:
        problems["approved_amount"] = ["Jumlah disetujui wajib diisi dan lebih dari nol."]
    if terms.tenor_months is None or not 1 <= terms.tenor_months <= MAX_TENOR:
        problems["approved_tenor_months"] = [f"Tenor disetujui harus 1 sampai {MAX_TENOR} bulan."]
    if terms.annual_rate_percent is None or not 0 <= terms.annual_rate_percent <= 100:
        word = referral.bank.rate_word.capitalize()
        problems["approved_rate_percent"] = [f"{word} disetujui harus antara 0% dan 100%."]
    if problems:
        raise StopValidation(problems)
    _check_scheme_terms(referral, terms, problems)
    if problems:
        raise StopValidation(problems)
    referral.approved_amount = terms.amount
    referral.approved_tenor_months = terms.tenor_months
    referral.approved_rate_percent = terms.annual_rate_percent
    return {
        "approved_amount": terms.amount,
        "approved_tenor_months": terms.tenor_months,
        "approved_rate_percent": str(terms.annual_rate_percent),
    }


def member_shares(referral: Referral, total: int) -> dict[int, int]:
    """Split ``total`` over the borrower lines in proportion to what each asked for.

    Half-up to whole rupiah; the last line absorbs the difference so the shares sum to ``total``.
    :return: ``{referral_member.id: share}``.
    """
    requested = referral.requested_amount
    shares: dict[int, int] = {}
    given = 0
    for index, member in enumerate(referral.members):
        if index == len(referral.members) - 1:
            shares[member.id] = total - given
        else:
            share = int(
                (Decimal(total) * member.amount / Decimal(requested)).quantize(
                    Decimal(1), rounding=ROUND_HALF_UP
                )
            )
            shares[member.id] = share
            given += share
    return shares


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _check_scheme_terms(
    referral: Referral, terms: Terms, problems: dict[str | None, list[str]]
) -> None:
    """Refuse approval terms outside the referral's scheme: amount, tenor and rate or margin.

    The rate is the scheme's single subsidised rate (copied onto the referral when it was
    drafted): the city pays for a fixed 3% product, so a bank may neither charge more nor
    record another figure (0% included) that the loan, schedule and reports would then carry.
    """
    scheme = referral.scheme
    word = referral.bank.rate_word
    if not scheme.min_tenor_months <= terms.tenor_months <= scheme.max_tenor_months:
        problems.setdefault("approved_tenor_months", []).append(
            f"Tenor disetujui: {terms.tenor_months} bulan di luar batas skema {scheme.name} "
            f"({scheme.min_tenor_months}–{scheme.max_tenor_months} bulan)."
        )
    if terms.annual_rate_percent != referral.annual_rate_percent:
        problems.setdefault("approved_rate_percent", []).append(
            f"{word.capitalize()} disetujui: harus sama dengan {word} skema {scheme.name}, "
            f"{_percent(referral.annual_rate_percent)}% per tahun (nominal); skema ini tidak "
            f"mengizinkan {word} lain, lebih tinggi maupun lebih rendah."
        )
    amount_problems = problems.setdefault("approved_amount", [])
    if scheme.max_amount_per_group is not None and terms.amount > scheme.max_amount_per_group:
        amount_problems.append(
            f"Jumlah disetujui: {format_rupiah(terms.amount)} melebihi batas skema "
            f"{scheme.name} per kelompok ({format_rupiah(scheme.max_amount_per_group)})."
        )
    shares = member_shares(referral, terms.amount)
    for member in referral.members:
        share = shares[member.id]
        if not scheme.min_amount_per_member <= share <= scheme.max_amount_per_member:
            whose = (
                f"bagian {member.entrepreneur.full_name} {format_rupiah(share)}"
                if len(referral.members) > 1
                else format_rupiah(share)
            )
            amount_problems.append(
                f"Jumlah disetujui: {whose} di luar batas skema {scheme.name} per anggota "
                f"({format_rupiah(scheme.min_amount_per_member)}–"
                f"{format_rupiah(scheme.max_amount_per_member)})."
            )
    if not amount_problems:
        del problems["approved_amount"]


def _check_payoffs(
    referral: Referral,
    data: TransitionInput,
    today: date,
    decided_on: date | None,
    paid_by_member: dict[int, int],
    problems: dict[str | None, list[str]],
) -> list[tuple[ReferralTakeOver, Payoff, tuple[str, str] | None]]:
    """Check the payoff of every take-over debt; return each with its proof's file type."""
    given = {p.take_over_id: p for p in data.payoffs}
    checked = []
    for index, take_over in enumerate(referral.take_overs):
        key = f"payoffs-{index}"
        payoff = given.get(take_over.id)
        lender = take_over.debt.lender_name
        if payoff is None:
            problems.setdefault(key, []).append(
                f"Catat pelunasan utang ke {lender}: penerima, jumlah, tanggal dan surat "
                "keterangan lunas."
            )
            continue
        paid_to = " ".join((payoff.paid_to or "").split())
        if not paid_to:
            problems.setdefault(f"{key}-paid_to", []).append("Penerima pelunasan wajib diisi.")
        elif len(paid_to) > 120:
            problems.setdefault(f"{key}-paid_to", []).append("Nama penerima terlalu panjang.")
        if payoff.amount is None or payoff.amount <= 0:
            problems.setdefault(f"{key}-amount", []).append(
                "Jumlah pelunasan wajib diisi dan lebih dari nol."
            )
        elif payoff.amount > take_over.amount:
            problems.setdefault(f"{key}-amount", []).append(
                f"Jumlah pelunasan melebihi yang direncanakan ({format_rupiah(take_over.amount)})"
                + (
                    "; untuk pinjol ilegal paling banyak pokok yang diterima dikurangi yang "
                    "sudah dibayar (admin dapat mengubahnya di hasil skrining)."
                    if take_over.amount < take_over.debt.outstanding
                    else "."
                )
            )
        else:
            paid_by_member[take_over.entrepreneur_id] = (
                paid_by_member.get(take_over.entrepreneur_id, 0) + payoff.amount
            )
        if payoff.paid_on is None:
            problems.setdefault(f"{key}-paid_on", []).append("Tanggal pelunasan wajib diisi.")
        elif payoff.paid_on > today:
            problems.setdefault(f"{key}-paid_on", []).append(
                "Tanggal pelunasan tidak boleh di masa depan."
            )
        elif decided_on and payoff.paid_on < decided_on:
            problems.setdefault(f"{key}-paid_on", []).append(
                "Tanggal pelunasan tidak boleh sebelum tanggal persetujuan "
                f"({format_date(decided_on)})."
            )
        kind = None
        if not payoff.proof:
            problems.setdefault(f"{key}-proof", []).append(
                "Unggah surat keterangan lunas (PDF, JPEG atau PNG)."
            )
        else:
            try:
                kind = uploads.check_file(
                    payoff.proof,
                    data.max_upload_bytes,
                    allowed=(uploads.PDF, uploads.JPEG, uploads.PNG),
                    format_message="Surat keterangan lunas: hanya PDF, JPEG atau PNG (diperiksa "
                    "dari isi berkas, bukan namanya).",
                    size_message="Surat keterangan lunas: ukuran maksimal {limit}.",
                )
            except uploads.UploadError as error:
                problems.setdefault(f"{key}-proof", []).append(str(error))
        checked.append((take_over, replace(payoff, paid_to=paid_to), kind))
    unknown = set(given) - {t.id for t in referral.take_overs}
    if unknown:
        problems.setdefault(None, []).append("Ada pelunasan yang bukan utang rujukan ini.")
    return checked


def _disburse(session: Session, referral: Referral, data: TransitionInput, today: date) -> dict:
    """Create one loan per borrower line, and record each take-over payoff with its proof."""
    lines = data.disbursements
    members = {m.id: m for m in referral.members}
    problems: dict[str | None, list[str]] = {}
    given: dict[int, Disbursement] = {}
    for index, line in enumerate(lines):
        if line.member_id in given:
            # Two lines for one person are refused, never added up or overwritten silently.
            member = members.get(line.member_id)
            name = member.entrepreneur.full_name if member else "yang sama"
            problems.setdefault(f"lines-{index}", []).append(
                f"Baris pencairan: anggota {name} tercantum dua kali; satu baris per anggota."
            )
            continue
        given[line.member_id] = line
    shares = (
        member_shares(referral, referral.approved_amount)
        if referral.approved_amount is not None
        else {}
    )
    max_per_member = referral.scheme.max_amount_per_member
    decided_on = to_local(referral.decided_at).date() if referral.decided_at else None
    total = 0
    for index, member in enumerate(referral.members):
        line = given.get(member.id)
        key = f"lines-{index}"
        if line is None:
            problems.setdefault(key, []).append("Isi pencairan untuk setiap anggota.")
            continue
        account = " ".join((line.account_number or "").split())
        if not account:
            problems.setdefault(key, []).append("Nomor rekening pinjaman wajib diisi.")
        elif len(account) > 40:
            problems.setdefault(key, []).append("Nomor rekening pinjaman terlalu panjang.")
        if line.amount is None or not 0 < line.amount <= MAX_RUPIAH:
            problems.setdefault(key, []).append("Jumlah cair wajib diisi dan lebih dari nol.")
        else:
            total += line.amount
            share = shares.get(member.id)
            if share is not None and line.amount > share:
                problems.setdefault(key, []).append(
                    f"Jumlah cair {member.entrepreneur.full_name}: {format_rupiah(line.amount)} "
                    f"melebihi bagiannya dari jumlah disetujui ({format_rupiah(share)})."
                )
            elif line.amount > max_per_member:
                problems.setdefault(key, []).append(
                    f"Jumlah cair {member.entrepreneur.full_name}: {format_rupiah(line.amount)} "
                    f"melebihi batas skema {referral.scheme.name} per anggota "
                    f"({format_rupiah(max_per_member)})."
                )
        if line.disbursed_on is None:
            problems.setdefault(key, []).append("Tanggal cair wajib diisi.")
        elif line.disbursed_on > today:
            problems.setdefault(key, []).append("Tanggal cair tidak boleh di masa depan.")
        elif decided_on and line.disbursed_on < decided_on:
            problems.setdefault(key, []).append(
                f"Tanggal cair tidak boleh sebelum tanggal persetujuan ({format_date(decided_on)})."
            )
    unknown = set(given) - set(members)
    if unknown:
        problems.setdefault(None, []).append("Ada baris pencairan yang bukan anggota rujukan.")
    if referral.approved_amount is not None and total > referral.approved_amount:
        problems.setdefault(None, []).append(
            f"Jumlah cair {format_rupiah(total)} melebihi jumlah disetujui "
            f"{format_rupiah(referral.approved_amount)}."
        )
    accounts = [" ".join(line.account_number.split()) for line in lines if line.account_number]
    if len(accounts) != len(set(accounts)):
        problems.setdefault(None, []).append("Nomor rekening pinjaman tidak boleh sama.")
    taken = set(
        session.scalars(
            sa.select(Loan.account_number).where(
                Loan.bank_id == referral.bank_id, Loan.account_number.in_(accounts)
            )
        )
    )
    if taken:
        problems.setdefault(None, []).append(
            "Nomor rekening sudah dipakai pinjaman lain di bank ini: " + ", ".join(sorted(taken))
        )
    paid_by_member: dict[int, int] = {}
    payoffs = _check_payoffs(referral, data, today, decided_on, paid_by_member, problems)
    for member in referral.members:
        line = given.get(member.id)
        paid = paid_by_member.get(member.entrepreneur_id, 0)
        if line is not None and line.amount and paid > line.amount:
            problems.setdefault(None, []).append(
                f"Pelunasan utang {member.entrepreneur.full_name} ({format_rupiah(paid)}) "
                f"melebihi pinjaman yang cair ({format_rupiah(line.amount)})."
            )
    if problems:
        raise StopValidation(problems)
    stored_paths: list[str] = []
    paid_out = []
    try:
        for take_over, payoff, kind in payoffs:
            stored = uploads.store_file(payoff.proof, kind, data.upload_dir, DOCUMENT_FOLDER)
            stored_paths.append(stored.path)
            take_over.paid_to = payoff.paid_to
            take_over.paid_amount = payoff.amount
            take_over.paid_on = payoff.paid_on
            take_over.proof_path = stored.path
            take_over.proof_name = Path(payoff.proof_name or "berkas").name.strip()[:160] or (
                "berkas"
            )
            take_over.proof_sha256 = stored.sha256
            take_over.proof_mime = stored.mime
            take_over.proof_size = stored.size
            paid_out.append(
                {
                    "take_over_id": take_over.id,
                    "paid_to": payoff.paid_to,
                    "amount": payoff.amount,
                    "on": payoff.paid_on,
                }
            )
        session.flush()
    except BaseException:
        for path in stored_paths:
            uploads.delete_file(data.upload_dir, DOCUMENT_FOLDER, path)
        raise
    out = []
    for member in referral.members:
        line = given[member.id]
        loan = Loan(
            referral_id=referral.id,
            member_id=member.id,
            entrepreneur_id=member.entrepreneur_id,
            bank_id=referral.bank_id,
            kecamatan_code=referral.kecamatan_code,
            account_number=" ".join(line.account_number.split()),
            disbursed_on=line.disbursed_on,
            amount=line.amount,
            tenor_months=referral.approved_tenor_months or referral.tenor_months,
            annual_rate_percent=referral.approved_rate_percent
            if referral.approved_rate_percent is not None
            else referral.annual_rate_percent,
            method=referral.method,
            collectability=1,
            outstanding=line.amount,
        )
        session.add(loan)
        session.flush()
        out.append(
            {
                "loan_id": loan.id,
                "name": member.entrepreneur.full_name,
                "amount": line.amount,
                "on": line.disbursed_on,
            }
        )
    return {"lines": out, "payoffs": paid_out}


def post_message(session: Session, referral: Referral, body: str, actor: User) -> ReferralMessage:
    """Add a message to the conversation between the city and the bank about this referral."""
    _check_actor_owns(referral, actor)
    _require(actor.role != Role.VIEWER, None, "Peran Anda hanya dapat membaca.")
    _require(
        referral.status not in (ReferralStatus.DRAFT,),
        None,
        "Pesan ke bank baru dapat dikirim setelah rujukan diajukan.",
    )
    text = _note(body)
    _require(len(text) >= 2, "body", "Pesan tidak boleh kosong.")
    message = ReferralMessage(referral_id=referral.id, author_id=actor.id, body=text)
    session.add(message)
    referral.last_action_at = utcnow()
    session.flush()
    return message


def messages_of(session: Session, referral: Referral) -> list[ReferralMessage]:
    return list(
        session.scalars(
            sa.select(ReferralMessage)
            .where(ReferralMessage.referral_id == referral.id)
            .order_by(ReferralMessage.at, ReferralMessage.id)
        )
    )


def transitions_of(session: Session, referral: Referral) -> list[ReferralTransition]:
    return list(
        session.scalars(
            sa.select(ReferralTransition)
            .where(ReferralTransition.referral_id == referral.id)
            .order_by(ReferralTransition.at, ReferralTransition.id)
        )
    )


def rejection_reasons(session: Session, active_only: bool = True) -> list[RejectionReason]:
    query = sa.select(RejectionReason).order_by(RejectionReason.sort_order, RejectionReason.label)
    if active_only:
        query = query.where(RejectionReason.is_active)
    return list(session.scalars(query))


# --------------------------------------------------------------------------- queue & SLA


@dataclass
class QueueFilter:
    status: ReferralStatus | None = None
    kecamatan_code: str | None = None
    bank_id: int | None = None
    #: Only referrals waiting at least this many days since submission.
    min_age_days: int | None = None
    number: str = ""


def queue_query(user: User, filters: QueueFilter, now: datetime | None = None) -> sa.Select:
    """Referrals the user may see, filtered; the oldest submission first, drafts last."""
    query = sa.select(Referral).where(referral_scope(user))
    if filters.status:
        query = query.where(Referral.status == filters.status)
    if filters.kecamatan_code:
        query = query.where(Referral.kecamatan_code == filters.kecamatan_code)
    if filters.bank_id:
        query = query.where(Referral.bank_id == filters.bank_id)
    if filters.number:
        query = query.where(Referral.number.contains(filters.number.strip().upper()))
    if filters.min_age_days:
        cutoff = (now or utcnow()) - timedelta(days=filters.min_age_days)
        query = query.where(Referral.submitted_at <= cutoff)
    # What waits for this user comes first (oldest first), then the rest, newest first.
    if user.role == Role.BANK_OFFICER:
        first = [ReferralStatus.SUBMITTED, ReferralStatus.IN_REVIEW, ReferralStatus.APPROVED]
    elif user.role == Role.FACILITATOR:
        first = [ReferralStatus.NEEDS_INFO, ReferralStatus.DRAFT]
    else:
        first = [ReferralStatus.SUBMITTED, ReferralStatus.IN_REVIEW, ReferralStatus.NEEDS_INFO]
    waiting = Referral.status.in_(first)
    return query.order_by(
        sa.case((waiting, 0), else_=1),
        sa.case((waiting, Referral.last_action_at), else_=None),
        Referral.last_action_at.desc(),
        Referral.id.desc(),
    )


def sla_days(session: Session) -> int:
    return int(get_number(session, "referral.sla_days"))


def days_since(moment: datetime | None, now: datetime | None = None) -> int | None:
    if moment is None:
        return None
    now = now or utcnow()
    return (to_local(now).date() - to_local(moment).date()).days


@dataclass
class DeskSummary:
    """A bank officer's queue at a glance: counts per status and how many are past the SLA."""

    counts: dict[ReferralStatus, int]
    overdue: int
    sla_days: int
    oldest: list[Referral]


def desk_summary(session: Session, user: User, now: datetime | None = None) -> DeskSummary:
    now = now or utcnow()
    limit = sla_days(session)
    counts = dict(
        session.execute(
            sa.select(Referral.status, sa.func.count())
            .where(referral_scope(user))
            .group_by(Referral.status)
        ).all()
    )
    waiting = sa.and_(referral_scope(user), Referral.status.in_(list(WAITING_FOR_BANK)))
    overdue = session.scalar(
        sa.select(sa.func.count())
        .select_from(Referral)
        .where(waiting, Referral.submitted_at <= now - timedelta(days=limit))
    )
    oldest = session.scalars(
        sa.select(Referral).where(waiting).order_by(Referral.submitted_at).limit(10)
    ).all()
    return DeskSummary(counts, int(overdue or 0), limit, list(oldest))


def notification_counts(session: Session, user: User) -> dict[str, int]:
    """What waits for this user: info requests for facilitators, new submissions for banks."""
    if user.role == Role.FACILITATOR:
        wanted = ReferralStatus.NEEDS_INFO
    elif user.role == Role.BANK_OFFICER:
        wanted = ReferralStatus.SUBMITTED
    else:
        return {}
    count = session.scalar(
        sa.select(sa.func.count())
        .select_from(Referral)
        .where(referral_scope(user), Referral.status == wanted)
    )
    return {wanted.value: int(count or 0)}


# --------------------------------------------------------------------------- repayments


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


@dataclass
class ReportData:
    period: date | None
    collectability: int | None
    outstanding: int | None
    days_past_due: int | None = 0


def record_report(
    session: Session, loan: Loan, data: ReportData, actor: User, today: date | None = None
) -> LoanReport:
    """Record (or correct) one month's collectability and outstanding balance of a loan."""
    today = today or _today()
    _require(
        actor.role == Role.BANK_OFFICER and loan.bank_id == actor.bank_id,
        None,
        "Hanya petugas bank penyalur yang dapat melaporkan angsuran.",
    )
    problems: dict[str | None, list[str]] = {}
    period = _first_of_month(data.period) if data.period else None
    if period is None:
        problems["period"] = ["Periode (bulan) wajib diisi."]
    elif period < _first_of_month(loan.disbursed_on) or period > _first_of_month(today):
        problems["period"] = ["Periode harus antara bulan pencairan dan bulan ini."]
    if data.collectability not in (1, 2, 3, 4, 5):
        problems["collectability"] = ["Kolektibilitas harus 1 sampai 5."]
    if data.outstanding is None or not 0 <= data.outstanding <= loan.amount:
        problems["outstanding"] = [
            f"Sisa pokok harus antara Rp0 dan plafon {format_rupiah(loan.amount)}."
        ]
    if data.days_past_due is not None and not 0 <= data.days_past_due <= 3650:
        problems["days_past_due"] = ["Hari tunggakan harus 0 sampai 3650."]
    if problems:
        raise StopValidation(problems)
    report = session.scalar(
        sa.select(LoanReport).where(LoanReport.loan_id == loan.id, LoanReport.period == period)
    )
    if report is None:
        report = LoanReport(loan_id=loan.id, period=period)
        session.add(report)
    report.collectability = data.collectability
    report.outstanding = data.outstanding
    report.days_past_due = data.days_past_due or 0
    report.reported_by_id = actor.id
    report.reported_at = utcnow()
    if loan.reported_period is None or period >= loan.reported_period:
        loan.collectability = data.collectability
        loan.outstanding = data.outstanding
        loan.reported_period = period
    session.flush()
    person = loan.entrepreneur
    if person.stage == JourneyStage.DISBURSED:
        set_stage(session, person, JourneyStage.REPAYING, actor)
    return report


COLUMN_ALIASES = {
    "nomor_rekening": "account_number",
    "no_rekening": "account_number",
    "rekening": "account_number",
    "periode": "period",
    "bulan": "period",
    "kolektibilitas": "collectability",
    "kol": "collectability",
    "sisa_pokok": "outstanding",
    "outstanding": "outstanding",
    "baki_debet": "outstanding",
    "hari_tunggakan": "days_past_due",
    "dpd": "days_past_due",
}
REQUIRED_COLUMNS = ("account_number", "period", "collectability", "outstanding")
COLUMN_LABELS = {
    "account_number": "nomor_rekening",
    "period": "periode",
    "collectability": "kolektibilitas",
    "outstanding": "sisa_pokok",
    "days_past_due": "hari_tunggakan",
}
MAX_IMPORT_ROWS = 20_000


@dataclass
class ImportRow:
    line: int
    account_number: str
    problems: list[str] = field(default_factory=list)
    loan_id: int | None = None
    data: ReportData | None = None


@dataclass
class ImportResult:
    rows: list[ImportRow]
    saved: int = 0

    @property
    def problems(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]


def _parse_period(text: str) -> date | None:
    text = text.strip()
    for fmt in ("%Y-%m", "%m/%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            # A calendar month, not a moment: no time zone applies.
            return _first_of_month(datetime.strptime(text, fmt).date())  # noqa: DTZ007
        except ValueError:
            continue
    return None


def _parse_int(text: str) -> int | None:
    cleaned = text.strip().replace("Rp", "").replace(".", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else None


def import_reports(
    session: Session, content: bytes, actor: User, today: date | None = None
) -> ImportResult:
    """Read a bank's monthly CSV; all rows are saved or, if any row is wrong, none is.

    Columns (header names are case-insensitive): ``nomor_rekening, periode (YYYY-MM),
    kolektibilitas (1–5), sisa_pokok`` and optionally ``hari_tunggakan``.
    """
    _require(
        actor.role == Role.BANK_OFFICER and actor.bank_id is not None,
        None,
        "Hanya petugas bank penyalur yang dapat mengimpor laporan angsuran.",
    )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StopValidation({"file": ["Berkas: harus CSV dengan pengodean UTF-8."]}) from None
    from harkat.settings.services import get_number

    try:
        # Before pandas reads a single row: a file of half a million lines is refused at once.
        check_text_rows(text, min(MAX_IMPORT_ROWS, int(get_number(session, "import.max_rows"))))
    except TooLarge as error:
        raise StopValidation({"file": [f"Berkas: {error}"]}) from None
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError):
        raise StopValidation({"file": ["Berkas: tidak dapat dibaca sebagai CSV."]}) from None
    frame.columns = [
        COLUMN_ALIASES.get(str(c).strip().lower().replace(" ", "_"), str(c)) for c in frame.columns
    ]
    missing = [COLUMN_LABELS[c] for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise StopValidation({"file": ["Berkas: kolom wajib tidak ada: " + ", ".join(missing)]})
    if len(frame) == 0:
        raise StopValidation({"file": ["Berkas: tidak berisi baris data."]})
    if len(frame) > MAX_IMPORT_ROWS:
        raise StopValidation({"file": [f"Berkas: maksimal {MAX_IMPORT_ROWS} baris sekali impor."]})
    accounts = {" ".join(a.split()) for a in frame["account_number"]}
    loans = {
        loan.account_number: loan
        for loan in session.scalars(
            sa.select(Loan).where(Loan.bank_id == actor.bank_id, Loan.account_number.in_(accounts))
        )
    }
    rows: list[ImportRow] = []
    seen: set[tuple[str, date]] = set()
    for index, record in enumerate(frame.to_dict("records")):
        account = " ".join(str(record["account_number"]).split())
        row = ImportRow(line=index + 2, account_number=account)
        loan = loans.get(account)
        if loan is None:
            row.problems.append("nomor_rekening: tidak ditemukan di pinjaman bank Anda.")
        period = _parse_period(str(record["period"]))
        if period is None:
            row.problems.append("periode: tulis sebagai TTTT-BB, misalnya 2026-10.")
        collectability = _parse_int(str(record["collectability"]))
        if collectability not in (1, 2, 3, 4, 5):
            row.problems.append("kolektibilitas: harus 1 sampai 5.")
        outstanding = _parse_int(str(record["outstanding"]))
        if outstanding is None or outstanding < 0:
            row.problems.append("sisa_pokok: isi dengan angka rupiah (tanpa desimal).")
        raw_days = str(record.get("days_past_due", "")).strip()
        days = _parse_int(raw_days) if raw_days else 0
        if days is None or days < 0:
            row.problems.append("hari_tunggakan: isi dengan angka 0 atau lebih.")
        if loan is not None and period is not None:
            if (account, period) in seen:
                row.problems.append("Baris ganda untuk rekening dan periode yang sama.")
            seen.add((account, period))
            if period < _first_of_month(loan.disbursed_on) or period > _first_of_month(
                today or _today()
            ):
                row.problems.append("periode: harus antara bulan pencairan dan bulan ini.")
            if outstanding is not None and outstanding > loan.amount:
                row.problems.append(
                    f"sisa_pokok: melebihi plafon pinjaman {format_rupiah(loan.amount)}."
                )
        if not row.problems and loan is not None:
            row.loan_id = loan.id
            row.data = ReportData(period, collectability, outstanding, days)
        rows.append(row)
    result = ImportResult(rows)
    if result.problems:
        return result
    for row in rows:
        record_report(session, loans[row.account_number], row.data, actor, today)
        result.saved += 1
    audit.record(
        session,
        "import",
        entity_type="loan_reports",
        changes={"rows": result.saved, "bank_id": actor.bank_id},
    )
    return result


@dataclass
class PortfolioSummary:
    loans: int
    disbursed: int
    outstanding: int
    npl_outstanding: int
    npl_loans: int
    arrears_loans: int

    @property
    def npl_percent(self) -> Decimal | None:
        if not self.outstanding:
            return None
        return (Decimal(self.npl_outstanding) * 100 / Decimal(self.outstanding)).quantize(
            Decimal("0.01")
        )


def portfolio(session: Session, user: User) -> PortfolioSummary:
    """Totals of the loans the user may see: outstanding, NPL (collectability 3–5), arrears."""
    from harkat.referrals.models import NPL_FROM

    npl = Loan.collectability >= NPL_FROM
    row = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Loan.amount), 0),
            sa.func.coalesce(sa.func.sum(Loan.outstanding), 0),
            sa.func.coalesce(sa.func.sum(sa.case((npl, Loan.outstanding), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((npl, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((Loan.collectability >= 2, 1), else_=0)), 0),
        ).where(loan_scope(user))
    ).one()
    return PortfolioSummary(*(int(value) for value in row))


def loans_query(user: User, only: str = "", bank_id: int | None = None) -> sa.Select:
    """Loans in scope; ``only`` is ``npl`` (collectability 3–5) or ``arrears`` (2 and worse)."""
    from harkat.referrals.models import NPL_FROM

    query = sa.select(Loan).where(loan_scope(user))
    if only == "npl":
        query = query.where(Loan.collectability >= NPL_FROM)
    elif only == "arrears":
        query = query.where(Loan.collectability >= 2)
    if bank_id:
        query = query.where(Loan.bank_id == bank_id)
    return query.order_by(Loan.collectability.desc(), Loan.disbursed_on.desc(), Loan.id.desc())


def local_now() -> datetime:
    return utcnow().astimezone(JAKARTA)


# --------------------------------------------------------------------------- packet


def packet_data(
    session: Session,
    referral: Referral,
    *,
    gates: list[GateResult],
    gates_snapshotted: bool,
    verify_url: str,
    signatory_name: str,
    signatory_title: str,
    upload_dir: str | Path | None = None,
):
    """Gather what the packet PDF prints about each applicant."""
    from harkat.referrals.loans import LoanInputError, schedule
    from harkat.referrals.packet import ApplicantInfo, PacketData
    from harkat.registration.models import Business
    from harkat.screening.services import latest_valid
    from harkat.training.services import enrolments_of

    ids = [m.entrepreneur_id for m in referral.members]
    businesses: dict[int, list[Business]] = {}
    for business in session.scalars(
        sa.select(Business).where(Business.entrepreneur_id.in_(ids)).order_by(Business.id)
    ):
        businesses.setdefault(business.entrepreneur_id, []).append(business)
    enrolments: dict[int, list] = {}
    for enrolment in enrolments_of(session, ids):
        enrolments.setdefault(enrolment.entrepreneur_id, []).append(enrolment)
    as_of = to_local(referral.submitted_at).date() if referral.submitted_at else None
    applicants = []
    for member in referral.members:
        try:
            instalment = schedule(
                member.amount, referral.annual_rate_percent, referral.tenor_months, referral.method
            ).instalment
        except LoanInputError:
            instalment = None
        applicants.append(
            ApplicantInfo(
                entrepreneur=member.entrepreneur,
                amount=member.amount,
                purpose=member.purpose,
                businesses=businesses.get(member.entrepreneur_id, []),
                enrolments=enrolments.get(member.entrepreneur_id, []),
                screening=latest_valid(session, member.entrepreneur_id, as_of),
                instalment=instalment,
                is_chair=member.entrepreneur_id == referral.entrepreneur_id
                and referral.group_id is not None,
            )
        )
    try:
        simulation = schedule(
            referral.requested_amount,
            referral.annual_rate_percent,
            referral.tenor_months,
            referral.method,
        )
    except LoanInputError:
        simulation = None
    names = {m.entrepreneur_id: m.entrepreneur.full_name for m in referral.members}
    documents = active_documents(session, referral)
    image_files = {}
    for document in documents if upload_dir is not None else ():
        path = uploads.stored_file(upload_dir, DOCUMENT_FOLDER, document.path)
        if document.is_image and path is not None:
            image_files[document.id] = path
    return PacketData(
        referral=referral,
        applicants=applicants,
        gates=gates,
        gates_snapshotted=gates_snapshotted,
        schedule=simulation,
        documents=documents,
        image_files=image_files,
        take_overs=[(names.get(t.entrepreneur_id, ""), t) for t in referral.take_overs],
        dsr_limit=gate_rules.dsr_limit_of(gates) or get_number(session, "screening.dsr_yellow_max"),
        member_dsr={
            int(person): Decimal(value)
            for g in gates
            if g.gate == Gate.DSR
            for person, value in (g.details.get("members") or {}).items()
        },
        verify_url=verify_url,
        signatory_name=signatory_name,
        signatory_title=signatory_title,
    )
