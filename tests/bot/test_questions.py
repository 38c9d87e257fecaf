"""Questions in course chats: detection, acknowledgement, answers, states and lists."""

from datetime import UTC, datetime
from typing import Any

from bot import texts
from bot.recording import Call, api_error
from tests.builders import ANONYMOUS_ADMIN_BOT, JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # chat admin, sets the course up: its facilitator
BEN = user(12, "Ben")  # no username
CLEO = user(13, "Cleo", "cleo_p", last_name="Park")
DAN = user(14, "Dan", "dan_d")
CHAT = group(-1001500, "Onboarding 2026")
FORUM = group(-1001600, "Onboarding forum", forum=True)
SHARED = group(-1001700, "Company chat")
EYES = "👀"


async def set_up_course(flock: Harness, chat: JSON = CHAT, tagged: bool = False) -> None:
    flock.make_admin(chat, ANA)
    keyword = " tagged" if tagged else ""
    await flock.send(flock.telegram.post(chat, ANA, f"/setup #onb26{keyword} Onboarding 2026"))


async def say(flock: Harness, person: JSON, text: str, chat: JSON = CHAT, **kw: Any) -> JSON:
    """Post a message and have it processed; returns the update, to reply to or edit."""
    update = flock.telegram.post(chat, person, text, **kw)
    await flock.send(update)
    return update


def reactions(calls: list[Call]) -> list[tuple[int, str]]:
    return [
        (c.params["message_id"], c.params["reaction"][0]["emoji"])
        for c in calls
        if c.method == "setMessageReaction"
    ]


def reaction_invalid(params: JSON) -> tuple[int, JSON]:
    return 400, api_error(400, "Bad Request: REACTION_INVALID")


