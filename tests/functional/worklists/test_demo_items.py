"""`flask demo load` leaves something on every demo account's work list."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from blueprints.demo.loader import load_demo
from blueprints.main.worklist import work_for
from models import Certificate, ProjectEvent, Role, User


def test_every_demo_account_but_the_administrator_has_work_in_order(app_ctx):
    accounts = load_demo()
    load_demo()  # idempotent: nothing twice
    for role, email, _password in accounts:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        lists = {group.key: group for group in work_for(user)}
        total = sum(group.total for group in lists.values())
        assert (total == 0) == (user.role == Role.ADMIN), (email, role)
        if email == "enterprise@demo.certpath.cn":
            (due,) = lists["surveillance_due"].items
            assert due.due == date.today() + timedelta(days=30)
            assert lists["requests_waiting"].total == 1
            (campaign,) = lists["open_campaigns"].items
            assert "上海市两化融合评估诊断" in campaign.whom
        if email == "authority@demo.certpath.cn":
            assert lists["quotas_to_set"].total == 1
        if email == "district@demo.certpath.cn":
            assert lists["contacts_to_report"].total == 1
        if email == "changchun-d@demo.certpath.cn":
            # The project the county returned (预算偏高), to revise and file again.
            (returned,) = [
                i for i in lists["reform_projects_to_file"].items if "焊装车间能耗" in i.whom
            ]
            assert returned.what == "Returned: revise the project and file it again" or (
                "修改" in returned.what
            )
        if email == "alliance@demo.certpath.cn":
            (recertification,) = lists["recertifications"].items
            assert recertification.overdue(date.today())
            assert lists["holder_requests"].total == 1
    # The certificates dated back read in order: serials, numbers, timelines.
    certificates = db.session.scalars(
        sa.select(Certificate).order_by(Certificate.effective_on)
    ).all()
    assert [c.serial for c in certificates] == sorted(c.serial for c in certificates)
    for certificate in certificates:
        assert f"{certificate.effective_on.year % 100:02d}IIIMS" in certificate.number
        events = db.session.scalars(
            sa.select(ProjectEvent)
            .where(ProjectEvent.project_id == certificate.project_id)
            .order_by(ProjectEvent.id)
        ).all()
        days = [e.created_at for e in events]
        assert days == sorted(days), certificate.number  # the timeline's order
        assert days[-1].date() <= certificate.effective_on
