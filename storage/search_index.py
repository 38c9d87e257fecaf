"""The full-text index's tables, and the writes that keep them in step with what they index.

    SQLite      question_search, introduction_search: FTS5 virtual tables (porter stemming over
                unicode61, accents folded); rowid = the question's or introduction's id
    PostgreSQL  question_search, introduction_search: tables of tsvectors, GIN-indexed, each row
                in its course's language ('french' for a French course, else 'english')

A question is indexed with its best answer (the accepted one, else a facilitator's, else the
first); an introduction from when it is posted, and a search keeps its author's current one (a
replaced introduction may stay indexed: taking it out would cost every new introduction a
statement). A removed text (forgotten, or past its course's retention) is not in the index.

The index is derived from the rows, so it is written by the same repository methods that write
them, in the same transaction: a question stored, answered, edited, forgotten or purged is
indexed again as it now is, and can never be found as it was. On the busy path each index write
is one upsert that reads the row as it is when it runs, so held in the inbox batch's buffer
(storage/batch/buffer.py, which sends these tables after every table of the models) it indexes
the batch's final state whatever order its writes are sent in.

    question_stems  both databases: a plain B-tree table, one row per (question, stem), with the
                question's course and its count of stems (facilitation.matching's stems): a
                match of a new question reads a few short index ranges of it, newest first
                (storage/repositories/search.py), where the full-text index would read or
                recheck every row holding a common word

None of these tables is in the models (they are an index of rows that are, built by migrations
0019 and 0026); `is_index_table` names them and FTS5's own tables for whatever compares the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Delete,
    Insert,
    Select,
    String,
    TableClause,
    and_,
    any_,
    bindparam,
    case,
    cast,
    column,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.types import Text

from facilitation.matching import stems
from facilitation.redaction import REMOVED
from storage.models import AnswerRow, CourseRow, IntroductionRow, QuestionRow
from storage.writes import Writes

QUESTIONS = "question_search"
INTRODUCTIONS = "introduction_search"
STEMS = "question_stems"
STEM_LENGTH = 64  # characters of a stem kept (the column's width)
_FTS5_PARTS = ("data", "idx", "content", "docsize", "config")  # the tables FTS5 keeps for each
_Rows = Select[*tuple[Any, ...]]  # a select of the columns an index table takes
_CHUNK = 500  # ids per statement when many rows are indexed again at once
_REBUILD_CHUNK = 20_000  # questions stemmed at once when everything is indexed again


_TABLES = frozenset(
    {
        STEMS,
        QUESTIONS,
        INTRODUCTIONS,
        *(f"{t}_{part}" for t in (QUESTIONS, INTRODUCTIONS) for part in _FTS5_PARTS),
    }
)


def is_index_table(name: str) -> bool:
    """One of the index's tables, or one FTS5 keeps for them."""
    return name in _TABLES


