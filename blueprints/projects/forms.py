"""Forms of the project actions. Each form's ``inputs()`` gives the keyword arguments of the
action's effect in services.EFFECTS; the form checks types and the fields a rule requires (so
that the page shows the message beside the field), the service checks the rules again for
callers without a form."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.extensions import db
from app.forms import BLANK, DateField, IntegerField, confirmation, options
from blueprints.audits import impartiality
from models import DocumentKind, Organisation, OrgKind, Project, ProjectStatus, Role, User


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ActionForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])

    def __init__(self, project: Project, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.project = project

    def inputs(self) -> dict[str, Any]:
        return {}


class StartForm(FlaskForm):
    scope = TextAreaField(
        _l("Scope of the management system"), validators=[DataRequired(), Length(max=2000)]
    )
    capabilities = TextAreaField(
        _l("New capabilities, one per line"),
        validators=[DataRequired(), Length(max=2000)],
    )
    sites = TextAreaField(_l("Sites, one per line"), validators=[Optional(), Length(max=2000)])


def _orgs(kind: OrgKind) -> list:
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.body_code)
        .where(Organisation.kind == kind, Organisation.active.is_(True))
        .order_by(Organisation.body_code, Organisation.name)
    ).all()
    return options(
        ((str(i), f"{code} {name}" if code else name) for i, name, code in rows), blank=BLANK
    )


class InviteConsultancyForm(ActionForm):
    consultancy_id = SelectField(
        _l("Consultancy"), validators=[DataRequired()], choices=lambda: _orgs(OrgKind.CONSULTANCY)
    )

    def inputs(self):
        return {"consultancy_id": int(self.consultancy_id.data)}


class CompleteStepForm(ActionForm):
    completed_on = DateField(_l("Completed on"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    operation_started_on = DateField(
        _l("Date the management system went into operation"), validators=[Optional()]
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Asked at the documentation step only (the page shows the field there alone).
        started = self.operation_started_on
        if self.project.status == ProjectStatus.DOCUMENTATION and started.data is None:
            if not started.errors:
                started.errors = [_l("Record the date the management system went into operation.")]
            return False
        return valid

    def inputs(self):
        return {
            "completed_on": self.completed_on.data,
            "notes": self.notes.data or "",
            "operation_started_on": self.operation_started_on.data,
        }


class ApplicationForm(ActionForm):
    body_id = SelectField(
        _l("Evaluation body"),
        validators=[DataRequired()],
        choices=lambda: _orgs(OrgKind.EVALUATION_BODY),
    )
    scope = TextAreaField(_l("Scope"), validators=[DataRequired(), Length(max=2000)])
    capabilities = TextAreaField(
        _l("New capabilities, one per line"),
        validators=[DataRequired(), Length(max=2000)],
    )
    sites = TextAreaField(_l("Sites, one per line"), validators=[Optional(), Length(max=2000)])
    headcount = IntegerField(
        _l("Employees within the scope"),
        validators=[DataRequired(), NumberRange(min=1, max=10_000_000)],
    )
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(), Length(max=40)])

    def inputs(self):
        return {
            "body_id": int(self.body_id.data),
            "scope": self.scope.data,
            "capabilities": _lines(self.capabilities.data),
            "sites": _lines(self.sites.data),
            "headcount": self.headcount.data,
            "contact_name": self.contact_name.data,
            "contact_phone": self.contact_phone.data,
        }


def _evaluators(project: Project) -> tuple[list, str]:
    rows = db.session.execute(
        sa.select(User.id, User.name)
        .where(
            User.organisation_id == project.body_id,
            User.role == Role.EVALUATOR,
            User.active.is_(True),
        )
        .order_by(User.name)
    ).all()
    # Each with their declaration's state and their qualification for this enterprise, and
    # what the team must cover (issue 20).
    labelled, note = impartiality.labelled(((i, name) for i, name in rows), project.organisation)
    return options((str(i), name) for i, name in labelled), note


class AcceptApplicationForm(ActionForm):
    lead_evaluator_id = SelectField(_l("Lead evaluator"), validators=[DataRequired()])

    def __init__(self, project: Project, *args: Any, **kwargs: Any):
        super().__init__(project, *args, **kwargs)
        self.lead_evaluator_id.choices = _evaluators(project)[0]

    def inputs(self):
        return {"lead_evaluator_id": int(self.lead_evaluator_id.data)}


class ReasonForm(ActionForm):
    comment = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give the reason for rejecting the application.")),
            Length(max=2000),
        ],
    )


class RejectApplicationForm(ReasonForm):
    confirm = confirmation()


class ConfirmForm(ActionForm):
    """A destructive action: the box must be ticked (checked on the server, no script)."""

    confirm = confirmation()


class SendBackForm(ActionForm):
    """Back to the evaluation body, with what it must resolve."""

    comment = TextAreaField(
        _l("Problems the evaluation body must resolve"),
        validators=[
            DataRequired(message=_l("List the problems the evaluation body must resolve.")),
            Length(max=2000),
        ],
    )


class AuditPlanForm(ActionForm):
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    member_ids = SelectMultipleField(
        _l("Team members (besides the lead evaluator)"), validators=[Optional()]
    )
    scope = TextAreaField(_l("Audit scope"), validators=[Optional(), Length(max=2000)])
    sites = TextAreaField(_l("Sites to visit"), validators=[Optional(), Length(max=2000)])

    def __init__(self, project: Project, *args: Any, **kwargs: Any):
        super().__init__(project, *args, **kwargs)
        candidates, note = _evaluators(project)
        self.member_ids.choices = [
            c for c in candidates if c.value != str(project.lead_evaluator_id)
        ]
        self.member_ids.description = note

    def inputs(self):
        return {
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "member_ids": [int(v) for v in self.member_ids.data or []],
            "scope": self.scope.data or "",
            "sites": self.sites.data or "",
        }


class CompleteAuditForm(ActionForm):
    completed_on = DateField(_l("Audit completed on"), validators=[DataRequired()])

    def inputs(self):
        return {"completed_on": self.completed_on.data}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "invite_consultancy": InviteConsultancyForm,
    "complete_step": CompleteStepForm,
    "apply": ApplicationForm,
    "accept_application": AcceptApplicationForm,
    "reject_application": RejectApplicationForm,
    "not_recommend": ConfirmForm,
    "withdraw": ConfirmForm,
    "return_compliance": SendBackForm,
    "return_re_review": SendBackForm,
    "plan_stage1": AuditPlanForm,
    "plan_stage2": AuditPlanForm,
    "complete_stage1": CompleteAuditForm,
    "complete_stage2": CompleteAuditForm,
}


def form_for(name: str, project: Project, **kwargs: Any) -> ActionForm:
    return ACTION_FORMS.get(name, ActionForm)(project, **kwargs)


class UploadForm(FlaskForm):
    """A project document; ``kinds`` are those the uploader's organisation provides."""

    kind = SelectField(_l("Document kind"), validators=[DataRequired()])
    # The ids the page has always used (its labels and the browser tests point at them).
    consulting_step = SelectField(
        _l("Consulting step"),
        id="step",
        choices=options([("", "—"), *((str(n), str(n)) for n in range(1, 7))]),
        validators=[Optional()],
    )
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])

    def __init__(self, kinds: list[DocumentKind], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind.choices = options((k.value, k.title) for k in kinds)

    def step(self) -> int | None:
        return int(self.consulting_step.data) if self.consulting_step.data else None
