"""diagnosis engagements (programme, enterprise, provider, agreement, work group, files,
history, activities and photos, verified indicators, report, survey and acceptance; on-site SME level evaluations); service providers and think tanks as organisation kinds, diagnosis experts as a role

Revision ID: 1eddf4c77f6b
Revises: a0781a02dd48
Create Date: 2026-11-30 11:19:30.211190

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1eddf4c77f6b'
down_revision = 'a0781a02dd48'
branch_labels = None
depends_on = None

# Enum values are stored as strings under a CHECK constraint: the new organisation kinds and
# role must be listed in theirs.
ORG_KINDS = ('enterprise', 'consultancy', 'evaluation_body', 'alliance', 'authority')
NEW_KINDS = ('service_provider', 'think_tank')
ROLES = ('enterprise', 'consultant', 'evaluator', 'alliance_staff', 'authority', 'admin')
NEW_ROLES = ('diagnostician',)


def _in(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


SME_KINDS = ('self',)
NEW_SME_KINDS = ('on_site',)


def _sme_level_kinds(kinds):
    with op.batch_alter_table('sme_level_evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sme_level_evaluations_sme_level_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sme_level_evaluations_sme_level_kind'), _in('kind', kinds))


def _kinds_and_roles(kinds, roles):
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_org_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_organisations_org_kind'), _in('kind', kinds))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_user_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_user_role'), _in('role', roles))


def upgrade():
    _kinds_and_roles(ORG_KINDS + NEW_KINDS, ROLES + NEW_ROLES)
    _sme_level_kinds(SME_KINDS + NEW_SME_KINDS)
    op.create_table('diagnosis_engagements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_key', sa.String(length=40), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('enrolled', 'agreed', 'on_site', 'reported', 'presented', 'surveyed', 'revising', 'accepted', 'withdrawn', name='engagement_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(), nullable=False),
    sa.Column('agreement_signed_on', sa.Date(), nullable=True),
    sa.Column('agreement_ends_on', sa.Date(), nullable=True),
    sa.Column('record_changed_at', sa.DateTime(), nullable=True),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('report_submitted_at', sa.DateTime(), nullable=True),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('verdict', sa.Enum('satisfied', 'fairly_satisfied', 'dissatisfied', name='survey_verdict', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('adoption', sa.Enum('adopted', 'partly', 'not_adopted', name='adoption', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('survey_comment', sa.Text(), nullable=False),
    sa.Column('surveyed_at', sa.DateTime(), nullable=True),
    sa.Column('acceptance_opinion', sa.Text(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('agreement_ends_on IS NULL OR agreement_ends_on >= agreement_signed_on', name=op.f('ck_diagnosis_engagements_agreement_term_forward')),
    sa.CheckConstraint('enterprise_id != provider_id', name=op.f('ck_diagnosis_engagements_provider_not_enterprise')),
    sa.ForeignKeyConstraint(['authority_id'], ['organisations.id'], name=op.f('fk_diagnosis_engagements_authority_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_diagnosis_engagements_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organisations.id'], name=op.f('fk_diagnosis_engagements_enterprise_id_organisations')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisations.id'], name=op.f('fk_diagnosis_engagements_provider_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnosis_engagements'))
    )
    with op.batch_alter_table('diagnosis_engagements', schema=None) as batch_op:
        batch_op.create_index('ix_diagnosis_engagements_authority', ['authority_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagnosis_engagements_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_diagnosis_engagements_provider', ['provider_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagnosis_engagements_status_changed_at'), ['status_changed_at'], unique=False)
        batch_op.create_index('uq_diagnosis_engagements_enterprise', ['programme_key', 'enterprise_id'], unique=True, sqlite_where=sa.text("status != 'withdrawn'"), postgresql_where=sa.text("status != 'withdrawn'"))

    op.create_table('diagnosis_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('kickoff', 'training', 'first_meeting', 'visit', 'last_meeting', 'report_to_head', name='activity_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('ended_at > started_at', name=op.f('ck_diagnosis_activities_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_diagnosis_activities_created_by_id_users')),
    sa.ForeignKeyConstraint(['engagement_id'], ['diagnosis_engagements.id'], name=op.f('fk_diagnosis_activities_engagement_id_diagnosis_engagements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnosis_activities'))
    )
    with op.batch_alter_table('diagnosis_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnosis_activities_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('diagnosis_engagement_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.Enum('enrolled', 'agreed', 'on_site', 'reported', 'presented', 'surveyed', 'revising', 'accepted', 'withdrawn', name='engagement_event_from', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('to_status', sa.Enum('enrolled', 'agreed', 'on_site', 'reported', 'presented', 'surveyed', 'revising', 'accepted', 'withdrawn', name='engagement_event_to', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_diagnosis_engagement_events_actor_id_users')),
    sa.ForeignKeyConstraint(['engagement_id'], ['diagnosis_engagements.id'], name=op.f('fk_diagnosis_engagement_events_engagement_id_diagnosis_engagements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnosis_engagement_events'))
    )
    with op.batch_alter_table('diagnosis_engagement_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnosis_engagement_events_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('diagnosis_indicators',
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('self_value', sa.Float(), nullable=True),
    sa.Column('verified_value', sa.Float(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.CheckConstraint('verified_value IS NULL OR verified_value BETWEEN 0 AND 100', name=op.f('ck_diagnosis_indicators_verified_percent')),
    sa.ForeignKeyConstraint(['engagement_id'], ['diagnosis_engagements.id'], name=op.f('fk_diagnosis_indicators_engagement_id_diagnosis_engagements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('engagement_id', 'key', name=op.f('pk_diagnosis_indicators'))
    )
    op.create_table('diagnosis_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Enum('none', 'assistant', 'mid', 'senior', name='engineer_title', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('lead', sa.Boolean(), nullable=False),
    sa.Column('expert', sa.Boolean(), nullable=False),
    sa.Column('pledged_on', sa.Date(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['diagnosis_engagements.id'], name=op.f('fk_diagnosis_team_members_engagement_id_diagnosis_engagements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnosis_team_members'))
    )
    with op.batch_alter_table('diagnosis_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnosis_team_members_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('diagnosis_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['diagnosis_activities.id'], name=op.f('fk_diagnosis_files_activity_id_diagnosis_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['engagement_id'], ['diagnosis_engagements.id'], name=op.f('fk_diagnosis_files_engagement_id_diagnosis_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_diagnosis_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnosis_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_diagnosis_files_stored_name'))
    )
    with op.batch_alter_table('diagnosis_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnosis_files_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagnosis_files_engagement_id'), ['engagement_id'], unique=False)

    with op.batch_alter_table('sme_level_evaluations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('engagement_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sme_level_evaluations_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sme_level_evaluations_engagement_id_diagnosis_engagements'), 'diagnosis_engagements', ['engagement_id'], ['id'], ondelete='CASCADE')



def downgrade():
    _kinds_and_roles(ORG_KINDS, ROLES)
    with op.batch_alter_table('sme_level_evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sme_level_evaluations_engagement_id_diagnosis_engagements'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sme_level_evaluations_engagement_id'))
        batch_op.drop_column('engagement_id')

    with op.batch_alter_table('diagnosis_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnosis_files_engagement_id'))
        batch_op.drop_index(batch_op.f('ix_diagnosis_files_activity_id'))

    op.drop_table('diagnosis_files')
    with op.batch_alter_table('diagnosis_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnosis_team_members_engagement_id'))

    op.drop_table('diagnosis_team_members')
    op.drop_table('diagnosis_indicators')
    with op.batch_alter_table('diagnosis_engagement_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnosis_engagement_events_engagement_id'))

    op.drop_table('diagnosis_engagement_events')
    with op.batch_alter_table('diagnosis_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnosis_activities_engagement_id'))

    op.drop_table('diagnosis_activities')
    with op.batch_alter_table('diagnosis_engagements', schema=None) as batch_op:
        batch_op.drop_index('uq_diagnosis_engagements_enterprise', sqlite_where=sa.text("status != 'withdrawn'"), postgresql_where=sa.text("status != 'withdrawn'"))
        batch_op.drop_index(batch_op.f('ix_diagnosis_engagements_status_changed_at'))
        batch_op.drop_index('ix_diagnosis_engagements_provider')
        batch_op.drop_index(batch_op.f('ix_diagnosis_engagements_enterprise_id'))
        batch_op.drop_index('ix_diagnosis_engagements_authority')

    op.drop_table('diagnosis_engagements')
    _sme_level_kinds(SME_KINDS)
