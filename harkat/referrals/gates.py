"""Referral gates: what must hold before a referral goes to the bank, and how to fix each miss.

Pure: the service gathers plain facts about the applicants (:class:`ReferralFacts`) and
:func:`evaluate` decides. The same function draws the live checklist while the facilitator
drafts and decides, at submission, what is snapshotted on the referral (DESIGN §4).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from harkat.core.dates import format_date
from harkat.core.enums import ApplicantType, LabelledEnum, LoanMethod
from harkat.core.money import format_rupiah
from harkat.referrals.loans import LoanInputError, schedule
from harkat.screening.engine import Outcome, format_rate_percent, format_ratio_percent


class DocumentKind(LabelledEnum):
    KTP = "ktp", "KTP"
    KK = "kk", "Kartu Keluarga"
    NIB_SKU = "nib_sku", "NIB atau Surat Keterangan Usaha"
    BUSINESS_PHOTO = "business_photo", "Foto usaha"
    SLIK = "slik", "Hasil cek SLIK (iDebku)"
    GROUP_DECREE = "group_decree", "SK pembentukan kelompok"
    OTHER = "other", "Dokumen lain"


class Gate(LabelledEnum):
    APPLICANT = "applicant", "Pemohon aktif dan setuju datanya dibagikan ke bank"
    TRAINING = "training", "Semua pemohon lulus pelatihan BALIKAT"
    SCREENING = "screening", "Skrining utang berlaku dengan hasil HIJAU atau KUNING"
    DOCUMENTS = "documents", "Dokumen wajib lengkap"
    AMOUNTS = "amounts", "Jumlah pinjaman dan tenor sesuai skema"
    DSR = "dsr", "Angsuran masih dalam batas kemampuan bayar (DSR)"
    NO_OPEN = "no_open", "Tidak ada rujukan lain yang masih berjalan"


#: Gates an admin may waive with a reason. Consent, the screening outcome, the scheme's limits,
#: the DSR and double referrals protect the entrepreneur or the fund and are never waived.
EXEMPTABLE = frozenset({Gate.TRAINING, Gate.DOCUMENTS})

BASE_DOCUMENTS = (DocumentKind.KTP, DocumentKind.KK, DocumentKind.NIB_SKU)


@dataclass(frozen=True)
class ScreeningFacts:
    id: int
    screened_on: date
    valid_until: date
    outcome: Outcome
    take_over_required: bool
    #: What the screening's take-over plan would settle.
    take_over_amount: int
    #: Monthly net income (household + business − essential spending).
    net_income: int
    monthly_debt_service: int


@dataclass(frozen=True)
class MemberFacts:
    entrepreneur_id: int
    name: str
    amount: int
    is_active: bool
    has_bank_consent: bool
    has_graduated: bool
    #: The latest screening still valid, or None.
    screening: ScreeningFacts | None
    #: Whether an expired screening exists (changes the advice).
    has_expired_screening: bool
    documents: frozenset[DocumentKind]
    #: Monthly service of the debts this referral takes over, and their outstanding total.
    taken_over_service: int = 0
    taken_over_amount: int = 0
    #: Number of another open referral holding this person, if any.
    other_open_referral: str | None = None


@dataclass(frozen=True)
class SchemeFacts:
    name: str
    applicant_type: ApplicantType
    annual_rate_percent: Decimal
    method: LoanMethod
    min_amount_per_member: int
    max_amount_per_member: int
    max_amount_per_group: int | None
    min_tenor_months: int
    max_tenor_months: int
    is_active: bool
    active_from: date | None
    active_until: date | None


@dataclass(frozen=True)
class ReferralFacts:
    applicant_type: ApplicantType
    scheme: SchemeFacts
    tenor_months: int
    members: tuple[MemberFacts, ...]
    today: date
    dsr_limit_percent: Decimal
    require_business_photo: bool = True
    #: Group referrals need at least this many members (tanggung renteng).
    min_group_members: int = 2


@dataclass
class GateResult:
    gate: Gate
    passed: bool
    #: Each miss, said as what to do about it.
    problems: list[str] = field(default_factory=list)
    exemption_reason: str | None = None
    exempted_by: str | None = None
    #: Figures the gate judged by, kept with the snapshot: for the DSR gate ``limit_percent``
    #: (the one limit the packet states) and ``members`` (person id → unrounded DSR).
    details: dict = field(default_factory=dict)

    @property
    def exemptable(self) -> bool:
        return self.gate in EXEMPTABLE

    @property
    def ok(self) -> bool:
        return self.passed or (self.exemptable and self.exemption_reason is not None)

    def to_snapshot(self) -> dict:
        data = asdict(self)
        data["gate"] = self.gate.value
        data["label"] = self.gate.label
        return data


def required_documents(facts: ReferralFacts) -> tuple[DocumentKind, ...]:
    extra = (DocumentKind.BUSINESS_PHOTO,) if facts.require_business_photo else ()
    return BASE_DOCUMENTS + extra


def member_instalment(amount: int, facts: ReferralFacts) -> int | None:
    """The monthly instalment of one member's share under the scheme's rate and method."""
    try:
        return schedule(
            amount, facts.scheme.annual_rate_percent, facts.tenor_months, facts.scheme.method
        ).instalment
    except LoanInputError:
        return None


def _applicant(facts: ReferralFacts) -> GateResult:
    problems = []
    for m in facts.members:
        if not m.is_active:
            problems.append(f"{m.name}: status tidak aktif; perbarui status di data pelaku usaha.")
        if not m.has_bank_consent:
            problems.append(
                f"{m.name}: belum ada persetujuan pembagian data ke bank mitra; catat persetujuan "
                "(formulir persetujuan bertanda tangan) di halaman pelaku usaha."
            )
    return GateResult(Gate.APPLICANT, not problems, problems)


def _training(facts: ReferralFacts) -> GateResult:
    problems = [
        f"{m.name}: belum lulus pelatihan BALIKAT; daftarkan ke angkatan pelatihan, atau minta "
        "admin memberi pengecualian dengan alasan."
        for m in facts.members
        if not m.has_graduated
    ]
    return GateResult(Gate.TRAINING, not problems, problems)


def _screening(facts: ReferralFacts) -> GateResult:
    problems = []
    for m in facts.members:
        s = m.screening
        if s is None:
            advice = (
                "sudah kedaluwarsa; lakukan skrining ulang"
                if m.has_expired_screening
                else ("belum ada; lakukan skrining utang")
            )
            problems.append(f"{m.name}: skrining utang {advice}.")
            continue
        if s.outcome == Outcome.MERAH:
            problems.append(
                f"{m.name}: hasil skrining MERAH ({format_date(s.screened_on)}); selesaikan "
                "jalur konseling dan penyelesaian utang, lalu skrining ulang."
            )
        elif s.outcome == Outcome.KUNING and s.take_over_required and m.taken_over_amount <= 0:
            problems.append(
                f"{m.name}: hasil KUNING mensyaratkan pengambilalihan utang berbiaya tinggi "
                f"({format_rupiah(s.take_over_amount)}); pilih utang yang diambil alih pada "
                "rujukan ini."
            )
        if m.taken_over_amount > m.amount:
            problems.append(
                f"{m.name}: utang yang diambil alih ({format_rupiah(m.taken_over_amount)}) "
                f"melebihi pinjaman ({format_rupiah(m.amount)}); naikkan jumlah pinjaman atau "
                "kurangi utang yang diambil alih."
            )
    return GateResult(Gate.SCREENING, not problems, problems)


def _documents(facts: ReferralFacts) -> GateResult:
    problems = []
    for m in facts.members:
        missing = [kind.label for kind in required_documents(facts) if kind not in m.documents]
        if missing:
            problems.append(f"{m.name}: unggah {', '.join(missing)}.")
    return GateResult(Gate.DOCUMENTS, not problems, problems)


def _amounts(facts: ReferralFacts) -> GateResult:
    scheme, problems = facts.scheme, []
    if scheme.applicant_type != facts.applicant_type:
        problems.append(
            f"Skema {scheme.name} untuk pemohon {scheme.applicant_type.label.lower()}; pilih "
            "skema yang sesuai."
        )
    if (
        not scheme.is_active
        or (scheme.active_from and facts.today < scheme.active_from)
        or (scheme.active_until and facts.today > scheme.active_until)
    ):
        problems.append(f"Skema {scheme.name} tidak berlaku hari ini; pilih skema yang aktif.")
    if not scheme.min_tenor_months <= facts.tenor_months <= scheme.max_tenor_months:
        problems.append(
            f"Tenor {facts.tenor_months} bulan di luar skema ({scheme.min_tenor_months}–"
            f"{scheme.max_tenor_months} bulan); ubah tenor."
        )
    if not facts.members:
        problems.append("Belum ada pemohon; tambahkan anggota dan jumlah pinjamannya.")
    if facts.applicant_type == ApplicantType.GROUP and len(facts.members) < facts.min_group_members:
        problems.append(
            f"Rujukan kelompok perlu minimal {facts.min_group_members} anggota; tambahkan anggota."
        )
    for m in facts.members:
        if not scheme.min_amount_per_member <= m.amount <= scheme.max_amount_per_member:
            problems.append(
                f"{m.name}: {format_rupiah(m.amount)} di luar batas per anggota "
                f"({format_rupiah(scheme.min_amount_per_member)}–"
                f"{format_rupiah(scheme.max_amount_per_member)}); ubah jumlahnya."
            )
    total = sum(m.amount for m in facts.members)
    if scheme.max_amount_per_group is not None and total > scheme.max_amount_per_group:
        problems.append(
            f"Jumlah seluruh anggota {format_rupiah(total)} melebihi batas per kelompok "
            f"{format_rupiah(scheme.max_amount_per_group)}; kurangi jumlah anggota atau pinjaman."
        )
    return GateResult(Gate.AMOUNTS, not problems, problems)


def member_dsr(member: MemberFacts, facts: ReferralFacts) -> Decimal | None:
    """DSR after this loan: existing service minus what it takes over, plus its instalment."""
    s = member.screening
    instalment = member_instalment(member.amount, facts)
    if s is None or instalment is None or s.net_income <= 0:
        return None
    service = max(0, s.monthly_debt_service - member.taken_over_service) + instalment
    # Unrounded: 30,04% is above a 30% limit. Round only to show it (format_ratio_percent).
    return Decimal(service) * 100 / Decimal(s.net_income)


def _dsr(facts: ReferralFacts) -> GateResult:
    problems = []
    limit = facts.dsr_limit_percent
    judged: dict[str, str] = {}
    for m in facts.members:
        if m.screening is None:
            problems.append(f"{m.name}: DSR belum bisa dihitung tanpa skrining yang berlaku.")
            continue
        if m.screening.net_income <= 0:
            problems.append(
                f"{m.name}: penghasilan bersih menurut skrining nol atau minus; perbarui "
                "skrining dengan penghasilan yang benar."
            )
            continue
        dsr = member_dsr(m, facts)
        if dsr is None:
            problems.append(f"{m.name}: angsuran tidak dapat dihitung; periksa jumlah dan tenor.")
            continue
        judged[str(m.entrepreneur_id)] = str(dsr.quantize(Decimal("0.0001")))
        if dsr > limit:
            problems.append(
                f"{m.name}: DSR setelah pinjaman {format_ratio_percent(dsr, limit)} melebihi "
                f"batas {format_rate_percent(limit)}; kecilkan jumlah, panjangkan tenor, atau "
                "ambil alih utang yang mahal."
            )
    return GateResult(
        Gate.DSR,
        not problems,
        problems,
        details={"limit_percent": str(limit), "members": judged},
    )


def _no_open(facts: ReferralFacts) -> GateResult:
    problems = [
        f"{m.name}: masih tercatat pada rujukan {m.other_open_referral}; selesaikan atau tarik "
        "rujukan itu dulu."
        for m in facts.members
        if m.other_open_referral
    ]
    return GateResult(Gate.NO_OPEN, not problems, problems)


def evaluate(facts: ReferralFacts) -> list[GateResult]:
    """Check every gate; a result lists what to fix for each applicant that misses it."""
    return [
        _applicant(facts),
        _training(facts),
        _screening(facts),
        _documents(facts),
        _amounts(facts),
        _dsr(facts),
        _no_open(facts),
    ]


def apply_exemptions(results: list[GateResult], exemptions: dict[Gate, tuple[str, str]]) -> None:
    """Mark waived gates: ``exemptions`` maps a gate to ``(reason, admin name)``."""
    for result in results:
        if result.gate in exemptions and result.exemptable:
            result.exemption_reason, result.exempted_by = exemptions[result.gate]


def dsr_limit_of(results: list[GateResult]) -> Decimal | None:
    """The DSR limit the gates judged by (None: checked before limits were kept)."""
    for result in results:
        if result.gate == Gate.DSR and result.details.get("limit_percent"):
            return Decimal(result.details["limit_percent"])
    return None


def all_ok(results: list[GateResult]) -> bool:
    return all(result.ok for result in results)


def gates_from_snapshot(snapshot: list[dict]) -> list[GateResult]:
    """Rebuild the results frozen on a referral at submission (for pages and the packet)."""
    results = []
    for item in snapshot:
        try:
            gate = Gate(item["gate"])
        except (KeyError, ValueError):
            continue
        results.append(
            GateResult(
                gate,
                bool(item.get("passed")),
                list(item.get("problems") or []),
                item.get("exemption_reason"),
                item.get("exempted_by"),
                dict(item.get("details") or {}),
            )
        )
    return results
