"""publicity entries keep the region code: its name is written in the reader's language

Revision ID: 4a41ea9ed014
Revises: 368cb78d25a7
Create Date: 2026-12-01 05:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4a41ea9ed014"
down_revision = "368cb78d25a7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("publicity_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_code", sa.String(length=6), nullable=True))
    # Entries announced so far: their enterprise's region now (rarely moved since).
    op.execute(
        """
        UPDATE publicity_entries SET region_code = (
            SELECT organisations.region_code FROM projects
            JOIN organisations ON organisations.id = projects.organisation_id
            WHERE projects.id = publicity_entries.project_id)
        """
    )


def downgrade():
    with op.batch_alter_table("publicity_entries", schema=None) as batch_op:
        batch_op.drop_column("region_code")
