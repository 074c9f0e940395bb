"""one project under way per enterprise (a constraint); row versions on objections

Revision ID: 9a4d6f2e8c17
Revises: 5e2b8c41d7a9
Create Date: 2026-11-29 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a4d6f2e8c17'
down_revision = '5e2b8c41d7a9'
branch_labels = None
depends_on = None


# Checked before with a query, so that simultaneous starts can no longer create two.
UNDER_WAY = "status NOT IN ('certified', 'not_recommended', 'withdrawn')"


def upgrade():
    doubled = op.get_bind().execute(
        sa.text(
            f"SELECT organisation_id FROM projects WHERE {UNDER_WAY} "
            "GROUP BY organisation_id HAVING count(*) > 1"
        )
    ).scalars().all()
    if doubled:
        raise RuntimeError(
            "enterprises with more than one project under way (withdraw all but one first): "
            + ", ".join(map(str, doubled))
        )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(
            'uq_projects_one_under_way',
            ['organisation_id'],
            unique=True,
            postgresql_where=sa.text(UNDER_WAY),
            sqlite_where=sa.text(UNDER_WAY),
        )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_column('lock_version')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('uq_projects_one_under_way')
