"""tick indexes: pending greetings and due follow-up reminders found without reading history

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('greetings', schema=None) as batch_op:
        batch_op.drop_index('ix_greetings_chat_greeted')
        batch_op.create_index('ix_greetings_greeted', ['greeted_at', 'chat_id'], unique=False)

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_followup')
        batch_op.create_index(
            'ix_questions_followup_due', ['state', 'followup_reminded_at', 'followup_sent_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_followup_due')
        batch_op.create_index('ix_questions_followup', ['state', 'followup_sent_at'], unique=False)

    with op.batch_alter_table('greetings', schema=None) as batch_op:
        batch_op.drop_index('ix_greetings_greeted')
        batch_op.create_index('ix_greetings_chat_greeted', ['chat_id', 'greeted_at'], unique=False)
