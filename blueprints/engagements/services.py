"""Diagnosis engagements: an authority enrols an enterprise of its region and a provider into
a programme; the provider files the agreement, forms its work group and goes on site; every
move is checked by the transition table, kept in the history and told to the other parties.

Services only flush: the request commits (app.database)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import aliased
from werkzeug.datastructures import FileStorage

from app import workflow
from app.clock import utcnow
from app.events import announce
from app.extensions import db
from app.security.access import in_region, region_prefix
from app.security.permissions import Permission, has_permission
from app.workflow import Actor
from blueprints.auth.services import credit_code_problem
from blueprints.diagnosis import programmes
from blueprints.diagnosis.programmes import Programme
from blueprints.engagements import files, team
from blueprints.engagements.changes import Refused, touch
from blueprints.engagements.transitions import TEAM_OPEN, TRANSITIONS
from models import (
    DiagnosisEngagement,
    DiagnosisEngagementEvent,
    DiagnosisFile,
    DiagnosisTeamMember,
    EngagementStatus,
    EngineerTitle,
    Organisation,
    OrgKind,
    User,
)

# The programme files name provider kinds by these keys.
PROVIDER_KINDS = {
    "service_provider": OrgKind.SERVICE_PROVIDER,
    "evaluation_body": OrgKind.EVALUATION_BODY,
    "think_tank": OrgKind.THINK_TANK,
}
AGREEMENT = "agreement"  # the file kind of the agreement's scan (a form key of seed 004)
AGREEMENT_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png"})
# How far back an agreement may have been signed when it is filed.
AGREEMENT_MAX_AGE = timedelta(days=366)
SEARCH_MAX = 100


# --- who sees what ---------------------------------------------------------------------------


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """The engagements ``user``'s organisation is a party to (the whole country for the
    platform's administrators)."""
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return sa.true()
    org = user.organisation_id
    return sa.or_(
        DiagnosisEngagement.authority_id == org,
        DiagnosisEngagement.enterprise_id == org,
        DiagnosisEngagement.provider_id == org,
    )


def get_or_404(engagement_id: int) -> DiagnosisEngagement:
    engagement = db.session.scalar(
        sa.select(DiagnosisEngagement).where(
            DiagnosisEngagement.id == engagement_id, visible_to(current_user)
        )
    )
    if engagement is None:
        abort(404)
    return engagement


Enterprise = aliased(Organisation, name="enterprise")
Provider = aliased(Organisation, name="provider")


def listed(user: User) -> sa.Select:
    """The engagements ``user`` sees, newest move first, as rows for the list and its export
    (engagement_list narrows and sorts them)."""
    return (
        sa.select(
            DiagnosisEngagement.id,
            DiagnosisEngagement.programme_key,
            DiagnosisEngagement.status,
            DiagnosisEngagement.status_changed_at,
            DiagnosisEngagement.created_at,
            DiagnosisEngagement.agreement_ends_on,
            Enterprise.name.label("enterprise"),
            Enterprise.credit_code,
            Provider.name.label("provider"),
        )
        .join(Enterprise, Enterprise.id == DiagnosisEngagement.enterprise_id)
        .join(Provider, Provider.id == DiagnosisEngagement.provider_id)
        .where(visible_to(user))
        .order_by(DiagnosisEngagement.status_changed_at.desc(), DiagnosisEngagement.id.desc())
    )


# --- enrolment -------------------------------------------------------------------------------


