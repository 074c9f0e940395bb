"""What diagnosis engagements put on work lists: the provider's agreements to file and work
groups to take on site; the enterprise and the authority see theirs under way."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import DiagnosisEngagement, EngagementStatus, Organisation, User

S = EngagementStatus
_UNDER_WAY = (S.ENROLLED, S.AGREED, S.ON_SITE)


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


def provider_lists(user: User) -> list[WorkList]:
    org = user.organisation_id
    mine = DiagnosisEngagement.provider_id == org
    return [
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
    ]


def _under_way(key: str, title: str, party: sa.ColumnElement[bool]) -> WorkList:
    """The party's engagements under way, shown for information (waiting on the provider)."""
    return capped(
        key,
        title,
        _engagements_where(party, DiagnosisEngagement.status.in_(_UNDER_WAY)),
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
    return _under_way(
        "diagnosis_under_way",
        _("Diagnosis of your enterprise"),
        DiagnosisEngagement.enterprise_id == org,
    )


def authority_engagements(org: int | None) -> WorkList:
    """The engagements the authority enrolled that are under way, with the agreement's end."""
    return _under_way(
        "engagements_under_way",
        _("Diagnosis engagements under way"),
        DiagnosisEngagement.authority_id == org,
    )
