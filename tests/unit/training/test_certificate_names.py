"""The holder's name as the public verification page shows it."""

from __future__ import annotations

import pytest

from harkat.training.certificates import mask_name


@pytest.mark.parametrize(
    ("full_name", "masked"),
    [
        ("Siti Aminah", "Si** Am****"),
        ("Budi", "Bu**"),
        ("  Rahmawati   Putri ", "Ra******* Pu***"),
        ("Muhammad Al Fatih", "Mu****** A* Fa***"),
        ("M. Yusuf", "M. Yu***"),
        ("Nur'aini Siregar", "Nu*'**** Si*****"),
        ("Ni Made Ayu", "N* Ma** Ay*"),
        ("A", "A"),
        ("", ""),
    ],
)
def test_mask_name_keeps_two_letters_of_each_word(full_name, masked):
    assert mask_name(full_name) == masked


def test_no_word_of_the_name_shows_whole():
    for word in mask_name("Siti Aminah binti Abdullah Al Jambi").split():
        assert "*" in word


def test_masking_keeps_the_length_of_each_word():
    full_name = "Fransiska Xaveria Simanjuntak"
    assert [len(w) for w in mask_name(full_name).split()] == [len(w) for w in full_name.split()]
