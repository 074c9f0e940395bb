"""The demo's impartiality declarations (issue 20): the evaluators and reviewers the tour
uses signed last year's and this year's (their audits of the past weeks may fall in either
year); one more evaluator declared a conflict with a demo enterprise (shown while its team is
chosen, and refused), and one has not signed (on the body's work list; refused too)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.clock import local_today, utcnow
from app.extensions import db
from blueprints.declarations.services import period, pledge_for
from blueprints.demo.people import account
from models import (
    ConflictOfInterest,
    ConflictRelation,
    ImpartialityDeclaration,
    Organisation,
    Role,
    User,
)


def _signed(user: User, year: int, on: date) -> None:
    exists = db.session.scalar(
        sa.select(
            sa.exists().where(
                ImpartialityDeclaration.user_id == user.id, ImpartialityDeclaration.year == year
            )
        )
    )
    if exists:
        return
    valid_from, valid_until = period(year, on)
    db.session.add(
        ImpartialityDeclaration(
            user_id=user.id,
            year=year,
            pledge_version=pledge_for(year).version,
            valid_from=valid_from,
            valid_until=valid_until,
            # 10:00 in Shanghai, stored as UTC
            signed_at=datetime.combine(on, time(2)),
        )
    )


def load(body: Organisation, alliance: Organisation, conflicted_with: Organisation) -> None:
    today = local_today()
    cautious = account(body, Role.EVALUATOR, "evaluator3@demo.certpath.cn", "钱回避")
    account(body, Role.EVALUATOR, "evaluator4@demo.certpath.cn", "孙未签")  # never signed
    people = db.session.scalars(
        sa.select(User)
        .where(
            User.organisation_id.in_((body.id, alliance.id)),
            User.role.in_((Role.EVALUATOR, Role.ALLIANCE_STAFF)),
            User.email != "evaluator4@demo.certpath.cn",
        )
        .order_by(User.id)
    ).all()
    for user in people:
        _signed(user, today.year - 1, date(today.year - 1, 1, 4))
        _signed(user, today.year, min(today, date(today.year, 1, 4)))
    known = db.session.scalar(
        sa.select(sa.exists().where(ConflictOfInterest.user_id == cautious.id))
    )
    if not known:
        db.session.add(
            ConflictOfInterest(
                user_id=cautious.id,
                organisation_id=conflicted_with.id,
                name=conflicted_with.name,
                credit_code=conflicted_with.credit_code or "",
                relation=ConflictRelation.CONSULTED,
                starts_on=today - relativedelta(years=3),
                ends_on=None,
                declared_at=utcnow() - timedelta(days=30),
            )
        )
    db.session.flush()
