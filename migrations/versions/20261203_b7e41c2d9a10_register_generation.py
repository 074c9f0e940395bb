"""register generation: a number the database raises on every statement that writes
certificates or an evaluation body, so that the public register's pages, kept rendered
under it, are known current while it has not moved (models/generation.py)

Revision ID: b7e41c2d9a10
Revises: 8d9d95b9af5d
Create Date: 2026-12-03 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7e41c2d9a10"
down_revision = "8d9d95b9af5d"
branch_labels = None
depends_on = None

BUMP = "UPDATE data_generations SET value = value + 1 WHERE name = 'register';"

# PostgreSQL: once per statement, whatever the number of rows (a bulk UPDATE of the
# scheduler, a COPY); an organisations statement only when it touched an evaluation body.
POSTGRESQL_UP = f"""
CREATE FUNCTION bump_register_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {BUMP}
  RETURN NULL;
END $$;
CREATE FUNCTION bump_register_generation_for_bodies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed_rows WHERE kind = 'evaluation_body') THEN
    {BUMP}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER certificates_register_generation
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON certificates
  FOR EACH STATEMENT EXECUTE FUNCTION bump_register_generation();
CREATE TRIGGER organisations_inserted_register_generation
  AFTER INSERT ON organisations REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_register_generation_for_bodies();
CREATE TRIGGER organisations_updated_register_generation
  AFTER UPDATE ON organisations REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_register_generation_for_bodies();
CREATE TRIGGER organisations_deleted_register_generation
  AFTER DELETE ON organisations REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_register_generation_for_bodies();
"""
POSTGRESQL_DOWN = """
DROP TRIGGER organisations_deleted_register_generation ON organisations;
DROP TRIGGER organisations_updated_register_generation ON organisations;
DROP TRIGGER organisations_inserted_register_generation ON organisations;
DROP TRIGGER certificates_register_generation ON certificates;
DROP FUNCTION bump_register_generation_for_bodies();
DROP FUNCTION bump_register_generation();
"""

# SQLite has row triggers only; it writes in place, one writer at a time.
SQLITE_TRIGGERS = {
    "certificates_inserted_register_generation": "AFTER INSERT ON certificates",
    "certificates_updated_register_generation": "AFTER UPDATE ON certificates",
    "certificates_deleted_register_generation": "AFTER DELETE ON certificates",
    "organisations_inserted_register_generation": "AFTER INSERT ON organisations WHEN NEW.kind = 'evaluation_body'",
    "organisations_updated_register_generation": "AFTER UPDATE ON organisations"
    " WHEN NEW.kind = 'evaluation_body' OR OLD.kind = 'evaluation_body'",
    "organisations_deleted_register_generation": "AFTER DELETE ON organisations WHEN OLD.kind = 'evaluation_body'",
}


def upgrade():
    op.create_table(
        "data_generations",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_generations")),
    )
    op.execute("INSERT INTO data_generations (name, value) VALUES ('register', 1)")
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
    op.drop_table("data_generations")
