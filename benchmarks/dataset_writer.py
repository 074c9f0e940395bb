"""Bulk writing of the generated rows: COPY on PostgreSQL, executemany on SQLite.

Rows arrive as tuples in the order of the columns declared for their table, with their ids
already assigned, so nothing is read back. Before a table is written its columns are checked
against the schema: a NOT NULL column without a server default that the generator does not
fill (a column added since) stops the run with its name rather than with a database error.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import sqlalchemy as sa
from psycopg import sql

from benchmarks.dataset_core import JsonText

SQLITE_BATCH = 5_000


@functools.lru_cache(maxsize=4096)
def _name_initials(name: str) -> str:
    # Cached: a holder's certificates repeat its name, and each row asks twice (below).
    from models.pinyin import initials

    return initials(name)


def _name_tokens(name: str) -> list[str]:
    from models.search_tokens import name_tokens

    return name_tokens(name, _name_initials(name))


# Columns the app keeps from another column of the same row on every write (search tokens,
# pinyin initials): filled here when the schema has them, from the column named.
DERIVED: dict[tuple[str, str], tuple[str, Callable[[Any], Any]]] = {
    ("organisations", "name_tokens"): ("name", _name_tokens),
    ("organisations", "name_initials"): ("name", _name_initials),
    ("certificates", "name_tokens"): ("enterprise_name", _name_tokens),
    ("certificates", "name_initials"): ("enterprise_name", _name_initials),
}


class SchemaMismatch(Exception):
    pass


class Writer:
    def __init__(self, connection: sa.Connection, metadata: sa.MetaData) -> None:
        self.connection = connection
        self.metadata = metadata
        self.postgres = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def check(self, name: str, columns: Sequence[str]) -> sa.Table:
        table = self.metadata.tables.get(name)
        if table is None:
            raise SchemaMismatch(f"{name}: no such table in the models")
        unknown = [c for c in columns if c not in table.c]
        if unknown:
            raise SchemaMismatch(f"{name}: no column(s) {', '.join(unknown)}")
        missing = [
            c.name
            for c in table.c
            if c.name not in columns
            and not c.nullable
            and c.server_default is None
            and not (c.primary_key and c.autoincrement is True)
        ]
        if missing:
            raise SchemaMismatch(
                f"{name}: the generator fills no value for required column(s) "
                f"{', '.join(missing)}: extend benchmarks/dataset_*.py"
            )
        return table

    def write(self, name: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        table = self.metadata.tables[name]
        derived = [
            (column, columns.index(source), compute)
            for (table_name, column), (source, compute) in DERIVED.items()
            if table_name == name and column in table.c and column not in columns
        ]
        if derived:
            columns = (*columns, *(column for column, _, _ in derived))
            rows = _with_derived(rows, [(i, compute) for _, i, compute in derived])
        table = self.check(name, columns)
        json_columns = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.JSON)]
        if self.postgres:
            written = self._copy(name, columns, rows, json_columns)
        else:
            written = self._insert(table, columns, rows, json_columns)
        self.counts[name] = self.counts.get(name, 0) + written
        return written

    def _copy(
        self,
        name: str,
        columns: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        json_columns: list[int],
    ) -> int:
        raw = self.connection.connection.driver_connection
        assert raw is not None, "a live psycopg connection"
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(name), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        written = 0
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(_json_row(row, json_columns) if json_columns else row)
                written += 1
        return written

    def _insert(
        self,
        table: sa.Table,
        columns: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        json_columns: list[int],
    ) -> int:
        written = 0
        iterator: Iterator[tuple[Any, ...]] = iter(rows)
        while batch := list(islice(iterator, SQLITE_BATCH)):
            dicts = []
            for row in batch:
                values = dict(zip(columns, row, strict=True))
                for i in json_columns:  # the JSON type serialises: give it the object
                    value = row[i]
                    if isinstance(value, JsonText):
                        values[columns[i]] = json.loads(value)
                dicts.append(values)
            self.connection.execute(table.insert(), dicts)
            written += len(batch)
        return written

    def deferred_checks(self, names: Sequence[str]) -> DeferredChecks:
        """PostgreSQL: the tables' foreign keys and secondary indexes, dropped for the load and
        restored after it (one set-based check per key, one sort per index, instead of a lookup
        and an index insert per row); primary keys, unique and check constraints stay. SQLite
        checks each row's keys as it is inserted."""
        return DeferredChecks(self.connection, names if self.postgres else ())

    def reset_sequences(self, names: Iterable[str]) -> None:
        """PostgreSQL: move each id sequence past the ids written, so the app's inserts go on."""
        if not self.postgres:
            return
        for name in names:
            table = self.metadata.tables[name]
            if "id" not in table.c or not table.c.id.primary_key:
                continue
            self.connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - table names from the models
                    f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"
                )
            )


def _with_derived(
    rows: Iterable[tuple[Any, ...]], derived: list[tuple[int, Callable[[Any], Any]]]
) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield (*row, *(compute(row[i]) for i, compute in derived))


def _json_row(row: tuple[Any, ...], json_columns: list[int]) -> list[Any]:
    values = list(row)
    for i in json_columns:
        value = values[i]
        if value is not None and not isinstance(value, JsonText):
            values[i] = json.dumps(value, ensure_ascii=False)
    return values


class DeferredChecks:
    """Drops and restores, exactly as the schema defines them (pg_get_constraintdef and
    pg_indexes), the foreign keys of the given tables and their indexes that back no
    constraint. Restoring adds each key back, which checks every row at once."""

    def __init__(self, connection: sa.Connection, names: Sequence[str]) -> None:
        self.connection = connection
        self.keys: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []
        if not names:
            return
        tables = list(names)
        self.keys = [
            (table, name, definition)
            for table, name, definition in connection.execute(
                sa.text(
                    "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                    "FROM pg_constraint c WHERE c.contype = 'f' "
                    "AND c.conrelid::regclass::text = ANY(:tables) ORDER BY 1, 2"
                ),
                {"tables": tables},
            )
        ]
        self.indexes = [
            (name, definition)
            for name, definition in connection.execute(
                sa.text(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables) "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
                    "quote_ident(i.indexname))::regclass) ORDER BY 1"
                ),
                {"tables": tables},
            )
        ]

    def __enter__(self) -> DeferredChecks:
        for table, name, _definition in self.keys:
            self.connection.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in self.indexes:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None:  # the transaction rolls back: nothing to restore
            return
        for _name, definition in self.indexes:
            self.connection.exec_driver_sql(definition)
        for table, name, definition in self.keys:
            self.connection.exec_driver_sql(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            )
