"""a provider's appeal against its suspension or removal from a programme's pool (issue 21
part 2): a case names the place and the authority's move; one appeal per move

Revision ID: 5d2e8a61c3f4
Revises: a80ed74d7e28
Create Date: 2026-12-09 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2e8a61c3f4'
down_revision = 'a80ed74d7e28'
branch_labels = None
depends_on = None

OLD_CHECK = "kind = 'complaint' OR project_event_id IS NOT NULL OR certificate_event_id IS NOT NULL"
NEW_CHECK = OLD_CHECK + " OR pool_event_id IS NOT NULL"


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pool_member_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pool_event_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cases_pool_member_id_pool_members'), 'pool_members', ['pool_member_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_cases_pool_event_id_pool_events'), 'pool_events', ['pool_event_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_cases_pool_member_id'), ['pool_member_id'], unique=False)
        batch_op.create_unique_constraint('uq_cases_pool_event', ['pool_event_id'])
        batch_op.drop_constraint(op.f('ck_cases_appeal_names_its_decision'), type_='check')
        batch_op.create_check_constraint(op.f('ck_cases_appeal_names_its_decision'), sa.text(NEW_CHECK))


def downgrade():
    op.execute("DELETE FROM case_events WHERE case_id IN (SELECT id FROM cases WHERE pool_event_id IS NOT NULL)")
    op.execute("DELETE FROM case_notes WHERE case_id IN (SELECT id FROM cases WHERE pool_event_id IS NOT NULL)")
    op.execute("DELETE FROM case_files WHERE case_id IN (SELECT id FROM cases WHERE pool_event_id IS NOT NULL)")
    op.execute("DELETE FROM cases WHERE pool_event_id IS NOT NULL")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cases_appeal_names_its_decision'), type_='check')
        batch_op.create_check_constraint(op.f('ck_cases_appeal_names_its_decision'), sa.text(OLD_CHECK))
        batch_op.drop_constraint('uq_cases_pool_event', type_='unique')
        batch_op.drop_index(batch_op.f('ix_cases_pool_member_id'))
        batch_op.drop_constraint(batch_op.f('fk_cases_pool_event_id_pool_events'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cases_pool_member_id_pool_members'), type_='foreignkey')
        batch_op.drop_column('pool_event_id')
        batch_op.drop_column('pool_member_id')
