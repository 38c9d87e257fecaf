"""Stories: a #story or #win gets a 🎉, its author is asked once whether it may go beyond the
group, and a consented story is posted once to the course's showcase."""

from __future__ import annotations

import asyncio
import io
import zipfile
from typing import Any

import pytest
from sqlalchemy import event

from bot.recording import BOT_ID, Call, api_error
from tests.builders import JSON, group, private, user
from tests.support.clock import FrozenClock
from tests.support.cohort import upload, zipped_csv
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben", last_name="Okoro")  # tells a story, started the bot
CLEO = user(13, "Cleo")  # tells a story, never started the bot
DAN = user(14, "Dan")  # a learner who presses someone else's button
CHAT = group(-1001500, "Onboarding 2026")
SHOWCASE = group(-1001900, "Wins wall")
CHANNEL = {"id": -1003800, "type": "channel", "title": "Our wins", "username": "ourwins"}
WIN = "#win I shipped my first pull request today!"


def to(calls: list[Call], chat: JSON) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.chat_id == chat["id"]]


def labels(message: Call) -> list[str]:
    return [b["text"] for row in message.params["reply_markup"]["inline_keyboard"] for b in row]


def press(flock: Harness, person: JSON, message: Call, label: str) -> JSON:
    buttons = [b for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
    return flock.telegram.press(
        person, message.result, next(b["callback_data"] for b in buttons if b["text"] == label)
    )


def toasts(calls: list[Call]) -> list[str | None]:
    return [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]


def reactions(calls: list[Call]) -> list[tuple[int, list[JSON]]]:
    return [(c.params["message_id"], c.params["reaction"]) for c in calls if c.method == "setMessageReaction"]


async def course(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))


async def showcase_here(flock: Harness) -> list[Call]:
    flock.make_admin(SHOWCASE, ANA)
    return await flock.send(flock.telegram.post(SHOWCASE, ANA, "/showcase_here #onb26"))


async def told(flock: Harness, text: str = WIN, person: JSON = BEN) -> tuple[JSON, list[Call]]:
    post = flock.telegram.post(CHAT, person, text)
    return post, await flock.send(post)


# A story -------------------------------------------------------------------------------------


async def test_a_win_gets_a_party_reaction_and_its_author_is_asked_once(flock: Harness) -> None:
    await course(flock)

    post, calls = await told(flock)
    again = await flock.send(flock.telegram.post(CHAT, BEN, "Thanks everyone!"))

    message_id = post["message"]["message_id"]
    assert reactions(calls) == [(message_id, [{"type": "emoji", "emoji": "🎉"}])]
    [ask] = to(calls, BEN)
    assert "🎉 Thanks for sharing your story in #onb26!" in ask.text
    assert "“I shipped my first pull request today!”" in ask.text
    assert f'href="https://t.me/c/1500/{message_id}"' in ask.params["text"]
    assert "May we share this beyond the group?" in ask.text
    assert labels(ask) == ["Yes, as Ben", "Yes, as “a learner”", "Keep it in the group"]
    assert to(again, BEN) == []
    assert await flock.rows("select author_id, text, consent from stories") == [
        (BEN["id"], "I shipped my first pull request today!", "asked")
    ]


async def test_story_is_read_in_either_case_and_in_a_caption(flock: Harness) -> None:
    await course(flock)

    await told(flock, "Finally passed the exam #Story")
    photo = flock.telegram.post(CHAT, BEN, None, caption="Our team at the hackathon #WIN")
    calls = await flock.send(photo)

    assert len(reactions(calls)) == 1
    assert await flock.rows("select text from stories order by id") == [
        ("Finally passed the exam",),
        ("Our team at the hackathon",),
    ]


async def test_an_author_who_never_started_the_bot_is_not_asked_and_the_story_stays_in_the_group(
    flock: Harness,
) -> None:
    await course(flock)
    await showcase_here(flock)

    _, calls = await told(flock, person=CLEO)

    assert len(reactions(calls)) == 1
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert await flock.rows("select consent from stories") == [("not_started",)]


async def test_yes_as_their_name_is_recorded_once_and_only_the_author_can_answer(flock: Harness) -> None:
    await course(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)

    stranger = await flock.send(press(flock, DAN, ask, "Keep it in the group"))
    unchanged = await flock.rows("select consent from stories")
    yes = await flock.send(press(flock, BEN, ask, "Yes, as Ben"))
    twice = await flock.send(press(flock, BEN, ask, "Keep it in the group"))

    assert toasts(stranger) == ["That button isn't valid any more."]
    assert unchanged == [("asked",)]
    assert [c.text for c in yes if c.method == "editMessageText"] == [
        "🎉 Thank you! Your story may be shared beyond the group (yes, as Ben)."
    ]
    assert toasts(twice) == ["You've answered already: yes, as Ben."]
    assert [c for c in twice if c.method == "editMessageText"] == []
    assert await flock.rows("select consent from stories") == [("name",)]


