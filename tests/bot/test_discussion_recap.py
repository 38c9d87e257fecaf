"""A discussion's reactions, replies and recap (issue 14, 4 and 5): answers ranked by the
reactions they drew (where Flock, an admin, sees them) then by replies, a recap in every attached
chat with links, the transcript document, /discussion_transcript, the digest's line, forgetting."""

from __future__ import annotations

from typing import Any

from bot.recording import BOT_ID, Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben", "ben_b")
LEO = user(13, "Leo", "leo_l")
MIA = user(14, "Mia", "mia_m")
FLOCK = user(BOT_ID, "Flock", "flock_bot", is_bot=True)
CHAT = group(-1001500, "Onboarding 2026")
SECOND = group(-1001700, "Onboarding 2026 (evening)")
SHARED = group(-1001800, "Everyone")


async def set_up(flock: Harness, *chats: JSON, admin: bool = True) -> None:
    for chat in chats or (CHAT,):
        flock.make_admin(chat, ANA)
        if admin:
            flock.make_admin(chat, FLOCK)
        await flock.send(flock.telegram.post(chat, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))


async def say(flock: Harness, chat: JSON, person: JSON, text: str, **kw: Any) -> JSON:
    update = flock.telegram.post(chat, person, text, **kw)
    await flock.send(update)
    message: JSON = update["message"]
    return message


def react(flock: Harness, message: JSON, person: JSON, *emojis: str, was: tuple[str, ...] = ()) -> JSON:
    return flock.telegram.update(
        "message_reaction",
        {
            "chat": message["chat"],
            "message_id": message["message_id"],
            "user": person,
            "date": 0,
            "old_reaction": [{"type": "emoji", "emoji": e} for e in was],
            "new_reaction": [{"type": "emoji", "emoji": e} for e in emojis],
        },
    )


def totals(flock: Harness, message: JSON, **counts: int) -> JSON:
    emojis = {"hand": "✍", "like": "👍", "fire": "🔥"}
    return flock.telegram.update(
        "message_reaction_count",
        {
            "chat": message["chat"],
            "message_id": message["message_id"],
            "date": 0,
            "reactions": [
                {"type": {"type": "emoji", "emoji": emojis[name]}, "total_count": n}
                for name, n in counts.items()
            ],
        },
    )


async def live(flock: Harness, prompts: str = "First?\nSecond?", *, chat: JSON = CHAT) -> list[Call]:
    await say(flock, chat, ANA, f'/discussion "Tips" in 1m gap 1m\n{prompts}')
    flock.clock.advance(minutes=1)
    return await flock.tick()


def sent(calls: list[Call], chat: JSON | None = None) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and (chat is None or c.chat_id == chat["id"])]


async def counts(flock: Harness) -> list[tuple[Any, ...]]:
    return await flock.rows(
        "select a.text, coalesce(sum(r.count), 0), a.anonymous_reactions from discussion_answers a"
        " left join discussion_reactions r on r.answer_id = a.id group by a.id, a.text, a.anonymous_reactions"
        " order by a.id"
    )


# Reactions and replies -----------------------------------------------------------------------------


async def test_reactions_to_answers_are_counted_and_taken_back(flock: Harness) -> None:
    await set_up(flock)
    await live(flock)
    answer = flock.telegram.post(CHAT, BEN, "A1 the whiteboard")
    other = flock.telegram.post(CHAT, LEO, "Lovely evening")
    # The answer and reactions to it in one batch: the reactions find the answer the batch holds.
    await flock.send(answer, other, react(flock, answer["message"], LEO, "👍", "❤"))
    await flock.send(react(flock, other["message"], BEN, "👍"))
    assert await counts(flock) == [("A1 the whiteboard", 2, 0)]

    await flock.send(
        react(flock, answer["message"], LEO, "👍", was=("👍", "❤")),  # one taken back
        react(flock, answer["message"], ANA, "🔥", "🔥"),  # each emoji once
        react(flock, answer["message"], FLOCK, "✍"),  # Flock's own acknowledgement
    )

    assert await counts(flock) == [("A1 the whiteboard", 2, 0)]
    await flock.send(react(flock, answer["message"], ANA, was=("🔥",)))
    assert await counts(flock) == [("A1 the whiteboard", 1, 0)]
    mine = "select count(*) from discussion_reactions where person_id = :p"
    assert await flock.rows(mine, p=BOT_ID) == [(0,)]


