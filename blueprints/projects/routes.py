"""Project pages: lists per party, the project page with its timeline, actions, documents."""

from __future__ import annotations

from functools import partial
from typing import cast

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from app import pages, uploads, workflow
from app.clock import local_today
from app.database import reads_only
from app.errors import WorkflowError
from app.input_boundary import version_field
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.access import get_project_or_404
from app.security.permissions import Permission, has_permission, requires
from blueprints.assessment.services import has_valid_assessment
from blueprints.certificates.services import may_download
from blueprints.documents import services as documents
from blueprints.projects import (
    forms,
    party_list,
    queries,
    record,
    region_list,
    services,
    transitions,
)
from models import DocumentKind, Project, ProjectStatus, Role

FIELDS = "projects/_fields.html"
bp = Blueprint("projects", __name__, url_prefix="/projects", template_folder="templates")


@bp.record_once
def _keep_records(state: BlueprintSetupState) -> None:
    record.init_app(state.app)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    """The list of projects, with the form to start one (for an enterprise without one)."""
    listed = party_list.asked(request.args)
    page = paginate(listed.query)
    can_start = (
        has_permission(current_user, Permission.PROJECT_START)
        and services.active_project(current_user.organisation_id) is None
    )
    return render_template(
        "projects/index.html",
        page=page,
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        can_start=can_start,
        gate=has_valid_assessment(current_user.organisation_id) if can_start else True,
        start_form=pages.kept("start") or forms.StartForm(formdata=None),
        waiting_on=queries.waiting_on,
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.PROJECT_VIEW)
def index():
    return index_page()


