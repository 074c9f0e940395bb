"""Form fields for a region (three cascading selects) and an industry (grouped select)."""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import BLANK, options
from app.security.access import in_region
from blueprints.reference import services
from blueprints.reference.names import prefixes_named
from models import Region


class IndustryField(SelectField):
    """A GB/T 4754-2017 division (大类), listed under its section (门类)."""

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("validators", [DataRequired()])
        super().__init__(label, choices=services.industry_choices, **kwargs)

    def pre_validate(self, form):
        if services.get_division(self.data) is None:
            raise ValidationError(_l("Choose an industry from the list."))


def code_prefix(code: str) -> str:
    """The prefix of the codes inside the region of ``code``: 440000 → 44, 440300 → 4403."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


class RegionSearchField(StringField):
    """A list's region box: a GB/T 2260 code of 2, 4 or 6 digits, or the beginning of a
    region's name in Chinese or English (广东, 深圳, Shenzhen). ``prefixes`` holds the code
    prefixes it names ([] when empty or refused); one that names no region is refused beside
    the field — a list then shows nothing rather than the whole country."""

    prefixes: list[str]

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("validators", [Optional(), Length(max=40)])
        kwargs.setdefault("description", _l("e.g. Guangdong, Shenzhen, 44 or 4403"))
        super().__init__(label or _l("Region (name or code)"), **kwargs)
        self.prefixes = []

    def post_validate(self, form, validation_stopped):
        # Full-width digits (３１, as a Chinese input method types them) read as 31.
        term = unicodedata.normalize("NFKC", self.data or "").strip()
        self.prefixes = []
        if not term or self.errors:
            return
        if term.isdigit():
            if len(term) not in (2, 4, 6):
                self.errors = [_l("A region code has 2, 4 or 6 digits: 44, 4403, 440305.")]
                return
            # 310000 is all of Shanghai and 310100 its districts: a region's code without its
            # trailing zero pairs is the prefix of the codes below it.
            self.prefixes = [code_prefix(term)]
        else:
            self.prefixes = prefixes_named(term)
            if not self.prefixes:
                self.errors = [_l("No region is called so: give its name or its code.")]

    def where(self, column: Any) -> sa.ColumnElement[bool] | None:
        """The condition on a region code ``column`` (after validation): the regions named,
        none when the box was refused, None when it is empty."""
        if self.errors:
            return sa.false()
        if not self.prefixes:
            return None
        return sa.or_(*(in_region(prefix, column) for prefix in self.prefixes))


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
