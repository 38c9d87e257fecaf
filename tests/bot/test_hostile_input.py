"""Hostile input through the real Application: every command and message survives the corpus.

"Survives" means: nothing raises out of a handler (no error logged, no apology sent), a command
always answers something, every reply is HTML Telegram accepts and fits a message, and a command
that fails changes nothing (a failed /settings leaves the course row as it was).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import texts
from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.corpus import entries, short_entries, storage_sensitive
from tests.support.harness import Harness
from tests.support.telegram_html import CAPTION_LIMIT, Rejected, visible_text

ANA = user(11, "Ana", "ana_f")  # facilitator of #onb26
BEN = user(12, "Ben")  # learner
ADA = user(20, "Ada", "ada_expert")  # guest of session 1
CHAT = group(-1001500, "Onboarding 2026")

# (who, where, template): {} is the hostile text. Destructive commands come last, so the
# others meet a course with a live session to parse against.
GROUP_COMMANDS = [
    (ANA, "/settings {}"),
    (ANA, "/settings sla {}"),
    (ANA, "/settings timezone {}"),
    (ANA, "/settings quiet {}"),
    (ANA, "/settings digest {}"),
    (ANA, "/settings detect {}"),
    (ANA, "/setup {}"),
    (ANA, "/setup #onb26 {}"),
    (ANA, "/course {}"),
    (ANA, "/facilitator {}"),
    (ANA, "/facilitator add {}"),
    (ANA, "/facilitator remove {}"),
    (ANA, "/facilitators {}"),
    (BEN, "/ask {}"),
    (BEN, "/intro {}"),
    (BEN, "/solved {}"),
    (ANA, "/dismiss {}"),
    (BEN, "/questions {}"),
    (ANA, "/roster {}"),
    (ANA, "/digest {}"),
    (ANA, "/stats {}"),
    (ANA, "/unanswered {}"),
    (ANA, "/guest {}"),
    (ANA, '/guest @ada_expert "{}" tomorrow 15:00'),
    (ANA, '/guest @ada_expert "Careers" {}'),
    (ANA, '/guest @ada_expert "Careers" tomorrow 15:00 {}'),
    (ANA, "/sessions {}"),
    (ANA, "/session_move {}"),
    (ANA, "/session_move 1 {}"),
    (ANA, "/session_hide {}"),
    (ANA, "/session_hide 1 {}"),
    (ANA, "/session_batch {}"),
    (ANA, "/session_batch 1 {}"),
    (BEN, "/askguest {}"),
    (BEN, "/askguest 1 {}"),
    (ANA, "/transcript {}"),
    (ANA, "/alerts_here {}"),
    (ANA, "/discussion {}"),
    (ANA, '/discussion "{}" tomorrow 19:00\nQ?'),
    (ANA, '/discussion "Tips" {}\nQ?'),
    (ANA, '/discussion "Tips" tomorrow 19:00\n{}'),
    (ANA, "/discussions {}"),
    (ANA, "/discussion_prompts 1\n{}"),
    (ANA, "/discussion_move 1 {}"),
    (ANA, "/discussion_cancel {}"),
    (BEN, "/help {}"),
    (BEN, "/start {}"),
    (BEN, "/mine {}"),
    (BEN, "/export {}"),
    (ANA, "/session_end {}"),
    (ANA, "/session_cancel {}"),
    (ANA, "/detach {}"),
]
PRIVATE_COMMANDS = [
    (BEN, "/start {}"),
    (BEN, "/start guest_{}"),
    (BEN, "/start ask_{}"),
    (BEN, "/intro {}"),
    (BEN, "/mine {}"),
    (BEN, "/askguest {}"),
    (BEN, "/askguest 1 anon {}"),
    (ANA, "/settings {}"),
    (ANA, "/settings sla {}"),
    (ANA, "/stats {}"),
    (ANA, "/export {}"),
    (ANA, "/roster {}"),
    (ANA, "/digest {}"),
    (ANA, "/unanswered {}"),
    (ANA, "/facilitators {}"),
    (ANA, "/sessions {}"),
    (ADA, "{}"),
    (ADA, "/skip {}"),
    (BEN, "{}"),
]
# Templates whose hostile part is free text: these also get the 100k-character giants.
FREE_TEXT = {
    "/ask {}",
    "/intro {}",
    "/askguest {}",
    "/settings {}",
    '/guest @ada_expert "{}" tomorrow 15:00',
} | {'/discussion "Tips" tomorrow 19:00\n{}'}
POSTS = ["{}", "#q {}", "#intro {}", "{} #solved"]


async def set_up(flock: Harness) -> None:
    """#onb26 in CHAT run by Ana, a question from Ben, and session 1 with Ada live."""
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(CHAT, BEN, "How do I reset my portal password?"))
    calls = await flock.send(flock.telegram.post(CHAT, ANA, '/guest @ada_expert "Careers" in 1h 90m'))
    token = next(w for c in calls for w in c.text.split() if "start=guest_" in w).split("start=")[1]
    await flock.send(flock.telegram.post(private(ADA), ADA, f"/start {token}"))
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest What should I learn first?"))


