"""digest off: a course may send no daily digest (its digest time is kept for when it is back on)

Revision ID: 0014
Revises: 0013
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Not in batch mode: SQLite would copy the table, and dropping the old courses table fails the
# foreign keys that point at it.


def upgrade() -> None:
    op.add_column('courses', sa.Column('digest_on', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    op.drop_column('courses', 'digest_on')
