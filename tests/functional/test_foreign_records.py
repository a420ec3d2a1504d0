"""Walk every page and API route that names a record, as a facilitator of another kecamatan and
as the officer of another bank, pointed at the other side's records: each answers 404 (or 403
where the role never belongs), and no list, export or report download shows a foreign row."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from harkat.api import tokens
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.referrals.models import Loan, ReferralDocument
from harkat.referrals.transitions import ReferralStatus
from harkat.registration import services as registration
from harkat.registration.models import Business, Entrepreneur
from harkat.screening.models import Screening

#: Record arguments this test fills with the *other* side's ids.
RECORD_ARGUMENTS = {
    "entrepreneur_id",
    "referral_id",
    "document_id",
    "loan_id",
    "screening_id",
    "group_id",
    "business_id",
}


def _side(app, create_user, ready_entrepreneur, make_referral, *, kecamatan, kelurahan, bank, name):
    facilitator_id, facilitator = create_user(Role.FACILITATOR, kecamatan_codes=(kecamatan,))
    officer_id, officer = create_user(Role.BANK_OFFICER, bank_code=bank)
    person = ready_entrepreneur(facilitator_id, full_name=name, kelurahan_code=kelurahan)
    referral = make_referral(
        facilitator_id,
        person,
        status=ReferralStatus.DISBURSED,
        officer_id=officer_id,
        bank_code=bank,
    )
    with app.app_context():
        actor = db.session.get(User, facilitator_id)
        group = registration.save_group(
            db.session,
            registration.GroupData(name=f"Kelompok {name}", kelurahan_code=kelurahan),
            actor,
        )
        db.session.commit()
        ids = {
            "entrepreneur_id": person,
            "referral_id": referral,
            "document_id": db.session.scalar(
                sa.select(ReferralDocument.id).where(ReferralDocument.referral_id == referral)
            ),
            "loan_id": db.session.scalar(sa.select(Loan.id).where(Loan.referral_id == referral)),
            "screening_id": db.session.scalar(
                sa.select(Screening.id).where(Screening.entrepreneur_id == person)
            ),
            "group_id": group.id,
            "business_id": db.session.scalar(
                sa.select(Business.id).where(Business.entrepreneur_id == person)
            ),
            "nik": db.session.get(Entrepreneur, person).nik,
        }
    return {
        "facilitator": facilitator,
        "facilitator_id": facilitator_id,
        "officer": officer,
        "officer_id": officer_id,
        "name": name,
        "ids": ids,
    }


def _record_routes(app, prefix_api: bool):
    for rule in app.url_map.iter_rules():
        args = set(rule.arguments)
        if not args & RECORD_ARGUMENTS or args - RECORD_ARGUMENTS:
            continue
        if rule.rule.startswith("/api/") != prefix_api:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule, ids):
    return rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]


def _readable(response) -> str:
    """A response's text; for a workbook, the text of every cell."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.get_data(as_text=True)


def test_nobody_reaches_the_other_sides_records(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    mine = _side(
        app,
        create_user,
        ready_entrepreneur,
        make_referral,
        kecamatan="15.71.01",
        kelurahan="15.71.01.1001",
        bank="BANK9JAMBI",
        name="Siti Aminah",
    )
    theirs = _side(
        app,
        create_user,
        ready_entrepreneur,
        make_referral,
        kecamatan="15.71.02",
        kelurahan="15.71.02.1002",
        bank="BRI",
        name="Rahmat Hidayat",
    )
    walked = 0
    for username in (mine["facilitator"], mine["officer"]):
        auth.logout()
        auth.login(username)
        for rule, method in _record_routes(app, prefix_api=False):
            response = client.open(_url(rule, theirs["ids"]), method=method, data={})
            assert response.status_code in (403, 404), (
                username,
                rule.rule,
                method,
                response.status_code,
            )
            walked += 1
        # Lists, exports and the report carry none of the other side's rows.
        month = date.today().strftime("%Y-%m")  # noqa: DTZ011
        for url in (
            "/pelaku-usaha",
            "/pelaku-usaha/ekspor.csv",
            "/pelaku-usaha/ekspor.xlsx",
            "/kelompok",
            "/rujukan",
            "/pinjaman",
            "/",
            # The city's reports are for the admin and the viewer only; the others are refused.
            "/laporan/serapan",
            f"/laporan/serapan/{month}.csv",
            f"/laporan/serapan/{month}.json",
            f"/laporan/sakip-{month[:4]}.xlsx",
        ):
            response = client.get(url)
            if url.startswith("/laporan"):
                assert response.status_code == 403, (username, url)
            body = _readable(response)
            assert theirs["name"] not in body, (username, url)
            assert theirs["ids"]["nik"] not in body, (username, url)
    assert walked >= 40

    with app.app_context():
        headers = {}
        for key, user_id in (
            ("facilitator", mine["facilitator_id"]),
            ("officer", mine["officer_id"]),
        ):
            user = db.session.get(User, user_id)
            _, secret = tokens.create_token(db.session, user, "Uji", user)
            headers[key] = {"Authorization": f"Bearer {secret}"}
        db.session.commit()
    for key, header in headers.items():
        for rule, method in _record_routes(app, prefix_api=True):
            response = client.open(
                _url(rule, theirs["ids"]), method=method, json={}, headers=header
            )
            assert response.status_code in (403, 404, 422), (
                key,
                rule.rule,
                method,
                response.status_code,
            )
            if method == "GET":
                assert response.status_code in (403, 404), (key, rule.rule)
        for url in (
            "/api/v1/entrepreneurs",
            "/api/v1/groups",
            "/api/v1/referrals",
            "/api/v1/loans",
        ):
            body = client.get(url, headers=header).get_data(as_text=True)
            assert theirs["name"] not in body and theirs["ids"]["nik"] not in body, (key, url)
    # And each side still reaches its own records (the walk above is not refusing everything).
    auth.logout()
    auth.login(mine["officer"])
    assert client.get(f"/rujukan/{mine['ids']['referral_id']}").status_code == 200
    assert client.get(f"/pinjaman/{mine['ids']['loan_id']}").status_code == 200
