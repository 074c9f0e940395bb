"""Staff queues of the certificate feature: the alliance's holder requests (carry out or
decline) and the evaluation body's certificates with their next evaluation.

A blueprint of its own nested in ``certificates`` (same URL prefix; endpoints
``certificates.queues.*``), so that the register and lifecycle routes stay one short module.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import workflow
from app.clock import local_today
from app.input_boundary import version_field
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.certificates import holder_requests, issued, queue_forms
from blueprints.certificates.request_transitions import (
    ACTION_TITLES,
    TRANSITIONS,
    certificate_allows,
    state_of,
)

bp = Blueprint("queues", __name__, template_folder="templates")


def _search() -> str:
    return request.args.get("q", "").strip()[: holder_requests.SEARCH_MAX]


@bp.get("/requests")
@requires(Permission.CERTIFICATES_MANAGE)
def requests(refused: dict | None = None, status: int = 200):
    """``refused``: the request id and its form that did not validate, shown again (422)."""
    view = request.args.get("view", "open")
    view = view if view in holder_requests.VIEWS else "open"
    search = _search()
    page = paginate(holder_requests.queue(view, search))
    offered = {
        item.id: workflow.offered(TRANSITIONS, item, state_of(item), current_user)
        for item in page.items
    }
    blocked = {item.id: certificate_allows(item, current_user) for item in page.items}
    filters = {key: value for key, value in (("view", view), ("q", search)) if value}
    return render_template(
        "certificates/requests.html",
        page=page,
        view=view,
        search=search,
        filters=filters,
        offered=offered,
        blocked=blocked,
        titles=ACTION_TITLES,
        state_of=state_of,
        refused=refused or {},
    ), status


@bp.post("/requests/<int:item_id>/<action>")
@requires(Permission.CERTIFICATES_MANAGE)
def decide_request(item_id: int, action: str):
    """``item_id``: the request, an item of the queue."""
    item = holder_requests.get_or_404(item_id)
    if action not in queue_forms.FORMS:
        abort(404)
    # Version and state first: a request decided meanwhile is a 409, whatever the form holds.
    workflow.expect_version(item, version_field())
    workflow.begin(TRANSITIONS, item, action, state_of(item), current_user)
    form = queue_forms.FORMS[action]()
    if not form.validate():
        return requests(refused={"id": item.id, "action": action, "form": form}, status=422)
    current = holder_requests.decide(item, action, current_user, form.reason.data or "")
    if action == "decline":
        flash(_("The request has been declined."), "success")
    else:
        flash(
            _("Done: certificate %(number)s is now %(status)s.",
              number=current.number, status=current.status.title),
            "success",
        )  # fmt: skip
    return redirect(url_for("certificates.queues.requests"))


@bp.get("/issued", endpoint="issued")
@requires(Permission.PROJECT_EVALUATE)
def issued_list():
    status = request.args.get("status", "")
    surveillance = request.args.get("surveillance", "")
    surveillance = surveillance if surveillance in issued.SURVEILLANCE_FILTERS else ""
    search = request.args.get("q", "").strip()[: issued.SEARCH_MAX]
    page = paginate(
        issued.issued_by(
            current_user.organisation_id, status=status, surveillance=surveillance, search=search
        )
    )
    values = (("status", status), ("surveillance", surveillance), ("q", search))
    return render_template(
        "certificates/issued.html",
        page=page,
        next_items=issued.next_items(page.items),
        filters={key: value for key, value in values if value},
        today=local_today(),
    )
