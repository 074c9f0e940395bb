"""Cases coming in: an enterprise's appeal against a decision about it (an application
rejected, "not recommended", a compliance or re-review return, a suspension or a revocation)
and a provider's against its suspension or removal from a programme's pool, within
CERTPATH_APPEAL_PERIOD_DAYS, and anyone's complaint — signed in or not — about a
certificate holder, an evaluation body or a consultancy. Each gets its reference, its
deadlines in working days and the files given with it; the alliance hears of it."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import uploads
from app.clock import local_time, local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.workdays import add_working_days
from app.workflow import SYSTEM, Actor
from blueprints.cases import messages
from blueprints.certificates import transitions as certificate_transitions
from blueprints.pool import transitions as pool_transitions
from blueprints.projects import transitions as project_transitions
from models import (
    Case,
    CaseEvent,
    CaseFile,
    CaseKind,
    CaseStatus,
    CaseSubject,
    Certificate,
    CertificateEvent,
    Organisation,
    OrgKind,
    PoolEvent,
    PoolMember,
    Project,
    ProjectEvent,
    User,
)

NAME_MAX, EMAIL_MAX, PHONE_MAX, GROUNDS_MAX = 100, 254, 40, 5000
MAX_FILES = 5
REFERENCE_PREFIX = {CaseKind.APPEAL: "AP", CaseKind.COMPLAINT: "CP"}
# Who may be complained about by choosing them (a certificate holder is named by its number).
COMPLAINABLE_KINDS = (OrgKind.EVALUATION_BODY, OrgKind.CONSULTANCY)


class UnknownCertificate(WorkflowError):
    """The number given is no certificate's: said beside the number (a typo, usually)."""


# --- deadlines -----------------------------------------------------------------------------


def deadline(received: date, working_days: int) -> date:
    """The last of ``working_days`` working days counted from the day after receipt."""
    return add_working_days(received + timedelta(days=1), max(1, working_days)).end


def appeal_until(decided_at) -> date:
    """The last day a decision taken at ``decided_at`` (stored UTC) may be appealed."""
    decided_on = (local_time(decided_at) or decided_at).date()
    return decided_on + timedelta(days=current_app.config["APPEAL_PERIOD_DAYS"])


# --- what may be appealed -------------------------------------------------------------------


AppealedEvent = ProjectEvent | CertificateEvent | PoolEvent


def decided_at(event: AppealedEvent) -> datetime:
    return event.at if isinstance(event, PoolEvent) else event.created_at


@dataclass(frozen=True)
class Appealable:
    """A decision its enterprise (or provider) may appeal now, or why not (``refusal``)."""

    event: AppealedEvent
    until: date
    refusal: str | None = None


def _already_appealed(event: AppealedEvent) -> bool:
    if isinstance(event, ProjectEvent):
        column = Case.project_event_id
    elif isinstance(event, CertificateEvent):
        column = Case.certificate_event_id
    else:
        column = Case.pool_event_id
    return db.session.scalar(sa.select(sa.exists().where(column == event.id))) or False


def _appealable(event: AppealedEvent | None) -> Appealable | None:
    if event is None:
        return None
    until = appeal_until(decided_at(event))
    if _already_appealed(event):
        return Appealable(event, until, _("This decision has been appealed already."))
    if local_today() > until:
        return Appealable(
            event,
            until,
            _("The appeal period of this decision ended on %(date)s.", date=until.isoformat()),
        )
    return Appealable(event, until)


def project_decision(project: Project) -> Appealable | None:
    """The project's decision its enterprise may appeal: the last move, when it is one of the
    appealable decisions (a later move means the step was taken again already)."""
    if project_transitions.decision_still_standing(project, None) is not None:
        return None
    return _appealable(project_transitions.last_event(project))


def certificate_decision(certificate: Certificate) -> Appealable | None:
    if certificate_transitions.decision_still_standing(certificate, None) is not None:
        return None
    return _appealable(certificate_transitions.last_event(certificate))


