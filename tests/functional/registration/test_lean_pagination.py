"""The entrepreneur list's lean pagination returns exactly what plain pagination would."""

from __future__ import annotations

import pytest

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.database import lean_paginate
from harkat.extensions import db
from harkat.registration import services


@pytest.mark.parametrize("sort", sorted(services.SORTS))
def test_lean_pages_match_plain_pages(app, create_user, create_entrepreneur, sort):
    user_id, _ = create_user(Role.FACILITATOR)
    names = ["Siti Aminah", "Budi Santoso", "Ahmad Yani", "Dewi Lestari", "Siti Badriah"]
    for index, name in enumerate(names * 2):
        create_entrepreneur(user_id, full_name=f"{name} {index}")
    with app.app_context():
        user = db.session.get(User, user_id)
        for filters in (
            services.EntrepreneurFilter(sort=sort),
            services.EntrepreneurFilter(q="siti", sort=sort),
        ):
            query = services.search_entrepreneurs(user, filters)
            for page in (1, 2, 3, 4, 9):
                lean = lean_paginate(db.session, query, per_page=3, page=page)
                plain = db.paginate(query, page=page, per_page=3, error_out=False)
                assert [e.id for e in lean.items] == [e.id for e in plain.items]
                assert (lean.total, lean.pages) == (plain.total, plain.pages)
        assert lean_paginate(db.session, query, per_page=3).total == 4  # four "Siti"


def test_lean_pagination_refuses_what_it_would_miscount(app):
    import sqlalchemy as sa

    from harkat.registration.models import Business, Entrepreneur

    with app.app_context():
        joined = sa.select(Entrepreneur).join(Business, Business.entrepreneur_id == Entrepreneur.id)
        for query in (joined, sa.select(Entrepreneur).distinct()):
            with pytest.raises(ValueError):
                lean_paginate(db.session, query, per_page=3)
