"""assessments by province and submission time: a province's list read in order from an index

Revision ID: 368cb78d25a7
Revises: 3aa8fbd0e863
Create Date: 2026-12-01 04:18:49.977523

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "368cb78d25a7"
down_revision = "3aa8fbd0e863"
branch_labels = None
depends_on = None


def upgrade():
    # Written by hand: autogenerate does not see indexes on expressions.
    op.create_index(
        "ix_assessments_province_submitted_at",
        "assessments",
        [sa.text("substr(region_code, 1, 2)"), "submitted_at", "id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_assessments_province_submitted_at", table_name="assessments")
