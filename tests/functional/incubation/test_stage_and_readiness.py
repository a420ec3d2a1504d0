"""Setting the incubation stage, the timeline it leaves, and the "siap dirujuk" indicator."""

from __future__ import annotations

import html
from datetime import date, timedelta

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.cases.domain import JourneyStage
from harkat.cases.models import CaseEvent
from harkat.extensions import db
from harkat.incubation.domain import IncubationStage
from harkat.incubation.models import Incubation
from harkat.registration.models import Entrepreneur


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _incubation(app, entrepreneur_id: int) -> Incubation | None:
    with app.app_context():
        found = db.session.scalar(
            sa.select(Incubation).where(Incubation.entrepreneur_id == entrepreneur_id)
        )
        if found is not None:
            db.session.expunge(found)
        return found


def _journey(app, entrepreneur_id: int) -> JourneyStage:
    with app.app_context():
        return db.session.get(Entrepreneur, entrepreneur_id).stage


def test_a_graduate_enters_incubation_and_the_timeline_tells(
    app, client, login_as, create_entrepreneur, move_journey
):
    user_id, _ = login_as(Role.FACILITATOR, full_name="Dewi Pendamping")
    someone = create_entrepreneur(user_id)
    move_journey(someone, JourneyStage.GRADUATED)

    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "Tahap inkubasi belum dicatat." in page and "Belum siap dirujuk" in page

    response = client.post(
        f"/pelaku-usaha/{someone}/inkubasi/tahap",
        data={
            "stage": "inkubasi",
            "started_on": "2026-01-05",
            "baseline_monthly_revenue": "5jt",
            "version": "0",
        },
    )
    assert response.status_code == 302
    incubation = _incubation(app, someone)
    assert incubation.stage == IncubationStage.INKUBASI
    assert incubation.started_on == date(2026, 1, 5)
    assert incubation.baseline_monthly_revenue == 5_000_000
    assert _journey(app, someone) == JourneyStage.IN_INCUBATION

    page = _text(client.get(response.headers["Location"]))
    assert "Tahap inkubasi disimpan." in page
    assert "5 Januari 2026" in page and "Rp5.000.000" in page
    timeline = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert "Tahap inkubasi: Inkubasi." in timeline
    assert "Tahap perjalanan: Inkubasi." in timeline
    assert "Dewi Pendamping" in timeline

    client.post(
        f"/pelaku-usaha/{someone}/inkubasi/tahap",
        data={"stage": "pasca", "baseline_monthly_revenue": "5jt", "version": "1"},
    )
    assert _incubation(app, someone).stage == IncubationStage.PASCA
    assert _incubation(app, someone).started_on == date(2026, 1, 5)  # kept when left empty
    assert "Tahap inkubasi: Pasca-inkubasi / mandiri." in _text(
        client.get(f"/pelaku-usaha/{someone}")
    )


