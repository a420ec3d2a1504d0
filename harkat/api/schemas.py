"""marshmallow schemas of the JSON API: what each endpoint reads and returns. Money is an integer
number of rupiah, dates are ISO 8601, times ISO 8601 with their offset."""

from __future__ import annotations

import re

import marshmallow
from marshmallow import ValidationError, fields, pre_load, validate

from harkat.cases.domain import EntrepreneurStatus, JourneyStage
from harkat.core.enums import ApplicantType, LoanMethod
from harkat.core.money import MAX_RUPIAH
from harkat.core.nik import Gender
from harkat.core.text import clean_text
from harkat.referrals.gates import Gate
from harkat.referrals.models import LoanPurpose
from harkat.referrals.transitions import Action, ReferralStatus
from harkat.registration.domain import BusinessScale, Education, MaritalStatus, Sector
from harkat.screening.engine import Frequency, LenderType, Outcome


class Schema(marshmallow.Schema):
    """Every schema of the API: text fields arrive without invisible characters."""

    @pre_load
    def _clean_text(self, data, **kwargs):
        if isinstance(data, dict):
            return {k: clean_text(v) if isinstance(v, str) else v for k, v in data.items()}
        return data


def _choice(enum_cls, **kwargs):
    return fields.String(validate=validate.OneOf([m.value for m in enum_cls]), **kwargs)


Money = fields.Integer


class Percent(fields.Decimal):
    """A yearly rate in percent, 0 to 100, read exactly as a decimal (never a float)."""

    def __init__(self, **kwargs):
        metadata = {"type": "number", "minimum": 0, "maximum": 100}
        super().__init__(places=3, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if result is not None and not 0 <= result <= 100:
            raise ValidationError("Harus antara 0 dan 100.")
        return result


def DecimalText(**kwargs):
    """A decimal sent as text (``"3.000"``) so no precision is lost, documented as a string."""
    metadata = {"type": "string", "format": "decimal", **kwargs.pop("metadata", {})}
    return fields.Decimal(as_string=True, metadata=metadata, **kwargs)


MONEY = validate.Range(min=0, max=MAX_RUPIAH)
POSITIVE_MONEY = validate.Range(min=1, max=MAX_RUPIAH)
ID = validate.Range(min=1, max=2**31 - 1)


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class PageMeta(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


# --------------------------------------------------------------------------- reference


class KecamatanOut(Schema):
    code = fields.String()
    name = fields.String()


class KelurahanOut(Schema):
    code = fields.String()
    name = fields.String()
    kecamatan_code = fields.String()


class BankOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    is_active = fields.Boolean()


class SchemeOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    annual_rate_percent = DecimalText()
    method = fields.String()
    applicant_type = fields.String()
    min_amount_per_member = Money()
    max_amount_per_member = Money()
    max_amount_per_group = Money(allow_none=True)
    min_tenor_months = fields.Integer()
    max_tenor_months = fields.Integer()
    is_active = fields.Boolean()


# --------------------------------------------------------------------------- entrepreneurs


#: Ten or more digits (with or without separators): a NIK or a phone number. They are personal
#: data and must not travel in a URL, where access logs and proxies keep them.
IDENTITY_DIGITS = re.compile(r"\d(?:[\s.\-/]?\d){9,}")


def _no_identity_numbers(value: str) -> None:
    if IDENTITY_DIGITS.search(value):
        raise ValidationError(
            "NIK atau nomor HP tidak boleh dikirim di alamat (query string), yang tercatat di "
            "log server; cari dengan POST /api/v1/entrepreneurs/search dan isi q di badan JSON."
        )


class EntrepreneurSearch(PageQuery):
    """The list's search and filters; as the JSON body of POST /entrepreneurs/search the text
    may hold a NIK or a phone number."""

    q = fields.String(
        load_default="",
        validate=validate.Length(max=120),
        metadata={"description": "Nama, NIK, nomor HP atau nomor registrasi."},
    )
    kecamatan = fields.String(load_default="", validate=validate.Length(max=8))
    kelurahan = fields.String(load_default="", validate=validate.Length(max=13))
    sector = fields.String(
        load_default="", validate=validate.OneOf(["", *[s.value for s in Sector]])
    )
    scale = fields.String(
        load_default="",
        validate=validate.OneOf(["", *[s.value for s in BusinessScale]]),
        metadata={
            "description": "Skala usaha PP 7/2021 (salah satu usahanya); `unknown` = belum "
            "diketahui: modal dan omzet usaha itu belum diisi."
        },
    )
    gender = fields.String(
        load_default="", validate=validate.OneOf(["", *[g.value for g in Gender]])
    )
    stage = fields.String(
        load_default="", validate=validate.OneOf(["", *[s.value for s in JourneyStage]])
    )
    status = fields.String(
        load_default="", validate=validate.OneOf(["", *[s.value for s in EntrepreneurStatus]])
    )
    group_id = fields.Integer(load_default=None, allow_none=True, validate=ID)


class EntrepreneurQuery(EntrepreneurSearch):
    """The same search in the query string of GET /entrepreneurs: names and registration
    numbers only."""

    q = fields.String(
        load_default="",
        validate=[validate.Length(max=120), _no_identity_numbers],
        metadata={
            "description": "Nama atau nomor registrasi. NIK dan nomor HP dicari lewat "
            "POST /entrepreneurs/search (tidak di alamat)."
        },
    )


class EntrepreneurIn(Schema):
    nik = fields.String(required=True, validate=validate.Length(min=16, max=24))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    birth_place = fields.String(required=True, validate=validate.Length(min=1, max=80))
    birth_date = fields.Date(load_default=None, allow_none=True)
    gender = _choice(Gender, load_default=None, allow_none=True)
    kelurahan_code = fields.String(required=True, validate=validate.Length(min=13, max=13))
    address = fields.String(required=True, validate=validate.Length(min=1, max=200))
    rt = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=3))
    rw = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=3))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=24))
    education = _choice(Education, load_default=None, allow_none=True)
    marital_status = _choice(MaritalStatus, load_default=None, allow_none=True)
    dependants = fields.Integer(load_default=0, validate=validate.Range(min=0, max=30))
    status = _choice(EntrepreneurStatus, load_default=EntrepreneurStatus.ACTIVE.value)


