"""highlights: where each learner's first post in a course was (the week's new voices link to
it), and whether a course's facilitators get the week's highlights on Mondays

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Not in batch mode: SQLite would copy the tables, and the foreign keys pointing at courses fail.


def upgrade() -> None:
    op.add_column("learners", sa.Column("first_chat_id", _ID, nullable=True))
    op.add_column("learners", sa.Column("first_message_id", _ID, nullable=True))
    op.add_column("learners", sa.Column("first_thread_id", _ID, nullable=True))
    op.add_column(
        "courses", sa.Column("highlights_on", sa.Boolean(), server_default=sa.true(), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("courses", "highlights_on")
    op.drop_column("learners", "first_thread_id")
    op.drop_column("learners", "first_message_id")
    op.drop_column("learners", "first_chat_id")