async def test_anonymous_totals_leave_out_flocks_own_acknowledgement(flock: Harness) -> None:
    await set_up(flock)
    await live(flock)
    answer = await say(flock, CHAT, BEN, "A1 pair work")

    await flock.send(totals(flock, answer, hand=1, like=3, fire=1))

    assert await counts(flock) == [("A1 pair work", 0, 4)]


async def test_replies_to_an_answer_are_kept_under_it_and_stay_ordinary_posts(flock: Harness) -> None:
    await set_up(flock)
    await live(flock)
    answer = await say(flock, CHAT, BEN, "A1 the whiteboard")

    await say(flock, CHAT, LEO, "Which one do you use?", reply_to=answer)
    await say(flock, CHAT, BEN, "Miro", reply_to=answer)

    replies = "select author_id, text from discussion_replies order by replied_at, message_id"
    assert await flock.rows(replies) == [
        (LEO["id"], "Which one do you use?"),
        (BEN["id"], "Miro"),
    ]
    assert await flock.rows("select text from questions") == [("Which one do you use?",)]


# The recap and the transcript ------------------------------------------------------------------------


def documents(calls: list[Call], chat: JSON) -> list[Call]:
    return [c for c in calls if c.method == "sendDocument" and c.chat_id == chat["id"]]


def link(message: JSON) -> str:
    return f"https://t.me/c/{str(message['chat']['id']).removeprefix('-100')}/{message['message_id']}"


async def run_two_chats(flock: Harness) -> tuple[list[Call], dict[str, JSON]]:
    """Q1 and Q2 in two chats: answers by number and by reply, reactions, replies; then the end."""
    await set_up(flock, CHAT, SECOND)
    await say(flock, CHAT, LEO, "Hello all")  # Leo has posted before: not a first-time voice
    opening = await live(flock)
    q1_second = next(c for c in opening if c.chat_id == SECOND["id"] and c.text.startswith("<b>Q1"))
    bens = await say(flock, CHAT, BEN, "A1 the whiteboard")
    leos = await say(flock, SECOND, LEO, "Sticky notes, always", reply_to=q1_second.result)
    mias = await say(flock, CHAT, MIA, "A1: pair work <3")
    await say(flock, CHAT, LEO, "Love this", reply_to=mias)
    await say(flock, CHAT, MIA, "Thanks!", reply_to=mias)  # her own: kept, not counted
    await flock.send(
        react(flock, leos, BEN, "👍"),
        react(flock, leos, MIA, "👍", "🔥"),
        react(flock, bens, LEO, "👍"),
        react(flock, mias, BEN, "❤"),
    )
    flock.clock.advance(minutes=1)
    await flock.tick()  # Q2
    second = await say(flock, CHAT, BEN, "A2 ask them by name")
    flock.clock.advance(minutes=1)
    end = await flock.tick()  # the end: the last prompt plus one gap
    return end, {"ben": bens, "leo": leos, "mia": mias, "ben2": second}


async def test_the_recap_ranks_answers_by_reactions_then_replies_in_every_chat_with_links(
    flock: Harness,
) -> None:
    end, answers = await run_two_chats(flock)

    for chat in (CHAT, SECOND):
        [recap] = sent(end, chat)
        lines = recap.splitlines()
        assert lines[0] == "📝 <b>Recap: Tips</b>"
        assert lines[1] == "3 people took part, 2 of them for the first time in the course. Welcome!"
        assert lines[3:8] == [
            "<b>Q1</b> First?",
            "3 answered.",
            f'1. <a href="{link(answers["leo"])}">Leo</a>: Sticky notes, always (3 reactions)',
            f'2. <a href="{link(answers["mia"])}">Mia</a>: pair work &lt;3 (1 reaction, 1 reply)',
            f'3. <a href="{link(answers["ben"])}">Ben</a>: the whiteboard (1 reaction)',
        ]
        assert lines[9:] == [
            "<b>Q2</b> Second?",
            "1 answered.",
            f'1. <a href="{link(answers["ben2"])}">Ben</a>: ask them by name',
        ]
        [document] = documents(end, chat)
        assert document.params["caption"] == "📄 Transcript of “Tips”"
        assert document.files["document"][0] == "discussion-1.md"
        assert [c.method for c in end if c.chat_id == chat["id"]] == ["sendMessage", "sendDocument"]
    assert await flock.rows("select participants, answer_count, first_voices from discussion_rounds") == [
        (3, 4, 2)
    ]


