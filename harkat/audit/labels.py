"""What the audit page shows for a stored field name and value: Indonesian labels, not raw keys.

The log keeps raw values (``stage: disbursed → repaying``); the page reads them as a person
would (``Tahap: Dana cair → Mengangsur``). Enum values are labelled by the model column's own
enum, found on the mapper of the logged table, so a new enum needs nothing here.
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa

from harkat.core.dates import format_date, format_datetime

#: Field names as a person reads them, shared across tables.
FIELD_LABELS = {
    "account_number": "Nomor rekening",
    "achieved_on": "Tanggal tercapai",
    "active_from": "Berlaku mulai",
    "active_until": "Berlaku sampai",
    "address": "Alamat",
    "amount": "Jumlah",
    "amount_repaid": "Sudah dibayar",
    "annual_rate_percent": "Bunga per tahun (%)",
    "annual_target": "Target setahun",
    "applicant_type": "Jenis pemohon",
    "approved_amount": "Jumlah disetujui",
    "approved_rate_percent": "Bunga/margin disetujui (% per tahun)",
    "approved_tenor_months": "Tenor disetujui (bulan)",
    "at": "Waktu",
    "attendance": "Kehadiran",
    "author_id": "Penulis",
    "bank_id": "Bank",
    "baseline_monthly_revenue": "Omzet awal per bulan",
    "birth_date": "Tanggal lahir",
    "birth_place": "Tempat lahir",
    "body": "Isi pesan",
    "business_income": "Pendapatan usaha per bulan",
    "businesses": "Usaha",
    "capacity": "Kapasitas",
    "capital": "Modal usaha",
    "chair_id": "Ketua",
    "checked_on": "Tanggal dicek",
    "closed_at": "Ditutup pada",
    "closed_by_id": "Ditutup oleh",
    "code": "Kode",
    "cohort_id": "Angkatan",
    "collectability": "Kolektibilitas",
    "company": "Perusahaan",
    "company_key": "Kunci nama perusahaan",
    "consents": "Persetujuan",
    "corrected_by_id": "Dikoreksi oleh",
    "correction_reason": "Alasan koreksi",
    "course_id": "Kursus",
    "created_by_id": "Dibuat oleh",
    "days_past_due": "Hari tunggakan",
    "debts": "Utang",
    "decided_at": "Diputuskan pada",
    "decided_by_id": "Diputuskan oleh",
    "decision_note": "Catatan keputusan",
    "requested_by_id": "Diminta oleh",
    "decree_number": "Nomor SK",
    "dependants": "Jumlah tanggungan",
    "description": "Keterangan",
    "disbursed_on": "Tanggal cair",
    "dsr": "DSR",
    "dsr_after_take_over": "DSR setelah ambil alih",
    "dsr_with_proposed": "DSR dengan angsuran baru",
    "education": "Pendidikan",
    "effective_rate_percent": "Bunga efektif per tahun (%)",
    "email": "Email",
    "employees": "Jumlah pekerja",
    "ends_at": "Selesai pada",
    "ends_on": "Tanggal selesai",
    "enrolment_id": "Peserta",
    "enrolments": "Peserta",
    "entrepreneur_id": "Pelaku usaha",
    "facilitator_id": "Pendamping",
    "files": "Berkas",
    "flags": "Tanda",
    "follow_up": "Tindak lanjut",
    "formed_on": "Tanggal dibentuk",
    "frequency": "Frekuensi angsuran",
    "full_name": "Nama lengkap",
    "gate": "Syarat",
    "gate_snapshot": "Hasil pemeriksaan syarat",
    "gender": "Jenis kelamin",
    "granted_at": "Diberikan pada",
    "granted_by_id": "Diberikan oleh",
    "group_id": "Kelompok",
    "halal_certificate": "Sertifikat halal",
    "hashes": "Sidik berkas",
    "held_on": "Tanggal sesi",
    "hint": "Petunjuk",
    "hours": "Jam pelajaran",
    "household_expenses": "Pengeluaran rumah tangga per bulan",
    "household_income": "Pendapatan rumah tangga lain per bulan",
    "instalment": "Angsuran",
    "instalments_paid": "Angsuran sudah dibayar",
    "instalments_total": "Jumlah angsuran",
    "intimidation": "Ada intimidasi",
    "is_active": "Aktif",
    "is_granted": "Diberikan",
    "is_high_cost": "Berbiaya tinggi",
    "is_licensed": "Berizin OJK",
    "is_sharia": "Bank syariah",
    "issued_on": "Tanggal terbit",
    "joined_on": "Tanggal bergabung",
    "kecamatan": "Kecamatan",
    "kecamatan_code": "Kecamatan",
    "kelurahan_code": "Kelurahan",
    "key": "Kunci",
    "kind": "Jenis",
    "label": "Nama",
    "last_action_at": "Tindakan terakhir",
    "last_login_at": "Terakhir masuk",
    "last_used_at": "Terakhir dipakai",
    "left_on": "Tanggal keluar",
    "left_reason": "Alasan keluar",
    "lender_name": "Nama pemberi pinjaman",
    "lender_type": "Jenis pemberi pinjaman",
    "licence_number": "Nomor izin",
    "licence_source": "Sumber data izin",
    "loan_id": "Pinjaman",
    "marital_status": "Status perkawinan",
    "matched_lender": "Pemberi pinjaman berizin yang cocok",
    "max_amount_per_group": "Batas per kelompok",
    "max_amount_per_member": "Batas tertinggi per anggota",
    "max_tenor_months": "Tenor terlama (bulan)",
    "member_id": "Anggota",
    "members": "Anggota",
    "memberships": "Keanggotaan",
    "method": "Metode angsuran",
    "metric": "Ukuran",
    "mime": "Jenis berkas",
    "min_amount_per_member": "Batas terendah per anggota",
    "min_tenor_months": "Tenor tersingkat (bulan)",
    "month": "Bulan",
    "monthly_costs": "Biaya per bulan",
    "monthly_debt_service": "Angsuran utang per bulan",
    "monthly_revenue": "Omzet per bulan",
    "monthly_service": "Angsuran per bulan",
    "monthly_targets": "Target per bulan",
    "name": "Nama",
    "name_key": "Kunci nama",
    "nib": "NIB",
    "nik": "NIK",
    "nominal_rate_percent": "Bunga nominal per tahun (%)",
    "note": "Catatan",
    "notes": "Catatan",
    "number": "Nomor",
    "original_name": "Nama berkas asli",
    "outcome": "Hasil skrining",
    "outstanding": "Sisa utang",
    "paid_amount": "Jumlah dibayar",
    "paid_on": "Tanggal bayar",
    "paid_to": "Dibayar kepada",
    "password_changed_at": "Kata sandi diganti pada",
    "path": "Lokasi berkas",
    "period": "Periode",
    "phone": "Nomor HP",
    "photo_mime": "Jenis foto",
    "photo_path": "Foto",
    "photo_sha256": "Sidik foto",
    "pirt_number": "Nomor PIRT",
    "position": "Jabatan",
    "post_test": "Nilai post-test",
    "pre_test": "Nilai pre-test",
    "principal": "Pokok pinjaman",
    "products": "Produk",
    "proof_mime": "Jenis bukti",
    "proof_name": "Nama berkas bukti",
    "proof_path": "Bukti",
    "proof_sha256": "Sidik bukti",
    "proof_size": "Ukuran bukti",
    "proposed_instalment": "Angsuran yang diusulkan",
    "purpose": "Tujuan",
    "purpose_note": "Keterangan tujuan",
    "reason": "Alasan",
    "reasons": "Alasan",
    "recorded_at": "Dicatat pada",
    "recorded_by_id": "Dicatat oleh",
    "referral_id": "Rujukan",
    "registration_number": "Nomor registrasi",
    "registry_checked_on": "Daftar berizin dicek per",
    "rejection_code": "Alasan penolakan",
    "rejection_note": "Catatan penolakan",
    "removed_at": "Dihapus pada",
    "removed_by_id": "Dihapus oleh",
    "removed_reason": "Alasan dihapus",
    "reopen_reason": "Alasan dibuka kembali",
    "reopened_at": "Dibuka kembali pada",
    "reopened_by_id": "Dibuka kembali oleh",
    "reported_at": "Dilaporkan pada",
    "reported_by_id": "Dilaporkan oleh",
    "reported_period": "Periode laporan",
    "reports": "Laporan",
    "requested_at": "Diminta pada",
    "result": "Hasil",
    "result_reasons": "Alasan hasil",
    "revoked_at": "Dicabut pada",
    "revoked_by_id": "Dicabut oleh",
    "revoked_reason": "Alasan dicabut",
    "role": "Peran",
    "rt": "RT",
    "rule_min_attendance_percent": "Kehadiran minimal (%)",
    "rule_min_post_test": "Nilai post-test minimal",
    "rw": "RW",
    "scale": "Skala usaha",
    "scheme_id": "Skema",
    "screened_on": "Tanggal skrining",
    "screening_debt_id": "Utang (skrining)",
    "screening_id": "Skrining",
    "search_name": "Kunci pencarian nama",
    "sector": "Sektor",
    "session_id": "Sesi",
    "sessions": "Sesi",
    "settled_bad_debt_months_ago": "Kredit macet lunas (bulan lalu)",
    "sha256": "Sidik berkas",
    "signatory_name": "Nama penanda tangan",
    "signatory_title": "Jabatan penanda tangan",
    "size": "Ukuran",
    "sku_number": "Nomor SKU",
    "slik_checked_on": "Tanggal cek SLIK",
    "slik_file_mime": "Jenis berkas SLIK",
    "slik_file_path": "Berkas SLIK",
    "slik_file_sha256": "Sidik berkas SLIK",
    "slik_worst_collectability": "Kolektibilitas terburuk di SLIK",
    "sort_order": "Urutan",
    "stage": "Tahap",
    "start_year": "Tahun mulai usaha",
    "started_on": "Tanggal mulai",
    "starts_at": "Mulai pada",
    "starts_on": "Tanggal mulai",
    "status": "Status",
    "submitted_at": "Diajukan pada",
    "take_over_amount": "Jumlah ambil alih",
    "take_over_instalment": "Angsuran setelah ambil alih",
    "take_over_override_at": "Ambil alih diubah pada",
    "take_over_override_by": "Ambil alih diubah oleh",
    "take_over_override_reason": "Alasan perubahan ambil alih",
    "take_over_required": "Perlu ambil alih",
    "take_over_savings": "Penghematan ambil alih",
    "take_overs": "Utang yang diambil alih",
    "taken_over": "Diambil alih",
    "tenor_months": "Tenor (bulan)",
    "text_version": "Versi naskah",
    "theme": "Tema",
    "thresholds": "Ambang batas",
    "title": "Judul",
    "token": "Token",
    "topic": "Topik",
    "topics": "Topik",
    "total_outstanding": "Total sisa utang",
    "trainer_name": "Nama pelatih",
    "updated_by_id": "Diubah oleh",
    "uploaded_at": "Diunggah pada",
    "uploaded_by_id": "Diunggah oleh",
    "user_id": "Akun",
    "username": "Nama pengguna",
    "valid_until": "Berlaku sampai",
    "value": "Nilai",
    "venue": "Tempat",
    "verify_token": "Kode verifikasi",
    "version": "Versi",
    "visited_on": "Tanggal kunjungan",
    "withdrawal_reason": "Alasan menarik",
    "withdrawn_on": "Tanggal mundur",
    "year": "Tahun",
    # Detail keys of explicit rows (exports, downloads, transitions, month closing).
    "format": "Format",
    "from": "Dari",
    "to": "Menjadi",
    "action": "Aksi",
    "rows": "Jumlah baris",
    "filename": "Nama berkas",
    "file": "Berkas",
    "filters": "Saringan",
    "count": "Jumlah",
    "page": "Halaman",
    "created": "Dibuat",
    "updated": "Diperbarui",
    "skipped": "Dilewati",
    "failed": "Gagal",
    "rechecked": "Dicek ulang",
    "unchanged": "Tidak berubah",
    "missing": "Tidak ada lagi di daftar",
    "all_or_nothing": "Semua atau tidak sama sekali",
    "update_existing": "Perbarui data yang ada",
    "lender": "Pemberi pinjaman",
    "entrepreneurs": "Pelaku usaha",
    "groups": "Kelompok",
    "seed": "Benih acak",
    "loans": "Pinjaman",
    "referrals": "Rujukan",
    "screenings": "Skrining",
    "cohorts": "Angkatan",
    "certificates": "Sertifikat",
}
#: Where a table means something else by a shared name.
TABLE_FIELD_LABELS = {
    ("banks", "name"): "Nama bank",
    ("schemes", "name"): "Nama skema",
    ("groups", "name"): "Nama kelompok",
    ("businesses", "name"): "Nama usaha",
    ("cohorts", "name"): "Nama angkatan",
    ("courses", "code"): "Kode kursus",
    ("referral_documents", "kind"): "Jenis dokumen",
    ("incubation_milestones", "kind"): "Capaian",
    ("incubations", "stage"): "Tahap inkubasi",
}
YES_NO = {True: "ya", False: "tidak"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@cache
def _enums() -> dict[tuple[str, str], type[enum.Enum]]:
    """``(table, column key) → enum class`` for every enum column of every model."""
    from harkat.database import Model

    found: dict[tuple[str, str], type[enum.Enum]] = {}
    for mapper in Model.registry.mappers:
        table = mapper.local_table
        for prop in mapper.column_attrs:
            column_type = prop.columns[0].type
            if isinstance(column_type, sa.Enum) and column_type.enum_class is not None:
                found[(table.name, prop.key)] = column_type.enum_class
    return found


def field_label(entity_type: str | None, key: str) -> str:
    """The Indonesian name of a logged field; an unknown one shows as stored."""
    return TABLE_FIELD_LABELS.get((entity_type or "", key)) or FIELD_LABELS.get(key, key)


def value_label(entity_type: str | None, key: str, value: Any) -> Any:
    """A logged value as a person reads it: enum labels, ya/tidak, Indonesian dates."""
    if isinstance(value, list):
        return [value_label(entity_type, key, item) for item in value]
    if isinstance(value, bool):
        return YES_NO[value]
    enum_class = _enums().get((entity_type or "", key))
    if enum_class is not None and value is not None:
        try:
            member = enum_class(value)
        except ValueError:
            return value
        return getattr(member, "label", value)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value
