"""the county authority's agreement with the expert group's acceptance verdict (issue 21): it may
disagree with a pass; the opinions already given followed the verdict

Revision ID: 3c7a2f9e1d05
Revises: 0c714deb78e0
Create Date: 2026-12-02 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c7a2f9e1d05'
down_revision = '0c714deb78e0'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column is added in place on SQLite too (no copy of the table, its triggers
    # kept): batch mode recreates a table only for what ALTER TABLE cannot do.
    with op.batch_alter_table('reform_acceptances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_agrees', sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE reform_acceptances SET county_agrees = TRUE WHERE county_opinion_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('reform_acceptances', schema=None) as batch_op:
        batch_op.drop_column('county_agrees')
