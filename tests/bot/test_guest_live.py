"""A guest session live: ranked batches to the guest, answers relayed, the end and the transcript."""

from __future__ import annotations

import re

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
ADA = user(20, "Ada", "ada_expert")  # the guest
CHAT = group(-1001500, "Onboarding 2026")


async def set_up(flock: Harness, *, guest_opens: bool = True) -> Call:
    """A session starting in 30 minutes for 60; returns its board."""
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    calls = await flock.send(flock.telegram.post(CHAT, ANA, '/guest @ada_expert "Careers in data" in 30m'))
    token = re.search(r"start=guest_([A-Za-z0-9_-]+)", calls[0].text or "".join(c.text for c in calls))
    assert token is not None
    if guest_opens:
        await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token.group(1)}"))
    return next(c for c in calls if c.text.startswith("🎤"))


def to(calls: list[Call], person: JSON) -> list[Call]:
    """Messages to the person; for the guest, only the questions (not reminders)."""
    return [
        c
        for c in calls
        if c.method == "sendMessage"
        and c.chat_id == person["id"]
        and (person is not ADA or not c.text.startswith("⏰"))
    ]


def in_chat(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.chat_id == CHAT["id"] and c.method in ("sendMessage", "sendDocument")]


async def ask_three(flock: Harness) -> JSON:
    """Three questions; the second gets two votes, the third one. Returns Ben's message."""
    bens = flock.telegram.post(CHAT, BEN, "/askguest How did you get your first data job?")
    await flock.send(bens)
    await flock.send(flock.telegram.post(CHAT, CLEO, "/askguest Which tools do you use every day?"))
    asked = await flock.send(flock.telegram.post(private(BEN), BEN, "/askguest 1 anon What do you earn?"))
    board = [c for c in asked if c.method == "editMessageText"][-1]
    buttons = {
        b["text"].split()[0].removeprefix("Q"): b["callback_data"]
        for row in board.params["reply_markup"]["inline_keyboard"]
        for b in row
    }
    board_message = {"message_id": board.params["message_id"], "date": 0, "chat": CHAT}
    for voter, number in ((ANA, "2"), (BEN, "2"), (ANA, "3")):
        await flock.send(flock.telegram.press(voter, board_message, buttons[number]))
    return bens


async def answer(flock: Harness, question: Call, text: str) -> list[Call]:
    return await flock.send(flock.telegram.post(private(ADA), ADA, text, reply_to=question.result))