async def test_consent_refused_keeps_the_story_in_the_group(flock: Harness) -> None:
    await course(flock)
    await showcase_here(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)

    kept = await flock.send(press(flock, BEN, ask, "Keep it in the group"))

    assert [c.text for c in kept if c.method == "editMessageText"] == [
        "👍 Understood: your story stays in the group."
    ]
    assert to(kept, SHOWCASE) == []
    assert await flock.rows("select consent, showcase_chat_id from stories") == [("kept", None)]


async def test_an_edit_updates_the_story_and_one_taking_the_tag_out_drops_it(flock: Harness) -> None:
    await course(flock)
    post, _ = await told(flock)

    await flock.send(flock.telegram.edit(post, "#win I shipped my first two pull requests!"))
    edited = await flock.rows("select text from stories")
    untagged = await flock.send(flock.telegram.edit(post, "I shipped my first two pull requests!"))

    assert edited == [("I shipped my first two pull requests!",)]
    assert await flock.rows("select count(*) from stories") == [(0,)]
    assert [c for c in untagged if c.method == "sendMessage"] == []


async def test_an_edit_taking_the_tag_out_keeps_a_story_already_shared(flock: Harness) -> None:
    await course(flock)
    post, calls = await told(flock)
    [ask] = to(calls, BEN)
    await flock.send(press(flock, BEN, ask, "Yes, as “a learner”"))

    await flock.send(flock.telegram.edit(post, "I shipped it!"))

    assert await flock.rows("select consent from stories") == [("learner",)]


async def test_a_story_in_a_tagged_chat_needs_the_course_hashtag(flock: Harness) -> None:
    shared = group(-1001700, "Company lounge")
    flock.make_admin(shared, ANA)
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(shared, ANA, "/setup #onb26 tagged Onboarding 2026"))

    outside = await flock.send(flock.telegram.post(shared, BEN, "#win got my badge"))
    inside = await flock.send(flock.telegram.post(shared, BEN, "#onb26 #win got my laptop"))

    assert reactions(outside) == []
    assert len(reactions(inside)) == 1
    assert await flock.rows("select text from stories") == [("#onb26 got my laptop",)]


