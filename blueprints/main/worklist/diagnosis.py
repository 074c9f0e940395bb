"""What diagnosis engagements put on work lists: the provider's agreements to file, work
groups to take on site, diagnoses to report, reports to present and progress reports due; the
enterprise's forms and survey; the authority's reports to accept; and, for information, the
engagements under way and the providers late with their progress reports."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _

from app.clock import local_today
from blueprints.demand.services import DIAGNOSED
from blueprints.diagnosis import programmes
from blueprints.engagements import progress_reports
from blueprints.engagements.paperwork import OPEN_IN
from blueprints.main.worklist import pool
from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import (
    DemandEntry,
    DiagnosisEngagement,
    DiagnosisFormEntry,
    EngagementStatus,
    Organisation,
    User,
)

S = EngagementStatus
_UNDER_WAY = (S.ENROLLED, S.AGREED, S.ON_SITE, S.REPORTED, S.PRESENTED, S.REVISING)


def _engagements_where(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    """Engagements matching ``conditions`` with their enterprise's name, longest waiting first."""
    return (
        sa.select(
            DiagnosisEngagement.id,
            DiagnosisEngagement.status,
            DiagnosisEngagement.status_changed_at,
            DiagnosisEngagement.agreement_ends_on,
            Organisation.name.label("enterprise"),
        )
        .join(Organisation, Organisation.id == DiagnosisEngagement.enterprise_id)
        .where(*conditions)
        .order_by(DiagnosisEngagement.status_changed_at, DiagnosisEngagement.id)
    )


def _item(what: str):
    def item(row) -> WorkItem:
        return WorkItem(
            what=what,
            whom=row.enterprise,
            url=url_for("engagements.view", engagement_id=row.id),
            since=row.status_changed_at,
            due=row.agreement_ends_on,
        )

    return item


def _more(status: EngagementStatus | None = None) -> str:
    return url_for("engagements.index", status=status.value if status else None)


# A progress report appears on the provider's list this many days before it is due.
REPORT_NOTICE_DAYS = 7


def reports_due(org: int | None, today: date) -> WorkList:
    """The provider's progress reports due within a week or overdue, one per programme and
    authority (a handful: computed from one grouped query)."""
    due = [
        s
        for s in progress_reports.of_provider(org or 0)
        if s.due <= today + timedelta(days=REPORT_NOTICE_DAYS)
    ]
    items = [
        WorkItem(
            what=_("Report your diagnosis progress (%(n)d engagements under way)", n=s.under_way),
            whom=s.authority,
            url=url_for("engagements.progress_reports") + "#report-progress",
            since=s.last or s.since,
            due=s.due,
        )
        for s in sorted(due, key=lambda s: s.due)
    ]
    return WorkList("progress_reports_due", _("Progress reports due"), items, len(items))


def reports_overdue(org: int | None, today: date) -> WorkList:
    """For the authority's information: the providers late with their progress reports."""
    items = [
        WorkItem(
            what=_("No progress report since %(date)s", date=format_date(s.last or s.since)),
            whom=s.provider,
            url=url_for("engagements.progress_reports"),
            since=s.last or s.since,
            due=s.due,
        )
        for s in progress_reports.of_authority(org or 0)
        if s.overdue(today)
    ]
    return WorkList("progress_reports_overdue", _("Progress reports overdue"), items,
                    len(items), waiting=True)  # fmt: skip


def provider_lists(user: User) -> list[WorkList]:
    org = user.organisation_id
    mine = DiagnosisEngagement.provider_id == org
    return [
        reports_due(org, local_today()),
        capped(
            "agreements_to_file",
            _("Diagnosis agreements to file"),
            _engagements_where(mine, DiagnosisEngagement.status == S.ENROLLED),
            _item(_("Sign the service agreement and file it")),
            more_url=_more(S.ENROLLED),
        ),
        capped(
            "work_groups_to_form",
            _("Work groups to form"),
            _engagements_where(mine, DiagnosisEngagement.status == S.AGREED),
            _item(_("Form the work group and go on site")),
            more_url=_more(S.AGREED),
        ),
        capped(
            "diagnoses_to_report",
            _("Diagnoses to record and report"),
            _engagements_where(mine, DiagnosisEngagement.status.in_((S.ON_SITE, S.REVISING))),
            lambda row: WorkItem(
                what=_("Revise the report and resubmit it")
                if row.status == S.REVISING
                else _("Record the visits and submit the report"),
                whom=row.enterprise,
                url=url_for("engagements.view", engagement_id=row.id),
                since=row.status_changed_at,
                due=row.agreement_ends_on,
            ),
        ),
        libraries_to_file(org),
        capped(
            "reports_to_present",
            _("Reports to present"),
            _engagements_where(mine, DiagnosisEngagement.status == S.REPORTED),
            _item(_("Present the report to the enterprise's head")),
            more_url=_more(S.REPORTED),
        ),
        *pool.provider_lists(user),
    ]


