"""Audit pages: plan and team, findings with filters, answers and verification."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import uploads, workflow
from app.errors import WorkflowError
from app.extensions import db
from app.forms import first_error
from app.input_boundary import version_field
from app.security.access import get_project_or_404
from app.security.permissions import Permission, requires
from blueprints.audits import forms, services, transitions
from blueprints.documents import services as documents
from models import Audit, Document, DocumentKind, Finding, FindingKind, FindingStatus

bp = Blueprint("audits", __name__, url_prefix="/audits", template_folder="templates")


def _audit_or_404(audit_id: int, permission: Permission):
    audit = db.session.get(Audit, audit_id)
    if audit is None or audit.project_id is None:
        abort(404)
    project = get_project_or_404(audit.project_id, permission)  # parties only, else 404
    return audit, project


def _finding_or_404(finding_id: int, permission: Permission):
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        abort(404)
    audit, project = _audit_or_404(finding.audit_id, permission)
    return finding, audit, project


@bp.get("/<int:audit_id>")
@requires(Permission.PROJECT_VIEW)
def view(audit_id: int):
    audit, project = _audit_or_404(audit_id, Permission.PROJECT_VIEW)
    kind, status = request.args.get("kind"), request.args.get("status")
    findings = services.findings_of(audit, kind, status)
    evidence = db.session.scalars(sa.select(Document).where(Document.audit_id == audit.id)).all()
    by_finding: dict[int, list[Document]] = {}
    by_action: dict[int, list[Document]] = {}
    for document in evidence:
        if document.corrective_action_id:
            by_action.setdefault(document.corrective_action_id, []).append(document)
        elif document.finding_id:
            by_finding.setdefault(document.finding_id, []).append(document)
    return render_template(
        "audits/view.html",
        audit=audit,
        project=project,
        findings=findings,
        team=services.team_of(audit),
        on_team=transitions.on_team(audit, current_user),
        moves_of={
            f.id: workflow.offered(transitions.TRANSITIONS, f, f.status, current_user)
            for f in findings
        },
        decisions=transitions.DECISIONS,
        finding_form=forms.FindingForm(),
        answer_form=forms.AnswerForm(formdata=None),
        decision_form=forms.DecisionForm(formdata=None),
        kind=kind,
        status=status,
        kinds=list(FindingKind),
        statuses=list(FindingStatus),
        evidence_by_finding=by_finding,
        evidence_by_action=by_action,
    )


def _store_evidence(project, audit, finding_id=None, corrective_action_id=None) -> None:
    for file in request.files.getlist("evidence"):
        if file and file.filename:
            document = documents.add(
                project,
                current_user,
                DocumentKind.EVIDENCE,
                file,
                finding_id=finding_id,
                corrective_action_id=corrective_action_id,
            )
            document.audit_id = audit.id


@bp.post("/<int:audit_id>/findings")
@requires(Permission.PROJECT_EVALUATE)
def add_finding(audit_id: int):
    audit, project = _audit_or_404(audit_id, Permission.PROJECT_EVALUATE)
    form = forms.FindingForm()
    if not form.validate():
        raise WorkflowError(_("Choose the kind and the clause and describe the finding."))
    try:
        finding = services.add_finding(
            audit,
            current_user,
            FindingKind(form.kind.data),
            form.clause_code.data,
            (form.description.data or ""),
        )
        _store_evidence(project, audit, finding_id=finding.id)
    except uploads.UploadError as error:
        raise WorkflowError(str(error.message)) from error
    flash(_("The finding has been recorded."), "success")
    return redirect(url_for("audits.view", audit_id=audit.id))


@bp.post("/findings/<int:finding_id>/answer")
@requires(Permission.FINDING_ANSWER)
def answer(finding_id: int):
    finding, audit, project = _finding_or_404(finding_id, Permission.FINDING_ANSWER)
    workflow.expect_version(finding, version_field())
    form = forms.AnswerForm()
    if not form.validate():
        raise WorkflowError(_("Give the cause analysis, the correction and the corrective action."))
    try:
        record = services.answer(
            finding,
            current_user,
            (form.cause.data or ""),
            (form.correction.data or ""),
            (form.action.data or ""),
        )
        _store_evidence(project, audit, finding_id=finding.id, corrective_action_id=record.id)
    except uploads.UploadError as error:
        raise WorkflowError(str(error.message)) from error
    flash(_("Your answer has been sent to the audit team."), "success")
    return redirect(url_for("audits.view", audit_id=audit.id) + f"#finding-{finding.id}")


@bp.post("/findings/<int:finding_id>/decision")
@requires(Permission.PROJECT_EVALUATE)
def decide(finding_id: int):
    finding, audit, _project = _finding_or_404(finding_id, Permission.PROJECT_EVALUATE)
    workflow.expect_version(finding, version_field())
    form = forms.DecisionForm()
    if not form.validate():
        raise WorkflowError(first_error(form))
    services.decide(finding, current_user, form.decision.data or "", form.comment.data or "")
    flash(_("The finding is now: %(status)s.", status=finding.status.title), "success")
    return redirect(url_for("audits.view", audit_id=audit.id) + f"#finding-{finding.id}")


@bp.get("/<int:audit_id>/documents/<int:document_id>")
@requires(Permission.PROJECT_VIEW)
def evidence(audit_id: int, document_id: int):
    audit, _project = _audit_or_404(audit_id, Permission.PROJECT_VIEW)
    document = db.session.scalar(
        sa.select(Document).where(Document.id == document_id, Document.audit_id == audit.id)
    )
    if document is None:
        abort(404)
    return uploads.send(document.stored_name, document.original_name, document.content_type)
