"""Certificates: numbering, issuing, and the lifecycle run through its transition table
(suspend, restore, revoke, cancel, reissue, recertify, and the scheduler's moves).

Serials come from one counter row per evaluation body, advanced by a single UPDATE … RETURNING:
PostgreSQL's row lock (and SQLite's write lock) make two simultaneous issues queue, so every
serial is used exactly once and none is skipped.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import workflow
from app.clock import local_today, utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.permissions import Permission, has_permission
from app.workflow import SYSTEM, Actor
from blueprints.certificates.schedule import create_schedule, move_schedule
from blueprints.certificates.transitions import NEEDS_REASON, TRANSITIONS
from models import (
    BodySerial,
    Certificate,
    CertificateEvent,
    CertificateRequest,
    CertificateStatus,
    Organisation,
    Project,
    RequestKind,
    User,
)

C = CertificateStatus
IN_FORCE = frozenset({C.VALID, C.SUSPENDED})
STANDARD = "GB/T 23001-2017"


class Held(Protocol):
    """A certificate, or what a page keeps of one: whose it is."""

    @property
    def organisation_id(self) -> int: ...


def may_download(certificate: Held, user: Any) -> bool:
    """The PDF is for the holder and for alliance staff; the public verifies the live page."""
    return getattr(user, "organisation_id", None) == certificate.organisation_id or (
        has_permission(user, Permission.CERTIFICATES_MANAGE)
    )


def format_number(body_code: str, year: int, serial: int, issue_no: int) -> str:
    """CSAIII-{body}{YY}IIIMS{serial:05}{issue:02} (DOMAIN.md §5)."""
    return f"CSAIII-{body_code}{year % 100:02d}IIIMS{serial:05d}{issue_no:02d}"


def expiry_for(effective_on: date) -> date:
    """Exactly three years, same calendar day; 29 February expires on 28 February."""
    return effective_on + relativedelta(years=3)


def scope_sentence(address: str, enterprise: str, capabilities: list[str]) -> str:
    return f"位于{address}的{enterprise}，与{'、'.join(capabilities)}相关的两化融合管理活动。"


def scope_sentence_en(address: str, enterprise: str, capabilities: list[str]) -> str:
    return (
        f"The management activities for the integration of informatization and "
        f"industrialization of {enterprise}, located at {address}, related to "
        f"{'; '.join(capabilities)}."
    )


def next_serial(body: Organisation) -> int:
    if db.session.get(BodySerial, body.id) is None:
        try:
            with db.session.begin_nested():
                db.session.add(BodySerial(body_id=body.id, last_serial=0))
        except IntegrityError:
            pass  # another issue created the row at the same moment: use it
    return db.session.execute(
        sa.update(BodySerial)
        .where(BodySerial.body_id == body.id)
        .values(last_serial=BodySerial.last_serial + 1)
        .returning(BodySerial.last_serial)
    ).scalar_one()


def body_code(body: Organisation | None) -> str:
    if body is None or not body.body_code:
        raise WorkflowError(_("The project has no evaluation body to number the certificate."))
    return body.body_code


def issue_for(project: Project, actor: User) -> Certificate:
    body = project.body
    code = body_code(body)
    assert body is not None  # body_code() refused a project without one
    org = project.organisation
    effective_on = local_today()
    serial = next_serial(body)
    certificate = Certificate(
        number=format_number(code, effective_on.year, serial, 1),
        body_id=body.id,
        serial=serial,
        issue_no=1,
        project_id=project.id,
        organisation_id=org.id,
        enterprise_name=org.name,
        address=org.address,
        region_code=org.region_code,
        capabilities=list(project.capabilities),
        scope=scope_sentence(org.address, org.name, project.capabilities),
        standard=STANDARD,
        effective_on=effective_on,
        expires_on=expiry_for(effective_on),
        status=C.VALID,
    )
    db.session.add(certificate)
    db.session.flush()
    _record(certificate, "issue", None, C.VALID, actor, "")
    create_schedule(certificate)
    return certificate


def perform(
    certificate: Certificate,
    action: str,
    actor: Actor,
    reason: str = "",
    *,
    new_name: str = "",
    new_address: str = "",
) -> Certificate:
    """Apply a lifecycle action; returns the certificate now in force (the new one after a
    reissue). Raises WorkflowError (409) when the table or a guard refuses it."""
    source = certificate.status
    _transition, target = workflow.begin(TRANSITIONS, certificate, action, source, actor)
    if action in NEEDS_REASON and not reason.strip():
        raise WorkflowError(_("Give the reason for this change."))
    certificate.status = target
    certificate.status_changed_at = utcnow()
    _record(certificate, action, source, target, actor, reason)
    if target not in IN_FORCE:
        _settle_requests(certificate, actor)
    current = certificate
    if action == "reissue":
        current = _reissue(certificate, actor, reason, new_name.strip(), new_address.strip())
    announce(f"certificate.{action}", certificate, actor, comment=reason.strip(), now=current)
    return current


def _reissue(old: Certificate, actor: Actor, reason: str, name: str, address: str) -> Certificate:
    """Same serial and dates, issue digits + 1, the holder's new particulars."""
    name, address = name or old.enterprise_name, address or old.address
    issue_no = old.issue_no + 1
    new = Certificate(
        number=format_number(body_code(old.body), old.effective_on.year, old.serial, issue_no),
        body_id=old.body_id,
        serial=old.serial,
        issue_no=issue_no,
        project_id=old.project_id,
        organisation_id=old.organisation_id,
        enterprise_name=name,
        address=address,
        region_code=old.region_code,
        capabilities=list(old.capabilities),
        scope=scope_sentence(address, name, old.capabilities),
        standard=old.standard,
        effective_on=old.effective_on,
        expires_on=old.expires_on,
        status=C.VALID,
        supersedes_id=old.id,
    )
    db.session.add(new)
    db.session.flush()
    _record(new, "reissue", None, C.VALID, actor, reason)
    move_schedule(old, new)
    return new


