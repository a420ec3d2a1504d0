"""Matching the names of kecamatan and kelurahan as people actually type them."""

from __future__ import annotations

import re
import unicodedata

_ROMAN = {"i": "satu", "ii": "dua", "iii": "tiga", "iv": "empat", "v": "lima", "vi": "enam"}
_DIGITS = {"1": "satu", "2": "dua", "3": "tiga", "4": "empat", "5": "lima", "6": "enam"}
_PREFIXES = ("kelurahan", "kel", "kecamatan", "kec", "desa")


def place_key(name: str) -> str:
    """Reduce a place name to a key that ignores case, spacing, punctuation and numerals.

    ``"Simpang IV Sipin"``, ``"simpang empat  sipin"`` and ``"Kel. Simpang 4 Sipin"`` share one
    key, as do ``"The Hok"`` and ``"Thehok"``.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]+|\d+", text)
    while words and words[0] in _PREFIXES:
        words = words[1:]
    return "".join(_ROMAN.get(word, _DIGITS.get(word, word)) for word in words)
