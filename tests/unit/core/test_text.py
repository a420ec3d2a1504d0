"""Cleaning text of what people cannot see, and naming characters so they can be found."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harkat.core.text import clean_text, control_characters, describe_char, name_problem

INVISIBLES = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u2060"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
SPACES = ["\u00a0", "\u2007", "\u202f", "\u3000", "\u2009"]


@pytest.mark.parametrize("char", INVISIBLES)
def test_invisible_characters_are_removed(char):
    assert clean_text(f"{char}Siti{char} Aminah{char}") == "Siti Aminah"


@pytest.mark.parametrize("char", BIDI)
def test_bidirectional_controls_are_kept_to_be_refused_not_dropped(char):
    # "Siti" + right-to-left override would show as another name in every list and letter.
    assert clean_text(f"Siti{char} Aminah") == f"Siti{char} Aminah"
    assert control_characters(f"Siti{char} Aminah{char}") == [char]
    assert control_characters(f"Jl.{char} Mawar", multiline=True) == [char]
    assert f"karakter pengatur arah teks U+{ord(char):04X}" in name_problem(f"Siti{char}gnp.exe")


@pytest.mark.parametrize("char", SPACES)
def test_every_kind_of_space_becomes_a_plain_space(char):
    assert clean_text(f"Siti{char}Aminah") == "Siti Aminah"


_OTHER_INVISIBLES = "\u034f\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0\u2800\u2028\u2029"


@given(
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            exclude_categories=["Cf", "Zs", "Cs"],
            exclude_characters=_OTHER_INVISIBLES + "".join(BIDI),
        )
    )
)
def test_visible_text_is_left_as_it_is(text):
    assert clean_text(text) == text


def test_control_characters_are_reported_not_removed():
    assert clean_text("Jl. Mawar\x07") == "Jl. Mawar\x07"
    assert control_characters("a\x00b\x07c\x07") == ["\x00", "\x07"]
    assert control_characters("baris 1\nbaris 2\tx") == ["\n", "\t"]
    assert control_characters("baris 1\nbaris 2\tx", multiline=True) == []


def test_characters_are_named_so_that_a_person_can_find_them():
    assert describe_char("O") == "“O” (U+004F)"
    assert describe_char("\u200b") == "U+200B (zero width space)"
    assert describe_char("\x07") == "U+0007"


@pytest.mark.parametrize(
    "name",
    ["Siti Aminah", "Muh. Ali", "Ni Kadek A'isyah", "Nur-Aini", "Drs. H. Abdullah, S.E.",
     "Ahmad Yani II", "Ruḥ Allah", "Hamid 2"],
)  # fmt: skip
def test_names_as_on_a_ktp_are_accepted(name):
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Dewi 🌸", "emoji atau simbol “🌸” (U+1F338)"),
        ('=HYPERLINK("http://x","Klik")', "rumus spreadsheet"),
        ("=1+1", "karakter “=” (U+003D)"),
        ("Siti\x07", "karakter kontrol U+0007"),
        ("Budi <b>", "karakter “<” (U+003C)"),
    ],
)
def test_names_with_emoji_formulas_and_controls_are_refused(name, words):
    assert words in name_problem(name, "Nama lengkap")
