"""chat moves: a group that became a supergroup, and its new id

Messages keep the chat they were written in; this says which chat took over from which, so that
the supergroup still lists the old group's questions and anything still aimed at the old id
reaches the new one.

Revision ID: 0012
Revises: 0011
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('chat_moves',
    sa.Column('old_chat_id', ID, autoincrement=False, nullable=False),
    sa.Column('new_chat_id', ID, nullable=False),
    sa.Column('moved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('old_chat_id', name=op.f('pk_chat_moves'))
    )
    with op.batch_alter_table('chat_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_moves_new_chat_id'), ['new_chat_id'], unique=False)


def downgrade() -> None:
    op.drop_table('chat_moves')
