"""Answers keep their question's course (migration 0029): every new answer is stored with it,
and the answers stored before the migration get it from their questions."""

from __future__ import annotations

import asyncio

from alembic import command
from storage.migrations import alembic_config, upgrade
from tests.support.cohort import BEN, CLEO, DAN, OTHER, ZOE, at, set_up, two_days
from tests.support.harness import Harness

ANSWERS = (
    "select a.id, a.course_id, q.course_id, c.hashtag from answers a"
    " join questions q on q.id = a.question_id join courses c on c.id = q.course_id order by a.id"
)


async def two_courses(flock: Harness) -> None:
    """The cohort's two days in one course, and a question answered twice in another."""
    await two_days(flock)
    await set_up(flock, OTHER, ZOE, "#lead26")
    asked = await at(flock, 13, 0, DAN, "Who leads the Friday session?", OTHER)
    await at(flock, 13, 5, ZOE, "I do, with Ben.", OTHER, reply_to=asked["message"])
    await at(flock, 13, 9, CLEO, "Zoe does.", OTHER, reply_to=asked["message"])
    await at(flock, 13, 20, BEN, "And who leads the Monday one?", OTHER)


async def test_every_new_answer_is_stored_with_its_questions_course(flock: Harness) -> None:
    await two_courses(flock)

    answers = await flock.rows(ANSWERS)

    assert [kept for _, kept, _, _ in answers] == [course for _, _, course, _ in answers]
    assert {tag for *_, tag in answers} == {"onb26", "lead26"}
    assert len(answers) >= 5


async def test_answers_stored_before_0029_get_their_questions_course(
    flock: Harness, database_url: str
) -> None:
    await two_courses(flock)
    kept = await flock.rows(ANSWERS)
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0028")  # the column goes

    await upgrade(database_url)

    assert await flock.rows(ANSWERS) == kept
    assert all(course == question_course for _, course, question_course, _ in kept)
