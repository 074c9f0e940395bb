"""Column helpers and the enum base shared by the models."""

from __future__ import annotations

import enum
from typing import Any, Self

import sqlalchemy as sa


class TitledEnum(enum.Enum):
    """An enum whose members carry their translated title beside their stored value.

    ``VALID = "valid", _l("Valid")``: the value is what the database stores, the title is
    what a person reads, in the language of the request (lazy strings are resolved on use).
    """

    _value_: str
    _title: Any

    # Called once per member as the class is built; afterwards ``Status("valid")`` looks the
    # member up by its value (hence the default, for the type checker's sake).
    def __new__(cls, value: str, title: Any = None) -> Self:
        member = object.__new__(cls)
        member._value_ = value
        member._title = title
        return member

    @property
    def title(self) -> str:
        return str(self._title)


def enum_column_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """Store an enum by its value as a short string guarded by a CHECK constraint.

    A string plus CHECK works the same on SQLite and PostgreSQL and, unlike a native
    PostgreSQL enum, can gain a value with a plain migration.
    """
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )
