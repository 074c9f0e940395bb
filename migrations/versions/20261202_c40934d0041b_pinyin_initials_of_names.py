"""pinyin initials of names: organisations.name and certificates.enterprise_name keep their
initials (深圳精工机械有限公司 → szjgjxyxgs) in name_initials, and their name_tokens gain the
initials' pairs (^sz …) and first pair (<sz), which the existing GIN index then serves; filled
here in batches for the rows that exist

Revision ID: c40934d0041b
Revises: 9f76af553b50
Create Date: 2026-12-02 09:00:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'c40934d0041b'
down_revision = '9f76af553b50'
branch_labels = None
depends_on = None


TOKENS = postgresql.ARRAY(sa.Text).with_variant(sa.JSON(), 'sqlite')
BATCH = 5000
TABLES = (('certificates', 'enterprise_name'), ('organisations', 'name'))


# models/pinyin.py and models/search_tokens.py as of this revision (a migration keeps its own
# copy: the models may change after it).


def _initials(name):
    from pypinyin import Style, lazy_pinyin
    from pypinyin.seg.mmseg import seg

    text = unicodedata.normalize('NFKC', name or '').lower()
    if not text:
        return ''
    segments = ['c' if s == '长' else s for s in seg.cut(text)]
    letters = ''.join(lazy_pinyin(segments, style=Style.FIRST_LETTER))
    return ''.join(ch for ch in letters if ch.isascii() and ch.isalnum())[:200]


def _name_tokens(name, initials):
    text = ''.join(ch for ch in unicodedata.normalize('NFKC', name or '').lower() if ch.isalnum())
    tokens = set(text) | {text[i : i + 2] for i in range(len(text) - 1)}
    tokens |= {'^' + initials[i : i + 2] for i in range(len(initials) - 1)}
    if len(initials) >= 2:
        tokens.add('<' + initials[:2])
    return sorted(tokens)


def _char_tokens(name):
    """The tokens before this revision (the downgrade's)."""
    text = ''.join(ch for ch in unicodedata.normalize('NFKC', name or '').lower() if ch.isalnum())
    return sorted(set(text) | {text[i : i + 2] for i in range(len(text) - 1)})


def _rewrite(bind, table_name, name_column, values):
    """Each row's new values from its name, in batches of BATCH rows by id: memory and each
    statement stay small at any size."""
    table = sa.table(
        table_name,
        sa.column('id', sa.Integer),
        sa.column(name_column, sa.String),
        sa.column('name_tokens', TOKENS),
        sa.column('name_initials', sa.String),
    )
    columns = values(None).keys()
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam('row_id'))
        .values(
            {
                column: sa.bindparam(
                    f'new_{column}', type_=TOKENS if column == 'name_tokens' else sa.String
                )
                for column in columns
            }
        )
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
        bind.execute(
            update,
            [
                {'row_id': id_, **{f'new_{k}': v for k, v in values(name).items()}}
                for id_, name in rows
            ],
        )
        last = rows[-1][0]


def _with_initials(name):
    initials = _initials(name)
    return {'name_initials': initials, 'name_tokens': _name_tokens(name, initials)}


def upgrade():
    bind = op.get_bind()
    for table_name, name_column in TABLES:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_initials', sa.String(length=200), nullable=True))
        _rewrite(bind, table_name, name_column, _with_initials)
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.alter_column(
                'name_initials', existing_type=sa.String(length=200), nullable=False
            )


def downgrade():
    bind = op.get_bind()
    for table_name, name_column in reversed(TABLES):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_column('name_initials')
        _rewrite(bind, table_name, name_column, lambda name: {'name_tokens': _char_tokens(name)})
