"""Screening as a facilitator does it on a phone: form, result, counseling sheet, history."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta

import sqlalchemy as sa
from pypdf import PdfReader

from harkat.auth.domain import Role
from harkat.cases.domain import JourneyStage
from harkat.cases.models import CaseEvent
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from harkat.screening import services
from harkat.screening.engine import Outcome
from harkat.screening.models import Screening, ScreeningDebt

HOUSEHOLD = {
    "business_income": "Rp 4.000.000",
    "household_income": "1jt",
    "household_expenses": "Rp 2.500.000",
    "proposed_instalment": "",
    "slik_worst_collectability": "1",
    "slik_checked_on": "",
}
LOAN_SHARK = {
    "debts-0-lender_name": "Bu Ros (bank keliling)",
    "debts-0-lender_type": "rentenir",
    "debts-0-principal": "Rp 1.000.000",
    "debts-0-outstanding": "700rb",
    "debts-0-instalment": "40.000",
    "debts-0-frequency": "daily",
    "debts-0-instalments_total": "30",
    "debts-0-instalments_paid": "10",
    "debts-0-days_past_due": "0",
    "debts-0-collectability": "",
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _post(client, entrepreneur_id, **extra):
    return client.post(
        f"/pelaku-usaha/{entrepreneur_id}/skrining/baru",
        data={**HOUSEHOLD, **LOAN_SHARK, "submit": "1", **extra},
        content_type="multipart/form-data",
    )


def test_a_daily_loan_shark_debt_gives_kuning_with_a_take_over(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    response = _post(client, someone)
    assert response.status_code == 302, _text(response)
    page = _text(client.get(response.headers["Location"]))
    assert "Kuning" in page
    assert "setara bunga nominal 445% per tahun; BANK HARKAT 3% per tahun" in page
    assert "Simulasi pengambilalihan" in page and "Rp700.000" in page
    with app.app_context():
        screening = db.session.scalar(sa.select(Screening))
        assert screening.outcome == Outcome.KUNING
        assert screening.take_over_amount == 700_000 and screening.take_over_savings > 0
        (debt,) = screening.debts
        assert debt.is_high_cost and debt.taken_over and debt.monthly_service == 1_216_667
        assert screening.valid_until == screening.screened_on + timedelta(days=90)
        assert db.session.get(Entrepreneur, someone).stage == JourneyStage.SCREENED
        summaries = db.session.scalars(
            sa.select(CaseEvent.summary).where(CaseEvent.kind == "screening")
        ).all()
        assert summaries and summaries[0].startswith("Skrining utang: Kuning")


def test_adding_a_debt_row_keeps_what_was_typed(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    page = _text(
        client.post(
            f"/pelaku-usaha/{someone}/skrining/baru",
            data={**HOUSEHOLD, **LOAN_SHARK, "add_row": "1"},
        )
    )
    assert "Utang 2" in page and 'value="Bu Ros (bank keliling)"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Screening)) == 0


def test_impossible_loans_are_explained_field_by_field_and_nothing_is_stored(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    page = _text(
        _post(client, someone, **{"debts-0-instalment": "1.000", "debts-0-principal": "5jt"})
    )
    assert "Total angsuran" in page and "lebih kecil" in page
    bad_money = _text(_post(client, someone, **{"debts-0-principal": "banyak"}))
    assert "'banyak' bukan jumlah uang yang valid." in bad_money
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Screening)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ScreeningDebt)) == 0


PINJOL = {
    "debts-0-lender_name": "DanaKilat Express",
    "debts-0-lender_type": "pindar",
    "debts-0-principal": "1.500.000",
    "debts-0-outstanding": "1.500.000",
    "debts-0-instalment": "600.000",
    "debts-0-frequency": "monthly",
    "debts-0-instalments_total": "3",
    "debts-0-instalments_paid": "0",
}


def test_an_unknown_online_lender_is_flagged_as_likely_illegal_by_a_current_registry(
    app, client, login_as, create_entrepreneur
):
    from harkat.screening.registry import seed_demo_registry, today

    with app.app_context():
        seed_demo_registry(db.session, checked_on=today() - timedelta(days=10))
        db.session.commit()
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    response = _post(client, someone, **PINJOL)
    page = _text(client.get(response.headers["Location"]))
    assert "tidak berizin" in page and "kemungkinan ilegal" in page
    with app.app_context():
        debt = db.session.scalar(sa.select(ScreeningDebt))
        assert debt.is_licensed is False


def test_counseling_sheet_pdf(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR, full_name="Dewi Pendamping")
    someone = create_entrepreneur(user_id, full_name="Siti Aminah")
    location = _post(client, someone).headers["Location"]
    screening_id = int(location.rsplit("/", 1)[1])
    response = client.get(f"/skrining/{screening_id}/konseling.pdf")
    assert response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "LEMBAR KONSELING UTANG" in text and "Siti Aminah" in text
    assert "445% per tahun" in text and "BANK HARKAT 3% per tahun" in text
    assert "157" in text and "Satgas PASTI" in text
    assert "Jalan keluar yang disarankan" in text


def test_slik_printout_is_checked_by_content(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    fake = _post(client, someone, slik_file=(io.BytesIO(b"bukan pdf"), "slik.pdf"))
    assert "Hasil cetak SLIK harus berupa PDF, JPEG atau PNG." in _text(fake)
    real = _post(client, someone, slik_file=(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "slik.pdf"))
    screening_id = int(real.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        screening = db.session.get(Screening, screening_id)
        assert (
            screening.slik_file_mime == "application/pdf" and len(screening.slik_file_sha256) == 64
        )
    download = client.get(f"/skrining/{screening_id}/slik")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()


def test_scope_viewer_and_bank_officer(app, client, login_as, create_user, create_entrepreneur):
    owner_id, owner = create_user(Role.FACILITATOR)
    someone = create_entrepreneur(owner_id)
    owner_client = app.test_client()
    owner_client.post("/auth/login", data={"username": owner, "password": "Jambi-Bahagia-2026!"})
    screening_id = int(_post(owner_client, someone).headers["Location"].rsplit("/", 1)[1])

    login_as(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    assert client.get(f"/skrining/{screening_id}").status_code == 404
    assert client.get(f"/pelaku-usaha/{someone}/skrining/baru").status_code == 404
    client.post("/auth/logout")
    login_as(Role.BANK_OFFICER)
    assert client.get(f"/skrining/{screening_id}").status_code == 404
    client.post("/auth/logout")
    login_as(Role.VIEWER)
    assert client.get(f"/skrining/{screening_id}").status_code == 200
    assert client.get(f"/skrining/{screening_id}/konseling.pdf").status_code == 403


def test_rescreening_keeps_history_and_expiring_ones_become_tasks(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id, full_name="Siti Aminah")
    _post(client, someone)
    clean = dict.fromkeys(LOAN_SHARK, "") | {
        "debts-0-lender_type": "bank",
        "debts-0-frequency": "monthly",
    }
    _post(client, someone, **clean)
    with app.app_context():
        rows = services.history(db.session, someone)
        assert [r.outcome for r in rows] == [Outcome.KUNING, Outcome.HIJAU]
        # Make the newest one run out next week.
        rows[-1].valid_until = date.today() + timedelta(days=5)  # noqa: DTZ011
        db.session.commit()
    detail = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert "KUNING" in detail and "HIJAU" in detail
    home = _text(client.get("/"))
    assert "skrining kedaluwarsa atau segera kedaluwarsa (1)" in home and "Siti Aminah" in home
    # Only the newest screening counts: an old one that ran out is no task once redone.
    with app.app_context():
        rows = services.history(db.session, someone)
        rows[0].valid_until = date.today() - timedelta(days=30)  # noqa: DTZ011
        rows[-1].valid_until = date.today() + timedelta(days=200)  # noqa: DTZ011
        db.session.commit()
    home = _text(client.get("/"))
    assert "skrining kedaluwarsa atau segera kedaluwarsa (0)" in home


def test_aggregates_for_the_monthly_report(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    a = create_entrepreneur(user_id)
    b = create_entrepreneur(user_id, full_name="Budi")
    _post(client, a)
    _post(client, b, **{"debts-0-lender_type": "pinjol_ilegal", "debts-0-lender_name": "Kilat"})
    with app.app_context():
        today = date.today()  # noqa: DTZ011
        figures = services.aggregates(db.session, today.replace(day=1), today + timedelta(days=1))
        (row,) = figures["by_kecamatan_month"]
        assert row["kecamatan"] == "15.71.01" and row["screened"] == 2
        assert row["loan_shark"] == 1 and row["illegal_pinjol"] == 1
        assert figures["high_cost_outstanding"] == 1_400_000
        assert dict(figures["rate_distribution"])["100–500%"] == 2


def test_registry_match_manual_override_and_checked_date(
    app, client, login_as, create_entrepreneur
):
    from harkat.screening.registry import seed_demo_registry

    with app.app_context():
        seed_demo_registry(db.session, checked_on=date(2026, 11, 3))
        db.session.commit()
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    online = {
        "debts-0-lender_type": "pindar",
        "debts-0-principal": "1.000.000",
        "debts-0-outstanding": "1.000.000",
        "debts-0-instalment": "400.000",
        "debts-0-frequency": "monthly",
        "debts-0-instalments_total": "3",
        "debts-0-instalments_paid": "0",
    }
    licensed = _post(client, someone, **online, **{"debts-0-lender_name": "PT. KREDIVO indonesia"})
    page = _text(client.get(licensed.headers["Location"]))
    assert "terakhir diperiksa: 3 November 2026" in page and "tidak berizin" not in page
    overridden = _post(
        client,
        someone,
        **online,
        **{
            "debts-0-lender_name": "Pinjaman Koperasi Online Baru",
            "debts-0-licence_override": "licensed",
        },
    )
    page = _text(client.get(overridden.headers["Location"]))
    assert "izin dipastikan pendamping" in page and "tidak berizin" not in page
    with app.app_context():
        rows = db.session.scalars(sa.select(ScreeningDebt).order_by(ScreeningDebt.id)).all()
        assert [(r.is_licensed, r.matched_lender, r.licence_source) for r in rows] == [
            (True, "Kredivo", "registry"),
            (True, None, "manual"),
        ]


def test_thresholds_are_configured_by_the_admin_and_audited(
    app, client, login_as, create_user, create_entrepreneur
):
    from harkat.audit.models import AuditLog

    owner_id, owner = create_user(Role.FACILITATOR)
    someone = create_entrepreneur(owner_id)
    bank_loan = dict.fromkeys(LOAN_SHARK, "") | {
        "debts-0-lender_name": "Bank 9 Jambi",
        "debts-0-lender_type": "bank",
        "debts-0-principal": "10jt",
        "debts-0-outstanding": "6jt",
        "debts-0-instalment": "900.000",
        "debts-0-frequency": "monthly",
        "debts-0-instalments_total": "12",
        "debts-0-instalments_paid": "5",
        "debts-0-collectability": "1",
    }
    facilitator = app.test_client()
    facilitator.post("/auth/login", data={"username": owner, "password": "Jambi-Bahagia-2026!"})
    first = _post(facilitator, someone, **bank_loan)  # DSR 900k / 2.5M = 36%
    login_as(Role.ADMIN)
    client.post("/admin/aturan/", data={"screening.dsr_green_max": "40"})
    second = _post(facilitator, someone, **bank_loan)
    with app.app_context():
        outcomes = [
            db.session.get(Screening, int(r.headers["Location"].rsplit("/", 1)[1])).outcome
            for r in (first, second)
        ]
        assert outcomes == [Outcome.KUNING, Outcome.HIJAU]
        change = db.session.scalar(
            sa.select(AuditLog).where(AuditLog.entity_id == "screening.dsr_green_max")
        )
        assert change is not None and change.actor_name.startswith("admin")


def test_a_long_task_list_shows_eight_and_folds_the_rest(
    app, client, login_as, create_entrepreneur, monkeypatch
):
    user_id, _ = login_as(Role.FACILITATOR)
    people = [create_entrepreneur(user_id, full_name=f"Warga Nomor {n}") for n in range(10)]
    for person in people:
        _post(client, person)
    with app.app_context():
        for person in people:
            (row,) = services.history(db.session, person)
            row.valid_until = date.today() + timedelta(days=3)  # noqa: DTZ011
        db.session.commit()
    home = _text(client.get("/"))
    assert "skrining kedaluwarsa atau segera kedaluwarsa (10)" in home
    assert "Tampilkan 2 lainnya" in home
    # All ten are on the page (the last two inside the fold), each once.
    assert all(home.count(f"Warga Nomor {n}<") == 1 for n in range(10))
    # Past the list's limit the count says so, and only the limit is listed.
    from harkat.main import views

    monkeypatch.setattr(views, "EXPIRING_LIMIT", 9)
    home = _text(client.get("/"))
    assert "segera kedaluwarsa (9+)" in home and "Tampilkan 1 lainnya" in home
    assert sum(home.count(f"Warga Nomor {n}<") for n in range(10)) == 9
    monkeypatch.setattr(views, "EXPIRING_LIMIT", 10)
    assert "segera kedaluwarsa (10)" in _text(client.get("/"))
