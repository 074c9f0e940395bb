"""account recovery by an authority: one-time passwords on users, the account events record

Revision ID: b3749999729d
Revises: b4dffeb298ac
Create Date: 2026-11-30 04:26:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3749999729d'
down_revision = 'b4dffeb298ac'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts have no one-time password: false for every row, then the model's
    # default for new ones.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('one_time_password_expires_at', sa.DateTime(), nullable=True))

    op.create_table('account_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('reset_link_sent', 'one_time_password_set', name='account_action', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_account_events_actor_id_users')),
    sa.ForeignKeyConstraint(['authority_id'], ['organisations.id'], name=op.f('fk_account_events_authority_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events'))
    )
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_events_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_events_user_id'))
        batch_op.drop_index(batch_op.f('ix_account_events_actor_id'))

    op.drop_table('account_events')

    # Accounts waiting on a one-time password keep it as their password: the forced change
    # and the expiry go with these columns.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('one_time_password_expires_at')
        batch_op.drop_column('must_change_password')
