"""certificate request outcomes: the alliance carries a holder's request out or declines it

Revision ID: c13b1d8f6a32
Revises: b13a0c7e5f21
Create Date: 2026-11-29 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c13b1d8f6a32'
down_revision = 'b13a0c7e5f21'
branch_labels = None
depends_on = None


# Requests handled before this revision were settled by a change of their certificate (it
# left force): they keep no outcome of their own, which is what NULL says.
OUTCOME = sa.Enum(
    'done', 'declined', name='request_outcome', native_enum=False, create_constraint=True, length=32
)


def upgrade():
    with op.batch_alter_table('certificate_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', OUTCOME, nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_index('ix_certificate_requests_handled_at', ['handled_at'], unique=False)


def downgrade():
    with op.batch_alter_table('certificate_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_requests_handled_at')
        batch_op.drop_column('lock_version')
        batch_op.drop_column('decision_reason')
        # Its CHECK first: SQLite's copy of the table would otherwise keep a CHECK on a column
        # it no longer has.
        batch_op.drop_constraint(op.f('ck_certificate_requests_request_outcome'), type_='check')
        batch_op.drop_column('outcome')
