"""covering indexes for province-scale reads (issue 9): dashboard figures of the year and the
severity fit's sheet read

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 13:50:00

"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index('ix_observation_unit_kind_state_date', ['unit_id', 'kind', 'state', 'date'], unique=False)
    with op.batch_alter_table('sheet', schema=None) as batch_op:
        batch_op.create_index('ix_sheet_observation_state', ['observation_id', 'state', 'observer_id', 'percent'],
                              unique=False)
    with op.batch_alter_table('teaching_session', schema=None) as batch_op:
        batch_op.create_index('ix_teaching_session_class_date', ['class_id', 'date', 'lecturer_id', 'periods'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('teaching_session', schema=None) as batch_op:
        batch_op.drop_index('ix_teaching_session_class_date')
    with op.batch_alter_table('sheet', schema=None) as batch_op:
        batch_op.drop_index('ix_sheet_observation_state')
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_index('ix_observation_unit_kind_state_date')
