"""The portal's announcements (通知公告): the notices published to the public, read by anyone,
signed in or not — the list (searchable by title, newest first), one notice, its attachments.
Any other notice, and any attachment of one, is 404 here whoever asks: those are read on the
notices pages by the organisations they address."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app import uploads
from app.pagination import paginate
from app.public_cache import public_cacheable
from app.security.permissions import public_rate_limited
from blueprints.notices import services

bp = Blueprint("announcements", __name__, url_prefix="/announcements", template_folder="templates")


def _public_page(body: str):
    """Cached by browsers and proxies for an anonymous visitor, never for a signed-in one."""
    return body if current_user.is_authenticated else public_cacheable(body)


@bp.get("/")
@public_rate_limited
def index():
    q = request.args.get("q", "").strip()[: services.SEARCH_MAX]
    page = paginate(services.announcements(q), rows=True)
    return _public_page(render_template("notices/announcements.html", page=page, q=q))


def _announcement_or_404(notice_id: int):
    notice = services.announcement(notice_id)
    if notice is None:
        abort(404)
    return notice


@bp.get("/<int:notice_id>")
@public_rate_limited
def view(notice_id: int):
    notice = _announcement_or_404(notice_id)
    return _public_page(render_template("notices/announcement.html", notice=notice))


@bp.get("/<int:notice_id>/attachments/<int:attachment_id>")
@public_rate_limited
def attachment(notice_id: int, attachment_id: int):
    found = services.attachment(_announcement_or_404(notice_id), attachment_id)
    if found is None:
        abort(404)
    return uploads.send(found.stored_name, found.original_name, found.content_type)
