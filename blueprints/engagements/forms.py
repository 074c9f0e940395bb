"""The engagement's forms: enrolment by the authority, the agreement, a work-group member,
withdrawal (a reason, confirmed), a meeting or visit with its sign-in sheet, a visit's photo,
the report section by section, the presentation, the survey and the acceptance."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import (
    BLANK,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    confirmation,
    enum_options,
    options,
)
from blueprints.diagnosis.programmes import Form, FormField, Programme
from blueprints.engagements import record, services
from models import (
    ActivityKind,
    Adoption,
    EngagementStatus,
    EngineerTitle,
    SurveyRating,
    SurveyVerdict,
)


def _programme_choices():
    return options(
        [(key, programme.title.get(_locale())) for key, programme in services.programme_titles()]
    )


def _provider_choices():
    return [
        choice
        for org_id, name, kind in services.provider_choices()
        for choice in options([(str(org_id), name)], optgroup=kind.title)
    ]


def _locale() -> str:
    return str(get_locale() or "zh")


class EnrolForm(FlaskForm):
    programme = SelectField(
        _l("Programme"), choices=_programme_choices, validators=[DataRequired()]
    )
    credit_code = StringField(
        _l("Enterprise's unified social credit code"),
        validators=[DataRequired(), Length(max=40)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    provider = SelectField(_l("Provider"), choices=_provider_choices, validators=[DataRequired()])


class AgreementForm(FlaskForm):
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()])
    scan = FileField(_l("The signed agreement (PDF or photo)"))


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=200)])
    title = SelectField(
        _l("Professional title"),
        choices=lambda: enum_options(EngineerTitle),
        validators=[DataRequired()],
    )
    lead = BooleanField(_l("Leads the work group"))
    expert = BooleanField(_l("An expert with practical experience"))
    pledged_on = DateField(_l("Confidentiality pledge signed on"), validators=[Optional()])


class WithdrawForm(FlaskForm):
    comment = TextAreaField(
        _l("Why the engagement is withdrawn"), validators=[DataRequired(), Length(max=2000)]
    )
    confirm = confirmation(_l("Yes, withdraw the engagement: the provider stops its work."))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    programme = SelectField(
        _l("Programme"),
        choices=lambda: options(
            [(k, p.title.get(_locale())) for k, p in services.programme_titles()],
            blank=_l("All programmes"),
        ),
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=lambda: enum_options(EngagementStatus, blank=_l("All statuses")),
        validators=[Optional()],
    )
    q = StringField(
        _l("Enterprise, provider or credit code"),
        validators=[Optional(), Length(max=services.SEARCH_MAX)],
    )


class RemoveMemberForm(FlaskForm):
    confirm = confirmation(_l("Yes, remove this member from the work group."))


class RemoveRecordForm(FlaskForm):
    confirm = confirmation(_l("Yes, remove it from the record."))


def _activity_kinds():
    return enum_options([k for k in ActivityKind if k != ActivityKind.REPORT_TO_HEAD])


class _Times(FlaskForm):
    started_at = DateTimeLocalField(_l("Started"), validators=[InputRequired()])
    ended_at = DateTimeLocalField(_l("Ended"), validators=[InputRequired()])


class ActivityForm(_Times):
    kind = SelectField(_l("What"), choices=_activity_kinds, validators=[DataRequired()])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=200)])
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=5000)])
    attendees = TextAreaField(
        _l("Signed in (one per line: name, unit, title)"),
        validators=[Optional(), Length(max=5000)],
    )
    sign_in = FileField(_l("Sign-in sheet (PDF or photo, optional)"))


def photo_categories(programme: Programme):
    """The programme's photo categories (a programme with none files every photo as other)."""
    pairs = [(c.key, c.title.get(_locale())) for c in programme.visits.photos]
    return options(pairs or [(record.OTHER_PHOTO, _l("Photo of the visit"))])


class PhotoForm(FlaskForm):
    category = SelectField(_l("Category"), validators=[DataRequired()])
    photo = FileField(_l("Photo (JPEG or PNG, with its capture time)"))


class PresentForm(_Times):
    attendees = TextAreaField(
        _l("Present (one per line: name, unit, title)"),
        validators=[DataRequired(), Length(max=5000)],
    )
    outcome = TextAreaField(
        _l("What was said and agreed"), validators=[Optional(), Length(max=5000)]
    )


class DecisionForm(FlaskForm):
    opinion = TextAreaField(
        _l("The experts' acceptance opinion"), validators=[DataRequired(), Length(max=5000)]
    )
    decision = SelectField(
        _l("Decision"),
        choices=lambda: options(
            [("accept", _l("Accept the report")), ("return", _l("Return for revision"))]
        ),
        validators=[DataRequired()],
    )


def section_field(key: str) -> str:
    return f"section_{key}"


def rating_field(key: str) -> str:
    return f"rating_{key}"


@functools.cache
def report_form_class(programme: Programme) -> type[FlaskForm]:
    """The report form of ``programme``: a text per section of its template."""
    fields: dict[str, Any] = {
        section_field(s.key): TextAreaField(
            s.title.zh, validators=[Optional(), Length(max=record.MAX_SECTION)]
        )
        for s in programme.report.sections
    }
    return type("ReportForm", (FlaskForm,), fields)