class EntrepreneurPatch(Schema):
    """Only the fields sent change; ``version`` is the one the caller last read."""

    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    full_name = fields.String(validate=validate.Length(min=1, max=120))
    birth_place = fields.String(validate=validate.Length(min=1, max=80))
    kelurahan_code = fields.String(validate=validate.Length(min=13, max=13))
    address = fields.String(validate=validate.Length(min=1, max=200))
    rt = fields.String(allow_none=True, validate=validate.Length(max=3))
    rw = fields.String(allow_none=True, validate=validate.Length(max=3))
    phone = fields.String(allow_none=True, validate=validate.Length(max=24))
    education = _choice(Education, allow_none=True)
    marital_status = _choice(MaritalStatus, allow_none=True)
    dependants = fields.Integer(validate=validate.Range(min=0, max=30))
    status = _choice(EntrepreneurStatus)


class EntrepreneurOut(Schema):
    id = fields.Integer()
    registration_number = fields.String()
    nik = fields.String(metadata={"description": "Full for editors, masked for viewers."})
    full_name = fields.String()
    gender = fields.String()
    birth_place = fields.String()
    birth_date = fields.Date(allow_none=True)
    phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    kelurahan_code = fields.String()
    kecamatan_code = fields.String()
    status = fields.String()
    stage = fields.String()
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    warnings = fields.List(fields.String(), dump_default=[])


class EntrepreneurPage(Schema):
    items = fields.List(fields.Nested(EntrepreneurOut))
    meta = fields.Nested(PageMeta)


# --------------------------------------------------------------------------- groups


class GroupQuery(PageQuery):
    kecamatan = fields.String(load_default="", validate=validate.Length(max=8))
    q = fields.String(load_default="", validate=validate.Length(max=120))


class GroupIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=3, max=120))
    kelurahan_code = fields.String(required=True, validate=validate.Length(min=13, max=13))
    formed_on = fields.Date(load_default=None, allow_none=True)
    decree_number = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=80)
    )


class GroupPatch(Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    name = fields.String(validate=validate.Length(min=3, max=120))
    kelurahan_code = fields.String(validate=validate.Length(min=13, max=13))
    formed_on = fields.Date(allow_none=True)
    decree_number = fields.String(allow_none=True, validate=validate.Length(max=80))


class MemberOut(Schema):
    entrepreneur_id = fields.Integer()
    full_name = fields.String()
    joined_on = fields.Date()
    is_chair = fields.Boolean()


class GroupOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kelurahan_code = fields.String()
    kecamatan_code = fields.String()
    formed_on = fields.Date(allow_none=True)
    decree_number = fields.String(allow_none=True)
    status = fields.String()
    chair_id = fields.Integer(allow_none=True)
    members = fields.List(fields.Nested(MemberOut))
    version = fields.Integer()


class GroupPage(Schema):
    items = fields.List(fields.Nested(GroupOut))
    meta = fields.Nested(PageMeta)


# --------------------------------------------------------------------------- screenings


class DebtIn(Schema):
    lender_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    lender_type = _choice(LenderType, required=True)
    principal = Money(required=True, validate=POSITIVE_MONEY)
    outstanding = Money(required=True, validate=MONEY)
    instalment = Money(required=True, validate=POSITIVE_MONEY)
    frequency = _choice(Frequency, required=True)
    instalments_total = fields.Integer(required=True, validate=validate.Range(min=1, max=3650))
    instalments_paid = fields.Integer(load_default=0, validate=validate.Range(min=0, max=3650))
    days_past_due = fields.Integer(load_default=0, validate=validate.Range(min=0, max=3650))
    collectability = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=5)
    )
    intimidation = fields.Boolean(load_default=False)
    settled_bad_debt_months_ago = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=600)
    )


