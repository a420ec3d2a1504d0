"""NIKs in free text (audit notes, logs) are masked however they are grouped."""

from __future__ import annotations

import pytest

from harkat.core.nik import mask_niks_in_text

NIK = "1571010211950017"


@pytest.mark.parametrize(
    "written",
    [
        NIK,
        "1571 0102 1195 0017",
        "15.71.01.0211950017",
        "157101-021195-0017",
        "15-71-01-02-11-95-0017",
        "1571\u00a00102\u00a01195\u00a00017",
        "1571/0102/1195/0017",
        "1571,0102,1195,0017",
    ],
)
def test_every_grouping_of_a_nik_is_masked(written):
    masked = mask_niks_in_text(f"Catatan: NIK {written} dikoreksi.")
    assert masked == "Catatan: NIK 1571********0017 dikoreksi."


@pytest.mark.parametrize(
    "text",
    ["telp 0812-3456-7890", "Rp1.234.567.890", "2 Desember 2026 pukul 14.05", "RT 005/RW 002"],
)
def test_phones_amounts_and_dates_are_left_alone(text):
    assert mask_niks_in_text(text) == text
