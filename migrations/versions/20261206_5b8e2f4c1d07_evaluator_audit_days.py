"""evaluator audit days (issue 20, part 5): completed audits' team rows per evaluation body and
completion day, kept by the scheduler for the evaluators-by-body report

Revision ID: 5b8e2f4c1d07
Revises: 3a9d5c1e7b24
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2f4c1d07'
down_revision = '3a9d5c1e7b24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluator_audit_days',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('led', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['organisations.id'], name=op.f('fk_evaluator_audit_days_body_id_organisations')),
    sa.PrimaryKeyConstraint('body_id', 'day', name=op.f('pk_evaluator_audit_days'))
    )


def downgrade():
    op.drop_table('evaluator_audit_days')
