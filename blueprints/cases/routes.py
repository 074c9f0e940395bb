"""Complaints and appeals: the alliance's list and report, a case's page with its handling
(handler, notes, the table's moves), the enterprise's appeal forms and the filer's own list.
Cases are never on a public page: every view here needs an account, and a case is found only
by its handlers and whoever filed it (services.case_or_404)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads, workflow
from app.clock import local_today
from app.errors import WorkflowError
from app.excel import Sheet, write_xlsx, xlsx_response
from app.extensions import db
from app.input_boundary import int_arg, version_field
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.cases import (
    case_list,
    filing,
    forms,
    impartiality,
    panels,
    report,
    services,
    transitions,
)
from blueprints.pool import transitions as pool_transitions
from models import (
    Case,
    CaseFile,
    CaseOutcome,
    Certificate,
    CertificateEvent,
    PoolEvent,
    PoolMember,
    PoolStatus,
    Project,
    ProjectEvent,
)

bp = Blueprint("cases", __name__, url_prefix="/cases", template_folder="templates")
panels.plug_in(bp)


# --- the alliance's list and report -----------------------------------------------------------


@bp.get("/")
@requires(Permission.CASES_HANDLE)
def index():
    listed = case_list.asked(request.args)
    page = paginate(listed.query, rows=True)
    return render_template(
        "cases/list.html",
        page=page,
        lines=list(case_list.lines(page.items)),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        today=local_today(),
    )


@bp.route("/cases.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.CASES_HANDLE)
def index_xlsx():
    """The cases in Excel: the rows the filters give, in their sort, across pages."""
    return list_xlsx(
        case_list.asked(request.args).query,
        header=[column.title for column in case_list.COLUMNS],
        rows=case_list.rows_of,
        sheet=_("Complaints and appeals"),
        title=_("Complaints and appeals"),
        filename=f"cases-{local_today().isoformat()}.xlsx",
        scalars=False,
    )


def _report_year() -> int | None:
    return int_arg("year", 2000, 2100)


@bp.get("/report")
@requires(Permission.CASES_HANDLE)
def report_page():
    year = _report_year()
    return render_template(
        "cases/report.html", report=report.build(year), years=report.years(), year=year
    )


@bp.get("/report.xlsx")
@requires(Permission.CASES_HANDLE)
def report_xlsx():
    """The report's two tables as shown, one sheet each."""
    year = _report_year()
    built = report.build(year)
    header = [str(h) for h in report.HEADER]
    title = _("Complaints and appeals") + (f" {year}" if year else "")
    sheets = [
        Sheet(_("By organisation"), header, [report.cells(r) for r in built.by_organisation]),
        Sheet(
            _("By kind"),
            header,
            [
                *(report.cells(r) for r in built.by_kind),
                report.cells(report.Row(_("Total"), "", built.total)),
            ],
        ),
    ]
    return xlsx_response(
        lambda out: write_xlsx(sheets, out, title=title),
        f"cases-report-{year or 'all'}-{local_today().isoformat()}.xlsx",
    )


# --- one's own cases --------------------------------------------------------------------------


@bp.get("/mine")
@requires(Permission.CASES_FILE)
def mine():
    return render_template(
        "cases/mine.html", page=paginate(services.filed_by(current_user)), today=local_today()
    )


# --- a case -----------------------------------------------------------------------------------


def case_page(case_id: int, conflict: str | None = None, **_view_args: object) -> str:
    case = services.case_or_404(case_id, current_user)
    handling = services.handles(current_user)
    moves = (
        workflow.options(transitions.TRANSITIONS, case, case.status, current_user)
        if handling
        else []
    )
    return render_template(
        "cases/view.html",
        case=case,
        handling=handling,
        moves=moves,
        action_titles=transitions.ACTION_TITLES,
        event_titles=transitions.EVENT_TITLES,
        pool_action_titles=pool_transitions.ACTION_TITLES,
        candidates=impartiality.candidates(case) if handling and _assignable(case) else [],
        assign_form=pages.kept("assign") or forms.AssignForm(formdata=None),
        note_form=pages.kept("note") or forms.NoteForm(formdata=None),
        action_forms={
            move.name: pages.kept(move.name)
            or forms.ACTION_FORMS[move.name](formdata=None, **_defaults(case, move.name))
            for move in moves
            if move.enabled
        },
        today=local_today(),
        conflict=conflict,
    )


def _assignable(case: Case) -> bool:
    return case.status.value in ("received", "acknowledged")


def _defaults(case: Case, name: str) -> dict[str, str]:
    # The response starts from the decision's reasons: the handler edits rather than retypes.
    return {"text": case.decision_reasons} if name == "respond" else {}


@bp.get("/<int:case_id>")
@requires(Permission.DASHBOARD_VIEW)
def view(case_id: int):
    return case_page(case_id)


@bp.get("/<int:case_id>/files/<int:file_id>")
@requires(Permission.DASHBOARD_VIEW)
def file(case_id: int, file_id: int):
    case = services.case_or_404(case_id, current_user)
    found = db.session.get(CaseFile, file_id)
    if found is None or found.case_id != case.id:
        abort(404)
    return uploads.send(found.stored_name, found.original_name, found.content_type)


