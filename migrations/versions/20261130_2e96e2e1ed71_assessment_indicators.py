"""assessment indicators: the 24 key indicators of each submitted assessment, for the regional
statistics to average in SQL (a share indicator's yes/no stored as 100/0)

The rows of the assessments submitted so far are computed here from their answers and the
questionnaires' indicator definitions (this revision's own copy of scoring.indicators).

Revision ID: 2e96e2e1ed71
Revises: 229de9cabc99
Create Date: 2026-11-30 01:55:06.177900

"""
import json
from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op


# revision identifiers, used by Alembic.
revision = '2e96e2e1ed71'
down_revision = '229de9cabc99'
branch_labels = None
depends_on = None

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / 'blueprints' / 'assessment' / 'data' / 'questionnaires'
BATCH = 2000


def _definitions():
    found = {}
    for path in sorted(QUESTIONNAIRES.glob('*.yaml')):
        data = yaml.safe_load(path.read_text(encoding='utf-8'))
        found[data['id']] = data.get('indicators') or []
    return found


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _values(indicators, answers):
    """scoring.indicators as of this revision: percent values, unknown ones left out."""
    for ind in indicators:
        if ind['kind'] == 'share':
            answer = answers.get(ind.get('question') or '')
            if answer is True or answer is False:
                yield ind['key'], 100.0 if answer else 0.0
            continue
        num = answers.get(ind.get('numerator') or '')
        den = answers.get(ind.get('denominator') or '')
        if _number(num) and _number(den) and den > 0:
            yield ind['key'], round(100 * num / den, 1)


def upgrade():
    op.create_table('assessment_indicators',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_indicators_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'key', name=op.f('pk_assessment_indicators'))
    )
    # Covering indexes (PostgreSQL): a region's statistics of a year read no table rows.
    op.create_index(
        'ix_assessment_indicators_values', 'assessment_indicators', ['assessment_id'],
        postgresql_include=['key', 'value'],
    )
    op.create_index(
        'ix_assessments_year_region', 'assessments', ['year', 'region_code'],
        postgresql_include=['status', 'industry_code', 'stage', 'total', 'id'],
    )
    bind = op.get_bind()
    definitions = _definitions()
    assessments = sa.table(
        'assessments', sa.column('id', sa.Integer), sa.column('questionnaire_id', sa.String),
        sa.column('answers', sa.JSON), sa.column('submitted_at', sa.DateTime),
    )
    target = sa.table(
        'assessment_indicators', sa.column('assessment_id', sa.Integer),
        sa.column('key', sa.String), sa.column('value', sa.Float),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(assessments.c.id, assessments.c.questionnaire_id, assessments.c.answers)
            .where(assessments.c.id > last, assessments.c.submitted_at.is_not(None))
            .order_by(assessments.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for id_, questionnaire_id, answers in rows:
            if isinstance(answers, str):
                answers = json.loads(answers)
            for key, value in _values(definitions.get(questionnaire_id, []), answers or {}):
                values.append({'assessment_id': id_, 'key': key, 'value': value})
        if values:
            bind.execute(sa.insert(target), values)
        last = rows[-1][0]


def downgrade():
    op.drop_index('ix_assessments_year_region', table_name='assessments')
    op.drop_table('assessment_indicators')
