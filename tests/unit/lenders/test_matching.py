"""Typed lender names are matched tolerantly; look-alikes are suggested, never matched."""

from __future__ import annotations

import random
import string
import time
from datetime import date

import pytest

from harkat.screening.registry import (
    LenderIndex,
    LenderStatus,
    LicensedLender,
    MatchStatus,
)

CHECKED = date(2026, 11, 3)


def lender(name, company="", status=LenderStatus.BERIZIN, checked_on=CHECKED, licence="KEP-1"):
    return LicensedLender(
        name=name,
        company=company,
        licence_number=licence,
        status=status,
        checked_on=checked_on,
    )


@pytest.fixture
def index():
    return LenderIndex(
        [
            lender("Kredivo", "PT FinAccel Digital Indonesia"),
            lender("KreditPintar", "PT Kredit Pintar Indonesia"),
            lender("Rupiah Cepat", "PT Kredit Utama Fintech Indonesia"),
            lender("Danamas", "PT Pasar Dana Pinjaman", checked_on=date(2026, 10, 1)),
            lender("Investree", "PT Investree Radhika Jaya", status=LenderStatus.DICABUT),
            lender("Pinjam Sementara", "PT Tunggu Kepastian", status=LenderStatus.LAINNYA),
            lender("Julo", "PT Julo Teknologi Finansial"),
        ]
    )


@pytest.mark.parametrize(
    "typed", ["Kredivo", "kredivo", "KREDIVO", " kre divo ", "PT. Kredivo", "Kredivo!!"]
)
def test_case_spacing_punctuation_and_pt_are_ignored(index, typed):
    match = index.match(typed)
    assert match.status == MatchStatus.LICENSED
    assert match.lender.name == "Kredivo"
    assert match.score == 100
    assert match.is_licensed and not match.is_likely_illegal
    assert match.suggestion is None


def test_the_company_name_matches_too(index):
    match = index.match("PT FinAccel Digital Indonesia Tbk")
    assert match.is_licensed and match.lender.name == "Kredivo"


def test_a_one_letter_typo_is_suggested_but_not_matched(index):
    match = index.match("Kredivoo")
    assert match.status == MatchStatus.UNKNOWN
    assert match.lender is None
    assert match.suggestion == "Kredivo"
    assert 75 <= match.score < 90
    assert match.is_likely_illegal
    assert "Mungkin maksud Anda: Kredivo?" in match.message
    assert "kemungkinan ilegal" in match.message


def test_a_long_name_with_one_slip_is_the_same_lender(index):
    match = index.match("Rupiah Cepaat")
    assert match.is_licensed and match.lender.name == "Rupiah Cepat"
    assert 90 <= match.score < 100


def test_a_licensed_name_inside_a_longer_one_is_only_a_suggestion(index):
    match = index.match("Kredivo Plus")
    assert match.status == MatchStatus.UNKNOWN
    assert match.suggestion == "Kredivo"


def test_a_revoked_lender_is_revoked(index):
    match = index.match("investree")
    assert match.status == MatchStatus.REVOKED
    assert match.lender.name == "Investree"
    assert match.is_likely_illegal
    assert "dicabut" in match.message


def test_an_entry_with_another_status_is_no_licence(index):
    match = index.match("Pinjam Sementara")
    assert match.status == MatchStatus.UNKNOWN
    assert match.lender.name == "Pinjam Sementara"
    assert "bukan izin aktif" in match.message


def test_an_unknown_lender_is_likely_illegal(index):
    match = index.match("Dana Kilat Express")
    assert match.status == MatchStatus.UNKNOWN
    assert match.lender is None
    assert match.suggestion is None
    assert match.score < 75
    assert match.message.startswith("Nama ini tidak ada di daftar pemberi pinjaman berizin OJK")


def test_the_match_carries_the_latest_check_date(index):
    assert index.match("Kredivo").checked_on == CHECKED
    assert index.match("tidak ada").checked_on == CHECKED


def test_an_empty_name_or_registry_matches_nothing(index):
    assert index.match("").status == MatchStatus.UNKNOWN
    assert index.match("!!!").lender is None
    empty = LenderIndex([]).match("Kredivo")
    assert empty.status == MatchStatus.UNKNOWN
    assert empty.registry_is_empty
    assert "masih kosong" in empty.message


def test_answers_keep_what_was_typed(index):
    assert index.match("PT. Kredivo").typed == "PT. Kredivo"
    assert index.match("kredivo").typed == "kredivo"


def test_thousands_of_lookups_are_fast():
    rng = random.Random(7)
    letters = string.ascii_lowercase

    def word():
        return "".join(rng.choice(letters) for _ in range(rng.randint(5, 12)))

    registry = LenderIndex(
        lender(f"{word()} {word()}", f"PT {word()} {word()}") for _ in range(400)
    )
    names = [f"{word()} {word()}" for _ in range(3000)]
    started = time.perf_counter()
    for name in names:
        registry.match(name)
    assert time.perf_counter() - started < 5
