"""the dashboard's Trends: an index covering what it counts of a course's questions by day

Revision ID: 0022
Revises: 0020
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_questions_course_trend", "questions", ["course_id", "asked_at", "state", "first_answered_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_questions_course_trend", table_name="questions")
