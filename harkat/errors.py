"""Domain errors raised by pure code and services, mapped onto forms and responses by views."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A rule of the programme refused an action; the message is for the user (Indonesian)."""


class ValidationError(DomainError):
    """One field holds a value the rules refuse."""

    def __init__(self, field: str | None, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


class StopValidation(DomainError):
    """Several fields are wrong at once; ``reasons`` maps each field (or None) to its messages."""

    def __init__(self, reasons: dict[str | None, list[str]]):
        self.reasons = reasons
        super().__init__("; ".join(msg for msgs in reasons.values() for msg in msgs))

    @classmethod
    def from_errors(cls, errors: Iterable[ValidationError]) -> StopValidation:
        reasons: dict[str | None, list[str]] = {}
        for error in errors:
            reasons.setdefault(error.field, []).append(error.reason)
        return cls(reasons)


class StaleObjectError(DomainError):
    """Someone else changed the record since the form was opened."""


class NotFound(DomainError):
    """The record does not exist or lies outside the user's scope (the view answers 404)."""
