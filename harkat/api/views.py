"""JSON API v1 resources. Each calls the same services as the pages, with the token's user as
the actor, so scope, rules and audit are those of the web UI."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import g
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy.orm.exc import StaleDataError

from harkat.api import report_schemas
from harkat.api import schemas as s
from harkat.api.core import Blueprint, api_roles
from harkat.auth.domain import Role
from harkat.auth.scope import kecamatan_scope
from harkat.cases.domain import EntrepreneurStatus
from harkat.core.enums import ApplicantType, LoanMethod
from harkat.core.nik import Gender, mask_nik
from harkat.errors import NotFound, StaleObjectError, StopValidation
from harkat.extensions import db
from harkat.reference.models import Bank, Kecamatan, Kelurahan, Scheme
from harkat.referrals import services as referrals
from harkat.referrals.gates import gates_from_snapshot
from harkat.referrals.loans import LoanInputError, schedule
from harkat.referrals.models import Loan, LoanPurpose, Referral
from harkat.referrals.transitions import Action, ReferralStatus
from harkat.registration import services as registration
from harkat.registration.domain import Education, MaritalStatus
from harkat.registration.models import Entrepreneur, Group

EDITORS = (Role.ADMIN, Role.FACILITATOR)

reference_bp = Blueprint(
    "api_reference",
    __name__,
    url_prefix="/api/v1/reference",
    description="Data acuan: wilayah, bank, skema.",
)
entrepreneurs_bp = Blueprint(
    "api_entrepreneurs",
    __name__,
    url_prefix="/api/v1",
    description="Pelaku usaha dan skrining utang.",
)
groups_bp = Blueprint(
    "api_groups", __name__, url_prefix="/api/v1/groups", description="Kelompok usaha."
)
calculator_bp = Blueprint(
    "api_calculator", __name__, url_prefix="/api/v1", description="Kalkulator pinjaman."
)
referrals_bp = Blueprint(
    "api_referrals",
    __name__,
    url_prefix="/api/v1",
    description="Rujukan ke bank, keputusan dan pencairan.",
)
loans_bp = Blueprint(
    "api_loans",
    __name__,
    url_prefix="/api/v1/loans",
    description="Pinjaman dan laporan angsuran bulanan.",
)
reports_bp = Blueprint(
    "api_reports", __name__, url_prefix="/api/v1/reports", description="Laporan serapan dana."
)
BLUEPRINTS = (
    reference_bp,
    entrepreneurs_bp,
    groups_bp,
    calculator_bp,
    referrals_bp,
    loans_bp,
    reports_bp,
)


# --------------------------------------------------------------------------- helpers


def commit(action):
    """Run a service call in the request's transaction and map refusals to HTTP errors."""
    try:
        result = action()
        db.session.flush()
    except NotFound:
        db.session.rollback()
        abort(404)
    except (StaleObjectError, StaleDataError) as error:
        db.session.rollback()
        message = str(error) if isinstance(error, StaleObjectError) else None
        abort(409, message=message)
    except StopValidation as error:
        db.session.rollback()
        reasons = {key or "_": value for key, value in error.reasons.items()}
        if any("sudah terdaftar" in r for r in reasons.get("nik", [])):
            abort(409, message=reasons["nik"][0], errors={"nik": reasons["nik"]}, code="duplicate")
        first = next(iter(reasons.values()))[0]
        abort(422, message=first, errors=reasons)
    db.session.commit()
    return result


