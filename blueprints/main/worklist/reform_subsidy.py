"""What reform subsidies put on work lists (seed 004 三(二)7): the enterprise's accepted projects
without a live application (never applied for, or refused: it may apply again), and the city's
applications to decide and approved subsidies to pay. One query each."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import Organisation, ReformProject, ReformStatus, User
from models.reform_subsidy import ReformSubsidy, SubsidyStatus


def enterprise_list(org: int) -> WorkList:
    live = (
        sa.select(ReformSubsidy.id)
        .where(
            ReformSubsidy.project_id == ReformProject.id,
            ReformSubsidy.status != SubsidyStatus.REFUSED,
        )
        .exists()
    )
    refused = (
        sa.select(ReformSubsidy.id)
        .where(
            ReformSubsidy.project_id == ReformProject.id,
            ReformSubsidy.status == SubsidyStatus.REFUSED,
        )
        .exists()
    )
    query = (
        sa.select(
            ReformProject.id,
            ReformProject.name,
            ReformProject.status_changed_at,
            Organisation.name.label("enterprise"),
            refused.label("refused"),
        )
        .join(Organisation, Organisation.id == ReformProject.enterprise_id)
        .where(
            ReformProject.enterprise_id == org,
            ReformProject.status == ReformStatus.ACCEPTED,
            ~live,
        )
        .order_by(ReformProject.status_changed_at, ReformProject.id)
    )
    return capped(
        "reform_subsidies_to_apply",
        _("Reform subsidies to apply for"),
        query,
        lambda row: WorkItem(
            what=_("The city refused the subsidy: apply again")
            if row.refused
            else _("Record the outcomes and apply for the subsidy"),
            whom=f"{row.enterprise} — {row.name}",
            url=url_for("reform.view", project_id=row.id) + "#subsidy",
            since=row.status_changed_at,
        ),
        more_url=url_for("reform.index", status=ReformStatus.ACCEPTED.value),
    )


def authority_list(user: User) -> WorkList:
    query = (
        sa.select(
            ReformSubsidy.project_id,
            ReformSubsidy.status,
            sa.func.coalesce(ReformSubsidy.decided_at, ReformSubsidy.applied_at).label("since"),
            ReformProject.name,
            Organisation.name.label("enterprise"),
        )
        .join(ReformProject, ReformProject.id == ReformSubsidy.project_id)
        .join(Organisation, Organisation.id == ReformProject.enterprise_id)
        .where(
            ReformProject.authority_id == user.organisation_id,
            ReformSubsidy.status.in_((SubsidyStatus.APPLIED, SubsidyStatus.APPROVED)),
        )
        .order_by(ReformSubsidy.status, "since", ReformSubsidy.id)
    )
    return capped(
        "reform_subsidies_to_handle",
        _("Reform subsidies to decide or pay"),
        query,
        lambda row: WorkItem(
            what=_("Decide on the subsidy application")
            if row.status == SubsidyStatus.APPLIED
            else _("Record the payment of the approved subsidy"),
            whom=f"{row.enterprise} — {row.name}",
            url=url_for("reform.view", project_id=row.project_id) + "#subsidy",
            since=row.since,
        ),
        more_url=url_for("reform_subsidy.index"),
    )