class ScreeningIn(Schema):
    household_income = Money(load_default=0, validate=MONEY)
    business_income = Money(
        load_default=0, validate=validate.Range(min=-MAX_RUPIAH, max=MAX_RUPIAH)
    )
    household_expenses = Money(load_default=0, validate=MONEY)
    proposed_instalment = Money(load_default=0, validate=MONEY)
    slik_worst_collectability = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=5)
    )
    slik_checked_on = fields.Date(load_default=None, allow_none=True)
    debts = fields.List(fields.Nested(DebtIn), load_default=list, validate=validate.Length(max=30))


class DebtOut(Schema):
    lender_name = fields.String()
    lender_type = fields.String()
    principal = Money()
    outstanding = Money()
    instalment = Money()
    frequency = fields.String()
    monthly_service = Money()
    effective_rate_percent = DecimalText(allow_none=True)
    nominal_rate_percent = DecimalText(allow_none=True)
    is_high_cost = fields.Boolean()
    is_licensed = fields.Boolean(allow_none=True)
    taken_over = fields.Boolean()


class ScreeningOut(Schema):
    id = fields.Integer()
    entrepreneur_id = fields.Integer()
    screened_on = fields.Date()
    valid_until = fields.Date()
    outcome = _choice(Outcome)
    reasons = fields.List(fields.String())
    flags = fields.List(fields.String())
    total_outstanding = Money()
    monthly_debt_service = Money()
    dsr = DecimalText(allow_none=True)
    dsr_with_proposed = DecimalText(allow_none=True)
    dsr_after_take_over = DecimalText(allow_none=True)
    take_over_required = fields.Boolean()
    take_over_amount = Money()
    take_over_instalment = Money()
    take_over_savings = Money()
    debts = fields.List(fields.Nested(DebtOut))


# --------------------------------------------------------------------------- calculator


class CalculatorQuery(Schema):
    principal = Money(required=True, validate=validate.Range(min=1, max=10_000_000_000))
    months = fields.Integer(required=True, validate=validate.Range(min=1, max=120))
    annual_rate = Percent(required=True)
    method = _choice(LoanMethod, load_default=LoanMethod.ANUITAS.value)
    start_on = fields.Date(load_default=None, allow_none=True)


class ScheduleRowOut(Schema):
    number = fields.Integer()
    due_on = fields.Date(allow_none=True)
    instalment = Money()
    interest = Money()
    principal = Money()
    remaining = Money()


class CalculatorOut(Schema):
    method = fields.String()
    principal = Money()
    principal_in_words = fields.String()
    annual_rate_percent = DecimalText()
    months = fields.Integer()
    instalment = Money()
    total_paid = Money()
    total_interest = Money()
    effective_annual_rate_percent = DecimalText()
    rows = fields.List(fields.Nested(ScheduleRowOut))


# --------------------------------------------------------------------------- referrals


class ReferralQuery(PageQuery):
    status = fields.String(
        load_default="", validate=validate.OneOf(["", *[s.value for s in ReferralStatus]])
    )
    kecamatan = fields.String(load_default="", validate=validate.Length(max=8))


class MemberLineIn(Schema):
    entrepreneur_id = fields.Integer(required=True, validate=ID)
    amount = Money(required=True, validate=POSITIVE_MONEY)
    purpose = fields.String(load_default="", validate=validate.Length(max=200))


class ReferralIn(Schema):
    applicant_type = _choice(ApplicantType, required=True)
    entrepreneur_id = fields.Integer(load_default=None, allow_none=True, validate=ID)
    group_id = fields.Integer(load_default=None, allow_none=True, validate=ID)
    scheme_id = fields.Integer(required=True, validate=ID)
    bank_id = fields.Integer(required=True, validate=ID)
    purpose = _choice(LoanPurpose, required=True)
    purpose_note = fields.String(load_default="", validate=validate.Length(max=300))
    tenor_months = fields.Integer(required=True, validate=validate.Range(min=1, max=120))
    members = fields.List(
        fields.Nested(MemberLineIn), required=True, validate=validate.Length(min=1, max=50)
    )
    take_over_debt_ids = fields.List(
        fields.Integer(validate=ID), load_default=list, validate=validate.Length(max=50)
    )


