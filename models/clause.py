"""The clause catalogue of GB/T 23001-2017 that findings cite (data, editable by the alliance)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model


class Clause(Model):
    __tablename__ = "clauses"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)  # e.g. "9.1.3"
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    sort_key: Mapped[str] = mapped_column(sa.String(40), index=True)  # "009.001.003"
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def display(self) -> str:
        locale = get_locale()
        title = self.title_en if locale is not None and locale.language == "en" else self.title
        return f"{self.code} {title}"
