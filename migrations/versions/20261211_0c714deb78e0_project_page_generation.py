"""project page generation: a number on each project the database raises whenever a row its
page shows changes (the project, its history, documents, audits, certificates and appeals),
and a 'names' generation
raised when a person or an organisation is renamed, so that the page's read-only parts, kept
rendered under both, are known current while neither has moved (blueprints/projects/record.py)

Revision ID: 0c714deb78e0
Revises: 19572edc4d0f
Create Date: 2026-12-11 09:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0c714deb78e0"
down_revision = "19572edc4d0f"
branch_labels = None
depends_on = None

# The tables whose rows a project's page shows, each with a project_id.
CHILDREN = ("project_events", "documents", "audits", "certificates", "cases")
BUMP_NAMES = "UPDATE data_generations SET value = value + 1 WHERE name = 'names';"

# PostgreSQL: once per statement over the projects it touched (a COPY of a million history
# rows is one UPDATE), with transition tables, which take one event per trigger.
POSTGRESQL_FUNCTIONS = f"""
CREATE FUNCTION bump_project_page_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE projects SET page_generation = page_generation + 1
   WHERE id IN (SELECT DISTINCT project_id FROM changed_rows);
  RETURN NULL;
END $$;
CREATE FUNCTION raise_project_page_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.page_generation = OLD.page_generation THEN
    NEW.page_generation := OLD.page_generation + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION bump_names_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {BUMP_NAMES}
  RETURN NULL;
END $$;
CREATE TRIGGER projects_page_generation BEFORE UPDATE ON projects
  FOR EACH ROW EXECUTE FUNCTION raise_project_page_generation();
CREATE TRIGGER users_names_generation AFTER UPDATE OF name OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION bump_names_generation();
CREATE TRIGGER organisations_names_generation AFTER UPDATE OF name OR DELETE ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION bump_names_generation();
"""
POSTGRESQL_EVENTS = {"inserted": ("INSERT", "NEW"), "updated": ("UPDATE", "NEW"), "deleted": ("DELETE", "OLD")}


def _postgresql_child_triggers():
    for table in CHILDREN:
        for suffix, (event, side) in POSTGRESQL_EVENTS.items():
            yield (
                f"{table}_{suffix}_page_generation",
                f"CREATE TRIGGER {table}_{suffix}_page_generation AFTER {event} ON {table}"
                f" REFERENCING {side} TABLE AS changed_rows"
                " FOR EACH STATEMENT EXECUTE FUNCTION bump_project_page_generation()",
                table,
            )


# SQLite has row triggers only and cannot change NEW: the project's own row is raised by a
# second UPDATE, which names no column the trigger listens to, so it does not fire again.
PROJECT_COLUMNS = (
    "status", "scope", "capabilities", "sites", "self_consulting", "consultancy_id",
    "operation_started_on", "body_id", "lead_evaluator_id", "lock_version",
)  # fmt: skip


def _sqlite_triggers():
    bump = "UPDATE projects SET page_generation = page_generation + 1 WHERE id = {}.project_id;"
    for table in CHILDREN:
        yield f"{table}_inserted_page_generation", f"AFTER INSERT ON {table}", bump.format("NEW")
        yield f"{table}_updated_page_generation", f"AFTER UPDATE ON {table}", bump.format("NEW")
        yield f"{table}_deleted_page_generation", f"AFTER DELETE ON {table}", bump.format("OLD")
    yield (
        "projects_page_generation",
        f"AFTER UPDATE OF {', '.join(PROJECT_COLUMNS)} ON projects",
        "UPDATE projects SET page_generation = page_generation + 1 WHERE id = NEW.id;",
    )
    yield "users_renamed_names_generation", "AFTER UPDATE OF name ON users", BUMP_NAMES
    yield "users_deleted_names_generation", "AFTER DELETE ON users", BUMP_NAMES
    yield "organisations_renamed_names_generation", "AFTER UPDATE OF name ON organisations", BUMP_NAMES
    yield "organisations_deleted_names_generation", "AFTER DELETE ON organisations", BUMP_NAMES


def upgrade():
    op.add_column(
        "projects",
        sa.Column("page_generation", sa.BigInteger(), server_default="1", nullable=False),
    )
    op.execute("INSERT INTO data_generations (name, value) VALUES ('names', 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTIONS)
        for _name, sql, _table in _postgresql_child_triggers():
            op.execute(sql)
    else:
        for name, when, body in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _sql, table in _postgresql_child_triggers():
            op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute("DROP TRIGGER organisations_names_generation ON organisations")
        op.execute("DROP TRIGGER users_names_generation ON users")
        op.execute("DROP TRIGGER projects_page_generation ON projects")
        op.execute("DROP FUNCTION bump_names_generation()")
        op.execute("DROP FUNCTION raise_project_page_generation()")
        op.execute("DROP FUNCTION bump_project_page_generation()")
    else:
        for name, _when, _body in _sqlite_triggers():
            op.execute(f"DROP TRIGGER {name}")
    op.execute("DELETE FROM data_generations WHERE name = 'names'")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("page_generation")