class MemberLineOut(Schema):
    id = fields.Integer()
    entrepreneur_id = fields.Integer()
    full_name = fields.String()
    amount = Money()
    purpose = fields.String()


class GateOut(Schema):
    gate = _choice(Gate)
    label = fields.String()
    passed = fields.Boolean()
    ok = fields.Boolean()
    problems = fields.List(fields.String())
    exemption_reason = fields.String(allow_none=True)


class LoanOut(Schema):
    id = fields.Integer()
    referral_id = fields.Integer()
    entrepreneur_id = fields.Integer()
    bank_code = fields.String()
    account_number = fields.String()
    disbursed_on = fields.Date()
    amount = Money()
    tenor_months = fields.Integer()
    annual_rate_percent = DecimalText()
    collectability = fields.Integer()
    outstanding = Money()
    reported_period = fields.String(allow_none=True, metadata={"description": "TTTT-BB"})


class ReferralOut(Schema):
    id = fields.Integer()
    number = fields.String()
    status = _choice(ReferralStatus)
    applicant_type = fields.String()
    entrepreneur_id = fields.Integer()
    group_id = fields.Integer(allow_none=True)
    kecamatan_code = fields.String()
    bank_code = fields.String()
    scheme_code = fields.String()
    purpose = fields.String()
    tenor_months = fields.Integer()
    annual_rate_percent = DecimalText()
    method = fields.String()
    requested_amount = Money()
    approved_amount = Money(allow_none=True)
    approved_tenor_months = fields.Integer(allow_none=True)
    approved_rate_percent = DecimalText(allow_none=True)
    rejection_code = fields.String(allow_none=True)
    rejection_note = fields.String(allow_none=True)
    submitted_at = fields.AwareDateTime(allow_none=True)
    last_action_at = fields.AwareDateTime()
    version = fields.Integer()
    members = fields.List(fields.Nested(MemberLineOut))
    gates = fields.List(fields.Nested(GateOut))
    loans = fields.List(fields.Nested(LoanOut))


class ReferralPage(Schema):
    items = fields.List(fields.Nested(ReferralOut))
    meta = fields.Nested(PageMeta)


class DisbursementIn(Schema):
    member_id = fields.Integer(required=True, validate=ID)
    disbursed_on = fields.Date(required=True)
    amount = Money(required=True, validate=POSITIVE_MONEY)
    account_number = fields.String(required=True, validate=validate.Length(min=1, max=40))


class TransitionIn(Schema):
    action = _choice(Action, required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    note = fields.String(load_default="", validate=validate.Length(max=1000))
    reason_code = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=30)
    )
    approved_amount = Money(load_default=None, allow_none=True, validate=POSITIVE_MONEY)
    approved_tenor_months = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=120)
    )
    approved_rate_percent = Percent(load_default=None, allow_none=True)
    disbursements = fields.List(
        fields.Nested(DisbursementIn), load_default=list, validate=validate.Length(max=50)
    )


# --------------------------------------------------------------------------- loans


class RepaymentIn(Schema):
    account_number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    period = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{4}-\d{2}$"),
        metadata={"description": "TTTT-BB"},
    )
    collectability = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    outstanding = Money(required=True, validate=MONEY)
    days_past_due = fields.Integer(load_default=0, validate=validate.Range(min=0, max=3650))


class RepaymentsIn(Schema):
    reports = fields.List(
        fields.Nested(RepaymentIn), required=True, validate=validate.Length(min=1, max=5000)
    )


class RepaymentResult(Schema):
    index = fields.Integer()
    account_number = fields.String()
    status = fields.String(metadata={"description": "saved or rejected"})
    errors = fields.List(fields.String())


class RepaymentsOut(Schema):
    saved = fields.Integer()
    rejected = fields.Integer()
    results = fields.List(fields.Nested(RepaymentResult))


class LoanQuery(PageQuery):
    only = fields.String(load_default="", validate=validate.OneOf(["", "npl", "arrears"]))


class LoanPage(Schema):
    items = fields.List(fields.Nested(LoanOut))
    meta = fields.Nested(PageMeta)


class MonthQuery(Schema):
    month = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{4}-\d{2}$"),
        metadata={"description": "TTTT-BB"},
    )
