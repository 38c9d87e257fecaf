"""earlier answers at scale: each question's stems in a plain B-tree table, so that a match reads
short index ranges (the course's questions holding one stem, newest first) on both databases

One row per (question, stem): the question's course and how many stems it has, for the range a
match may read (Jaccard >= t bounds a candidate's size). Like the full-text index, it is an
index of rows that are (storage/search_index.py keeps it current and names it), not a model.
Existing questions are indexed here, stemmed as facilitation.matching stems them.

Revision ID: 0026
Revises: 0025
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.search_index import stems_of

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REMOVED = '[removed]'  # what forgetting and retention leave of a text
_CHUNK = 5_000


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == 'postgresql'
    number = 'BIGINT' if postgresql else 'INTEGER'
    op.execute(
        f"CREATE TABLE question_stems (question_id {number} NOT NULL, stem VARCHAR(64) NOT NULL, "
        f"course_id {number} NOT NULL, size SMALLINT NOT NULL, PRIMARY KEY (question_id, stem))"
        + ('' if postgresql else ' WITHOUT ROWID')
    )
    op.execute('CREATE INDEX ix_question_stems_course ON question_stems (course_id, stem, question_id, size)')
    insert = sa.text(
        'INSERT INTO question_stems (question_id, stem, course_id, size) VALUES (:q, :s, :c, :n)'
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                'SELECT id, course_id, text FROM questions WHERE id > :last AND text != :removed '
                'ORDER BY id LIMIT :chunk'
            ),
            {'last': last, 'removed': _REMOVED, 'chunk': _CHUNK},
        ).all()
        if not rows:
            break
        values = []
        for question_id, course_id, text in rows:
            found = stems_of(text)
            values += [{'q': question_id, 's': s, 'c': course_id, 'n': len(found)} for s in found]
        if values:
            bind.execute(insert, values)
        last = rows[-1][0]


def downgrade() -> None:
    op.execute('DROP INDEX ix_question_stems_course')
    op.execute('DROP TABLE question_stems')
