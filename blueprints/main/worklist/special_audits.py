"""What special audits hand over: to the evaluation body, the orders to schedule and (to the
audit's lead) the audits to complete; back to the case's handler, the results to decide on."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from blueprints.main.worklist.items import WorkItem, WorkList, capped
from models import (
    Audit,
    AuditTeamMember,
    Case,
    CaseStatus,
    Certificate,
    SpecialAudit,
    SpecialAuditStatus,
    User,
)


def _special_audits(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(
            SpecialAudit.id,
            SpecialAudit.case_id,
            SpecialAudit.ordered_at,
            SpecialAudit.completed_at,
            SpecialAudit.recommendation,
            Certificate.number,
            Certificate.enterprise_name,
        )
        .join(Certificate, Certificate.id == SpecialAudit.certificate_id)
        .where(*conditions)
        .order_by(SpecialAudit.ordered_at, SpecialAudit.id)
    )


def _whom(row) -> str:
    return f"{row.number} · {row.enterprise_name}"


def for_the_body(user: User) -> list[WorkList]:
    led = sa.select(AuditTeamMember.audit_id).where(
        AuditTeamMember.user_id == user.id, AuditTeamMember.is_lead.is_(True)
    )
    return [
        capped(
            "special_audits_to_schedule",
            _("Special audits to schedule"),
            _special_audits(
                SpecialAudit.body_id == user.organisation_id,
                SpecialAudit.status == SpecialAuditStatus.ORDERED,
            ),
            lambda row: WorkItem(
                what=_("Schedule the special audit and set its team"),
                whom=_whom(row),
                url=url_for("special_audits.view", special_id=row.id),
                since=row.ordered_at,
            ),
        ),
        capped(
            "special_audits_to_complete",
            _("Special audits you lead"),
            _special_audits(
                SpecialAudit.status == SpecialAuditStatus.PLANNED, SpecialAudit.audit_id.in_(led)
            )
            .add_columns(Audit.ends_on)
            .join(Audit, Audit.id == SpecialAudit.audit_id),
            lambda row: WorkItem(
                what=_("Perform the special audit and complete it"),
                whom=_whom(row),
                url=url_for("special_audits.view", special_id=row.id),
                since=row.ordered_at,
                due=row.ends_on,
            ),
        ),
    ]


def results_for_the_handler(user: User) -> WorkList:
    return capped(
        "special_audit_results",
        _("Special audits completed: decide the case"),
        _special_audits(
            SpecialAudit.status == SpecialAuditStatus.COMPLETED,
            Case.handler_id == user.id,
            Case.status == CaseStatus.ACKNOWLEDGED,
        )
        .add_columns(Case.reference)
        .join(Case, Case.id == SpecialAudit.case_id),
        lambda row: WorkItem(
            what=_("Decide the case on the audit's result: %(recommendation)s",
                   recommendation=row.recommendation.title),
            whom=f"{row.reference} · {_whom(row)}",
            url=url_for("cases.view", case_id=row.case_id) + "#special-audits",
            since=row.completed_at,
        ),
    )  # fmt: skip
