"""Who is concerned by an object: the people a notice goes to, by the organisation they act for.

An organisation hears through its contacts (its administrators, else its members:
``orgs.services.contacts``); an evaluation body through the lead evaluator of the project when
there is one; the alliance through all of its active staff, since any of them may take the
next review.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.extensions import db
from app.security.access import in_region, region_prefix
from blueprints.orgs.services import contact_of, contacts
from models import (
    Assessment,
    Audit,
    AuditTeamMember,
    BenchmarkEnterprise,
    Case,
    CaseKind,
    Certificate,
    DiagnosisEngagement,
    Organisation,
    OrgKind,
    Project,
    Role,
    User,
)


def unique(*groups: Iterable[User]) -> list[User]:
    people: dict[int, User] = {}
    for group in groups:
        for user in group:
            people.setdefault(user.id, user)
    return list(people.values())


def enterprise_of(project: Project) -> list[User]:
    return contacts(project.organisation_id)


def evaluation_body_of(project: Project) -> list[User]:
    """The lead evaluator once named, else the body's contacts."""
    if project.lead_evaluator is not None:
        return [project.lead_evaluator]
    return contacts(project.body_id)


def parties_of(project: Project) -> list[User]:
    """The enterprise, its consultancy and the evaluation body of a project."""
    return unique(
        enterprise_of(project), contacts(project.consultancy_id), evaluation_body_of(project)
    )


def engagement_parties(engagement: DiagnosisEngagement, *, but: int | None) -> list[User]:
    """The contacts of the engagement's authority, enterprise and provider, but organisation
    ``but`` (the one that acted)."""
    orgs = (engagement.authority_id, engagement.enterprise_id, engagement.provider_id)
    return unique(*(contacts(org) for org in orgs if org != but))


def alliance_staff() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.role == Role.ALLIANCE_STAFF,
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
        )
    )


def administrators() -> list[User]:
    """The platform's administrators (an escalation reaches them beside the alliance)."""
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.role == Role.ADMIN, User.active.is_(True), User.password_hash.is_not(None)
            )
        )
    )


def filer_of(case: Case) -> list[User]:
    """Who filed a case with an account and, for an appeal, its enterprise's contacts (a
    complainant without an account is emailed by the cases feature itself)."""
    filer = [case.filed_by] if case.filed_by is not None and case.filed_by.active else []
    enterprise = contacts(case.enterprise_id) if case.kind is CaseKind.APPEAL else []
    return unique(filer, enterprise)


def authority_of_pool_appeal(case: Case) -> list[User]:
    """The pool's authority hears the outcome of an appeal against its decision."""
    return contacts(case.concerned_id) if case.pool_event_id is not None else []


def team_of(audit: Audit) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(AuditTeamMember, AuditTeamMember.user_id == User.id)
            .where(AuditTeamMember.audit_id == audit.id, User.active.is_(True))
        )
    )


def project_of(audit: Audit) -> Project:
    project = db.session.get(Project, audit.project_id)
    if project is None:  # every audit belongs to a project (a certificate's, for surveillance)
        raise LookupError(f"audit {audit.id} has no project")
    return project


def holder_and_body_of(certificate: Certificate) -> list[User]:
    project = db.session.get(Project, certificate.project_id)
    body = evaluation_body_of(project) if project is not None else contacts(certificate.body_id)
    return unique(contacts(certificate.organisation_id), body)


def body_of_certificate(certificate: Certificate) -> list[User]:
    """The evaluation body that audited the holder: the project's lead evaluator, else its
    contacts, and its contacts in any case (any of its evaluators may take the work)."""
    project = db.session.get(Project, certificate.project_id)
    lead = evaluation_body_of(project) if project is not None else []
    return unique(contacts(certificate.body_id), lead)


def enterprise_of_certificate(certificate: Certificate) -> list[User]:
    return contacts(certificate.organisation_id)


def reviewer_of(assessment: Assessment) -> list[User]:
    """The authority the self-assessment now waits on."""
    return contacts(assessment.reviewer_id)


def enterprise_of_assessment(assessment: Assessment) -> list[User]:
    return contacts(assessment.organisation_id)


def enterprise_of_benchmark(benchmark: BenchmarkEnterprise) -> list[User]:
    return contacts(benchmark.organisation_id)


def authorities_below(authority: Organisation) -> list[User]:
    """Who hears for every authority inside ``authority``'s region (its own staff excluded),
    in one query."""
    return organisations_below(authority, (OrgKind.AUTHORITY,))


def organisations_below(authority: Organisation, kinds: Iterable[OrgKind]) -> list[User]:
    """Who hears for every active organisation of ``kinds`` inside ``authority``'s region (its
    own staff excluded), in one query."""
    prefix = region_prefix(authority.region_code)
    if not prefix:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(
                Organisation.kind.in_(list(kinds)),
                Organisation.id != authority.id,
                Organisation.active.is_(True),
                in_region(prefix, Organisation.region_code),
                contact_of(Organisation.id),
            )
            # Their emails name their organisation: loaded here, not once per person.
            .options(sa.orm.contains_eager(User.organisation))
            .order_by(User.id)
        )
    )


def authorities_at(region_code: str) -> list[User]:
    """Who hears for the authorities of exactly this region."""
    return authorities_in([region_code])


def authorities_in(region_codes: list[str]) -> list[User]:
    """Who hears for the authorities of exactly these regions, in one query."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(
                Organisation.kind == OrgKind.AUTHORITY,
                Organisation.active.is_(True),
                Organisation.region_code.in_(region_codes),
                contact_of(Organisation.id),
            )
            .order_by(User.id)
        )
    )
