"""impartiality declarations and conflicts of interest: the yearly pledge of evaluators and
alliance reviewers and the organisations they declared a conflict with (issue 20, part 3)

Revision ID: 60d3f88ee14b
Revises: e20a1c7f3b55
Create Date: 2026-12-01 10:56:51.927591

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '60d3f88ee14b'
down_revision = 'e20a1c7f3b55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conflicts_of_interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('relation', sa.Enum('employed', 'consulted', 'interest', name='conflict_relation', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_conflicts_of_interest_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conflicts_of_interest_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts_of_interest'))
    )
    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_of_interest_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_of_interest_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_of_interest_user_id'), ['user_id'], unique=False)

    op.create_table('impartiality_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('pledge_version', sa.String(length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_impartiality_declarations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impartiality_declarations')),
    sa.UniqueConstraint('user_id', 'year', name='uq_impartiality_declarations_user_year')
    )
    with op.batch_alter_table('impartiality_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impartiality_declarations_signed_at'), ['signed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_impartiality_declarations_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_impartiality_declarations_valid_until'), ['valid_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_impartiality_declarations_year'), ['year'], unique=False)



def downgrade():
    with op.batch_alter_table('impartiality_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impartiality_declarations_year'))
        batch_op.drop_index(batch_op.f('ix_impartiality_declarations_valid_until'))
        batch_op.drop_index(batch_op.f('ix_impartiality_declarations_user_id'))
        batch_op.drop_index(batch_op.f('ix_impartiality_declarations_signed_at'))

    op.drop_table('impartiality_declarations')
    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_of_interest_user_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_of_interest_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_of_interest_credit_code'))

    op.drop_table('conflicts_of_interest')
