"""The migrations build exactly the schema the models describe, on every backend."""

import warnings

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def _declared_for(dialect: str):
    """Leave out what a model declares for another database only (``Index(…).ddl_if(
    dialect="postgresql")``: a GIN index SQLite has no use for)."""

    def include_object(obj, name, type_, reflected, compare_to):
        only = getattr(obj, "_ddl_if", None)
        if only is None or only.dialect is None:
            return True
        return dialect in ((only.dialect,) if isinstance(only.dialect, str) else only.dialect)

    return include_object


def test_models_and_migrations_agree(app):
    with app.app_context():
        # The test's own connection: on SQLite a second one would wait for its write lock.
        connection = db.session.connection()
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_object": _declared_for(connection.dialect.name),
            },
        )
        with warnings.catch_warnings():
            # SQLite's reflection skips indexes on expressions: checked by name below.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models differ from migrations: {diff}"
        assert _expression_indexes() <= _index_names(connection)


def _expression_indexes() -> set[str]:
    return {
        str(index.name)
        for table in db.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(e, sa.Column) for e in index.expressions)
    }


def _index_names(connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return set(connection.execute(sa.text(query)).scalars())


def test_migration_files_are_dated():
    from pathlib import Path

    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    for path in versions.glob("*.py"):
        assert path.name[:8].isdigit(), path.name
