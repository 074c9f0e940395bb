"""after a reform project (issue 21 parts 4 and 5): the evaluation body's grading and the expert
group's acceptance, the audit firm's special audit report, the subsidy and the outcomes; the
third parties named on the project; audit firms and their auditors

Revision ID: 19572edc4d0f
Revises: 5d2e8a61c3f4
Create Date: 2026-12-01 20:24:22.059135

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '19572edc4d0f'
down_revision = '5d2e8a61c3f4'
branch_labels = None
depends_on = None

# Enum values are stored as strings under CHECK constraints: the new values join their lists.
ORG_KINDS = ('enterprise', 'consultancy', 'evaluation_body', 'alliance', 'authority', 'service_provider', 'think_tank')
ROLES = ('enterprise', 'consultant', 'evaluator', 'alliance_staff', 'authority', 'diagnostician', 'admin')
SME_KINDS = ('self', 'on_site')
REFORM_STATUSES = ('draft', 'awaiting_county', 'awaiting_city', 'returned', 'in_implementation', 'implemented')
CHECKS = (
    ('organisations', 'ck_organisations_org_kind', 'kind', ORG_KINDS, ('audit_firm',)),
    ('users', 'ck_users_user_role', 'role', ROLES, ('auditor',)),
    ('sme_level_evaluations', 'ck_sme_level_evaluations_sme_level_kind', 'kind', SME_KINDS, ('reform',)),
    ('reform_projects', 'ck_reform_projects_reform_status', 'status', REFORM_STATUSES, ('graded', 'accepted')),
)


def _in(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


def _checks(grown):
    for table, name, column, values, new in CHECKS:
        # SQLite's batch mode copies the table into a new one and drops the old with its
        # triggers (the register generation's on organisations): they are made again after.
        triggers = _sqlite_triggers(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_='check')
            batch_op.create_check_constraint(op.f(name), _in(column, values + new if grown else values))
        for trigger, sql in triggers:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            op.execute(sql)


def _sqlite_triggers(table):
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return []
    return bind.execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": table},
    ).all()



def upgrade():
    _checks(grown=True)
    op.create_table('reform_audit_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('eligible_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.CheckConstraint('eligible_cost > 0 AND eligible_cost <= 100000000', name=op.f('ck_reform_audit_reports_eligible_cost_range')),
    sa.ForeignKeyConstraint(['firm_id'], ['organisations.id'], name=op.f('fk_reform_audit_reports_firm_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['reform_projects.id'], name=op.f('fk_reform_audit_reports_project_id_reform_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_reform_audit_reports_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reform_audit_reports')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_reform_audit_reports_stored_name'))
    )
    with op.batch_alter_table('reform_audit_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reform_audit_reports_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index('ix_reform_audit_reports_project', ['project_id', 'id'], unique=False)

    op.create_table('reform_gradings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('graded_on', sa.Date(), nullable=False),
    sa.Column('systems_checked', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['organisations.id'], name=op.f('fk_reform_gradings_body_id_organisations')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['sme_level_evaluations.id'], name=op.f('fk_reform_gradings_evaluation_id_sme_level_evaluations')),
    sa.ForeignKeyConstraint(['project_id'], ['reform_projects.id'], name=op.f('fk_reform_gradings_project_id_reform_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_reform_gradings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reform_gradings')),
    sa.UniqueConstraint('evaluation_id', name=op.f('uq_reform_gradings_evaluation_id')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_reform_gradings_stored_name'))
    )
    with op.batch_alter_table('reform_gradings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reform_gradings_body_id'), ['body_id'], unique=False)
        batch_op.create_index('ix_reform_gradings_project', ['project_id', 'id'], unique=False)

    op.create_table('reform_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('innovation', 'market', 'quality', 'cost', 'efficiency', 'green', 'safety', name='outcome_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('indicator', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('before', sa.Numeric(precision=16, scale=4), nullable=False),
    sa.Column('after', sa.Numeric(precision=16, scale=4), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['reform_projects.id'], name=op.f('fk_reform_outcomes_project_id_reform_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_reform_outcomes_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reform_outcomes')),
    sa.UniqueConstraint('project_id', 'category', 'indicator', name=op.f('uq_reform_outcomes_project_id'))
    )
    with op.batch_alter_table('reform_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reform_outcomes_project_id'), ['project_id'], unique=False)

    op.create_table('reform_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('grading_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('experts', sa.JSON(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('site_checked_on', sa.Date(), nullable=False),
    sa.Column('verdict', sa.Enum('pass', 'pass_with_corrections', 'fail', name='acceptance_verdict', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('corrections', sa.Text(), nullable=False),
    sa.Column('county_opinion', sa.Text(), nullable=False),
    sa.Column('county_opinion_by_id', sa.Integer(), nullable=True),
    sa.Column('county_opinion_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.CheckConstraint('site_checked_on >= reviewed_on', name=op.f('ck_reform_acceptances_site_check_after_review')),
    sa.ForeignKeyConstraint(['body_id'], ['organisations.id'], name=op.f('fk_reform_acceptances_body_id_organisations')),
    sa.ForeignKeyConstraint(['county_opinion_by_id'], ['users.id'], name=op.f('fk_reform_acceptances_county_opinion_by_id_users')),
    sa.ForeignKeyConstraint(['grading_id'], ['reform_gradings.id'], name=op.f('fk_reform_acceptances_grading_id_reform_gradings')),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_reform_acceptances_leader_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['reform_projects.id'], name=op.f('fk_reform_acceptances_project_id_reform_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reform_acceptances')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_reform_acceptances_stored_name'))
    )
    with op.batch_alter_table('reform_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reform_acceptances_body_id'), ['body_id'], unique=False)
        batch_op.create_index('ix_reform_acceptances_project', ['project_id', 'id'], unique=False)

    op.create_table('reform_subsidies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('applied', 'approved', 'refused', 'paid', name='subsidy_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('requested_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('eligible_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('audit_report_id', sa.Integer(), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=False),
    sa.Column('share', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('cap', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('approved_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('paid_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payment_reference', sa.String(length=100), nullable=False),
    sa.Column('paid_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('approved_amount IS NULL OR (approved_amount > 0 AND approved_amount <= 100000000)', name=op.f('ck_reform_subsidies_approved_range')),
    sa.CheckConstraint('paid_amount IS NULL OR (paid_amount > 0 AND paid_amount <= approved_amount)', name=op.f('ck_reform_subsidies_paid_within_approved')),
    sa.CheckConstraint('requested_amount > 0 AND requested_amount <= 100000000', name=op.f('ck_reform_subsidies_requested_range')),
    sa.CheckConstraint('share IS NULL OR (share > 0 AND share <= 1)', name=op.f('ck_reform_subsidies_share_range')),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_reform_subsidies_applied_by_id_users')),
    sa.ForeignKeyConstraint(['audit_report_id'], ['reform_audit_reports.id'], name=op.f('fk_reform_subsidies_audit_report_id_reform_audit_reports')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reform_subsidies_decided_by_id_users')),
    sa.ForeignKeyConstraint(['paid_recorded_by_id'], ['users.id'], name=op.f('fk_reform_subsidies_paid_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['reform_projects.id'], name=op.f('fk_reform_subsidies_project_id_reform_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reform_subsidies'))
    )
    with op.batch_alter_table('reform_subsidies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reform_subsidies_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_reform_subsidies_status', ['status'], unique=False)
        batch_op.create_index('uq_reform_subsidies_live', ['project_id'], unique=True, sqlite_where=sa.text("status != 'refused'"), postgresql_where=sa.text("status != 'refused'"))

    with op.batch_alter_table('reform_projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evaluation_body_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('audit_firm_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reform_projects_audit_firm_id'), ['audit_firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reform_projects_evaluation_body_id'), ['evaluation_body_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reform_projects_audit_firm_id_organisations'), 'organisations', ['audit_firm_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_reform_projects_evaluation_body_id_organisations'), 'organisations', ['evaluation_body_id'], ['id'])



def downgrade():
    with op.batch_alter_table('reform_projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reform_projects_evaluation_body_id_organisations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reform_projects_audit_firm_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reform_projects_evaluation_body_id'))
        batch_op.drop_index(batch_op.f('ix_reform_projects_audit_firm_id'))
        batch_op.drop_column('audit_firm_id')
        batch_op.drop_column('evaluation_body_id')

    with op.batch_alter_table('reform_subsidies', schema=None) as batch_op:
        batch_op.drop_index('uq_reform_subsidies_live', sqlite_where=sa.text("status != 'refused'"), postgresql_where=sa.text("status != 'refused'"))
        batch_op.drop_index('ix_reform_subsidies_status')
        batch_op.drop_index(batch_op.f('ix_reform_subsidies_project_id'))

    op.drop_table('reform_subsidies')
    with op.batch_alter_table('reform_acceptances', schema=None) as batch_op:
        batch_op.drop_index('ix_reform_acceptances_project')
        batch_op.drop_index(batch_op.f('ix_reform_acceptances_body_id'))

    op.drop_table('reform_acceptances')
    with op.batch_alter_table('reform_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reform_outcomes_project_id'))

    op.drop_table('reform_outcomes')
    with op.batch_alter_table('reform_gradings', schema=None) as batch_op:
        batch_op.drop_index('ix_reform_gradings_project')
        batch_op.drop_index(batch_op.f('ix_reform_gradings_body_id'))

    op.drop_table('reform_gradings')
    with op.batch_alter_table('reform_audit_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reform_audit_reports_project')
        batch_op.drop_index(batch_op.f('ix_reform_audit_reports_firm_id'))

    op.drop_table('reform_audit_reports')
    _checks(grown=False)
