"""Audit pages: plan and team, findings with filters, answers and verification."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import pages, uploads, workflow
from app.clock import local_today
from app.errors import WorkflowError
from app.extensions import db
from app.input_boundary import version_field
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.audits import finding_list, forms, services, transitions
from blueprints.documents import services as documents
from models import (
    Document,
    DocumentKind,
    Finding,
    FindingKind,
    FindingStatus,
    Organisation,
    OrgKind,
    Role,
)

bp = Blueprint("audits", __name__, url_prefix="/audits", template_folder="templates")

DECISION_TITLES = {
    "accept": _l("Accept the action plan"),
    "verify": _l("Verify closed"),
    "reject": _l("Reject"),
}


def _finding_or_404(finding_id: int, permission: Permission):
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        abort(404)
    audit, project = services.audit_or_404(finding.audit_id, permission)
    return finding, audit, project


# The guards of the findings' table that depend on the audit alone (is it still open to
# answers and decisions?): one answer serves every finding of the page, so a long list of
# findings costs no query per finding for them.
AUDIT_WIDE_GUARDS = (transitions.answers_accepted, transitions.decisions_accepted)


def audit_page(audit_id: int, conflict: str | None = None, **_view_args: object) -> str:
    """The audit with its findings; per finding the moves the table offers this user now
    (those refused shown disabled with the reason). A form this request submitted is shown
    with its input and errors, the others blank."""
    audit, project = services.audit_or_404(audit_id, Permission.PROJECT_VIEW)
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
    known: dict[workflow.Guard, str | None] = (
        {guard: guard(findings[0], current_user) for guard in AUDIT_WIDE_GUARDS} if findings else {}
    )
    moves_of = {
        f.id: {
            option.name: option
            for option in workflow.options(
                transitions.TRANSITIONS, f, f.status, current_user, known
            )
        }
        for f in findings
    }
    return render_template(
        "audits/view.html",
        audit=audit,
        project=project,
        findings=findings,
        team=services.team_of(audit),
        on_team=transitions.on_team(audit, current_user),
        moves_of=moves_of,
        decisions_of={
            f.id: [moves_of[f.id][n] for n in transitions.DECISIONS if n in moves_of[f.id]]
            for f in findings
        },
        decision_titles=DECISION_TITLES,
        finding_form=pages.kept("finding") or forms.FindingForm(formdata=None),
        answer_forms={
            f.id: pages.kept(f"answer-{f.id}") or forms.AnswerForm(formdata=None)
            for f in findings
            if "answer" in moves_of[f.id]
        },
        decision_forms={
            f.id: pages.kept(f"decision-{f.id}") or forms.DecisionForm(formdata=None)
            for f in findings
            if any(name in moves_of[f.id] for name in transitions.DECISIONS)
        },
        kind=kind,
        status=status,
        kinds=list(FindingKind),
        statuses=list(FindingStatus),
        evidence_by_finding=by_finding,
        evidence_by_action=by_action,
        conflict=conflict,
    )


def _body_or_403() -> Organisation | None:
    """Whose findings the list holds: an evaluation body's, the audits of the projects it
    evaluates; every body's for the platform's administrator (None), who sees every page."""
    if current_user.role == Role.ADMIN:
        return None
    body = current_user.organisation
    if body.kind != OrgKind.EVALUATION_BODY:
        abort(403)
    return body


@bp.get("/findings")
@requires(Permission.PROJECT_EVALUATE)
def findings():
    listed = finding_list.asked(_body_or_403(), request.args)
    page = paginate(listed.query, rows=True)
    return render_template(
        "audits/findings.html",
        page=page,
        lines=list(finding_list.lines(page.items)),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
    )


@bp.get("/findings.xlsx")
@requires(Permission.PROJECT_EVALUATE)
def findings_xlsx():
    """The findings in Excel: the rows the filters give, in their sort, across all pages."""
    return list_xlsx(
        finding_list.asked(_body_or_403(), request.args).query,
        header=[column.title for column in finding_list.COLUMNS],
        rows=finding_list.rows_of,
        sheet=_("Findings"),
        title=f"{current_user.organisation.name} — {_('Findings')}",
        filename=f"findings-{local_today().isoformat()}.xlsx",
        scalars=False,
    )


def finding_page(finding_id: int, conflict: str | None = None, **_view_args: object) -> str:
    """The audit page of the finding, where its answer and decision forms live."""
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        abort(404)
    return audit_page(finding.audit_id, conflict)


@bp.get("/<int:audit_id>")
@requires(Permission.PROJECT_VIEW)
def view(audit_id: int):
    return audit_page(audit_id)


def _store_evidence(form, project, audit, finding_id=None, corrective_action_id=None) -> None:
    """The evidence files of ``form``; a refused one is an error beside the field (422)."""
    for file in form.evidence.data or []:
        if not (file and file.filename):
            continue
        try:
            document = documents.add(
                project,
                current_user,
                DocumentKind.EVIDENCE,
                file,
                finding_id=finding_id,
                corrective_action_id=corrective_action_id,
            )
        except uploads.UploadError as error:
            pages.refuse(form.evidence, error.message)
        document.audit_id = audit.id


@bp.post("/<int:audit_id>/findings")
@requires(Permission.PROJECT_EVALUATE)
@pages.on_page(audit_page)
def add_finding(audit_id: int):
    audit, project = services.audit_or_404(audit_id, Permission.PROJECT_EVALUATE)
    form = pages.submitted("finding", forms.FindingForm())
    pages.validate(form)
    finding = services.add_finding(
        audit,
        current_user,
        FindingKind(form.kind.data),
        form.clause_code.data,
        (form.description.data or ""),
    )
    _store_evidence(form, project, audit, finding_id=finding.id)
    flash(_("The finding has been recorded."), "success")
    return redirect(url_for("audits.view", audit_id=audit.id))


@bp.post("/findings/<int:finding_id>/answer")
@requires(Permission.FINDING_ANSWER)
@pages.on_page(finding_page)
def answer(finding_id: int):
    finding, audit, project = _finding_or_404(finding_id, Permission.FINDING_ANSWER)
    form = pages.submitted(f"answer-{finding.id}", forms.AnswerForm())
    workflow.expect_version(finding, version_field())
    # The state, party and guards first: an impossible answer is a 409 whatever the form holds.
    workflow.begin(transitions.TRANSITIONS, finding, "answer", finding.status, current_user)
    pages.validate(form)
    record = services.answer(
        finding,
        current_user,
        (form.cause.data or ""),
        (form.correction.data or ""),
        (form.action.data or ""),
    )
    _store_evidence(form, project, audit, finding_id=finding.id, corrective_action_id=record.id)
    flash(_("Your answer has been sent to the audit team."), "success")
    return redirect(url_for("audits.view", audit_id=audit.id) + f"#finding-{finding.id}")


@bp.post("/findings/<int:finding_id>/decision")
@requires(Permission.PROJECT_EVALUATE)
@pages.on_page(finding_page)
def decide(finding_id: int):
    finding, audit, _project = _finding_or_404(finding_id, Permission.PROJECT_EVALUATE)
    form = pages.submitted(f"decision-{finding.id}", forms.DecisionForm())
    workflow.expect_version(finding, version_field())
    decision = form.decision.data or ""
    if decision not in transitions.DECISIONS:
        raise WorkflowError(_("Unknown action."))
    workflow.begin(transitions.TRANSITIONS, finding, decision, finding.status, current_user)
    pages.validate(form)
    services.decide(finding, current_user, decision, form.comment.data or "")
    flash(_("The finding is now: %(status)s.", status=finding.status.title), "success")
    return redirect(url_for("audits.view", audit_id=audit.id) + f"#finding-{finding.id}")


@bp.get("/<int:audit_id>/documents/<int:document_id>")
@requires(Permission.PROJECT_VIEW)
def evidence(audit_id: int, document_id: int):
    audit, _project = services.audit_or_404(audit_id, Permission.PROJECT_VIEW)
    document = db.session.scalar(
        sa.select(Document).where(Document.id == document_id, Document.audit_id == audit.id)
    )
    if document is None:
        abort(404)
    return uploads.send(document.stored_name, document.original_name, document.content_type)
