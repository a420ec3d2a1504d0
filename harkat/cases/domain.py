"""Pure rules of the case journey: whether a case is active, and the stages it passes through
(DESIGN §3)."""

from __future__ import annotations

from harkat.core.enums import LabelledEnum


class EntrepreneurStatus(LabelledEnum):
    """Whether a case is still followed: only an active entrepreneur is trained or referred."""

    ACTIVE = "active", "Aktif"
    INACTIVE = "inactive", "Tidak aktif"
    MOVED = "moved", "Pindah domisili"
    DECEASED = "deceased", "Meninggal dunia"


class JourneyStage(LabelledEnum):
    """Where a case stands on the journey of DESIGN §3; later features move it forward."""

    REGISTERED = "registered", "Terdaftar"
    IN_TRAINING = "in_training", "Dalam pelatihan"
    DROPPED_OUT = "dropped_out", "Berhenti pelatihan"
    GRADUATED = "graduated", "Lulus pelatihan"
    IN_INCUBATION = "in_incubation", "Inkubasi"
    SCREENED = "screened", "Sudah diskrining"
    DEBT_RESOLUTION = "debt_resolution", "Penyelesaian utang"
    REFERRED = "referred", "Dirujuk ke bank"
    APPROVED = "approved", "Disetujui bank"
    DISBURSED = "disbursed", "Dana cair"
    REPAYING = "repaying", "Mengangsur"
