"""What the provider pool puts on work lists: the provider's drafts to submit, its
admission in publicity and its appeals under way; the authority's applications to give
experts, those to decide and the objections to decide; an expert's applications to review;
an enterprise's providers to rate."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist import cases
from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import (
    DiagnosisEngagement,
    Organisation,
    PoolMember,
    PoolObjection,
    PoolObjectionStatus,
    PoolReview,
    PoolStatus,
    ProviderSurvey,
    User,
)

S = PoolStatus


def _members_where(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    """Places matching ``conditions`` with their provider's name, longest waiting first."""
    return (
        sa.select(
            PoolMember.id,
            PoolMember.status_changed_at,
            PoolMember.publicity_ends_on,
            Organisation.name.label("provider"),
        )
        .join(Organisation, Organisation.id == PoolMember.provider_id)
        .where(*conditions)
        .order_by(PoolMember.status_changed_at, PoolMember.id)
    )


def _item(what: str, endpoint: str = "pool.view", anchor: str = ""):
    def item(row) -> WorkItem:
        return WorkItem(
            what=what,
            whom=row.provider,
            url=url_for(endpoint, member_id=row.id) + anchor,
            since=row.status_changed_at,
            due=row.publicity_ends_on,
        )

    return item


def provider_lists(user: User) -> list[WorkList]:
    mine = PoolMember.provider_id == user.organisation_id
    return [
        capped(
            "pool_applications_to_submit",
            _("Pool applications to complete"),
            _members_where(mine, PoolMember.status == S.DRAFT),
            _item(_("Add your products and documents and submit the application")),
            more_url=url_for("pool.index", status=S.DRAFT.value),
        ),
        capped(
            "pool_applications_under_review",
            _("Your pool applications under review"),
            _members_where(mine, PoolMember.status.in_((S.SUBMITTED, S.IN_REVIEW, S.REVIEWED))),
            lambda row: WorkItem(
                what=_("Reviewed by the authority's experts, then decided"),
                whom=row.provider,
                url=url_for("pool.view", member_id=row.id),
                since=row.status_changed_at,
            ),
            waiting=True,
        ),
        capped(
            "pool_admissions_in_publicity",
            _("Your admissions in publicity"),
            _members_where(mine, PoolMember.status == S.IN_PUBLICITY),
            _item(_("Published: you enter the pool once no objection holds it")),
            waiting=True,
        ),
        # Its appeals against a suspension or a removal, in the alliance's hands.
        cases.appeals_under_way(user.organisation_id),
    ]


def authority_lists(user: User) -> list[WorkList]:
    ours = PoolMember.authority_id == user.organisation_id
    objections = (
        sa.select(
            PoolMember.id,
            PoolObjection.created_at.label("status_changed_at"),
            PoolMember.publicity_ends_on,
            Organisation.name.label("provider"),
        )
        .join(PoolMember, PoolMember.id == PoolObjection.member_id)
        .join(Organisation, Organisation.id == PoolMember.provider_id)
        .where(ours, PoolObjection.status == PoolObjectionStatus.OPEN)
        .order_by(PoolObjection.created_at, PoolObjection.id)
    )
    return [
        capped(
            "pool_applications_to_assign",
            _("Pool applications awaiting experts"),
            _members_where(ours, PoolMember.status == S.SUBMITTED),
            _item(_("Assign the experts who review the application"), anchor="#review"),
            more_url=url_for("pool.index", status=S.SUBMITTED.value),
        ),
        capped(
            "pool_applications_to_decide",
            _("Pool applications to decide"),
            _members_where(ours, PoolMember.status == S.REVIEWED),
            _item(_("Admit the provider or refuse it, with the reasons"), anchor="#decision"),
            more_url=url_for("pool.index", status=S.REVIEWED.value),
        ),
        capped(
            "pool_objections_to_decide",
            _("Objections to providers' admissions"),
            objections,
            _item(_("Uphold or dismiss the objection"), anchor="#objections"),
        ),
        capped(
            "pool_applications_in_review",
            _("Pool applications under expert review"),
            _members_where(ours, PoolMember.status == S.IN_REVIEW),
            _item(_("Waiting for the experts' opinions"), anchor="#review"),
            waiting=True,
        ),
    ]


def expert_list(user: User) -> WorkList:
    assigned = (
        sa.select(PoolReview.id)
        .where(
            PoolReview.member_id == PoolMember.id,
            PoolReview.expert_id == user.id,
            PoolReview.recorded_at.is_(None),
        )
        .exists()
    )
    return capped(
        "pool_applications_to_review",
        _("Pool applications to review"),
        _members_where(PoolMember.status == S.IN_REVIEW, assigned),
        _item(_("Record your opinion on the application"), anchor="#review"),
    )


def providers_to_rate(org: int | None) -> WorkList:
    """The pool's providers that diagnosed the enterprise, not yet rated by it."""
    diagnosed = (
        sa.select(DiagnosisEngagement.id)
        .where(
            DiagnosisEngagement.enterprise_id == org,
            DiagnosisEngagement.provider_id == PoolMember.provider_id,
            DiagnosisEngagement.programme_key == PoolMember.programme_key,
            DiagnosisEngagement.authority_id == PoolMember.authority_id,
        )
        .exists()
    )
    rated = (
        sa.select(ProviderSurvey.id)
        .where(ProviderSurvey.member_id == PoolMember.id, ProviderSurvey.enterprise_id == org)
        .exists()
    )
    return capped(
        "providers_to_rate",
        _("Providers to rate"),
        _members_where(PoolMember.status == S.ADMITTED, diagnosed, ~rated),
        _item(_("Rate the provider's service"), endpoint="providers.view", anchor="#survey"),
    )
