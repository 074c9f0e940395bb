"""The programme's forms of an engagement, each on its own page: what was filed, and the form
to fill in for the party whose form it is while it is open."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, workflow
from app.input_boundary import version_field
from app.security.permissions import Permission, requires
from blueprints.engagements import forms, paperwork, services, team
from blueprints.engagements.changes import Refused
from blueprints.engagements.routes import bp

__all__ = ["bp"]


def form_page(
    engagement_id: int, key: str, conflict: str | None = None, **_view_args: object
) -> str:
    engagement = services.get_or_404(engagement_id)
    form = paperwork.form_of(team.programme_of(engagement), key)
    rows = paperwork.rows_of(engagement, form)
    editable = paperwork.editable(engagement, form, current_user)
    entry_form = pages.kept("paperwork")
    if entry_form is None:
        # A form filled once is shown with what was filed, to change; a table's is blank.
        data = {} if form.rows or not rows else paperwork.typed(form, rows[0])
        entry_form = forms.paperwork_form(
            form, formdata=None, data={forms.value_field(k): v for k, v in data.items()}
        )
    kept_file = next((r.file_id for r in rows if r.file_id), None) if form.self_assessment else None
    return render_template(
        "engagements/paperwork.html",
        engagement=engagement,
        form=form,
        rows=rows,
        shown=[paperwork.display(form, row) for row in rows],
        problems=paperwork.form_problems(form, rows),
        editable=editable,
        entry_form=entry_form,
        value_field=forms.value_field,
        remove_form=pages.kept("remove_row") or forms.RemoveRowForm(formdata=None),
        self_assessment=paperwork.latest_assessment(engagement)
        if form.self_assessment and editable
        else None,
        kept_file=kept_file,
        conflict=conflict,
    )


@bp.get("/<int:engagement_id>/forms/<key>")
@requires(Permission.DIAGNOSIS_VIEW)
def paperwork_form(engagement_id: int, key: str):
    return form_page(engagement_id, key)


@bp.post("/<int:engagement_id>/forms/<key>")
@requires(Permission.DIAGNOSIS_VIEW)
@pages.on_page(form_page)
def fill_form(engagement_id: int, key: str):
    engagement = services.get_or_404(engagement_id)
    form = paperwork.form_of(team.programme_of(engagement), key)
    workflow.expect_version(engagement, version_field())
    submitted = pages.submitted("paperwork", forms.paperwork_form(form))
    pages.validate(submitted)
    values = {f.key: submitted[forms.value_field(f.key)].data for f in form.fields}
    try:
        paperwork.fill(engagement, current_user, form, values)
    except Refused as refused:
        pages.refuse(submitted[forms.value_field(refused.field)], refused.message)
    flash(_("Filed.") if not form.rows else _("The row is added."), "success")
    return redirect(url_for("engagements.paperwork_form", engagement_id=engagement_id, key=key))


@bp.post("/<int:engagement_id>/forms/<key>/<int:row>/remove")
@requires(Permission.DIAGNOSIS_VIEW)
@pages.on_page(form_page)
def remove_form_row(engagement_id: int, key: str, row: int):
    engagement = services.get_or_404(engagement_id)
    form = paperwork.form_of(team.programme_of(engagement), key)
    workflow.expect_version(engagement, version_field())
    pages.validate(pages.submitted("remove_row", forms.RemoveRowForm()))
    paperwork.remove_row(engagement, current_user, form, row)
    flash(_("The row is removed."), "success")
    return redirect(url_for("engagements.paperwork_form", engagement_id=engagement_id, key=key))
