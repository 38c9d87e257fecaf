"""The search index's reads (facilitation.ports.SearchIndex); storage/search_index.py writes it.

SQLite ranks with FTS5's bm25() (a question's own words weigh twice its answer's); PostgreSQL
with ts_rank_cd over the tsvectors, querying each course in its language's configuration. The
words given are plain words (facilitation.search_terms): they are quoted (FTS5) or joined
(to_tsquery) here, so no one's input is read as query syntax. Any word may match (OR): the rank
puts the questions sharing the most, and the rarest, words first.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Integer, TextClause, bindparam, column, select, text

from facilitation.model import SETTLED, Candidate, Course, Found, QuestionState
from storage import mapping
from storage.models import PersonRow, QuestionRow
from storage.repositories.base import Repository, dialect_of
from storage.search_index import STEM_LENGTH, best_answer

_DISMISSED = QuestionState.DISMISSED.value

# {where}: further conditions on the question q. :query names the course tokens and the words
# (see _query); the expanding :courses checks the course again, whatever a token matched.
_SQLITE_QUESTIONS = """
SELECT s.rowid, -bm25(question_search, 0.0, 2.0, 1.0) AS score
FROM question_search s JOIN questions q ON q.id = s.rowid
WHERE question_search MATCH :query AND q.course_id IN :courses {where}
ORDER BY score DESC LIMIT :limit
"""
_POSTGRESQL_WORDS = "to_tsquery(CAST(:config AS regconfig), :query)"
_POSTGRESQL_QUESTIONS = f"""
SELECT s.id, ts_rank_cd(s.document, {_POSTGRESQL_WORDS}) AS score
FROM question_search s JOIN questions q ON q.id = s.id
WHERE s.document @@ (CAST(:in_courses AS tsquery) && {_POSTGRESQL_WORDS}) AND numnode({_POSTGRESQL_WORDS}) > 0
AND s.course_id IN :courses {{where}}
ORDER BY score DESC LIMIT :limit
"""
# A match's statements read only what was settled before an inbox batch (storage/batch: BatchSearch
# sends the buffer first when it holds an answer that could be a candidate, or a write to a
# candidate it reads whole), and say so for the batch's watchers.
EARLIER = "/* earlier answers */ "
# A match reads the stems table (storage/search_index.py), by (course, stem) ranges, newest first,
# in one statement (each round trip costs more than the reads): how many of the course's
# questions of a size in range hold each stem, counted up to _PER_STEM ...
_STEM_COUNT = (
    "SELECT {i} AS i, count(*) AS n FROM (SELECT 1 FROM question_stems WHERE course_id = :course"
    " AND stem = :s{i} AND size BETWEEN :low AND :high AND question_id < :before LIMIT :per) AS c{i}"
)
# ... the rarest of them chosen (every match holds one of them: prefix filtering) ...
_RAREST = """
WITH counts AS ({counts}),
ranked AS (SELECT i, row_number() OVER (ORDER BY n, i) AS r, count(*) OVER () AS present
    FROM counts WHERE n > 0),
chosen AS (SELECT i FROM ranked WHERE r <= present - :shared + 1)
"""
# ... the newest _PER_STEM questions holding each chosen stem (a stem not chosen has LIMIT 0: SQLite
# would test a WHERE on `chosen` row by row, reading the stem's whole range) ...
_PREFIX = (
    "SELECT question_id FROM (SELECT question_id FROM question_stems WHERE course_id = :course"
    " AND stem = :s{i} AND size BETWEEN :low AND :high AND question_id < :before"
    " ORDER BY question_id DESC LIMIT (SELECT count(*) FROM chosen WHERE i = {i}) * :per) AS p{i}"
)
# ... and of those, the settled ones sharing enough stems (counted by primary key, question by
# question; a stem no question of the range holds counts for none of them).
_CANDIDATES = """
SELECT q.id, q.text FROM (
    SELECT t.question_id FROM ({prefix}) AS c
    JOIN question_stems t ON t.question_id = c.question_id AND t.stem IN :stems
    GROUP BY t.question_id HAVING count(*) >= :shared
) AS m JOIN questions q ON q.id = m.question_id
WHERE q.state IN :settled
ORDER BY q.id DESC LIMIT :limit
"""
# Asked only when the batch doesn't know yet: a row (0, NULL) when the course has no answered or
# resolved question at all, so that the batch's later questions of that course read nothing.
_UNSETTLED = """
UNION ALL SELECT 0, NULL WHERE NOT EXISTS (
    SELECT 1 FROM questions WHERE course_id = :course AND state IN :settled)
