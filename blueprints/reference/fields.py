"""Form fields for a region (three cascading selects) and an industry (grouped select)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired, ValidationError

from app.forms import BLANK, options
from blueprints.reference import services
from models import Region


class IndustryField(SelectField):
    """A GB/T 4754-2017 division (大类), listed under its section (门类)."""

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("validators", [DataRequired()])
        super().__init__(label, choices=services.industry_choices, **kwargs)

    def pre_validate(self, form):
        if services.get_division(self.data) is None:
            raise ValidationError(_l("Choose an industry from the list."))


class RegionFields:
    """Mixin: province → prefecture → county. Each select lists the previous one's children.

    Municipalities (北京, 上海, 天津, 重庆) have no prefecture level in GB/T 2260, so their
    second select lists districts directly and the third stays empty.
    """

    region_1 = SelectField(_l("Province"), validate_choice=False)
    region_2 = SelectField(_l("City"), validate_choice=False)
    region_3 = SelectField(_l("District / county"), validate_choice=False)

    #: whether the deepest choice must be a leaf (a county); authorities may sit higher
    region_leaf_required = True
    region: Region | None = None

    def populate_region_choices(self) -> None:
        def regions(rows):
            return options(((r.code, r.display_name) for r in rows), blank=BLANK)

        self.region_1.choices = regions(services.provinces())
        self.region_2.choices = regions(services.children(self.region_1.data))
        self.region_3.choices = regions(services.children(self.region_2.data))

    def set_region(self, code: str | None) -> None:
        chain = services.region_chain(code)
        for field, region in zip(
            (self.region_1, self.region_2, self.region_3), chain, strict=False
        ):
            field.data = region.code

    def validate_region_1(self, _field) -> None:
        picked = [f.data for f in (self.region_1, self.region_2, self.region_3) if f.data]
        if not picked:
            raise ValidationError(_l("Choose a region."))
        chain = services.region_chain(picked[-1])
        if [r.code for r in chain] != picked:
            raise ValidationError(_l("The chosen regions do not belong together."))
        if self.region_leaf_required and services.has_children(picked[-1]):
            raise ValidationError(_l("Choose the district or county as well."))
        self.region = chain[-1]
