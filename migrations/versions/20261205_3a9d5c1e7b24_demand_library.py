"""the demand library: per enterprise diagnosed, the needs filed under the programme's
scenarios and the products and solutions matched to each (issue 21, part 1)

Revision ID: 3a9d5c1e7b24
Revises: e1cc77515013
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a9d5c1e7b24'
down_revision = 'e1cc77515013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('demand_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('scenario_code', sa.String(length=8), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('need', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_demand_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['engagement_id'], ['diagnosis_engagements.id'], name=op.f('fk_demand_entries_engagement_id_diagnosis_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organisations.id'], name=op.f('fk_demand_entries_enterprise_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_entries'))
    )
    with op.batch_alter_table('demand_entries', schema=None) as batch_op:
        batch_op.create_index('ix_demand_entries_enterprise', ['enterprise_id', 'created_at'], unique=False)
        batch_op.create_index('ix_demand_entries_scenario', ['scenario_code', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_entries_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('demand_solutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('price_low', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('price_high', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('origin', sa.Enum('existing', 'new', name='solution_origin', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('price_low >= 0 AND price_low <= price_high AND price_high <= 100000', name=op.f('ck_demand_solutions_price_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_demand_solutions_created_by_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['demand_entries.id'], name=op.f('fk_demand_solutions_entry_id_demand_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_demand_solutions_provider_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_solutions'))
    )
    with op.batch_alter_table('demand_solutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_solutions_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_solutions_provider_id'), ['provider_id'], unique=False)


def downgrade():
    with op.batch_alter_table('demand_solutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_solutions_provider_id'))
        batch_op.drop_index(batch_op.f('ix_demand_solutions_entry_id'))

    op.drop_table('demand_solutions')
    with op.batch_alter_table('demand_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_entries_engagement_id'))
        batch_op.drop_index('ix_demand_entries_scenario')
        batch_op.drop_index('ix_demand_entries_enterprise')

    op.drop_table('demand_entries')
