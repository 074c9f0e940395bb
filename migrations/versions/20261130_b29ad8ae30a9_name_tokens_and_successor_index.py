"""name search by character tokens (GIN on PostgreSQL), codes by prefix, the successor index

Certificates (enterprise_name) and organisations (name) keep their names' single characters
and character pairs in name_tokens, filled here for the rows that exist; PostgreSQL indexes
them with GIN, and certificate numbers and credit codes with the pattern operator class (for
LIKE 'prefix%' under any collation). certificates.supersedes_id gets the index the
successor lookup of a superseded certificate's page needs.

Revision ID: b29ad8ae30a9
Revises: d14c5e7a9b30
Create Date: 2026-11-30 09:00:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'b29ad8ae30a9'
down_revision = 'd14c5e7a9b30'
branch_labels = None
depends_on = None


TOKENS = postgresql.ARRAY(sa.Text).with_variant(sa.JSON(), 'sqlite')
BATCH = 5000
# (table, name column, PostgreSQL pattern index: name, column)
TABLES = (
    ('certificates', 'enterprise_name', 'ix_certificates_number_prefix', 'number'),
    ('organisations', 'name', 'ix_organisations_credit_code_prefix', 'credit_code'),
)


def name_tokens(name):
    """models/search_tokens.name_tokens as of this revision (a migration keeps its own copy)."""
    text = ''.join(ch for ch in unicodedata.normalize('NFKC', name or '').lower() if ch.isalnum())
    return sorted(set(text) | {text[i : i + 2] for i in range(len(text) - 1)})


def _backfill(bind, table_name, name_column):
    """In batches of BATCH rows by id: memory and each statement stay small at any size."""
    table = sa.table(
        table_name,
        sa.column('id', sa.Integer),
        sa.column(name_column, sa.String),
        sa.column('name_tokens', TOKENS),
    )
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam('row_id'))
        .values(name_tokens=sa.bindparam('tokens', type_=TOKENS))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c[name_column])
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(update, [{'row_id': id_, 'tokens': name_tokens(name)} for id_, name in rows])
        last = rows[-1][0]


def upgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == 'postgresql'
    for table_name, name_column, prefix_index, code_column in TABLES:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_tokens', TOKENS, nullable=True))
        _backfill(bind, table_name, name_column)
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.alter_column('name_tokens', existing_type=TOKENS, nullable=False)
            if table_name == 'certificates':
                batch_op.create_index(
                    'ix_certificates_supersedes_id', ['supersedes_id'], unique=False
                )
        if postgresql:
            op.create_index(
                f'ix_{table_name}_name_tokens',
                table_name,
                ['name_tokens'],
                unique=False,
                postgresql_using='gin',
            )
            op.create_index(
                prefix_index,
                table_name,
                [code_column],
                unique=False,
                postgresql_ops={code_column: 'varchar_pattern_ops'},
            )


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table_name, _name_column, prefix_index, _code_column in reversed(TABLES):
        if postgresql:
            op.drop_index(prefix_index, table_name=table_name)
            op.drop_index(f'ix_{table_name}_name_tokens', table_name=table_name)
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            if table_name == 'certificates':
                batch_op.drop_index('ix_certificates_supersedes_id')
            batch_op.drop_column('name_tokens')
