"""A blank capital or sales figure is unknown, not zero: what facilitators and readers see."""

from __future__ import annotations

import html
import io

import openpyxl
import sqlalchemy as sa

from harkat.api import tokens
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.cases.models import CaseEvent
from harkat.extensions import db
from harkat.registration import importer
from harkat.registration.domain import BusinessScale
from harkat.registration.models import Business, Entrepreneur
from tests.functional.registration.test_import import BUDI, SITI, _row, write_xlsx

WARUNG = {
    "name": "Warung Pempek Bu Siti",
    "sector": "I",
    "products": "pempek",
    "monthly_revenue": "",
    "monthly_costs": "",
    "capital": "",
    "employees": "1",
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _business(app, entrepreneur_id: int) -> Business:
    with app.app_context():
        business = db.session.scalar(
            sa.select(Business).where(Business.entrepreneur_id == entrepreneur_id)
        )
        db.session.expunge(business)
        return business


def test_blank_capital_with_200_juta_sales_a_month_is_kecil(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    response = client.post(
        f"/pelaku-usaha/{someone}/usaha/baru", data={**WARUNG, "monthly_revenue": "200jt"}
    )
    assert response.status_code == 302, _text(response)
    business = _business(app, someone)
    assert (business.capital, business.monthly_revenue) == (None, 200_000_000)
    assert business.scale == BusinessScale.KECIL
    page = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert "Skala: Kecil" in page
    assert "Omzet Rp200.000.000/bulan" in page and "modal belum diisi" in page


def test_business_without_figures_is_belum_diketahui_until_they_are_filled_in(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    assert client.post(f"/pelaku-usaha/{someone}/usaha/baru", data=WARUNG).status_code == 302
    business = _business(app, someone)
    assert (business.capital, business.monthly_revenue) == (None, None)
    assert business.scale == BusinessScale.UNKNOWN
    page = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert "Skala: belum diketahui" in page and "Mikro" not in page
    assert "Omzet belum diisi" in page and "modal belum diisi" in page and "laba" not in page
    assert "(skala belum diketahui)" in page  # the timeline entry
    form = _text(client.get(f"/pelaku-usaha/{someone}/usaha/{business.id}"))
    assert "skala saat ini: <strong>Belum diketahui</strong>" in form

    # Capital arrives later: the scale is recomputed from what is now known.
    edited = {**WARUNG, "capital": "Rp 6 miliar", "version": str(business.version)}
    response = client.post(f"/pelaku-usaha/{someone}/usaha/{business.id}", data=edited)
    assert response.status_code == 302, _text(response)
    business = _business(app, someone)
    assert (business.capital, business.monthly_revenue) == (6_000_000_000, None)
    assert business.scale == BusinessScale.MENENGAH
    with app.app_context():
        summaries = db.session.scalars(
            sa.select(CaseEvent.summary).where(CaseEvent.entrepreneur_id == someone)
        ).all()
    assert any("skala menengah" in s for s in summaries)


def test_lists_exports_and_the_api_know_belum_diketahui(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    unknown = create_entrepreneur(user_id, full_name="Siti Aminah")
    mikro = create_entrepreneur(user_id, full_name="Budi Santoso")
    client.post(f"/pelaku-usaha/{unknown}/usaha/baru", data=WARUNG)
    client.post(
        f"/pelaku-usaha/{mikro}/usaha/baru",
        data={**WARUNG, "name": "Toko Budi", "monthly_revenue": "5jt"},
    )
    # Budi's second business has no figures: his largest scale is still mikro.
    client.post(f"/pelaku-usaha/{mikro}/usaha/baru", data={**WARUNG, "name": "Jasa Budi"})

    listed = _text(client.get("/pelaku-usaha", query_string={"scale": "unknown"}))
    assert '<option value="unknown" selected>Belum diketahui</option>' in listed
    assert "Siti Aminah" in listed and "Budi Santoso" in listed  # Budi has one such business
    listed = _text(client.get("/pelaku-usaha", query_string={"scale": "mikro"}))
    assert "Budi Santoso" in listed and "Siti Aminah" not in listed

    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/pelaku-usaha/ekspor.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Skala Usaha Terbesar")
    largest = {row[2]: row[column] for row in rows[1:]}
    assert largest == {"Siti Aminah": "Belum diketahui", "Budi Santoso": "Mikro"}

    with app.app_context():
        user = db.session.get(User, user_id)
        _, secret = tokens.create_token(db.session, user, "Tes", user)
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    found = client.get("/api/v1/entrepreneurs?scale=unknown", headers=headers)
    assert found.status_code == 200, found.get_json()
    assert {item["full_name"] for item in found.get_json()["items"]} == {
        "Siti Aminah",
        "Budi Santoso",
    }
    found = client.get("/api/v1/entrepreneurs?scale=mikro", headers=headers).get_json()
    assert [item["full_name"] for item in found["items"]] == ["Budi Santoso"]
    document = client.get("/api/v1/openapi.json").get_json()
    scale = next(
        p
        for p in document["paths"]["/api/v1/entrepreneurs"]["get"]["parameters"]
        if p["name"] == "scale"
    )
    assert "unknown" in scale["schema"]["enum"]


def test_import_leaves_blank_figures_unknown(db_session, create_user, tmp_path):
    admin = db_session.get(User, create_user(Role.ADMIN)[0])
    path = write_xlsx(
        tmp_path / "usaha.xlsx",
        [
            _row(1, SITI, "Siti Aminah", **{"Nama Usaha": "Pempek Bu Siti", "Sektor": "I",
                                            "Omzet per Bulan": "200 juta"}),
            _row(2, BUDI, "Budi Santoso", **{"Nama Usaha": "Toko Budi", "Sektor": "G"}),
        ],
    )  # fmt: skip
    results = importer.preview(db_session, importer.read_table(path.read_bytes(), path.name), admin)
    importer.commit(
        db_session, results, admin, all_or_nothing=True, update_existing=False,
        filename=path.name,
    )  # fmt: skip
    db_session.commit()
    stored = {
        e.full_name: (b.capital, b.monthly_revenue, b.scale)
        for e, b in db_session.execute(sa.select(Entrepreneur, Business).join(Business)).all()
    }
    assert stored == {
        "Siti Aminah": (None, 200_000_000, BusinessScale.KECIL),
        "Budi Santoso": (None, None, BusinessScale.UNKNOWN),
    }
