"""publicity generation: a number the database raises on every statement that writes a
publicity batch or entry, so that the public announcement's pages, kept rendered under it,
are known current while it has not moved (models/generation.py)

Revision ID: c4f19a7e2b63
Revises: 5b8e2f4c1d07
Create Date: 2026-12-07 10:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c4f19a7e2b63"
down_revision = "5b8e2f4c1d07"
branch_labels = None
depends_on = None

BUMP = "UPDATE data_generations SET value = value + 1 WHERE name = 'publicity';"
TABLES = ("publicity_batches", "publicity_entries")

# PostgreSQL: once per statement, whatever the number of rows.
POSTGRESQL_UP = f"""
CREATE FUNCTION bump_publicity_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {BUMP}
  RETURN NULL;
END $$;
""" + "".join(
    f"""
CREATE TRIGGER {table}_publicity_generation
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION bump_publicity_generation();
"""
    for table in TABLES
)

POSTGRESQL_DOWN = (
    "".join(f"DROP TRIGGER {table}_publicity_generation ON {table};\n" for table in TABLES)
    + "DROP FUNCTION bump_publicity_generation();\n"
)

# SQLite has row triggers only; it writes in place, one writer at a time.
SQLITE_TRIGGERS = {
    f"{table}_{event.lower()}_publicity_generation": f"AFTER {event} ON {table}"
    for table in TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
}


def upgrade():
    op.execute("INSERT INTO data_generations (name, value) VALUES ('publicity', 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_UP)
    else:
        for name, when in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {BUMP} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_DOWN)
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.execute("DELETE FROM data_generations WHERE name = 'publicity'")
