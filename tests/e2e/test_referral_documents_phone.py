"""The referral draft page at 390 px: misses and the next action first, long lists folded."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from harkat.auth.models import Role, User
from harkat.extensions import db
from harkat.referrals import services
from harkat.referrals.gates import DocumentKind
from harkat.referrals.models import Referral
from tests.fixtures.referrals import PNG

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def served(app):
    """The test app (with its fixtures' data) on loopback."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_group_draft_page_height_at_390px(
    app, served, browser, shot, create_user, make_group_referral
):
    from tests.fixtures.users import PASSWORD

    facilitator_id, username = create_user(Role.FACILITATOR)
    referral_id, people = make_group_referral(facilitator_id)
    # Half-way through: everyone's KTP and KK are in, NIB/SKU and business photos are missing.
    with app.app_context():
        actor = db.session.get(User, facilitator_id)
        referral = db.session.get(Referral, referral_id)
        for person in people:
            for kind in (DocumentKind.KTP, DocumentKind.KK):
                services.upload_document(
                    db.session,
                    referral,
                    kind=kind,
                    entrepreneur_id=person,
                    filename=f"{kind.value}-{person}.png",
                    data=PNG,
                    actor=actor,
                    upload_dir=app.config["UPLOAD_DIR"],
                    max_bytes=app.config["MAX_UPLOAD_BYTES"],
                )
        db.session.commit()
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{served}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{served}/rujukan/{referral_id}")
    height = page.evaluate("document.documentElement.scrollHeight")
    print("PAGE HEIGHT", height)
    shot(page, "referral-draft-390")
