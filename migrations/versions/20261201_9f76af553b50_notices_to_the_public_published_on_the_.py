"""notices to the public, published on the portal: the audience 'public', a region only for an
authority's notice, the portal's list read from an index

Revision ID: 9f76af553b50
Revises: 4a41ea9ed014
Create Date: 2026-12-01 04:28:36.996933

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f76af553b50'
down_revision = "4a41ea9ed014"
branch_labels = None
depends_on = None


# The audience is stored as a string under a CHECK constraint listing its values.
CHECK = "ck_notices_notice_audience"
OLD_AUDIENCES = ("authorities", "enterprises", "everyone")
NEW_AUDIENCES = (*OLD_AUDIENCES, "public")


def _audience_check(audiences):
    return "audience IN ({})".format(", ".join(f"'{a}'" for a in audiences))


def upgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f(CHECK), _audience_check(NEW_AUDIENCES))
        # The alliance's public notices belong to no region.
        batch_op.alter_column('region_code',
               existing_type=sa.VARCHAR(length=6),
               nullable=True)
        batch_op.create_index('ix_notices_audience_published', ['audience', 'published_at'], unique=False)


def downgrade():
    # The portal's notices cannot be kept under the old constraint: they go (their stored
    # files stay in the upload folder).
    public = "SELECT id FROM notices WHERE audience = 'public'"
    op.execute(f"DELETE FROM notice_attachments WHERE notice_id IN ({public})")
    op.execute(f"DELETE FROM notice_receipts WHERE notice_id IN ({public})")
    op.execute("DELETE FROM notices WHERE audience = 'public' OR region_code IS NULL")
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_audience_published')
        batch_op.drop_constraint(op.f(CHECK), type_="check")
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.alter_column('region_code',
               existing_type=sa.VARCHAR(length=6),
               nullable=False)
        batch_op.create_check_constraint(op.f(CHECK), _audience_check(OLD_AUDIENCES))
