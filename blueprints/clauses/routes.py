"""Clause catalogue pages (alliance staff): list and search, edit, add."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.pages import status_of
from app.security.permissions import Permission, requires
from blueprints.clauses import forms, services

bp = Blueprint("clauses", __name__, url_prefix="/clauses", template_folder="templates")


@bp.get("/")
@requires(Permission.CLAUSES_EDIT)
def index():
    form = forms.ClauseFilterForm(request.args)
    form.validate()
    clauses, truncated = services.search(form.q.data if not form.q.errors else None)
    return render_template("clauses/index.html", form=form, clauses=clauses, truncated=truncated)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.CLAUSES_EDIT)
def new():
    form = forms.NewClauseForm()
    if form.validate_on_submit():
        try:
            clause = services.add(
                (form.code.data or ""),
                title=(form.title.data or ""),
                title_en=(form.title_en.data or ""),
                active=form.active.data,
            )
        except services.ClauseError as error:
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(error.message)
        else:
            flash(_("Clause %(code)s has been added.", code=clause.code), "success")
            return redirect(url_for("clauses.index"))
    return render_template("clauses/new.html", form=form), status_of(form)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@requires(Permission.CLAUSES_EDIT)
def edit(code: str):
    clause = services.get_or_404(code)
    form = forms.ClauseForm(obj=clause)
    if form.validate_on_submit():
        services.update(
            clause,
            title=(form.title.data or ""),
            title_en=(form.title_en.data or ""),
            active=bool(form.active.data),
        )
        flash(_("Clause %(code)s has been saved.", code=clause.code), "success")
        return redirect(url_for("clauses.index"))
    return render_template("clauses/edit.html", clause=clause, form=form), status_of(form)
