"""Project pages: lists per party, the project page with its timeline, actions, documents."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import uploads, workflow
from app.clock import local_today
from app.errors import WorkflowError
from app.input_boundary import version_field
from app.pagination import paginate
from app.security.access import get_project_or_404
from app.security.permissions import Permission, has_permission, requires
from blueprints.assessment.services import has_valid_assessment
from blueprints.certificates.services import may_download
from blueprints.documents import services as documents
from blueprints.projects import forms, queries, services, timeline, transitions
from models import DocumentKind

bp = Blueprint("projects", __name__, url_prefix="/projects", template_folder="templates")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@bp.get("/")
@requires(Permission.PROJECT_VIEW)
def index():
    status = request.args.get("status") or None
    query = queries.visible_projects(current_user, status)
    page = paginate(query)
    can_start = (
        has_permission(current_user, Permission.PROJECT_START)
        and services.active_project(current_user.organisation_id) is None
    )
    return render_template(
        "projects/index.html",
        page=page,
        status=status,
        can_start=can_start,
        gate=has_valid_assessment(current_user.organisation_id) if can_start else True,
        start_form=forms.StartForm(),
        waiting_on=queries.waiting_on,
        statuses=queries.status_choices(),
    )


@bp.post("/start")
@requires(Permission.PROJECT_START)
def start():
    form = forms.StartForm()
    if not form.validate():
        raise WorkflowError(_("Give the scope and at least one new capability."))
    project = services.start(
        current_user.organisation,
        current_user,
        (form.scope.data or ""),
        _lines(form.capabilities.data),
        _lines(form.sites.data),
    )
    flash(_("Your certification project has started."), "success")
    return redirect(url_for("projects.view", project_id=project.id))


@bp.get("/<int:project_id>")
@requires(Permission.PROJECT_VIEW)
def view(project_id: int, action_errors: dict | None = None, status: int = 200):
    project = get_project_or_404(project_id, Permission.PROJECT_VIEW)
    actions = [
        name
        for name in workflow.offered(transitions.TRANSITIONS, project, project.status, current_user)
        if name not in transitions.ON_THE_PUBLICITY_DESK
    ]
    action_forms = {
        name: forms.form_for(name, project, formdata=None, **_defaults(project, name))
        for name in actions
    }
    if action_errors:
        action_forms.update(action_errors)
    return render_template(
        "projects/view.html",
        project=project,
        phases=timeline.build(project),
        actions=actions,
        action_titles=transitions.ACTION_TITLES,
        # The scheduler applies the 6-month rule; until it runs, the page says what is due.
        stage2_expired=transitions.major_deadline_passed(project),
        action_forms=action_forms,
        documents=documents.of_project(project),
        audits=queries.audits_of(project),
        certificates=[(c, may_download(c, current_user)) for c in queries.certificates_of(project)],
        today=local_today(),
        upload_kinds=[
            k
            for k in documents.PROJECT_UPLOAD_KINDS
            if current_user.organisation.kind in documents.UPLOADERS[k]
        ],
        earliest_application=transitions.earliest_application_date(project),
        dossier=queries.dossier(project)
        if has_permission(current_user, Permission.ALLIANCE_REVIEW)
        else None,
    ), status


def _defaults(project, name: str) -> dict:
    if name == "apply":
        return {
            "scope": project.scope,
            "capabilities": "\n".join(project.capabilities),
            "sites": "\n".join(project.sites),
            "contact_name": project.organisation.contact_name,
            "contact_phone": project.organisation.contact_phone,
        }
    if name in ("plan_stage1", "plan_stage2"):
        return {"scope": project.scope, "sites": "\n".join(project.sites)}
    return {}


@bp.post("/<int:project_id>/actions/<name>")
@requires(Permission.PROJECT_VIEW)
def act(project_id: int, name: str):
    project = get_project_or_404(project_id, Permission.PROJECT_VIEW)
    if name not in transitions.ACTION_NAMES:
        abort(404)
    # The version, state, party and guards first: an impossible action is a 409 whatever the
    # form holds.
    workflow.expect_version(project, version_field())
    workflow.begin(transitions.TRANSITIONS, project, name, project.status, current_user)
    if name in transitions.ON_THE_PUBLICITY_DESK:
        raise WorkflowError(_("This is done on the publicity desk."))
    form = forms.form_for(name, project)
    if not form.validate():
        flash(_("Please correct the highlighted fields."), "danger")
        return view(project_id, action_errors={name: form}, status=422)
    services.perform(project, name, current_user, comment=form.comment.data or "", **form.inputs())
    flash(_("Done: %(status)s.", status=project.status.title), "success")
    return redirect(url_for("projects.view", project_id=project.id))


@bp.post("/<int:project_id>/documents")
@requires(Permission.DOCUMENT_UPLOAD)
def upload(project_id: int):
    project = get_project_or_404(project_id, Permission.DOCUMENT_UPLOAD)
    try:
        kind = DocumentKind(request.form.get("kind", ""))
    except ValueError:
        abort(400)
    if kind == DocumentKind.EVIDENCE:
        abort(400)  # evidence belongs to a finding: uploaded from the finding's page
    step = request.form.get("consulting_step", type=int)
    if step is not None and not 1 <= step <= 6:
        abort(400)
    try:
        document = documents.add(
            project, current_user, kind, request.files.get("file"), consulting_step=step
        )
    except uploads.UploadError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("projects.view", project_id=project.id) + "#documents")
    flash(_("%(name)s has been uploaded.", name=document.original_name), "success")
    return redirect(url_for("projects.view", project_id=project.id) + "#documents")


@bp.get("/<int:project_id>/documents/<int:document_id>")
@requires(Permission.PROJECT_VIEW)
def download(project_id: int, document_id: int):
    project = get_project_or_404(project_id, Permission.PROJECT_VIEW)
    document = documents.get(project, document_id)
    if document is None:
        abort(404)
    return uploads.send(document.stored_name, document.original_name, document.content_type)
