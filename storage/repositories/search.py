"""The search index's reads (facilitation.ports.SearchIndex); storage/search_index.py writes it.

SQLite ranks with FTS5's bm25() (a question's own words weigh twice its answer's); PostgreSQL
with ts_rank_cd over the tsvectors, querying each course in its language's configuration. The
words given are plain words (facilitation.search_terms): they are quoted (FTS5) or joined
(to_tsquery) here, so no one's input is read as query syntax. Any word may match (OR): the rank
puts the questions sharing the most, and the rarest, words first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from sqlalchemy import ColumnElement, bindparam, select, text

from facilitation.model import Candidate, Course, Found, QuestionState
from storage import mapping
from storage.models import PersonRow, QuestionRow
from storage.repositories.base import Repository, dialect_of
from storage.search_index import best_answer

_DISMISSED = QuestionState.DISMISSED.value
_SETTLED = (QuestionState.ANSWERED.value, QuestionState.RESOLVED.value)

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
# A match's candidates: the newest earlier settled questions of the course whose own text shares
# two of the words given (SqlSearch.match picks the words), not ranked: facilitation.matching
# judges how close each is.
# A match's statements read only what was settled before an inbox batch (storage/batch: BatchSearch
# sends the buffer first when it holds an answer), and say so for the batch's watchers.
EARLIER = "/* earlier answers */ "
_SQLITE_MATCH = (
    EARLIER
    + """
SELECT c.rowid, q.text FROM (
    SELECT rowid FROM question_search WHERE question_search MATCH :query AND rowid < :before
    ORDER BY rowid DESC LIMIT :candidates
) c JOIN questions q ON q.id = c.rowid
WHERE q.course_id = :course AND q.state IN :settled
ORDER BY c.rowid DESC LIMIT :limit
"""
)
# "s.id + 0": newest first by sorting what the GIN index found, never by walking the primary key
# backwards in the hope of meeting matches.
_POSTGRESQL_MATCH = (
    EARLIER
    + f"""
SELECT s.id, q.text FROM question_search s JOIN questions q ON q.id = s.id
WHERE s.document @@ (CAST(:in_courses AS tsquery) && {_POSTGRESQL_WORDS}) AND numnode({_POSTGRESQL_WORDS}) > 0
AND s.course_id = :course AND s.id < :before AND q.state IN :settled
ORDER BY s.id + 0 DESC LIMIT :limit
"""
)
_CANDIDATES = 100  # SQLite: newest rows sharing two words read before the course's settled ones are kept
# How common a word is among the course's questions, counted up to _COMMON (beyond it, a word is
# common, however common): FTS5 stops reading a word's rows at the limit.
_SQLITE_COUNT = (
    "SELECT {i}, count(*) FROM (SELECT rowid FROM question_search"
    " WHERE question_search MATCH :w{i} LIMIT :common)"
)
_COMMON = 30
_COMMON_SHARE = 0.002  # PostgreSQL: a lexeme in this share of all courses' questions is common
# PostgreSQL's own statistic (ANALYZE, autovacuum): the share of the index's rows holding each of
# its most common lexemes. A word none of whose lexemes is listed is rare.
_POSTGRESQL_SHARES = (
    EARLIER
    + """