def _back(case: Case, anchor: str = ""):
    return redirect(url_for("cases.view", case_id=case.id) + anchor)


@bp.post("/<int:case_id>/assign")
@requires(Permission.CASES_HANDLE)
@pages.on_page(case_page)
def assign(case_id: int):
    case = services.case_to_handle_or_404(case_id, current_user)
    form = pages.submitted("assign", forms.AssignForm())
    pages.validate(form)
    services.assign(case, current_user, form.handler_id.data, version_field())
    flash(_("The handler is named and told."), "success")
    return _back(case, "#handler")


@bp.post("/<int:case_id>/notes")
@requires(Permission.CASES_HANDLE)
@pages.on_page(case_page)
def add_note(case_id: int):
    case = services.case_to_handle_or_404(case_id, current_user)
    form = pages.submitted("note", forms.NoteForm())
    pages.validate(form)
    services.add_note(case, current_user, form.body.data or "")
    flash(_("The note is added to the investigation."), "success")
    return _back(case, "#notes")


@bp.post("/<int:case_id>/actions/<name>")
@requires(Permission.CASES_HANDLE)
@pages.on_page(case_page)
def act(case_id: int, name: str):
    case = services.case_to_handle_or_404(case_id, current_user)
    if name not in transitions.ACTIONS:
        raise WorkflowError(_("Unknown action."))
    form = pages.submitted(name, forms.ACTION_FORMS[name]())
    pages.validate(form)
    outcome = getattr(form, "outcome", None)
    services.act(
        case,
        name,
        current_user,
        version_field(),
        outcome=CaseOutcome(outcome.data) if outcome is not None else None,
        text=form.text.data or "",
    )
    flash(
        {
            "acknowledge": _("The receipt is acknowledged; the filer is told."),
            "decide": _("The decision is recorded."),
            "respond": _("The response is sent; the case is closed."),
        }[name],
        "success",
    )
    return _back(case)


# --- appealing a decision ---------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    event: filing.AppealedEvent
    about: Project | Certificate | PoolMember
    appealable: filing.Appealable | None  # None: acted on since, no longer appealable


def _decision_or_404(kind: str, event_id: int) -> Decision:
    """A decision about the actor's organisation: a move of its project or certificate, or of
    its place in a provider pool."""
    event: filing.AppealedEvent | None
    if kind == "project":
        event = db.session.get(ProjectEvent, event_id)
        if event is None:
            abort(404)
        about: Project | Certificate | PoolMember = event.project
        owner, appealable = event.project.organisation_id, filing.project_decision(event.project)
    elif kind == "certificate":
        event = db.session.get(CertificateEvent, event_id)
        if event is None:
            abort(404)
        about = event.certificate
        owner = event.certificate.organisation_id
        appealable = filing.certificate_decision(event.certificate)
    elif kind == "pool":
        event = db.session.get(PoolEvent, event_id)
        member = db.session.get(PoolMember, event.member_id) if event is not None else None
        if event is None or member is None:
            abort(404)
        about, owner, appealable = member, member.provider_id, filing.pool_decision(member)
    else:
        abort(404)
    if owner != current_user.organisation_id:
        abort(404)
    if appealable is not None and appealable.event.id != event.id:
        appealable = None
    return Decision(event, about, appealable)


def _status_title(event: filing.AppealedEvent) -> str:
    # A pool's history keeps its states as text (its table has more than the enum's moves).
    if isinstance(event, PoolEvent):
        return str(PoolStatus(event.to_status).title)
    return str(event.to_status.title)


def appeal_page(kind: str, event_id: int, conflict: str | None = None, **_a: object) -> str:
    decision = _decision_or_404(kind, event_id)
    return render_template(
        "cases/appeal.html",
        kind=kind,
        event=decision.event,
        decided_at=filing.decided_at(decision.event),
        status_title=_status_title(decision.event),
        about=decision.about,
        appealable=decision.appealable,
        form=pages.kept("appeal") or forms.AppealForm(formdata=None),
        conflict=conflict,
    )


@bp.get("/appeal/<kind>/<int:event_id>")
@requires(Permission.CASES_FILE)
def appeal_form(kind: str, event_id: int):
    return appeal_page(kind, event_id)


@bp.post("/appeal/<kind>/<int:event_id>")
@requires(Permission.CASES_FILE)
@pages.on_page(appeal_page)
def appeal(kind: str, event_id: int):
    decision = _decision_or_404(kind, event_id)
    form = pages.submitted("appeal", forms.AppealForm())
    pages.validate(form)
    try:
        case = filing.appeal(
            current_user, decision.event, form.grounds.data or "", form.files.data or []
        )
    except uploads.UploadError as error:
        pages.refuse(form.files, str(error.message))
    flash(
        _(
            "Your appeal is received under the reference %(reference)s. The alliance "
            "acknowledges it by %(date)s.",
            reference=case.reference,
            date=case.acknowledge_due_on.isoformat(),
        ),
        "success",
    )
    return redirect(url_for("cases.view", case_id=case.id))