def moment(value: object) -> datetime:
    """Timestamps read with plain SQL: text on SQLite, aware datetimes on PostgreSQL."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


# Detection


async def test_hashtag_question_is_tracked_and_acknowledged_with_a_reaction(flock: Harness) -> None:
    await set_up_course(flock)
    update = flock.telegram.post(CHAT, BEN, "#question where are the slides from day one")

    calls = await flock.send(update)

    assert reactions(calls) == [(update["message"]["message_id"], EYES)]
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert await flock.rows("select asker_id, text, state, chat_id, message_id from questions") == [
        (12, "where are the slides from day one", "open", CHAT["id"], update["message"]["message_id"])
    ]


async def test_short_q_tag_tracks_a_question(flock: Harness) -> None:
    await set_up_course(flock)

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "slides? #Q"))

    assert len(reactions(calls)) == 1
    assert await flock.rows("select text, state from questions") == [("slides?", "open")]


async def test_ask_command_tracks_the_text_after_the_command(flock: Harness) -> None:
    await set_up_course(flock)
    update = flock.telegram.post(CHAT, BEN, "/ask deadline for the first assignment")

    calls = await flock.send(update)

    assert reactions(calls) == [(update["message"]["message_id"], EYES)]
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert await flock.rows("select asker_id, text, state from questions") == [
        (12, "deadline for the first assignment", "open")
    ]


async def test_ask_with_bot_username_is_accepted(flock: Harness) -> None:
    await set_up_course(flock)

    await flock.send(flock.telegram.post(CHAT, BEN, "/ask@flock_test_bot Is there a recording of day one?"))

    assert await flock.rows("select text from questions") == [("Is there a recording of day one?",)]


async def test_ask_without_text_explains_usage(flock: Harness) -> None:
    await set_up_course(flock)

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/ask"))

    assert replies == [texts.ASK_USAGE]
    assert await flock.rows("select count(*) from questions") == [(0,)]


async def test_ask_in_private_works_only_in_a_course_group(flock: Harness) -> None:
    await set_up_course(flock)

    replies = await flock.replies(flock.telegram.post(private(BEN), BEN, "/ask Where are the slides?"))

    assert replies == [texts.GROUP_ONLY]
    assert await flock.rows("select count(*) from questions") == [(0,)]


async def test_plain_message_that_reads_as_question_is_tracked(flock: Harness) -> None:
    await set_up_course(flock)

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "Does anyone know where the recordings are?"))

    assert len(reactions(calls)) == 1
    assert await flock.rows("select text, state from questions") == [
        ("Does anyone know where the recordings are?", "open")
    ]


async def test_short_question_is_activity_but_not_tracked(flock: Harness) -> None:
    await set_up_course(flock)

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "why?"))

    assert calls == []
    assert await flock.rows("select count(*) from questions") == [(0,)]
    assert await flock.rows("select person_id, posts from learners") == [(12, 1)]


async def test_statement_is_not_tracked(flock: Harness) -> None:
    await set_up_course(flock)

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "Thanks everyone, see you tomorrow."))

    assert calls == []
    assert await flock.rows("select count(*) from questions") == [(0,)]


async def test_tagged_detection_tracks_only_tagged_questions(flock: Harness) -> None:
    await set_up_course(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings detect tagged"))

    untagged = await flock.send(flock.telegram.post(CHAT, BEN, "Does anyone know where the recordings are?"))
    tagged = await flock.send(flock.telegram.post(CHAT, BEN, "#q Does anyone know where the slides are?"))

    assert untagged == []
    assert len(reactions(tagged)) == 1
    assert await flock.rows("select text from questions") == [("Does anyone know where the slides are?",)]


async def test_reply_to_tracked_question_is_an_answer_not_a_new_question(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")

    calls = await flock.send(
        flock.telegram.post(
            CHAT, CLEO, "Have you tried the installer on the wiki?", reply_to=question["message"]
        )
    )

    assert reactions(calls) == []
    assert await flock.rows("select count(*) from questions") == [(1,)]
    assert await flock.rows("select answerer_id, text from answers") == [
        (13, "Have you tried the installer on the wiki?")
    ]


async def test_tagged_scope_chat_follows_only_messages_with_the_course_hashtag(flock: Harness) -> None:
    await set_up_course(flock, SHARED, tagged=True)

    untagged = await flock.send(flock.telegram.post(SHARED, BEN, "Where do I find the lunch menu today?"))
    tagged = await flock.send(
        flock.telegram.post(SHARED, CLEO, "#ONB26 Where do I find the course schedule?")
    )

    assert untagged == []
    assert len(reactions(tagged)) == 1
    assert await flock.rows("select asker_id from questions") == [(13,)]
    assert await flock.rows("select person_id from learners") == [(13,)]


async def test_question_naming_two_tagged_courses_counts_for_both_with_one_reaction(flock: Harness) -> None:
    await set_up_course(flock, SHARED, tagged=True)
    await flock.send(flock.telegram.post(SHARED, ANA, "/setup #lead26 tagged Leadership 2026"))
    update = flock.telegram.post(SHARED, BEN, "#onb26 #lead26 Who presents on Friday afternoon?")

    calls = await flock.send(update)

    assert reactions(calls) == [(update["message"]["message_id"], EYES)]
    assert await flock.rows(
        "select c.hashtag, q.message_id from questions q join courses c on c.id = q.course_id order by 1"
    ) == [("lead26", update["message"]["message_id"]), ("onb26", update["message"]["message_id"])]


async def test_ask_in_a_chat_shared_by_two_courses_needs_the_hashtag(flock: Harness) -> None:
    await set_up_course(flock, SHARED, tagged=True)
    await flock.send(flock.telegram.post(SHARED, ANA, "/setup #lead26 tagged Leadership 2026"))

    unnamed = await flock.replies(flock.telegram.post(SHARED, BEN, "/ask Who presents on Friday?"))
    named = await flock.send(flock.telegram.post(SHARED, BEN, "/ask #lead26 Who presents on Friday?"))

    assert unnamed == ["This chat carries several courses (#onb26, #lead26). Add the course hashtag."]
    assert len(reactions(named)) == 1
    assert await flock.rows("select c.hashtag from questions q join courses c on c.id = q.course_id") == [
        ("lead26",)
    ]


async def test_question_in_photo_caption_is_tracked(flock: Harness) -> None:
    await set_up_course(flock)

    calls = await flock.send(flock.telegram.post(CHAT, BEN, caption="What does this error message mean?"))

    assert len(reactions(calls)) == 1
    assert await flock.rows("select text from questions") == [("What does this error message mean?",)]


async def test_sticker_counts_as_activity_only(flock: Harness) -> None:
    await set_up_course(flock)

    calls = await flock.send(flock.telegram.sticker(CHAT, BEN))

    assert calls == []
    assert await flock.rows("select count(*) from questions") == [(0,)]
    assert await flock.rows("select person_id, posts from learners") == [(12, 1)]


async def test_person_without_username_is_stored_by_name(flock: Harness) -> None:
    await set_up_course(flock)

    await say(flock, BEN, "#q where is the reading list")

    assert await flock.rows("select id, name, username from people where id = 12") == [(12, "Ben", None)]
    assert await flock.rows("select asker_id from questions") == [(12,)]


async def test_people_are_kept_current_from_their_latest_message(flock: Harness) -> None:
    await set_up_course(flock)
    await say(flock, CLEO, "Hello all")

    await say(flock, user(13, "Cleo", "cleo_new"), "#q where is the reading list")

    assert await flock.rows("select name, username from people where id = 13") == [("Cleo", "cleo_new")]


async def test_anonymous_admin_question_is_tracked_as_the_group(flock: Harness) -> None:
    await set_up_course(flock)

    calls = await flock.send(
        flock.telegram.post(CHAT, ANONYMOUS_ADMIN_BOT, "#q who runs the session on Friday", sender_chat=CHAT)
    )

    assert len(reactions(calls)) == 1
    assert await flock.rows("select asker_id from questions") == [(CHAT["id"],)]
    assert await flock.rows("select name from people where id = :id", id=CHAT["id"]) == [(CHAT["title"],)]


async def test_edit_updates_the_question_text(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I instal the tools?")

    calls = await flock.send(flock.telegram.edit(question, "How do I install the course tools?"))

    assert calls == []
    assert await flock.rows("select text, state from questions") == [
        ("How do I install the course tools?", "open")
    ]


async def test_edit_adding_question_tag_starts_tracking(flock: Harness) -> None:
    await set_up_course(flock)
    original = await say(flock, BEN, "slides from day one")

    calls = await flock.send(flock.telegram.edit(original, "slides from day one #q"))

    assert reactions(calls) == [(original["message"]["message_id"], EYES)]
    assert await flock.rows("select text, state, message_id from questions") == [
        ("slides from day one", "open", original["message"]["message_id"])
    ]


async def test_edit_of_an_ask_command_updates_the_question_text(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "/ask How do I instal the tools?")

    calls = await flock.send(flock.telegram.edit(question, "/ask How do I install the course tools?"))

    assert calls == []
    assert await flock.rows("select text, state from questions") == [
        ("How do I install the course tools?", "open")
    ]


async def test_edit_of_an_answer_updates_the_answer_not_the_question(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    answer = await say(flock, CLEO, "Use the instaler.", reply_to=question["message"])

    await flock.send(flock.telegram.edit(answer, "Use the installer."))

    assert await flock.rows("select text from answers") == [("Use the installer.",)]
    assert await flock.rows("select text from questions") == [("How do I install the course tools?",)]


async def test_an_edit_that_comes_to_ask_starts_tracking(flock: Harness) -> None:
    await set_up_course(flock)
    original = await say(flock, BEN, "slides from day one")

    calls = await flock.send(flock.telegram.edit(original, "Where are the slides from day one?"))

    assert [(c.method, c.params["message_id"]) for c in calls] == [
        ("setMessageReaction", original["message"]["message_id"])
    ]
    assert await flock.rows("select text, state from questions") == [
        ("Where are the slides from day one?", "open")
    ]


async def test_an_edit_that_comes_to_ask_without_the_tag_in_a_tagged_detection_course_is_not_tracked(
    flock: Harness,
) -> None:
    await set_up_course(flock)
    await say(flock, ANA, "/settings detect tagged")
    original = await say(flock, BEN, "slides from day one")

    calls = await flock.send(flock.telegram.edit(original, "Where are the slides from day one?"))

    assert calls == []
    assert await flock.rows("select count(*) from questions") == [(0,)]


async def test_messages_in_chats_without_a_course_are_ignored(flock: Harness) -> None:
    calls = await flock.send(flock.telegram.post(CHAT, BEN, "#q Where are the slides from day one?"))

    assert calls == []
    assert await flock.rows("select count(*) from questions") == [(0,)]
    assert await flock.rows("select count(*) from people") == [(0,)]


# Reactions


async def test_failed_reaction_keeps_the_question_and_sends_no_message(flock: Harness) -> None:
    await set_up_course(flock)
    flock.api.failures["setMessageReaction"] = lambda p: (
        400,
        api_error(400, "Bad Request: REACTION_INVALID"),
    )

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "#q where is the reading list"))
    later = await flock.send(flock.telegram.post(CHAT, CLEO, "/questions"))

    assert [c.method for c in calls] == ["setMessageReaction"]
    assert await flock.rows("select text, state from questions") == [("where is the reading list", "open")]
    [(kind, sent_at, failed_at, error)] = await flock.rows(
        "select kind, sent_at, failed_at, last_error from outbox"
    )
    assert (kind, sent_at) == ("reaction", None)
    assert failed_at is not None
    assert "reaction_invalid" in error.lower()
    assert [c.method for c in later] == ["sendMessage"]
    assert "where is the reading list" in later[0].text


async def test_failed_reaction_is_not_retried(flock: Harness) -> None:
    await set_up_course(flock)
    flock.api.failures["setMessageReaction"] = reaction_invalid
    await flock.send(flock.telegram.post(CHAT, BEN, "#q where is the reading list"))
    flock.clock.advance(hours=1)

    calls = await flock.tick()

    assert calls == []


async def test_failed_reaction_on_ask_sends_no_message(flock: Harness) -> None:
    await set_up_course(flock)
    flock.api.failures["setMessageReaction"] = lambda p: (
        400,
        api_error(400, "Bad Request: REACTION_INVALID"),
    )

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "/ask where is the reading list"))

    assert [c.method for c in calls] == ["setMessageReaction"]
    assert await flock.rows("select count(*) from questions") == [(1,)]


# Answers


async def test_reply_by_someone_else_answers_the_question(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    answered_at = flock.clock.advance(minutes=25)

    calls = await flock.send(
        flock.telegram.post(CHAT, CLEO, "Use the installer.", reply_to=question["message"])
    )

    assert calls == []
    rows = await flock.rows("select state, first_answered_at from questions")
    assert rows[0][0] == "answered"
    assert moment(rows[0][1]) == answered_at
    assert await flock.rows("select answerer_id, text, by_facilitator from answers") == [
        (13, "Use the installer.", False)
    ]


async def test_first_answer_time_is_kept_when_more_answers_arrive(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    first = flock.clock.advance(minutes=5)
    await flock.send(flock.telegram.post(CHAT, CLEO, "Use the installer.", reply_to=question["message"]))
    flock.clock.advance(minutes=30)

    await flock.send(flock.telegram.post(CHAT, DAN, "Or the zip file.", reply_to=question["message"]))

    rows = await flock.rows("select state, first_answered_at from questions")
    assert rows[0][0] == "answered"
    assert moment(rows[0][1]) == first
    assert await flock.rows("select count(*) from answers") == [(2,)]


async def test_reply_to_an_answer_counts_for_the_same_question(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    answer = await say(flock, CLEO, "Use the installer.", reply_to=question["message"])

    await flock.send(flock.telegram.post(CHAT, DAN, "And run it as admin.", reply_to=answer["message"]))

    assert await flock.rows("select question_id, answerer_id from answers order by id") == [(1, 13), (1, 14)]
    assert await flock.rows("select count(*) from questions") == [(1,)]


async def test_askers_own_reply_is_not_an_answer(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")

    calls = await flock.send(
        flock.telegram.post(
            CHAT, BEN, "I'm on Windows, does that matter at all?", reply_to=question["message"]
        )
    )

    assert calls == []
    assert await flock.rows("select count(*) from answers") == [(0,)]
    assert await flock.rows("select count(*), min(state) from questions") == [(1, "open")]


async def test_askers_reply_in_a_thread_is_not_an_answer(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    answer = await say(flock, CLEO, "Use the installer.", reply_to=question["message"])

    await flock.send(flock.telegram.post(CHAT, BEN, "Thanks, trying now", reply_to=answer["message"]))

    assert await flock.rows("select answerer_id from answers") == [(13,)]


async def test_facilitator_answer_is_flagged(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")

    await flock.send(
        flock.telegram.post(CHAT, ANA, "The installer is on the wiki.", reply_to=question["message"])
    )

    assert await flock.rows("select answerer_id, by_facilitator from answers") == [(11, True)]
    assert await flock.rows("select state from questions") == [("answered",)]


async def test_reply_to_an_untracked_message_is_not_an_answer(flock: Harness) -> None:
    await set_up_course(flock)
    statement = await say(flock, BEN, "Good morning everyone")

    await flock.send(flock.telegram.post(CHAT, CLEO, "Morning!", reply_to=statement["message"]))

    assert await flock.rows("select count(*) from answers") == [(0,)]


async def test_message_in_forum_topic_is_not_an_answer_to_the_topic(flock: Harness) -> None:
    await set_up_course(flock, FORUM)
    question = await say(flock, BEN, "How do I install the course tools?", FORUM, topic=5)

    calls = await flock.send(flock.telegram.post(FORUM, CLEO, "Hello from the homework topic", topic=5))

    assert calls == []
    assert await flock.rows("select count(*) from answers") == [(0,)]
    assert await flock.rows("select message_id, thread_id, state from questions") == [
        (question["message"]["message_id"], 5, "open")
    ]


async def test_question_in_forum_topic_is_detected_despite_the_topic_reply(flock: Harness) -> None:
    await set_up_course(flock, FORUM)

    calls = await flock.send(flock.telegram.post(FORUM, BEN, "Where is the homework for week two?", topic=5))

    assert len(reactions(calls)) == 1
    assert await flock.rows("select thread_id from questions") == [(5,)]


async def test_reply_to_question_inside_forum_topic_is_an_answer(flock: Harness) -> None:
    await set_up_course(flock, FORUM)
    question = await say(flock, BEN, "How do I install the course tools?", FORUM, topic=5)

    await flock.send(
        flock.telegram.post(FORUM, CLEO, "Use the installer.", topic=5, reply_to=question["message"])
    )

    assert await flock.rows("select answerer_id, thread_id from answers") == [(13, 5)]
    assert await flock.rows("select state from questions") == [("answered",)]


async def test_flock_replies_in_a_topic_stay_in_that_topic(flock: Harness) -> None:
    await set_up_course(flock, FORUM)
    question = await say(flock, BEN, "How do I install the course tools?", FORUM, topic=5)

    listed = await flock.send(flock.telegram.post(FORUM, CLEO, "/questions", topic=5))
    solved = await flock.send(
        flock.telegram.post(FORUM, BEN, "/solved", topic=5, reply_to=question["message"])
    )

    assert [(c.method, c.params.get("message_thread_id")) for c in listed] == [("sendMessage", 5)]
    assert "https://t.me/c/1600/5/" in listed[0].text
    assert [(c.method, c.params.get("message_thread_id")) for c in solved] == [("sendMessage", 5)]
    assert await flock.rows("select state from questions") == [("resolved",)]


async def test_questions_in_a_topic_lists_that_topics_questions(flock: Harness) -> None:
    await set_up_course(flock, FORUM)
    await say(flock, BEN, "How do I install the course tools?", FORUM, topic=5)
    await say(flock, CLEO, "Where is the schedule for week two?", FORUM, topic=9)
    await say(flock, DAN, "Is the kickoff recorded?", FORUM)  # in General

    in_topic = await flock.replies(flock.telegram.post(FORUM, CLEO, "/questions", topic=5))
    in_general = await flock.replies(flock.telegram.post(FORUM, CLEO, "/questions"))

    assert len(in_topic) == 1
    assert "course tools" in in_topic[0]
    assert "schedule" not in in_topic[0]
    assert "kickoff" not in in_topic[0]
    assert all(words in in_general[0] for words in ("course tools", "schedule", "kickoff"))


async def test_solved_in_a_topic_without_a_reply_explains(flock: Harness) -> None:
    await set_up_course(flock, FORUM)
    await say(flock, BEN, "How do I install the course tools?", FORUM, topic=5)

    replies = await flock.replies(flock.telegram.post(FORUM, BEN, "/solved", topic=5))

    assert replies == ["Reply to the question (or one of its answers) with /solved."]
    assert await flock.rows("select state from questions") == [("open",)]


# States


async def test_asker_marks_question_solved_by_replying_to_it(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    solved_at = flock.clock.advance(hours=1)

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/solved", reply_to=question["message"]))

    assert replies == ["✅ Marked as solved. Thanks!"]
    rows = await flock.rows("select state, closed_by, resolved_at from questions")
    assert rows[0][:2] == ("resolved", 12)
    assert moment(rows[0][2]) == solved_at


async def test_solved_as_reply_to_an_answer_resolves_the_question(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    answer = await say(flock, CLEO, "Use the installer.", reply_to=question["message"])

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/solved", reply_to=answer["message"]))

    assert replies == ["✅ Marked as solved. Thanks!"]
    assert await flock.rows("select state, closed_by from questions") == [("resolved", 12)]


async def test_facilitator_marks_a_question_solved(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")

    replies = await flock.replies(flock.telegram.post(CHAT, ANA, "/solved", reply_to=question["message"]))

    assert replies == ["✅ Marked as solved. Thanks!"]
    assert await flock.rows("select state, closed_by from questions") == [("resolved", 11)]


async def test_another_learner_cannot_mark_a_question_solved(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    answer = await say(flock, CLEO, "Use the installer.", reply_to=question["message"])

    replies = await flock.replies(flock.telegram.post(CHAT, CLEO, "/solved", reply_to=answer["message"]))

    assert replies == ["Only the person who asked, or a facilitator, can mark it solved."]
    assert await flock.rows("select state, closed_by, resolved_at from questions") == [
        ("answered", None, None)
    ]


async def test_solved_hashtag_in_the_askers_reply_resolves_with_a_reaction(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    reply = flock.telegram.post(CHAT, BEN, "Works now, thanks! #solved", reply_to=question["message"])

    calls = await flock.send(reply)

    assert reactions(calls) == [(reply["message"]["message_id"], "🎉")]
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert await flock.rows("select state, closed_by from questions") == [("resolved", 12)]
    assert await flock.rows("select count(*) from answers") == [(0,)]


async def test_solved_hashtag_from_another_learner_only_answers(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")

    await flock.send(
        flock.telegram.post(CHAT, CLEO, "Use the installer. #solved", reply_to=question["message"])
    )

    assert await flock.rows("select state, closed_by from questions") == [("answered", None)]
    assert await flock.rows("select answerer_id from answers") == [(13,)]


async def test_solved_hashtag_from_facilitator_answers_and_resolves(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")

    await flock.send(
        flock.telegram.post(CHAT, ANA, "Use the installer. #solved", reply_to=question["message"])
    )

    assert await flock.rows("select state, closed_by from questions") == [("resolved", 11)]
    assert await flock.rows("select answerer_id, by_facilitator from answers") == [(11, True)]


async def test_facilitator_dismisses_a_question(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "Is anyone else hungry right now?")

    replies = await flock.replies(flock.telegram.post(CHAT, ANA, "/dismiss", reply_to=question["message"]))

    assert replies == ["Dismissed: I'll stop tracking that message as a question."]
    assert await flock.rows("select state, closed_by, resolved_at from questions") == [
        ("dismissed", 11, None)
    ]


def reactions_set(calls: list[Call]) -> list[tuple[int, list[JSON]]]:
    return [(c.params["message_id"], c.params["reaction"]) for c in calls if c.method == "setMessageReaction"]


async def test_dismissing_a_question_takes_the_eyes_back(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "Is anyone else hungry right now?")

    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/dismiss", reply_to=question["message"]))

    assert reactions_set(calls) == [(question["message"]["message_id"], [])]


async def test_dismissing_for_one_course_keeps_the_eyes_while_another_still_tracks_it(flock: Harness) -> None:
    await set_up_course(flock, SHARED, tagged=True)
    flock.make_admin(SHARED, DAN)
    await say(flock, DAN, "/setup #lead26 tagged Leadership 2026", SHARED)
    question = await say(flock, BEN, "#onb26 #lead26 Who presents on Friday afternoon?", SHARED)

    calls = await flock.send(flock.telegram.post(SHARED, ANA, "/dismiss", reply_to=question["message"]))

    assert await flock.rows("select state from questions order by course_id") == [("dismissed",), ("open",)]
    assert reactions_set(calls) == []


async def test_learner_cannot_dismiss_a_question(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "Is anyone else hungry right now?")

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/dismiss", reply_to=question["message"]))

    assert replies == ["Only a facilitator of this course can dismiss a question."]
    assert await flock.rows("select state, closed_by from questions") == [("open", None)]


async def test_solved_without_a_reply_explains_how(flock: Harness) -> None:
    await set_up_course(flock)
    await say(flock, BEN, "How do I install the course tools?")

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/solved"))

    assert replies == ["Reply to the question (or one of its answers) with /solved."]
    assert await flock.rows("select state from questions") == [("open",)]


async def test_dismiss_without_a_reply_explains_how(flock: Harness) -> None:
    await set_up_course(flock)

    replies = await flock.replies(flock.telegram.post(CHAT, ANA, "/dismiss"))

    assert replies == ["Reply to the question (or one of its answers) with /dismiss."]


async def test_solved_on_a_message_that_is_not_a_question_explains(flock: Harness) -> None:
    await set_up_course(flock)
    statement = await say(flock, BEN, "Good morning everyone")

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/solved", reply_to=statement["message"]))

    assert replies == ["That message isn't a question I'm tracking."]


async def test_anonymous_admin_cannot_mark_solved(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")

    replies = await flock.replies(
        flock.telegram.post(
            CHAT, ANONYMOUS_ADMIN_BOT, "/solved", sender_chat=CHAT, reply_to=question["message"]
        )
    )

    assert replies == [texts.ANONYMOUS_ADMIN]
    assert await flock.rows("select state from questions") == [("open",)]


async def test_answer_after_resolution_keeps_the_question_resolved(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    await flock.send(flock.telegram.post(CHAT, BEN, "/solved", reply_to=question["message"]))

    await flock.send(
        flock.telegram.post(CHAT, CLEO, "Late, but: the installer.", reply_to=question["message"])
    )

    assert await flock.rows("select state from questions") == [("resolved",)]
    assert await flock.rows("select count(*) from answers") == [(1,)]


# Lists


async def test_questions_lists_open_oldest_first_then_answered_with_links(flock: Harness) -> None:
    await set_up_course(flock)
    first = await say(flock, BEN, "How do I install the course tools?")
    flock.clock.advance(minutes=30)
    answered = await say(flock, CLEO, "Where is the reading list for week one?")
    flock.clock.advance(minutes=30)
    second = await say(flock, DAN, "Is there a recording of the kickoff?")
    await flock.send(flock.telegram.post(CHAT, BEN, "On the wiki.", reply_to=answered["message"]))
    solved = await say(flock, DAN, "Can I bring a guest to the session?")
    await flock.send(flock.telegram.post(CHAT, DAN, "/solved", reply_to=solved["message"]))
    flock.clock.advance(minutes=5)

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/questions"))

    waiting, answered_part = replies[0].split("\n\n")
    link = "https://t.me/c/1500/{}".format
    assert waiting.splitlines() == [
        "<b>Waiting for an answer</b>",
        f'• <a href="{link(first["message"]["message_id"])}">How do I install the course tools?</a>'
        " — Ben, 1h ago",
        f'• <a href="{link(second["message"]["message_id"])}">Is there a recording of the kickoff?</a>'
        " — Dan, 5m ago",
    ]
    assert answered_part.splitlines() == [
        "<b>Answered, not yet solved</b>",
        f'• <a href="{link(answered["message"]["message_id"])}">Where is the reading list for week one?</a>'
        " — Cleo Park, 35m ago",
    ]
    assert "guest" not in replies[0]


async def test_questions_in_a_basic_group_are_listed_without_links(flock: Harness) -> None:
    basic = group(-4001, "Old style group", kind="group")
    await set_up_course(flock, basic)
    await say(flock, BEN, "How do I install the course tools?", basic)

    replies = await flock.replies(flock.telegram.post(basic, BEN, "/questions"))

    assert replies == ["<b>Waiting for an answer</b>\n• How do I install the course tools? — Ben, 0m ago"]


async def test_questions_with_nothing_open_says_so(flock: Harness) -> None:
    await set_up_course(flock)

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/questions"))

    assert replies == ["No open questions here. 🎉"]


async def test_questions_in_a_chat_without_course_explains(flock: Harness) -> None:
    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/questions"))

    assert replies == ["This chat isn't attached to a course yet. A chat admin can run /setup #tag."]


async def test_question_text_is_escaped_in_lists(flock: Harness) -> None:
    await set_up_course(flock)
    await say(flock, BEN, "#q is <b>bold</b> & co allowed in answers")

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/questions"))

    assert "is &lt;b&gt;bold&lt;/b&gt; &amp; co allowed in answers" in replies[0]


async def test_mine_in_private_lists_my_questions_newest_first_with_states(flock: Harness) -> None:
    await set_up_course(flock)
    first = await say(flock, BEN, "How do I install the course tools?")
    await flock.send(flock.telegram.post(CHAT, CLEO, "Use the installer.", reply_to=first["message"]))
    flock.clock.advance(hours=2)
    await say(flock, BEN, "Is there a recording of the kickoff?")
    await say(flock, CLEO, "Where is the reading list for week one?")

    replies = await flock.replies(flock.telegram.post(private(BEN), BEN, "/mine"))

    lines = replies[0].splitlines()
    assert lines[0] == "<b>Your questions</b>"
    assert len(lines) == 3
    assert "Is there a recording of the kickoff?" in lines[1]
    assert lines[1].endswith("⏳ waiting for an answer, 0m ago")
    assert "How do I install the course tools?" in lines[2]
    assert lines[2].endswith("💬 answered, 2h ago")
    assert lines[2].startswith('• #onb26 <a href="https://t.me/c/1500/')


async def test_mine_shows_a_dismissed_question_with_one_dash(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "Is anyone else hungry right now?")
    await say(flock, ANA, "/dismiss", reply_to=question["message"])

    replies = await flock.replies(flock.telegram.post(private(BEN), BEN, "/mine"))

    line = replies[0].splitlines()[1]
    assert line.endswith("</a> — 🚫 not a question, 0m ago")
    assert "— —" not in line


async def test_mine_without_questions_says_so(flock: Harness) -> None:
    replies = await flock.replies(flock.telegram.post(private(BEN), BEN, "/mine"))

    assert replies == ["You haven't asked anything yet. Ask in your course group with #question."]


async def test_mine_in_a_group_points_to_the_private_chat(flock: Harness) -> None:
    await set_up_course(flock)
    await say(flock, BEN, "How do I install the course tools?")

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "/mine"))

    assert [(c.method, c.chat_id, c.text) for c in calls] == [("sendMessage", CHAT["id"], texts.PRIVATE_ONLY)]


async def test_reply_in_a_tagged_chat_answers_the_question_without_repeating_the_hashtag(
    flock: Harness,
) -> None:
    await set_up_course(flock, SHARED, tagged=True)
    question = await say(flock, BEN, "#onb26 Where do I find the course schedule?", SHARED)

    await say(flock, CLEO, "Pinned at the top of the chat.", SHARED, reply_to=question["message"])

    assert await flock.rows("select state from questions") == [("answered",)]
    assert await flock.rows("select answerer_id from answers") == [(CLEO["id"],)]


async def test_solved_on_an_already_solved_question_says_so(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    await say(flock, BEN, "/solved", reply_to=question["message"])

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/solved", reply_to=question["message"]))

    assert replies == ["That question is already marked solved."]


async def test_solved_by_the_asker_overrules_a_dismissal(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "How do I install the course tools?")
    await say(flock, ANA, "/dismiss", reply_to=question["message"])

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/solved", reply_to=question["message"]))

    assert replies == ["✅ Marked as solved. Thanks!"]
    assert await flock.rows("select state, closed_by from questions") == [("resolved", BEN["id"])]


# Several tagged courses in one chat


async def set_up_two_courses(flock: Harness) -> None:
    await set_up_course(flock, SHARED, tagged=True)
    await flock.send(flock.telegram.post(SHARED, ANA, "/setup #lead26 tagged Leadership 2026"))


async def test_question_naming_two_courses_is_listed_once(flock: Harness) -> None:
    await set_up_two_courses(flock)
    both = await say(flock, BEN, "#onb26 #lead26 Who presents on Friday afternoon?", SHARED)

    replies = await flock.replies(flock.telegram.post(SHARED, CLEO, "/questions"))
    mine = await flock.replies(flock.telegram.post(private(BEN), BEN, "/mine"))

    link = f"https://t.me/c/1700/{both['message']['message_id']}"
    assert replies == [
        "<b>Waiting for an answer</b>\n"
        f'• <a href="{link}">Who presents on Friday afternoon?</a> — Ben, 0m ago'
    ]
    assert mine == [
        "<b>Your questions</b>\n"
        f'• #onb26 #lead26 <a href="{link}">Who presents on Friday afternoon?</a>'
        " — ⏳ waiting for an answer, 0m ago"
    ]


async def test_excerpts_in_a_tagged_chat_read_as_the_question_without_the_course_hashtag(
    flock: Harness,
) -> None:
    await set_up_course(flock, SHARED, tagged=True)
    await say(flock, ANA, "/start", private(ANA))
    asked = await say(flock, BEN, "#onb26 Where do I find the course schedule? #q", SHARED)
    flock.clock.advance(hours=2)
    alert = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == ANA["id"]]

    listed = await flock.replies(flock.telegram.post(SHARED, CLEO, "/questions"))
    unanswered = await flock.replies(flock.telegram.post(SHARED, ANA, "/unanswered"))
    mine = await flock.replies(flock.telegram.post(private(BEN), BEN, "/mine"))
    digest = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))

    link = f'<a href="https://t.me/c/1700/{asked["message"]["message_id"]}">'
    assert f"{link}Where do I find the course schedule?</a> — Ben, 2h ago" in listed[0]
    assert f"{link}Where do I find the course schedule?</a> — Ben, 2h ago" in unanswered[0]
    assert f"• #onb26 {link}Where do I find the course schedule?</a> — ⏳" in mine[0]
    assert f"{link}“Where do I find the course schedule?”</a>" in alert[0].text
    assert f"{link}Where do I find the course schedule?</a> — Ben, 2h" in digest[0]
    stored = await flock.rows("select text from questions")
    assert stored == [("#onb26 Where do I find the course schedule?",)]


async def test_questions_with_a_hashtag_lists_only_that_courses_questions(flock: Harness) -> None:
    await set_up_two_courses(flock)
    await say(flock, BEN, "#onb26 Where do I find the course schedule?", SHARED)
    await say(flock, CLEO, "#lead26 Who presents on Friday afternoon?", SHARED)
    await say(flock, DAN, "#onb26 #lead26 Is lunch provided on both days?", SHARED)

    onboarding = await flock.replies(flock.telegram.post(SHARED, BEN, "/questions #onb26"))
    leadership = await flock.replies(flock.telegram.post(SHARED, BEN, "/questions #lead26"))
    unknown = await flock.replies(flock.telegram.post(SHARED, BEN, "/questions #sales26"))

    assert [line.split("</a>")[0].split(">")[-1] for line in onboarding[0].splitlines()[1:]] == [
        "Where do I find the course schedule?",
        "Is lunch provided on both days?",
    ]
    assert [line.split("</a>")[0].split(">")[-1] for line in leadership[0].splitlines()[1:]] == [
        "Who presents on Friday afternoon?",
        "Is lunch provided on both days?",
    ]
    assert unknown == ["This chat doesn't carry #sales26. Its courses: #onb26, #lead26."]


async def test_an_edit_that_still_reads_as_a_question_keeps_it_open(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "#q which room is the Friday workshop in")

    await flock.send(flock.telegram.edit(question, "Which room is the Friday workshop in?"))

    assert await flock.rows("select state, text from questions") == [
        ("open", "Which room is the Friday workshop in?")
    ]


async def test_an_edit_dropping_the_tag_in_a_tagged_detection_course_withdraws_it(flock: Harness) -> None:
    await set_up_course(flock)
    await say(flock, ANA, "/settings detect tagged")
    question = await say(flock, BEN, "#q Which room is the Friday workshop in?")

    calls = await flock.send(flock.telegram.edit(question, "Which room is the Friday workshop in?"))

    assert [c for c in calls if c.method == "sendMessage"] == []
    assert await flock.rows("select state, closed_by from questions") == [("dismissed", BEN["id"])]


async def test_an_edited_ask_command_stays_a_question_whatever_it_says(flock: Harness) -> None:
    await set_up_course(flock)
    question = await say(flock, BEN, "/ask the Friday workshop room")

    await flock.send(flock.telegram.edit(question, "/ask the room for the Friday workshop"))

    assert await flock.rows("select state, text from questions") == [
        ("open", "the room for the Friday workshop")
    ]


# #solved without a reply


async def test_solved_hashtag_without_a_reply_resolves_the_askers_only_open_question(flock: Harness) -> None:
    await set_up_course(flock)
    await say(flock, DAN, "Is there a recording of the kickoff?")
    question = await say(flock, BEN, "How do I install the course tools?")
    await say(flock, CLEO, "Use the installer.", reply_to=question["message"])
    thanks = flock.telegram.post(CHAT, BEN, "#solved thanks everyone")

    calls = await flock.send(thanks)

    assert reactions(calls) == [(thanks["message"]["message_id"], "🎉")]
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert await flock.rows("select asker_id, state, closed_by from questions order by id") == [
        (DAN["id"], "open", None),
        (BEN["id"], "resolved", BEN["id"]),
    ]


async def test_solved_hashtag_without_a_reply_asks_which_of_several(flock: Harness) -> None:
    await set_up_course(flock)
    tools = await say(flock, BEN, "How do I install the course tools?")
    slides = await say(flock, BEN, "Where are the <slides> from day one?")

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "#solved thanks everyone"))

    [which] = [c for c in calls if c.method == "sendMessage"]
    link = "https://t.me/c/1500/{}".format
    assert which.text == (
        "Which of your questions is solved?\n"
        f'1. <a href="{link(tools["message"]["message_id"])}">How do I install the course tools?</a>\n'
        f'2. <a href="{link(slides["message"]["message_id"])}">Where are the &lt;slides&gt; from day one?</a>'
    )
    assert await flock.rows("select state from questions") == [("open",), ("open",)]
    buttons = [b for row in which.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["1", "2"]

    stranger = await flock.send(flock.telegram.press(CLEO, which.result, buttons[1]["callback_data"]))
    pressed = await flock.send(flock.telegram.press(BEN, which.result, buttons[1]["callback_data"]))

    assert [c.params.get("text") for c in stranger if c.method == "answerCallbackQuery"] == [
        "Only the person who asked, or a facilitator, can mark it solved."
    ]
    assert [c.text for c in pressed if c.method == "editMessageText"] == [
        f'✅ Marked as solved: <a href="{link(slides["message"]["message_id"])}">'
        "Where are the &lt;slides&gt; from day one?</a> Thanks!"
    ]
    assert await flock.rows("select state, closed_by from questions order by id") == [
        ("open", None),
        ("resolved", BEN["id"]),
    ]


async def test_solved_hashtag_without_a_reply_works_in_a_tagged_chat_without_the_course_tag(
    flock: Harness,
) -> None:
    await set_up_course(flock, SHARED, tagged=True)
    await say(flock, BEN, "#onb26 Where do I find the course schedule?", SHARED)

    calls = await flock.send(flock.telegram.post(SHARED, BEN, "Found it, #solved"))

    assert len(reactions(calls)) == 1
    assert await flock.rows("select state from questions") == [("resolved",)]
