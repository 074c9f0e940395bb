"""api key expiry reminders: the last reminder sent per key, and the index the job scans

Revision ID: 1c89c86cbb5e
Revises: 93b504f5bb0f
Create Date: 2026-12-01 00:07:42.605230

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1c89c86cbb5e'
down_revision = '93b504f5bb0f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_days', sa.Integer(), nullable=True))
        batch_op.create_index('ix_api_keys_expiry', ['revoked_at', 'expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_api_keys_expiry')
        batch_op.drop_column('reminded_days')
