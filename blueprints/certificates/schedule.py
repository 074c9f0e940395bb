"""A certificate's surveillance schedule (DOMAIN.md §6): created with the certificate, carried
over to its reissue, read by the certificate page. The surveillance feature works the items."""

from __future__ import annotations

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app

from app.extensions import db
from models import Certificate, ScheduleItem, ScheduleKind


def create_schedule(certificate: Certificate) -> None:
    """Two surveillance evaluations (12 and 24 months by default) and the recertification,
    due on the expiry date."""
    first, second = current_app.config["SURVEILLANCE_MONTHS"][:2]
    for kind, due in (
        (ScheduleKind.SURVEILLANCE_1, certificate.effective_on + relativedelta(months=first)),
        (ScheduleKind.SURVEILLANCE_2, certificate.effective_on + relativedelta(months=second)),
        (ScheduleKind.RECERTIFICATION, certificate.expires_on),
    ):
        db.session.add(ScheduleItem(certificate_id=certificate.id, kind=kind, due_on=due))
    db.session.flush()


def move_schedule(old: Certificate, new: Certificate) -> None:
    """A reissue keeps the dates: the items follow the new certificate."""
    db.session.execute(
        sa.update(ScheduleItem)
        .where(ScheduleItem.certificate_id == old.id)
        .values(certificate_id=new.id)
    )


def schedule_of(certificate: Certificate) -> list[ScheduleItem]:
    return list(
        db.session.scalars(
            sa.select(ScheduleItem)
            .where(ScheduleItem.certificate_id == certificate.id)
            .order_by(ScheduleItem.due_on)
        )
    )