def in_models(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's include_name: everything but the index is described by storage/models.py."""
    return not (type_ == "table" and name is not None and is_index_table(name))


def dialect_of(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind else "sqlite"


def _key(dialect: str) -> str:
    return "id" if dialect == "postgresql" else "rowid"


@cache
def questions_table(dialect: str) -> TableClause:
    if dialect == "postgresql":
        return table(QUESTIONS, column("id"), column("course_id"), column("document"))
    return table(QUESTIONS, column("rowid"), column("course"), column("question"), column("answer"))


@cache
def introductions_table(dialect: str) -> TableClause:
    if dialect == "postgresql":
        return table(
            INTRODUCTIONS, column("id"), column("course_id"), column("person_id"), column("document")
        )
    return table(INTRODUCTIONS, column("rowid"), column("course"), column("person_id"), column("body"))


STEMS_TABLE = table(STEMS, column("question_id"), column("stem"), column("course_id"), column("size"))


@lru_cache(maxsize=1024)  # a question's stems go to the index with its id
def _json_list(items: tuple[str, ...]) -> str:
    return json.dumps(items)


@lru_cache(maxsize=4096)  # a batch's new questions are stemmed for the index and their matches
def stems_of(text: str) -> tuple[str, ...]:
    """A question's stems as the stems table holds them (a match counts the same ones)."""
    return tuple(sorted({stem[:STEM_LENGTH] for stem in stems(text)}))


def regconfig(language: Any) -> ColumnElement[Any]:
    """PostgreSQL's text search configuration for a course's language."""
    return case(
        (language == "fr", literal_column("'french'::regconfig")),
        else_=literal_column("'english'::regconfig"),
    )


def course_token(course_id: Any, postgresql: bool) -> Any:
    """The course as a token of the index, so that the index itself narrows a search to one
    course's rows: SQLite's 'c<id>' in a column of its own; PostgreSQL's lexeme '#<id>', which
    no text yields ('#' is never part of a parsed word)."""
    if postgresql:
        return func.array_to_tsvector(pg_array([literal_column("'#'").op("||")(cast(course_id, Text))]))
    return literal_column("'c'").op("||")(course_id)


def best_answer() -> Any:
    """A question's best answer's text, in a select of questions."""
    return (
        select(AnswerRow.text)
        .where(AnswerRow.question_id == QuestionRow.id, AnswerRow.text != REMOVED)
        .order_by(
            AnswerRow.accepted.desc(), AnswerRow.by_facilitator.desc(), AnswerRow.answered_at, AnswerRow.id
        )
        .limit(1)
        .scalar_subquery()
    )


def _questions_as_indexed(dialect: str, where: ColumnElement[bool]) -> _Rows:
    answer = func.coalesce(best_answer(), "")
    kept = and_(where, QuestionRow.text != REMOVED)
    if dialect == "postgresql":
        config = regconfig(CourseRow.language)
        question = func.setweight(func.to_tsvector(config, QuestionRow.text), literal_column("'A'"))
        answered = func.setweight(func.to_tsvector(config, answer), literal_column("'B'"))
        document = question.op("||")(answered).op("||")(course_token(QuestionRow.course_id, True))
        return (
            select(QuestionRow.id, QuestionRow.course_id, document)
            .join(CourseRow, CourseRow.id == QuestionRow.course_id)
            .where(kept)
        )
    course = course_token(QuestionRow.course_id, False)
    return select(QuestionRow.id, course, QuestionRow.text, answer).where(kept)


def _introductions_as_indexed(dialect: str, where: ColumnElement[bool]) -> _Rows:
    kept = and_(where, IntroductionRow.text != REMOVED)
    row = (IntroductionRow.id, IntroductionRow.course_id, IntroductionRow.person_id)
    if dialect == "postgresql":
        document = func.to_tsvector(regconfig(CourseRow.language), IntroductionRow.text).op("||")(
            course_token(IntroductionRow.course_id, True)
        )
        return select(*row, document).join(CourseRow, CourseRow.id == IntroductionRow.course_id).where(kept)
    course = course_token(IntroductionRow.course_id, False)
    return select(IntroductionRow.id, course, IntroductionRow.person_id, IntroductionRow.text).where(kept)


def _upsert(dialect: str, target: TableClause, rows: _Rows) -> Insert:
    """Index these rows as they are now, over what was indexed of them."""
    names = [c.name for c in target.columns]
    if dialect == "postgresql":
        statement = postgresql.insert(target).from_select(names, rows)
        changed = {name: statement.excluded[name] for name in names if name != "id"}
        return statement.on_conflict_do_update(index_elements=["id"], set_=changed)
    return sqlite.insert(target).from_select(names, rows).prefix_with("OR REPLACE")


@cache
def _question_by_id(dialect: str) -> Insert:
    return _upsert(
        dialect,
        questions_table(dialect),
        _questions_as_indexed(dialect, QuestionRow.id == bindparam("b_question")),
    )


@cache
def _introduction_by_id(dialect: str) -> Insert:
    rows = _introductions_as_indexed(dialect, IntroductionRow.id == bindparam("b_intro"))
    return _upsert(dialect, introductions_table(dialect), rows)


@cache
def _introductions_at(dialect: str) -> Insert:
    at = and_(
        IntroductionRow.chat_id == bindparam("b_chat"), IntroductionRow.message_id == bindparam("b_message")
    )
    return _upsert(dialect, introductions_table(dialect), _introductions_as_indexed(dialect, at))


_ADD_STEMS = insert(STEMS_TABLE)
_STEMS_OUT = delete(STEMS_TABLE).where(STEMS_TABLE.c.question_id == bindparam("b_question"))


# Stems go in as rows of one JSON parameter, [[question, course, size, [stems…]], …], which the
# database unpacks: a question's stems are one write, and a batch's one execution.
_SQLITE_STEMS = (
    "SELECT json_extract(q.value, '$[0]') AS question_id, s.value AS stem,"
    " json_extract(q.value, '$[1]') AS course_id, json_extract(q.value, '$[2]') AS size"
    " FROM json_each(:b_rows) AS q, json_each(q.value, '$[3]') AS s"
)
_POSTGRESQL_STEMS = (
    "SELECT (q.value->>0)::bigint AS question_id, s.value AS stem, (q.value->>1)::bigint AS course_id,"
    " (q.value->>2)::smallint AS size"
    " FROM jsonb_array_elements(CAST(:b_rows AS jsonb)) AS q(value),"
    " jsonb_array_elements_text(q.value->3) AS s(value)"
)


_STEM_COLUMNS = ["question_id", "stem", "course_id", "size"]


@cache
def _stem_rows(dialect: str) -> Any:
    """The stems given as one parameter, as rows of the stems table."""
    return text(_POSTGRESQL_STEMS if dialect == "postgresql" else _SQLITE_STEMS).columns(*STEMS_TABLE.c)


@cache
def _stems_in(dialect: str) -> Insert:
    return insert(STEMS_TABLE).from_select(_STEM_COLUMNS, _stem_rows(dialect))


# A batch's index rows of one statement go as one statement whose rows are one parameter
# (storage/batch/buffer.py): the database unpacks them, so a batch's hundreds of index rows cost
# one execution, not one each. Each parameter is named for what it holds, so that PostgreSQL can
# take a batch's index statements as one (`joined`).
_Send = tuple[Any, dict[str, Any] | list[dict[str, Any]]]  # a statement and its row, or rows
_QUESTIONS, _INTRODUCTIONS, _STALE, _STEM_ROWS = "b_questions", "b_introductions", "b_stale", "b_rows"


def packed(statement: UpdateBase, rows: list[dict[str, Any]], dialect: str) -> _Send:
    """The statement for these rows at once and its one row, or the statement and its rows."""
    if statement is _question_by_id(dialect):
        return _questions_by_ids(dialect), {_QUESTIONS: _ids(rows, "b_question", dialect)}
    if statement is _introduction_by_id(dialect):
        return _introductions_by_ids(dialect), {_INTRODUCTIONS: _ids(rows, "b_intro", dialect)}
    if statement is _STEMS_OUT:
        return _stems_out_many(dialect), {_STALE: _ids(rows, "b_question", dialect)}
    if statement is _stems_in(dialect):  # each row's [[…]] of one question: their arrays joined
        return statement, {_STEM_ROWS: "[" + ",".join(row["b_rows"][1:-1] for row in rows) + "]"}
    return statement, rows


def joined(sends: list[_Send], dialect: str) -> list[_Send]:
    """The batch's index statements, packed, as few as the database takes: on PostgreSQL those
    of one row go as one, the others its data-modifying WITH queries. Those all run on one
    snapshot, so no two may touch the same rows: an edit's stems out and the batch's stems in
    become one part that deletes the stale stems only and upserts the rest (a stem that stays
    takes its new count). A statement sent for many rows or twice, and stems out and in left
    unpaired, go first on their own, in order: an upsert indexes its rows as they are when it
    runs, so the others' order is free."""
    if dialect != "postgresql":
        return sends
    sends = _restemmed(sends, dialect)
    statements = [statement for statement, _ in sends]
    stems = {_stems_out_many(dialect), _stems_in(dialect)}
    ordered = stems if stems <= set(statements) else set()  # out and in left unpaired: in order

    together: list[tuple[Any, dict[str, Any]]] = []
    alone: list[_Send] = []
    for statement, row in sends:
        if isinstance(row, dict) and statements.count(statement) == 1 and statement not in ordered:
            together.append((statement, row))
        else:
            alone.append((statement, row))
    if len(together) < 2:
        return sends
    values = {name: value for _, row in together for name, value in row.items()}
    return [*alone, (_together(tuple(statement for statement, _ in together)), values)]


def _restemmed(sends: list[_Send], dialect: str) -> list[_Send]:
    statements = [statement for statement, _ in sends]
    out, into = _stems_out_many(dialect), _stems_in(dialect)
    if statements.count(out) != 1 or statements.count(into) != 1:
        return sends
    first, second = statements.index(out), statements.index(into)
    (_, gone), (_, stems) = sends[first], sends[second]
    if first > second or not isinstance(gone, dict) or not isinstance(stems, dict):
        return sends  # stems in before stems out: an edit left them none, the pair would keep them
    rest = [send for send in sends if send[0] is not out and send[0] is not into]
    return [*rest, (_restems(), {**gone, **stems})]  # last: the one part with WITH queries of its own


@lru_cache(maxsize=64)  # a few shapes of batch
def _together(statements: tuple[Any, ...]) -> Any:
    *parts, last = statements
    return last.add_cte(*(p.returning(literal_column("1")).cte(f"index_{n}") for n, p in enumerate(parts)))


@cache
def _restems() -> Insert:
    """PostgreSQL: the stale stems of the edited questions out, and the batch's stems upserted."""
    stems = _stem_rows("postgresql").cte("stems")
    held = STEMS_TABLE.c
    stale = (
        delete(STEMS_TABLE)
        .where(
            held.question_id == any_(bindparam(_STALE, type_=postgresql.ARRAY(BigInteger))),
            ~exists().where(stems.c.question_id == held.question_id, stems.c.stem == held.stem),
        )
        .returning(literal_column("1"))
        .cte("stale")
    )
    statement = postgresql.insert(STEMS_TABLE).from_select(_STEM_COLUMNS, select(stems))
    fresh = {"course_id": statement.excluded.course_id, "size": statement.excluded.size}
    return statement.on_conflict_do_update(index_elements=["question_id", "stem"], set_=fresh).add_cte(stale)


def _ids(rows: list[dict[str, Any]], name: str, dialect: str) -> Any:
    ids = [int(row[name]) for row in rows]
    return ids if dialect == "postgresql" else json.dumps(ids)


def _among_ids(
    column: ColumnElement[int] | InstrumentedAttribute[int], name: str, dialect: str
) -> ColumnElement[bool]:
    """The column's value is one of the ids given as one parameter (`_ids`)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(BigInteger)))
    each = func.json_each(bindparam(name, type_=String)).table_valued("value")
    return column.in_(select(each.c.value))


@cache
def _questions_by_ids(dialect: str) -> Insert:
    where = _among_ids(QuestionRow.id, _QUESTIONS, dialect)
    return _upsert(dialect, questions_table(dialect), _questions_as_indexed(dialect, where))


@cache
def _introductions_by_ids(dialect: str) -> Insert:
    where = _among_ids(IntroductionRow.id, _INTRODUCTIONS, dialect)
    return _upsert(dialect, introductions_table(dialect), _introductions_as_indexed(dialect, where))


@cache
def _stems_out_many(dialect: str) -> Delete:
    return delete(STEMS_TABLE).where(_among_ids(STEMS_TABLE.c.question_id, _STALE, dialect))


class IndexWrites:
    """The index's share of a repository's writes, through the same Writes (at once, or held)."""

    def __init__(self, session: AsyncSession, writes: Writes) -> None:
        self.session, self.writes = session, writes
        self._dialect = dialect_of(session)

    async def question(self, question_id: int) -> None:
        """Asked, answered, or its accepted answer changed."""
        statement = _question_by_id(self._dialect)
        await self.writes.execute(statement, {"b_question": question_id}, [("question search", question_id)])

    async def stems(self, question_id: int, course_id: int, text: str) -> None:
        """A question asked: its stems, for a match (one row, sent with the batch's others)."""
        found = stems_of(text)
        if not found:
            return
        values = {"b_rows": f"[[{question_id},{course_id},{len(found)},{_json_list(found)}]]"}
        await self.writes.execute(_stems_in(self._dialect), values, [("question stems", question_id)])

    async def restemmed(self, question_id: int, course_id: int, text: str) -> None:
        """Its message was edited: the stems of the question as it now reads."""
        keys = [("question stems", question_id)]
        await self.writes.execute(_STEMS_OUT, {"b_question": question_id}, keys)
        await self.stems(question_id, course_id, text)

    async def introduction(self, introduction_id: int) -> None:
        """Posted (the one it replaces stays indexed: a search keeps the current one)."""
        keys = [("introduction search", introduction_id)]
        await self.writes.execute(_introduction_by_id(self._dialect), {"b_intro": introduction_id}, keys)

    async def introductions_at(self, chat_id: int, message_id: int) -> None:
        values = {"b_chat": chat_id, "b_message": message_id}
        keys = [("introduction search at", chat_id, message_id)]
        await self.writes.execute(_introductions_at(self._dialect), values, keys)


async def reindex_questions(session: AsyncSession, ids: Iterable[int]) -> None:
    """Many questions at once, as they are now (outside the busy path: forgetting, retention)."""
    dialect = dialect_of(session)
    target = questions_table(dialect)
    key = target.c[_key(dialect)]
    found = sorted(set(ids))
    for start in range(0, len(found), _CHUNK):
        chunk = found[start : start + _CHUNK]
        await session.execute(delete(target).where(key.in_(chunk)))
        await session.execute(
            _upsert(dialect, target, _questions_as_indexed(dialect, QuestionRow.id.in_(chunk)))
        )
        removed = select(QuestionRow.id).where(QuestionRow.id.in_(chunk), QuestionRow.text == REMOVED)
        await session.execute(delete(STEMS_TABLE).where(STEMS_TABLE.c.question_id.in_(removed)))


async def unindex_introductions(session: AsyncSession, ids: Iterable[int]) -> None:
    """Introductions gone or emptied: out of the index (before they are deleted, or after)."""
    dialect = dialect_of(session)
    target = introductions_table(dialect)
    key = target.c[_key(dialect)]
    found = sorted(set(ids))
    for start in range(0, len(found), _CHUNK):
        await session.execute(delete(target).where(key.in_(found[start : start + _CHUNK])))


async def rebuild(session: AsyncSession) -> None:
    """Everything indexed again from the rows (after rows were written around the repositories,
    as the benchmarks' generated deployment is)."""
    dialect = dialect_of(session)
    for target, rows in (
        (questions_table(dialect), _questions_as_indexed(dialect, QuestionRow.id.is_not(None))),
        (introductions_table(dialect), _introductions_as_indexed(dialect, IntroductionRow.id.is_not(None))),
    ):
        await session.execute(delete(target))
        await session.execute(_upsert(dialect, target, rows))
    await session.execute(delete(STEMS_TABLE))
    last = 0
    while True:
        questions = list(
            await session.execute(
                select(QuestionRow.id, QuestionRow.course_id, QuestionRow.text)
                .where(QuestionRow.id > last, QuestionRow.text != REMOVED)
                .order_by(QuestionRow.id)
                .limit(_REBUILD_CHUNK)
            )
        )
        if not questions:
            return
        stemmed = [(question_id, course_id, stems_of(text)) for question_id, course_id, text in questions]
        await session.execute(
            _ADD_STEMS,
            [
                {"question_id": question_id, "stem": stem, "course_id": course_id, "size": len(found)}
                for question_id, course_id, found in stemmed
                for stem in found
            ],
        )
        last = questions[-1][0]
