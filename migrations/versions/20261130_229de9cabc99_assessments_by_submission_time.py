"""assessments by submission time: a region's list reads them newest first

Revision ID: 229de9cabc99
Revises: 375746d8b59f
Create Date: 2026-11-30 01:50:11.399428

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '229de9cabc99'
down_revision = '375746d8b59f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index('ix_assessments_submitted_at', ['submitted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_assessments_submitted_at')
