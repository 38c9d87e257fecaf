"""/privacy, /forget_me, /forget and course retention: words go, rows and counts stay."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest
from sqlalchemy import String, Text

from bot.recording import Call
from facilitation import privacy
from storage.models import Base
from tests.builders import JSON, group, private, user
from tests.support.cohort import sent, upload, zipped_csv
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitates #onb26
BEN = user(12, "Ben", "ben_b")  # learner in both courses
CLEO = user(13, "Cleo", "cleo_p")  # learner
ZOE = user(15, "Zoe", "zoe_z")  # facilitates #lead26 only
SAM = user(16, "Sam", "sam_s")  # a stranger to both courses
ADA = user(20, "Ada", "ada_expert")  # guest expert
CHAT = group(-1001500, "Onboarding 2026")
OTHER = group(-1001800, "Leadership 2026")
MARKER = "zyzzyva"


async def set_up(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    flock.make_admin(OTHER, ZOE)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(OTHER, ZOE, "/setup #lead26 Leadership 2026"))
    for person in (ANA, ZOE, BEN):
        await flock.send(flock.telegram.post(private(person), person, "/start"))


async def post(flock: Harness, chat: JSON, person: JSON, text: str, **kw: Any) -> JSON:
    update = flock.telegram.post(chat, person, text, **kw)
    await flock.send(update)
    return update


async def bens_words(flock: Harness) -> JSON:
    """Ben introduces himself, asks and answers in both courses; Cleo quotes him. Returns his
    question in #onb26."""
    await post(flock, CHAT, BEN, f"#intro Hi, I'm Ben and I keep {MARKER} beetles.")
    await post(flock, OTHER, BEN, f"#intro Ben again, the {MARKER} person.")
    question = await post(flock, CHAT, BEN, f"How do I feed a {MARKER} at home?")
    await post(flock, OTHER, BEN, f"Is the {MARKER} module required for everyone?")
    slides = await post(flock, CHAT, CLEO, "Where are the slides for day one?")
    await post(flock, CHAT, BEN, f"On the {MARKER} drive, folder one.", reply_to=slides["message"])
    await post(flock, CHAT, CLEO, "Fresh leaves, I think.", reply_to=question["message"])
    return question


async def snapshot(flock: Harness) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the inbox (each update lands there, whatever it does)."""
    tables = [t.name for t in Base.metadata.sorted_tables if t.name != "inbox"]
    return {name: sorted(await flock.rows(f"select * from {name}"), key=repr) for name in tables}


async def traces(flock: Harness, word: str) -> list[str]:
    """Every text column of every table that still holds the word."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                sql = f"select count(*) from {table.name} where lower({column.name}) like :pattern"
                if (await flock.rows(sql, pattern=f"%{word}%"))[0][0]:
                    found.append(f"{table.name}.{column.name}")
    return found


def buttons(call: Call) -> dict[str, str]:
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in keyboard for b in row}


def toasts(calls: list[Call]) -> list[str]:
    return [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]


def edits(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.method == "editMessageText"]


async def prompt(flock: Harness, chat: JSON, person: JSON, text: str, **kw: Any) -> Call:
    calls = await flock.send(flock.telegram.post(chat, person, text, **kw))
    [asked] = [c for c in calls if c.method == "sendMessage"]
    assert "reply_markup" in asked.params, asked.text
    return asked


async def stats_and_export(flock: Harness) -> tuple[str, list[int]]:
    """Ana's /stats reply and the number of rows of each CSV in her export."""
    stats = await flock.replies(flock.telegram.post(private(ANA), ANA, "/stats all"))
    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/export"))
    [document] = sent(calls, "sendDocument")
    archive = zipfile.ZipFile(io.BytesIO(upload(document, "document")[1]))
    counts = [len(zipped_csv(archive, name)) for name in ("questions.csv", "learners.csv")]
    return stats[0], counts


async def test_privacy_says_what_is_stored_who_sees_it_and_how_to_remove_it(flock: Harness) -> None:
    await set_up(flock)

    [explained] = await flock.replies(flock.telegram.post(private(BEN), BEN, "/privacy"))
    [short] = await flock.replies(flock.telegram.post(CHAT, BEN, "/privacy"))

    for expected in ("Introductions", "Questions and answers", "7 days", "facilitators", "/export"):
        assert expected in explained
    assert "/settings retention 90d" in explained
    assert "/forget_me" in explained
    assert "/forget" in explained
    assert "Former learner" in explained
    assert "t.me/" in short
    assert "/forget_me" in short
    assert len(short) < len(explained) / 2


