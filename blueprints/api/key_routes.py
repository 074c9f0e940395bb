"""The API keys page of an organisation's administrators: the keys (who made each, for what,
until when, last used), a new key (its token shown on the answer only), revoking one."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.clock import local_today, utc_from_local, utcnow
from app.errors import WorkflowError
from app.extensions import db
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.api import expiry, forms, key_list, keys

bp = Blueprint("api_keys", __name__, url_prefix="/api-keys", template_folder="templates")


def _organisation():
    organisation = current_user.organisation
    if organisation is None or not keys.may_manage(current_user, organisation):
        abort(403)
    return organisation


def keys_page(conflict: str | None = None, new_token: str | None = None, **_view_args: object):
    organisation = _organisation()
    now = utcnow()
    listed = key_list.asked(organisation.id, request.args, now)
    return render_template(
        "api/keys.html",
        organisation=organisation,
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        key_form=pages.kept("key") or forms.KeyForm(formdata=None),
        revoke_form=forms.RevokeForm(formdata=None),
        kept_revoke=pages.kept("revoke"),
        now=now,
        soon=expiry.horizon(now),
        last_day=expiry.last_day,
        new_token=new_token,
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.API_KEYS_MANAGE)
def index():
    return keys_page()


@bp.get("/keys.xlsx")
@requires(Permission.API_KEYS_MANAGE)
def export():
    """The keys in Excel, for the organisation's records: the rows the filters give, in their
    sort, across all pages (a handful: inline, never in the background)."""
    organisation = _organisation()
    now = utcnow()
    return list_xlsx(
        key_list.asked(organisation.id, request.args, now).query,
        header=[column.title for column in key_list.COLUMNS],
        rows=key_list.rows_of(now),
        sheet=_("API keys"),
        title=f"{organisation.name} — {_('API keys')}",
        filename=f"api-keys-{local_today().isoformat()}.xlsx",
        formats=key_list.FORMATS,
    )


@bp.post("/")
@requires(Permission.API_KEYS_MANAGE)
@pages.on_page(keys_page)
def create():
    organisation = _organisation()
    form = pages.submitted("key", forms.KeyForm())
    pages.validate(form)
    # Valid through the last day given, in the business time zone.
    last_day = form.expires_on.data
    assert last_day is not None  # the form validated
    expires_at = utc_from_local(datetime.combine(last_day + timedelta(days=1), time()))
    made = keys.create(
        organisation,
        current_user,
        name=form.name.data or "",
        scopes=form.chosen_scopes(),
        expires_at=expires_at,
    )
    db.session.commit()
    # The token is on this answer and nowhere else: not in a redirect, a flash or a log.
    response = keys_page(new_token=made.token)
    return response, 201, {"Cache-Control": "no-store"}


@bp.post("/<int:key_id>/revoke")
@requires(Permission.API_KEYS_MANAGE)
@pages.on_page(keys_page)
def revoke(key_id: int):
    organisation = _organisation()
    key = keys.one_of(organisation.id, key_id)
    if key is None:
        abort(404)
    form = pages.submitted("revoke", forms.RevokeForm())
    if not key.usable_at(utcnow()):
        raise WorkflowError(_("This key is already revoked or expired."))
    pages.validate(form)
    keys.revoke(key, current_user)
    db.session.commit()
    flash(_("The key %(name)s is revoked.", name=key.name), "success")
    return redirect(url_for("api_keys.index"))
