"""Home page per role and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from harkat.audit.models import AuditLog
from harkat.auth.access import public, roles
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.reference.models import Bank, Course, Kecamatan, Kelurahan, Scheme
from harkat.referrals import services as referrals
from harkat.referrals.models import Referral
from harkat.referrals.transitions import ReferralStatus

bp = Blueprint("main", __name__)


#: The facilitator's home lists at most this many expiring screenings ("50+").
EXPIRING_LIMIT = 50
#: … and at most this many referrals waiting for the facilitator's answer (then a link to all).
NEEDS_INFO_LIMIT = 20


@bp.get("/")
@roles()
def home():
    """Show each role what it works with."""
    schemes = db.session.scalars(
        sa.select(Scheme).where(Scheme.is_active).order_by(Scheme.name)
    ).all()
    context: dict = {"schemes": schemes}
    if current_user.role in (Role.ADMIN, Role.VIEWER):
        from harkat.reports.services import dashboard
        from harkat.reports.views import dashboard_charts

        context["dash"] = dashboard(db.session)
        context["dash_charts"] = dashboard_charts(context["dash"])
        context["pipeline_states"] = [
            ReferralStatus.SUBMITTED,
            ReferralStatus.IN_REVIEW,
            ReferralStatus.NEEDS_INFO,
            ReferralStatus.APPROVED,
        ]
    if current_user.role == Role.ADMIN:
        counts = db.session.execute(
            sa.select(User.role, sa.func.count()).where(User.is_active).group_by(User.role)
        )
        context["user_counts"] = dict(counts.all())
        context["roles"] = list(Role)
        context["bank_count"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Bank).where(Bank.is_active)
        )
        context["course_count"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Course).where(Course.is_active)
        )
        context["recent_audit"] = db.session.scalars(
            sa.select(AuditLog).order_by(AuditLog.id.desc()).limit(8)
        ).all()
        from harkat.screening.registry import registry_state

        # A task while online lenders' licences cannot be checked: import OJK's current list.
        context["registry"] = registry_state(db.session)
    elif current_user.role == Role.FACILITATOR:
        context["areas"] = [
            (kecamatan, kecamatan.kelurahan) for kecamatan in current_user.kecamatan
        ]
        context["courses"] = db.session.scalars(
            sa.select(Course).where(Course.is_active).order_by(Course.code)
        ).all()
        from harkat.screening.services import expiring_for

        # One more than shown, to know whether to say "50+".
        context["expiring"] = expiring_for(db.session, current_user, limit=EXPIRING_LIMIT + 1)
        context["EXPIRING_LIMIT"] = EXPIRING_LIMIT
        from harkat.reports.services import stage_counts
        from harkat.training.models import Cohort, CohortSession

        context["stages"] = stage_counts(db.session, current_user)
        context["sessions_today"] = db.session.scalars(
            sa.select(CohortSession)
            .join(Cohort, Cohort.id == CohortSession.cohort_id)
            .where(
                CohortSession.held_on == referrals.local_now().date(),
                Cohort.kecamatan_code.in_(current_user.kecamatan_codes),
            )
            .options(selectinload(CohortSession.cohort).selectinload(Cohort.course))
            .order_by(CohortSession.id)
        ).all()
        context["needs_info"] = db.session.scalars(
            referrals.queue_query(
                current_user, referrals.QueueFilter(status=ReferralStatus.NEEDS_INFO)
            )
            .options(
                selectinload(Referral.entrepreneur),
                selectinload(Referral.group),
                selectinload(Referral.bank),
            )
            .limit(NEEDS_INFO_LIMIT + 1)
        ).all()
        context["NEEDS_INFO_LIMIT"] = NEEDS_INFO_LIMIT
    elif current_user.role == Role.BANK_OFFICER:
        context["bank"] = current_user.bank
        context["desk"] = referrals.desk_summary(db.session, current_user)
    else:
        context["banks"] = db.session.scalars(
            sa.select(Bank).where(Bank.is_active).order_by(Bank.name)
        ).all()
        context["region_counts"] = (
            db.session.scalar(sa.select(sa.func.count()).select_from(Kecamatan)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Kelurahan)),
        )
    return render_template(f"main/home_{current_user.role.value}.html", **context)


@bp.get("/healthz")
@public
def healthz():
    """Report whether the database answers; 503 when it does not."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="tidak terhubung"), 503
    return jsonify(status="ok", database="ok")
