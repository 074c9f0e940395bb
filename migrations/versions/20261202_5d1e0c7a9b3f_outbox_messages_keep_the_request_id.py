"""outbox messages keep the id of the request or job run that queued them (app.request_ids),
so that a message is found again in the logs of the node that queued it

Revision ID: 5d1e0c7a9b3f
Revises: c40934d0041b
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e0c7a9b3f'
down_revision = 'c40934d0041b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('request_id')