async def statements_of(flock: Harness, updates: list[JSON]) -> list[str]:
    """The SQL one inbox batch of these updates sends."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    await flock.flock.poller.store(updates)
    event.listen(flock.flock.engine.sync_engine, "before_cursor_execute", count)
    await flock.flock.poller.processor.drain()
    event.remove(flock.flock.engine.sync_engine, "before_cursor_execute", count)
    return statements


async def test_posts_without_a_story_tag_cost_the_batch_no_statement_of_their_own(flock: Harness) -> None:
    await course(flock)
    people = [user(100 + n, f"Learner {n}") for n in range(20)]
    chatter = [flock.telegram.post(CHAT, p, f"Good morning from learner {n}!") for n, p in enumerate(people)]
    await flock.send(*chatter)
    edits = [flock.telegram.edit(post, post["message"]["text"] + " (edited)") for post in chatter]
    more = [flock.telegram.post(CHAT, p, "Lunch break soon?") for p in people]

    plain = await statements_of(flock, [*edits, *more])
    again = [flock.telegram.post(CHAT, p, "Back from lunch.") for p in people]
    without = await statements_of(flock, [*again, flock.telegram.post(CHAT, BEN, "Me too.")])
    later = [flock.telegram.post(CHAT, p, "Coffee?") for p in people]
    with_a_win = await statements_of(flock, [*later[:10], flock.telegram.post(CHAT, BEN, WIN), *later[10:]])

    # Which edited messages are stories is asked with the introductions, once for the batch.
    assert [s for s in plain if "stories" in s and "introductions" not in s] == []
    assert len([s for s in plain if "stories" in s]) == 1
    # One story costs its own few statements, not a few per message.
    assert len(with_a_win) - len(without) <= 10, "\n".join(s.split("\n")[0][:100] for s in with_a_win)
    assert await flock.rows("select count(*) from stories") == [(1,)]


# Showcase ------------------------------------------------------------------------------------


async def test_a_consented_story_is_posted_once_to_the_showcase_group(flock: Harness) -> None:
    await course(flock)
    here = await showcase_here(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)

    yes = await flock.send(press(flock, BEN, ask, "Yes, as Ben"))
    twice = await flock.send(press(flock, BEN, ask, "Yes, as Ben"))
    later = await flock.tick()

    assert to(here, SHOWCASE)[0].text == (
        "🎉 Stories of #onb26 that their authors let go beyond the group will be posted in Wins wall."
    )
    [posted] = to(yes, SHOWCASE)
    assert posted.text == (
        "🎉 <b>A story from Onboarding 2026</b>\n\nI shipped my first pull request today!\n\n— Ben"
    )
    assert to(twice, SHOWCASE) == []
    assert to(later, SHOWCASE) == []


async def test_a_photo_story_goes_to_the_showcase_as_the_photo_with_its_caption(flock: Harness) -> None:
    await course(flock)
    await showcase_here(flock)
    photo = flock.telegram.post(CHAT, BEN, None, caption="Our team at the hackathon #win")
    [ask] = to(await flock.send(photo), BEN)

    yes = await flock.send(press(flock, BEN, ask, "Yes, as Ben"))
    listed = await flock.replies(flock.telegram.post(private(ANA), ANA, "/stories"))

    [posted] = [c for c in yes if c.method == "sendPhoto"]
    assert posted.chat_id == SHOWCASE["id"]
    assert posted.params["photo"] == "AgAD"  # Telegram's file id: nothing is downloaded
    assert posted.params["caption"] == (
        "🎉 <b>A story from Onboarding 2026</b>\n\nOur team at the hackathon\n\n— Ben"
    )
    assert to(yes, SHOWCASE) == []
    assert f"https://t.me/c/1900/{posted.result['message_id']}" in listed[0]


async def test_as_a_learner_the_showcase_post_names_no_one(flock: Harness) -> None:
    await course(flock)
    await showcase_here(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)

    yes = await flock.send(press(flock, BEN, ask, "Yes, as “a learner”"))

    [posted] = to(yes, SHOWCASE)
    assert posted.text.endswith("— a learner")
    assert "Ben" not in posted.text


async def test_stories_consented_before_a_showcase_existed_are_posted_when_it_is_set(flock: Harness) -> None:
    await course(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)
    await flock.send(press(flock, BEN, ask, "Yes, as Ben"))

    here = await showcase_here(flock)
    moved = await flock.send(flock.telegram.post(CHAT, ANA, "/showcase_here"))

    assert "1 story said yes to earlier goes there now." in to(here, SHOWCASE)[0].text
    assert [c.text.splitlines()[0] for c in to(here, SHOWCASE)][1:] == [
        "🎉 <b>A story from Onboarding 2026</b>"
    ]
    # Moved elsewhere: what was posted is not posted again.
    assert [c for c in to(moved, CHAT) if "A story from" in c.text] == []


async def test_a_channel_showcase_needs_flock_to_post_there_and_the_facilitator_to_run_it(
    flock: Harness,
) -> None:
    await course(flock)
    flock.api.chats["@ourwins"] = CHANNEL
    me = private(ANA)

    unknown = await flock.replies(flock.telegram.post(me, ANA, "/showcase #onb26 @nowhere"))
    not_theirs = await flock.replies(flock.telegram.post(me, ANA, "/showcase #onb26 @ourwins"))
    flock.make_admin(CHANNEL, ANA)
    not_posting = await flock.replies(flock.telegram.post(me, ANA, "/showcase #onb26 @ourwins"))
    flock.api.admins.add((CHANNEL["id"], BOT_ID))
    done = await flock.replies(flock.telegram.post(me, ANA, "/showcase #onb26 @ourwins"))
    where = await flock.replies(flock.telegram.post(me, ANA, "/showcase"))

    assert unknown == ["I can't find @nowhere. Add me to it as an admin who may post, then try again."]
    assert not_theirs == ["Only the admins of Our wins can make it a showcase."]
    assert not_posting == [
        "I can't post in Our wins: make me an admin there who may post messages, then try again."
    ]
    assert done == [
        "🎉 Stories of #onb26 that their authors let go beyond the group will be posted in @ourwins."
    ]
    assert where[0].startswith("#onb26: posted in @ourwins")
    assert await flock.rows("select chat_id, chat_kind from showcases") == [(CHANNEL["id"], "channel")]


async def test_showcase_off_stops_posting(flock: Harness) -> None:
    await course(flock)
    await showcase_here(flock)
    me = private(ANA)

    off = await flock.replies(flock.telegram.post(me, ANA, "/showcase off #onb26"))
    again = await flock.replies(flock.telegram.post(me, ANA, "/showcase off #onb26"))
    _, calls = await told(flock)
    [ask] = to(calls, BEN)
    yes = await flock.send(press(flock, BEN, ask, "Yes, as Ben"))

    assert off == ["OK: stories of #onb26 aren't posted anywhere any more. Those posted stay."]
    assert again == ["#onb26 has no showcase. A facilitator sets one with /showcase_here in a group."]
    assert to(yes, SHOWCASE) == []


async def test_only_facilitators_set_a_showcase(flock: Harness) -> None:
    await course(flock)
    flock.make_admin(SHOWCASE, DAN)

    refused = await flock.replies(flock.telegram.post(SHOWCASE, DAN, "/showcase_here #onb26"))
    off = await flock.replies(flock.telegram.post(private(DAN), DAN, "/showcase off #onb26"))

    assert refused == ["You don't facilitate #onb26."]
    assert off == ["You don't facilitate #onb26."]
    assert await flock.rows("select count(*) from showcases") == [(0,)]


async def test_a_restart_between_consent_and_posting_posts_once(flock: Harness, database_url: str) -> None:
    """The answer and the showcase post are one transaction: a sender that never got to send
    (Telegram down) sends it later, once."""
    await course(flock)
    await showcase_here(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)
    flock.api.failures["sendMessage"] = lambda params: (502, api_error(502, "Bad Gateway"))

    await flock.send(press(flock, BEN, ask, "Yes, as Ben"))
    del flock.api.failures["sendMessage"]
    flock.clock.advance(minutes=5)
    await flock.flock.sender.flush()
    first = flock.api.take()
    await flock.flock.sender.flush()
    second = flock.api.take()

    assert len([c for c in to(first, SHOWCASE) if "A story from" in c.text]) == 1
    assert to(second, SHOWCASE) == []


# /stories ------------------------------------------------------------------------------------


async def test_stories_lists_the_course_stories_newest_first_with_their_consent(flock: Harness) -> None:
    await course(flock)
    await showcase_here(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)
    yes = await flock.send(press(flock, BEN, ask, "Yes, as Ben"))
    [posted] = to(yes, SHOWCASE)
    flock.clock.advance(minutes=1)
    await told(flock, "#story My mentor helped me debug for an hour\nThen we had lunch", CLEO)

    in_group = await flock.send(flock.telegram.post(CHAT, ANA, "/stories"))
    in_private = await flock.replies(flock.telegram.post(private(ANA), ANA, "/stories"))

    [listed] = to(in_group, ANA)
    assert to(in_group, CHAT)[0].text == "I've sent it to you in a private message."
    assert listed.text == in_private[0]
    lines = listed.text.splitlines()
    assert lines[0] == "<b>Stories of #onb26</b>, newest first"
    assert "Cleo" in lines[1]
    assert "“My mentor helped me debug for an hour”" in lines[1]
    assert "Then we had lunch" not in listed.text
    assert lines[1].endswith("not asked: hasn't started the bot")
    assert "Ben Okoro" in lines[2]
    assert "yes, as Ben" in lines[2]
    showcase_link = f'<a href="https://t.me/c/1900/{posted.result["message_id"]}">in the showcase</a>'
    assert lines[2].endswith(showcase_link)


async def test_stories_is_for_facilitators(flock: Harness) -> None:
    await course(flock)
    await told(flock)

    refused = await flock.replies(flock.telegram.post(CHAT, BEN, "/stories"))
    privately = await flock.replies(flock.telegram.post(private(BEN), BEN, "/stories"))

    assert refused == ["Only facilitators of #onb26 can do that."]
    assert privately == ["You don't facilitate any course. Facilitators set one up with /setup."]


async def test_export_includes_the_stories(flock: Harness) -> None:
    post, posted = await shared_story(flock)
    await told(flock, "#story =1+1 is my first formula", CLEO)

    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/export"))

    [document] = [c for c in calls if c.method == "sendDocument"]
    _, content = upload(document, "document")
    rows = zipped_csv(zipfile.ZipFile(io.BytesIO(content)), "stories.csv")
    assert [(r["author_name"], r["text"], r["consent"]) for r in rows] == [
        ("Cleo", "'=1+1 is my first formula", "not_started"),
        ("Ben Okoro", "I shipped my first pull request today!", "name"),
    ]
    assert rows[1]["link"] == f"https://t.me/c/1500/{post['message']['message_id']}"
    assert rows[1]["showcase_link"] == f"https://t.me/c/1900/{posted.result['message_id']}"
    assert rows[0]["showcase_link"] == ""


# Privacy -------------------------------------------------------------------------------------


def buttons(call: Call) -> dict[str, str]:
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in keyboard for b in row}


async def forget_me(flock: Harness, person: JSON) -> list[Call]:
    [asked] = [c for c in await flock.send(flock.telegram.post(private(person), person, "/forget_me"))]
    assert "1 story" in asked.text
    return await flock.send(flock.telegram.press(person, asked.result, buttons(asked)["Forget me"]))


async def shared_story(flock: Harness) -> tuple[JSON, Call]:
    """Ben's story, and its post in the showcase."""
    await course(flock)
    await showcase_here(flock)
    post, calls = await told(flock)
    [ask] = to(calls, BEN)
    [posted] = to(await flock.send(press(flock, BEN, ask, "Yes, as Ben")), SHOWCASE)
    return post, posted


