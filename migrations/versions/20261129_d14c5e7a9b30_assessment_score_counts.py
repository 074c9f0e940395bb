"""assessment score counts: the reports' comparisons read counts per year, scope and score

Revision ID: d14c5e7a9b30
Revises: c13b1d8f6a32
Create Date: 2026-11-29 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd14c5e7a9b30'
down_revision = 'c13b1d8f6a32'
branch_labels = None
depends_on = None

# The counts of what exists now, as blueprints/assessment/score_counts.rebuild() makes them:
# submitted (not returned) assessments of enterprises, nationwide, per industry, and per
# province and prefecture prefix of the region code.
COUNTED = """
    FROM assessments a
    JOIN assessment_scores s ON s.assessment_id = a.id
    JOIN organisations o ON o.id = a.organisation_id
    WHERE a.status IN ('awaiting_district', 'awaiting_city', 'approved')
      AND o.kind = 'enterprise' AND s.score IS NOT NULL
"""
FILL = [
    ("'all'", "''", ""),
    ("'industry'", "a.industry_code", "AND a.industry_code IS NOT NULL"),
    ("'region'", "substr(a.region_code, 1, 2)", "AND length(a.region_code) = 6"),
    ("'region'", "substr(a.region_code, 1, 4)", "AND length(a.region_code) = 6"),
]


def upgrade():
    op.create_table(
        'assessment_score_counts',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=10), nullable=False),
        sa.Column('code', sa.String(length=6), nullable=False),
        sa.Column('dimension', sa.String(length=40), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'scope', 'code', 'dimension', 'score', name=op.f('pk_assessment_score_counts')),
    )
    for scope, code, condition in FILL:
        group = "a.year, s.dimension, s.score" + ("" if code == "''" else f", {code}")
        op.execute(
            "INSERT INTO assessment_score_counts (year, dimension, score, scope, code, n) "
            f"SELECT a.year, s.dimension, s.score, {scope}, {code}, count(*) "
            f"{COUNTED} {condition} GROUP BY {group}"
        )


def downgrade():
    op.drop_table('assessment_score_counts')