async def test_the_transcript_has_every_answer_under_its_prompt_with_replies_and_reactions(
    flock: Harness,
) -> None:
    end, _ = await run_two_chats(flock)

    markdown = documents(end, CHAT)[0].files["document"][1].decode()

    assert markdown.startswith(
        "# Tips\n\nDiscussion for #onb26, 2026-11-02 09:01 (UTC).\n\n"
        "Took part: 3. First time in the course: 2. Answers: 4.\n\n## Q1."
    )
    q1 = markdown[markdown.index("## Q1. First?") : markdown.index("## Q2.")]
    assert q1.splitlines()[2:] == [
        "- **Ben**: the whiteboard (reactions: 1)",
        "- **Leo**: Sticky notes, always (reactions: 3)",
        "- **Mia**: pair work \\<3 (reactions: 1, replies: 1)",
        "  - *Leo*: Love this",
        "  - *Mia*: Thanks!",
        "",
    ]
    assert markdown.endswith("## Q2. Second?\n\n- **Ben**: ask them by name (reactions: 0)\n")


async def test_where_flock_is_not_an_admin_the_recap_says_reactions_are_not_counted(flock: Harness) -> None:
    await set_up(flock, admin=False)
    await live(flock, "First?")
    bens = await say(flock, CHAT, BEN, "A1 liked by one")
    mias = await say(flock, CHAT, MIA, "A1 replied to")
    await say(flock, CHAT, LEO, "Agreed", reply_to=mias)
    flock.clock.advance(minutes=1)

    [recap] = sent(await flock.tick())

    assert recap.splitlines()[4:] == [
        "2 answered.",
        f'1. <a href="{link(mias)}">Mia</a>: replied to (1 reply)',
        f'2. <a href="{link(bens)}">Ben</a>: liked by one',
        "",
        "Reactions not counted: Flock sees them only as an admin of the group.",
    ]


