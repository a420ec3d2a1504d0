"""The referral state machine: which action moves a referral where, and who may take it.

Pure: no Flask, no database. Services ask :func:`next_state` before changing a referral and the
pages ask :func:`available_actions` to decide which buttons to show; both read the same tables,
so a hidden button and a refused request can never disagree.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from harkat.auth.domain import Role
from harkat.core.enums import LabelledEnum


class ReferralStatus(LabelledEnum):
    DRAFT = "draft", "Draf"
    SUBMITTED = "submitted", "Diajukan"
    IN_REVIEW = "in_review", "Ditelaah bank"
    NEEDS_INFO = "needs_info", "Perlu kelengkapan"
    APPROVED = "approved", "Disetujui"
    REJECTED = "rejected", "Ditolak"
    WITHDRAWN = "withdrawn", "Ditarik"
    DISBURSED = "disbursed", "Dana cair"


class Action(enum.StrEnum):
    SUBMIT = "submit"
    REVIEW = "review"
    REQUEST_INFO = "request_info"
    ANSWER = "answer"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    DISBURSE = "disburse"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: "Ajukan ke bank",
    Action.REVIEW: "Mulai telaah",
    Action.REQUEST_INFO: "Minta kelengkapan",
    Action.ANSWER: "Kirim jawaban kelengkapan",
    Action.APPROVE: "Setujui",
    Action.REJECT: "Tolak",
    Action.WITHDRAW: "Tarik rujukan",
    Action.DISBURSE: "Catat pencairan",
}

S = ReferralStatus

#: Actions that cannot be undone: the page asks for confirmation before taking them.
CONFIRMED_ACTIONS = (Action.SUBMIT, Action.APPROVE, Action.REJECT, Action.WITHDRAW)

#: What taking an action will do and what cannot be undone, shown on its confirmation page.
CONSEQUENCES: dict[Action, tuple[str, ...]] = {
    Action.SUBMIT: (
        "Rujukan dikirim ke bank dan daftar periksa dibekukan sebagaimana adanya sekarang.",
        "Isi rujukan tidak dapat diubah lagi, kecuali bank meminta kelengkapan.",
        "Anda masih dapat menarik rujukan selama bank belum memutuskan.",
    ),
    Action.APPROVE: (
        "Rujukan disetujui dengan jumlah, tenor dan bunga yang Anda isi di bawah.",
        "Keputusan ini tidak dapat dibatalkan; pendamping melihatnya di kotak masuk.",
        "Langkah berikutnya adalah mencatat pencairan setelah dana cair.",
    ),
    Action.REJECT: (
        "Rujukan ditolak dengan alasan yang Anda pilih; pendamping melihat alasannya.",
        "Keputusan ini tidak dapat dibatalkan. Pendamping perlu membuat rujukan baru "
        "setelah masalahnya diatasi.",
    ),
    Action.WITHDRAW: (
        "Rujukan ditarik dan tidak dapat diajukan lagi.",
        "Bila perlu, buat rujukan baru dari halaman pelaku usaha.",
    ),
}

#: What happened and what comes next, flashed after a referral reaches each state.
NEXT_STEPS: dict[ReferralStatus, str] = {
    S.SUBMITTED: "Berikutnya: bank menelaah rujukan; jawabannya muncul di Kotak masuk Anda.",
    S.IN_REVIEW: "Berikutnya: bank menyetujui, menolak atau meminta kelengkapan.",
    S.NEEDS_INFO: "Berikutnya: pendamping melengkapi dan mengirim jawaban.",
    S.APPROVED: "Berikutnya: catat pencairan setelah dana cair ke rekening peminjam.",
    S.REJECTED: "Pendamping melihat alasan penolakan di halaman rujukan dan kotak masuknya.",
    S.WITHDRAWN: "Bila perlu, buat rujukan baru dari halaman pelaku usaha.",
    S.DISBURSED: "Berikutnya: laporkan kolektibilitas pinjaman setiap bulan.",
}

#: (state, action) → the state it leads to. Anything not listed is not a move.
TRANSITIONS: dict[tuple[ReferralStatus, Action], ReferralStatus] = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Action.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Action.REVIEW): S.IN_REVIEW,
    (S.SUBMITTED, Action.REQUEST_INFO): S.NEEDS_INFO,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.IN_REVIEW, Action.REQUEST_INFO): S.NEEDS_INFO,
    (S.IN_REVIEW, Action.APPROVE): S.APPROVED,
    (S.IN_REVIEW, Action.REJECT): S.REJECTED,
    (S.IN_REVIEW, Action.WITHDRAW): S.WITHDRAWN,
    (S.NEEDS_INFO, Action.ANSWER): S.IN_REVIEW,
    (S.NEEDS_INFO, Action.REJECT): S.REJECTED,
    (S.NEEDS_INFO, Action.WITHDRAW): S.WITHDRAWN,
    (S.APPROVED, Action.DISBURSE): S.DISBURSED,
}

#: Who may take each action. The city prepares, answers and withdraws; only the bank decides.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.SUBMIT: frozenset({Role.FACILITATOR, Role.ADMIN}),
    Action.ANSWER: frozenset({Role.FACILITATOR, Role.ADMIN}),
    Action.WITHDRAW: frozenset({Role.FACILITATOR, Role.ADMIN}),
    Action.REVIEW: frozenset({Role.BANK_OFFICER}),
    Action.REQUEST_INFO: frozenset({Role.BANK_OFFICER}),
    Action.APPROVE: frozenset({Role.BANK_OFFICER}),
    Action.REJECT: frozenset({Role.BANK_OFFICER}),
    Action.DISBURSE: frozenset({Role.BANK_OFFICER}),
}

#: States in which the bank has not decided yet; one person may have only one such referral.
OPEN_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.APPROVED})
#: States the bank's officer can see (a draft is still the city's work).
BANK_VISIBLE_STATES = frozenset(set(ReferralStatus) - {S.DRAFT})
#: States the bank still has to act on, for its queue and the SLA.
WAITING_FOR_BANK = frozenset({S.SUBMITTED, S.IN_REVIEW})


class TransitionError(Exception):
    """The move is not allowed; the message says why, in Indonesian."""


def next_state(state: ReferralStatus, action: Action, role: Role) -> ReferralStatus:
    """Return where ``action`` takes a referral in ``state`` when taken by ``role``.

    :raise TransitionError: when the action does not apply to the state or the role may not.
    """
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise TransitionError(
            f"Aksi “{action.label}” tidak dapat dilakukan pada rujukan berstatus {state.label}."
        )
    if role not in PERMISSIONS[action]:
        raise TransitionError(f"Peran {role.label} tidak berwenang melakukan “{action.label}”.")
    return target


def available_actions(state: ReferralStatus, role: Role) -> list[Action]:
    """The actions ``role`` may take on a referral in ``state``, in table order."""
    return [
        action
        for (from_state, action) in TRANSITIONS
        if from_state == state and role in PERMISSIONS[action]
    ]


def is_allowed(state: ReferralStatus, action: Action, role: Role) -> bool:
    return (state, action) in TRANSITIONS and role in PERMISSIONS[action]


def states_reachable(start: ReferralStatus) -> set[ReferralStatus]:
    """Every state reachable from ``start`` (used to check that no state is a dead end)."""
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        for (from_state, _), target in TRANSITIONS.items():
            if from_state == current and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def final_states(states: Iterable[ReferralStatus] = ReferralStatus) -> set[ReferralStatus]:
    return {s for s in states if not any(f == s for f, _ in TRANSITIONS)}
