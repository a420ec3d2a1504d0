"""The loan calculator page, as a facilitator uses it while counseling."""

import html

from harkat.auth.domain import Role


def test_calculator_shows_schedule_totals_rate_and_words(client, login_as):
    login_as(Role.FACILITATOR)
    page = html.unescape(
        client.get(
            "/kalkulator-pinjaman",
            query_string={
                "principal": "12jt",
                "months": "12",
                "annual_rate": "3",
                "method": "flat",
                "start_on": "2026-01-31",
            },
        ).get_data(as_text=True)
    )
    assert "Rp1.030.000" in page and "dua belas juta rupiah" in page
    assert "setara <strong>5,5% per tahun</strong>" in page and "28 Februari 2026" in page
    assert "Dibandingkan metode anuitas" in page and "Rp1.016.324" in page
    assert page.count("<tr><td>") == 12


def test_calculator_explains_bad_input(client, login_as):
    login_as(Role.BANK_OFFICER)
    page = html.unescape(
        client.get(
            "/kalkulator-pinjaman",
            query_string={
                "principal": "banyak",
                "months": "0",
                "annual_rate": "3",
                "method": "anuitas",
            },
        ).get_data(as_text=True)
    )
    assert "'banyak' bukan jumlah uang yang valid." in page
    assert "<tbody>" not in page
