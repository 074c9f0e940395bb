"""Notices: the list received (and, for a sender — an authority, the alliance — sent, with the
form to send one), a notice with its attachments and the confirmation of reading, the sender's
receipts, in Excel. The portal's public notices are read in blueprints/notices/public_routes.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads
from app.clock import local_today
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, has_permission, requires
from blueprints.notices import forms, notice_list, services
from models import NoticeAudience

bp = Blueprint("notices", __name__, url_prefix="/notices", template_folder="templates")
LISTS = ("received", "unread", "sent")


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


def _shown() -> str:
    lists = _lists()
    shown = request.args.get("show", lists[0])
    return shown if shown in lists else lists[0]


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    shown = _shown()
    listed = notice_list.asked(current_user, shown, request.args)
    audiences = services.audiences_for(current_user)
    form = None
    if audiences:
        form = pages.kept("publish") or forms.NoticeForm(audiences, formdata=None)
    return render_template(
        "notices/index.html",
        page=paginate(listed.query, rows=True),
        shown=shown,
        filters=listed.form,
        sort=listed.sort,
        given=listed.given,
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
    """The list in Excel: the rows the filters give, in their sort, across all pages."""
    shown = _shown()
    return list_xlsx(
        notice_list.asked(current_user, shown, request.args).query,
        header=notice_list.header(shown),
        rows=notice_list.rows_of(shown),
        sheet=_("Notices"),
        title=f"{current_user.organisation.name} — {_('Notices')}",
        filename=f"notices-{shown}-{local_today().isoformat()}.xlsx",
        scalars=False,
    )


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
    listed = notice_list.receipts_asked(notice, request.args) if receipts else None
    return render_template(
        "notices/view.html",
        notice=notice,
        mine=mine,
        receipt=None if mine else services.receipt(notice, org),
        counts=services.counts(notice) if receipts else None,
        page=paginate(listed.query, rows=True) if listed else None,
        filters=listed.form if listed else None,
        sort=listed.sort if listed else None,
        given=listed.given if listed else {},
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
    return list_xlsx(
        notice_list.receipts_asked(notice, request.args).query,
        header=[column.title for column in notice_list.RECEIPT_COLUMNS],
        rows=notice_list.receipt_rows,
        sheet=_("Receipts"),
        title=notice.title,
        filename=f"notice-{notice.id}-receipts-{local_today().isoformat()}.xlsx",
        scalars=False,
    )
