"""The milestone checklist: dates, corrections, removal, the timeline and the revenue hint."""

from __future__ import annotations

import html
from datetime import date, timedelta

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.cases.models import CaseEvent
from harkat.extensions import db
from harkat.incubation.domain import MilestoneKind
from harkat.incubation.models import Milestone


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _milestones(app, entrepreneur_id: int) -> dict[MilestoneKind, tuple[date, str]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Milestone).where(Milestone.entrepreneur_id == entrepreneur_id)
        ).all()
        return {row.kind: (row.achieved_on, row.note) for row in rows}


def _record(client, entrepreneur_id: int, kind: str, achieved_on: str, note: str = ""):
    return client.post(
        f"/pelaku-usaha/{entrepreneur_id}/inkubasi/capaian",
        data={"kind": kind, "achieved_on": achieved_on, "note": note},
    )


def test_milestones_are_recorded_with_their_dates(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    response = _record(client, someone, "nib", "2026-01-12", "NIB 1234567890123")
    assert response.status_code == 302
    _record(client, someone, "online_sales", "2026-02-01", "Shopee")
    assert _milestones(app, someone) == {
        MilestoneKind.NIB: (date(2026, 1, 12), "NIB 1234567890123"),
        MilestoneKind.ONLINE_SALES: (date(2026, 2, 1), "Shopee"),
    }
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "2 dari 5 tercapai" in page
    assert "Tercapai 12 Januari 2026" in page and "NIB 1234567890123" in page
    assert "Tercapai 1 Februari 2026" in page
    assert page.count("Belum tercapai") == 3
    timeline = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert "Capaian: NIB terbit (tercapai 12 Januari 2026)." in timeline
    assert "Capaian: Berjualan daring (tercapai 1 Februari 2026)." in timeline


def test_a_milestone_date_in_the_future_is_refused(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    later = (date.today() + timedelta(days=2)).isoformat()  # noqa: DTZ011 - beyond any zone
    response = _record(client, someone, "bookkeeping", later, "buku kas")
    page = _text(response)
    assert response.status_code == 200
    assert "Tanggal tercapai tidak boleh di masa depan." in page
    # The refused row's form stays open with what was typed.
    assert f'value="{later}"' in page and 'value="buku kas"' in page
    assert _milestones(app, someone) == {}


def test_a_milestone_needs_a_date_and_a_known_kind(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    assert "Tanggal tercapai wajib diisi." in _text(_record(client, someone, "nib", ""))
    assert "Pilih capaian dari daftar." in _text(_record(client, someone, "nobel", "2026-01-01"))
    assert _milestones(app, someone) == {}


def test_recording_again_corrects_and_removal_is_on_the_timeline(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    _record(client, someone, "halal_pirt", "2026-01-05")
    _record(client, someone, "halal_pirt", "2026-01-07", "P-IRT 2061571010123-26")
    assert _milestones(app, someone) == {
        MilestoneKind.HALAL_PIRT: (date(2026, 1, 7), "P-IRT 2061571010123-26")
    }
    response = client.post(
        f"/pelaku-usaha/{someone}/inkubasi/capaian/hapus", data={"kind": "halal_pirt"}
    )
    assert response.status_code == 302
    assert _milestones(app, someone) == {}
    assert "Capaian dibatalkan: Sertifikat halal atau P-IRT." in _text(
        client.get(response.headers["Location"])
    )
    with app.app_context():
        summaries = db.session.scalars(
            sa.select(CaseEvent.summary)
            .where(CaseEvent.entrepreneur_id == someone, CaseEvent.kind.like("milestone%"))
            .order_by(CaseEvent.id)
        ).all()
    assert summaries == [
        "Capaian: Sertifikat halal atau P-IRT (tercapai 5 Januari 2026).",
        "Capaian diubah: Sertifikat halal atau P-IRT (tercapai 7 Januari 2026).",
        "Capaian dibatalkan: Sertifikat halal atau P-IRT.",
    ]


def test_revenue_up_ten_percent_on_the_baseline_is_suggested(
    app, client, login_as, create_entrepreneur, add_business
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    add_business(someone, user_id, 5_000_000)
    # The baseline is suggested from the businesses' revenue when incubation starts.
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert 'value="Rp5.000.000"' in page
    client.post(
        f"/pelaku-usaha/{someone}/inkubasi/tahap",
        data={"stage": "inkubasi", "baseline_monthly_revenue": "Rp5.000.000", "version": "0"},
    )
    add_business(someone, user_id, 499_999)  # 9,99998% more: not yet
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "Rp5.499.999" in page and "capaian ini dapat dicatat" not in page
    add_business(someone, user_id, 1)  # exactly 10% more
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "+10%" in page
    assert "Omzet sekarang 10% di atas omzet awal: capaian ini dapat dicatat." in page
    _record(client, someone, "revenue_up", "2026-03-01")
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "capaian ini dapat dicatat" not in page