def libraries_to_file(org: int | None) -> WorkList:
    """Enterprises the provider diagnosed, in a programme that keeps a demand library, whose
    library holds no need yet (seed 004 三(一)1: 一企一档)."""
    keeping = [p.id for p in programmes.load_all().values() if p.scenarios]
    return capped(
        "demand_libraries_to_file",
        _("Demand libraries to file"),
        _engagements_where(
            DiagnosisEngagement.provider_id == org,
            DiagnosisEngagement.programme_key.in_(keeping),
            DiagnosisEngagement.status.in_(DIAGNOSED),
            ~sa.exists().where(DemandEntry.engagement_id == DiagnosisEngagement.id),
        ),
        lambda row: WorkItem(
            what=_("File the needs found and match solutions to them"),
            whom=row.enterprise,
            url=url_for("demand.library", engagement_id=row.id) + "#new-entry",
            since=row.status_changed_at,
            due=None,
        ),
        more_url=url_for("demand.index"),
    )


def _forms_to_fill(party: str) -> sa.ColumnElement[bool]:
    """Engagements where a form of its programme filled in once by ``party`` is open and not
    yet filed (a table form is counted by the move it guards, on the page)."""
    wanted = [
        sa.and_(
            DiagnosisEngagement.programme_key == programme.id,
            DiagnosisEngagement.status.in_(OPEN_IN[form.before]),
            ~sa.exists().where(
                DiagnosisFormEntry.engagement_id == DiagnosisEngagement.id,
                DiagnosisFormEntry.form_key == form.key,
            ),
        )
        for programme in programmes.load_all().values()
        for form in programme.fillable_forms
        if form.filled_by == party and not form.rows and form.before
    ]
    return sa.or_(*wanted) if wanted else sa.false()


def applications_to_fill(org: int | None) -> WorkList:
    return capped(
        "diagnosis_forms_to_fill",
        _("Diagnosis forms to fill in"),
        _engagements_where(DiagnosisEngagement.enterprise_id == org, _forms_to_fill("enterprise")),
        _item(_("Fill in the forms the diagnosis asks of your enterprise")),
    )


def surveys_to_answer(org: int | None) -> WorkList:
    return capped(
        "surveys_to_answer",
        _("Satisfaction surveys to answer"),
        _engagements_where(
            DiagnosisEngagement.enterprise_id == org, DiagnosisEngagement.status == S.PRESENTED
        ),
        _item(_("Rate the diagnosis service")),
    )


def reports_to_accept(org: int | None) -> WorkList:
    return capped(
        "reports_to_accept",
        _("Diagnosis reports to accept"),
        _engagements_where(
            DiagnosisEngagement.authority_id == org, DiagnosisEngagement.status == S.SURVEYED
        ),
        _item(_("Accept the report or return it for revision")),
        more_url=_more(S.SURVEYED),
    )


def _under_way(
    key: str, title: str, party: sa.ColumnElement[bool], statuses=_UNDER_WAY
) -> WorkList:
    """The party's engagements under way, shown for information (waiting on the provider)."""
    return capped(
        key,
        title,
        _engagements_where(party, DiagnosisEngagement.status.in_(statuses)),
        lambda row: WorkItem(
            what=row.status.title,
            whom=row.enterprise,
            url=url_for("engagements.view", engagement_id=row.id),
            since=row.status_changed_at,
            due=row.agreement_ends_on,
        ),
        more_url=_more(),
        waiting=True,
    )


def enterprise_engagements(org: int | None) -> WorkList:
    """The enterprise follows its diagnosis until the authority accepts the report: one it
    has surveyed still waits (on the authority, which has it among its reports to accept)."""
    return _under_way(
        "diagnosis_under_way",
        _("Diagnosis of your enterprise"),
        DiagnosisEngagement.enterprise_id == org,
        (*_UNDER_WAY, S.SURVEYED),
    )


def authority_engagements(org: int | None) -> WorkList:
    """The engagements the authority enrolled that are under way, with the agreement's end."""
    return _under_way(
        "engagements_under_way",
        _("Diagnosis engagements under way"),
        DiagnosisEngagement.authority_id == org,
    )
