from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from app.extensions import db
from app.forms import NOT_AN_EMAIL, DateField, enum_options, options
from blueprints.auth.forms import language_choices
from blueprints.reference.fields import RegionFields
from models import Organisation, OrgKind, OutboxStatus, Role

STAFF_KINDS = (
    OrgKind.CONSULTANCY,
    OrgKind.EVALUATION_BODY,
    OrgKind.ALLIANCE,
    OrgKind.AUTHORITY,
    OrgKind.SERVICE_PROVIDER,
    OrgKind.THINK_TANK,
)


def staff_organisation_choices():
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.kind.in_(STAFF_KINDS), Organisation.active.is_(True))
        .order_by(Organisation.kind, Organisation.name)
    ).all()
    return [
        choice
        for org_id, name, kind in rows
        for choice in options([(str(org_id), name)], optgroup=kind.title)
    ]


class StaffUserForm(FlaskForm):
    organisation = SelectField(
        _l("Organisation"), choices=staff_organisation_choices, validators=[DataRequired()]
    )
    role = SelectField(_l("Role"), choices=lambda: enum_options(Role), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(message=NOT_AN_EMAIL), Length(max=254)]
    )
    locale = SelectField(_l("Preferred language"), choices=language_choices, default="zh")
    is_org_admin = BooleanField(_l("Administrator of this organisation"))


class OrganisationForm(RegionFields, FlaskForm):
    region_leaf_required = False

    kind = SelectField(
        _l("Kind"), choices=lambda: enum_options(STAFF_KINDS), validators=[DataRequired()]
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    body_code = StringField(
        _l("Evaluation body code"),
        validators=[Optional(), Regexp(r"^\d{3}$", message=_l("Three digits, e.g. 009."))],
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    contact_email = EmailField(
        _l("Contact email"), validators=[Optional(), Email(message=NOT_AN_EMAIL), Length(max=254)]
    )

    def validate_region_1(self, field):
        # A region is needed only for authorities; other kinds may leave it empty.
        if self.kind.data != OrgKind.AUTHORITY.value and not any(
            f.data for f in (self.region_1, self.region_2, self.region_3)
        ):
            self.region = None
            return
        super().validate_region_1(field)


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Role"),
        validators=[Optional()],
        choices=lambda: enum_options(Role, blank=_l("All roles")),
    )
    kind = SelectField(
        _l("Kind of organisation"),
        validators=[Optional()],
        choices=lambda: enum_options(OrgKind, blank=_l("All kinds")),
    )
    active = SelectField(
        _l("Account"),
        validators=[Optional()],
        choices=lambda: options(
            [("active", _l("Active")), ("inactive", _l("Inactive"))], blank=_l("All")
        ),
    )

    FILTERS = ("q", "role", "kind", "active", "sort")


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=lambda: enum_options(OutboxStatus, blank=_l("All")),
    )
    q = StringField(
        _l("Recipient"),
        validators=[Optional(), Length(max=254)],
        description=_l("A part of the address, e.g. @example.com"),
    )
    since = DateField(_l("Created from"), validators=[Optional()])
    until = DateField(_l("Created until"), validators=[Optional()])

    FILTERS = ("status", "q", "since", "until", "sort")
