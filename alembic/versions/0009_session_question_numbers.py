"""session question numbers: unique within their session

Before this, two processes adding questions to one session at the same moment could give two of
them the same number. The first asked keeps it; the others are numbered on after the session's
last question, in the order they were asked, so that the constraint can be made.

Revision ID: 0009
Revises: 0008
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _renumber_repeats() -> None:
    connection = op.get_bind()
    questions = sa.table(
        'session_questions',
        sa.column('id'),
        sa.column('session_id'),
        sa.column('number'),
        sa.column('asked_at'),
    )
    rows = connection.execute(
        sa.select(questions.c.id, questions.c.session_id, questions.c.number).order_by(
            questions.c.asked_at, questions.c.id
        )
    ).all()
    highest: dict[int, int] = {}
    for _, session_id, number in rows:
        highest[session_id] = max(highest.get(session_id, 0), number)
    seen: set[tuple[int, int]] = set()
    for question_id, session_id, number in rows:
        if (session_id, number) in seen:
            highest[session_id] += 1
            connection.execute(
                sa.update(questions).where(questions.c.id == question_id).values(number=highest[session_id])
            )
        seen.add((session_id, number))


def upgrade() -> None:
    _renumber_repeats()
    op.create_index('ix_session_questions_number', 'session_questions', ['session_id', 'number'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_session_questions_number', table_name='session_questions')
