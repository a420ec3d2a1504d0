"""``flask demo seed`` fills every list with believable Kota Jambi data."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from harkat.core.nik import parse_nik
from harkat.core.phone import normalise_phone
from harkat.extensions import db
from harkat.registration.models import Business, Consent, Entrepreneur, Group, GroupMembership


def test_demo_seed_generates_consistent_cases(app, runner):
    result = runner.invoke(args=["demo", "seed", "--entrepreneurs", "300", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "300 pelaku usaha" in result.output
    with app.app_context():
        people = db.session.scalars(sa.select(Entrepreneur)).all()
        assert len(people) == 300
        assert len({p.nik for p in people}) == 300
        city = 0
        for person in people:
            info = parse_nik(person.nik)
            assert info.gender == person.gender and info.birth_date == person.birth_date
            assert person.kecamatan_code == person.kelurahan_code[:8]
            city += info.nik.startswith("1571")
            if person.phone:
                assert normalise_phone(person.phone) == person.phone
        assert 0.7 < city / 300 < 1.0  # mostly, but not all, first registered in the city

        businesses = db.session.scalars(sa.select(Business)).all()
        assert len(businesses) >= 300
        assert all(b.monthly_revenue > 0 and b.capital > 0 for b in businesses)

        sizes = Counter(
            db.session.scalars(
                sa.select(GroupMembership.group_id).where(GroupMembership.left_on.is_(None))
            )
        )
        assert sizes and all(5 <= size <= 10 for size in sizes.values())
        for group in db.session.scalars(sa.select(Group)):
            members = {m.entrepreneur_id for m in group.active_memberships}
            assert group.chair_id in members
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 900


def test_demo_data_can_be_added_twice_and_new_records_still_save(app, runner, login_as, client):
    runner.invoke(args=["demo", "seed", "--entrepreneurs", "40", "--seed", "1"])
    second = runner.invoke(args=["demo", "seed", "--entrepreneurs", "40", "--seed", "2"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur)) == 80
        numbers = db.session.scalars(sa.select(Entrepreneur.registration_number)).all()
        assert len(set(numbers)) == 80


def test_demo_training_history_matches_each_journey_stage(app, runner):
    from harkat.cases.domain import JourneyStage
    from harkat.incubation.models import Incubation
    from harkat.training.domain import TrainingResult
    from harkat.training.models import Certificate, Enrolment

    runner.invoke(args=["demo", "seed", "--entrepreneurs", "400", "--seed", "9"])
    with app.app_context():
        stages = dict(db.session.execute(sa.select(Entrepreneur.id, Entrepreneur.stage)).all())
        results = dict(
            db.session.execute(sa.select(Enrolment.entrepreneur_id, Enrolment.result)).all()
        )
        graduated = [i for i, s in stages.items() if s == JourneyStage.GRADUATED]
        assert graduated and all(results[i] == TrainingResult.PASSED for i in graduated)
        in_training = [i for i, s in stages.items() if s == JourneyStage.IN_TRAINING]
        assert in_training and all(results[i] is None for i in in_training)
        passed = sum(1 for r in results.values() if r == TrainingResult.PASSED)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == passed
        incubated = set(db.session.scalars(sa.select(Incubation.entrepreneur_id)))
        assert incubated == {i for i, s in stages.items() if s == JourneyStage.IN_INCUBATION} | {
            i
            for i, s in stages.items()
            if s
            in (
                JourneyStage.SCREENED,
                JourneyStage.DEBT_RESOLUTION,
                JourneyStage.REFERRED,
                JourneyStage.APPROVED,
                JourneyStage.DISBURSED,
                JourneyStage.REPAYING,
            )
        }


def test_demo_screenings_agree_with_each_journey_stage(app, runner):
    from harkat.cases.domain import JourneyStage
    from harkat.screening.engine import Outcome
    from harkat.screening.models import Screening, ScreeningDebt

    result = runner.invoke(args=["demo", "seed", "--entrepreneurs", "600", "--seed", "4"])
    assert "skrining utang" in result.output
    with app.app_context():
        rows = db.session.execute(
            sa.select(Entrepreneur.stage, Screening.outcome).join(
                Screening, Screening.entrepreneur_id == Entrepreneur.id
            )
        ).all()
        assert rows
        assert all(o == Outcome.MERAH for s, o in rows if s == JourneyStage.DEBT_RESOLUTION)
        outcomes = {o for _, o in rows}
        assert Outcome.HIJAU in outcomes and Outcome.MERAH in outcomes
        # Loan sharks appear, and every one of them charges a loan shark's rate.
        sharks = db.session.scalars(
            sa.select(ScreeningDebt).where(ScreeningDebt.lender_type == "rentenir")
        ).all()
        assert sharks and all(d.nominal_rate_percent > 50 for d in sharks)
        # An illegal lender is never paid more than it lent, minus what it was already paid.
        illegal = db.session.scalars(
            sa.select(ScreeningDebt).where(ScreeningDebt.lender_type == "pinjol_ilegal")
        ).all()
        assert illegal and all(d.take_over_amount is not None for d in illegal)
        assert all(d.payoff <= d.principal for d in illegal)
        assert any(d.payoff < d.outstanding for d in illegal)
        # Screened against the demo registry, so the sheet says when it was checked.
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(Screening.registry_checked_on.is_(None))
            )
            == 0
        )


def test_demo_referrals_cover_every_state_with_loans_and_reports(app, runner, client, login_as):
    from datetime import datetime
    from pathlib import Path

    from harkat.auth.domain import Role
    from harkat.core.dates import JAKARTA
    from harkat.referrals.models import Loan, LoanReport, Referral, ReferralDocument
    from harkat.referrals.transitions import ReferralStatus

    result = runner.invoke(args=["demo", "seed", "--entrepreneurs", "3000", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "rujukan" in result.output
    with app.app_context():
        states = set(db.session.scalars(sa.select(Referral.status).distinct()))
        assert states == set(ReferralStatus)
        loans = db.session.scalars(sa.select(Loan)).all()
        months = {(loan.disbursed_on.year, loan.disbursed_on.month) for loan in loans}
        assert len(months) >= 4
        today = datetime.now(JAKARTA).date()
        assert all(loan.disbursed_on <= today for loan in loans)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoanReport)) > 0
        for loan in loans:
            referral = db.session.get(Referral, loan.referral_id)
            assert referral.status == ReferralStatus.DISBURSED
            assert loan.amount <= referral.approved_amount
            assert 0 <= loan.outstanding <= loan.amount
        document = db.session.scalar(sa.select(ReferralDocument))
        assert (Path(app.config["UPLOAD_DIR"]) / document.path).read_bytes().startswith(b"%PDF")
        submitted = db.session.scalar(
            sa.select(Referral.id).where(Referral.status == ReferralStatus.SUBMITTED)
        )
    login_as(Role.ADMIN)
    page = client.get(f"/rujukan/{submitted}").get_data(as_text=True)
    assert "Rujukan RJK-" in page and "Terpenuhi" in page
    assert client.get(f"/rujukan/{submitted}/paket.pdf").status_code == 200