async def test_forget_me_in_a_group_points_to_a_private_chat_and_changes_nothing(flock: Harness) -> None:
    await set_up(flock)
    await bens_words(flock)
    before = await snapshot(flock)

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "/forget_me"))

    [answer] = [c for c in calls if c.method == "sendMessage"]
    assert answer.chat_id == CHAT["id"]
    assert "reply_markup" not in answer.params
    assert "privately" in answer.text
    assert "Nothing was changed." in answer.text
    assert await snapshot(flock) == before


async def test_cancelling_forget_me_changes_nothing(flock: Harness) -> None:
    await set_up(flock)
    await bens_words(flock)
    before = await snapshot(flock)
    asked = await prompt(flock, private(BEN), BEN, "/forget_me")

    calls = await flock.send(flock.telegram.press(BEN, asked.result, buttons(asked)["Cancel"]))

    assert list(buttons(asked)) == ["Forget me", "Cancel"]
    assert "2 introductions, 2 questions and 1 answer" in asked.text
    assert "can't be undone" in asked.text
    assert edits(calls) == ["Cancelled. Nothing was removed."]
    assert await snapshot(flock) == before


async def test_forget_me_leaves_no_trace_of_their_words_but_every_count(flock: Harness) -> None:
    await set_up(flock)
    await bens_words(flock)
    flock.clock.advance(hours=2)
    await flock.tick()  # Ben's #lead26 question is overdue: the alert to Zoe copies its text
    counted = await stats_and_export(flock)
    assert "questions.text" in await traces(flock, MARKER)
    assert "outbox.payload" in await traces(flock, MARKER)
    asked = await prompt(flock, private(BEN), BEN, "/forget_me")

    calls = await flock.send(flock.telegram.press(BEN, asked.result, buttons(asked)["Forget me"]))

    assert edits(calls) == [
        "Done. Removed 2 introductions, 2 questions and 1 answer. You now appear as “Former learner”. "
        "If you post in a course again, I'll store that like anything new."
    ]
    assert await traces(flock, MARKER) == []
    assert await traces(flock, "ben_b") == []
    assert await flock.rows("select name, username from people where id = 12") == [("Former learner", None)]
    assert await flock.rows("select count(*) from introductions where person_id = 12") == [(0,)]
    assert await flock.rows("select count(*) from questions where asker_id = 12") == [(0,)]
    former = "select q.text, p.name from questions q join people p on p.id = q.asker_id where p.id < 0"
    assert await flock.rows(former) == [("[removed]", "Former learner")] * 2  # kept, but no longer his
    assert await flock.rows("select count(*) from answers") == [(2,)]
    stats, rows = counted  # the same numbers; only the helper's name changed
    renamed = stats.replace("helpers: Ben (1), Cleo (1)", "helpers: Cleo (1), Former learner (1)")
    assert await stats_and_export(flock) == (renamed, rows)
    assert await flock.rows("select text from questions where asker_id = 13") == [
        ("Where are the slides for day one?",)
    ]


async def test_after_forget_me_a_new_message_stores_the_name_again(flock: Harness) -> None:
    await set_up(flock)
    await bens_words(flock)
    asked = await prompt(flock, private(BEN), BEN, "/forget_me")
    await flock.send(flock.telegram.press(BEN, asked.result, buttons(asked)["Forget me"]))
    forgotten = await flock.rows("SELECT name, username FROM people WHERE id = :id", id=BEN["id"])

    await post(flock, CHAT, BEN, "Hello again, everyone!")

    assert forgotten == [("Former learner", None)]
    assert await flock.rows("SELECT name, username FROM people WHERE id = :id", id=BEN["id"]) == [
        ("Ben", "ben_b")
    ]


async def test_forget_me_removes_guest_session_questions_and_rewrites_the_transcript(flock: Harness) -> None:
    await set_up(flock)
    calls = await flock.send(flock.telegram.post(CHAT, ANA, '/guest @ada_expert "Careers in data" in 30m'))
    token = re.search(r"start=guest_([A-Za-z0-9_-]+)", "".join(c.text for c in calls))
    assert token is not None
    await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token.group(1)}"))
    await post(flock, CHAT, BEN, f"/askguest How did you start with {MARKER} data_sets, *really*?")
    flock.clock.advance(minutes=30)
    [batch] = [c for c in (await flock.tick()) if c.chat_id == ADA["id"] and MARKER in c.text]
    await flock.send(flock.telegram.post(private(ADA), ADA, "By accident, in a lab.", reply_to=batch.result))
    flock.clock.advance(minutes=60)
    await flock.tick()
    assert "guest_sessions.transcript" in await traces(flock, MARKER)
    asked = await prompt(flock, private(BEN), BEN, "/forget_me")

    calls = await flock.send(flock.telegram.press(BEN, asked.result, buttons(asked)["Forget me"]))

    assert "Removed 1 guest-session question." in edits(calls)[0]
    assert await traces(flock, MARKER) == []
    [(transcript,)] = await flock.rows("select transcript from guest_sessions")
    assert "## Q1. [removed]" in transcript
    assert "By accident, in a lab." in transcript
    assert "*Asked by Former learner*" in transcript


