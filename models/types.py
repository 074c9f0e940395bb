"""Column helpers shared by the models."""

import enum

import sqlalchemy as sa


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
