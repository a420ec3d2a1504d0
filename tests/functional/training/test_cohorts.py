"""Cohorts from creation to closing: enrolment, waitlist, attendance, tests, results."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.cases.domain import JourneyStage
from harkat.cases.models import CaseEvent
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from harkat.training.domain import AttendanceStatus, CohortStatus, EnrolmentStatus, TrainingResult
from harkat.training.models import Certificate, Cohort, Enrolment


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _enrolments(app, cohort_id):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.cohort_id == cohort_id).order_by(Enrolment.id)
        ).all()
        return [(e.entrepreneur_id, e.status, e.result) for e in rows]


def _people(create_entrepreneur, user_id, count):
    return [create_entrepreneur(user_id, full_name=f"Peserta {n}") for n in range(count)]


def test_facilitator_opens_a_cohort_in_their_kecamatan(app, client, login_as):
    login_as(Role.FACILITATOR)
    with app.app_context():
        from harkat.reference.models import Course

        course_id = db.session.scalar(sa.select(Course.id).where(Course.code == "BLK-KUL"))
    form = {
        "course_id": str(course_id),
        "name": "Angkatan 2 Telanaipura",
        "venue": "Aula Kelurahan",
        "kecamatan_code": "15.71.01",
        "starts_on": "2026-04-01",
        "ends_on": "2026-04-10",
        "capacity": "20",
        "trainer_name": "Chef Andi",
    }
    response = client.post("/pelatihan/angkatan/baru", data=form)
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Kuliner" in page and "Angkatan 2 Telanaipura" in page and "Chef Andi" in page

    elsewhere = client.post("/pelatihan/angkatan/baru", data={**form, "kecamatan_code": "15.71.02"})
    assert "Kecamatan ini di luar wilayah tugas Anda." in _text(elsewhere)
    backwards = client.post("/pelatihan/angkatan/baru", data={**form, "ends_on": "2026-03-01"})
    assert "Tanggal selesai sebelum tanggal mulai." in _text(backwards)


def test_capacity_fills_then_the_waitlist_moves_up(
    app, client, login_as, create_entrepreneur, create_cohort
):
    user_id, _ = login_as(Role.FACILITATOR)
    cohort_id = create_cohort(capacity=2)
    a, b, c, d = _people(create_entrepreneur, user_id, 4)
    client.post(f"/pelatihan/angkatan/{cohort_id}/peserta", data={"entrepreneur_id": [a, b, c]})
    client.post(f"/pelatihan/angkatan/{cohort_id}/peserta", data={"entrepreneur_id": [d]})
    assert [s for _, s, _ in _enrolments(app, cohort_id)] == [
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.WAITLISTED,
        EnrolmentStatus.WAITLISTED,
    ]
    page = _text(client.get(f"/pelatihan/angkatan/{cohort_id}"))
    assert "Peserta (2/2)" in page and "Daftar tunggu (2)" in page

    with app.app_context():
        first = db.session.scalar(sa.select(Enrolment.id).where(Enrolment.entrepreneur_id == a))
    refused = client.post(f"/pelatihan/peserta/{first}/mundur", data={"reason": ""})
    assert refused.status_code == 302
    response = client.post(
        f"/pelatihan/peserta/{first}/mundur",
        data={"reason": "Sakit, dirawat di rumah sakit"},
        follow_redirects=True,
    )
    assert "Peserta 2 naik dari daftar tunggu menjadi peserta." in _text(response)
    statuses = {e: s for e, s, _ in _enrolments(app, cohort_id)}
    assert statuses[a] == EnrolmentStatus.WITHDRAWN
    assert statuses[c] == EnrolmentStatus.ENROLLED  # first in line
    assert statuses[d] == EnrolmentStatus.WAITLISTED
    with app.app_context():
        events = db.session.scalars(
            sa.select(CaseEvent.summary).where(CaseEvent.entrepreneur_id == c)
        ).all()
        assert any("Naik dari daftar tunggu" in e for e in events)
        assert db.session.get(Entrepreneur, c).stage == JourneyStage.IN_TRAINING
        assert db.session.get(Entrepreneur, d).stage == JourneyStage.REGISTERED


def test_enrolling_a_whole_group_and_refusing_duplicates(
    app, client, login_as, create_entrepreneur, create_cohort
):
    user_id, _ = login_as(Role.FACILITATOR)
    cohort_id = create_cohort()
    members = _people(create_entrepreneur, user_id, 3)
    group = client.post(
        "/kelompok/baru",
        data={"name": "KUB Mawar", "kelurahan_code": "15.71.01.1001", "status": "forming"},
    )
    group_id = int(group.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/kelompok/{group_id}/anggota", data={"entrepreneur_id": members})
    client.post(f"/pelatihan/angkatan/{cohort_id}/kelompok", data={"kelompok-group_id": group_id})
    assert len(_enrolments(app, cohort_id)) == 3
    again = client.post(
        f"/pelatihan/angkatan/{cohort_id}/peserta",
        data={"entrepreneur_id": [members[0]]},
        follow_redirects=True,
    )
    assert "Peserta 0 sudah peserta di angkatan ini." in _text(again)


def test_search_pick_lists_only_people_not_yet_in_the_cohort(
    app, client, login_as, create_entrepreneur, create_cohort
):
    user_id, _ = login_as(Role.FACILITATOR)
    cohort_id = create_cohort()
    inside = create_entrepreneur(user_id, full_name="Sudah Ikut")
    create_entrepreneur(user_id, full_name="Belum Ikut")
    client.post(f"/pelatihan/angkatan/{cohort_id}/peserta", data={"entrepreneur_id": [inside]})
    page = _text(client.post(f"/pelatihan/angkatan/{cohort_id}", data={"cari-q": "ikut"}))
    candidates = page[page.index("Daftarkan peserta") :]
    assert "Belum Ikut" in candidates and "Sudah Ikut" not in candidates


def _opened(client, url) -> str:
    """The cohort version a page carries, as a browser would send it back."""
    return re.search(r'name="version" value="(\d+)"', client.get(url).get_data(as_text=True))[1]


def _grid(client, cohort_id, session_id, marks):
    url = f"/pelatihan/angkatan/{cohort_id}/sesi/{session_id}/presensi"
    return client.post(
        url,
        data={"version": _opened(client, url)}
        | {f"e{enrolment}": status for enrolment, status in marks.items()},
    )


def _scores(client, cohort_id, typed):
    url = f"/pelatihan/angkatan/{cohort_id}/nilai"
    return client.post(url, data={"version": _opened(client, url), **typed})


def test_attendance_grid_saves_everyone_in_one_submit(
    app, client, login_as, create_entrepreneur, create_cohort
):
    user_id, _ = login_as(Role.FACILITATOR)
    cohort_id = create_cohort(sessions=2)
    people = _people(create_entrepreneur, user_id, 3)
    client.post(f"/pelatihan/angkatan/{cohort_id}/peserta", data={"entrepreneur_id": people})
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        session_id = cohort.sessions[0].id
        ids = [e.id for e in cohort.enrolments]
    page = _text(client.get(f"/pelatihan/angkatan/{cohort_id}/sesi/{session_id}/presensi"))
    assert page.count('type="radio"') == 9 and "Tandai semua hadir" in page
    response = _grid(
        client, cohort_id, session_id, dict(zip(ids, ["present", "excused", "absent"], strict=True))
    )
    assert response.status_code == 302
    with app.app_context():
        from harkat.training.models import Attendance

        saved = dict(
            db.session.execute(sa.select(Attendance.enrolment_id, Attendance.status)).all()
        )
        assert saved == {
            ids[0]: AttendanceStatus.PRESENT,
            ids[1]: AttendanceStatus.EXCUSED,
            ids[2]: AttendanceStatus.ABSENT,
        }
        assert db.session.get(Cohort, cohort_id).status == CohortStatus.RUNNING
    again = _text(client.get(f"/pelatihan/angkatan/{cohort_id}/sesi/{session_id}/presensi"))
    assert re.search(rf'id="e{ids[1]}-excused" value="excused" autocomplete="off" checked', again)


def test_scores_are_checked_and_saved(app, client, login_as, create_entrepreneur, create_cohort):
    user_id, _ = login_as(Role.FACILITATOR)
    cohort_id = create_cohort()
    (person,) = _people(create_entrepreneur, user_id, 1)
    client.post(f"/pelatihan/angkatan/{cohort_id}/peserta", data={"entrepreneur_id": [person]})
    with app.app_context():
        enrolment_id = db.session.scalar(sa.select(Enrolment.id))
    bad = _scores(
        client,
        cohort_id,
        {f"pre{enrolment_id}": "40", f"post{enrolment_id}": "120"},
    )
    assert "Post-test Peserta 0: nilai harus antara 0 dan 100." in _text(bad)
    _scores(
        client,
        cohort_id,
        {f"pre{enrolment_id}": "45,5", f"post{enrolment_id}": "72"},
    )
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        assert (enrolment.pre_test, enrolment.post_test) == (Decimal("45.50"), Decimal("72.00"))


def _run_cohort(app, client, create_entrepreneur, create_cohort, user_id):
    """Four sessions; A attends 3 with post 60 (passes exactly), B attends 2 (fails),
    C withdraws. Returns (cohort id, {name: entrepreneur id})."""
    cohort_id = create_cohort(sessions=4)
    a, b, c = (create_entrepreneur(user_id, full_name=n) for n in ("Ani", "Budi", "Cici"))
    client.post(f"/pelatihan/angkatan/{cohort_id}/peserta", data={"entrepreneur_id": [a, b, c]})
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        by_person = {e.entrepreneur_id: e.id for e in cohort.enrolments}
        sessions = [s.id for s in cohort.sessions]
    for number, session_id in enumerate(sessions):
        _grid(
            client,
            cohort_id,
            session_id,
            {
                by_person[a]: "present" if number < 3 else "absent",
                by_person[b]: "present" if number < 2 else "excused",
                by_person[c]: "absent",
            },
        )
    _scores(
        client,
        cohort_id,
        {
            f"pre{by_person[a]}": "40",
            f"post{by_person[a]}": "60",
            f"pre{by_person[b]}": "50",
            f"post{by_person[b]}": "95",
            f"pre{by_person[c]}": "",
            f"post{by_person[c]}": "",
        },
    )
    client.post(f"/pelatihan/peserta/{by_person[c]}/mundur", data={"reason": "Pindah kerja"})
    return cohort_id, {"Ani": a, "Budi": b, "Cici": c}


def test_closing_computes_results_with_reasons_and_issues_certificates(
    app, client, login_as, create_entrepreneur, create_cohort
):
    user_id, _ = login_as(Role.FACILITATOR)
    cohort_id, people = _run_cohort(app, client, create_entrepreneur, create_cohort, user_id)
    response = client.post(f"/pelatihan/angkatan/{cohort_id}/tutup", follow_redirects=True)
    page = _text(response)
    assert "Lulus: 1, Tidak lulus: 1, Mengundurkan diri: 1" in page
    assert "Kehadiran 75% (3 dari 4 sesi) memenuhi batas minimal 75%." in page
    assert "Kehadiran 50% (2 dari 4 sesi) di bawah batas minimal 75%." in page
    results = {e: r for e, _, r in _enrolments(app, cohort_id)}
    assert results == {
        people["Ani"]: TrainingResult.PASSED,
        people["Budi"]: TrainingResult.FAILED,
        people["Cici"]: TrainingResult.WITHDRAWN,
    }
    with app.app_context():
        stages = {n: db.session.get(Entrepreneur, i).stage for n, i in people.items()}
        assert stages == {
            "Ani": JourneyStage.GRADUATED,
            "Budi": JourneyStage.REGISTERED,
            "Cici": JourneyStage.DROPPED_OUT,
        }
        (certificate,) = db.session.scalars(sa.select(Certificate)).all()
        assert certificate.enrolment.entrepreneur_id == people["Ani"]
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.status == CohortStatus.CLOSED
        assert cohort.rule_min_attendance_percent == Decimal(75)
    assert "Sertifikat BALIKAT/" in page
    # A closed cohort does not change any more.
    late = client.post(
        f"/pelatihan/angkatan/{cohort_id}/peserta",
        data={"entrepreneur_id": [1]},
        follow_redirects=True,
    )
    assert "Angkatan sudah ditutup" in _text(late)


def test_admin_corrects_a_result_with_a_reason_and_it_is_audited(
    app, client, login_as, create_entrepreneur, create_cohort
):
    # Everything is run by a facilitator of Telanaipura; the admin corrects afterwards.
    user_id, _ = login_as(Role.FACILITATOR, username="fasil.koreksi")
    cohort_id, people = _run_cohort(app, client, create_entrepreneur, create_cohort, user_id)
    client.post(f"/pelatihan/angkatan/{cohort_id}/tutup")
    client.post("/auth/logout")
    login_as(Role.ADMIN)
    with app.app_context():
        budi = db.session.scalar(
            sa.select(Enrolment.id).where(Enrolment.entrepreneur_id == people["Budi"])
        )
        ani = db.session.scalar(
            sa.select(Enrolment.id).where(Enrolment.entrepreneur_id == people["Ani"])
        )
    no_reason = client.post(
        f"/pelatihan/peserta/{budi}/koreksi",
        data={"result": "passed", "reason": ""},
        follow_redirects=True,
    )
    assert "Pilih hasil dan tuliskan alasan koreksi." in _text(no_reason)
    client.post(
        f"/pelatihan/peserta/{budi}/koreksi",
        data={"result": "passed", "reason": "Presensi sesi 3 tercatat salah; surat pelatih"},
    )
    client.post(
        f"/pelatihan/peserta/{ani}/koreksi",
        data={"result": "failed", "reason": "Post-test ternyata tidak dikerjakan sendiri"},
    )
    with app.app_context():
        assert db.session.get(Enrolment, budi).result == TrainingResult.PASSED
        assert db.session.get(Entrepreneur, people["Budi"]).stage == JourneyStage.GRADUATED
        certificates = {
            c.enrolment_id: c.is_valid for c in db.session.scalars(sa.select(Certificate))
        }
        assert certificates == {budi: True, ani: False}
        updates = db.session.scalars(
            sa.select(AuditLog).where(
                AuditLog.entity_type == "enrolments",
                AuditLog.entity_id == str(budi),
                AuditLog.action == "update",
            )
        ).all()
        (row,) = [u for u in updates if "correction_reason" in u.changes]
        assert row.changes["result"] == ["failed", "passed"]
        assert "surat pelatih" in row.changes["correction_reason"][1]
    client.post("/auth/logout")
    client.post(
        "/auth/login", data={"username": "fasil.koreksi", "password": "Jambi-Bahagia-2026!"}
    )
    denied = client.post(
        f"/pelatihan/peserta/{budi}/koreksi", data={"result": "failed", "reason": "x"}
    )
    assert denied.status_code == 403


def test_a_facilitator_of_another_kecamatan_is_refused(
    app, client, login_as, create_user, create_cohort
):
    cohort_id = create_cohort(kecamatan_code="15.71.02")
    with app.app_context():
        session_id = db.session.get(Cohort, cohort_id).sessions[0].id
    login_as(Role.FACILITATOR)  # Telanaipura
    for url in (
        f"/pelatihan/angkatan/{cohort_id}",
        f"/pelatihan/angkatan/{cohort_id}/ubah",
        f"/pelatihan/angkatan/{cohort_id}/nilai",
        f"/pelatihan/angkatan/{cohort_id}/sesi/{session_id}/presensi",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/pelatihan/angkatan/{cohort_id}/tutup").status_code == 404
    assert "Angkatan 1" not in _text(client.get("/pelatihan/"))


def test_viewer_reads_cohorts_but_cannot_take_attendance(
    app, client, login_as, create_user, create_entrepreneur, create_cohort
):
    cohort_id = create_cohort()
    login_as(Role.VIEWER)
    page = _text(client.get(f"/pelatihan/angkatan/{cohort_id}"))
    assert "Angkatan 1" in page and "Tutup angkatan" not in page
    with app.app_context():
        session_id = db.session.get(Cohort, cohort_id).sessions[0].id
    grid = client.post(f"/pelatihan/angkatan/{cohort_id}/sesi/{session_id}/presensi", data={})
    assert grid.status_code == 403


def test_the_completion_rule_is_configurable_and_audited(app, client, login_as):
    login_as(Role.ADMIN)
    page = _text(client.get("/admin/aturan/"))
    assert 'value="75"' in page and 'value="60"' in page
    bad = client.post(
        "/admin/aturan/",
        data={"training.min_attendance_percent": "120", "training.min_post_test": "70"},
    )
    assert "harus antara 0 dan 100%" in _text(bad)
    client.post(
        "/admin/aturan/",
        data={"training.min_attendance_percent": "80", "training.min_post_test": "70"},
    )
    with app.app_context():
        from harkat.training.services import completion_rule

        rule = completion_rule(db.session)
        assert (rule.min_attendance_percent, rule.min_post_test) == (Decimal(80), Decimal(70))
        rows = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.entity_type == "settings")
        ).all()
        assert {r.entity_id for r in rows} == {
            "training.min_attendance_percent",
            "training.min_post_test",
        }


def test_admin_manages_the_course_catalogue(app, client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/pelatihan/kursus/baru",
        data={
            "code": "blk-kop",
            "title": "Koperasi Modern",
            "theme": "Kelembagaan",
            "hours": "16",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    listing = _text(client.get("/pelatihan/kursus"))
    assert "BLK-KOP" in listing and "Koperasi Modern" in listing
    duplicate = client.post(
        "/pelatihan/kursus/baru",
        data={"code": "BLK-DM", "title": "X", "theme": "Y", "hours": "1"},
    )
    assert "Kode kursus 'BLK-DM' sudah dipakai." in _text(duplicate)


def test_cohort_dates_and_sessions(app, client, login_as, create_cohort):
    login_as(Role.FACILITATOR)
    cohort_id = create_cohort(sessions=0, starts_on=date(2026, 5, 4))
    outside = client.post(
        f"/pelatihan/angkatan/{cohort_id}/sesi",
        data={"held_on": "2026-06-30", "topic": "Di luar jadwal"},
        follow_redirects=True,
    )
    assert "Tanggal sesi harus di antara tanggal mulai dan selesai." in _text(outside)
    client.post(
        f"/pelatihan/angkatan/{cohort_id}/sesi",
        data={
            "held_on": "2026-05-05",
            "starts_at": "08:30",
            "ends_at": "12:00",
            "topic": "Foto produk dengan HP",
        },
    )
    page = _text(client.get(f"/pelatihan/angkatan/{cohort_id}"))
    assert "Jadwal sesi (1)" in page and "Foto produk dengan HP" in page and "08.30–12.00" in page
    no_sessions = create_cohort(sessions=0)
    refused = client.post(f"/pelatihan/angkatan/{no_sessions}/tutup", follow_redirects=True)
    assert "Tambahkan sesi dan catat presensi sebelum menutup." in _text(refused)


def test_a_grid_opened_before_someone_else_saved_does_not_overwrite_it(
    app, client, login_as, create_user, create_entrepreneur, create_cohort
):
    user_id, _ = login_as(Role.FACILITATOR, full_name="Trainer Pagi")
    cohort_id = create_cohort(sessions=1)
    (person,) = _people(create_entrepreneur, user_id, 1)
    client.post(f"/pelatihan/angkatan/{cohort_id}/peserta", data={"entrepreneur_id": [person]})
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        session_id, enrolment_id = cohort.sessions[0].id, cohort.enrolments[0].id
    url = f"/pelatihan/angkatan/{cohort_id}/sesi/{session_id}/presensi"
    stale = _opened(client, url)  # this phone opened the grid …
    _grid(client, cohort_id, session_id, {enrolment_id: "present"})  # … another saved first
    response = client.post(
        url, data={"version": stale, f"e{enrolment_id}": "absent"}, follow_redirects=True
    )
    assert "sudah diubah oleh Trainer Pagi" in _text(response)
    with app.app_context():
        from harkat.training.models import Attendance

        assert db.session.scalar(sa.select(Attendance.status)) == AttendanceStatus.PRESENT