@functools.cache
def survey_form_class(programme: Programme) -> type[FlaskForm]:
    """The satisfaction survey of ``programme``: a rating per criterion, the verdict, the
    adoption of the suggestions, a comment."""
    fields: dict[str, Any] = {
        rating_field(c.key): RadioField(
            c.title.zh,
            choices=lambda: enum_options(SurveyRating),
            validators=[InputRequired(message=_l("Rate this criterion."))],
        )
        for c in programme.satisfaction.criteria
    }
    fields["verdict"] = RadioField(
        _l("Overall verdict"),
        choices=lambda: enum_options(SurveyVerdict),
        validators=[InputRequired(message=_l("Give the overall verdict."))],
    )
    fields["adoption"] = RadioField(
        _l("The report's suggestions"),
        choices=lambda: enum_options(Adoption),
        validators=[InputRequired(message=_l("Say whether the suggestions are adopted."))],
    )
    fields["comment"] = TextAreaField(
        _l("The enterprise's comments"), validators=[Optional(), Length(max=5000)]
    )
    return type("SurveyForm", (FlaskForm,), fields)


def verified_field(key: str) -> str:
    return f"verified_{key}"


def note_field(key: str) -> str:
    return f"note_{key}"


class _IndicatorForm(FlaskForm):
    keys: tuple[str, ...]

    def values(self) -> dict[str, tuple[float | None, str]]:
        result = {}
        for key in self.keys:
            verified = self[verified_field(key)].data
            note = (self[note_field(key)].data or "").strip()
            result[key] = (float(verified) if verified is not None else None, note)
        return result


@functools.cache
def _indicator_form_class(keys: tuple[str, ...]) -> type[_IndicatorForm]:
    fields: dict[str, Any] = {"keys": keys}
    for key in keys:
        fields[verified_field(key)] = DecimalField(
            key, places=1, validators=[Optional(), NumberRange(min=0, max=100)]
        )
        fields[note_field(key)] = StringField(key, validators=[Optional(), Length(max=500)])
    return type("IndicatorForm", (_IndicatorForm,), fields)


def indicator_form(rows: list[Any], submitted: bool = False) -> _IndicatorForm:
    """The verification form: on a first visit, the values kept (the verified ones, or none)."""
    keys = tuple(row.indicator.key for row in rows)
    form_class = _indicator_form_class(keys)
    if submitted:
        return form_class()
    data: dict[str, Any] = {}
    for row in rows:
        if row.verified_value is not None:
            data[verified_field(row.indicator.key)] = Decimal(str(row.verified_value))
        data[note_field(row.indicator.key)] = row.note
    return form_class(formdata=None, data=data)


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _paperwork_field(field: FormField) -> Any:
    """The WTForms field of one field of a programme's form (labelled in the template)."""
    needed = (
        (
            [InputRequired(message=_l("This field is required."))]
            if field.kind in ("date", "integer")
            else [DataRequired()]
        )
        if field.required
        else [Optional()]
    )
    if field.kind == "text":
        return StringField(field.key, validators=[*needed, Length(max=field.max_length)],
                           filters=[_strip])  # fmt: skip
    if field.kind == "textarea":
        return TextAreaField(field.key, validators=[*needed, Length(max=field.max_length)],
                             filters=[_strip])  # fmt: skip
    if field.kind == "date":
        return DateField(field.key, validators=needed)
    if field.kind == "integer":
        return IntegerField(
            field.key, validators=[*needed, NumberRange(min=field.minimum, max=field.maximum)]
        )
    return SelectField(
        field.key,
        choices=lambda: options(
            [(c.key, c.title.get(_locale())) for c in field.choices], blank=BLANK
        ),
        validators=needed,
    )


@functools.cache
def paperwork_form_class(form: Form) -> type[FlaskForm]:
    """The WTForms form of a programme's form: one field per field of its data file."""
    fields = {value_field(f.key): _paperwork_field(f) for f in form.fields}
    return type("PaperworkForm", (FlaskForm,), fields)


def paperwork_form(form: Form, **kwargs: Any) -> FlaskForm:
    """The form of ``form``, labelled in the reader's language."""
    made = paperwork_form_class(form)(**kwargs)
    for field in form.fields:
        made[value_field(field.key)].label.text = field.title.get(_locale())
    return made


def value_field(key: str) -> str:
    """The form field of a data file's field (prefixed: a key may not shadow the form's own
    attributes, such as ``data``)."""
    return f"value_{key}"


class RemoveRowForm(FlaskForm):
    confirm = confirmation()


class ProgressReportForm(FlaskForm):
    """A provider's progress report; the choices of ``target`` are its programmes and
    authorities with engagements under way, set by the page."""

    target = SelectField(_l("Programme and authority"), validators=[DataRequired()])
    period_start = DateField(_l("Period from"), validators=[InputRequired()])
    period_end = DateField(_l("Period to"), validators=[InputRequired()])
    summary = TextAreaField(
        _l("Progress of the work"), validators=[DataRequired(), Length(max=20_000)],
        filters=[_strip],
    )  # fmt: skip


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    programme = FilterForm.programme
    q = StringField(_l("Provider or authority"), validators=[Optional(), Length(max=100)])
