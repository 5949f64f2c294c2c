"""content versions: a count per unit and one shared, raised by triggers on every write to what
pages show, so a rendered page part can be kept until its units' counts move (issue 9)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 03:00:00

"""
from alembic import op
import sqlalchemy as sa

from core.content_versions import drop_statements, trigger_statements


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_version',
                    sa.Column('scope', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('version', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('scope'))
    op.execute("INSERT INTO content_version (scope, version) VALUES (0, 1)")
    op.execute("INSERT INTO content_version (scope, version) SELECT id, 1 FROM unit")
    for statement in trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('content_version')
