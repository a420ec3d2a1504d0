"""Closing a cohort asks first, showing what each person would get, on a page without JS."""

from __future__ import annotations

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.training.domain import CohortStatus
from harkat.training.models import Cohort
from tests.functional.training.test_cohorts import _run_cohort, _text


def test_close_button_leads_to_a_confirmation_with_the_predicted_results(
    app, client, login_as, create_entrepreneur, create_cohort
):
    user_id, _ = login_as(Role.FACILITATOR)
    cohort_id, _ = _run_cohort(app, client, create_entrepreneur, create_cohort, user_id)
    cohort_page = client.get(f"/pelatihan/angkatan/{cohort_id}").get_data(as_text=True)
    assert f'href="/pelatihan/angkatan/{cohort_id}/tutup"' in cohort_page
    page = _text(client.get(f"/pelatihan/angkatan/{cohort_id}/tutup"))
    assert "Tutup angkatan" in page and "tidak dapat diubah lagi" in page
    assert "Lulus 1" in page and "Tidak lulus 1" in page and "Mengundurkan diri 1" in page
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).status != CohortStatus.CLOSED
    done = _text(client.post(f"/pelatihan/angkatan/{cohort_id}/tutup", follow_redirects=True))
    assert "Berikutnya: lulusan dapat dibina di inkubasi" in done
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).status == CohortStatus.CLOSED
    # Asking again after closing says so instead of offering to close twice.
    again = _text(client.get(f"/pelatihan/angkatan/{cohort_id}/tutup", follow_redirects=True))
    assert "Angkatan ini sudah ditutup." in again