"""
_PER_STEM = 100  # questions read newest first for one stem: a match's cost, whatever the course's size
# Many matches at once: their stems are rows (k: which match), given as one parameter (a JSON
# array for SQLite, arrays for PostgreSQL). Per match, as above: the stems' counts, the rarest
# n - shared + 1 chosen, the newest _PER_STEM questions of each chosen stem (those at or above
# the _PER_STEM-th newest id), those sharing enough stems, the settled ones newest first.
_MANY_COLUMNS = ("k", "course", "stem", "low", "high", "shared")
_MANY_SQLITE = (
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
    " json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]')"
    " FROM json_each(:wanted)"
)
_MANY_POSTGRESQL = (
    "SELECT * FROM unnest(CAST(:k AS integer[]), CAST(:course AS bigint[]), CAST(:stem AS text[]),"
    " CAST(:low AS integer[]), CAST(:high AS integer[]), CAST(:shared AS integer[]))"
)
# The newest _PER_STEM questions of each chosen stem: SQLite reads those at or above the
# _PER_STEM-th newest id; PostgreSQL reads them stem by stem (LATERAL), from the index whatever
# its statistics say of the table.
_PREFIX_SQLITE = """
    SELECT DISTINCT c.k, s.question_id FROM chosen c JOIN question_stems s
    ON s.course_id = c.course AND s.stem = c.stem AND s.size BETWEEN c.low AND c.high
    AND s.question_id >= (SELECT coalesce(min(l.question_id), 0) FROM (SELECT x.question_id
        FROM question_stems x WHERE x.course_id = c.course AND x.stem = c.stem
        AND x.size BETWEEN c.low AND c.high ORDER BY x.question_id DESC LIMIT :per) AS l)
"""
_PREFIX_POSTGRESQL = """
    SELECT DISTINCT c.k, l.question_id FROM chosen c CROSS JOIN LATERAL (SELECT x.question_id
        FROM question_stems x WHERE x.course_id = c.course AND x.stem = c.stem
        AND x.size BETWEEN c.low AND c.high ORDER BY x.question_id DESC LIMIT :per) AS l
"""
_MANY = """
WITH w(k, course, stem, low, high, shared) AS ({wanted}),
counts AS {materialized}(
    SELECT w.*, (SELECT count(*) FROM (SELECT 1 FROM question_stems s WHERE s.course_id = w.course
        AND s.stem = w.stem AND s.size BETWEEN w.low AND w.high LIMIT :per) AS c) AS n
    FROM w
),
ranked AS (
    SELECT counts.*, row_number() OVER (PARTITION BY k ORDER BY n, stem) AS r,
        count(*) OVER (PARTITION BY k) AS present
    FROM counts WHERE n > 0
),
chosen AS (SELECT * FROM ranked WHERE r <= present - shared + 1),
prefix AS ({prefix}),
sharing AS (
    SELECT p.k, t.question_id FROM prefix p
    JOIN question_stems t ON t.question_id = p.question_id
    JOIN w ON w.k = p.k AND w.stem = t.stem
    GROUP BY p.k, t.question_id HAVING count(*) >= max(w.shared)
),
settled AS (
    SELECT m.k, q.id, q.text, row_number() OVER (PARTITION BY m.k ORDER BY q.id DESC) AS r
    FROM sharing m JOIN questions q ON q.id = m.question_id
    WHERE q.state IN ({settled})
)
SELECT k, id FROM settled WHERE r <= :limit
"""
# The index may still hold introductions since replaced: each person's current one is kept.
_SQLITE_INTRODUCTIONS = """
SELECT i.person_id FROM introduction_search s JOIN introductions i ON i.id = s.rowid
WHERE introduction_search MATCH :query AND i.course_id = :course AND i.replaced_at IS NULL
ORDER BY bm25(introduction_search) LIMIT :limit
"""
_POSTGRESQL_INTRODUCTIONS = f"""
SELECT s.person_id FROM introduction_search s JOIN introductions i ON i.id = s.id
WHERE s.document @@ (CAST(:in_courses AS tsquery) && {_POSTGRESQL_WORDS}) AND numnode({_POSTGRESQL_WORDS}) > 0
AND s.course_id = :course AND i.replaced_at IS NULL
ORDER BY ts_rank_cd(s.document, {_POSTGRESQL_WORDS}) DESC LIMIT :limit
"""


@cache
def _match_sql(stems: int, guarded: bool) -> str:
    """A match of `stems` stems."""
    counts = " UNION ALL ".join(_STEM_COUNT.format(i=i) for i in range(stems))
    prefix = " UNION ".join(_PREFIX.format(i=i) for i in range(stems))
    candidates = _CANDIDATES.format(prefix=prefix)
    if guarded:  # its own ORDER BY and LIMIT, then the guard's row
        candidates = f"SELECT id, text FROM ({candidates}) AS found {_UNSETTLED}"
    return _RAREST.format(counts=counts) + candidates


@cache
def _match_statement(stems: int, guarded: bool) -> TextClause:
    """Built once for each count of stems: building a statement costs more than SQLite's reads."""
    return text(EARLIER + _match_sql(stems, guarded)).bindparams(
        bindparam("stems", expanding=True), bindparam("settled", expanding=True)
    )


