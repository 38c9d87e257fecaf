"""search: a full-text index of questions (with their best answer) and current introductions

SQLite: FTS5 virtual tables (porter stemming over unicode61, accents folded), ranked by bm25().
PostgreSQL: tables of tsvectors with a GIN index, ranked by ts_rank_cd, each row in its course's
language ('french' for a French course, else 'english'). Each row also carries its course as a
token of its own ('c<id>' in a column of its own; the lexeme '#<id>'), so the index itself finds
one course's rows rather than every course's. Neither is in the models: they are an index of
rows that are (storage/search_index.py keeps them current and names them). Existing rows are
indexed here.

Revision ID: 0019
Revises: 0018
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REMOVED = "'[removed]'"  # what forgetting and retention leave of a text
# A question's best answer: the accepted one, else a facilitator's, else the first.
_BEST = (
    f"(SELECT a.text FROM answers a WHERE a.question_id = q.id AND a.text != {_REMOVED} "
    "ORDER BY a.accepted DESC, a.by_facilitator DESC, a.answered_at, a.id LIMIT 1)"
)
_CONFIG = "CASE WHEN c.language = 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END"
_COURSE = "array_to_tsvector(ARRAY['#' || {0}.course_id::text])"  # a lexeme no text yields


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql()
    else:
        _sqlite()


def _sqlite() -> None:
    tokenizer = "tokenize = 'porter unicode61 remove_diacritics 2'"
    op.execute(f"CREATE VIRTUAL TABLE question_search USING fts5(course, question, answer, {tokenizer})")
    op.execute(
        f"CREATE VIRTUAL TABLE introduction_search USING fts5(course, person_id UNINDEXED, body, {tokenizer})"
    )
    op.execute(
        "INSERT INTO question_search (rowid, course, question, answer) "
        f"SELECT q.id, 'c' || q.course_id, q.text, coalesce({_BEST}, '') FROM questions q "
        f"WHERE q.text != {_REMOVED}"
    )
    op.execute(
        "INSERT INTO introduction_search (rowid, course, person_id, body) "
        "SELECT i.id, 'c' || i.course_id, i.person_id, i.text FROM introductions i "
        f"WHERE i.replaced_at IS NULL AND i.text != {_REMOVED}"
    )


def _postgresql() -> None:
    op.execute(
        "CREATE TABLE question_search (id BIGINT PRIMARY KEY, course_id BIGINT NOT NULL, document TSVECTOR NOT NULL)"
    )
    op.execute(
        "CREATE TABLE introduction_search (id BIGINT PRIMARY KEY, course_id BIGINT NOT NULL, "
        "person_id BIGINT NOT NULL, document TSVECTOR NOT NULL)"
    )
    op.execute("CREATE INDEX ix_question_search_document ON question_search USING gin (document)")
    op.execute("CREATE INDEX ix_introduction_search_document ON introduction_search USING gin (document)")
    op.execute(
        "INSERT INTO question_search (id, course_id, document) "
        f"SELECT q.id, q.course_id, setweight(to_tsvector({_CONFIG}, q.text), 'A') "
        f"|| setweight(to_tsvector({_CONFIG}, coalesce({_BEST}, '')), 'B') || {_COURSE.format('q')} "
        f"FROM questions q JOIN courses c ON c.id = q.course_id WHERE q.text != {_REMOVED}"
    )
    op.execute(
        "INSERT INTO introduction_search (id, course_id, person_id, document) "
        f"SELECT i.id, i.course_id, i.person_id, to_tsvector({_CONFIG}, i.text) || {_COURSE.format('i')} "
        "FROM introductions i JOIN courses c ON c.id = i.course_id "
        f"WHERE i.replaced_at IS NULL AND i.text != {_REMOVED}"
    )


def downgrade() -> None:
    op.execute('DROP TABLE introduction_search')
    op.execute('DROP TABLE question_search')
