"""the dashboard at scale: indexes covering what Trends counts by day and Learners per person

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_questions_course_trend", "questions", ["course_id", "asked_at", "state", "first_answered_at"]
    )
    op.create_index("ix_questions_asker_course", "questions", ["asker_id", "course_id", "state"])
    op.create_index("ix_answers_answerer_question", "answers", ["answerer_id", "question_id"])
    op.create_index("ix_answers_first", "answers", ["question_id", "answered_at", "id", "by_facilitator"])


def downgrade() -> None:
    op.drop_index("ix_answers_first", table_name="answers")
    op.drop_index("ix_answers_answerer_question", table_name="answers")
    op.drop_index("ix_questions_asker_course", table_name="questions")
    op.drop_index("ix_questions_course_trend", table_name="questions")
