"""The programme's forms filled in on Certpath (its data file gives their fields): the
enterprise's application with its self-assessment report, the provider's plan and advance
notice before going on site, the information-collection record and the document-review
ledger before the report (seed 002 4.2-4.4.3). What each move still asks of them is counted
here for the transition guards and the pages alike."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import abort
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import workflow
from app.events import announce
from app.extensions import db
from blueprints.assessment import exports as assessment_exports
from blueprints.assessment.report import build_report
from blueprints.diagnosis.programmes import Form, Programme
from blueprints.engagements import files, record, team
from blueprints.engagements.changes import Refused, touch
from models import (
    SUBMITTED_STATES,
    Assessment,
    DiagnosisEngagement,
    DiagnosisFormEntry,
    EngagementStatus,
    User,
)

S = EngagementStatus
# A form is filled in until the move it is a condition of: before going on site while the
# agreement and the work group are prepared; before the report while the team records.
OPEN_IN = {
    "start": frozenset({S.ENROLLED, S.AGREED}),
    "submit_report": record.RECORD_OPEN,
}
MAX_ROWS = 200
SELF_ASSESSMENT = "self_assessment"  # the file kind of the self-assessment report kept

Value = str | int | None
Entries = dict[str, list[DiagnosisFormEntry]]


def entries_of(engagement: DiagnosisEngagement) -> Entries:
    """The engagement's entries by form key, rows in order: one query."""
    found: Entries = defaultdict(list)
    for entry in db.session.scalars(
        sa.select(DiagnosisFormEntry)
        .where(DiagnosisFormEntry.engagement_id == engagement.id)
        .order_by(DiagnosisFormEntry.form_key, DiagnosisFormEntry.number)
    ):
        found[entry.form_key].append(entry)
    return found


def rows_of(engagement: DiagnosisEngagement, form: Form) -> list[DiagnosisFormEntry]:
    """The entries of one form, in order."""
    return list(
        db.session.scalars(
            sa.select(DiagnosisFormEntry)
            .where(
                DiagnosisFormEntry.engagement_id == engagement.id,
                DiagnosisFormEntry.form_key == form.key,
            )
            .order_by(DiagnosisFormEntry.number)
        )
    )


def _title(form: Form) -> str:
    title = form.title.get(get_locale())
    return _("%(title)s (%(annex)s)", title=title, annex=form.annex_label) if form.annex else title


def form_problems(form: Form, rows: list[DiagnosisFormEntry]) -> list[str]:
    """What ``form`` still lacks with ``rows`` filed."""
    if not form.rows:
        if rows:
            return []
        if form.filled_by == "enterprise":
            return [_("The enterprise has not filled in the %(form)s yet.", form=_title(form))]
        return [_("Fill in the %(form)s first.", form=_title(form))]
    found = []
    if len(rows) < form.min_rows:
        found.append(
            _(
                "The %(form)s has %(n)d rows; the programme asks at least %(min)d.",
                form=_title(form),
                n=len(rows),
                min=form.min_rows,
            )
        )
    field = form.field(form.must_cover) if form.must_cover else None
    if field is not None:
        covered = {row.values.get(field.key) for row in rows}
        missing = [c.title.get(get_locale()) for c in field.choices if c.key not in covered]
        if missing:
            found.append(
                _(
                    "The %(form)s has no row for: %(missing)s.",
                    form=_title(form),
                    missing=", ".join(missing),
                )
            )
    return found


def problems(
    engagement: DiagnosisEngagement, before: str, entries: Entries | None = None
) -> list[str]:
    """Everything the programme's forms still ask before the move ``before``."""
    programme = team.programme_of(engagement)
    wanted = [f for f in programme.fillable_forms if f.before == before]
    if not wanted:
        return []
    entries = entries_of(engagement) if entries is None else entries
    return [p for form in wanted for p in form_problems(form, entries.get(form.key, []))]


def form_of(programme: Programme, key: str) -> Form:
    form = programme.form(key)
    if form is None or not form.fillable:
        abort(404)
    return form


def editor(engagement: DiagnosisEngagement, form: Form) -> int:
    """The organisation that fills ``form`` in."""
    return engagement.enterprise_id if form.filled_by == "enterprise" else engagement.provider_id


def editable(engagement: DiagnosisEngagement, form: Form, actor: User) -> bool:
    return (
        actor.organisation_id == editor(engagement, form)
        and form.before is not None
        and engagement.status in OPEN_IN[form.before]
    )