def pool_decision(member: PoolMember) -> Appealable | None:
    """The authority's suspension or removal of the place, while it stands."""
    if pool_transitions.decision_still_standing(member, None) is not None:
        return None
    return _appealable(pool_transitions.last_event(member))


# --- filing -------------------------------------------------------------------------------


def _reference(case: Case) -> str:
    return f"{REFERENCE_PREFIX[case.kind]}-{case.received_at.year}-{case.id:05d}"


def _keep_files(case: Case, files: Iterable[FileStorage]) -> None:
    """Every file checked (type by content, size) and kept; a refused one keeps nothing of the
    case (the request rolls back and removes those stored)."""
    for stored in uploads.store_each(files, at_most=MAX_FILES):
        case.files.append(
            CaseFile(
                original_name=stored.original_name,
                stored_name=stored.stored_name,
                size=stored.size,
                sha256=stored.sha256,
                content_type=stored.content_type,
            )
        )


def _file(case: Case, actor: Actor, files: Iterable[FileStorage]) -> Case:
    grounds = case.grounds.strip()
    if not grounds:
        raise WorkflowError(_("Give the grounds."))
    if len(grounds) > GROUNDS_MAX:
        raise WorkflowError(_("At most %(n)d characters for the grounds.", n=GROUNDS_MAX))
    case.grounds = grounds
    received = utcnow()
    today = local_today()
    case.received_at = received
    case.status = CaseStatus.RECEIVED
    case.acknowledge_due_on = deadline(today, current_app.config["CASE_ACKNOWLEDGE_WORKING_DAYS"])
    case.decide_due_on = deadline(today, current_app.config["CASE_DECISION_WORKING_DAYS"])
    case.reference = f"new-{uuid.uuid4().hex[:16]}"  # the id names it once it has one
    _keep_files(case, files)
    db.session.add(case)
    db.session.flush()
    case.reference = _reference(case)
    case.events.append(
        CaseEvent(
            action="receive",
            from_status=None,
            to_status=CaseStatus.RECEIVED,
            actor_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()
    announce("case.filed", case, actor, occurrence=f"case:{case.id}:filed")
    messages.tell_the_public(case, "receive")
    return case


@dataclass(frozen=True)
class _Appealed:
    """What an appeal names: the decision standing now, the appellant organisation, the
    evaluation body and the organisation that decided."""

    decision: Appealable | None
    appellant_id: int
    body_id: int | None
    deciding_id: int | None
    project: Project | None = None
    certificate: Certificate | None = None
    member: PoolMember | None = None


def _appealed(event: AppealedEvent) -> _Appealed:
    deciding = event.actor.organisation_id if event.actor is not None else None
    if isinstance(event, ProjectEvent):
        project = event.project
        # A rejected application leaves no body on the project: the one that rejected it.
        body_id = project.body_id or deciding
        return _Appealed(
            project_decision(project), project.organisation_id, body_id, deciding, project=project
        )
    if isinstance(event, CertificateEvent):
        certificate = event.certificate
        return _Appealed(
            certificate_decision(certificate),
            certificate.organisation_id,
            certificate.body_id or deciding,
            deciding,
            certificate=certificate,
        )
    member = db.session.get(PoolMember, event.member_id)
    assert member is not None  # a move always has its place
    # The pool's authority decided, whichever of its officials signed.
    return _Appealed(
        pool_decision(member), member.provider_id, None, member.authority_id, member=member
    )


def appeal(
    actor: User,
    event: AppealedEvent,
    grounds: str,
    files: Iterable[FileStorage] = (),
) -> Case:
    """The appeal against ``event`` (a decision still standing, within the appeal period) by
    a member of the organisation it is about: the enterprise of a project or certificate, the
    provider suspended or removed from a pool."""
    appealed = _appealed(event)
    if actor.organisation_id != appealed.appellant_id:
        raise WorkflowError(_("Only the organisation the decision is about can appeal it."))
    decision = appealed.decision
    if decision is None or decision.event.id != event.id:
        raise WorkflowError(_("This decision can no longer be appealed: it has been acted on."))
    if decision.refusal:
        raise WorkflowError(decision.refusal)
    case = Case(
        kind=CaseKind.APPEAL,
        filed_by_id=actor.id,
        name=actor.name[:NAME_MAX],
        email=actor.email,
        locale=actor.locale,
        enterprise_id=appealed.appellant_id,
        concerned_id=appealed.deciding_id or appealed.body_id or appealed.appellant_id,
        body_id=appealed.body_id,
        project_id=appealed.project.id if appealed.project else None,
        certificate_id=appealed.certificate.id if appealed.certificate else None,
        pool_member_id=appealed.member.id if appealed.member else None,
        project_event_id=event.id if isinstance(event, ProjectEvent) else None,
        certificate_event_id=event.id if isinstance(event, CertificateEvent) else None,
        pool_event_id=event.id if isinstance(event, PoolEvent) else None,
        decision=event.action,
        grounds=grounds,
    )
    return _file(case, actor, files)


def complaint_address_hash(address: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"complaint:" + address.encode(), hashlib.sha256).hexdigest()


def certificate_by_number(number: str) -> Certificate | None:
    number = number.strip().upper()
    if not number or len(number) > 40:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.number == number))


