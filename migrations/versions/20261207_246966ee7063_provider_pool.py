"""provider pool (issue 21, part 2): a programme's service-provider pool — applications with
products and qualification files, expert reviews, publicity objections, satisfaction surveys,
history; the providers and products the demand library already matched become admitted places

Revision ID: 246966ee7063
Revises: c4f19a7e2b63
Create Date: 2026-12-07 17:03:03.257147

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '246966ee7063'
down_revision = 'c4f19a7e2b63'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pool_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_key', sa.String(length=40), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'in_review', 'reviewed', 'refused', 'in_publicity', 'admitted', 'suspended', 'removed', name='pool_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(), nullable=False),
    sa.Column('qualifications', sa.Text(), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('publicity_starts_on', sa.Date(), nullable=True),
    sa.Column('publicity_ends_on', sa.Date(), nullable=True),
    sa.Column('publicity_estimated', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Numeric(precision=3, scale=2), nullable=True),
    sa.Column('rated_surveys', sa.Integer(), nullable=False),
    sa.Column('rated_acceptances', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('publicity_ends_on IS NULL OR publicity_ends_on >= publicity_starts_on', name=op.f('ck_pool_members_publicity_forward')),
    sa.CheckConstraint('rating IS NULL OR (rating >= 1 AND rating <= 5)', name=op.f('ck_pool_members_rating_range')),
    sa.ForeignKeyConstraint(['authority_id'], ['organisations.id'], name=op.f('fk_pool_members_authority_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pool_members_created_by_id_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_pool_members_provider_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_members')),
    sa.UniqueConstraint('programme_key', 'authority_id', 'provider_id', name=op.f('uq_pool_members_programme_key'))
    )
    with op.batch_alter_table('pool_members', schema=None) as batch_op:
        batch_op.create_index('ix_pool_members_authority', ['authority_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_members_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('ix_pool_members_status', ['status', 'publicity_ends_on'], unique=False)

    op.create_table('pool_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_pool_events_actor_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['pool_members.id'], name=op.f('fk_pool_events_member_id_pool_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_events'))
    )
    with op.batch_alter_table('pool_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_events_member_id'), ['member_id'], unique=False)

    op.create_table('pool_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['pool_members.id'], name=op.f('fk_pool_files_member_id_pool_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_pool_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_pool_files_stored_name'))
    )
    with op.batch_alter_table('pool_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_files_member_id'), ['member_id'], unique=False)

    op.create_table('pool_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('open', 'upheld', 'dismissed', name='pool_objection_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_pool_objections_decided_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['pool_members.id'], name=op.f('fk_pool_objections_member_id_pool_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_objections'))
    )
    with op.batch_alter_table('pool_objections', schema=None) as batch_op:
        batch_op.create_index('ix_pool_objections_address', ['address_hash', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_objections_member_id'), ['member_id'], unique=False)

    op.create_table('pool_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('scenario_code', sa.String(length=8), nullable=False),
    sa.Column('price_low', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('price_high', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('origin', sa.Enum('existing', 'new', name='solution_origin', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.CheckConstraint('price_low >= 0 AND price_low <= price_high AND price_high <= 100000', name=op.f('ck_pool_products_price_range')),
    sa.ForeignKeyConstraint(['member_id'], ['pool_members.id'], name=op.f('fk_pool_products_member_id_pool_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_products'))
    )
    with op.batch_alter_table('pool_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_products_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_pool_products_scenario', ['scenario_code'], unique=False)

    op.create_table('pool_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('recommends', sa.Boolean(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_pool_reviews_expert_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['pool_members.id'], name=op.f('fk_pool_reviews_member_id_pool_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_reviews')),
    sa.UniqueConstraint('member_id', 'expert_id', name=op.f('uq_pool_reviews_member_id'))
    )
    with op.batch_alter_table('pool_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_reviews_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_reviews_member_id'), ['member_id'], unique=False)

    op.create_table('provider_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_provider_surveys_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organisations.id'], name=op.f('fk_provider_surveys_enterprise_id_organisations')),
    sa.ForeignKeyConstraint(['member_id'], ['pool_members.id'], name=op.f('fk_provider_surveys_member_id_pool_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_surveys')),
    sa.UniqueConstraint('member_id', 'enterprise_id', name=op.f('uq_provider_surveys_member_id'))
    )
    with op.batch_alter_table('provider_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_surveys_member_id'), ['member_id'], unique=False)

    # The providers the demand library already matched were taken into the programmes'
    # pools by hand: they become admitted places of the pool of the engagement's programme and
    # authority, with the solutions matched as their products (by name, the widest price).
    op.execute(
        """
        INSERT INTO pool_members (programme_key, authority_id, provider_id, status,
            status_changed_at, qualifications, decision_reason, publicity_estimated,
            rated_surveys, rated_acceptances, created_by_id, created_at, lock_version)
        SELECT e.programme_key, e.authority_id, s.provider_id, 'admitted', MIN(s.created_at),
            '', '', false, 0, 0, MIN(s.created_by_id), MIN(s.created_at), 1
        FROM demand_solutions s
        JOIN demand_entries d ON d.id = s.entry_id
        JOIN diagnosis_engagements e ON e.id = d.engagement_id
        GROUP BY e.programme_key, e.authority_id, s.provider_id
        """
    )
    op.execute(
        """
        INSERT INTO pool_products (member_id, name, scenario_code, price_low, price_high, origin)
        SELECT m.id, s.name, MIN(d.scenario_code), MIN(s.price_low), MAX(s.price_high),
            MIN(s.origin)
        FROM demand_solutions s
        JOIN demand_entries d ON d.id = s.entry_id
        JOIN diagnosis_engagements e ON e.id = d.engagement_id
        JOIN pool_members m ON m.programme_key = e.programme_key
            AND m.authority_id = e.authority_id AND m.provider_id = s.provider_id
        GROUP BY m.id, s.name
        """
    )


def downgrade():
    with op.batch_alter_table('provider_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_surveys_member_id'))

    op.drop_table('provider_surveys')
    with op.batch_alter_table('pool_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_reviews_member_id'))
        batch_op.drop_index(batch_op.f('ix_pool_reviews_expert_id'))

    op.drop_table('pool_reviews')
    with op.batch_alter_table('pool_products', schema=None) as batch_op:
        batch_op.drop_index('ix_pool_products_scenario')
        batch_op.drop_index(batch_op.f('ix_pool_products_member_id'))

    op.drop_table('pool_products')
    with op.batch_alter_table('pool_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_objections_member_id'))
        batch_op.drop_index('ix_pool_objections_address')

    op.drop_table('pool_objections')
    with op.batch_alter_table('pool_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_files_member_id'))

    op.drop_table('pool_files')
    with op.batch_alter_table('pool_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_events_member_id'))

    op.drop_table('pool_events')
    with op.batch_alter_table('pool_members', schema=None) as batch_op:
        batch_op.drop_index('ix_pool_members_status')
        batch_op.drop_index(batch_op.f('ix_pool_members_provider_id'))
        batch_op.drop_index('ix_pool_members_authority')

    op.drop_table('pool_members')
