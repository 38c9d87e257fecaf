"""The inbox: stored before processing, processed once, resumed after a restart, one bad update
rolled back alone (docs/ARCHITECTURE.md, "Updates in")."""

from typing import Any

import pytest
from sqlalchemy import text

from bot import texts
from storage.repositories.questions import SqlQuestions
from tests.builders import JSON, group, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
DAN = user(14, "Dan", "dan_d")
CHAT = group(-1001500, "Onboarding 2026")
SECRET = "relation no_such_table, password=hunter2"


async def set_up_course(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))


def break_questions_about(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    """Storing a question mentioning `word` writes it, then fails in the database."""
    original = SqlQuestions.add

    async def failing_add(self: SqlQuestions, *args: Any, **kwargs: Any) -> Any:
        question = await original(self, *args, **kwargs)
        if word in question.text:
            await self.session.execute(text("insert into no_such_table values (1)"))
        return question

    monkeypatch.setattr(SqlQuestions, "add", failing_add)


async def test_update_stored_twice_is_processed_once(flock: Harness) -> None:
    await set_up_course(flock)
    update = flock.telegram.post(CHAT, BEN, "#q where are the slides from day one")
    first = await flock.send(update)

    again = await flock.send(update)

    assert [c.method for c in first] == ["setMessageReaction"]
    assert again == []
    assert await flock.rows("select count(*) from questions") == [(1,)]
    assert await flock.rows("select posts from learners where person_id = 12") == [(1,)]
    assert await flock.rows("select count(*) from inbox where update_id = :id", id=update["update_id"]) == [
        (1,)
    ]


async def test_update_delivered_twice_in_one_batch_is_processed_once(flock: Harness) -> None:
    await set_up_course(flock)
    update = flock.telegram.post(CHAT, BEN, "#q where are the slides from day one")

    calls = await flock.send(update, update)

    assert [c.method for c in calls] == ["setMessageReaction"]
    assert await flock.rows("select count(*) from questions") == [(1,)]


async def test_updates_are_processed_in_update_id_order(flock: Harness) -> None:
    await set_up_course(flock)
    question = flock.telegram.post(CHAT, BEN, "How do I install the course tools?")
    answer = flock.telegram.post(CHAT, CLEO, "Use the installer.", reply_to=question["message"])

    await flock.send(answer, question)

    assert await flock.rows("select state from questions") == [("answered",)]
    assert await flock.rows("select answerer_id from answers") == [(13,)]


async def test_updates_stored_before_a_restart_are_processed_after_it(
    database_url: str, clock: FrozenClock
) -> None:
    async with Harness(database_url, clock) as before:
        await set_up_course(before)
        handled = before.telegram.post(CHAT, BEN, "#q where are the slides from day one")
        await before.send(handled)
        pending = [
            before.telegram.post(CHAT, CLEO, "#q is there a recording of the kickoff"),
            before.telegram.post(CHAT, DAN, "#intro Hi, I'm Dan"),
        ]
        await before.flock.poller.store(pending)
        unprocessed = await before.rows("select update_id from inbox where processed_at is null order by 1")

    async with Harness(database_url, clock) as after:
        processed = await after.flock.poller.processor.drain()
        await after.flock.sender.flush()
        calls = after.api.take()

        assert unprocessed == [(pending[0]["update_id"],), (pending[1]["update_id"],)]
        assert processed == 2
        assert [(c.method, c.params["message_id"]) for c in calls] == [
            ("setMessageReaction", pending[0]["message"]["message_id"]),
            ("setMessageReaction", pending[1]["message"]["message_id"]),
        ]
        assert await after.rows("select asker_id from questions order by id") == [(12,), (13,)]
        assert await after.rows("select person_id from introductions") == [(14,)]
        assert await after.rows("select count(*) from inbox where processed_at is null") == [(0,)]
        assert await after.flock.poller.processor.drain() == 0


async def test_failing_update_is_rolled_back_alone_and_the_batch_commits(
    flock: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await set_up_course(flock)
    break_questions_about(monkeypatch, "explode")
    before = flock.telegram.post(CHAT, BEN, "#q where are the slides from day one")
    failing = flock.telegram.post(CHAT, CLEO, "#q what if I explode the build")
    after = flock.telegram.post(CHAT, DAN, "#intro Hi, I'm Dan")

    await flock.send(before, failing, after)

    assert await flock.rows("select asker_id, text from questions") == [
        (12, "where are the slides from day one")
    ]
    assert await flock.rows("select person_id from introductions") == [(14,)]
    assert await flock.rows("select person_id from learners order by 1") == [(12,), (14,)]
    assert await flock.rows("select id from people where id = 13") == []
    assert await flock.rows("select count(*) from inbox where processed_at is null") == [(0,)]


async def test_failed_update_does_not_block_later_batches(
    flock: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await set_up_course(flock)
    break_questions_about(monkeypatch, "explode")
    await flock.send(flock.telegram.post(CHAT, CLEO, "#q what if I explode the build"))

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "#q where are the slides from day one"))

    assert [c.method for c in calls] == ["setMessageReaction"]
    assert await flock.rows("select asker_id from questions") == [(12,)]


async def test_handler_error_sends_a_short_apology_without_details(
    flock: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await set_up_course(flock)
    break_questions_about(monkeypatch, "explode")

    calls = await flock.send(flock.telegram.post(CHAT, CLEO, "#q what if I explode the build"))

    messages = [c for c in calls if c.method == "sendMessage"]
    assert [(c.chat_id, c.text) for c in messages] == [(CHAT["id"], texts.SOMETHING_WRONG)]
    assert all("no_such_table" not in str(c.params) and "Traceback" not in str(c.params) for c in calls)


async def test_handler_error_in_a_forum_topic_apologises_in_that_topic(
    flock: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    forum = group(-1001600, "Onboarding forum", forum=True)
    flock.make_admin(forum, ANA)
    await flock.send(flock.telegram.post(forum, ANA, "/setup #onb26 Onboarding 2026"))
    break_questions_about(monkeypatch, "explode")

    calls = await flock.send(flock.telegram.post(forum, CLEO, "#q what if I explode the build", topic=7))

    assert [(c.method, c.chat_id, c.params.get("message_thread_id"), c.text) for c in calls] == [
        ("sendMessage", forum["id"], 7, texts.SOMETHING_WRONG)
    ]


async def test_command_error_apologises_in_the_chat_it_came_from(
    flock: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await set_up_course(flock)
    break_questions_about(monkeypatch, "explode")

    replies = await flock.replies(flock.telegram.post(CHAT, CLEO, "/ask what if I explode the build"))

    assert replies == [texts.SOMETHING_WRONG]
    assert await flock.rows("select count(*) from questions") == [(0,)]


async def test_unreadable_stored_update_is_skipped(flock: Harness) -> None:
    await set_up_course(flock)
    garbage: JSON = {"update_id": 5, "message": {"message_id": "not a number"}}
    good = flock.telegram.post(CHAT, BEN, "#q where are the slides from day one")

    calls = await flock.send(garbage, good)

    assert [c.method for c in calls] == ["setMessageReaction"]
    assert await flock.rows("select count(*) from inbox where processed_at is null") == [(0,)]