def _match_values(
    course_id: int, wanted: list[str], sizes: tuple[int, int], shared: int, before: int, limit: int
) -> dict[str, Any]:
    return {
        "course": course_id,
        "low": sizes[0],
        "high": sizes[1],
        "before": before,
        "per": _PER_STEM,
        "stems": wanted,
        "shared": shared,
        "settled": [state.value for state in SETTLED],
        "limit": limit,
        **{f"s{i}": stem for i, stem in enumerate(wanted)},
    }


@cache
def _match_many_statement(postgresql: bool) -> Any:
    """The matches, then their candidates whole with their best answers (a batch's are a few: an
    offer then reads nothing more)."""
    settled = ", ".join(f"'{state}'" for state in SETTLED)
    wanted = _MANY_POSTGRESQL if postgresql else _MANY_SQLITE
    prefix = _PREFIX_POSTGRESQL if postgresql else _PREFIX_SQLITE
    # Each stem counted once (PostgreSQL would inline the count into both the filter and the order).
    materialized = "MATERIALIZED " if postgresql else ""
    statement = _MANY.format(wanted=wanted, settled=settled, prefix=prefix, materialized=materialized)
    matched = text(statement)
    m = matched.columns(column("k", Integer), column("id", BigInteger)).subquery("m")
    return (
        select(m.c.k, QuestionRow, PersonRow, best_answer())
        .join(QuestionRow, QuestionRow.id == m.c.id)
        .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
        .order_by(m.c.k, QuestionRow.id.desc())
        .prefix_with(EARLIER)
    )


@cache
def _found_statement(comment: str) -> Any:
    """Questions by id, whole, with their best answer (built once: a match reads it every batch)."""
    statement = (
        select(QuestionRow, PersonRow, best_answer())
        .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
        .where(QuestionRow.id.in_(bindparam("ids", expanding=True)))
    )
    return statement.prefix_with(comment) if comment else statement


def _config(language: str) -> str:
    return "french" if language == "fr" else "english"


