"""one-time tokens of create forms: a double-clicked submit creates one record

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submission',
                    sa.Column('token', sa.String(length=64), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('at', sa.DateTime(), nullable=False),
                    sa.Column('location', sa.String(length=500), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_form_submission_user_id_user'),
                                            ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('token', name=op.f('pk_form_submission')))
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submission_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submission_user_id'))
    op.drop_table('form_submission')
