"""special audits (issue 20, the complaint's consequence): a complaint about a certificate
holder may lead its handler to order a special audit of the certificate; one under way per
certificate (a partial unique index)

Revision ID: 9b88f91b0f93
Revises: 246966ee7063
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b88f91b0f93'
down_revision = '246966ee7063'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('special_audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('ordered', 'planned', 'completed', 'cancelled', name='special_audit_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('ordered_by_id', sa.Integer(), nullable=False),
    sa.Column('ordered_at', sa.DateTime(), nullable=False),
    sa.Column('verdict', sa.Enum('substantiated', 'not_substantiated', name='complaint_verdict', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('recommendation', sa.Enum('maintain', 'suspend', 'revoke', name='special_audit_recommendation', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_special_audits_audit_id_audits')),
    sa.ForeignKeyConstraint(['body_id'], ['organisations.id'], name=op.f('fk_special_audits_body_id_organisations')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_special_audits_case_id_cases')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_special_audits_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_special_audits_completed_by_id_users')),
    sa.ForeignKeyConstraint(['ordered_by_id'], ['users.id'], name=op.f('fk_special_audits_ordered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_special_audits')),
    sa.UniqueConstraint('audit_id', name=op.f('uq_special_audits_audit_id'))
    )
    with op.batch_alter_table('special_audits', schema=None) as batch_op:
        batch_op.create_index('ix_special_audits_body_status', ['body_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_special_audits_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_special_audits_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index('uq_special_audits_open_certificate', ['certificate_id'], unique=True, sqlite_where=sa.text("status IN ('ordered', 'planned')"), postgresql_where=sa.text("status IN ('ordered', 'planned')"))



def downgrade():
    with op.batch_alter_table('special_audits', schema=None) as batch_op:
        batch_op.drop_index('uq_special_audits_open_certificate', sqlite_where=sa.text("status IN ('ordered', 'planned')"), postgresql_where=sa.text("status IN ('ordered', 'planned')"))
        batch_op.drop_index(batch_op.f('ix_special_audits_certificate_id'))
        batch_op.drop_index(batch_op.f('ix_special_audits_case_id'))
        batch_op.drop_index('ix_special_audits_body_status')

    op.drop_table('special_audits')