def failures_of(calls: list[Call], expect_answer: bool) -> list[str]:
    problems = []
    said = [c for c in calls if c.method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto")]
    if expect_answer and not said and not any(c.method == "setMessageReaction" for c in calls):
        problems.append("no answer")
    for call in said:
        if call.text == texts.SOMETHING_WRONG:
            problems.append("apology: a handler raised")
        try:
            if call.method in ("sendMessage", "editMessageText"):
                visible_text(call.text)
            elif call.params.get("caption"):
                visible_text(str(call.params["caption"]), CAPTION_LIMIT)
        except Rejected as rejected:
            problems.append(f"Telegram would refuse it: {rejected}")
    return problems


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = [f"{r.name}: {r.getMessage()[:200]}" for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()
    return found


async def run_corpus(
    flock: Harness,
    caplog: pytest.LogCaptureFixture,
    commands: Iterable[tuple[JSON, str]],
    chat_of: dict[int, JSON],
    sqlite: bool,
) -> list[str]:
    failures = []
    for person, template in commands:
        chat = chat_of[person["id"]]
        inputs = entries() if template in FREE_TEXT else short_entries()
        if not sqlite:
            inputs = storage_sensitive(inputs)
        for hostile in inputs:
            text = template.format(hostile)
            calls = await flock.send(flock.telegram.post(chat, person, text))
            problems = failures_of(calls, expect_answer=text.startswith("/") or person is ADA)
            problems += errors_logged(caplog)
            failures += [f"{text[:60]!r} from {person['first_name']}: {p}" for p in problems]
    return failures


@pytest.mark.slow
async def test_every_group_command_survives_the_corpus(
    flock: Harness, caplog: pytest.LogCaptureFixture, database_url: str
) -> None:
    await set_up(flock)
    caplog.clear()

    chats = {p["id"]: CHAT for p in (ANA, BEN)}
    failures = await run_corpus(flock, caplog, GROUP_COMMANDS, chats, database_url.startswith("sqlite"))

    assert not failures, "\n".join(failures)


@pytest.mark.slow
async def test_every_private_command_survives_the_corpus(
    flock: Harness, caplog: pytest.LogCaptureFixture, database_url: str
) -> None:
    await set_up(flock)
    caplog.clear()

    chats = {p["id"]: private(p) for p in (ANA, BEN, ADA)}
    failures = await run_corpus(flock, caplog, PRIVATE_COMMANDS, chats, database_url.startswith("sqlite"))

    assert not failures, "\n".join(failures)


SETTINGS_KEYS = ["sla", "timezone", "quiet", "digest", "detect", "nonsense"]


@pytest.mark.slow
async def test_a_refused_setting_leaves_the_course_row_as_it_was(
    flock: Harness, caplog: pytest.LogCaptureFixture, database_url: str
) -> None:
    await set_up(flock)
    changed_anyway = []
    inputs = short_entries() if database_url.startswith("sqlite") else storage_sensitive(short_entries())

    for key in SETTINGS_KEYS:
        for hostile in inputs:
            before = await flock.rows("select * from courses order by id")
            answer = (await flock.replies(flock.telegram.post(CHAT, ANA, f"/settings {key} {hostile}")))[0]
            after = await flock.rows("select * from courses order by id")
            if not answer.startswith("Updated") and before != after:
                changed_anyway.append(f"/settings {key} {hostile!r}")

    assert changed_anyway == []
    assert errors_logged(caplog) == []


# Arbitrary text, any code point (lone surrogates too), through a sample of commands.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
SAMPLED = [
    (ANA, CHAT, "/settings {}"),
    (ANA, CHAT, "/settings sla {}"),
    (ANA, CHAT, '/guest @ada_expert "{}" tomorrow 15:00'),
    (ANA, CHAT, "/guest {}"),
    (ANA, CHAT, "/session_hide {}"),
    (ANA, CHAT, "/facilitator add {}"),
    (BEN, CHAT, "/ask {}"),
    (BEN, CHAT, "/askguest {}"),
    (BEN, CHAT, "{}"),
    (BEN, private(BEN), "/intro {}"),
    (BEN, private(BEN), "/start {}"),
    (ADA, private(ADA), "{}"),
]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT, sample=st.sampled_from(SAMPLED))
async def test_arbitrary_text_through_a_sample_of_commands(
    flock: Harness, caplog: pytest.LogCaptureFixture, text: str, sample: tuple[JSON, JSON, str]
) -> None:
    person, chat, template = sample
    if not await flock.rows("select id from courses"):  # the database outlives each example
        await set_up(flock)
    caplog.clear()
    update = flock.telegram.post(chat, person, template.format(text))

    calls = await flock.send(update)

    assert failures_of(calls, expect_answer=template.startswith("/") or person is ADA) == []
    assert errors_logged(caplog) == []


# Each of these broke before the fix that came with it.


async def test_a_lone_surrogate_or_nul_reaches_the_inbox_and_is_tracked(flock: Harness) -> None:
    """Found by the corpus: "\\ud800" made the whole getUpdates batch unstorable (UTF-8 can't
    encode it), so polling would have fetched it forever; PostgreSQL refuses "\\x00" in text."""
    await set_up(flock)

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "#q Why does \ud800 break and \x00 too?"))

    assert [c.method for c in calls] == ["setMessageReaction"]
    stored = await flock.rows("select text from questions order by id desc limit 1")
    assert stored == [("Why does \ufffd break and \ufffd too?",)]
    assert await flock.rows("select count(*) from inbox where processed_at is null") == [(0,)]