async def test_a_facilitator_forgets_a_learner_in_their_course_only(flock: Harness) -> None:
    await set_up(flock)
    question = await bens_words(flock)
    asked = await prompt(flock, CHAT, ANA, "/forget", reply_to=question["message"])

    calls = await flock.send(flock.telegram.press(ANA, asked.result, buttons(asked)["Forget Ben"]))

    assert "<b>Forget Ben in #onb26?</b>" in asked.text
    assert "1 introduction, 1 question and 1 answer" in asked.text
    assert edits(calls) == ["Done. Removed Ben's words from #onb26: 1 introduction, 1 question and 1 answer."]
    assert await flock.rows("select text from questions where asker_id = 12 order by id") == [
        ("[removed]",),
        (f"Is the {MARKER} module required for everyone?",),
    ]
    assert await flock.rows("select text from introductions where person_id = 12") == [
        (f"Ben again, the {MARKER} person.",)
    ]
    assert await flock.rows("select name, username from people where id = 12") == [("Ben", "ben_b")]
    [(cleos_reply,)] = await flock.rows("select payload from inbox where payload like '%Fresh leaves%'")
    assert MARKER not in cleos_reply  # the quoted question, scrubbed from the raw update


async def test_a_facilitator_forgets_by_username_in_private_with_the_course_hashtag(flock: Harness) -> None:
    await set_up(flock)
    await bens_words(flock)
    asked = await prompt(flock, private(ZOE), ZOE, "/forget @ben_b #lead26")

    calls = await flock.send(flock.telegram.press(ZOE, asked.result, buttons(asked)["Forget Ben"]))

    assert edits(calls) == ["Done. Removed Ben's words from #lead26: 1 introduction and 1 question."]
    sql = "select course_id, text = '[removed]' from questions where asker_id = 12 order by course_id"
    assert await flock.rows(sql) == [
        (1, False),
        (2, True),
    ]


@pytest.mark.parametrize(
    ("chat", "person", "text", "refusal"),
    [
        (CHAT, CLEO, "/forget", "Only facilitators of #onb26 can do that."),
        (CHAT, ZOE, "/forget", "Only facilitators of #onb26 can do that."),
        (private(ZOE), ZOE, "/forget @ben_b #onb26", "You don't facilitate #onb26."),
        (private(SAM), SAM, "/forget @ben_b", "You don't facilitate any course."),
        (private(ANA), ANA, "/forget", "Reply to a learner's message with /forget"),
        (private(ANA), ANA, "/forget @nobody_here", "I haven't seen @nobody_here yet."),
    ],
)
async def test_forget_is_refused_politely_and_changes_nothing(
    flock: Harness, chat: JSON, person: JSON, text: str, refusal: str
) -> None:
    await set_up(flock)
    question = await bens_words(flock)
    before = await snapshot(flock)
    reply_to = question["message"] if chat is CHAT else None

    replies = await flock.replies(flock.telegram.post(chat, person, text, reply_to=reply_to))

    assert len(replies) == 1
    assert replies[0].startswith(refusal)
    assert await snapshot(flock) == before


async def test_only_a_facilitator_of_the_course_can_press_forget_and_only_the_owner_forget_me(
    flock: Harness,
) -> None:
    await set_up(flock)
    question = await bens_words(flock)
    asked = await prompt(flock, CHAT, ANA, "/forget", reply_to=question["message"])
    mine = await prompt(flock, private(BEN), BEN, "/forget_me")
    before = await snapshot(flock)

    pressed = [
        await flock.send(flock.telegram.press(person, asked.result, buttons(asked)[label]))
        for person, label in ((CLEO, "Forget Ben"), (ZOE, "Forget Ben"), (CLEO, "Cancel"))
    ]
    forged = await flock.send(flock.telegram.press(CLEO, mine.result, buttons(mine)["Forget me"]))
    cancelled = await flock.send(flock.telegram.press(ANA, asked.result, buttons(asked)["Cancel"]))

    assert [toasts(calls) for calls in pressed] == [["Only facilitators of #onb26 can do that."]] * 3
    assert toasts(forged) == ["This button isn't for you."]
    assert [edits(calls) for calls in (*pressed, forged)] == [[]] * 4
    assert edits(cancelled) == ["Cancelled. Nothing was removed."]
    assert await snapshot(flock) == before


