"""Notices: the list received (and, for a sender — an authority, the alliance — sent, with the
form to send one), a notice with its attachments and the confirmation of reading, the sender's
receipts, in Excel. The portal's public notices are read in blueprints/notices/public_routes.py."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads
from app.excel import xlsx_response
from app.pagination import paginate
from app.security.permissions import Permission, has_permission, requires
from blueprints.notices import exports, forms, services
from models import NoticeAudience

bp = Blueprint("notices", __name__, url_prefix="/notices", template_folder="templates")
LISTS = ("received", "unread", "sent")
SEARCH_MAX = services.SEARCH_MAX


def _addressable() -> bool:
    """Whether any regional notice may address the user's organisation (the alliance: none)."""
    kind = current_user.organisation.kind
    return any(kind in audience.kinds for audience in NoticeAudience)


def _lists() -> list[str]:
    """The lists the user has: received and to confirm where notices may address their
    organisation, sent where they publish (the alliance: sent only)."""
    sends = has_permission(current_user, Permission.NOTICES_PUBLISH)
    shown = [name for name in LISTS if name != "sent" or sends]
    if not _addressable():
        shown = [name for name in shown if name == "sent"]
    return shown or ["received"]


def _listing() -> tuple[str, str]:
    lists = _lists()
    shown = request.args.get("show", lists[0])
    if shown not in lists:
        shown = lists[0]
    return shown, request.args.get("q", "").strip()[:SEARCH_MAX]


def _query(shown: str, q: str):
    org = current_user.organisation
    if shown == "sent":
        return services.sent(org, q)
    return services.received(org, q, unread_only=shown == "unread")


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    shown, q = _listing()
    audiences = services.audiences_for(current_user)
    form = None
    if audiences:
        form = pages.kept("publish") or forms.NoticeForm(audiences, formdata=None)
    return render_template(
        "notices/index.html",
        page=paginate(_query(shown, q), rows=True),
        shown=shown,
        q=q,
        form=form,
        lists=_lists(),
        addressable=_addressable(),
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.NOTICES_READ)
def index():
    return index_page()


@bp.get("/export.xlsx")
@requires(Permission.NOTICES_READ)
def export():
    shown, q = _listing()
    write = functools.partial(exports.list_xlsx, _query(shown, q), shown)
    return xlsx_response(write, f"notices-{shown}.xlsx")


@bp.post("/")
@requires(Permission.NOTICES_PUBLISH)
@pages.on_page(index_page)
def publish():
    audiences = services.audiences_for(current_user)
    if not audiences:
        abort(403)
    form = pages.submitted("publish", forms.NoticeForm(audiences))
    pages.validate(form)
    try:
        notice = services.publish(
            current_user,
            (form.title.data or "").strip(),
            (form.body.data or "").strip(),
            form.chosen_audience(),
            form.files.data or [],
        )
    except uploads.UploadError as error:
        pages.refuse(form.files, str(error.message))
    if notice.audience.regional:
        flash(_("The notice is sent; those addressed are told."), "success")
    else:
        flash(_("The notice is published on the portal: anyone may read it."), "success")
    return redirect(url_for("notices.view", notice_id=notice.id))


def _notice_or_404(notice_id: int):
    notice = services.visible(notice_id, current_user.organisation)
    if notice is None:
        abort(404)
    return notice


def view_page(notice_id: int, conflict: str | None = None, **_view_args: object) -> str:
    notice = _notice_or_404(notice_id)
    org = current_user.organisation
    mine = notice.authority_id == org.id
    # The sender follows the receipts of a notice to its region; a public one has none.
    receipts = mine and notice.audience.regional
    return render_template(
        "notices/view.html",
        notice=notice,
        mine=mine,
        receipt=None if mine else services.receipt(notice, org),
        counts=services.counts(notice) if receipts else None,
        page=paginate(services.recipients(notice), rows=True) if receipts else None,
        conflict=conflict,
    )


@bp.get("/<int:notice_id>")
@requires(Permission.NOTICES_READ)
def view(notice_id: int):
    return view_page(notice_id)


@bp.post("/<int:notice_id>/confirm")
@requires(Permission.NOTICES_READ)
@pages.on_page(view_page)
def confirm(notice_id: int):
    notice = _notice_or_404(notice_id)
    if services.confirm(notice, current_user):
        flash(_("Confirmed: the sender sees that your organisation has read it."), "success")
    return redirect(url_for("notices.view", notice_id=notice.id))


@bp.get("/<int:notice_id>/attachments/<int:attachment_id>")
@requires(Permission.NOTICES_READ)
def attachment(notice_id: int, attachment_id: int):
    found = services.attachment(_notice_or_404(notice_id), attachment_id)
    if found is None:
        abort(404)
    return uploads.send(found.stored_name, found.original_name, found.content_type)


@bp.get("/<int:notice_id>/receipts.xlsx")
@requires(Permission.NOTICES_SEND)
def receipts_xlsx(notice_id: int):
    notice = _notice_or_404(notice_id)
    if notice.authority_id != current_user.organisation_id or not notice.audience.regional:
        abort(404)
    write = functools.partial(exports.receipts_xlsx, notice)
    return xlsx_response(write, f"notice-{notice.id}-receipts.xlsx")