async def test_each_chat_says_whether_its_own_reactions_count_and_a_promotion_is_remembered(
    flock: Harness,
) -> None:
    await set_up(flock, CHAT, SECOND, admin=False)
    promoted = flock.telegram.member_change(CHAT, FLOCK, "member", "administrator", mine=True, by=ANA)
    promoted["my_chat_member"]["new_chat_member"].update(
        {"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True, "can_delete_messages": True}
        | {"can_manage_video_chats": True, "can_restrict_members": True, "can_promote_members": False}
        | {"can_change_info": True, "can_invite_users": True, "can_post_stories": False}
        | {"can_edit_stories": False, "can_delete_stories": False}
    )
    await flock.send(promoted)
    await live(flock, "First?")
    bens = await say(flock, CHAT, BEN, "A1 in the first chat")
    await flock.send(react(flock, bens, LEO, "👍"))
    flock.clock.advance(minutes=1)

    end = await flock.tick()

    [here], [there] = sent(end, CHAT), sent(end, SECOND)
    assert f'1. <a href="{link(bens)}">Ben</a>: in the first chat (1 reaction)' in here
    assert "counted" not in here
    assert there.endswith(
        "Reactions in this chat aren't counted: Flock sees them only as an admin of the group."
    )
    assert await flock.rows("select chat_id, bot_admin from attachments order by chat_id") == [
        (SECOND["id"], False),
        (CHAT["id"], True),
    ]


async def test_in_a_tagged_chat_the_recap_holds_the_courses_answers_only(flock: Harness) -> None:
    flock.make_admin(SHARED, ANA)
    flock.make_admin(SHARED, FLOCK)
    await say(flock, SHARED, ANA, "/setup #onb26 tagged Onboarding 2026")
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    opening = await live(flock, "First?", chat=SHARED)
    q1 = next(c for c in opening if c.text.startswith("<b>Q1"))
    await say(flock, SHARED, BEN, "A1 not for the course")
    tagged = await say(flock, SHARED, BEN, "A1 #onb26 with the tag")
    replied = await say(flock, SHARED, MIA, "By replying", reply_to=q1.result)
    await flock.send(react(flock, replied, BEN, "👍"))
    flock.clock.advance(minutes=1)

    end = await flock.tick()

    [recap] = sent(end, SHARED)
    assert recap.splitlines()[1:] == [
        "2 people took part, all for the first time in the course. Welcome!",
        "",
        "<b>Q1</b> First?",
        "2 answered.",
        f'1. <a href="{link(replied)}">Mia</a>: By replying (1 reaction)',
        f'2. <a href="{link(tagged)}">Ben</a>: with the tag',
    ]
    markdown = documents(end, SHARED)[0].files["document"][1].decode()
    assert "not for the course" not in markdown


# /discussion_transcript, the digest, forgetting ---------------------------------------------------------


async def test_facilitators_get_the_latest_transcript_again_and_others_are_refused(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, '/discussion "Weekly" in 1m gap 1m every 1w\nFirst?')
    early = await flock.send(flock.telegram.post(CHAT, ANA, "/discussion_transcript 1"))
    flock.clock.advance(minutes=1)
    await flock.tick()
    await say(flock, CHAT, BEN, "A1 my answer")
    flock.clock.advance(minutes=1)
    await flock.tick()

    refused = await flock.send(flock.telegram.post(CHAT, BEN, "/discussion_transcript 1"))
    in_group = await flock.send(flock.telegram.post(CHAT, ANA, "/discussion_transcript 1"))
    privately = await flock.send(flock.telegram.post(private(ANA), ANA, "/discussion_transcript 1"))
    unknown = await flock.send(flock.telegram.post(private(ANA), ANA, "/discussion_transcript 9"))
    bare = await flock.send(flock.telegram.post(private(ANA), ANA, "/discussion_transcript"))

    assert sent(early) == ["Discussion 1 has no transcript yet: it comes when the discussion ends."]
    assert sent(refused) == ["Only facilitators of #onb26 can do that."]
    for calls in (in_group, privately):
        [document] = [c for c in calls if c.method == "sendDocument"]
        assert document.params["caption"] == "📄 Transcript of “Weekly”"
        assert "- **Ben**: my answer (reactions: 0)" in document.files["document"][1].decode()
    assert sent(unknown) == ["There is no discussion 9. /discussions lists them."]
    assert sent(bare) == ["Give the discussion's number, like /discussion_transcript 3."]


async def test_the_next_digest_has_a_line_per_discussion_that_ended(flock: Harness) -> None:
    await run_two_chats(flock)
    flock.clock.current = flock.clock.current.replace(day=3, hour=8, minute=0)

    calls = await flock.tick()

    [digest] = [c.text for c in calls if c.method == "sendMessage" and c.chat_id == ANA["id"]]
    assert "<b>💬 Discussions</b>\n• “Tips”: 3 took part · 4 answers · 2 first-time voices" in digest


async def test_a_forgotten_persons_answers_replies_and_reactions_leave_later_transcripts(
    flock: Harness,
) -> None:
    await run_two_chats(flock)
    await flock.send(flock.telegram.post(private(MIA), MIA, "/start"))
    asked = next(
        c
        for c in await flock.send(flock.telegram.post(private(MIA), MIA, "/forget_me"))
        if c.method == "sendMessage"
    )
    forget = next(
        b["callback_data"]
        for row in asked.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "Forget me"
    )

    await flock.send(flock.telegram.press(MIA, asked.result, forget))

    [document] = [
        c
        for c in await flock.send(flock.telegram.post(private(ANA), ANA, "/discussion_transcript 1"))
        if c.method == "sendDocument"
    ]
    markdown = document.files["document"][1].decode()
    for gone in ("pair work", "Thanks!", "Love this"):  # her answer, her reply, a reply to her answer
        assert gone not in markdown
    assert "- **Leo**: Sticky notes, always (reactions: 1)" in markdown  # Mia's two are gone
    assert await flock.rows("select count(*) from discussion_replies") == [(0,)]
    assert await flock.rows(
        "select count(*) from discussion_reactions where person_id = :p", p=MIA["id"]
    ) == [(0,)]


async def test_an_answer_edited_into_a_question_keeps_its_first_text_and_stays_an_answer(
    flock: Harness,
) -> None:
    await set_up(flock)
    await live(flock, "First?")
    original = flock.telegram.post(CHAT, BEN, "A1 the wiki")
    await flock.send(original)

    await flock.send(flock.telegram.edit(original, "Where is the wiki again?"))

    assert await flock.rows("select text from discussion_answers") == [("A1 the wiki",)]
    assert await flock.rows("select count(*) from questions") == [(0,)]
