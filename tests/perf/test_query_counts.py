"""Pages run a bounded number of queries whatever the data size."""

import pytest

from models import OrgKind, OutboxMessage, Role
from tests import factories


def admin():
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    return factories.user(alliance, role=Role.ADMIN)


def grow(n: int) -> None:
    from app.extensions import db

    for i in range(n):
        org = factories.organisation(region="310115")
        factories.user(org)
        db.session.add(
            OutboxMessage(
                dedup_key=f"perf:{org.id}:{i}",
                recipient=f"p{i}@e.com",
                subject="s",
                body_text="b",
                locale="zh",
            )
        )
    db.session.flush()


@pytest.mark.parametrize(
    "url", ["/orgs/", "/admin/users", "/admin/outbox", "/dashboard", "/orgs/mine", "/account"]
)
def test_queries_do_not_grow_with_rows(app, browser, count_queries, monkeypatch, url):
    # Two rows a page: the small list has a next page too, so that a list counting its rows
    # only beyond the first page (app.pagination's bounded count) counts in both.
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    user = admin()
    browser.login(user.email, "Correct-Horse-Battery-9")
    grow(3)
    browser.get(url, follow_redirects=True)  # the process's region names, read once
    with count_queries() as small:
        assert browser.get(url, follow_redirects=True).status_code == 200
    grow(30)
    with count_queries() as large:
        assert browser.get(url, follow_redirects=True).status_code == 200
    assert large.count == small.count, (url, small.statements, large.statements)
    # The administrator sees every panel of the dashboard: still a fixed handful of queries.
    assert large.count <= 15, (url, large.statements)
