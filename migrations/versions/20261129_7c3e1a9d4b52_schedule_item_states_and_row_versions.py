"""schedule item states for the transition table; row versions on findings and schedule items

Revision ID: 7c3e1a9d4b52
Revises: 22055f70d081
Create Date: 2026-11-29 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e1a9d4b52'
down_revision = '22055f70d081'
branch_labels = None
depends_on = None


# A schedule item's progress was read from its columns (audit_id, recommended_at,
# compliance_by_id) under one "open" status; it is now a state of its own. The CHECK
# constraint (enum values are stored as strings) must list the new states.
OLD_STATES = ("open", "done", "missed")
NEW_STATES = ("open", "planned", "recommended", "reviewed", "not_recommended", "done", "missed")
CHECK = "ck_schedule_items_schedule_status"

# In this order: the later states first, so that each row takes the furthest one it reached.
FORWARD = (
    ("reviewed", "compliance_by_id IS NOT NULL"),
    ("recommended", "recommended_at IS NOT NULL"),
    (
        "not_recommended",
        "kind = 'recertification' AND audit_id IN "
        "(SELECT id FROM audits WHERE completed_on IS NOT NULL)",
    ),
    ("planned", "audit_id IS NOT NULL"),
)


def _drop_status_check():
    with op.batch_alter_table("schedule_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")


def _status_check(states):
    return "status IN ({})".format(", ".join(f"'{state}'" for state in states))


def upgrade():
    _drop_status_check()
    for state, where in FORWARD:
        op.execute(f"UPDATE schedule_items SET status = '{state}' WHERE status = 'open' AND {where}")
    with op.batch_alter_table("schedule_items", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f(CHECK), _status_check(NEW_STATES))
        batch_op.add_column(sa.Column("lock_version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lock_version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_column("lock_version")
    _drop_status_check()
    op.execute(
        "UPDATE schedule_items SET status = 'open' "
        "WHERE status IN ('planned', 'recommended', 'reviewed', 'not_recommended')"
    )
    with op.batch_alter_table("schedule_items", schema=None) as batch_op:
        batch_op.drop_column("lock_version")
        batch_op.create_check_constraint(op.f(CHECK), _status_check(OLD_STATES))
