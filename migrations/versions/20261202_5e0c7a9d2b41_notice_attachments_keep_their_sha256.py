"""notice attachments keep their sha256, as documents and engagement files do: what a copy of
the store (flask storage migrate, a restored backup) is checked against

Revision ID: 5e0c7a9d2b41
Revises: 5d1e0c7a9b3f
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e0c7a9d2b41"
down_revision = "5d1e0c7a9b3f"
branch_labels = None
depends_on = None


def upgrade():
    # Empty for the attachments stored before: `flask storage migrate` fills it in from the
    # file it copies.
    with op.batch_alter_table("notice_attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("notice_attachments", schema=None) as batch_op:
        batch_op.drop_column("sha256")
