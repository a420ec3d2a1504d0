"""Lender names are reduced to keys that ignore case, spacing, punctuation and legal forms."""

from __future__ import annotations

import pytest

from harkat.screening.registry import lender_key


@pytest.mark.parametrize(
    "text",
    [
        "Kredivo",
        "kredivo",
        "KREDIVO!",
        "  Kre-divo ",
        "PT Kredivo",
        "PT. Kredivo  Indonesia Tbk",
        "P.T. Kredivo",
        "Kredivo Indonesia",
        "Kredivo App",
        "kredivo.co.id",
        "www.kredivo.com",
        "ＫＲＥＤＩＶＯ",
    ],
)
def test_spellings_of_one_lender_share_a_key(text):
    assert lender_key(text) == "kredivo"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Rupiah Cepat", "rupiahcepat"),
        ("Kredit Pintar", "kreditpintar"),
        ("PT FinAccel Digital Indonesia", "finacceldigital"),
        ("PT Bank Rakyat Indonesia (Persero) Tbk", "bankrakyat"),
        ("CV Maju Jaya", "majujaya"),
        ("Crédit Rápido", "creditrapido"),
        ("360Kredi", "360kredi"),
    ],
)
def test_legal_forms_and_a_trailing_country_are_dropped(text, key):
    assert lender_key(text) == key


def test_indonesia_inside_a_name_is_kept():
    assert lender_key("PT Indonesia Fintopia Technology") == "indonesiafintopiatechnology"


def test_a_name_made_only_of_dropped_words_keeps_them():
    assert lender_key("PT") == "pt"
    assert lender_key("Indonesia") == "indonesia"


@pytest.mark.parametrize("text", [None, "", "   ", "!!!", "—"])
def test_text_without_letters_or_digits_has_an_empty_key(text):
    assert lender_key(text) == ""


def test_different_lenders_keep_different_keys():
    assert lender_key("Kredivo") != lender_key("Kredivoo")
    assert lender_key("Dana Rupiah") != lender_key("Rupiah Cepat")
