"""Forms of complaints and appeals: what must be given and within which bounds is said beside
the field; the services check the rules again for callers without a form."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.extensions import db
from app.forms import BLANK, NOT_AN_EMAIL, IntegerField, confirmation, enum_options, options
from blueprints.cases import filing
from blueprints.cases.filing import (
    COMPLAINABLE_KINDS,
    EMAIL_MAX,
    GROUNDS_MAX,
    MAX_FILES,
    NAME_MAX,
    PHONE_MAX,
)
from blueprints.cases.services import NOTE_MAX, REASONS_MAX, RESPONSE_MAX
from models import CaseOutcome, CaseSubject, Organisation

FILES_LABEL = _l("Documents (PDF, Word, Excel or photos; up to %(n)d)", n=MAX_FILES)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _grounds() -> TextAreaField:
    return TextAreaField(
        _l("Grounds"),
        validators=[
            DataRequired(message=_l("Give the grounds.")),
            Length(max=GROUNDS_MAX, message=_l("At most %(n)d characters.", n=GROUNDS_MAX)),
        ],
        filters=[_strip],
    )


class AppealForm(FlaskForm):
    grounds = _grounds()
    files = MultipleFileField(FILES_LABEL)
    confirm = confirmation(_l("I confirm that what I state is true and complete."))


def complainable_choices() -> list[Any]:
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.kind.in_(COMPLAINABLE_KINDS), Organisation.active.is_(True))
        .order_by(Organisation.kind, Organisation.name)
        .limit(500)
    ).all()
    return options(((str(i), f"{name} · {kind.title}") for i, name, kind in rows), blank=BLANK)


class ComplaintForm(FlaskForm):
    subject = RadioField(
        _l("The complaint is about"),
        choices=lambda: enum_options(CaseSubject),
        validators=[DataRequired(message=_l("Choose what the complaint is about."))],
    )
    certificate_number = StringField(
        _l("Certificate number"),
        validators=[Length(max=40)],
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        description=_l("As printed on the certificate, e.g. CSAIII-00918IIIMS0052702."),
    )
    organisation_id = SelectField(
        _l("Evaluation body or consultancy"), choices=complainable_choices, validate_choice=False
    )
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Give your name.")), Length(max=NAME_MAX)],
        filters=[_strip],
    )
    email = StringField(
        _l("Your email address (for the response)"),
        validators=[DataRequired(), Email(message=NOT_AN_EMAIL), Length(max=EMAIL_MAX)],
        filters=[_strip],
    )
    phone = StringField(
        _l("Phone (optional)"), validators=[Optional(), Length(max=PHONE_MAX)], filters=[_strip]
    )
    grounds = _grounds()
    files = MultipleFileField(FILES_LABEL)

    def validate_certificate_number(self, field: StringField) -> None:
        if self.subject.data == CaseSubject.CERTIFICATE.value and not field.data:
            raise ValidationError(_l("Give the certificate's number."))

    def validate_organisation_id(self, field: SelectField) -> None:
        if self.subject.data != CaseSubject.ORGANISATION.value:
            return
        if filing.complainable(self.chosen_organisation()) is None:
            raise ValidationError(_l("Choose an evaluation body or a consultancy from the list."))

    def chosen_organisation(self) -> int | None:
        value = self.organisation_id.data or ""
        return int(value) if value.isdigit() and len(value) <= 10 else None


class AssignForm(FlaskForm):
    handler_id = IntegerField(
        _l("Handler"), validators=[DataRequired(message=_l("Choose the handler."))]
    )


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Investigation note"),
        validators=[DataRequired(message=_l("Write the note.")), Length(max=NOTE_MAX)],
        filters=[_strip],
    )


class AcknowledgeForm(FlaskForm):
    text = TextAreaField(
        _l("A word to the appellant or complainant (optional)"),
        validators=[Optional(), Length(max=RESPONSE_MAX)],
        filters=[_strip],
    )


class DecideForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome"),
        choices=lambda: enum_options(CaseOutcome),
        validators=[DataRequired(message=_l("Choose the outcome."))],
    )
    text = TextAreaField(
        _l("Reasons for the decision"),
        validators=[
            DataRequired(message=_l("Give the reasons for the decision.")),
            Length(max=REASONS_MAX),
        ],
        filters=[_strip],
    )
    # An upheld appeal reopens the decided step of the project or certificate: confirmed.
    confirm = confirmation(_l("Yes, I confirm this decision (an upheld appeal reopens the step)."))


class RespondForm(FlaskForm):
    text = TextAreaField(
        _l("Response (sent to the appellant or complainant)"),
        validators=[
            DataRequired(message=_l("Write the response to send.")),
            Length(max=RESPONSE_MAX),
        ],
        filters=[_strip],
    )


ACTION_FORMS: dict[str, type[FlaskForm]] = {
    "acknowledge": AcknowledgeForm,
    "decide": DecideForm,
    "respond": RespondForm,
}
