"""The public pool (no sign-in): the admitted providers of each programme, the suspended ones
marked, with their products and star rating with its basis; a provider's page, where anyone
may object during an admission's publicity and an enterprise that worked with the provider
rates it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.extensions import db
from app.pagination import paginate
from app.security.permissions import (
    Permission,
    has_permission,
    public,
    public_rate_limited,
    requires,
)
from blueprints.diagnosis import programmes
from blueprints.pool import forms, pool_list, publicity, ratings
from models import PUBLIC_STATUSES, PoolMember, PoolStatus

bp = Blueprint("providers", __name__, url_prefix="/providers", template_folder="templates")

SHOWN = (*PUBLIC_STATUSES, PoolStatus.IN_PUBLICITY)


def _programme_title(key: str) -> str:
    programme = programmes.programme(key)
    return programme.title.get(get_locale()) if programme else key


@bp.get("/")
@public_rate_limited
def index():
    listed = pool_list.asked(request.args, None)
    in_publicity = db.session.scalars(
        sa.select(PoolMember)
        .where(PoolMember.status == PoolStatus.IN_PUBLICITY)
        .options(sa.orm.joinedload(PoolMember.provider), sa.orm.joinedload(PoolMember.authority))
        .order_by(PoolMember.publicity_ends_on, PoolMember.id)
        .limit(50)
    ).all()
    return render_template(
        "pool/index.html",
        page=paginate(listed.query),
        filter_form=listed.form,
        given=listed.given,
        region=listed.region,
        basis=pool_list.basis,
        programme_title=_programme_title,
        in_publicity=in_publicity,
        public=True,
    )


@bp.get("/export.xlsx")
@public_rate_limited
def export():
    return pool_list.xlsx(None)


def _shown_or_404(member_id: int) -> PoolMember:
    member = db.session.get(PoolMember, member_id)
    if member is None or member.status not in SHOWN:
        abort(404)
    return member


def provider_page(member_id: int, conflict: str | None = None, **_view_args: object) -> str:
    member = _shown_or_404(member_id)
    keys = [key for key, _t in ratings.criteria(member)]
    kept = pages.kept("survey")
    may_rate = has_permission(current_user, Permission.POOL_RATE) and (
        ratings.may_rate(member, current_user) is None
    )
    return render_template(
        "pool/provider.html",
        member=member,
        programme_title=_programme_title(member.programme_key),
        basis=pool_list.basis(member),
        closed=publicity.closed_to_objections(member),
        objection_form=pages.kept("objection") or forms.ObjectionForm(formdata=None),
        may_rate=may_rate,
        criteria=ratings.criteria(member),
        survey_form=kept if kept is not None else forms.survey_form(keys, blank=True),
        conflict=conflict,
    )


@bp.get("/<int:member_id>")
@public
def view(member_id: int):
    return provider_page(member_id)


@bp.post("/<int:member_id>/objection")
@public_rate_limited
@pages.on_page(provider_page)
def object_to(member_id: int):
    member = _shown_or_404(member_id)
    form = pages.submitted("objection", forms.ObjectionForm())
    pages.validate(form)
    publicity.lodge(
        member,
        form.name.data or "",
        form.contact.data or "",
        form.reason.data or "",
        request.remote_addr or "",
    )
    flash(_("Your objection is lodged: the authority will decide on it."), "success")
    return redirect(url_for("providers.view", member_id=member_id))


@bp.post("/<int:member_id>/survey")
@requires(Permission.POOL_RATE)
@pages.on_page(provider_page)
def survey(member_id: int):
    member = _shown_or_404(member_id)
    keys = [key for key, _t in ratings.criteria(member)]
    form = pages.submitted("survey", forms.survey_form(keys))
    pages.validate(form)
    scores = {key: int(form[f"score_{key}"].data) for key in keys}
    ratings.rate(member, current_user, scores, form["comment"].data or "")
    flash(_("Thank you: your rating is recorded."), "success")
    return redirect(url_for("providers.view", member_id=member_id))
