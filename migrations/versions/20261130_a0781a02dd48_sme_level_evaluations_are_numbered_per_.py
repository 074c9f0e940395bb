"""sme level evaluations are numbered per enterprise: a form made before another evaluation
was recorded loses the race instead of recording a second one

Revision ID: a0781a02dd48
Revises: 586ccc6600ad
Create Date: 2026-11-30 11:15:32.482893

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a0781a02dd48'
down_revision = '586ccc6600ad'
branch_labels = None
depends_on = None

# The evaluations already kept are numbered in the order they were made.
BACKFILL = """
UPDATE sme_level_evaluations SET number = (
    SELECT COUNT(*) FROM sme_level_evaluations AS earlier
    WHERE earlier.organisation_id = sme_level_evaluations.organisation_id
      AND earlier.kind = sme_level_evaluations.kind
      AND (earlier.created_at < sme_level_evaluations.created_at
           OR (earlier.created_at = sme_level_evaluations.created_at
               AND earlier.id <= sme_level_evaluations.id))
)
"""


def upgrade():
    with op.batch_alter_table('sme_level_evaluations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('sme_level_evaluations', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint('uq_sme_level_evaluations_number', ['organisation_id', 'kind', 'number'])
        batch_op.create_check_constraint(op.f('ck_sme_level_evaluations_number_positive'), 'number >= 1')
        # The unique constraint's index lists an enterprise's evaluations now.
        batch_op.drop_index('ix_sme_level_evaluations_organisation')


def downgrade():
    with op.batch_alter_table('sme_level_evaluations', schema=None) as batch_op:
        batch_op.create_index('ix_sme_level_evaluations_organisation', ['organisation_id', 'created_at'], unique=False)
        batch_op.drop_constraint(op.f('ck_sme_level_evaluations_number_positive'), type_='check')
        batch_op.drop_constraint('uq_sme_level_evaluations_number', type_='unique')
        batch_op.drop_column('number')
