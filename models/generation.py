"""Generations of data the public pages show: a number the database itself raises whenever a
row they depend on changes (triggers, see the migration "register generation"), so that a
page rendered under one generation is known to be current while the number has not moved.

``register``: the public register of certificates (its rows, and the evaluation bodies it
names and filters by). Raised by every statement writing certificates or an evaluation body,
whichever code path writes them — the ORM, a bulk UPDATE of the scheduler, a COPY.

``names``: the names of people and organisations, raised by every statement renaming or
deleting a user or an organisation (the project pages' kept halves name them).

Projects carry their own generation, ``projects.page_generation``, raised by the database with
every change of the project's row, its history, documents or audits (migration "project page
generation").

``publicity``: the public announcement (its batches and entries), raised likewise by every
statement writing a publicity batch or entry.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model

REGISTER = "register"
PUBLICITY = "publicity"
NAMES = "names"


class DataGeneration(Model):
    __tablename__ = "data_generations"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=1)
