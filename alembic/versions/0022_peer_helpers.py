"""peer helpers: who agreed to be pointed at questions, the questions they were asked, when a
question's helpers are asked, and each course's nudge time

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "helpers",
        sa.Column("course_id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("topics", sa.Text(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_helpers_course_id_courses")),
        sa.PrimaryKeyConstraint("course_id", "person_id", name=op.f("pk_helpers")),
    )
    op.create_index(op.f("ix_helpers_person_id"), "helpers", ["person_id"])
    op.create_table(
        "helper_asks",
        sa.Column("question_id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("course_id", _ID, nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response", sa.String(length=12), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_helper_asks_question_id_questions")
        ),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_helper_asks_course_id_courses")),
        sa.PrimaryKeyConstraint("question_id", "person_id", name=op.f("pk_helper_asks")),
    )
    op.create_index("ix_helper_asks_person", "helper_asks", ["person_id", "asked_at"])
    op.create_index("ix_helper_asks_course", "helper_asks", ["course_id", "asked_at"])
    op.add_column("questions", sa.Column("helpers_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_questions_helpers_due", "questions", ["state", "helpers_due_at"])
    op.add_column("courses", sa.Column("nudge_seconds", _ID, nullable=True))
    op.create_index("ix_introductions_posted", "introductions", ["posted_at"])


def downgrade() -> None:
    op.drop_index("ix_introductions_posted", table_name="introductions")
    op.drop_column("courses", "nudge_seconds")
    op.drop_index("ix_questions_helpers_due", table_name="questions")
    op.drop_column("questions", "helpers_due_at")
    op.drop_index("ix_helper_asks_course", table_name="helper_asks")
    op.drop_index("ix_helper_asks_person", table_name="helper_asks")
    op.drop_table("helper_asks")
    op.drop_index(op.f("ix_helpers_person_id"), table_name="helpers")
    op.drop_table("helpers")
