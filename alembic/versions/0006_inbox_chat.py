"""inbox chat: each update records its chat, so several processes keep a chat's updates in order

Revision ID: 0006
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chat_id', ID, nullable=True))
        batch_op.create_index(
            'ix_inbox_pending_chat',
            ['chat_id', 'update_id'],
            unique=False,
            sqlite_where=sa.text('processed_at IS NULL'),
            postgresql_where=sa.text('processed_at IS NULL'),
        )


def downgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index(
            'ix_inbox_pending_chat',
            sqlite_where=sa.text('processed_at IS NULL'),
            postgresql_where=sa.text('processed_at IS NULL'),
        )
        batch_op.drop_column('chat_id')
