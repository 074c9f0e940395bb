"""The forms of a reform project's review: the city names the third parties, the evaluation
body grades (the SME level table of every evaluation, plus the date, the systems checked and
the report), its expert group records 附件5, the county adds its opinion, the audit firm files
the special audit report."""

from __future__ import annotations

import functools
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import DateField, DecimalField, enum_options, options
from blueprints.diagnosis import forms as sme_forms
from blueprints.diagnosis.sme_level import EvaluationTable
from blueprints.reform.review import MEMBER_NAME_MAX, MEMBERS_MAX, TEXT_MAX
from models import AcceptanceVerdict
from models.reform import AMOUNT_MAX

_FILE = [FileRequired(message=_l("Choose a file to upload."))]
_PDF = _l("PDF only.")


class AppointForm(FlaskForm):
    body = SelectField(_l("Third-party evaluation body"), validators=[Optional()], choices=[])
    firm = SelectField(_l("Third-party audit firm"), validators=[Optional()], choices=[])


class _GradingFields:
    graded_on = DateField(_l("Graded on site on"), validators=[InputRequired()])
    systems_checked = TextAreaField(
        _l("Systems checked running on site"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description=_l("Which systems the evaluation found live, and how they run."),
    )
    report = FileField(_l("SME digital level evaluation report"), validators=_FILE,
                       description=_PDF)  # fmt: skip


@functools.cache
def grading_class(table: EvaluationTable) -> type[Any]:
    """The SME level form of ``table`` with the grading's own fields."""
    base = sme_forms.form_class(table)
    fields = {k: v for k, v in vars(_GradingFields).items() if not k.startswith("__")}
    return type("ReformGradingForm", (base,), fields)


def grading_form(table: EvaluationTable, *, previous: Any = None, **kwargs: Any) -> Any:
    data: dict[str, Any] = {}
    if previous is not None:
        data |= {sme_forms.points_field(k): v for k, v in previous.points.items()}
        data |= {sme_forms.level_field(k): str(v) for k, v in previous.levels.items()}
    form = grading_class(table)(data=data, **kwargs)
    del form.pledge  # the evaluation body signs by recording; the pledge is the enterprise's
    return form


class AcceptanceForm(FlaskForm):
    members = TextAreaField(
        _l("Members of the expert group"),
        validators=[DataRequired(), Length(max=(MEMBER_NAME_MAX + 1) * MEMBERS_MAX)],
        description=_l("One name a line; you, who record the opinion, lead the group."),
    )
    reviewed_on = DateField(_l("Written review on"), validators=[InputRequired()])
    site_checked_on = DateField(_l("On-site check on"), validators=[InputRequired()])
    verdict = SelectField(
        _l("Verdict"),
        validators=[DataRequired()],
        choices=lambda: enum_options(AcceptanceVerdict, blank=_l("— choose —")),
    )
    opinion = TextAreaField(
        _l("Opinion of the third-party evaluation body"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
    )
    corrections = TextAreaField(
        _l("Improvements or corrections required"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Required unless the project passes as it is."),
    )
    signed = FileField(_l("Signed acceptance opinion"), validators=_FILE, description=_PDF)


AGREE, DISAGREE = "agree", "disagree"


class CountyOpinionForm(FlaskForm):
    agrees = RadioField(
        _l("The county authority's conclusion"),
        validators=[InputRequired()],
        choices=lambda: options(
            [
                (AGREE, _l("Agree with the expert group")),
                (DISAGREE, _l("Disagree: the project goes back to rectification")),
            ]
        ),
        default=AGREE,
    )
    opinion = TextAreaField(
        _l("Opinion of the county authority"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description=_l("Your reasons, above all when you disagree."),
    )


class AuditReportForm(FlaskForm):
    reported_on = DateField(_l("Report dated"), validators=[InputRequired()])
    eligible_cost = DecimalField(
        _l("Eligible project cost (yuan)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0.01, max=AMOUNT_MAX)],
    )
    conclusion = TextAreaField(_l("Conclusion"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    report = FileField(_l("Special audit report"), validators=_FILE, description=_PDF)
