"""notification email preferences: the categories a user reads in the app only

Revision ID: b13a0c7e5f21
Revises: 9a4d6f2e8c17
Create Date: 2026-11-29 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b13a0c7e5f21'
down_revision = '9a4d6f2e8c17'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_muted', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_muted')
