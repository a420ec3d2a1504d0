"""One typed report for every reader: the API returns and documents exactly its fields, a month
closed before the report was typed still shows everywhere, and the home dashboard draws the same
twelve months as the monthly report."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from harkat.auth.models import Role
from harkat.extensions import db
from harkat.referrals.transitions import ReferralStatus
from harkat.reports import services
from harkat.reports.models import Indicator, Metric, MonthClosing
from tests.functional.reports.conftest import utc

#: A snapshot stored by a closing before the report was typed (see tests/unit/reports).
STORED = Path(__file__).parents[2] / "unit" / "reports" / "closed_2026_11.json"


def _documented_keys(spec: dict, schema: dict, seen: dict[str, set]) -> None:
    """Walk an OpenAPI schema; ``seen`` maps each component to its documented properties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            component = spec["components"]["schemas"][name]
            seen[name] = set(component.get("properties", {}))
            _documented_keys(spec, component, seen)
        return
    for child in schema.get("properties", {}).values():
        _documented_keys(spec, child, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _documented_keys(spec, schema[key], seen)


def _returned_keys(spec: dict, schema: dict, value, found: dict[str, set]) -> None:
    """Walk a response along its schema; ``found`` maps each component to the keys returned."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        component = spec["components"]["schemas"][name]
        if isinstance(value, dict):
            found.setdefault(name, set()).update(value)
        _returned_keys(spec, component, value, found)
    elif isinstance(value, dict) and "properties" in schema:
        for key, child in value.items():
            assert key in schema["properties"], f"{key} is returned but not documented"
            _returned_keys(spec, schema["properties"][key], child, found)
    elif isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        for child in value.values():
            _returned_keys(spec, schema["additionalProperties"], child, found)
    elif isinstance(value, list):
        for child in value:
            _returned_keys(spec, schema["items"], child, found)


def test_the_api_returns_a_closed_month_as_frozen(app, client, api_token, login_as, place):
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        utc(2026, 1, 10, 3),
        disbursed_on=date(2026, 1, 10),
        amount=4_250_000,
    )
    place("Budi Santoso", ReferralStatus.SUBMITTED, utc(2026, 1, 12, 3), amount=2_000_000)
    login_as(Role.ADMIN)
    client.post("/laporan/serapan/tutup", data={"month": "2026-01"})
    _, viewer = api_token(Role.VIEWER)
    body = client.get("/api/v1/reports/absorption?month=2026-01", headers=viewer).json
    with app.app_context():
        stored = db.session.scalar(sa.select(MonthClosing.figures))
    assert body == stored  # nothing added, nothing lost
    assert body["month_disbursed"] == {"count": 1, "amount": 4_250_000}
    assert body["pipeline"]["submitted"] == {"count": 1, "amount": 2_000_000}
    assert json.loads(client.get("/laporan/serapan/2026-01.json").data) == stored


def test_a_month_closed_before_the_report_was_typed_shows_everywhere_as_documented(
    app, client, login_as, api_token
):
    figures = json.loads(STORED.read_text("utf-8"))
    with app.app_context():
        db.session.add(
            MonthClosing(month=date(2026, 11, 1), figures=figures, closed_at=utc(2026, 12, 1, 2))
        )
        db.session.commit()
    login_as(Role.VIEWER)
    page = client.get("/laporan/serapan?bulan=2026-11").get_data(as_text=True)
    assert "Laporan serapan dana · November 2026" in page and "Bulan ditutup" in page
    assert "Rp115.500.000" in page  # the frozen cumulative
    assert "Koreksi: 1 pencairan senilai Rp3.000.000" in page
    assert "Disetujui, belum cair" in page and "Rp97.500.000" in page  # the frozen pipeline
    # No file was kept with this closing: each is rendered from the snapshot.
    data = client.get("/laporan/serapan/2026-11.csv").data.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(data)) if r["bagian"] == "kumulatif"]
    assert {(r["kode"], r["ukuran"]): r["nilai"] for r in rows}[("disbursed", "rupiah")] == (
        "115500000"
    )
    _, viewer = api_token(Role.VIEWER)
    body = client.get("/api/v1/reports/absorption?month=2026-11", headers=viewer).json
    assert body == figures

    # Every field the API returns is documented, and every documented field is returned.
    spec = client.get("/api/v1/openapi.json").json
    response = spec["paths"]["/api/v1/reports/absorption"]["get"]["responses"]["200"]
    schema = response["content"]["application/json"]["schema"]
    documented: dict[str, set] = {}
    _documented_keys(spec, schema, documented)
    returned: dict[str, set] = {}
    _returned_keys(spec, schema, body, returned)
    assert returned == documented
    stage = spec["components"]["schemas"]["ReportFunnelStageOut"]["properties"]
    assert stage["conversion_percent"]["nullable"] is True


def test_the_dashboard_draws_the_trend_of_this_month_report(app, client, login_as, place):
    today = services.today()
    place(
        "Siti Aminah",
        ReferralStatus.DISBURSED,
        services.utcnow(),
        disbursed_on=today,
        amount=5_000_000,
    )
    with app.app_context():
        for year in (today.year - 1, today.year):
            db.session.add(
                Indicator(
                    year=year,
                    metric=Metric.DISBURSED_RP,
                    name="Dana tersalurkan",
                    annual_target=12_000_000,
                    monthly_targets=[1_000_000 * m for m in range(1, 13)],
                )
            )
        db.session.commit()
        dashboard = services.dashboard(db.session)
        report = services.absorption_report(db.session, today.replace(day=1))
    assert dashboard["trend"] == report.trend
    assert dashboard["trend"].points[-1].amount == 5_000_000
    # Last year's months are measured against last year's targets, as in the report.
    assert all(p.target_cumulative for p in dashboard["trend"].points)
