"""The entrepreneur page shows the journey's next step with a link that takes it."""

from __future__ import annotations

from harkat.auth.domain import Role


def _step(page: str) -> str:
    start = page.index('id="langkah-berikutnya"')
    return page[start : page.index("</div>\n</div>", start)]


def test_next_step_moves_along_the_journey(
    client, login_as, create_entrepreneur, ready_entrepreneur, make_referral
):
    user_id, _ = login_as(Role.FACILITATOR)
    fresh = create_entrepreneur(user_id, full_name="Rina Wati")
    step = _step(client.get(f"/pelaku-usaha/{fresh}").get_data(as_text=True))
    assert "Catat usahanya" in step
    assert f'href="/pelaku-usaha/{fresh}/usaha' in step

    ready = ready_entrepreneur(user_id)
    step = _step(client.get(f"/pelaku-usaha/{ready}").get_data(as_text=True))
    assert "Buat rujukan ke bank" in step
    assert f'href="/rujukan/baru?pelaku={ready}"' in step

    rid = make_referral(user_id, ready)
    step = _step(client.get(f"/pelaku-usaha/{ready}").get_data(as_text=True))
    assert "Pantau rujukan" in step and "Draf" in step
    assert f'href="/rujukan/{rid}"' in step


def test_saving_consent_says_what_comes_next(client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    fresh = create_entrepreneur(user_id, full_name="Rina Wati")
    page = client.post(
        f"/pelaku-usaha/{fresh}/persetujuan",
        data={"processing": "y", "bank_sharing": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Persetujuan dicatat." in page
    assert "Berikutnya: catat usahanya." in page


def test_readers_see_no_next_step(client, login_as, create_user, create_entrepreneur):
    user_id, _ = create_user(Role.FACILITATOR)
    person = create_entrepreneur(user_id)
    login_as(Role.VIEWER)
    page = client.get(f"/pelaku-usaha/{person}").get_data(as_text=True)
    assert "Langkah berikutnya" not in page
