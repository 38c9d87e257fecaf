"""Scheduled discussions: scheduling, managing, and running them from the tick (issue 14, 1–3)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.recording import Call
from tests.bot.test_privacy import buttons, prompt, traces
from tests.builders import JSON, group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben", "ben_b")  # learner
LEO = user(13, "Leo", "leo_l")  # learner
CHAT = group(-1001500, "Onboarding 2026")
SECOND = group(-1001700, "Onboarding 2026 (evening)")
SHARED = group(-1001800, "Everyone", forum=True)

THREE = (
    '"Remote teaching tips" tomorrow 19:00 every 1w gap 10m\n'
    "What tool helped you most?\nHow do you keep quiet learners involved?\nWhat will you try next week?"
)


async def set_up(flock: Harness, *chats: JSON) -> None:
    for chat in chats or (CHAT,):
        flock.make_admin(chat, ANA)
        await flock.send(flock.telegram.post(chat, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))


def sent(calls: list[Call], chat: JSON | None = None) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and (chat is None or c.chat_id == chat["id"])]


def reactions(calls: list[Call]) -> list[tuple[int, int]]:
    return [(c.chat_id, c.params["message_id"]) for c in calls if c.method == "setMessageReaction"]


async def say(flock: Harness, chat: JSON, person: JSON, text: str, **kw: object) -> list[Call]:
    return await flock.send(flock.telegram.post(chat, person, text, **kw))


async def answers(flock: Harness) -> list[tuple[object, ...]]:
    return await flock.rows(
        "select p.number, a.chat_id, a.author_id, a.text from discussion_answers a"
        " join discussion_prompts p on p.id = a.prompt_id order by a.id"
    )


# Scheduling ----------------------------------------------------------------------------------------


async def test_a_facilitator_schedules_a_weekly_discussion_and_sees_its_prompts_and_end(
    flock: Harness,
) -> None:
    await set_up(flock)

    [reply] = sent(await say(flock, CHAT, ANA, f"/discussion {THREE}"))

    assert reply.startswith(
        "Scheduled discussion <b>1</b>: “Remote teaching tips”, Tue 3 Nov, 19:00 (UTC), every week,"
        " a prompt every 10m."
    )
    assert "<b>Q1</b> What tool helped you most?" in reply
    assert "<b>Q3</b> What will you try next week?" in reply
    assert reply.endswith(
        "It ends Tue 3 Nov, 19:30 (UTC).\n"
        "/discussions lists what is coming up; /discussion_cancel 1 cancels it.\n"
        # Said before it starts, while there is time to fix it (the recap would say it too late).
        "⚠️ I'm not an admin of Onboarding 2026, so I won't see reactions there: "
        "make me one to have the recap rank answers by them."
    )
    listing = sent(await say(flock, CHAT, ANA, "/discussions"))[0]
    assert "1. “Remote teaching tips” #onb26: Tue 3 Nov, 19:00 (UTC), every week" in listing


async def test_privately_with_the_hashtag_in_the_course_time_zone_and_french_keywords(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/settings timezone Europe/Paris")

    [reply] = sent(
        await say(
            flock,
            private(ANA),
            ANA,
            '/discussion #onb26 "Café" demain 19h chaque 1j intervalle 5m\nQ un\nQ deux',
        )
    )

    assert "Tue 3 Nov, 19:00 (Europe/Paris), every day, a prompt every 5m." in reply
    assert "It ends Tue 3 Nov, 19:10 (Europe/Paris)." in reply
    [(starts_at,)] = await flock.rows("select starts_at from discussion_rounds")
    assert str(starts_at).startswith("2026-11-03 18:00")


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ('"T" tomorrow 19:00', "Add the prompts on the lines after the command"),
        ('"T" 2026-01-01 10:00\nQ?', "That time has already passed."),
        ('"T" tomorrow 19:00 every 3d\nQ?', "I couldn't read “3d” as a rhythm."),
        ('"T" tomorrow 19:00 gap 7h\nQ?', "The gap between prompts is from 1m to 6h"),
        ('"T" soonish\nQ?', "I couldn't read “soonish” as a time."),
        ("tomorrow 19:00\nQ?", "Give the discussion a title in quotes."),
        (
            '"T" tomorrow 19:00\n' + "\n".join(f"Q{n}" for n in range(11)),
            "at most 10 prompts; this one has 11",
        ),
        ('"T" tomorrow 19:00 every 1d gap 3h\n1\n2\n3\n4\n5\n6\n7\n8', "The prompts take 1d, longer than"),
    ],
)
async def test_what_is_wrong_is_named_with_the_accepted_forms(
    flock: Harness, command: str, said: str
) -> None:
    await set_up(flock)

    [reply] = sent(await say(flock, CHAT, ANA, f"/discussion {command}"))

    assert said in reply
    assert "Schedule a discussion like this" in reply
    assert await flock.rows("select id from discussions") == []


# Managing ------------------------------------------------------------------------------------------


async def test_new_prompts_replace_the_next_occurrence_only(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, '/discussion "Weekly" tomorrow 19:00 every 1w gap 1m\nOld one?\nOld two?')

    [reply] = sent(await say(flock, CHAT, ANA, "/discussion_prompts 1\nNew one?"))

    assert "New prompts for discussion <b>1</b> on Tue 3 Nov, 19:00 (UTC) (this time only)" in reply
    flock.clock.current = datetime(2026, 11, 3, 19, 0, tzinfo=UTC)
    posted = sent(await flock.tick(), CHAT)
    assert posted[-1] == "<b>Q1</b> New one?"
    assert not any("Old" in text for text in posted)
    rounds = await flock.rows(
        "select r.starts_at, p.number, p.text from discussion_rounds r"
        " join discussion_prompts p on p.round_id = r.id where r.state = 'scheduled' order by p.number"
    )
    assert [(n, t) for _, n, t in rounds] == [(1, "Old one?"), (2, "Old two?")]
    assert str(rounds[0][0]).startswith("2026-11-10 19:00")


async def test_move_and_cancel(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, '/discussion "Weekly" tomorrow 19:00 every 1w\nQ?')

    moved = sent(await say(flock, CHAT, ANA, "/discussion_move 1 tomorrow 20:00"))[0]
    skipped = sent(await say(flock, CHAT, ANA, "/discussion_cancel 1"))[0]
    listed = sent(await say(flock, CHAT, ANA, "/discussions"))[0]
    ended = sent(await say(flock, CHAT, ANA, "/discussion_cancel 1 all"))[0]

    assert moved == "Moved discussion <b>1</b> to Tue 3 Nov, 20:00 (UTC). It ends Tue 3 Nov, 20:10 (UTC)."
    assert skipped == (
        "Cancelled discussion <b>1</b> on Tue 3 Nov, 20:00 (UTC). The next one is Tue 10 Nov, 19:00 (UTC)."
    )
    assert "Tue 10 Nov, 19:00 (UTC), every week" in listed
    assert ended == "Cancelled discussion <b>1</b>."
    assert sent(await say(flock, CHAT, ANA, "/discussions")) == [
        "No discussions coming up. Schedule one with /discussion."
    ]
    flock.clock.advance(days=30)
    later = sent(await flock.tick())
    assert [t for t in later if not t.startswith("🌟")] == []  # the week's highlights aside


async def test_learners_are_refused_politely(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, '/discussion "Weekly" tomorrow 19:00\nQ?')

    for command in ('/discussion "Mine" tomorrow 10:00\nQ?', "/discussions", "/discussion_cancel 1"):
        [reply] = sent(await say(flock, CHAT, BEN, command))
        assert reply == "Only facilitators of #onb26 can do that."
    assert await flock.rows("select state from discussion_rounds") == [("scheduled",)]


# Running -------------------------------------------------------------------------------------------


async def run_to(flock: Harness, hour: int, minute: int, day: int = 3) -> list[Call]:
    flock.clock.current = datetime(2026, 11, day, hour, minute, tzinfo=UTC)
    return await flock.tick()


async def test_reminder_opening_and_prompts_one_gap_apart_in_every_chat(flock: Harness) -> None:
    await set_up(flock, CHAT, SECOND)
    await say(flock, CHAT, ANA, f"/discussion {THREE}")

    assert sent(await run_to(flock, 18, 44)) == []
    reminder = await run_to(flock, 18, 45)
    again = await run_to(flock, 18, 50)
    opening = await run_to(flock, 19, 0)
    early = await run_to(flock, 19, 9)
    second = await run_to(flock, 19, 10)
    third = await run_to(flock, 19, 20)
    end = await run_to(flock, 19, 30)

    for chat in (CHAT, SECOND):
        assert sent(reminder, chat) == [
            "⏰ In 15 minutes: <b>Remote teaching tips</b>, a discussion right here."
            " Come and join in, or just read along."
        ]
        welcome, q1 = sent(opening, chat)
        assert welcome.startswith("💬 <b>Remote teaching tips</b> starts now!\n3 questions, one every 10m.")
        assert "start your message with A1, A2…" in welcome
        assert "Reading along is welcome" in welcome
        assert q1 == "<b>Q1</b> What tool helped you most?"
        assert sent(second, chat) == ["<b>Q2</b> How do you keep quiet learners involved?"]
        assert sent(third, chat) == ["<b>Q3</b> What will you try next week?"]
    assert sent(again) == sent(early) == []
    for chat in (CHAT, SECOND):  # the end: a recap in each chat (no transcript: no answers)
        assert sent(end, chat) == [
            "📝 <b>Recap: Remote teaching tips</b>\nNo one answered this time. Thank you for reading along!"
        ]
    rounds = await flock.rows("select state, step from discussion_rounds order by id")
    assert rounds == [("ended", 5), ("scheduled", 0)]  # and next week's is waiting


async def test_answers_by_reply_and_by_number_from_two_chats_with_a_reaction_and_never_a_question(
    flock: Harness,
) -> None:
    await set_up(flock, CHAT, SECOND)
    await say(flock, CHAT, ANA, f"/discussion {THREE}")
    calls = await run_to(flock, 19, 0)
    q1_second = next(c for c in calls if c.chat_id == SECOND["id"] and c.text.startswith("<b>Q1"))
    await run_to(flock, 19, 10)

    replied = await say(flock, SECOND, BEN, "Miro, why?", reply_to=q1_second.result)
    numbered = await say(flock, CHAT, LEO, "a2 - I ask them directly?")
    colon = await say(flock, CHAT, BEN, "A1: the whiteboard")
    not_yet = await say(flock, CHAT, BEN, "A3 how do I do this?")  # Q3 isn't out: an ordinary question

    assert sent(replied + numbered + colon) == []
    assert len(reactions(replied)) == len(reactions(numbered)) == len(reactions(colon)) == 1
    assert await answers(flock) == [
        (1, SECOND["id"], BEN["id"], "Miro, why?"),
        (2, CHAT["id"], LEO["id"], "a2 - I ask them directly?"),
        (1, CHAT["id"], BEN["id"], "A1: the whiteboard"),
    ]
    assert await flock.rows("select text from questions") == [("A3 how do I do this?",)]
    assert reactions(not_yet)  # the 👀 of a question
    # One gap after the end, A<n> is no longer an answer; a reply still is.
    await run_to(flock, 19, 30)
    await say(flock, CHAT, LEO, "A3 late but here")
    flock.clock.current = datetime(2026, 11, 3, 19, 41, tzinfo=UTC)
    await say(flock, CHAT, LEO, "A3 too late")
    assert [row[3] for row in await answers(flock)][-1] == "A3 late but here"


async def test_in_a_tagged_chat_a_number_needs_the_hashtag_and_a_reply_does_not(flock: Harness) -> None:
    flock.make_admin(SHARED, ANA)
    await say(flock, SHARED, ANA, "/setup #onb26 tagged Onboarding 2026", topic=7)
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await say(flock, SHARED, ANA, '/discussion "Tagged" in 1h gap 5m\nFirst?\nSecond?', topic=7)

    calls = await run_to(flock, 10, 0, day=2)
    posted = [c for c in calls if c.method == "sendMessage"]
    assert {c.params.get("message_thread_id") for c in posted} == {7}  # the topic it was scheduled from
    q1 = next(c for c in posted if c.text.startswith("<b>Q1"))
    await say(flock, SHARED, BEN, "A1 no tag, not for the course", topic=7)
    await say(flock, SHARED, BEN, "A1 #onb26 with the tag", topic=7)
    await say(flock, SHARED, LEO, "By replying", topic=7, reply_to=q1.result)

    assert [row[3] for row in await answers(flock)] == ["A1 #onb26 with the tag", "By replying"]


async def test_a_restart_mid_discussion_posts_no_prompt_twice_and_skips_none(
    database_url: str, clock: FrozenClock
) -> None:
    async with Harness(database_url, clock) as flock:
        await set_up(flock)
        await say(flock, CHAT, ANA, '/discussion "Restart" tomorrow 19:00 gap 10m\nOne?\nTwo?\nThree?\nFour?')
        first = await run_to(flock, 19, 10)
    clock.current = datetime(2026, 11, 3, 19, 35, tzinfo=UTC)  # down for 25 minutes
    async with Harness(database_url, clock) as again:
        resumed = await again.tick()
        later = await run_to(again, 19, 45)

    assert [t for t in sent(first) if t.startswith("<b>Q")] == ["<b>Q1</b> One?", "<b>Q2</b> Two?"]
    assert sent(resumed) == ["<b>Q3</b> Three?", "<b>Q4</b> Four?"]
    assert [text.splitlines()[0] for text in sent(later)] == ["📝 <b>Recap: Restart</b>"]  # the end


async def test_restarts_before_and_after_a_discussion_repeat_nothing_and_miss_nothing(
    database_url: str, clock: FrozenClock
) -> None:
    async with Harness(database_url, clock) as flock:
        await set_up(flock)
        await say(flock, CHAT, ANA, '/discussion "Restart" tomorrow 19:00 gap 10m\nOne?\nTwo?')
    clock.current = datetime(2026, 11, 3, 18, 50, tzinfo=UTC)  # down through the reminder's time
    async with Harness(database_url, clock) as before:
        reminded = await before.tick()
        run = await run_to(before, 19, 0) + await run_to(before, 19, 10) + await run_to(before, 19, 20)
    async with Harness(database_url, clock) as after:
        again = await after.tick()
        later = await run_to(after, 21, 0)

    assert sent(reminded) == [
        "⏰ In 15 minutes: <b>Restart</b>, a discussion right here. Come and join in, or just read along."
    ]
    assert [t for t in sent(run) if t.startswith("<b>Q")] == ["<b>Q1</b> One?", "<b>Q2</b> Two?"]
    assert sent(again) == sent(later) == []
    assert await after.rows("select state, step from discussion_rounds") == [("ended", 4)]


async def test_a_weekly_series_keeps_its_local_time_across_a_change_of_clocks(flock: Harness) -> None:
    flock.clock.current = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
    await set_up(flock)
    await say(flock, CHAT, ANA, "/settings timezone Europe/Berlin")
    await say(flock, CHAT, ANA, '/discussion "Weekly" 2026-10-21 19:00 every 1w gap 5m\nQ?')

    flock.clock.current = datetime(2026, 10, 21, 17, 0, tzinfo=UTC)  # 19:00 in Berlin, summer time
    assert "<b>Q1</b> Q?" in sent(await flock.tick())
    listing = sent(await say(flock, CHAT, ANA, "/discussions"))[0]

    # One line for the series: the live occurrence, then the next (winter time from 25 Oct).
    assert listing == (
        "<b>Discussions</b>\n"
        "1. “Weekly” #onb26: live now (started Wed 21 Oct, 19:00 (Europe/Berlin)), every week;"
        " next Wed 28 Oct, 19:00 (Europe/Berlin)"
    )
    [(starts_at,)] = await flock.rows("select starts_at from discussion_rounds where state = 'scheduled'")
    assert str(starts_at).startswith("2026-10-28 18:00")
    flock.clock.current = datetime(2026, 10, 28, 17, 0, tzinfo=UTC)
    assert not any(t.startswith("<b>Q1") for t in sent(await flock.tick()))
    flock.clock.current = datetime(2026, 10, 28, 18, 0, tzinfo=UTC)
    assert "<b>Q1</b> Q?" in sent(await flock.tick())


async def test_forget_me_removes_discussion_answers(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    await say(flock, CHAT, ANA, '/discussion "Live" in 1m gap 1m\nFirst?')
    flock.clock.advance(minutes=1)
    await flock.tick()
    await say(flock, CHAT, BEN, "A1 my zanzibarish answer")
    assert "discussion_answers.text" in await traces(flock, "zanzibarish")
    asked = await prompt(flock, private(BEN), BEN, "/forget_me")

    await flock.send(flock.telegram.press(BEN, asked.result, buttons(asked)["Forget me"]))

    assert await traces(flock, "zanzibarish") == []
    assert await flock.rows("select count(*) from discussion_answers") == [(0,)]  # gone, not renamed


async def test_an_edited_answer_keeps_its_first_text_and_is_no_question(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, '/discussion "Live" in 1m gap 1m every 1w\nFirst?')
    flock.clock.advance(minutes=1)
    await flock.tick()
    original = flock.telegram.post(CHAT, BEN, "A1 the wiki")
    await flock.send(original)

    calls = await flock.send(flock.telegram.edit(original, "A1 how do I find the wiki?"))

    assert sent(calls) == []
    # The answer keeps its first text: what was acknowledged is what the discussion keeps.
    assert await flock.rows("select text from discussion_answers") == [("A1 the wiki",)]
    assert await flock.rows("select count(*) from questions") == [(0,)]
    # While it runs, changes go to next week's occurrence.
    [reply] = sent(await say(flock, CHAT, ANA, "/discussion_prompts 1\nNext week's?"))
    assert "New prompts for discussion <b>1</b> on Mon 9 Nov, 09:01 (UTC) (this time only)" in reply


async def test_two_processes_ticking_at_once_post_each_step_once(
    flock: Harness, database_url: str, clock: FrozenClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    await set_up(flock, CHAT, SECOND)
    await say(flock, CHAT, ANA, f"/discussion {THREE}")
    calls: list[Call] = []
    async with Harness(database_url, clock) as other:
        other.api._ids = flock.api._ids  # one Telegram: message ids don't collide
        for hour, minute in ((18, 45), (19, 0), (19, 10), (19, 20), (19, 30)):
            clock.current = datetime(2026, 11, 3, hour, minute, tzinfo=UTC)
            await asyncio.gather(flock.flock.ticker.tick(), other.flock.ticker.tick())
            await asyncio.gather(flock.flock.sender.flush(), other.flock.sender.flush())
            assert flock.flock.ticker.failed + other.flock.ticker.failed == []
            calls += flock.api.take() + other.api.take()

    posted = sent(calls)
    assert len(posted) == 2 * 6  # the reminder, the opening, three prompts and the recap in each chat
    assert len({(c.chat_id, c.text) for c in calls if c.method == "sendMessage"}) == 12
    assert await flock.rows("select count(*) from discussion_rounds") == [(2,)]  # one next week


# Chats gone ----------------------------------------------------------------------------------------

BOT = {"id": 7000000001, "is_bot": True, "first_name": "Flock", "username": "flock_test_bot"}
GONE = (
    "Discussion 1 of #onb26 (“Remote teaching tips”) is not posted in {chats}: the chat is no longer"
    " attached to the course, or it removed me. I won't mention it again for this discussion."
)


async def test_a_detached_chat_gets_no_reminder_opening_or_prompt_and_the_facilitators_are_told_once(
    flock: Harness,
) -> None:
    await set_up(flock, CHAT, SECOND)
    await say(flock, CHAT, ANA, f"/discussion {THREE}")
    await say(flock, SECOND, ANA, "/detach")

    reminder = await run_to(flock, 18, 45)
    opening = await run_to(flock, 19, 0)
    rest = await run_to(flock, 19, 10) + await run_to(flock, 19, 20) + await run_to(flock, 19, 30)
    next_week = await run_to(flock, 18, 45, day=10) + await run_to(flock, 19, 0, day=10)

    assert sent(reminder + opening + rest + next_week, SECOND) == []
    assert sent(reminder, ANA) == [GONE.format(chats="Onboarding 2026 (evening)")]
    later = [t for t in sent(opening + rest + next_week, ANA) if not t.startswith("🌟")]  # highlights aside
    assert [text for text in later if "is not posted in" in text] == []  # told once
    assert len(later) == 1  # the next digest
    assert "“Remote teaching tips”: 0 took part" in later[0]
    assert len(sent(opening + rest, CHAT)) == 5  # the opening, three prompts and the recap
    assert "<b>Q1</b> What tool helped you most?" in sent(next_week, CHAT)


async def test_a_chat_that_removed_flock_mid_discussion_gets_no_further_prompt(flock: Harness) -> None:
    await set_up(flock, CHAT, SECOND)
    await say(flock, CHAT, ANA, f"/discussion {THREE}")
    opening = await run_to(flock, 19, 0)
    await flock.send(flock.telegram.member_change(SECOND, BOT, "member", "kicked", mine=True, by=ANA))

    second = await run_to(flock, 19, 10)
    third = await run_to(flock, 19, 20)

    assert len(sent(opening, SECOND)) == 2
    assert sent(second + third, SECOND) == []
    assert sent(second, CHAT) == ["<b>Q2</b> How do you keep quiet learners involved?"]
    assert sent(second, ANA) == [GONE.format(chats="Onboarding 2026 (evening)")]
    assert sent(third, ANA) == []


async def test_a_chat_attached_after_scheduling_is_posted_to_and_told_about_once_gone(flock: Harness) -> None:
    await set_up(flock, CHAT)
    await say(flock, CHAT, ANA, f"/discussion {THREE}")
    await set_up(flock, SECOND)

    opening = await run_to(flock, 19, 0)
    await say(flock, SECOND, ANA, "/detach")
    second = await run_to(flock, 19, 10)

    assert sent(opening, SECOND)[-1] == "<b>Q1</b> What tool helped you most?"
    assert sent(second, SECOND) == []
    assert sent(second, ANA) == [GONE.format(chats="Onboarding 2026 (evening)")]


# /help ---------------------------------------------------------------------------------------------


async def test_help_names_the_discussion_and_announcement_commands_in_a_group_and_in_private(
    flock: Harness,
) -> None:
    await set_up(flock)

    [in_group] = sent(await say(flock, CHAT, BEN, "/help"))
    [in_private] = sent(await say(flock, private(ANA), ANA, "/help"))

    assert in_group.startswith("<b>Flock</b> keeps this course talking.")
    assert in_private.startswith("<b>Flock</b> keeps a training cohort talking")
    for command in (
        "/discussion ",
        "/discussions",
        "/discussion_prompts",
        "/discussion_move",
        "/discussion_cancel",
        "/announce ",
        "/announcements",
        "/announce_cancel",
    ):
        assert command in in_group
        assert command in in_private
    assert "answered by replying or with A1, A2…" in in_group
    assert '<code>/discussion #tag "Title" tomorrow 19:00 every 1w</code> — a timed discussion' in in_private