def page_of(query, args) -> tuple[list, dict]:
    page = db.paginate(
        query, page=args["page"], per_page=args["per_page"], error_out=False, count=True
    )
    return page.items, {
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


def _masked() -> bool:
    return g.user.role == Role.VIEWER


def entrepreneur_out(e: Entrepreneur, warnings: list[str] | None = None) -> dict:
    masked = _masked()
    return {
        "id": e.id,
        "registration_number": e.registration_number,
        "nik": mask_nik(e.nik) if masked else e.nik,
        "full_name": e.full_name,
        "gender": e.gender.value,
        "birth_place": e.birth_place,
        "birth_date": None if masked else e.birth_date,
        "phone": None if masked else e.phone,
        "address": None if masked else e.address,
        "kelurahan_code": e.kelurahan_code,
        "kecamatan_code": e.kecamatan_code,
        "status": e.status.value,
        "stage": e.stage.value,
        "version": e.version,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "warnings": warnings or [],
    }


# --------------------------------------------------------------------------- reference


@reference_bp.route("/kecamatan")
class KecamatanList(MethodView):
    @reference_bp.response(200, s.KecamatanOut(many=True))
    def get(self):
        """Daftar 11 kecamatan Kota Jambi dengan kode Kemendagri."""
        return db.session.scalars(sa.select(Kecamatan).order_by(Kecamatan.code)).all()


@reference_bp.route("/kelurahan")
class KelurahanList(MethodView):
    @reference_bp.response(200, s.KelurahanOut(many=True))
    def get(self):
        """Daftar 68 kelurahan Kota Jambi."""
        return db.session.scalars(sa.select(Kelurahan).order_by(Kelurahan.code)).all()


@reference_bp.route("/banks")
class BankList(MethodView):
    @reference_bp.response(200, s.BankOut(many=True))
    def get(self):
        """Bank mitra penyalur."""
        return db.session.scalars(sa.select(Bank).order_by(Bank.code)).all()


@reference_bp.route("/schemes")
class SchemeList(MethodView):
    @reference_bp.response(200, s.SchemeOut(many=True))
    def get(self):
        """Skema pembiayaan dengan bunga, batas jumlah dan tenor."""
        return db.session.scalars(sa.select(Scheme).order_by(Scheme.code)).all()


# --------------------------------------------------------------------------- entrepreneurs


def _data(body: dict, base: Entrepreneur | None = None) -> registration.EntrepreneurData:
    def pick(key, default=None):
        if key in body:
            return body[key]
        return getattr(base, key) if base is not None else default

    def enum(cls, value):
        return cls(value) if value not in (None, "") and not isinstance(value, cls) else value

    return registration.EntrepreneurData(
        nik=base.nik if base is not None else body["nik"],
        full_name=pick("full_name"),
        birth_place=pick("birth_place"),
        kelurahan_code=pick("kelurahan_code"),
        address=pick("address"),
        gender=enum(Gender, base.gender if base is not None else body.get("gender")),
        birth_date=base.birth_date if base is not None else body.get("birth_date"),
        phone=pick("phone"),
        rt=pick("rt"),
        rw=pick("rw"),
        education=enum(Education, pick("education")),
        marital_status=enum(MaritalStatus, pick("marital_status")),
        dependants=pick("dependants", 0),
        status=enum(EntrepreneurStatus, pick("status", EntrepreneurStatus.ACTIVE.value)),
    )


def _entrepreneur_page(args: dict) -> dict:
    filters = registration.EntrepreneurFilter(
        q=args["q"],
        kecamatan=args["kecamatan"],
        kelurahan=args["kelurahan"],
        sector=args["sector"],
        scale=args["scale"],
        gender=args["gender"],
        group_id=args["group_id"],
        stage=args["stage"],
        status=args["status"],
    )
    items, meta = page_of(registration.search_entrepreneurs(g.user, filters), args)
    return {"items": [entrepreneur_out(e) for e in items], "meta": meta}


@entrepreneurs_bp.route("/entrepreneurs")
class Entrepreneurs(MethodView):
    @entrepreneurs_bp.arguments(s.EntrepreneurQuery, location="query")
    @entrepreneurs_bp.response(200, s.EntrepreneurPage)
    def get(self, args):
        """Saring pelaku usaha dalam wewenang token (seperti halaman daftar). Pencarian dengan
        NIK atau nomor HP ditolak di sini (400): pakai POST /entrepreneurs/search."""
        return _entrepreneur_page(args)

    @api_roles(*EDITORS)
    @entrepreneurs_bp.arguments(s.EntrepreneurIn)
    @entrepreneurs_bp.response(201, s.EntrepreneurOut)
    def post(self, body):
        """Daftarkan pelaku usaha; NIK yang sudah terdaftar dijawab 409."""
        entrepreneur, warnings = commit(
            lambda: registration.register_entrepreneur(db.session, _data(body), g.user)
        )
        return entrepreneur_out(entrepreneur, warnings)


@entrepreneurs_bp.route("/entrepreneurs/search")
class EntrepreneurSearch(MethodView):
    @entrepreneurs_bp.arguments(s.EntrepreneurSearch)
    @entrepreneurs_bp.response(200, s.EntrepreneurPage)
    def post(self, args):
        """Cari pelaku usaha dengan NIK, nomor HP, nama atau nomor registrasi di badan JSON,
        sehingga nomor identitas tidak tercatat di log alamat. Hanya membaca; boleh diulang."""
        return _entrepreneur_page(args)


def _entrepreneur(entrepreneur_id: int) -> Entrepreneur:
    try:
        return registration.get_entrepreneur(db.session, entrepreneur_id, g.user)
    except NotFound:
        abort(404)


@entrepreneurs_bp.route("/entrepreneurs/<int:entrepreneur_id>")
class EntrepreneurItem(MethodView):
    @entrepreneurs_bp.response(200, s.EntrepreneurOut)
    def get(self, entrepreneur_id):
        """Satu pelaku usaha (404 bila di luar wewenang)."""
        from harkat.audit import services as audit

        entrepreneur = _entrepreneur(entrepreneur_id)
        audit.record_now(db.engine, "view", entity=entrepreneur)
        return entrepreneur_out(entrepreneur)

    @api_roles(*EDITORS)
    @entrepreneurs_bp.arguments(s.EntrepreneurPatch)
    @entrepreneurs_bp.response(200, s.EntrepreneurOut)
    def patch(self, body, entrepreneur_id):
        """Ubah isian yang dikirim; ``version`` lama dijawab 409."""
        entrepreneur = _entrepreneur(entrepreneur_id)
        warnings = commit(
            lambda: registration.update_entrepreneur(
                db.session, entrepreneur, _data(body, entrepreneur), g.user, body["version"]
            )
        )
        return entrepreneur_out(entrepreneur, warnings)


# --------------------------------------------------------------------------- screenings


def screening_out(screening) -> dict:
    return {
        **{
            key: getattr(screening, key)
            for key in (
                "id",
                "entrepreneur_id",
                "screened_on",
                "valid_until",
                "reasons",
                "flags",
                "total_outstanding",
                "monthly_debt_service",
                "dsr",
                "dsr_with_proposed",
                "dsr_after_take_over",
                "take_over_required",
                "take_over_amount",
                "take_over_instalment",
                "take_over_savings",
            )
        },
        "outcome": screening.outcome.value,
        "debts": [
            {
                **{
                    key: getattr(d, key)
                    for key in (
                        "lender_name",
                        "principal",
                        "outstanding",
                        "instalment",
                        "monthly_service",
                        "effective_rate_percent",
                        "nominal_rate_percent",
                        "is_high_cost",
                        "is_licensed",
                        "taken_over",
                    )
                },
                "lender_type": d.lender_type.value,
                "frequency": d.frequency.value,
            }
            for d in screening.debts
        ],
    }


@entrepreneurs_bp.route("/entrepreneurs/<int:entrepreneur_id>/screenings")
class Screenings(MethodView):
    @api_roles(*EDITORS)
    @entrepreneurs_bp.arguments(s.ScreeningIn)
    @entrepreneurs_bp.response(201, s.ScreeningOut)
    def post(self, body, entrepreneur_id):
        """Skrining utang rumah tangga: hasil, alasan dan bunga efektif setiap utang."""
        from flask import current_app

        from harkat.screening import services as screening
        from harkat.screening.engine import Debt, Frequency, Household, LenderType

        entrepreneur = _entrepreneur(entrepreneur_id)
        data = screening.ScreeningInput(
            household=Household(
                household_income=body["household_income"],
                business_income=body["business_income"],
                household_expenses=body["household_expenses"],
            ),
            debts=[
                Debt(
                    lender_name=d["lender_name"].strip(),
                    lender_type=LenderType(d["lender_type"]),
                    principal=d["principal"],
                    outstanding=d["outstanding"],
                    instalment=d["instalment"],
                    frequency=Frequency(d["frequency"]),
                    instalments_total=d["instalments_total"],
                    instalments_paid=d["instalments_paid"],
                    days_past_due=d["days_past_due"],
                    collectability=d["collectability"],
                    intimidation=d["intimidation"],
                    settled_bad_debt_months_ago=d["settled_bad_debt_months_ago"],
                )
                for d in body["debts"]
            ],
            proposed_instalment=body["proposed_instalment"],
            slik_worst_collectability=body["slik_worst_collectability"],
            slik_checked_on=body["slik_checked_on"],
        )
        result = commit(
            lambda: screening.run_screening(
                db.session,
                entrepreneur,
                data,
                g.user,
                upload_dir=current_app.config["UPLOAD_DIR"],
                max_upload_bytes=current_app.config["MAX_UPLOAD_BYTES"],
            )
        )
        return screening_out(result)


@entrepreneurs_bp.route("/screenings/<int:screening_id>")
class ScreeningItem(MethodView):
    @entrepreneurs_bp.response(200, s.ScreeningOut)
    def get(self, screening_id):
        """Satu skrining dengan hasil, alasan dan bunga efektif per utang."""
        from harkat.screening import services as screening

        try:
            return screening_out(screening.get_screening(db.session, screening_id, g.user))
        except NotFound:
            abort(404)


# --------------------------------------------------------------------------- groups


def group_out(group: Group) -> dict:
    return {
        "id": group.id,
        "name": group.name,
        "kelurahan_code": group.kelurahan_code,
        "kecamatan_code": group.kecamatan_code,
        "formed_on": group.formed_on,
        "decree_number": group.decree_number,
        "status": group.status.value,
        "chair_id": group.chair_id,
        "version": group.version,
        "members": [
            {
                "entrepreneur_id": m.entrepreneur_id,
                "full_name": m.entrepreneur.full_name,
                "joined_on": m.joined_on,
                "is_chair": m.entrepreneur_id == group.chair_id,
            }
            for m in group.active_memberships
        ],
    }


@groups_bp.route("")
class Groups(MethodView):
    @groups_bp.arguments(s.GroupQuery, location="query")
    @groups_bp.response(200, s.GroupPage)
    def get(self, args):
        """Kelompok dalam wewenang pemilik token, per halaman."""
        query = sa.select(Group).where(kecamatan_scope(g.user, Group.kecamatan_code))
        if args["kecamatan"]:
            query = query.where(Group.kecamatan_code == args["kecamatan"])
        if args["q"].strip():
            query = query.where(Group.name.ilike(f"%{args['q'].strip()}%"))
        items, meta = page_of(query.order_by(Group.name, Group.id), args)
        return {"items": [group_out(x) for x in items], "meta": meta}

    @api_roles(*EDITORS)
    @groups_bp.arguments(s.GroupIn)
    @groups_bp.response(201, s.GroupOut)
    def post(self, body):
        """Buat kelompok di wilayah pemilik token."""
        data = registration.GroupData(
            name=body["name"],
            kelurahan_code=body["kelurahan_code"],
            formed_on=body["formed_on"],
            decree_number=body["decree_number"],
        )
        return group_out(commit(lambda: registration.save_group(db.session, data, g.user)))


@groups_bp.route("/<int:group_id>")
class GroupItem(MethodView):
    @groups_bp.response(200, s.GroupOut)
    def get(self, group_id):
        """Satu kelompok dengan anggota aktifnya."""
        try:
            return group_out(registration.get_group(db.session, group_id, g.user))
        except NotFound:
            abort(404)

    @api_roles(*EDITORS)
    @groups_bp.arguments(s.GroupPatch)
    @groups_bp.response(200, s.GroupOut)
    def patch(self, body, group_id):
        """Ubah data kelompok; ``version`` harus versi terakhir yang dibaca."""
        try:
            group = registration.get_group(db.session, group_id, g.user)
        except NotFound:
            abort(404)
        data = registration.GroupData(
            name=body.get("name", group.name),
            kelurahan_code=body.get("kelurahan_code", group.kelurahan_code),
            formed_on=body.get("formed_on", group.formed_on),
            decree_number=body.get("decree_number", group.decree_number),
            status=group.status,
        )
        commit(lambda: registration.save_group(db.session, data, g.user, group, body["version"]))
        return group_out(group)


# --------------------------------------------------------------------------- calculator


@calculator_bp.route("/loan-calculator")
class Calculator(MethodView):
    @calculator_bp.arguments(s.CalculatorQuery, location="query")
    @calculator_bp.response(200, s.CalculatorOut)
    def get(self, args):
        """Angsuran, total, bunga efektif setahun dan jadwal lengkap."""
        if args["start_on"] and not 2000 <= args["start_on"].year <= 2100:
            abort(422, errors={"start_on": ["Tanggal pencairan harus antara tahun 2000 dan 2100."]})
        try:
            result = schedule(
                args["principal"],
                args["annual_rate"],
                args["months"],
                LoanMethod(args["method"]),
                args["start_on"],
            )
        except LoanInputError as error:
            abort(422, message=str(error), errors={error.field: [str(error)]})
        return {
            "method": result.method.value,
            "principal": result.principal,
            "principal_in_words": result.principal_in_words,
            "annual_rate_percent": result.annual_rate_percent,
            "months": result.months,
            "instalment": result.instalment,
            "total_paid": result.total_paid,
            "total_interest": result.total_interest,
            "effective_annual_rate_percent": result.effective_annual_rate_percent,
            "rows": [row.__dict__ for row in result.rows],
        }


# --------------------------------------------------------------------------- referrals


def loan_out(loan: Loan) -> dict:
    return {
        "id": loan.id,
        "referral_id": loan.referral_id,
        "entrepreneur_id": loan.entrepreneur_id,
        "bank_code": loan.bank.code,
        "account_number": loan.account_number,
        "disbursed_on": loan.disbursed_on,
        "amount": loan.amount,
        "tenor_months": loan.tenor_months,
        "annual_rate_percent": loan.annual_rate_percent,
        "collectability": loan.collectability,
        "outstanding": loan.outstanding,
        "reported_period": loan.reported_period.strftime("%Y-%m") if loan.reported_period else None,
    }


def referral_out(r: Referral, with_gates: bool = True) -> dict:
    gates = []
    if with_gates:
        results = (
            gates_from_snapshot(r.gate_snapshot)
            if r.gate_snapshot and r.status not in (ReferralStatus.DRAFT, ReferralStatus.NEEDS_INFO)
            else referrals.check_gates(db.session, r)
        )
        gates = [
            {
                "gate": x.gate.value,
                "label": x.gate.label,
                "passed": x.passed,
                "ok": x.ok,
                "problems": x.problems,
                "exemption_reason": x.exemption_reason,
            }
            for x in results
        ]
    loans = db.session.scalars(sa.select(Loan).where(Loan.referral_id == r.id).order_by(Loan.id))
    return {
        "id": r.id,
        "number": r.number,
        "status": r.status.value,
        "applicant_type": r.applicant_type.value,
        "entrepreneur_id": r.entrepreneur_id,
        "group_id": r.group_id,
        "kecamatan_code": r.kecamatan_code,
        "bank_code": r.bank.code,
        "scheme_code": r.scheme.code,
        "purpose": r.purpose.value,
        "tenor_months": r.tenor_months,
        "annual_rate_percent": r.annual_rate_percent,
        "method": r.method.value,
        "requested_amount": r.requested_amount,
        "approved_amount": r.approved_amount,
        "approved_tenor_months": r.approved_tenor_months,
        "approved_rate_percent": r.approved_rate_percent,
        "rejection_code": r.rejection_code,
        "rejection_note": r.rejection_note,
        "submitted_at": r.submitted_at,
        "last_action_at": r.last_action_at,
        "version": r.version,
        "members": [
            {
                "id": m.id,
                "entrepreneur_id": m.entrepreneur_id,
                "full_name": m.entrepreneur.full_name,
                "amount": m.amount,
                "purpose": m.purpose,
            }
            for m in r.members
        ],
        "gates": gates,
        "loans": [loan_out(loan) for loan in loans],
    }


def _referral(referral_id: int) -> Referral:
    try:
        return referrals.get_referral(db.session, referral_id, g.user)
    except NotFound:
        abort(404)


@referrals_bp.route("/referrals")
class Referrals(MethodView):
    @referrals_bp.arguments(s.ReferralQuery, location="query")
    @referrals_bp.response(200, s.ReferralPage)
    def get(self, args):
        """Rujukan dalam wewenang; untuk token bank, antrean bank itu (terlama dulu)."""
        filters = referrals.QueueFilter(
            status=ReferralStatus(args["status"]) if args["status"] else None,
            kecamatan_code=args["kecamatan"] or None,
        )
        items, meta = page_of(referrals.queue_query(g.user, filters), args)
        return {"items": [referral_out(r, with_gates=False) for r in items], "meta": meta}

    @api_roles(*EDITORS)
    @referrals_bp.arguments(s.ReferralIn)
    @referrals_bp.response(201, s.ReferralOut)
    def post(self, body):
        """Buat draf rujukan perorangan atau kelompok; syarat diperiksa langsung."""
        data = referrals.ReferralData(
            applicant_type=ApplicantType(body["applicant_type"]),
            scheme_id=body["scheme_id"],
            bank_id=body["bank_id"],
            purpose=LoanPurpose(body["purpose"]),
            tenor_months=body["tenor_months"],
            members=[
                referrals.MemberLine(m["entrepreneur_id"], m["amount"], m["purpose"])
                for m in body["members"]
            ],
            purpose_note=body["purpose_note"],
            entrepreneur_id=body["entrepreneur_id"],
            group_id=body["group_id"],
            take_over_debt_ids=body["take_over_debt_ids"],
        )
        if data.applicant_type == ApplicantType.GROUP and not data.group_id:
            abort(422, errors={"group_id": ["Wajib diisi untuk rujukan kelompok."]})
        if data.applicant_type == ApplicantType.INDIVIDUAL and not data.entrepreneur_id:
            abort(422, errors={"entrepreneur_id": ["Wajib diisi untuk rujukan perorangan."]})
        return referral_out(commit(lambda: referrals.create_referral(db.session, data, g.user)))


@referrals_bp.route("/referrals/<int:referral_id>")
class ReferralItem(MethodView):
    @referrals_bp.response(200, s.ReferralOut)
    def get(self, referral_id):
        """Satu rujukan dengan baris anggota, hasil syarat dan pinjamannya."""
        return referral_out(_referral(referral_id))


@referrals_bp.route("/referrals/<int:referral_id>/transitions")
class ReferralTransitions(MethodView):
    @api_roles(Role.ADMIN, Role.FACILITATOR, Role.BANK_OFFICER)
    @referrals_bp.arguments(s.TransitionIn)
    @referrals_bp.response(200, s.ReferralOut)
    def post(self, body, referral_id):
        """Satu langkah: submit, review, request_info, answer, approve (dengan syarat), reject
        (dengan kode alasan), disburse (satu baris per anggota) atau withdraw. ``version`` lama
        dijawab 409; langkah yang tidak diizinkan peran atau status dijawab 422."""
        referral = _referral(referral_id)
        data = referrals.TransitionInput(
            action=Action(body["action"]),
            version=body["version"],
            note=body["note"],
            reason_code=body["reason_code"],
            terms=referrals.Terms(
                body["approved_amount"],
                body["approved_tenor_months"],
                body["approved_rate_percent"],
            ),
            disbursements=[
                referrals.Disbursement(
                    d["member_id"], d["disbursed_on"], d["amount"], d["account_number"]
                )
                for d in body["disbursements"]
            ],
        )
        commit(lambda: referrals.transition(db.session, referral, data, g.user))
        return referral_out(referral)


# --------------------------------------------------------------------------- loans


@loans_bp.route("")
class Loans(MethodView):
    @loans_bp.arguments(s.LoanQuery, location="query")
    @loans_bp.response(200, s.LoanPage)
    def get(self, args):
        """Pinjaman dalam wewenang dan kolektibilitas terakhirnya; saring ``only=npl|arrears``."""
        items, meta = page_of(referrals.loans_query(g.user, args["only"]), args)
        return {"items": [loan_out(x) for x in items], "meta": meta}


@loans_bp.route("/repayments")
class Repayments(MethodView):
    @api_roles(Role.BANK_OFFICER)
    @loans_bp.arguments(s.RepaymentsIn)
    @loans_bp.response(200, s.RepaymentsOut)
    def put(self, body):
        """Simpan kolektibilitas dan sisa pokok bulanan pinjaman bank, baris per baris: baris
        yang benar disimpan, setiap baris yang salah dilaporkan beserta alasannya."""
        results, saved = [], 0
        accounts = {" ".join(r["account_number"].split()) for r in body["reports"]}
        loans = {
            loan.account_number: loan
            for loan in db.session.scalars(
                sa.select(Loan).where(
                    Loan.bank_id == g.user.bank_id, Loan.account_number.in_(accounts)
                )
            )
        }
        for index, row in enumerate(body["reports"]):
            account = " ".join(row["account_number"].split())
            loan = loans.get(account)
            errors = []
            period = None
            try:
                year, month = (int(x) for x in row["period"].split("-"))
                period = date(year, month, 1)
            except ValueError:
                errors.append("period: bulan tidak valid (TTTT-BB).")
            if loan is None:
                errors.append("account_number: tidak ditemukan di pinjaman bank Anda.")
            if not errors:
                try:
                    with db.session.begin_nested():
                        referrals.record_report(
                            db.session,
                            loan,
                            referrals.ReportData(
                                period,
                                row["collectability"],
                                row["outstanding"],
                                row["days_past_due"],
                            ),
                            g.user,
                        )
                except StopValidation as error:
                    errors += [f"{k}: {m}" for k, msgs in error.reasons.items() for m in msgs]
            if errors:
                results.append(
                    {
                        "index": index,
                        "account_number": account,
                        "status": "rejected",
                        "errors": errors,
                    }
                )
            else:
                saved += 1
                results.append(
                    {"index": index, "account_number": account, "status": "saved", "errors": []}
                )
        db.session.commit()
        return {"saved": saved, "rejected": len(results) - saved, "results": results}


# --------------------------------------------------------------------------- reports


@reports_bp.route("/absorption")
class Absorption(MethodView):
    @api_roles(Role.ADMIN, Role.VIEWER)
    @reports_bp.arguments(s.MonthQuery, location="query")
    @reports_bp.response(200, report_schemas.AbsorptionOut)
    def get(self, args):
        """Laporan serapan bulanan: angka yang sama dengan PDF dan XLSX (bulan yang sudah
        ditutup dari salinan bekunya)."""
        from harkat.reports import services as reports

        try:
            month = reports.parse_month(args["month"])
        except StopValidation as error:
            abort(422, errors={"month": error.reasons["month"]})
        return reports.report_for(db.session, month).to_dict()
