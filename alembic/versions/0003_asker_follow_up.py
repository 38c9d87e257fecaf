"""asker follow-up

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('followup_reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_questions_followup', ['state', 'followup_sent_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_followup')
        batch_op.drop_column('followup_reminded_at')
        batch_op.drop_column('followup_sent_at')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('accepted')