async def test_retention_purges_old_texts_from_the_tick_in_bounded_batches(
    flock: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(privacy, "PURGE_ROWS", 2)
    await set_up(flock)
    for n in range(5):
        await post(flock, CHAT, BEN, f"Old question number {n}, where is the form?")
    flock.clock.advance(days=31)
    await post(flock, CHAT, CLEO, "Fresh question: where is the new form?")
    [changed] = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings retention 30d"))

    purged = []
    for _ in range(4):
        await flock.tick()
        purged.append((await flock.rows("select count(*) from questions where text = '[removed]'"))[0][0])
    flock.clock.advance(days=30, minutes=1)  # the fresh question is past 30 days now
    await flock.tick()
    everything = await flock.rows("select count(*) from questions where text = '[removed]'")

    assert changed.endswith("detect auto · retention 30d")
    assert purged == [2, 4, 5, 5]
    assert everything == [(6,)]
    assert await flock.rows("select count(*) from questions") == [(6,)]


async def test_retention_off_keeps_texts_and_a_bad_value_is_explained(flock: Harness) -> None:
    await set_up(flock)
    await post(flock, CHAT, BEN, "Old question, where is the signup form?")
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings retention 30d"))
    [off] = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings retention off"))
    [bad] = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings retention 12h"))
    [not_theirs] = await flock.replies(flock.telegram.post(CHAT, CLEO, "/settings retention 1d"))

    flock.clock.advance(days=60)
    await flock.tick()

    assert off.endswith("detect auto")  # retention shows only while on
    assert bad == "Retention is a number of days from 1 to 3650, like 90d, or off."
    assert not_theirs == "Only facilitators of #onb26 can do that."
    assert await flock.rows("select text from questions") == [("Old question, where is the signup form?",)]


LENA = user(17, "Lena", "lena_k")  # learner who asks to be forgotten


async def test_after_forget_me_a_new_post_starts_a_new_history_and_erased_rows_stay_anonymous(
    flock: Harness,
) -> None:
    await set_up(flock)
    for person in (CLEO, LENA):
        await flock.send(flock.telegram.post(private(person), person, "/start"))
    await post(flock, CHAT, LENA, "#intro Hi, I'm Lena from the data team.")
    await post(flock, CHAT, LENA, "Where do I find the onboarding checklist?")
    slides = await post(flock, CHAT, CLEO, "Where are the slides for day one?")
    await post(flock, CHAT, LENA, "They are in the shared drive, folder one.", reply_to=slides["message"])
    await post(flock, CHAT, LENA, "Thanks, see you all at the kickoff then.")
    flock.clock.advance(hours=2)
    await flock.tick()  # her question is overdue: the alert to Ana names her
    assert "outbox.payload" in await traces(flock, "lena")
    asked = await prompt(flock, private(LENA), LENA, "/forget_me")
    confirmed = flock.telegram.press(LENA, asked.result, buttons(asked)["Forget me"])
    await flock.send(confirmed)

    await post(flock, CHAT, LENA, "Hello again, everyone!")

    [roster] = await flock.replies(flock.telegram.post(private(ANA), ANA, "/roster #onb26"))
    [waiting] = await flock.replies(flock.telegram.post(CHAT, CLEO, "/questions"))
    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/export"))
    [document] = sent(calls, "sendDocument")
    archive = zipfile.ZipFile(io.BytesIO(upload(document, "document")[1]))
    questions = zipped_csv(archive, "questions.csv")
    assert "Former learner (4 posts)" in roster
    assert "Lena (1 post)" in roster
    assert "Former learner" in waiting
    assert "Lena" not in waiting
    assert [(row["asker_name"], row["question"]) for row in questions if row["question"] == "[removed]"] == [
        ("Former learner", "[removed]")
    ]
    assert "Lena" not in str(questions)
    assert await traces(flock, "lena") == ["inbox.payload", "people.name", "people.username"]
    named = await flock.rows("select update_id from inbox where lower(payload) like '%lena%'")
    assert min(update_id for (update_id,) in named) > confirmed["update_id"]  # only what came after
    outbox = await flock.rows("select kind, payload from outbox")
    stored = {kind: json.loads(payload) for kind, payload in outbox}
    assert (stored["alert"]["asker"], stored["alert"]["text"]) == ("Former learner", "[removed]")
    assert stored["followup"]["answerer"] == "Former learner"  # to Cleo, about Lena's answer
    assert stored["followup"]["text"] == "Where are the slides for day one?"
    assert await flock.rows("select name, username from people where id = :id", id=LENA["id"]) == [
        ("Lena", "lena_k")
    ]
    assert await flock.rows("select posts from learners where person_id = :id", id=LENA["id"]) == [(1,)]