@bp.route("/export.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.PROJECT_VIEW)
def export_xlsx():
    """The list's Excel: the rows its filters give, in its sort, across all pages."""
    return list_xlsx(
        party_list.asked(request.args).query,
        header=[column.title for column in party_list.COLUMNS],
        rows=party_list.rows_of,
        sheet=_("Certification projects"),
        title=f"{current_user.organisation.name} — {_('Certification projects')}",
        filename=f"projects-{local_today().isoformat()}.xlsx",
        chunk=party_list.CHUNK,
    )


@bp.post("/start")
@requires(Permission.PROJECT_START)
@pages.on_page(index_page)
def start():
    form = pages.submitted("start", forms.StartForm())
    pages.validate(form)
    project = services.start(
        current_user.organisation,
        current_user,
        (form.scope.data or ""),
        _lines(form.capabilities.data),
        _lines(form.sites.data),
    )
    flash(_("Your certification project has started."), "success")
    return redirect(url_for("projects.view", project_id=project.id))


def _upload_kinds() -> list[DocumentKind]:
    kind = current_user.organisation.kind
    return [k for k in documents.PROJECT_UPLOAD_KINDS if kind in documents.UPLOADERS[k]]


def project_page(project_id: int, conflict: str | None = None, **_view_args: object) -> str:
    """The project page: the actions the table offers this user now (those a guard refuses
    shown disabled with its reason) beside the project's record — particulars, timeline,
    audits, documents and history, kept rendered (record.py). A form this request submitted
    is shown with its input and errors, the others blank."""
    # The other parties are named in the kept record: read with it when it is rendered. An
    # enterprise's project is its own, whose organisation came with the user's session.
    own = current_user.role is Role.ENTERPRISE
    project = get_project_or_404(
        project_id,
        Permission.PROJECT_VIEW,
        () if own else (Project.organisation,),
        (record.WITH_NAMES_GENERATION,),
    )
    kept = record.record_of(project)
    actions = [
        option
        for option in workflow.options(
            transitions.TRANSITIONS, project, project.status, current_user
        )
        if option.name not in transitions.ON_THE_PUBLICITY_DESK
    ]
    action_forms = {
        option.name: pages.kept(option.name)
        or forms.form_for(option.name, project, formdata=None, **_defaults(project, option.name))
        for option in actions
        if option.enabled
    }
    upload_kinds = _upload_kinds()
    return render_template(
        "projects/view.html",
        project=project,
        record=kept,
        actions=actions,
        action_titles=transitions.ACTION_TITLES,
        # The scheduler applies the 6-month rule; until it runs, the page says what is due.
        stage2_expired=transitions.major_deadline_passed(project),
        action_fields=_action_fields(action_forms, project),
        certificates=[(c, may_download(c, current_user)) for c in kept.certificates],
        today=local_today(),
        # Offered only while the project is open.
        upload_fields=_upload_fields(upload_kinds)
        if upload_kinds and not project.is_closed
        else None,
        dossier=queries.dossier(project)
        if has_permission(current_user, Permission.ALLIANCE_REVIEW)
        else None,
        conflict=conflict,
    )


def _action_fields(action_forms: dict[str, FlaskForm], project: Project) -> dict[str, Markup]:
    macro = get_template_attribute(FIELDS, "action_fields")
    documentation = project.status is ProjectStatus.DOCUMENTATION
    return {
        name: record.fields_of(
            form, (name, documentation), partial(macro, form, name, documentation)
        )
        for name, form in action_forms.items()
    }


def _upload_fields(kinds: list[DocumentKind]) -> Markup:
    """The upload form's fields: as sent back with its errors, or blank — the same for
    everyone offered the same kinds in a language, so kept (no form is built for it)."""
    max_mb = current_app.config["UPLOAD_MAX_BYTES"] // 1048576
    macro = get_template_attribute(FIELDS, "upload_fields")
    sent = pages.kept("upload")
    if sent is not None:
        return cast(Markup, macro(sent, max_mb))
    return record.blank_fields(
        ("upload", tuple(kinds), max_mb),
        lambda: macro(forms.UploadForm(kinds, formdata=None), max_mb),
    )


@bp.get("/region")
@requires(Permission.REGION_PROJECTS_VIEW)
def region():
    """The certification projects of the enterprises of the viewer's region, read only."""
    return region_list.LIST.page("projects/region.html", statuses=list(ProjectStatus))


@bp.route("/region.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.REGION_PROJECTS_VIEW)
def region_xlsx():
    return region_list.LIST.xlsx()


@bp.get("/<int:project_id>")
@requires(Permission.PROJECT_VIEW)
@reads_only
def view(project_id: int):
    return project_page(project_id)


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
@pages.on_page(project_page)
def act(project_id: int, name: str):
    project = get_project_or_404(project_id, Permission.PROJECT_VIEW)
    if name not in transitions.ACTION_NAMES:
        abort(404)
    form = pages.submitted(name, forms.form_for(name, project))
    # The version, state, party and guards first: an impossible action is a 409 whatever the
    # form holds.
    workflow.expect_version(project, version_field())
    workflow.begin(transitions.TRANSITIONS, project, name, project.status, current_user)
    if name in transitions.ON_THE_PUBLICITY_DESK:
        raise WorkflowError(_("This is done on the publicity desk."))
    pages.validate(form)
    services.perform(project, name, current_user, comment=form.comment.data or "", **form.inputs())
    flash(_("Done: %(status)s.", status=project.status.title), "success")
    return redirect(url_for("projects.view", project_id=project.id))


@bp.post("/<int:project_id>/documents")
@requires(Permission.DOCUMENT_UPLOAD)
@pages.on_page(project_page)
def upload(project_id: int):
    project = get_project_or_404(project_id, Permission.DOCUMENT_UPLOAD)
    form = pages.submitted("upload", forms.UploadForm(_upload_kinds()))
    pages.validate(form)
    try:
        document = documents.add(
            project,
            current_user,
            DocumentKind(form.kind.data),
            form.file.data,
            consulting_step=form.step(),
        )
    except uploads.UploadError as error:
        pages.refuse(form.file, error.message)
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
