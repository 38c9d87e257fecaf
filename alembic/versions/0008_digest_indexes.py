"""digest indexes: what waits and what was solved since, without reading history
(answers by time came with 0007)

Revision ID: 0008
Revises: 0007
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(
            'ix_questions_course_follow_up',
            ['course_id', 'needs_follow_up', 'state', 'asked_at'],
            unique=False,
        )
        batch_op.create_index('ix_questions_course_resolved', ['course_id', 'resolved_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_course_resolved')
        batch_op.drop_index('ix_questions_course_follow_up')