def provider_choices() -> list[tuple[int, str, OrgKind]]:
    """Every active organisation some programme may engage, by kind and name."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.kind.in_(PROVIDER_KINDS.values()), Organisation.active.is_(True))
        .order_by(Organisation.kind, Organisation.name)
    )
    return [(row.id, row.name, row.kind) for row in rows]


def enrol(
    actor: User, programme: Programme, credit_code: str, provider_id: int
) -> DiagnosisEngagement:
    """Enrol the enterprise of ``credit_code`` (registered, in the authority's region) with the
    provider into ``programme``; raises Refused naming the field at fault."""
    authority = actor.organisation
    prefix = region_prefix(authority.region_code) if authority else None
    if authority is None or authority.kind != OrgKind.AUTHORITY or not prefix:
        abort(403)
    problem = credit_code_problem(credit_code)
    if problem:
        raise Refused("credit_code", problem)
    enterprise = db.session.scalar(
        sa.select(Organisation).where(
            Organisation.credit_code == credit_code, Organisation.kind == OrgKind.ENTERPRISE
        )
    )
    if enterprise is None or not enterprise.active:
        raise Refused(
            "credit_code", _("No registered enterprise has this unified social credit code.")
        )
    if not db.session.scalar(
        sa.select(sa.literal(True)).where(Organisation.id == enterprise.id, in_region(prefix))
    ):
        raise Refused("credit_code", _("This enterprise is not in your region."))
    provider = db.session.get(Organisation, provider_id)
    allowed = {PROVIDER_KINDS[key] for key in programme.providers}
    if provider is None or not provider.active or provider.kind not in allowed:
        raise Refused(
            "provider",
            _(
                "The programme engages only: %(kinds)s.",
                kinds=", ".join(str(PROVIDER_KINDS[k].title) for k in programme.providers),
            ),
        )
    if db.session.scalar(
        sa.select(DiagnosisEngagement.id).where(
            DiagnosisEngagement.programme_key == programme.id,
            DiagnosisEngagement.enterprise_id == enterprise.id,
            DiagnosisEngagement.status != EngagementStatus.WITHDRAWN,
        )
    ):
        raise Refused("credit_code", _("This enterprise is already enrolled in the programme."))
    engagement = DiagnosisEngagement(
        programme_key=programme.id,
        authority_id=authority.id,
        enterprise_id=enterprise.id,
        provider_id=provider.id,
        status=EngagementStatus.ENROLLED,
        created_by_id=actor.id,
    )
    db.session.add(engagement)
    _record(engagement, "enrol", EngagementStatus.ENROLLED, actor, "")
    db.session.flush()  # a concurrent enrolment of the same enterprise: the unique index, 409
    announce("engagement.enrol", engagement, actor)
    return engagement


# --- moves -----------------------------------------------------------------------------------


def _record(
    engagement: DiagnosisEngagement,
    action: str,
    source: EngagementStatus,
    actor: Actor,
    comment: str,
) -> None:
    engagement.events.append(
        DiagnosisEngagementEvent(
            action=action,
            from_status=source,
            to_status=engagement.status,
            actor_id=actor.id,
            comment=comment.strip(),
        )
    )


def perform(engagement: DiagnosisEngagement, name: str, actor: Actor, comment: str = "") -> None:
    """Check, apply, record and announce one transition; WorkflowError (409) if refused."""
    source = engagement.status
    _transition, target = workflow.begin(TRANSITIONS, engagement, name, source, actor)
    engagement.status = target
    engagement.status_changed_at = utcnow()
    _record(engagement, name, source, actor, comment)
    workflow.flush(
        _(
            "Someone else changed this engagement at the same moment. "
            "Reload the page to see its current state."
        )
    )
    announce(f"engagement.{name}", engagement, actor, comment=comment.strip())


def file_agreement(
    engagement: DiagnosisEngagement, actor: User, signed_on: date, scan: FileStorage
) -> None:
    """The signed agreement's scan and date; its term ends as the programme sets. The move is
    checked before the file is kept, so a refused one leaves no file behind."""
    workflow.begin(TRANSITIONS, engagement, "file_agreement", engagement.status, actor)
    today = utcnow().date()
    if signed_on > today:
        raise Refused("signed_on", _("The agreement cannot be signed in the future."))
    if signed_on < today - AGREEMENT_MAX_AGE:
        raise Refused("signed_on", _("The agreement was signed more than a year ago."))
    files.keep(engagement, actor, scan, AGREEMENT, AGREEMENT_EXTENSIONS, "scan")
    term = team.programme_of(engagement).agreement.term_days
    engagement.agreement_signed_on = signed_on
    engagement.agreement_ends_on = signed_on + timedelta(days=term) if term else None
    perform(engagement, "file_agreement", actor)


def file_of(engagement: DiagnosisEngagement, file_id: int) -> DiagnosisFile:
    found = db.session.scalar(
        sa.select(DiagnosisFile).where(
            DiagnosisFile.id == file_id, DiagnosisFile.engagement_id == engagement.id
        )
    )
    if found is None:
        abort(404)
    return found


def agreement_file(engagement: DiagnosisEngagement) -> DiagnosisFile | None:
    return db.session.scalar(
        sa.select(DiagnosisFile)
        .where(DiagnosisFile.engagement_id == engagement.id, DiagnosisFile.kind == AGREEMENT)
        .order_by(DiagnosisFile.id.desc())
        .limit(1)
    )


# --- the work group --------------------------------------------------------------------------


def _team_editable(engagement: DiagnosisEngagement, actor: User) -> None:
    if actor.organisation_id != engagement.provider_id:
        abort(404)
    if engagement.status not in TEAM_OPEN:
        raise workflow.WorkflowError(_("The work group is fixed once the team is on site."))


def add_member(
    engagement: DiagnosisEngagement,
    actor: User,
    *,
    name: str,
    unit: str,
    title: EngineerTitle,
    lead: bool,
    expert: bool,
    pledged_on: date | None,
) -> DiagnosisTeamMember:
    _team_editable(engagement, actor)
    if len(engagement.members) >= team.MAX_MEMBERS:
        raise Refused("name", _("A work group has at most %(n)d members.", n=team.MAX_MEMBERS))
    if lead and any(m.lead for m in engagement.members):
        current = next(m for m in engagement.members if m.lead)
        raise Refused(
            "lead", _("%(name)s leads the work group; remove them first.", name=current.name)
        )
    if pledged_on is not None and pledged_on > utcnow().date():
        raise Refused("pledged_on", _("The pledge cannot be signed in the future."))
    member = DiagnosisTeamMember(
        name=name,
        unit=unit,
        title=title,
        lead=lead,
        expert=expert,
        pledged_on=pledged_on,
    )
    engagement.members.append(member)
    touch(engagement)
    return member


def remove_member(engagement: DiagnosisEngagement, actor: User, member_id: int) -> None:
    _team_editable(engagement, actor)
    member = next((m for m in engagement.members if m.id == member_id), None)
    if member is None:
        abort(404)
    engagement.members.remove(member)
    touch(engagement)


def programme_titles() -> list[tuple[str, Programme]]:
    return sorted(programmes.load_all().items())
