"""What reform projects put on work lists: the enterprise's drafts and returned projects to
file and its projects in implementation to carry through the three in step; the county's
projects awaiting its opinion and the city's awaiting its filing; after the implementation
(seed 004 三(二)5-6) the city's projects without their third parties, the evaluation body's
projects to grade and to accept, the county's acceptances awaiting its opinion, and the audit
firm's projects awaiting its special audit report."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import (
    Organisation,
    ReformAcceptance,
    ReformAuditReport,
    ReformProject,
    ReformStatus,
    User,
)

S = ReformStatus


def _projects_where(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(
            ReformProject.id,
            ReformProject.name,
            ReformProject.status_changed_at,
            ReformProject.status,
            Organisation.name.label("enterprise"),
        )
        .join(Organisation, Organisation.id == ReformProject.enterprise_id)
        .where(*conditions)
        .order_by(ReformProject.status_changed_at, ReformProject.id)
    )


def _item(what: str | dict[ReformStatus, str]):
    def item(row) -> WorkItem:
        return WorkItem(
            what=what if isinstance(what, str) else what[row.status],
            whom=f"{row.enterprise} — {row.name}",
            url=url_for("reform.view", project_id=row.id),
            since=row.status_changed_at,
        )

    return item


def enterprise_lists(org: int) -> list[WorkList]:
    mine = ReformProject.enterprise_id == org
    return [
        capped(
            "reform_projects_to_file",
            _("Reform projects to file"),
            _projects_where(mine, ReformProject.status.in_((S.DRAFT, S.RETURNED))),
            _item(
                {
                    S.DRAFT: _("Add a contract per provider and file the project"),
                    S.RETURNED: _("Returned: revise the project and file it again"),
                }
            ),
            more_url=url_for("reform.index"),
        ),
        capped(
            "reform_projects_in_implementation",
            _("Reform projects in implementation"),
            _projects_where(mine, ReformProject.status == S.IN_IMPLEMENTATION),
            _item(_("Record the training plan, the deliveries and the evaluation")),
            more_url=url_for("reform.index", status=S.IN_IMPLEMENTATION.value),
        ),
    ]


def authority_list(user: User) -> WorkList:
    org = user.organisation_id
    return capped(
        "reform_projects_to_decide",
        _("Reform projects to decide"),
        _projects_where(
            sa.or_(
                sa.and_(
                    ReformProject.county_authority_id == org,
                    ReformProject.status == S.AWAITING_COUNTY,
                ),
                sa.and_(ReformProject.authority_id == org, ReformProject.status == S.AWAITING_CITY),
            )
        ),
        _item(_("Give your opinion or file the reform project")),
        more_url=url_for("reform.index"),
    )


def _awaiting_county_opinion() -> sa.ColumnElement[bool]:
    return (
        sa.select(ReformAcceptance.id)
        .where(
            ReformAcceptance.project_id == ReformProject.id,
            ReformAcceptance.county_opinion_at.is_(None),
        )
        .exists()
    )


def authority_review_list(user: User) -> WorkList:
    """The city's filed projects still without their evaluation body or audit firm, and the
    county's acceptances awaiting its opinion (one query)."""
    org = user.organisation_id
    return capped(
        "reform_projects_to_review",
        _("Reform projects: third parties and acceptances"),
        _projects_where(
            sa.or_(
                sa.and_(
                    ReformProject.authority_id == org,
                    ReformProject.status.in_((S.IN_IMPLEMENTATION, S.IMPLEMENTED)),
                    sa.or_(
                        ReformProject.evaluation_body_id.is_(None),
                        ReformProject.audit_firm_id.is_(None),
                    ),
                ),
                sa.and_(
                    ReformProject.county_authority_id == org,
                    ReformProject.status == S.GRADED,
                    _awaiting_county_opinion(),
                ),
            )
        ),
        _item(
            {
                S.IN_IMPLEMENTATION: _("Name the evaluation body and the audit firm"),
                S.IMPLEMENTED: _("Name the evaluation body and the audit firm"),
                S.GRADED: _("Give the county's opinion on the acceptance"),
            }
        ),
        more_url=url_for("reform.index"),
    )


def evaluation_body_list(user: User) -> WorkList:
    """The projects the body was named for: implemented, to grade; graded, to accept."""
    return capped(
        "reform_projects_to_grade",
        _("Reform projects to grade and accept"),
        _projects_where(
            ReformProject.evaluation_body_id == user.organisation_id,
            sa.or_(
                ReformProject.status == S.IMPLEMENTED,
                sa.and_(ReformProject.status == S.GRADED, ~_awaiting_county_opinion()),
            ),
        ),
        _item(
            {
                S.IMPLEMENTED: _("Grade the enterprise on site and file the evaluation report"),
                S.GRADED: _("Record the expert group's acceptance opinion"),
            }
        ),
        more_url=url_for("reform.index"),
    )


def audit_firm_list(user: User) -> WorkList:
    """The projects the firm was named for, implemented and without its report yet."""
    reported = (
        sa.select(ReformAuditReport.id)
        .where(ReformAuditReport.project_id == ReformProject.id)
        .exists()
    )
    return capped(
        "reform_projects_to_audit",
        _("Reform projects to audit"),
        _projects_where(
            ReformProject.audit_firm_id == user.organisation_id,
            ReformProject.status.in_((S.IMPLEMENTED, S.GRADED, S.ACCEPTED)),
            ~reported,
        ),
        _item(_("File the special audit report")),
        more_url=url_for("reform.index"),
    )
