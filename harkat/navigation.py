"""What the navigation bar offers the signed-in user, named once so base.html never tests roles.

Every endpoint checks access again on the server (``auth.access``); these names only choose which
links the bar shows, and a link is offered only where the server lets the user in.
"""

from __future__ import annotations

from dataclasses import dataclass

from harkat.auth.models import Role
from harkat.referrals.transitions import ReferralStatus


@dataclass(frozen=True)
class Navigation:
    """The menus and badges of the navigation bar; the defaults are a visitor's (nothing)."""

    #: Pelaku usaha, Kelompok and Pelatihan: case files, which bank officers never see.
    shows_people: bool = False
    #: Kotak masuk: news of a facilitator's people, exemption requests for admins.
    shows_inbox: bool = False
    #: Field work without a connection: the outbox and the scripts that keep people on the device.
    works_offline: bool = False
    #: The Laporan menu (monthly absorption, SAKIP).
    shows_reports: bool = False
    #: The Admin menu.
    shows_admin: bool = False
    #: The referral list that "Rujukan" opens on while something waits for the user.
    waiting_status: ReferralStatus = ReferralStatus.NEEDS_INFO
    #: What the number beside "Rujukan" counts.
    waiting_title: str = "Bank meminta kelengkapan"


def navigation_for(role: Role | None) -> Navigation:
    """Return what the navigation bar offers a user of ``role`` (None when nobody signed in)."""
    if role is None:
        return Navigation()
    in_the_field = role in (Role.ADMIN, Role.FACILITATOR)
    at_bank = role == Role.BANK_OFFICER
    return Navigation(
        shows_people=not at_bank,
        shows_inbox=in_the_field,
        works_offline=in_the_field,
        shows_reports=role in (Role.ADMIN, Role.VIEWER),
        shows_admin=role == Role.ADMIN,
        # Bank officers wait for new submissions; the city waits for the bank's questions.
        waiting_status=ReferralStatus.SUBMITTED if at_bank else ReferralStatus.NEEDS_INFO,
        waiting_title="Rujukan baru masuk" if at_bank else "Bank meminta kelengkapan",
    )
