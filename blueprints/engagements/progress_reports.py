"""The providers' regular progress reports to the authorities that enrolled them (seed 002
5.1, "定期汇报诊断工作进度"): for a programme that asks them, a provider reports each period what
it did, with the figures of its engagements counted in SQL when it reports; a report is due
``every_days`` after the last one (or the first enrolment), and an overdue one is on the
provider's work list and flagged for the authority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from app.clock import local_today, utc_from_local
from app.events import announce
from app.extensions import db
from app.search import name_matches
from app.security.permissions import Permission, has_permission
from blueprints.diagnosis import programmes
from blueprints.diagnosis.programmes import Programme
from blueprints.engagements.changes import Refused
from models import (
    DiagnosisActivity,
    DiagnosisEngagement,
    DiagnosisProgressReport,
    EngagementStatus,
    Organisation,
    User,
)

S = EngagementStatus
UNDER_WAY = (S.ENROLLED, S.AGREED, S.ON_SITE, S.REPORTED, S.PRESENTED, S.SURVEYED, S.REVISING)
MAX_PERIOD = timedelta(days=366)
Report = DiagnosisProgressReport


def reporting_programmes() -> dict[str, Programme]:
    """The programmes whose providers report their progress, by id."""
    return {k: p for k, p in programmes.load_all().items() if p.progress_reports is not None}


@dataclass(frozen=True)
class Standing:
    """Where one provider stands with one authority in one programme."""

    programme: Programme
    provider_id: int
    provider: str
    authority_id: int
    authority: str
    under_way: int
    since: date  # the first engagement under way was enrolled on
    last: date | None  # the end of the last period reported

    @property
    def next_from(self) -> date:
        return self.last + timedelta(days=1) if self.last else self.since

    @property
    def due(self) -> date:
        rules = self.programme.progress_reports
        assert rules is not None  # only reporting programmes stand here
        return (self.last or self.since) + timedelta(days=rules.every_days)

    def overdue(self, today: date) -> bool:
        return self.due < today

    @property
    def choice(self) -> str:
        return f"{self.programme.id}:{self.authority_id}"


Provider = aliased(Organisation, name="provider")
Authority = aliased(Organisation, name="authority")


def standing(*where: sa.ColumnElement[bool]) -> list[Standing]:
    """Every (programme, provider, authority) with engagements under way matching ``where``,
    with the last period reported: one grouped query."""
    reporting = reporting_programmes()
    if not reporting:
        return []
    E = DiagnosisEngagement
    # The last period reported per provider, authority and programme, joined once (not asked
    # again for every engagement).
    last = (
        sa.select(
            Report.provider_id,
            Report.authority_id,
            Report.programme_key,
            sa.func.max(Report.period_end).label("period_end"),
        )
        .group_by(Report.provider_id, Report.authority_id, Report.programme_key)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            E.programme_key,
            E.provider_id,
            Provider.name.label("provider"),
            E.authority_id,
            Authority.name.label("authority"),
            sa.func.count().label("under_way"),
            sa.func.min(E.created_at).label("since"),
            sa.func.max(last.c.period_end).label("last"),
        )
        .join(Provider, Provider.id == E.provider_id)
        .join(Authority, Authority.id == E.authority_id)
        .outerjoin(
            last,
            sa.and_(
                last.c.provider_id == E.provider_id,
                last.c.authority_id == E.authority_id,
                last.c.programme_key == E.programme_key,
            ),
        )
        .where(E.programme_key.in_(reporting), E.status.in_(UNDER_WAY), *where)
        .group_by(E.programme_key, E.provider_id, Provider.name, E.authority_id, Authority.name)
        .order_by(Provider.name, Authority.name, E.programme_key)
    )
    return [
        Standing(
            programme=reporting[row.programme_key],
            provider_id=row.provider_id,
            provider=row.provider,
            authority_id=row.authority_id,
            authority=row.authority,
            under_way=row.under_way,
            since=row.since.date(),
            last=row.last,
        )
        for row in rows
    ]


def of_provider(provider_id: int) -> list[Standing]:
    return standing(DiagnosisEngagement.provider_id == provider_id)


def of_authority(authority_id: int) -> list[Standing]:
    return standing(DiagnosisEngagement.authority_id == authority_id)


def figures(programme_key: str, provider_id: int, authority_id: int, start: date,
            end: date) -> dict[str, int]:  # fmt: skip
    """The provider's engagements with the authority by state now, and the meetings, visits
    and trainings recorded and reports submitted within ``start``..``end``: two queries."""
    E = DiagnosisEngagement
    ours = (E.programme_key == programme_key, E.provider_id == provider_id,
            E.authority_id == authority_id)  # fmt: skip
    counted: dict[str, int] = {
        status.value: n
        for status, n in db.session.execute(
            sa.select(E.status, sa.func.count()).where(*ours).group_by(E.status)
        )
    }
    first = datetime.combine(start, time())
    after = datetime.combine(end + timedelta(days=1), time())
    for kind, n in db.session.execute(
        sa.select(DiagnosisActivity.kind, sa.func.count())
        .join(E, E.id == DiagnosisActivity.engagement_id)
        .where(*ours, DiagnosisActivity.started_at >= first, DiagnosisActivity.started_at < after)
        .group_by(DiagnosisActivity.kind)
    ):
        counted[f"activity_{kind.value}"] = n
    counted["reports_submitted"] = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(E)
            .where(
                *ours,
                E.report_submitted_at >= utc_from_local(first),
                E.report_submitted_at < utc_from_local(after),
            )
        )
        or 0
    )
    return counted


def submit(actor: User, choice: str, start: date, end: date, summary: str) -> Report:
    """The provider's report for ``start``..``end`` to the authority of ``choice``
    ("programme:authority"); a period overlapping one reported, in the future or longer than
    a year is refused beside its field."""
    found = next((s for s in of_provider(actor.organisation_id or 0) if s.choice == choice), None)
    if found is None:
        raise Refused("target", _("You have no engagement under way with this authority."))
    if end > local_today():
        raise Refused("period_end", _("Report a period that has ended: this date is to come."))
    if end < start:
        raise Refused("period_end", _("The end comes after the start."))
    if end - start > MAX_PERIOD:
        raise Refused("period_start", _("Report at most a year at a time."))
    if found.last is not None and start <= found.last:
        raise Refused(
            "period_start",
            _("The period up to %(date)s is reported already: start after it.",
              date=found.last.isoformat()),
        )  # fmt: skip
    report = Report(
        programme_key=found.programme.id,
        provider_id=found.provider_id,
        authority_id=found.authority_id,
        period_start=start,
        period_end=end,
        summary=summary,
        figures=figures(found.programme.id, found.provider_id, found.authority_id, start, end),
        submitted_by_id=actor.id,
    )
    db.session.add(report)
    db.session.flush()  # two reports of one period at once: the unique constraint, 409
    announce("engagement.progress_report", report, actor, occurrence=f"progress_report:{report.id}")
    return report


def visible_to(user: User) -> sa.ColumnElement[bool]:
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return sa.true()
    org = user.organisation_id
    return sa.or_(Report.provider_id == org, Report.authority_id == org)


def listed(user: User, *, programme: str = "", q: str = "") -> sa.Select:
    """The reports ``user``'s organisation sent or received, newest first."""
    query = (
        sa.select(
            Report.id,
            Report.programme_key,
            Report.period_start,
            Report.period_end,
            Report.submitted_at,
            Report.figures,
            Provider.name.label("provider"),
            Authority.name.label("authority"),
        )
        .join(Provider, Provider.id == Report.provider_id)
        .join(Authority, Authority.id == Report.authority_id)
        .where(visible_to(user))
        .order_by(Report.submitted_at.desc(), Report.id.desc())
    )
    if programme:
        query = query.where(Report.programme_key == programme)
    if q:
        query = query.where(
            sa.or_(
                name_matches(
                    Provider.name, Provider.name_tokens, q, initials=Provider.name_initials
                ),
                name_matches(
                    Authority.name, Authority.name_tokens, q, initials=Authority.name_initials
                ),
            )
        )
    return query


def get_or_404(user: User, report_id: int) -> Report:
    found = db.session.scalar(sa.select(Report).where(Report.id == report_id, visible_to(user)))
    if found is None:
        abort(404)
    return found
