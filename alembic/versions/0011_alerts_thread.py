"""alerts thread: /alerts_here run in a forum topic sends alerts and digests to that topic

Revision ID: 0011
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


# Not in batch mode: SQLite would copy the table, and dropping the old courses table fails the
# foreign keys that point at it. A plain DROP COLUMN needs SQLite 3.35, as RETURNING does.


def upgrade() -> None:
    op.add_column('courses', sa.Column('alerts_thread_id', ID, nullable=True))


def downgrade() -> None:
    op.drop_column('courses', 'alerts_thread_id')
