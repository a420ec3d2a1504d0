"""What a newer screening changes for a draft referral's borrower line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from harkat.referrals.drift import ScreeningSummary, screening_drift

OLD = ScreeningSummary(1, date(2026, 5, 2), "KUNING", Decimal("41.25"), ("Rentenir Pasar",))


def test_same_or_missing_screening_says_nothing():
    assert screening_drift("Siti", OLD, OLD) == []
    assert screening_drift("Siti", None, OLD) == []
    assert screening_drift("Siti", OLD, None) == []


def test_a_newer_screening_lists_each_change_and_what_to_do():
    new = ScreeningSummary(2, date(2026, 6, 9), "MERAH", Decimal("55"), ("Pinjol X", "Koperasi"))
    lines = screening_drift("Siti", OLD, new, ("Rentenir Pasar",))
    assert lines[0] == (
        "Skrining baru Siti tanggal 9 Juni 2026 menggantikan skrining 2 Mei 2026 yang dipakai "
        "saat rujukan ini disusun."
    )
    assert "Hasilnya berubah dari KUNING menjadi MERAH." in lines
    assert "DSR utang berjalan berubah dari 41,3% menjadi 55%." in lines
    assert any("(Rentenir Pasar)" in line and "tidak lagi dihitung" in line for line in lines)
    assert "Skrining baru mengusulkan pengambilalihan: Pinjol X, Koperasi." in lines
    assert lines[-1].startswith("Yang perlu dilakukan: buka Ubah")


def test_an_unchanged_outcome_and_dsr_are_not_repeated():
    new = ScreeningSummary(2, date(2026, 6, 9), "KUNING", Decimal("41.25"))
    lines = screening_drift("Siti", OLD, new)
    assert not any("Hasilnya" in line or "DSR" in line.split(":")[0] for line in lines[:-1])
    assert len(lines) == 2