def _record(
    certificate: Certificate,
    action: str,
    source: CertificateStatus | None,
    target: CertificateStatus,
    actor: Actor,
    reason: str,
) -> None:
    db.session.add(
        CertificateEvent(
            certificate=certificate,
            action=action,
            from_status=source,
            to_status=target,
            actor_id=actor.id,
            reason=reason.strip(),
        )
    )
    workflow.flush(
        _(
            "Someone else changed this certificate at the same moment. "
            "Reload the page to see its current state."
        )
    )


def request_change(
    certificate: Certificate,
    actor: User,
    kind: str,
    reason: str,
    new_name: str = "",
    new_address: str = "",
) -> CertificateRequest:
    """The holder asks for cancellation or a reissue; alliance staff decide."""
    if actor.organisation_id != certificate.organisation_id:
        raise WorkflowError(_("Only the holder of the certificate can ask for this."))
    try:
        request_kind = RequestKind(kind)
    except ValueError as exc:
        raise WorkflowError(_("Unknown action.")) from exc
    # What the holder asks for must be possible now: the same table the staff act on.
    transition = workflow.find(TRANSITIONS, request_kind.value, certificate.status)
    for guard in transition.guards:
        if refusal := guard(certificate, actor):
            raise WorkflowError(refusal)
    if not reason.strip():
        raise WorkflowError(_("Give the reason for this change."))
    if request_kind == RequestKind.REISSUE and not (new_name.strip() or new_address.strip()):
        raise WorkflowError(_("Give the new name or the new address to be printed."))
    if open_requests(certificate):
        raise WorkflowError(_("A request for this certificate is already waiting."))
    item = CertificateRequest(
        certificate=certificate,
        kind=request_kind,
        reason=reason.strip(),
        new_name=new_name.strip(),
        new_address=new_address.strip(),
        created_by_id=actor.id,
    )
    db.session.add(item)
    db.session.flush()
    announce("certificate.requested", item, actor, occurrence=f"request:{item.id}",
             comment=item.reason)  # fmt: skip
    return item


def _settle_requests(certificate: Certificate, actor: Actor) -> None:
    """A certificate no longer in force (revoked, cancelled, reissued, expired) leaves no
    request of its holder waiting; a suspension or a restoration leaves them as they are."""
    for item in open_requests(certificate):
        item.handled_at = utcnow()
        item.handled_by_id = actor.id


def open_requests(certificate: Certificate) -> list[CertificateRequest]:
    return list(
        db.session.scalars(
            sa.select(CertificateRequest).where(
                CertificateRequest.certificate_id == certificate.id,
                CertificateRequest.handled_at.is_(None),
            )
        )
    )


def expire_due() -> int:
    """Mark certificates past their expiry as expired (the pages already show it live);
    only rows with something due are touched, through the (status, expires_on) index."""
    today = local_today()
    due = db.session.scalars(
        sa.select(Certificate).where(
            Certificate.status.in_([C.VALID, C.SUSPENDED]), Certificate.expires_on < today
        )
    ).all()
    for certificate in due:
        perform(certificate, "expire", SYSTEM)
    return len(due)


def revoke_long_suspensions() -> int:
    """A suspension older than SUSPENSION_MAX_MONTHS (6) revokes the certificate; one past
    its expiry is left to the expiry job."""
    today = local_today()
    months = current_app.config["SUSPENSION_MAX_MONTHS"]
    limit = today - relativedelta(months=months)
    due = db.session.scalars(
        sa.select(Certificate).where(
            Certificate.status == C.SUSPENDED,
            Certificate.status_changed_at < limit,
            Certificate.expires_on >= today,
        )
    ).all()
    reason = _("Suspended for more than %(n)d months.", n=months)
    for certificate in due:
        perform(certificate, "revoke_long_suspension", SYSTEM, reason)
    return len(due)


def recertify(old: Certificate, actor: User) -> Certificate:
    """A new certificate (new serial) whose validity starts at the old one's expiry when the
    recertification is done in time, so that there is no gap; the old one is superseded."""
    today = local_today()
    effective_on = old.expires_on if today <= old.expires_on else today
    org = old.organisation
    serial = next_serial(old.body)
    new = Certificate(
        number=format_number(body_code(old.body), effective_on.year, serial, 1),
        body_id=old.body_id,
        serial=serial,
        issue_no=1,
        project_id=old.project_id,
        organisation_id=old.organisation_id,
        enterprise_name=org.name,
        address=org.address,
        region_code=org.region_code,
        capabilities=list(old.capabilities),
        scope=scope_sentence(org.address, org.name, old.capabilities),
        standard=old.standard,
        effective_on=effective_on,
        expires_on=expiry_for(effective_on),
        status=C.VALID,
        supersedes_id=old.id,
    )
    db.session.add(new)
    db.session.flush()
    perform(old, "recertify", actor, new.number)
    _record(new, "recertify", None, C.VALID, actor, old.number)
    create_schedule(new)
    return new
