"""Declaration pages: one's own declaration and conflicts (evaluators, alliance reviewers);
the alliance's list of everyone's, and a body's list of its evaluators. Never public."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.clock import local_today
from app.extensions import db
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.declarations import forms, listing, services
from models import ConflictOfInterest, ConflictRelation, Organisation, OrgKind

bp = Blueprint("declarations", __name__, url_prefix="/declarations", template_folder="templates")


def _mine(
    sign_form: forms.SignForm | None = None,
    conflict_form: forms.ConflictForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    user = current_user._get_current_object()
    today = local_today()
    term = request.args.get("q", "")[:100]
    year = today.year
    return render_template(
        "declarations/mine.html",
        pledge=services.pledge_for(year),
        locale=str(get_locale()),
        current=services.declaration_on(user.id, today),
        declarations=services.declarations_of(user),
        conflicts=services.conflicts_of(user),
        sign_form=sign_form or forms.SignForm(services.years_open(today), formdata=None),
        conflict_form=conflict_form or forms.ConflictForm(formdata=None),
        term=term,
        found=services.enterprise_search(term),
        end_form=forms.EndConflictForm(formdata=None),
        today=today,
    ), status


@bp.get("/")
@requires(Permission.DECLARATION_SIGN)
def mine():
    return _mine()


@bp.post("/sign")
@requires(Permission.DECLARATION_SIGN)
def sign():
    form = forms.SignForm(services.years_open())
    if not form.validate_on_submit():
        return _mine(sign_form=form, status=422)
    try:
        services.sign(current_user, form.year.data, str(get_locale()))
    except services.DeclarationError as error:
        form.year.errors = [*form.year.errors, error.message]
        return _mine(sign_form=form, status=422)
    flash(_("Your declaration for %(year)d has been signed.", year=form.year.data), "success")
    return redirect(url_for("declarations.mine"))


@bp.post("/conflicts")
@requires(Permission.DECLARATION_SIGN)
def add_conflict():
    form = forms.ConflictForm()
    if not form.validate_on_submit():
        return _mine(conflict_form=form, status=422)
    assert form.starts_on.data is not None  # required by the form
    try:
        conflict = services.add_conflict(
            current_user,
            organisation_id=form.organisation_id.data,
            name=form.name.data or "",
            credit_code=form.credit_code.data or "",
            relation=ConflictRelation(form.relation.data),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
    except services.DeclarationError as error:
        field = getattr(form, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            form.form_errors.append(error.message)
        return _mine(conflict_form=form, status=422)
    flash(_("Your conflict of interest with %(name)s is declared.", name=conflict.name), "success")
    return redirect(url_for("declarations.mine"))


def get_own_conflict_or_404(conflict_id: int) -> ConflictOfInterest:
    conflict = db.session.get(ConflictOfInterest, conflict_id)
    if conflict is None or conflict.user_id != current_user.id:
        abort(404)
    return conflict


@bp.post("/conflicts/<int:conflict_id>/end")
@requires(Permission.DECLARATION_SIGN)
def end_conflict(conflict_id: int):
    conflict = get_own_conflict_or_404(conflict_id)
    form = forms.EndConflictForm()
    if form.validate_on_submit():
        assert form.ends_on.data is not None  # required by the form
        try:
            services.end_conflict(conflict, form.ends_on.data)
        except services.DeclarationError as error:
            flash(error.message, "danger")
            return _mine(status=422)
        flash(_("The conflict with %(name)s has been ended.", name=conflict.name), "success")
        return redirect(url_for("declarations.mine"))
    flash(_("Give the day the relation ended."), "danger")
    return _mine(status=422)


def _list_page(body: Organisation | None, endpoint: str, xlsx: str | None) -> Any:
    listed = listing.asked(body, request.args)
    page = paginate(listed.query, rows=True)
    return render_template(
        "declarations/people.html",
        page=page,
        lines=list(listing.lines(page.items)),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        year=listed.year,
        endpoint=endpoint,
        xlsx=xlsx,
        body=body,
    )


@bp.get("/people")
@requires(Permission.DECLARATIONS_VIEW)
def people():
    return _list_page(None, "declarations.people", "declarations.people_xlsx")


@bp.get("/people.xlsx")
@requires(Permission.DECLARATIONS_VIEW)
def people_xlsx():
    """The list in Excel: the rows the filters give, in their sort, across all pages."""
    listed = listing.asked(None, request.args)
    return list_xlsx(
        listed.query,
        header=[column.title for column in listing.COLUMNS],
        rows=listing.rows_of,
        sheet=_("Declarations"),
        title=_("Impartiality declarations %(year)d", year=listed.year),
        filename=f"declarations-{local_today().isoformat()}.xlsx",
        scalars=False,
    )


@bp.get("/evaluators")
@requires(Permission.ORG_MEMBERS_VIEW)
def evaluators():
    """An evaluation body's evaluators and their declarations (who is not declared)."""
    body = current_user.organisation
    if body.kind != OrgKind.EVALUATION_BODY:
        abort(404)
    return _list_page(body, "declarations.evaluators", None)
