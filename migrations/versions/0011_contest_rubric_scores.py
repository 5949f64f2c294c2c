"""contest marks on a rubric: each criterion's score kept with the mark

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both databases: the table (and its phase guard triggers) stays as it is.
    op.add_column('contest_mark', sa.Column('scores', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('contest_mark', schema=None) as batch_op:
        batch_op.drop_column('scores')