class SqlSearch(Repository):
    async def search(self, courses: Sequence[Course], words: Sequence[str], limit: int) -> list[Found]:
        where = f"AND q.state != '{_DISMISSED}'"
        return await self._questions(courses, words, limit, where, {})

    async def match(
        self,
        course: Course,
        stems: Sequence[str],
        sizes: tuple[int, int],
        shared: int,
        before: int,
        limit: int,
    ) -> list[Candidate]:
        candidates, _ = await self.matched(course, stems, sizes, shared, before, limit, guarded=False)
        return candidates

    async def matched(
        self,
        course: Course,
        stems: Sequence[str],
        sizes: tuple[int, int],
        shared: int,
        before: int,
        limit: int,
        guarded: bool,
    ) -> tuple[list[Candidate], bool | None]:
        """Prefix filtering: a question sharing `shared` of the n stems holds one of any
        n - shared + 1 of them, so only the rarest n - shared + 1 are read for candidates, each
        newest first and at most _PER_STEM (all of a stem's when it is that rare); the candidates
        are then counted against every stem. A stem no question of the course holds is left out
        first, and nothing is read when too few are left. One statement, one round trip.

        With the candidates, whether the course has an answered or resolved question at all
        (asked only when `guarded` and something is read; None when not asked)."""
        wanted = sorted({stem[:STEM_LENGTH] for stem in stems})
        if shared < 1 or len(wanted) < shared:
            return [], None
        values = _match_values(course.id, wanted, sizes, shared, before, limit)
        rows = (await self.session.execute(_match_statement(len(wanted), guarded), values)).all()
        found = [Candidate(int(i), question) for i, question in rows if i]  # newest first
        return sorted(found, key=lambda c: -c.question_id), all(i for i, _ in rows) if guarded else None

    async def match_many(
        self, asked: Sequence[tuple[int, Sequence[str], tuple[int, int], int]], limit: int
    ) -> list[list[Found]]:
        """Several matches (course id, stems, sizes, shared) of everything stored, their
        candidates whole, in one statement whose text never changes (an inbox batch's new
        questions, matched ahead: storage/batch/snapshot.py): the matches are rows of one
        parameter, so the database prepares the statement once, however many questions a batch
        holds. The same prefix filtering as `matched`, done for every match at once."""
        found: list[list[Found]] = [[] for _ in asked]
        rows = [
            (k, course_id, stem, sizes[0], sizes[1], shared)
            for k, (course_id, stems, sizes, shared) in enumerate(asked)
            if shared >= 1 and len(wanted := sorted({stem[:STEM_LENGTH] for stem in stems})) >= shared
            for stem in wanted
        ]
        if not rows:
            return found
        postgresql = dialect_of(self.session) == "postgresql"
        values: dict[str, Any] = {"per": _PER_STEM, "limit": limit}
        if postgresql:
            for name, column in zip(_MANY_COLUMNS, zip(*rows, strict=True), strict=True):
                values[name] = list(column)
        else:
            values["wanted"] = json.dumps(rows)
        for k, question, asker, answer in await self.session.execute(
            _match_many_statement(postgresql), values
        ):
            found[int(k)].append(Found(mapping.question(question, asker), answer or None, 0.0))
        return found  # newest first

    async def found(self, question_ids: Sequence[int]) -> list[Found]:
        """A match's candidates, whole (read like its other statements: see EARLIER)."""
        return await self._found(list(question_ids), dict.fromkeys(question_ids, 0.0), EARLIER)

    async def introduced(self, course: Course, words: Sequence[str], limit: int) -> list[int]:
        if not words:
            return []
        postgresql = dialect_of(self.session) == "postgresql"
        values: dict[str, Any] = {
            "course": course.id,
            "limit": limit,
            **_query([course.id], words, postgresql, "body"),
        }
        if postgresql:
            values["config"] = _config(course.settings.language)
        statement = text(_POSTGRESQL_INTRODUCTIONS if postgresql else _SQLITE_INTRODUCTIONS)
        return list(await self.session.scalars(statement, values))

    async def _questions(
        self, courses: Sequence[Course], words: Sequence[str], limit: int, where: str, extra: dict[str, Any]
    ) -> list[Found]:
        if not words or not courses:
            return []
        postgresql = dialect_of(self.session) == "postgresql"
        by_language: dict[str, list[int]] = defaultdict(list)
        for course in courses:  # SQLite's one stemmer serves every language
            by_language[_config(course.settings.language) if postgresql else ""].append(course.id)
        statement = text((_POSTGRESQL_QUESTIONS if postgresql else _SQLITE_QUESTIONS).format(where=where))
        statement = statement.bindparams(bindparam("courses", expanding=True))
        scores: dict[int, float] = {}
        for config, course_ids in by_language.items():
            values = {"courses": course_ids, "limit": limit, **_query(course_ids, words, postgresql), **extra}
            if postgresql:
                values["config"] = config
            scores.update({row[0]: float(row[1]) for row in await self.session.execute(statement, values)})
        best = sorted(scores, key=lambda i: (-scores[i], -i))[:limit]
        return await self._found(best, scores)

    async def _found(self, ids: list[int], scores: dict[int, float], comment: str = "") -> list[Found]:
        if not ids:
            return []
        rows = await self.session.execute(_found_statement(comment), {"ids": ids})
        found = {q.id: Found(mapping.question(q, p), answer or None, scores[q.id]) for q, p, answer in rows}
        return [found[i] for i in ids if i in found]


def _query(
    course_ids: Sequence[int],
    words: Sequence[str],
    postgresql: bool,
    columns: str = "question answer",
) -> dict[str, str]:
    """Any of the words, in one of the courses. The words are
    letters and digits only (search_terms); FTS5 still gets each quoted, so that none is read as
    an operator (AND, OR, NOT, NEAR). The course tokens are storage.search_index.course_token's."""
    terms = " | ".join(words) if postgresql else " OR ".join(f'"{word}"' for word in words)
    if postgresql:
        return {"query": terms, "in_courses": " | ".join(f"'#{c}'" for c in course_ids)}
    courses = " OR ".join(f'"c{c}"' for c in course_ids)
    return {"query": f"course : ({courses}) AND {{{columns}}} : ({terms})"}
