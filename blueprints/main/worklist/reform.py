"""What reform projects put on work lists: the enterprise's drafts and returned projects to
file and its projects in implementation to carry through the three in step; the county's
projects awaiting its opinion and the city's awaiting its filing."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import Organisation, ReformProject, ReformStatus, User

S = ReformStatus


def _projects_where(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(
            ReformProject.id,
            ReformProject.name,
            ReformProject.status_changed_at,
            Organisation.name.label("enterprise"),
        )
        .join(Organisation, Organisation.id == ReformProject.enterprise_id)
        .where(*conditions)
        .order_by(ReformProject.status_changed_at, ReformProject.id)
    )


def _item(what: str):
    def item(row) -> WorkItem:
        return WorkItem(
            what=what,
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
            _item(_("Add a contract per provider and file the project")),
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
