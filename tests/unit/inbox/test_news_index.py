"""The partial index the inbox walks covers exactly the states the inbox lists."""

from __future__ import annotations

import re

from harkat.inbox.services import NEWS_STATES
from harkat.referrals.models import INBOX_NEWS_WHERE


def test_news_index_covers_the_inbox_states():
    assert set(re.findall(r"'(\w+)'", INBOX_NEWS_WHERE)) == {s.value for s in NEWS_STATES}