async def test_forget_me_deletes_the_story_and_its_showcase_post(flock: Harness) -> None:
    _, posted = await shared_story(flock)

    calls = await forget_me(flock, BEN)

    deleted = [(c.chat_id, c.params["message_id"]) for c in calls if c.method == "deleteMessage"]
    assert deleted == [(SHOWCASE["id"], posted.result["message_id"])]
    assert await flock.rows("select count(*) from stories") == [(0,)]
    assert await flock.rows("select count(*) from outbox where payload like '%pull request%'") == [(0,)]


async def test_a_showcase_post_too_old_to_delete_is_sent_to_the_facilitators(flock: Harness) -> None:
    _, posted = await shared_story(flock)
    flock.clock.advance(hours=50)

    calls = await forget_me(flock, BEN)

    assert [c for c in calls if c.method == "deleteMessage"] == []
    [told_ana] = to(calls, ANA)
    assert "Telegram no longer lets me delete" in told_ana.text
    assert f"https://t.me/c/1900/{posted.result['message_id']}" in told_ana.text
    assert "pull request" not in told_ana.text


async def test_a_facilitators_forget_deletes_the_learners_stories_of_the_course(flock: Harness) -> None:
    post, posted = await shared_story(flock)
    [asked] = to(await flock.send(flock.telegram.post(CHAT, ANA, "/forget", reply_to=post["message"])), CHAT)
    calls = await flock.send(flock.telegram.press(ANA, asked.result, buttons(asked)["Forget Ben Okoro"]))

    assert [c.params["message_id"] for c in calls if c.method == "deleteMessage"] == [
        posted.result["message_id"]
    ]
    assert await flock.rows("select count(*) from stories") == [(0,)]


