"""Enumerations shared by several features, and the labelled enum they are built on.

Pure: imports nothing of Flask, SQLAlchemy or any feature, so domain modules and models alike
can use it. A feature's own states stay in that feature's ``domain.py``.
"""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members carry an Indonesian label: ``MEMBER = "value", "Label"``."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def from_label(cls, text: str):
        """Find a member by value or label, ignoring case and spacing; None if nothing matches."""
        wanted = " ".join(str(text).split()).casefold()
        for member in cls:
            if wanted in (member.value.casefold(), member.label.casefold()):
                return member
        return None


class LoanMethod(enum.StrEnum):
    """How a loan's instalments are computed: set on a scheme, used by the loan schedule."""

    ANUITAS = "anuitas"
    FLAT = "flat"

    @property
    def label(self) -> str:
        return {"anuitas": "Anuitas", "flat": "Flat"}[self.value]


class ApplicantType(enum.StrEnum):
    """Who borrows: a group (joint liability) or one person; set on a scheme and a referral."""

    GROUP = "group"
    INDIVIDUAL = "individual"

    @property
    def label(self) -> str:
        return {"group": "Kelompok", "individual": "Perorangan"}[self.value]


class ConsentPurpose(LabelledEnum):
    """What an entrepreneur consents to: recorded by registration, checked before a referral
    reaches a bank and before anyone is contacted or sent a sheet by WhatsApp."""

    PROCESSING = "processing", "Pengolahan data dalam program BANK HARKAT dan BALIKAT"
    BANK_SHARING = "bank_sharing", "Pembagian data kepada bank mitra penyalur"
    WHATSAPP = "whatsapp", "Dihubungi melalui WhatsApp"
