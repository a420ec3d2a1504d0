"""Text people type, paste or import, cleaned of what they cannot see.

Copying from WhatsApp, a PDF or a web page brings characters that look like nothing: zero-width
spaces, byte-order marks, soft hyphens, direction marks, no-break spaces. Left in, they make a NIK
"not 16 digits" for no visible reason, split one name into two in a search, or end up in a letter
to a bank. :func:`clean_text` removes them from every text field before validation and storage;
:func:`describe_char` names a character in a message so that even an odd one can be found.

Control characters (``U+0000``–``U+001F`` except tab and line breaks) are *not* removed: they
never come from typing, so a field holding one is refused (:func:`control_characters`) rather
than stored differently. The same goes for the bidirectional embeddings, overrides and isolates
(``U+202A``–``U+202E``, ``U+2066``–``U+2069``): they reorder what a reader sees ("Siti" followed
by a right-to-left override shows another name in every list and letter), so they are refused,
never silently dropped. Plain direction marks (``U+200E``, ``U+200F``) reorder nothing and are
removed like other invisibles.
"""

from __future__ import annotations

import unicodedata

#: Characters that are invisible yet not in Unicode's "format" category (Cf), which is removed
#: whole: zero-width spaces and joiners, BOM, soft hyphen, direction marks and embeddings.
_INVISIBLE_EXTRA = frozenset(
    {
        "\u034f",  # combining grapheme joiner
        "\u115f",  # Hangul choseong filler
        "\u1160",  # Hangul jungseong filler
        "\u17b4",  # Khmer vowel inherent aq
        "\u17b5",  # Khmer vowel inherent aa
        "\u180e",  # Mongolian vowel separator (was Zs)
        "\u3164",  # Hangul filler
        "\uffa0",  # halfwidth Hangul filler
        "\u2800",  # braille pattern blank
    }
)
#: Bidirectional controls that change the order in which text is shown (Trojan Source, name
#: spoofing): refused like control characters.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Control characters that keyboards do produce in a text area.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def is_invisible(char: str) -> bool:
    """Tell whether a character shows nothing and means nothing in a field (bidirectional
    controls do mean something: they reorder the text around them)."""
    if char in BIDI_CONTROLS:
        return False
    return unicodedata.category(char) == "Cf" or char in _INVISIBLE_EXTRA


def clean_text(value: str) -> str:
    """Remove invisible characters and turn every kind of space into a plain space.

    No-break, thin, ideographic and other spaces become ``" "``; zero-width characters, BOM, soft
    hyphens and direction marks are dropped. Line breaks and tabs are kept (text areas), and so are
    control characters, which :func:`control_characters` reports.
    """
    if value.isascii():
        return value
    out = []
    for char in value:
        if is_invisible(char):
            continue
        if char != " " and unicodedata.category(char) == "Zs":
            out.append(" ")
        elif char in "\u2028\u2029":
            out.append("\n")
        else:
            out.append(char)
    return "".join(out)


def control_characters(value: str, *, multiline: bool = False) -> list[str]:
    """Return the control characters in a text, in order and without repeats.

    :param multiline: tab and line breaks are allowed (a text area), otherwise they are not.
    """
    found: list[str] = []
    for char in value:
        if unicodedata.category(char) != "Cc" and char not in BIDI_CONTROLS:
            continue
        if multiline and char in _ALLOWED_CONTROLS:
            continue
        if char not in found:
            found.append(char)
    return found


def describe_char(char: str) -> str:
    """Name a character so that a person can find it: ``“O” (U+004F)`` or ``U+200B``.

    Characters that print nothing (controls, invisibles, spaces) are shown by their code alone.
    """
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category[0] in "CZ" or is_invisible(char):
        name = unicodedata.name(char, "")
        return f"{code} ({name.lower()})" if name else code
    return f"“{char}” ({code})"


def control_character_message(label: str, found: list[str]) -> str:
    """The Indonesian reason a field holding control characters is refused."""
    shown = ", ".join(describe_char(char) for char in found[:3])
    return (
        f"{label} berisi karakter kontrol yang tidak terlihat ({shown}); ketik ulang isian ini "
        "tanpa menyalin dari berkas lain."
    )


#: Punctuation that appears in names as printed on a KTP: ``Muh. Ali``, ``Ni Kadek A'isyah``,
#: ``Siti Nur-Aini``, ``Drs. H. Abdullah, S.E.``
_NAME_PUNCTUATION = frozenset(" .,'’‘`-")
_FORMULA_START = ("=", "+", "@")


def name_problem(name: str, label: str = "Nama") -> str | None:
    """Return why a text cannot be a person's name as on a KTP, or None when it can.

    A registry name follows the identity card: letters (of any script, with their accents),
    digits, spaces and the punctuation names carry. Emoji, symbols, spreadsheet formulas and
    control characters are refused with the offending character shown, never stripped, since
    the name would then silently differ from what was written.
    """
    if name.startswith(_FORMULA_START) and any(c in name for c in "()!:"):
        return (
            f"{label} berisi rumus spreadsheet ({name[:30]}…), bukan nama; isi nama persis "
            "seperti di KTP."
        )
    for char in name:
        if char in _NAME_PUNCTUATION or unicodedata.category(char)[0] in "LM":
            continue
        if unicodedata.category(char) == "Nd":
            continue  # not on a KTP, but harmless and used by some records (``Hamid 2``)
        if unicodedata.category(char) == "Cc":
            kind = "karakter kontrol"
        elif char in BIDI_CONTROLS:
            kind = "karakter pengatur arah teks"
        elif unicodedata.category(char) in ("So", "Sk", "Cs", "Co"):
            kind = "emoji atau simbol"
        else:
            kind = "karakter"
        return (
            f"{label} berisi {kind} {describe_char(char)} yang tidak ada pada nama di KTP; "
            "isi nama persis seperti di KTP (huruf, spasi, titik, koma, tanda petik, tanda hubung)."
        )
    return None


def single_line(value: str | None) -> str:
    """Clean a one-line field: invisibles removed, runs of spaces and line breaks made one space."""
    return " ".join(clean_text(value or "").split())


def too_long(label: str, value: str, limit: int) -> str:
    """The reason an over-long text is refused: it is never cut short."""
    return (
        f"{label} maksimal {limit} karakter; yang diisi {len(value)} karakter. Persingkat "
        "isiannya (tidak dipotong otomatis)."
    )


def text_problem(label: str, value: str, limit: int, *, multiline: bool = False) -> str | None:
    """Return why a cleaned free-text value cannot be stored as it is, or None."""
    if len(value) > limit:
        return too_long(label, value, limit)
    if found := control_characters(value, multiline=multiline):
        return control_character_message(label, found)
    return None
