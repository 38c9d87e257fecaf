"""digest off: a course may have no daily digest time

Revision ID: 0013
Revises: 0012
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.alter_column('digest_at', existing_type=sa.String(length=5), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE courses SET digest_at = '08:00' WHERE digest_at IS NULL")
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.alter_column('digest_at', existing_type=sa.String(length=5), nullable=False)