def _check_editable(engagement: DiagnosisEngagement, form: Form, actor: User) -> None:
    if actor.organisation_id != editor(engagement, form):
        abort(404)
    if not editable(engagement, form, actor):
        raise workflow.WorkflowError(
            _(
                "The %(form)s is closed in this state (%(state)s).",
                form=_title(form),
                state=engagement.status.title,
            )
        )


def _check_values(form: Form, values: dict[str, Value | date]) -> None:
    for first, second in form.date_order:
        start, end = values.get(first), values.get(second)
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise Refused(second, _("This date comes before the start."))


def latest_assessment(engagement: DiagnosisEngagement) -> Assessment | None:
    return db.session.scalar(
        sa.select(Assessment)
        .where(
            Assessment.organisation_id == engagement.enterprise_id,
            Assessment.status.in_(SUBMITTED_STATES),
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def _keep_self_assessment(
    engagement: DiagnosisEngagement, actor: User, entry: DiagnosisFormEntry, first_field: str
) -> None:
    """The enterprise's latest self-assessment report, as a PDF in the engagement's file
    (kept again only when a newer self-assessment was submitted since)."""
    assessment = latest_assessment(engagement)
    if assessment is None:
        raise Refused(
            first_field,
            _("Submit your self-assessment first: its report goes with the application."),
        )
    if entry.assessment_id == assessment.id and entry.file_id is not None:
        return
    with force_locale(str(get_locale() or "zh")):
        pdf = assessment_exports.report_pdf(build_report(assessment))
    name = f"self-assessment-{assessment.year}-{engagement.enterprise.credit_code}.pdf"
    upload = FileStorage(io.BytesIO(pdf), filename=name, content_type="application/pdf")
    kept = files.keep(engagement, actor, upload, SELF_ASSESSMENT, frozenset({"pdf"}), first_field)
    db.session.flush()
    entry.assessment_id = assessment.id
    entry.file_id = kept.id


def _stored(values: dict[str, Value | date]) -> dict[str, Value]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def fill(
    engagement: DiagnosisEngagement, actor: User, form: Form, values: dict[str, Value | date]
) -> DiagnosisFormEntry:
    """File ``values`` on ``form``: the form's one entry (filed again, it is replaced) or a new
    row of a table form. A form filed once is told to the other parties."""
    _check_editable(engagement, form, actor)
    _check_values(form, values)
    existing = rows_of(engagement, form)
    if form.rows and len(existing) >= MAX_ROWS:
        raise Refused(form.fields[0].key, _("A form holds at most %(n)d rows.", n=MAX_ROWS))
    entry = existing[0] if existing and not form.rows else None
    if entry is None:
        entry = DiagnosisFormEntry(
            engagement_id=engagement.id,
            form_key=form.key,
            number=(existing[-1].number + 1) if existing else 1,
            values={},
            filed_by_id=actor.id,
        )
        db.session.add(entry)
    entry.values = _stored(values)
    entry.filed_by_id = actor.id
    if form.self_assessment:
        _keep_self_assessment(engagement, actor, entry, form.fields[0].key)
    touch(engagement)
    if not form.rows:
        party = engagement.enterprise if form.filled_by == "enterprise" else engagement.provider
        announce("engagement.form", engagement, actor, form=form, party=party.name)
    return entry


def remove_row(engagement: DiagnosisEngagement, actor: User, form: Form, number: int) -> None:
    _check_editable(engagement, form, actor)
    entry = db.session.scalar(
        sa.select(DiagnosisFormEntry).where(
            DiagnosisFormEntry.engagement_id == engagement.id,
            DiagnosisFormEntry.form_key == form.key,
            DiagnosisFormEntry.number == number,
        )
    )
    if entry is None or not form.rows:
        abort(404)
    db.session.delete(entry)
    touch(engagement)


def typed(form: Form, entry: DiagnosisFormEntry) -> dict[str, Value | date]:
    """The entry's values as the form's fields take them (dates as dates)."""
    values: dict[str, Value | date] = dict(entry.values)
    for field in form.fields:
        value = values.get(field.key)
        if field.kind == "date" and isinstance(value, str):
            values[field.key] = date.fromisoformat(value)
    return values


def display(form: Form, entry: DiagnosisFormEntry) -> list[tuple[str, str]]:
    """The entry's values as (field title, text) in the reader's language."""
    locale = get_locale()
    shown = []
    for field in form.fields:
        value = entry.values.get(field.key)
        if field.kind == "choice":
            choice = next((c for c in field.choices if c.key == value), None)
            text = choice.title.get(locale) if choice else ""
        elif field.kind == "date" and isinstance(value, str):
            text = format_date(date.fromisoformat(value))
        else:
            text = "" if value is None else str(value)
        shown.append((field.title.get(locale), text))
    return shown
