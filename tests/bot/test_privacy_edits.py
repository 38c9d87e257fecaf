"""An edit of a message whose words were forgotten or purged brings none of them back.

Forgetting (/forget_me, /forget) and course retention keep the rows of questions, answers and
guest questions with their texts "[removed]", and their messages' ids: Telegram still sends an
edit of such a message. The edit changes nothing stored, indexes nothing, quotes nothing
anywhere, and says nothing in chat.
"""

from __future__ import annotations

import re

import pytest

from bot.recording import Call
from tests.bot.test_held_writes import without_holding
from tests.bot.test_privacy import ANA, BEN, CHAT, CLEO, MARKER, buttons, post, prompt, traces
from tests.builders import JSON, private, user
from tests.support.harness import Harness

DAN = user(14, "Dan", "dan_d")  # asks the same again, after the edits
ADA = user(20, "Ada", "ada_expert")  # guest expert
NEW = "quokka"  # a word only the edits bring


async def set_up(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    for person in (ANA, BEN, DAN):
        await flock.send(flock.telegram.post(private(person), person, "/start"))


async def forget_ben(flock: Harness, how: str, his_question: JSON) -> None:
    if how == "forget_me":
        asked = await prompt(flock, private(BEN), BEN, "/forget_me")
        pressed = flock.telegram.press(BEN, asked.result, buttons(asked)["Forget me"])
    else:  # a facilitator's /forget, in reply to one of his messages
        asked = await prompt(flock, CHAT, ANA, "/forget", reply_to=his_question["message"])
        pressed = flock.telegram.press(ANA, asked.result, buttons(asked)["Forget Ben"])
    calls = await flock.send(pressed)
    assert next(c.text for c in calls if c.method == "editMessageText").startswith("Done. Removed")


async def texts_at(flock: Harness, table: str, *updates: JSON) -> list[str]:
    ids = [u["message"]["message_id"] for u in updates]
    rows = await flock.rows(f"select message_id, text from {table} where chat_id = :chat", chat=CHAT["id"])
    return [text for message_id, text in sorted(rows) if message_id in ids]


async def search(flock: Harness, person: JSON, words: str) -> str:
    [found] = await flock.replies(flock.telegram.post(CHAT, person, f"/search {words}"))
    return found


def quoting(calls: list[Call], *words: str) -> list[str]:
    """What was sent or edited that quotes any of the words."""
    said = [str(c.params) for c in calls]
    return [s for s in said if any(word.lower() in s.lower() for word in words)]


@pytest.mark.parametrize(
    ("how", "writes"), [("forget_me", "held"), ("forget_me", "direct"), ("forget", "held")]
)
async def test_edits_after_forgetting_keep_the_words_removed(
    flock: Harness, monkeypatch: pytest.MonkeyPatch, how: str, writes: str
) -> None:
    if writes == "direct":
        without_holding(monkeypatch)
    await set_up(flock)
    asked = await post(flock, CHAT, BEN, f"How do I feed a {MARKER} at home?")
    await post(flock, CHAT, CLEO, "Fresh leaves, I think.", reply_to=asked["message"])
    slides = await post(flock, CHAT, CLEO, "Where are the slides for day one?")
    answer = await post(flock, CHAT, BEN, f"On the {MARKER} drive, folder one.", reply_to=slides["message"])
    waiting = await post(flock, CHAT, BEN, f"Who signs the {MARKER} permit form?")
    flock.clock.advance(hours=2)
    await flock.tick()  # his open question is overdue: Ana has an alert about it
    await forget_ben(flock, how, asked)
    states = await flock.rows("select message_id, state from questions order by id")

    # One batch: the snapshot sees the edits before Dan asks what Ben's question asked.
    dans = flock.telegram.post(CHAT, DAN, f"How do I feed a {MARKER} at home?")
    edited = await flock.send(
        flock.telegram.edit(asked, f"How do I feed a {MARKER} {NEW} at home?"),
        flock.telegram.edit(answer, f"On the {MARKER} {NEW} drive, folder two."),
        flock.telegram.edit(waiting, f"Never mind, found the {MARKER} {NEW} form."),
        dans,
    )
    flock.clock.advance(hours=2)
    later = await flock.tick()

    assert await texts_at(flock, "questions", asked, waiting) == ["[removed]", "[removed]"]
    assert await texts_at(flock, "answers", answer) == ["[removed]"]
    # His waiting question is not withdrawn by an edit of words no longer his; Dan's is asked.
    dans_state = (dans["message"]["message_id"], "open")
    assert await flock.rows("select message_id, state from questions order by id") == [*states, dans_state]
    # The edits' raw updates are in the inbox like anything sent after forgetting; nothing else.
    assert await traces(flock, NEW) == ["inbox.payload"]
    assert await traces(flock, "permit") == []
    # Dan's question has its 👀 and, later, its alert; no earlier answer is offered him. Ben's
    # waiting question is still waiting, as it reads now.
    assert [(c.method, c.chat_id) for c in edited] == [("setMessageReaction", CHAT["id"])]
    reminder, dans_alert = later
    assert (reminder.chat_id, dans_alert.chat_id) == (ANA["id"], ANA["id"])
    assert reminder.text.startswith("⏰ <b>Reminder: still unanswered in #onb26</b>")
    assert reminder.text.endswith(f'/{waiting["message"]["message_id"]}">“[removed]”</a>')
    assert quoting(edited + later, NEW) == []
    assert (await search(flock, CLEO, NEW)).startswith("Nothing found")
    assert (await search(flock, CLEO, "permit form")).startswith("Nothing found")


async def test_edits_after_a_retention_purge_keep_the_texts_removed(flock: Harness) -> None:
    await set_up(flock)
    asked = await post(flock, CHAT, BEN, f"How do I feed a {MARKER} at home?")
    answer = await post(flock, CHAT, CLEO, f"The {MARKER} eats fresh leaves.", reply_to=asked["message"])
    intro = await post(flock, CHAT, BEN, f"#intro Hi, I'm Ben and I keep {MARKER} beetles.")
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings retention 30d"))
    flock.clock.advance(days=31)
    await flock.tick()

    edited = await flock.send(
        flock.telegram.edit(asked, f"How do I feed a {NEW} at home?"),
        flock.telegram.edit(answer, f"The {NEW} eats fresh leaves."),
        flock.telegram.edit(intro, f"#intro Hi, I'm Ben and I keep {NEW} beetles."),
    )

    assert await texts_at(flock, "questions", asked) == ["[removed]"]
    assert await texts_at(flock, "answers", answer) == ["[removed]"]
    assert await texts_at(flock, "introductions", intro) == ["[removed]"]
    assert await traces(flock, NEW) == ["inbox.payload"]
    assert edited == []
    assert (await search(flock, CLEO, NEW)).startswith("Nothing found")


async def test_an_edited_guest_question_after_forget_me_stays_removed_on_the_board(flock: Harness) -> None:
    await set_up(flock)
    calls = await flock.send(flock.telegram.post(CHAT, ANA, '/guest @ada_expert "Careers in data" in 30m'))
    token = re.search(r"start=guest_([A-Za-z0-9_-]+)", "".join(c.text for c in calls))
    assert token is not None
    await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token.group(1)}"))
    asked = await post(flock, CHAT, BEN, f"/askguest How did you start with {MARKER} data?")
    await forget_ben(flock, "forget_me", asked)

    edited = await flock.send(flock.telegram.edit(asked, f"/askguest How did you start with {NEW} data?"))
    flock.clock.advance(minutes=30)
    live = await flock.tick()  # the session opens: the guest's first batch

    assert await flock.rows("select text, normalized from session_questions") == [("[removed]", "[removed]")]
    assert await traces(flock, NEW) == ["inbox.payload"]
    assert edited == []
    assert quoting(live, NEW) == []
