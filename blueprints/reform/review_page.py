"""What the project page shows and offers of the review: the third parties, the gradings
against the grade before and the target, the acceptances, the audit reports, and the forms of
the actions the signed-in user may take now (and only those)."""

from __future__ import annotations

from typing import Any

from app import pages, workflow
from app.forms import options
from app.security.permissions import Permission, has_permission
from blueprints.reform import review, review_forms
from blueprints.reform.transitions import CONCLUSIONS, TRANSITIONS
from models import OrgKind, ReformProject, User


def _appoint_form(project: ReformProject) -> review_forms.AppointForm:
    form = pages.kept("appoint") or review_forms.AppointForm(
        formdata=None,
        body=str(project.evaluation_body_id or ""),
        firm=str(project.audit_firm_id or ""),
    )
    fill_appoint_choices(form)
    return form


def fill_appoint_choices(form: review_forms.AppointForm) -> None:
    blank = "—"
    form.body.choices = options(
        [(str(o.id), o.name) for o in review.choices_of(OrgKind.EVALUATION_BODY)], blank=blank
    )
    form.firm.choices = options(
        [(str(o.id), o.name) for o in review.choices_of(OrgKind.AUDIT_FIRM)], blank=blank
    )


def context(project: ReformProject, user: User) -> dict[str, Any]:
    found = review.review_of(project)
    offered = workflow.options(TRANSITIONS, project, project.status, user)
    conclusions = [o for o in offered if o.name in CONCLUSIONS and o.enabled]
    may_grade = any(o.name == "grade" for o in offered)
    may_accept = (
        has_permission(user, Permission.REFORM_GRADE)
        and review.acceptance_refusal(project, user) is None
    )
    may_audit = (
        has_permission(user, Permission.REFORM_AUDIT)
        and review.audit_refusal(project, user) is None
    )
    return {
        "review": found,
        "may_appoint": has_permission(user, Permission.DIAGNOSIS_MANAGE)
        and review.may_appoint(project, user),
        "appoint_form": _appoint_form(project) if review.may_appoint(project, user) else None,
        "may_grade": may_grade,
        "may_accept": may_accept,
        "acceptance_form": pages.kept("acceptance") or review_forms.AcceptanceForm(formdata=None),
        "conclusion": conclusions[0] if conclusions else None,
        # A pass the county may agree or disagree with; a failure it may only confirm.
        "may_disagree": any(o.name == "county_disagree" for o in conclusions),
        "county_form": pages.kept("county") or review_forms.CountyOpinionForm(formdata=None),
        "may_audit": may_audit,
        "audit_form": pages.kept("audit") or review_forms.AuditReportForm(formdata=None),
        "contracted": review.contracted(project),
        "grade_title": review.grade_title,
    }