def test_an_edit_that_changes_nothing_leaves_no_event(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    form = {"stage": "pra", "baseline_monthly_revenue": "", "version": "0"}
    client.post(f"/pelaku-usaha/{someone}/inkubasi/tahap", data=form)
    client.post(f"/pelaku-usaha/{someone}/inkubasi/tahap", data={**form, "version": "1"})
    with app.app_context():
        kinds = db.session.scalars(
            sa.select(CaseEvent.kind).where(CaseEvent.entrepreneur_id == someone)
        ).all()
    assert kinds.count("incubation_stage") == 1


def test_the_journey_does_not_move_for_someone_who_has_not_graduated(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    client.post(
        f"/pelaku-usaha/{someone}/inkubasi/tahap", data={"stage": "inkubasi", "version": "0"}
    )
    assert _incubation(app, someone).stage == IncubationStage.INKUBASI
    assert _journey(app, someone) == JourneyStage.REGISTERED
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "Belum lulus pelatihan BALIKAT." in page


def test_the_journey_never_moves_back(app, client, login_as, create_entrepreneur, move_journey):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    move_journey(someone, JourneyStage.SCREENED)
    client.post(
        f"/pelaku-usaha/{someone}/inkubasi/tahap", data={"stage": "inkubasi", "version": "0"}
    )
    assert _journey(app, someone) == JourneyStage.SCREENED


def test_bad_stage_input_is_named_and_nothing_is_saved(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()  # noqa: DTZ011 - beyond any zone
    page = _text(
        client.post(
            f"/pelaku-usaha/{someone}/inkubasi/tahap",
            data={"stage": "inkubasi", "started_on": tomorrow, "version": "0"},
        )
    )
    assert "Tanggal mulai pendampingan tidak boleh di masa depan." in page
    page = _text(
        client.post(
            f"/pelaku-usaha/{someone}/inkubasi/tahap",
            data={"stage": "inkubasi", "baseline_monthly_revenue": "banyak", "version": "0"},
        )
    )
    assert "'banyak' bukan jumlah uang yang valid." in page
    assert _incubation(app, someone) is None


def test_a_stale_stage_form_does_not_overwrite_a_newer_one(
    app, client, login_as, create_user, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    client.post(f"/pelaku-usaha/{someone}/inkubasi/tahap", data={"stage": "pra", "version": "0"})
    client.post(
        f"/pelaku-usaha/{someone}/inkubasi/tahap", data={"stage": "inkubasi", "version": "1"}
    )
    # A second phone still shows version 1 and tries to go back to pra-inkubasi.
    page = _text(
        client.post(
            f"/pelaku-usaha/{someone}/inkubasi/tahap", data={"stage": "pra", "version": "1"}
        )
    )
    assert "Data ini sudah diubah oleh" in page and "belum disimpan" in page
    assert _incubation(app, someone).stage == IncubationStage.INKUBASI
    # Someone created the record after this form was opened without one.
    page = _text(
        client.post(
            f"/pelaku-usaha/{someone}/inkubasi/tahap", data={"stage": "pasca", "version": "0"}
        )
    )
    assert "belum disimpan" in page
    assert _incubation(app, someone).stage == IncubationStage.INKUBASI


def test_ready_for_referral_once_graduated_incubated_with_nib_and_bookkeeping(
    app, client, login_as, create_entrepreneur, move_journey
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    move_journey(someone, JourneyStage.GRADUATED)
    client.post(
        f"/pelaku-usaha/{someone}/inkubasi/tahap", data={"stage": "inkubasi", "version": "0"}
    )
    client.post(
        f"/pelaku-usaha/{someone}/inkubasi/capaian",
        data={"kind": "nib", "achieved_on": "2026-01-10"},
    )
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "Belum siap dirujuk" in page
    assert "Capaian belum tercatat: Pembukuan rutin 3 bulan." in page
    assert "Capaian belum tercatat: NIB terbit." not in page

    client.post(
        f"/pelaku-usaha/{someone}/inkubasi/capaian",
        data={"kind": "bookkeeping", "achieved_on": "2026-01-31"},
    )
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "Siap dirujuk" in page and "Belum siap dirujuk" not in page

    client.post(f"/pelaku-usaha/{someone}/inkubasi/capaian/hapus", data={"kind": "nib"})
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "Belum siap dirujuk" in page and "Capaian belum tercatat: NIB terbit." in page


def test_viewers_read_without_forms_and_cannot_write(
    app, client, login_as, create_user, create_entrepreneur
):
    owner_id, _ = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    someone = create_entrepreneur(owner_id, kelurahan_code="15.71.02.1004")
    login_as(Role.VIEWER)
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "Siti Aminah" in page and "Belum siap dirujuk" in page
    assert "Catat kunjungan" not in page and "Catat tahap inkubasi" not in page
    for path in ("tahap", "kunjungan", "capaian", "capaian/hapus"):
        url = f"/pelaku-usaha/{someone}/inkubasi/{path}"
        assert client.post(url, data={"stage": "pra"}).status_code == 403, url
    assert _incubation(app, someone) is None


def test_out_of_scope_answers_404(app, client, login_as, create_user, create_entrepreneur):
    owner_id, _ = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    theirs = create_entrepreneur(owner_id, kelurahan_code="15.71.02.1004")
    login_as(Role.FACILITATOR)  # Telanaipura
    assert client.get(f"/pelaku-usaha/{theirs}/inkubasi").status_code == 404
    posts = {
        "tahap": {"stage": "inkubasi", "version": "0"},
        "kunjungan": {"visited_on": "2026-01-05", "topics": "pembukuan"},
        "capaian": {"kind": "nib", "achieved_on": "2026-01-05"},
        "capaian/hapus": {"kind": "nib"},
    }
    for path, data in posts.items():
        url = f"/pelaku-usaha/{theirs}/inkubasi/{path}"
        assert client.post(url, data=data).status_code == 404, url
    assert client.get("/pelaku-usaha/424242/inkubasi").status_code == 404
    assert _incubation(app, theirs) is None


def test_bank_officers_see_no_incubation_page(
    app, client, login_as, create_user, create_entrepreneur
):
    owner_id, _ = create_user(Role.FACILITATOR)
    someone = create_entrepreneur(owner_id)
    login_as(Role.BANK_OFFICER)
    assert client.get(f"/pelaku-usaha/{someone}/inkubasi").status_code == 404
