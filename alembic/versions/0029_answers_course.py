"""each answer's course, kept on the answer: a course's answers in a time window are then read
from an index by (course_id, answered_at), not from every course's answers in the window

Revision ID: 0029
Revises: 0028
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # as courses.id

# Not in batch mode: SQLite would copy the table, and the foreign keys pointing at answers fail.
# So the column stays nullable (SQLite can't make it NOT NULL without that copy), and without a
# foreign key (SQLite can't drop a column that has one): every insert writes it from its question,
# and the backfill below fills the answers stored before.


def upgrade() -> None:
    op.add_column("answers", sa.Column("course_id", _ID, nullable=True))
    op.execute(
        "UPDATE answers SET course_id = ("
        " SELECT questions.course_id FROM questions WHERE questions.id = answers.question_id)"
    )
    # With what the highlights count per answer: their week of answers from the index alone.
    op.create_index(
        "ix_answers_course_answered",
        "answers",
        ["course_id", "answered_at", "question_id", "answerer_id", "by_facilitator"],
    )


def downgrade() -> None:
    op.drop_index("ix_answers_course_answered", table_name="answers")
    op.drop_column("answers", "course_id")
