"""The register's pages: the list of registrations, a person's record (read only for the
evaluator themself), the body's forms and the alliance's decisions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, workflow
from app.clock import local_today
from app.errors import WorkflowError
from app.extensions import db
from app.input_boundary import version_field
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, has_permission, requires
from blueprints.evaluators import forms, register_list, services, transitions
from models import EvaluatorCompetence, EvaluatorRegistration, EvaluatorTraining, Organisation

bp = Blueprint("evaluators", __name__, url_prefix="/evaluators", template_folder="templates")


def _list_access() -> None:
    if not (
        has_permission(current_user, Permission.EVALUATORS_APPROVE)
        or has_permission(current_user, Permission.EVALUATORS_RECORD)
    ):
        abort(403)


@bp.get("/")
@requires(Permission.DASHBOARD_VIEW)
def index():
    _list_access()
    body_id = services.body_of(current_user)
    listed = register_list.asked(body_id, request.args)
    page = paginate(listed.query, rows=True)
    return render_template(
        "evaluators/list.html",
        page=page,
        lines=list(register_list.lines(page.items)),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        every_body=body_id is None,
    )


@bp.get("/registrations.xlsx")
@requires(Permission.DASHBOARD_VIEW)
def index_xlsx():
    """The registrations in Excel: the rows the filters give, in their sort, across pages."""
    _list_access()
    body_id = services.body_of(current_user)
    body = db.session.get(Organisation, body_id) if body_id else None
    return list_xlsx(
        register_list.asked(body_id, request.args).query,
        header=[column.title for column in register_list.COLUMNS],
        rows=register_list.rows_of,
        sheet=_("Evaluator register"),
        title=f"{body.name} — {_('Evaluator register')}" if body else _("Evaluator register"),
        filename=f"evaluators-{local_today().isoformat()}.xlsx",
        scalars=False,
    )


def person_page(user_id: int, conflict: str | None = None, **_view_args: object) -> str:
    person = services.person_or_404(user_id, current_user)
    record = services.person_record(person)
    may_record = services.may_record(current_user, person)
    items: list[tuple[str, services.Record]] = [
        *((f"registration-{r.id}", r) for r in record.registrations),
        *((f"competence-{c.id}", c) for c in record.competences),
    ]
    moves = {
        key: [
            option
            for option in workflow.options(transitions.TRANSITIONS, item, item.status, current_user)
            if option.name != "resubmit"
        ]
        for key, item in items
    }
    return render_template(
        "evaluators/person.html",
        record=record,
        may_record=may_record,
        moves=moves,
        action_titles=transitions.ACTION_TITLES,
        conflict=conflict,
        registration_form=pages.kept("registration") or forms.RegistrationForm(formdata=None),
        competence_form=pages.kept("competence") or forms.CompetenceForm(formdata=None),
        training_form=pages.kept("training") or forms.TrainingForm(formdata=None),
        resubmit_forms={
            r.id: pages.kept(f"resubmit-{r.id}")
            or forms.RegistrationForm(
                formdata=None,
                grade=r.grade.value,
                number=r.number,
                issued_on=r.issued_on,
                expires_on=r.expires_on,
            )
            for r in record.registrations
            if may_record and r.status.value == "returned"
        },
        decision_forms={
            key: pages.kept(f"decide-{key}") or forms.DecisionForm(formdata=None) for key in moves
        },
        delete_forms={
            t.id: pages.kept(f"delete-{t.id}") or forms.DeleteTrainingForm(formdata=None)
            for t in record.trainings
        }
        if may_record
        else {},
    )


@bp.get("/me")
@requires(Permission.EVALUATOR_OWN_VIEW)
def mine():
    return person_page(current_user.id)


@bp.get("/people/<int:user_id>")
@requires(Permission.DASHBOARD_VIEW)
def person(user_id: int):
    return person_page(user_id)


def _back(user_id: int, anchor: str):
    return redirect(url_for("evaluators.person", user_id=user_id) + anchor)


@bp.post("/people/<int:user_id>/registrations")
@requires(Permission.EVALUATORS_RECORD)
@pages.on_page(person_page)
def add_registration(user_id: int):
    person = services.person_to_record_or_404(user_id, current_user)
    form = pages.submitted("registration", forms.RegistrationForm())
    pages.validate(form)
    # Required by the form: validated above.
    assert form.number.data and form.issued_on.data and form.expires_on.data
    services.record_registration(
        person,
        current_user,
        forms.RegistrationGrade(form.grade.data),
        form.number.data,
        form.issued_on.data,
        form.expires_on.data,
    )
    flash(_("The registration is submitted for approval."), "success")
    return _back(person.id, "#registrations-title")


@bp.post("/people/<int:user_id>/competences")
@requires(Permission.EVALUATORS_RECORD)
@pages.on_page(person_page)
def add_competence(user_id: int):
    person = services.person_to_record_or_404(user_id, current_user)
    form = pages.submitted("competence", forms.CompetenceForm())
    pages.validate(form)
    services.record_competence(person, current_user, form.industry_code.data)
    flash(_("The sector is submitted for approval."), "success")
    return _back(person.id, "#competences-title")


@bp.post("/people/<int:user_id>/trainings")
@requires(Permission.EVALUATORS_RECORD)
@pages.on_page(person_page)
def add_training(user_id: int):
    person = services.person_to_record_or_404(user_id, current_user)
    form = pages.submitted("training", forms.TrainingForm())
    pages.validate(form)
    # Required by the form: validated above.
    assert form.taken_on.data and form.course.data and form.provider.data
    assert form.hours.data is not None
    services.record_training(
        person, form.taken_on.data, form.course.data, form.hours.data, form.provider.data
    )
    flash(_("The training is recorded."), "success")
    return _back(person.id, "#trainings-title")


def _training_page(training_id: int, conflict: str | None = None, **_args: object) -> str:
    training = db.session.get(EvaluatorTraining, training_id)
    if training is None:
        abort(404)
    return person_page(training.user_id, conflict)


@bp.post("/trainings/<int:training_id>/delete")
@requires(Permission.EVALUATORS_RECORD)
@pages.on_page(_training_page)
def delete_training(training_id: int):
    training = db.session.get(EvaluatorTraining, training_id)
    if training is None:
        abort(404)
    person = services.person_to_record_or_404(training.user_id, current_user)
    pages.validate(pages.submitted(f"delete-{training.id}", forms.DeleteTrainingForm()))
    services.delete_training(training)
    flash(_("The training is deleted."), "success")
    return _back(person.id, "#trainings-title")


def _registration_page(registration_id: int, conflict: str | None = None, **_a: object) -> str:
    return person_page(
        services.record_or_404(EvaluatorRegistration, registration_id, current_user).user_id,
        conflict,
    )


def _competence_page(competence_id: int, conflict: str | None = None, **_a: object) -> str:
    return person_page(
        services.record_or_404(EvaluatorCompetence, competence_id, current_user).user_id,
        conflict,
    )


def _decide(record, key: str):
    form = pages.submitted(f"decide-{key}", forms.DecisionForm())
    pages.validate(form)
    action = form.action.data or ""
    if action not in ("approve", "return"):
        raise WorkflowError(_("Unknown action."))
    services.move(record, action, current_user, version_field(), reason=form.reason.data)
    flash(
        _("Approved.") if action == "approve" else _("Returned to the evaluation body."),
        "success",
    )
    return _back(record.user_id, f"#{key}")


@bp.post("/registrations/<int:registration_id>/decide")
@requires(Permission.EVALUATORS_APPROVE)
@pages.on_page(_registration_page)
def decide_registration(registration_id: int):
    record = services.record_or_404(EvaluatorRegistration, registration_id, current_user)
    return _decide(record, f"registration-{record.id}")


@bp.post("/competences/<int:competence_id>/decide")
@requires(Permission.EVALUATORS_APPROVE)
@pages.on_page(_competence_page)
def decide_competence(competence_id: int):
    record = services.record_or_404(EvaluatorCompetence, competence_id, current_user)
    return _decide(record, f"competence-{record.id}")


@bp.post("/registrations/<int:registration_id>/resubmit")
@requires(Permission.EVALUATORS_RECORD)
@pages.on_page(_registration_page)
def resubmit_registration(registration_id: int):
    record = services.record_or_404(EvaluatorRegistration, registration_id, current_user)
    services.person_to_record_or_404(record.user_id, current_user)
    form = pages.submitted(f"resubmit-{record.id}", forms.RegistrationForm())
    pages.validate(form)
    services.move(
        record,
        "resubmit",
        current_user,
        version_field(),
        fields={
            "grade": forms.RegistrationGrade(form.grade.data),
            "number": form.number.data,
            "issued_on": form.issued_on.data,
            "expires_on": form.expires_on.data,
        },
    )
    flash(_("The registration is submitted for approval again."), "success")
    return _back(record.user_id, f"#registration-{record.id}")


@bp.post("/competences/<int:competence_id>/resubmit")
@requires(Permission.EVALUATORS_RECORD)
@pages.on_page(_competence_page)
def resubmit_competence(competence_id: int):
    record = services.record_or_404(EvaluatorCompetence, competence_id, current_user)
    services.person_to_record_or_404(record.user_id, current_user)
    services.move(record, "resubmit", current_user, version_field())
    flash(_("The sector is submitted for approval again."), "success")
    return _back(record.user_id, f"#competence-{record.id}")