def complainable(org_id: int | None) -> Organisation | None:
    org = db.session.get(Organisation, org_id) if org_id else None
    if org is None or org.kind not in COMPLAINABLE_KINDS or not org.active:
        return None
    return org


@dataclass(frozen=True)
class Complainant:
    name: str
    email: str
    phone: str
    locale: str
    address: str  # the sender's network address, for the daily limit
    user: User | None = None


def complain(
    who: Complainant,
    subject: CaseSubject,
    grounds: str,
    *,
    certificate_number: str = "",
    organisation_id: int | None = None,
    files: Iterable[FileStorage] = (),
) -> Case:
    """A complaint about a certificate holder (by its certificate's number) or an evaluation
    body or consultancy on Certpath, at most COMPLAINTS_PER_ADDRESS_PER_DAY a day from one
    address; a signed-in complainant's is linked to their account."""
    name, email, phone = who.name.strip(), who.email.strip(), who.phone.strip()
    if not (name and email):
        raise WorkflowError(_("Give your name and an email address for the response."))
    if len(name) > NAME_MAX or len(email) > EMAIL_MAX or len(phone) > PHONE_MAX:
        raise WorkflowError(_("Your name, email address or phone number is too long."))
    hashed = complaint_address_hash(who.address)
    limit = current_app.config["COMPLAINTS_PER_ADDRESS_PER_DAY"]
    recent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Case)
        .where(Case.address_hash == hashed, Case.received_at >= utcnow() - timedelta(days=1))
    )
    if (recent or 0) >= limit:
        raise WorkflowError(
            _(
                "Too many complaints from your address today. Please try again tomorrow or "
                "contact the alliance directly."
            )
        )
    case = Case(
        kind=CaseKind.COMPLAINT,
        subject=subject,
        filed_by_id=who.user.id if who.user else None,
        name=name,
        email=email,
        phone=phone,
        locale=who.locale,
        grounds=grounds,
        address_hash=hashed,
    )
    if subject is CaseSubject.CERTIFICATE:
        certificate = certificate_by_number(certificate_number)
        if certificate is None:
            raise UnknownCertificate(_("No certificate has this number."))
        case.certificate_id = certificate.id
        case.certificate = certificate
        case.enterprise_id = case.concerned_id = certificate.organisation_id
        case.body_id = certificate.body_id
    else:
        org = complainable(organisation_id)
        if org is None:
            raise WorkflowError(_("Choose an evaluation body or a consultancy from the list."))
        case.concerned_id = org.id
        case.body_id = org.id if org.kind is OrgKind.EVALUATION_BODY else None
    return _file(case, who.user or SYSTEM, files)
