"""forgotten learners: when a person's place in a course was forgotten (/forget, /forget_me), so
the week's new voices leave them out while every count stays

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Not in batch mode: SQLite would copy the table, and the foreign keys it holds fail.


def upgrade() -> None:
    op.add_column("learners", sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("learners", "forgotten_at")
