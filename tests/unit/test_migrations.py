"""The migrations build exactly the schema the models describe, on every backend."""

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
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations: {diff}"


def test_migration_files_are_dated():
    from pathlib import Path

    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    for path in versions.glob("*.py"):
        assert path.name[:8].isdigit(), path.name
