"""results versions: a count on each lecturer and unit that the database raises whenever one of
their observations is finalised or amended, so cached progress is found by reading two numbers
(issue 9); topics indexed by when they last changed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 01:20:00

"""
from alembic import op
import sqlalchemy as sa

from core.guards import after_row, drop_after_row


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _raise(lecturer: str, unit: str) -> list[str]:
    return [f"UPDATE lecturer SET results_version = results_version + 1 WHERE id = {lecturer}",
            f"UPDATE unit SET results_version = results_version + 1 WHERE id = {unit}"]


OF_OBSERVATION = "(SELECT {column} FROM observation WHERE observation.id = NEW.observation_id)"
TRIGGERS = [
    ("results_finalised_insert", "observation", "INSERT", "NEW.state = 'finalized'",
     _raise("NEW.lecturer_id", "NEW.unit_id")),
    ("results_finalised_update", "observation", "UPDATE OF state", "NEW.state = 'finalized' AND OLD.state <> 'finalized'",
     _raise("NEW.lecturer_id", "NEW.unit_id")),
    ("results_amended", "amendment", "INSERT", "1 = 1",
     _raise(OF_OBSERVATION.format(column="lecturer_id"), OF_OBSERVATION.format(column="unit_id"))),
]


def upgrade():
    op.add_column('lecturer', sa.Column('results_version', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('unit', sa.Column('results_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.create_index('ix_topic_updated_at', ['updated_at'], unique=False)
    dialect = op.get_bind().dialect.name
    for name, table, event, condition, statements in TRIGGERS:
        for statement in after_row(dialect, name, table, event, condition, statements):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, table, _event, _condition, _statements in TRIGGERS:
        for statement in drop_after_row(dialect, name, table):
            op.execute(statement)
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_updated_at')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('results_version')
    with op.batch_alter_table('lecturer', schema=None) as batch_op:
        batch_op.drop_column('results_version')
