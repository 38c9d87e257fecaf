"""discussion chats: the chats a discussion was meant for, and which gone ones the facilitators were told about

Revision ID: 0017
Revises: 0016
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Not in batch mode: SQLite would copy the table, and the rounds point at it.


def upgrade() -> None:
    op.add_column('discussions', sa.Column('chats', sa.Text(), server_default='[]', nullable=False))
    op.add_column('discussions', sa.Column('warned', sa.Text(), server_default='[]', nullable=False))


def downgrade() -> None:
    op.drop_column('discussions', 'warned')
    op.drop_column('discussions', 'chats')
