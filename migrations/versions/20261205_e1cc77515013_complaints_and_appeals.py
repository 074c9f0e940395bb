"""complaints and appeals: cases (an enterprise's appeal against a decision about it,
anyone's complaint), their investigation notes, files and history (issue 20, part 4)

Revision ID: e1cc77515013
Revises: 60d3f88ee14b
Create Date: 2026-12-01 14:13:22.858273

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1cc77515013'
down_revision = '60d3f88ee14b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('appeal', 'complaint', name='case_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('received', 'acknowledged', 'decided', 'closed', name='case_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('outcome', sa.Enum('upheld', 'dismissed', name='case_outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('subject', sa.Enum('certificate', 'organisation', name='case_subject', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('concerned_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('project_event_id', sa.Integer(), nullable=True),
    sa.Column('certificate_event_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=40), nullable=False),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledge_due_on', sa.Date(), nullable=False),
    sa.Column('decide_due_on', sa.Date(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('handling_days', sa.Integer(), nullable=True),
    sa.Column('acknowledge_escalated_at', sa.DateTime(), nullable=True),
    sa.Column('decide_escalated_at', sa.DateTime(), nullable=True),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind = 'complaint' OR project_event_id IS NOT NULL OR certificate_event_id IS NOT NULL", name=op.f('ck_cases_appeal_names_its_decision')),
    sa.ForeignKeyConstraint(['body_id'], ['organisations.id'], name=op.f('fk_cases_body_id_organisations')),
    sa.ForeignKeyConstraint(['certificate_event_id'], ['certificate_events.id'], name=op.f('fk_cases_certificate_event_id_certificate_events')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_cases_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['concerned_id'], ['organisations.id'], name=op.f('fk_cases_concerned_id_organisations')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organisations.id'], name=op.f('fk_cases_enterprise_id_organisations')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_cases_filed_by_id_users')),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_cases_handler_id_users')),
    sa.ForeignKeyConstraint(['project_event_id'], ['project_events.id'], name=op.f('fk_cases_project_event_id_project_events')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_cases_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('certificate_event_id', name='uq_cases_certificate_event'),
    sa.UniqueConstraint('project_event_id', name='uq_cases_project_event'),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_address_hash'), ['address_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_concerned_id'), ['concerned_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_filed_by_id'), ['filed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index('ix_cases_kind_status', ['kind', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_received_at'), ['received_at'], unique=False)
        batch_op.create_index('ix_cases_status_acknowledge_due', ['status', 'acknowledge_due_on'], unique=False)
        batch_op.create_index('ix_cases_status_decide_due', ['status', 'decide_due_on'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.Enum('received', 'acknowledged', 'decided', 'closed', name='case_event_from', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('received', 'acknowledged', 'decided', 'closed', name='case_event_to', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('case_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_files_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_case_files_stored_name'))
    )
    with op.batch_alter_table('case_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_files_case_id'), ['case_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('case_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_files_case_id'))

    op.drop_table('case_files')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_decide_due')
        batch_op.drop_index('ix_cases_status_acknowledge_due')
        batch_op.drop_index(batch_op.f('ix_cases_received_at'))
        batch_op.drop_index(batch_op.f('ix_cases_project_id'))
        batch_op.drop_index('ix_cases_kind_status')
        batch_op.drop_index(batch_op.f('ix_cases_handler_id'))
        batch_op.drop_index(batch_op.f('ix_cases_filed_by_id'))
        batch_op.drop_index(batch_op.f('ix_cases_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_cases_concerned_id'))
        batch_op.drop_index(batch_op.f('ix_cases_certificate_id'))
        batch_op.drop_index(batch_op.f('ix_cases_body_id'))
        batch_op.drop_index(batch_op.f('ix_cases_address_hash'))

    op.drop_table('cases')
