"""who gave each question's first answer, kept on the question (Trends count it by day from an
index), and answers by question and answerer (Learners sorted by answers given)

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TREND = ["course_id", "asked_at", "state", "first_answered_at"]

# Not in batch mode: SQLite would copy the table, and the foreign keys pointing at questions fail.


def upgrade() -> None:
    op.add_column("questions", sa.Column("first_by_facilitator", sa.Boolean(), nullable=True))
    # The earliest answer stored, as /stats reads it; none left (or none yet): NULL.
    op.execute(
        "UPDATE questions SET first_by_facilitator = ("
        " SELECT answers.by_facilitator FROM answers WHERE answers.question_id = questions.id"
        " ORDER BY answers.answered_at, answers.id LIMIT 1)"
        " WHERE first_answered_at IS NOT NULL"
    )
    op.drop_index("ix_questions_course_trend", table_name="questions")
    op.create_index("ix_questions_course_trend", "questions", [*_TREND, "first_by_facilitator"])
    op.create_index("ix_answers_question_answerer", "answers", ["question_id", "answerer_id"])


def downgrade() -> None:
    op.drop_index("ix_answers_question_answerer", table_name="answers")
    op.drop_index("ix_questions_course_trend", table_name="questions")
    op.create_index("ix_questions_course_trend", "questions", _TREND)
    op.drop_column("questions", "first_by_facilitator")