SELECT w.i, coalesce(max(e.share), 0) FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS w(word, i)
CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector(CAST(:config AS regconfig), w.word))) AS l(lexeme)
LEFT JOIN (
    SELECT e.lexeme, e.share FROM pg_stats p,
    unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) AS e(lexeme, share)
    WHERE p.schemaname = current_schema() AND p.tablename = 'question_search' AND p.attname = 'document'
) e ON e.lexeme = l.lexeme
GROUP BY w.i
"""
)
_SQLITE_INTRODUCTIONS = """
SELECT i.person_id FROM introduction_search s JOIN introductions i ON i.id = s.rowid
WHERE introduction_search MATCH :query AND i.course_id = :course
ORDER BY bm25(introduction_search) LIMIT :limit
"""
_POSTGRESQL_INTRODUCTIONS = f"""
SELECT s.person_id FROM introduction_search s
WHERE s.document @@ (CAST(:in_courses AS tsquery) && {_POSTGRESQL_WORDS}) AND numnode({_POSTGRESQL_WORDS}) > 0
AND s.course_id = :course
ORDER BY ts_rank_cd(s.document, {_POSTGRESQL_WORDS}) DESC LIMIT :limit
"""


def _config(language: str) -> str:
    return "french" if language == "fr" else "english"


class SqlSearch(Repository):
    async def search(self, courses: Sequence[Course], words: Sequence[str], limit: int) -> list[Found]:
        where = f"AND q.state != '{_DISMISSED}'"
        return await self._questions(courses, words, limit, where, {})

    async def match(
        self, course: Course, words: Sequence[str], limit: int, before: int, shared: int = 2
    ) -> list[Candidate]:
        postgresql = dialect_of(self.session) == "postgresql"
        picked, both = await self._rarest(course, words, shared, postgresql)
        if not picked:
            return []
        values: dict[str, Any] = {
            "course": course.id,
            "before": before,
            "limit": limit,
            "settled": list(_SETTLED),
            **_query([course.id], picked, postgresql, "question", weight=":A", pairs=both),
        }
        if postgresql:
            values["config"] = _config(course.settings.language)
        else:
            values["candidates"] = _CANDIDATES
        statement = text(_POSTGRESQL_MATCH if postgresql else _SQLITE_MATCH)
        rows = await self.session.execute(statement.bindparams(bindparam("settled", expanding=True)), values)
        return [Candidate(int(i), question) for i, question in rows]

    async def has_settled(self, course_id: int) -> bool:
        """Whether the course has an answered or resolved question at all (a match's first test)."""
        statement = text(
            EARLIER
            + "SELECT EXISTS (SELECT 1 FROM questions WHERE course_id = :course AND state IN :settled)"
        )
        statement = statement.bindparams(bindparam("settled", expanding=True))
        return bool(await self.session.scalar(statement, {"course": course_id, "settled": list(_SETTLED)}))

    async def found(self, question_ids: Sequence[int]) -> list[Found]:
        return await self._found(list(question_ids), dict.fromkeys(question_ids, 0.0))

    async def _rarest(
        self, course: Course, words: Sequence[str], shared: int, postgresql: bool
    ) -> tuple[list[str], bool]:
        """The words a match looks for, and whether a question must hold two of them (else one).

        A question sharing `shared` of the n words shares two of any n - shared + 2 of them,
        so only the rarest are looked for; and if fewer than `shared` of the words are common,
        it shares `shared` - (the common ones) of the rare ones, whose rows are few: then no
        common word is looked for at all. Nothing when no question can share enough (SQLite:
        too few of the words are in the course)."""
        if shared < 1 or len(words) < shared:
            return [], False
        if postgresql:
            rows = await self.session.execute(
                text(_POSTGRESQL_SHARES),
                {"words": list(words), "config": _config(course.settings.language)},
            )
            found = {int(i) - 1: float(share) for i, share in rows}
            commonness = [found.get(i, 0.0) for i in range(len(words))]
            common_from = _COMMON_SHARE
        else:
            commonness = await self._counts(course, words)
            common_from = _COMMON
            present = [i for i, n in enumerate(commonness) if n > 0]
            if len(present) < shared:
                return [], False
            words = [words[i] for i in present]
            commonness = [commonness[i] for i in present]
        by_rarity = sorted(range(len(words)), key=lambda i: commonness[i])  # stable: ties keep order
        rare = [i for i in by_rarity if commonness[i] < common_from]
        from_rare = shared - (len(words) - len(rare))  # what a match shares of the rare words, at least
        pool, needs = (rare, from_rare) if from_rare >= 1 else (by_rarity, shared)
        both = needs > 1
        keep = len(pool) - needs + (2 if both else 1)
        return [words[i] for i in sorted(pool[:keep])], both

    async def _counts(self, course: Course, words: Sequence[str]) -> list[float]:
        """SQLite: how many of the course's questions hold each word, up to _COMMON."""
        statement = EARLIER + " UNION ALL ".join(_SQLITE_COUNT.format(i=i) for i in range(len(words)))
        values: dict[str, Any] = {"common": _COMMON}
        for i, word in enumerate(words):
            values[f"w{i}"] = _query([course.id], [word], False, "question")["query"]
        counts = {int(i): float(n) for i, n in await self.session.execute(text(statement), values)}
        return [counts.get(i, 0.0) for i in range(len(words))]

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

    async def _found(self, ids: list[int], scores: dict[int, float]) -> list[Found]:
        if not ids:
            return []
        condition: ColumnElement[bool] = QuestionRow.id.in_(ids)
        rows = await self.session.execute(
            select(QuestionRow, PersonRow, best_answer())
            .outerjoin(PersonRow, PersonRow.id == QuestionRow.asker_id)
            .where(condition)
        )
        found = {q.id: Found(mapping.question(q, p), answer or None, scores[q.id]) for q, p, answer in rows}
        return [found[i] for i in ids if i in found]


def _query(
    course_ids: Sequence[int],
    words: Sequence[str],
    postgresql: bool,
    columns: str = "question answer",
    weight: str = "",
    pairs: bool = False,
) -> dict[str, str]:
    """Any of the words (with `pairs`, any two of them), in one of the courses. The words are
    letters and digits only (search_terms); FTS5 still gets each quoted, so that none is read as
    an operator (AND, OR, NOT, NEAR). The course tokens are storage.search_index.course_token's."""
    if postgresql:
        quoted = [word + weight for word in words]
        both, either = " & ", " | "
    else:
        quoted = [f'"{word}"' for word in words]
        both, either = " AND ", " OR "
    if pairs and len(quoted) > 1:
        terms = either.join(f"({a}{both}{b})" for a, b in combinations(quoted, 2))
    else:
        terms = either.join(quoted)
    if postgresql:
        return {"query": terms, "in_courses": " | ".join(f"'#{c}'" for c in course_ids)}
    courses = " OR ".join(f'"c{c}"' for c in course_ids)
    return {"query": f"course : ({courses}) AND {{{columns}}} : ({terms})"}