@pytest.mark.parametrize(
    "command", ["/session_cancel ²", "/session_end ①", "/session_hide 1 ²", "/session_batch 1 ①"]
)
async def test_digits_that_are_not_ascii_get_the_usage_not_an_apology(flock: Harness, command: str) -> None:
    """Found by the corpus: str.isdigit() accepts "²", int() then raised ValueError."""
    await set_up(flock)

    answer = await flock.replies(flock.telegram.post(CHAT, ANA, command))

    assert len(answer) == 1
    assert answer[0].startswith(("Give the session number", "Usage:"))


async def test_an_ask_link_with_a_huge_or_odd_number_explains_instead_of_failing(flock: Harness) -> None:
    """Found by the corpus: /start ask_99999999999999999999999999 overflowed the database integer."""
    await set_up(flock)

    answers = [
        await flock.replies(flock.telegram.post(private(BEN), BEN, f"/start ask_{n}"))
        for n in ("99999999999999999999999999", "²")
    ]

    assert all(len(a) == 1 and a[0] != texts.SOMETHING_WRONG for a in answers)


async def test_a_huge_hashtag_is_not_echoed_back_whole(flock: Harness) -> None:
    """Found by the corpus: "You don't facilitate #aaaa…" repeated a 100,000-character tag."""
    await set_up(flock)

    answer = await flock.replies(flock.telegram.post(private(ANA), ANA, "/settings #" + "a" * 100_000))

    assert answer[0].startswith("You don't facilitate #aaa")
    assert len(answer[0]) < 200


async def test_a_guest_session_far_in_the_future_is_refused_kindly(flock: Harness) -> None:
    """Found by the parser properties: 9999-12-31 in New York is past datetime's last year in UTC."""
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings timezone America/New_York"))

    answers = [
        await flock.replies(flock.telegram.post(CHAT, ANA, f'/guest @ada_expert "Later" {when}'))
        for when in ("9999-12-31 23:59", "2099-01-01 10:00 90m")
    ]

    assert answers == [["That is too far ahead. Pick a time within the next five years."]] * 2
