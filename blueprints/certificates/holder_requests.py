"""The alliance's queue of holder requests and its decisions (run through
``request_transitions``). Carrying a request out is the certificate's own move (cancel or
reissue, with the holder's reason and new particulars), which settles the request; declining
closes it with the staff's reason. Only flushes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from app import workflow
from app.clock import utcnow
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from blueprints.certificates import services as certificates
from blueprints.certificates.request_transitions import TRANSITIONS, state_of
from models import Certificate, CertificateRequest, RequestOutcome, User

# The queue's two views: what waits, and what was decided (or closed with its certificate).
VIEWS = ("open", "decided")
SEARCH_MAX = 100


def queue(view: str, search: str = "") -> sa.Select[tuple[CertificateRequest]]:
    """Open requests oldest first, decided ones newest first; ``search`` matches the
    certificate number or the enterprise's name. One SELECT with what a row shows."""
    query = (
        sa.select(CertificateRequest)
        .join(CertificateRequest.certificate)
        .options(
            sa.orm.contains_eager(CertificateRequest.certificate),
            sa.orm.joinedload(CertificateRequest.created_by),
            sa.orm.joinedload(CertificateRequest.handled_by),
        )
    )
    if view == "decided":
        query = query.where(CertificateRequest.handled_at.is_not(None)).order_by(
            CertificateRequest.handled_at.desc(), CertificateRequest.id.desc()
        )
    else:
        query = query.where(CertificateRequest.handled_at.is_(None)).order_by(
            CertificateRequest.created_at, CertificateRequest.id
        )
    search = search.strip()
    if search:
        query = query.where(
            sa.or_(
                Certificate.number.contains(search.upper(), autoescape=True),
                Certificate.enterprise_name.contains(search, autoescape=True),
            )
        )
    return query


def get_or_404(request_id: int) -> CertificateRequest:
    """Staff only reach this (the view declares it): every request is theirs to see."""
    item = db.session.get(CertificateRequest, request_id)
    if item is None:
        abort(404)
    return item


def decide(item: CertificateRequest, action: str, actor: User, reason: str = "") -> Certificate:
    """Carry the request out or decline it; returns the certificate now standing for it (the
    new one after a reissue). Raises WorkflowError (409) when the tables refuse."""
    _transition, target = workflow.begin(TRANSITIONS, item, action, state_of(item), actor)
    reason = reason.strip()
    certificate = item.certificate
    if action == "decline":
        if not reason:
            raise WorkflowError(_("Give the reason for declining the request."))
    else:
        certificate = certificates.perform(
            certificate,
            item.kind.value,
            actor,
            item.reason,
            new_name=item.new_name,
            new_address=item.new_address,
        )
    item.outcome = RequestOutcome(target.value)
    item.decision_reason = reason
    # Carrying it out took the certificate out of force, which settled the request already.
    item.handled_at = item.handled_at or utcnow()
    item.handled_by_id = actor.id
    workflow.flush(
        _(
            "Someone else decided this request at the same moment. "
            "Reload the page to see its current state."
        )
    )
    if action == "decline":
        # Carrying it out is heard as the certificate's own change; a refusal is news of its own.
        announce("certificate_request.decline", item, actor, comment=reason)
    return certificate