async def test_a_story_forgotten_before_its_showcase_post_went_out_is_never_posted(flock: Harness) -> None:
    await course(flock)
    await showcase_here(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)
    flock.api.failures["sendMessage"] = lambda params: (
        (502, api_error(502, "Bad Gateway")) if int(params["chat_id"]) == SHOWCASE["id"] else None
    )
    await flock.send(press(flock, BEN, ask, "Yes, as Ben"))
    del flock.api.failures["sendMessage"]

    await forget_me(flock, BEN)
    flock.clock.advance(minutes=10)
    await flock.flock.sender.flush()

    assert to(flock.api.take(), SHOWCASE) == []


async def test_privacy_says_what_stories_store_and_where_they_go(flock: Harness) -> None:
    [explained] = await flock.replies(flock.telegram.post(private(BEN), BEN, "/privacy"))

    assert "<b>Stories</b>" in explained
    assert "Only a story you said yes to is posted, once, to the course's showcase" in explained
    assert "Telegram lets me delete a message only for 48 hours" in explained


async def test_two_processes_taking_the_same_press_post_the_story_once(
    flock: Harness, database_url: str, clock: FrozenClock
) -> None:
    """Telegram may hand the press to either of two Flocks on one PostgreSQL database (a webhook
    behind a load balancer retried, say): only the first answer is recorded and posted."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    await course(flock)
    await showcase_here(flock)
    _, calls = await told(flock)
    [ask] = to(calls, BEN)
    async with Harness(database_url, clock) as other:
        other.api._ids = flock.api._ids  # one Telegram: message ids don't collide
        first, second = press(flock, BEN, ask, "Yes, as Ben"), press(flock, BEN, ask, "Yes, as “a learner”")
        await asyncio.gather(flock.flock.poller.store([first]), other.flock.poller.store([second]))
        await asyncio.gather(flock.flock.poller.processor.drain(), other.flock.poller.processor.drain())
        await asyncio.gather(flock.flock.sender.flush(), other.flock.sender.flush())
        calls = flock.api.take() + other.api.take()

    assert len([c for c in to(calls, SHOWCASE) if "A story from" in c.text]) == 1
    assert len([c for c in calls if c.method == "editMessageText"]) == 1
    assert await flock.rows("select count(*) from outbox where kind = 'showcase_post'") == [(1,)]
