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
