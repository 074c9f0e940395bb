"""Staff queues of the certificate feature: the alliance's holder requests (carry out or
decline) and the evaluation body's certificates with their next evaluation.

A blueprint of its own nested in ``certificates`` (same URL prefix; endpoints
``certificates.queues.*``), so that the register and lifecycle routes stay one short module.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import workflow
from app.clock import local_today
from app.input_boundary import version_field
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.certificates import holder_requests, issued, queue_forms, queue_lists
from blueprints.certificates.request_transitions import (
    ACTION_TITLES,
    TRANSITIONS,
    certificate_allows,
    state_of,
)

bp = Blueprint("queues", __name__, template_folder="templates")


def _search() -> str:
    return request.args.get("q", "").strip()[: holder_requests.SEARCH_MAX]


def _requests_asked() -> tuple[str, str, str, sa.Select]:
    """The view (open or decided), the search, the sort and the query the request asks for."""
    view = request.args.get("view", "open")
    view = view if view in holder_requests.VIEWS else "open"
    search = _search()
    sorting = queue_lists.REQUEST_SORTING[view]
    sort = sorting.asked()
    return view, search, sort, sorting.apply(holder_requests.queue(view, search), sort)


def _requests_given(view: str, search: str, sort: str) -> dict[str, str]:
    given = {"view": view, "q": search, "sort": sort if request.args.get("sort") else ""}
    return {key: value for key, value in given.items() if value}


@bp.route("/requests.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.CERTIFICATES_MANAGE)
def requests_xlsx():
    """The holder requests' Excel: the view and search of the page, in its sort."""
    view, _term, _sort, query = _requests_asked()
    return list_xlsx(
        query,
        header=[column.title for column in queue_lists.REQUEST_COLUMNS],
        rows=queue_lists.request_rows,
        sheet=_("Holder requests"),
        title=_("Holder requests"),
        filename=f"holder-requests-{view}-{local_today().isoformat()}.xlsx",
    )


@bp.get("/requests")
@requires(Permission.CERTIFICATES_MANAGE)
def requests(refused: dict | None = None, status: int = 200):
    """``refused``: the request id and its form that did not validate, shown again (422)."""
    view, search, sort, query = _requests_asked()
    page = paginate(query)
    offered = {
        item.id: workflow.offered(TRANSITIONS, item, state_of(item), current_user)
        for item in page.items
    }
    blocked = {item.id: certificate_allows(item, current_user) for item in page.items}
    return render_template(
        "certificates/requests.html",
        page=page,
        view=view,
        search=search,
        sort=sort,
        given=_requests_given(view, search, sort),
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


def _issued_asked() -> tuple[dict[str, str], str, sa.Select]:
    """The filters as read, the sort and the query of the body's issued certificates."""
    status = request.args.get("status", "")
    surveillance = request.args.get("surveillance", "")
    surveillance = surveillance if surveillance in issued.SURVEILLANCE_FILTERS else ""
    search = request.args.get("q", "").strip()[: issued.SEARCH_MAX]
    query = issued.issued_by(
        current_user.organisation_id, status=status, surveillance=surveillance, search=search
    )
    sort = queue_lists.ISSUED_SORTING.asked()
    values = (("status", status), ("surveillance", surveillance), ("q", search))
    filters = {key: value for key, value in values if value}
    return filters, sort, queue_lists.ISSUED_SORTING.apply(query, sort)


@bp.get("/issued", endpoint="issued")
@requires(Permission.PROJECT_EVALUATE)
def issued_list():
    filters, sort, query = _issued_asked()
    page = paginate(query)
    given = dict(filters, sort=sort) if request.args.get("sort") else filters
    return render_template(
        "certificates/issued.html",
        page=page,
        next_items=issued.next_items(page.items),
        filters=filters,
        sort=sort,
        given=given,
        today=local_today(),
    )


@bp.route("/issued.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.PROJECT_EVALUATE)
def issued_xlsx():
    """The body's issued certificates in Excel: the page's filters, in its sort, every page."""
    _filters, _sort, query = _issued_asked()
    return list_xlsx(
        query,
        header=[column.title for column in queue_lists.ISSUED_COLUMNS],
        rows=queue_lists.issued_rows,
        sheet=_("Issued certificates"),
        title=f"{current_user.organisation.name} — {_('Issued certificates')}",
        filename=f"issued-certificates-{local_today().isoformat()}.xlsx",
    )
