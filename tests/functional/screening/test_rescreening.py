"""A re-screening starts from the last one; a newer screening that changes a draft referral's
take-overs or DSR is announced on the referral page with what to do."""

from __future__ import annotations

import re

from harkat.auth.domain import Role
from tests.functional.screening.test_screening_pages import _post, _text


def _value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    if match is None:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_rescreening_is_prefilled_from_the_last_screening(client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    blank = _text(client.get(f"/pelaku-usaha/{someone}/skrining/baru"))
    assert "Diisi dari skrining" not in blank
    assert _post(client, someone).status_code == 302
    page = _text(client.get(f"/pelaku-usaha/{someone}/skrining/baru"))
    assert "Diisi dari skrining" in page and "hari ini" in page and "1 utang" in page
    assert _value(page, "business_income") == "Rp4.000.000"
    assert _value(page, "household_expenses") == "Rp2.500.000"
    assert _value(page, "debts-0-lender_name") == "Bu Ros (bank keliling)"
    assert _value(page, "debts-0-outstanding") == "Rp700.000"
    assert _value(page, "debts-0-instalments_paid") == "10"
    assert re.search(r'<option selected value="daily">|<option value="daily" selected>', page)
    # One empty row follows, for a new debt; the SLIK check is not copied.
    assert _value(page, "debts-1-lender_name") == ""
    assert _value(page, "slik_checked_on") in ("", None)


def test_a_newer_screening_that_drops_the_taken_over_debt_is_announced(
    client, login_as, ready_entrepreneur, make_referral
):
    user_id, _ = login_as(Role.FACILITATOR)
    person = ready_entrepreneur(user_id, loan_shark=True)
    rid = make_referral(user_id, person, take_over=True)
    before = _text(client.get(f"/rujukan/{rid}"))
    assert "Skrining terbaru mengubah rujukan ini" not in before
    # The loan shark was paid off by the family: the new screening has no debt at all.
    response = _post(
        client,
        person,
        **{
            "debts-0-lender_name": "",
            "debts-0-principal": "",
            "debts-0-outstanding": "",
            "debts-0-instalment": "",
        },
    )
    assert response.status_code == 302, _text(response)
    page = _text(client.get(f"/rujukan/{rid}"))
    notice = page[page.index('id="skrining-berubah"') :]
    notice = notice[: notice.index("</ul>")]
    assert "Skrining baru Siti Aminah tanggal" in notice
    assert "Hasilnya berubah dari KUNING menjadi HIJAU." in notice
    assert "DSR utang berjalan berubah dari" in notice
    assert "Bank keliling Pasar Angso Duo" in notice and "tidak lagi dihitung" in notice
    assert "pilih ulang utang yang diambil alih" in notice
