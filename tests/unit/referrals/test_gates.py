"""Referral gates: each passes or says what to fix, and only some may be waived."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from harkat.core.enums import ApplicantType, LoanMethod
from harkat.referrals import gates
from harkat.referrals.gates import DocumentKind, Gate
from harkat.screening.engine import Outcome

TODAY = date(2026, 11, 27)
ALL_DOCS = frozenset(
    {DocumentKind.KTP, DocumentKind.KK, DocumentKind.NIB_SKU, DocumentKind.BUSINESS_PHOTO}
)
SCREENING = gates.ScreeningFacts(
    id=1,
    screened_on=date(2026, 11, 1),
    valid_until=date(2027, 1, 30),
    outcome=Outcome.HIJAU,
    take_over_required=False,
    take_over_amount=0,
    net_income=4_000_000,
    monthly_debt_service=300_000,
)
MEMBER = gates.MemberFacts(
    entrepreneur_id=1,
    name="Siti Aminah",
    amount=5_000_000,
    is_active=True,
    has_bank_consent=True,
    has_graduated=True,
    screening=SCREENING,
    has_expired_screening=False,
    documents=ALL_DOCS,
)
SCHEME = gates.SchemeFacts(
    name="BANK HARKAT Perorangan",
    applicant_type=ApplicantType.INDIVIDUAL,
    annual_rate_percent=Decimal(3),
    method=LoanMethod.ANUITAS,
    min_amount_per_member=1_000_000,
    max_amount_per_member=10_000_000,
    max_amount_per_group=None,
    min_tenor_months=6,
    max_tenor_months=24,
    is_active=True,
    active_from=None,
    active_until=None,
)
FACTS = gates.ReferralFacts(
    applicant_type=ApplicantType.INDIVIDUAL,
    scheme=SCHEME,
    tenor_months=12,
    members=(MEMBER,),
    today=TODAY,
    dsr_limit_percent=Decimal(40),
)


def _result(facts, gate: Gate) -> gates.GateResult:
    return next(r for r in gates.evaluate(facts) if r.gate == gate)


def _with(**changes):
    return replace(FACTS, members=(replace(MEMBER, **changes),))


def test_a_complete_case_passes_every_gate():
    results = gates.evaluate(FACTS)
    assert [r.gate for r in results] == list(Gate)
    assert all(r.passed and not r.problems for r in results)
    assert gates.all_ok(results)


@pytest.mark.parametrize(
    ("changes", "gate", "advice"),
    [
        ({"has_bank_consent": False}, Gate.APPLICANT, "catat persetujuan"),
        ({"is_active": False}, Gate.APPLICANT, "status tidak aktif"),
        ({"has_graduated": False}, Gate.TRAINING, "daftarkan ke angkatan pelatihan"),
        ({"screening": None}, Gate.SCREENING, "lakukan skrining utang"),
        (
            {"screening": None, "has_expired_screening": True},
            Gate.SCREENING,
            "kedaluwarsa; lakukan skrining ulang",
        ),
        (
            {"screening": replace(SCREENING, outcome=Outcome.MERAH)},
            Gate.SCREENING,
            "selesaikan jalur konseling",
        ),
        (
            {
                "screening": replace(
                    SCREENING,
                    outcome=Outcome.KUNING,
                    take_over_required=True,
                    take_over_amount=2_000_000,
                )
            },
            Gate.SCREENING,
            "pilih utang yang diambil alih",
        ),
        ({"taken_over_amount": 6_000_000}, Gate.SCREENING, "naikkan jumlah pinjaman"),
        ({"documents": frozenset({DocumentKind.KTP})}, Gate.DOCUMENTS, "unggah Kartu Keluarga"),
        ({"amount": 12_000_000}, Gate.AMOUNTS, "di luar batas per anggota"),
        ({"amount": 500_000}, Gate.AMOUNTS, "Rp1.000.000–Rp10.000.000"),
        ({"other_open_referral": "RJK-2026-000007"}, Gate.NO_OPEN, "RJK-2026-000007"),
        (
            {"screening": replace(SCREENING, monthly_debt_service=1_400_000)},
            Gate.DSR,
            "melebihi batas 40%",
        ),
        ({"screening": replace(SCREENING, net_income=0)}, Gate.DSR, "nol atau minus"),
    ],
)
def test_each_miss_says_how_to_fix_it(changes, gate, advice):
    result = _result(_with(**changes), gate)
    assert not result.passed
    assert any(advice in problem for problem in result.problems), result.problems
    assert "Siti Aminah" in " ".join(result.problems) or gate == Gate.AMOUNTS


def test_a_take_over_with_its_debts_chosen_passes_kuning():
    kuning = replace(
        SCREENING, outcome=Outcome.KUNING, take_over_required=True, take_over_amount=2_000_000
    )
    facts = _with(screening=kuning, taken_over_amount=2_000_000, taken_over_service=900_000)
    assert _result(facts, Gate.SCREENING).passed


def test_take_over_lowers_the_dsr():
    # 1.4 M existing service + about 424,000 new instalment on 4 M income: too high ...
    heavy = replace(SCREENING, monthly_debt_service=1_400_000)
    assert gates.member_dsr(replace(MEMBER, screening=heavy), FACTS) == Decimal("45.5867")
    assert not _result(_with(screening=heavy), Gate.DSR).passed
    # ... but taking over a debt that costs 900,000 a month brings it to 23.1%.
    facts = _with(screening=heavy, taken_over_service=900_000, taken_over_amount=3_000_000)
    assert gates.member_dsr(facts.members[0], facts) == Decimal("23.0867")
    assert _result(facts, Gate.DSR).passed


def test_scheme_tenor_type_and_dates():
    assert "ubah tenor" in " ".join(_result(replace(FACTS, tenor_months=36), Gate.AMOUNTS).problems)
    wrong_type = replace(FACTS, applicant_type=ApplicantType.GROUP)
    assert "pilih skema yang sesuai" in " ".join(_result(wrong_type, Gate.AMOUNTS).problems)
    ended = replace(FACTS, scheme=replace(SCHEME, active_until=date(2026, 6, 30)))
    assert "tidak berlaku hari ini" in " ".join(_result(ended, Gate.AMOUNTS).problems)


def test_group_ceiling_and_minimum_members():
    group_scheme = replace(
        SCHEME,
        applicant_type=ApplicantType.GROUP,
        max_amount_per_member=5_000_000,
        max_amount_per_group=20_000_000,
    )
    members = tuple(
        replace(MEMBER, entrepreneur_id=i, name=f"Anggota {i}", amount=5_000_000)
        for i in range(1, 6)
    )
    facts = replace(FACTS, applicant_type=ApplicantType.GROUP, scheme=group_scheme, members=members)
    problems = " ".join(_result(facts, Gate.AMOUNTS).problems)
    assert "Rp25.000.000 melebihi batas per kelompok Rp20.000.000" in problems
    alone = replace(facts, members=members[:1])
    assert "minimal 2 anggota" in " ".join(_result(alone, Gate.AMOUNTS).problems)


def test_business_photo_is_configurable():
    without_photo = _with(documents=ALL_DOCS - {DocumentKind.BUSINESS_PHOTO})
    assert not _result(without_photo, Gate.DOCUMENTS).passed
    relaxed = replace(without_photo, require_business_photo=False)
    assert _result(relaxed, Gate.DOCUMENTS).passed


def test_only_training_and_documents_may_be_waived():
    facts = _with(has_graduated=False, has_bank_consent=False)
    results = gates.evaluate(facts)
    gates.apply_exemptions(
        results,
        {
            Gate.TRAINING: ("Lulusan pelatihan Dinas Tenaga Kerja setara", "Admin"),
            Gate.APPLICANT: ("Tidak boleh", "Admin"),
        },
    )
    by_gate = {r.gate: r for r in results}
    assert by_gate[Gate.TRAINING].ok and not by_gate[Gate.TRAINING].passed
    assert not by_gate[Gate.APPLICANT].ok
    assert not gates.all_ok(results)


def test_snapshot_round_trip():
    results = gates.evaluate(_with(has_graduated=False))
    gates.apply_exemptions(results, {Gate.TRAINING: ("Alasan yang cukup panjang", "Admin A")})
    again = gates.gates_from_snapshot([r.to_snapshot() for r in results])
    assert [(r.gate, r.passed, r.ok, r.problems) for r in again] == [
        (r.gate, r.passed, r.ok, r.problems) for r in results
    ]


@pytest.mark.parametrize(
    ("existing", "passed"),
    [
        (776_532, True),  # + Rp423.468 = Rp1.200.000 on Rp4.000.000: exactly 30%
        (778_132, False),  # Rp1.201.600: 30,04%, above 30% although it rounds to 30,0%
    ],
)
def test_the_dsr_gate_compares_unrounded_and_keeps_its_limit(existing, passed):
    facts = replace(
        _with(screening=replace(SCREENING, monthly_debt_service=existing)),
        dsr_limit_percent=Decimal(30),
    )
    result = _result(facts, Gate.DSR)
    assert result.passed is passed
    assert result.details["limit_percent"] == "30"
    assert result.details["members"]["1"] == ("30.0000" if passed else "30.0400")
    if not passed:
        assert result.problems == [
            "Siti Aminah: DSR setelah pinjaman 30,04% melebihi batas 30%; kecilkan jumlah, "
            "panjangkan tenor, atau ambil alih utang yang mahal."
        ]
    snapshot = gates.gates_from_snapshot([r.to_snapshot() for r in gates.evaluate(facts)])
    assert gates.dsr_limit_of(snapshot) == Decimal(30)