async def test_at_the_start_the_guest_gets_the_top_questions_by_votes_then_age(flock: Harness) -> None:
    await set_up(flock)
    await ask_three(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/session_batch 1 2"))

    flock.clock.advance(minutes=29)
    early = await flock.tick()
    flock.clock.advance(minutes=1)
    start = await flock.tick()
    again = await flock.tick()

    assert to(early, ADA) == []
    batch = to(start, ADA)
    assert [c.text.split("\n")[0] for c in batch] == [
        "❓ <b>Question 2</b> for “Careers in data” (asked by Cleo):",
        "❓ <b>Question 3</b> for “Careers in data” (asked anonymously):",
    ]
    assert to(again, ADA) == []  # nothing twice while the batch is open
    assert await flock.rows("select phase from guest_sessions") == [("live",)]


async def test_an_answer_is_relayed_to_the_group_as_a_reply_and_to_the_asker(flock: Harness) -> None:
    await set_up(flock)
    bens = await ask_three(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/session_batch 1 3"))
    flock.clock.advance(minutes=30)
    batch = to(await flock.tick(), ADA)
    question_1 = next(c for c in batch if "Question 1" in c.text)

    calls = await answer(flock, question_1, "Through an internship, honestly.")

    assert to(calls, ADA)[0].text.startswith("✅ Thanks")
    (relayed,) = [c for c in in_chat(calls) if "answers" in c.text]
    assert relayed.params["reply_parameters"]["message_id"] == bens["message"]["message_id"]
    assert "Through an internship, honestly." in relayed.text
    assert "Through an internship" in to(calls, BEN)[0].text
    assert await flock.rows("select state, answer from session_questions where number = 1") == [
        ("answered", "Through an internship, honestly.")
    ]


async def test_an_anonymous_private_question_is_answered_under_the_board(flock: Harness) -> None:
    board = await set_up(flock)
    await ask_three(flock)
    flock.clock.advance(minutes=30)
    batch = to(await flock.tick(), ADA)
    anonymous = next(c for c in batch if "anonymously" in c.text)

    calls = await answer(flock, anonymous, "Enough, and it grows with experience.")

    (relayed,) = [c for c in in_chat(calls) if "answers" in c.text]
    assert relayed.params["reply_parameters"]["message_id"] == board.result["message_id"]
    assert "Ben" not in relayed.text


async def test_skip_passes_and_a_message_that_is_not_a_reply_is_explained(flock: Harness) -> None:
    await set_up(flock)
    await ask_three(flock)
    flock.clock.advance(minutes=30)
    batch = to(await flock.tick(), ADA)

    skipped = await answer(flock, batch[0], "/skip")
    loose = await flock.send(flock.telegram.post(private(ADA), ADA, "Hello? Where do I answer?"))

    assert to(skipped, ADA)[0].text == "Skipped."
    assert in_chat(skipped) == []
    assert (
        to(loose, ADA)[0].text
        == "To answer, reply to one of the questions I sent you. /skip as a reply passes."
    )


async def test_the_next_batch_follows_when_the_batch_is_answered(flock: Harness) -> None:
    await set_up(flock)
    await ask_three(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/session_batch 1 2"))
    flock.clock.advance(minutes=30)
    first = to(await flock.tick(), ADA)

    for question in first:
        await answer(flock, question, "An answer.")
    flock.clock.advance(seconds=15)
    second = to(await flock.tick(), ADA)

    assert [c.text.split("\n")[0] for c in second] == [
        "❓ <b>Question 1</b> for “Careers in data” (asked by Ben):"
    ]


async def test_questions_asked_during_the_session_follow_after_ten_minutes(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest First question before the start?"))
    flock.clock.advance(minutes=30)
    await flock.tick()
    await flock.send(flock.telegram.post(CHAT, CLEO, "/askguest A question asked during the session?"))

    flock.clock.advance(minutes=9)
    before = to(await flock.tick(), ADA)
    flock.clock.advance(minutes=1)
    after = to(await flock.tick(), ADA)

    assert before == []
    assert "A question asked during the session?" in after[0].text


async def test_the_end_posts_the_transcript_and_hands_leftovers_to_facilitators(flock: Harness) -> None:
    await set_up(flock)
    await ask_three(flock)
    flock.clock.advance(minutes=30)
    batch = to(await flock.tick(), ADA)
    await answer(flock, next(c for c in batch if "Question 2" in c.text), "Python, SQL and a notebook.")

    flock.clock.advance(minutes=60)
    end = await flock.tick()
    resent = await flock.send(flock.telegram.post(CHAT, BEN, "/transcript 1"))

    (document,) = [c for c in end if c.method == "sendDocument"]
    assert document.chat_id == CHAT["id"]
    markdown = document.files["document"][1].decode()
    assert "## Q2. Which tools do you use every day?" in markdown  # its number on the board
    assert "Python, SQL and a notebook." in markdown
    leftovers = to(end, ANA)[0].text
    assert "got no answer from the guest" in leftovers
    assert "Q1. How did you get your first data job?" in leftovers
    assert "What do you earn? — Ben (anonymously)" in leftovers  # facilitators may know
    assert [c.method for c in resent] == ["sendDocument"]
    assert await flock.rows("select phase from guest_sessions") == [("ended",)]


async def test_an_answer_after_the_end_is_still_relayed_and_joins_the_transcript(flock: Harness) -> None:
    await set_up(flock)
    await ask_three(flock)
    flock.clock.advance(minutes=30)
    batch = to(await flock.tick(), ADA)
    flock.clock.advance(minutes=60)
    await flock.tick()

    calls = await answer(flock, batch[0], "Late, but here it is.")
    resent = await flock.send(flock.telegram.post(CHAT, BEN, "/transcript 1"))

    assert any("Late, but here it is." in c.text for c in in_chat(calls))
    assert "Late, but here it is." in resent[0].files["document"][1].decode()


async def test_a_restart_during_the_session_sends_nothing_twice_to_the_guest(
    flock: Harness, database_url: str
) -> None:
    await set_up(flock)
    await ask_three(flock)
    flock.clock.advance(minutes=30)
    first = to(await flock.tick(), ADA)

    async with Harness(database_url, flock.clock) as restarted:
        flock.clock.advance(seconds=15)
        after = await restarted.tick()

    assert len(first) == 3
    assert to(after, ADA) == []


async def test_a_guest_who_never_opened_the_link_gets_nothing_and_facilitators_get_every_question(
    flock: Harness,
) -> None:
    await set_up(flock, guest_opens=False)
    await ask_three(flock)

    flock.clock.advance(minutes=30)
    start = await flock.tick()
    flock.clock.advance(minutes=60)
    end = await flock.tick()

    assert [c for c in start if c.method == "sendMessage" and c.chat_id == ADA["id"]] == []
    assert "How did you get your first data job?" in to(end, ANA)[0].text


async def test_only_facilitators_end_a_session_early(flock: Harness) -> None:
    await set_up(flock)
    flock.clock.advance(minutes=30)
    await flock.tick()

    refused = await flock.send(flock.telegram.post(CHAT, BEN, "/session_end 1"))
    ended = await flock.send(flock.telegram.post(CHAT, ANA, "/session_end 1"))

    assert [c.text for c in refused if c.method == "sendMessage"] == [
        "Only facilitators of #onb26 can do that."
    ]
    assert next(c.text for c in ended if c.method == "sendMessage").startswith("Ended session 1")
    assert await flock.rows("select phase from guest_sessions") == [("ended",)]


def board_edits(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "editMessageText" and c.chat_id == CHAT["id"]]


async def test_at_the_end_the_board_is_final_and_the_guest_is_thanked(flock: Harness) -> None:
    await set_up(flock)
    await ask_three(flock)
    flock.clock.advance(minutes=30)
    batch = to(await flock.tick(), ADA)
    await answer(flock, next(c for c in batch if "Question 2" in c.text), "Python, SQL and a notebook.")

    flock.clock.advance(minutes=60)
    end = await flock.tick()
    chat = await flock.send(flock.telegram.post(private(ADA), ADA, "Thanks all!"))
    link = await flock.send(flock.telegram.post(private(BEN), BEN, "/start transcript_1"))

    final = board_edits(end)[-1]
    assert "has ended: 1 of 3 questions answered" in final.text
    assert "https://t.me/flock_test_bot?start=transcript_1" in final.text
    assert "Upvote" not in final.text
    assert "Ask your question" not in final.text
    assert "reply_markup" not in final.params or not final.params["reply_markup"]["inline_keyboard"]
    (thanks,) = to(end, ADA)
    assert thanks.text.startswith("🙏 Thank you")
    assert "reply" not in thanks.text.lower()
    (said,) = to(chat, ADA)
    assert "reply to one of the questions" not in said.text
    assert said.text.startswith("🙏 Thank you")
    assert [c.method for c in link if c.method != "getChatMember"] == ["sendDocument"]  # a member


async def test_a_late_answer_updates_the_transcript_the_board_and_the_leftovers(flock: Harness) -> None:
    await set_up(flock)
    await ask_three(flock)
    flock.clock.advance(minutes=30)
    batch = to(await flock.tick(), ADA)
    flock.clock.advance(minutes=60)
    end = await flock.tick()
    (leftovers,) = to(end, ANA)

    calls = await answer(flock, next(c for c in batch if "Question 2" in c.text), "Late, but here it is.")

    (document,) = [c for c in calls if c.method == "sendDocument"]
    assert document.chat_id == CHAT["id"]
    assert "updated with a late answer" in document.params["caption"]
    assert "Late, but here it is." in document.files["document"][1].decode()
    (edited,) = [c for c in calls if c.method == "editMessageText" and c.chat_id == ANA["id"]]
    assert edited.params["message_id"] == leftovers.result["message_id"]
    lines = edited.text.splitlines()
    assert "answered late" in next(line for line in lines if "Which tools do you use every day?" in line)
    assert "answered late" not in next(line for line in lines if "How did you get your first" in line)
    assert "1 of 3 questions answered" in board_edits(calls)[-1].text


async def test_the_markdown_transcript_shows_questions_and_answers_as_typed(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(
        flock.telegram.post(CHAT, BEN, "/askguest Is <b>pip install *</b> OK for my_project_2?\nOr #conda?")
    )
    flock.clock.advance(minutes=30)
    (question,) = to(await flock.tick(), ADA)
    await answer(
        flock,
        question,
        "Use *pip* in a [venv](x) for snake_case_names & <tags>.\n# not a heading\n> nor a quote",
    )

    flock.clock.advance(minutes=60)
    (document,) = [c for c in await flock.tick() if c.method == "sendDocument"]

    markdown = document.files["document"][1].decode()
    assert markdown.startswith("# Careers in data\n\nGuest Q&A with @ada\\_expert for \\#onb26,")
    # One heading line, nothing in it read as emphasis or HTML.
    assert "\n## Q1. Is \\<b\\>pip install \\*\\</b\\> OK for my\\_project\\_2? Or \\#conda?\n" in markdown
    assert (
        "\nUse \\*pip\\* in a \\[venv\\](x) for snake\\_case\\_names & \\<tags\\>.\n"
        "\\# not a heading\n\\> nor a quote\n"
    ) in markdown


async def test_an_edited_question_already_with_the_guest_is_corrected_there_until_answered(
    flock: Harness,
) -> None:
    await set_up(flock)
    bens = flock.telegram.post(CHAT, BEN, "/askguest How did you get your frist data job?")
    await flock.send(bens)
    flock.clock.advance(minutes=30)
    (question,) = to(await flock.tick(), ADA)

    corrected = await flock.send(flock.telegram.edit(bens, "/askguest How did you get your first data job?"))
    await answer(flock, question, "Through an internship.")
    late = await flock.send(flock.telegram.edit(bens, "/askguest And your second one?"))

    (copy,) = [c for c in corrected if c.chat_id == ADA["id"]]
    assert copy.method == "editMessageText"
    assert copy.params["message_id"] == question.result["message_id"]
    assert "How did you get your first data job?" in copy.text
    assert late == []  # answered: the question stays as the guest answered it
    assert await flock.rows("select text, answer from session_questions") == [
        ("How did you get your first data job?", "Through an internship.")
    ]
