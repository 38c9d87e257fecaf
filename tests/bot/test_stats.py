"""/stats: numbers over a window, a chart, and facilitators only."""

import io

from PIL import Image  # matplotlib's own dependency

from bot import texts
from bot.recording import api_error
from tests.builders import JSON, private
from tests.support.cohort import ANA, BEN, CHAT, CLEO, OTHER, PNG, ZOE, at, sent, set_up, two_days, upload
from tests.support.harness import Harness

SUMMARY = (
    "<b>Onboarding 2026</b> (#onb26) · last 7 days\n"
    "Questions asked: 5\n"
    "⏳ open 1 · 💬 answered 2 · ✅ resolved 1 · dismissed 1\n"
    "Median time to first answer: 40m\n"
    "First answer from a peer: 2 of 3 (67%)\n"
    "Top peer helpers: Cleo (2), Ben (1)\n"
    "Busiest day: Tue 3 Nov, 3 asked"
)


def png_size(data: bytes) -> tuple[int, int]:
    """The size of a PNG that decodes whole (every chunk's checksum checked)."""
    assert data.startswith(PNG)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        image.load()
        return image.size


async def test_stats_in_private_summarises_the_week_and_sends_a_chart(flock: Harness) -> None:
    await two_days(flock)

    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/stats"))

    assert [c.text for c in sent(calls, "sendMessage")] == [SUMMARY]
    [photo] = sent(calls, "sendPhoto")
    assert photo.chat_id == ANA["id"]
    assert photo.params["caption"] == "#onb26 · questions per day by outcome, last 7 days"
    name, content = upload(photo, "photo")
    assert name == "onb26-stats.png"
    width, height = png_size(content)
    assert width > 600
    assert height > 300


async def test_stats_in_the_group_go_privately_to_the_facilitator(flock: Harness) -> None:
    await two_days(flock)

    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/stats"))

    assert [(c.chat_id, c.text) for c in sent(calls, "sendMessage")] == [
        (ANA["id"], SUMMARY),
        (CHAT["id"], texts.SENT_PRIVATELY),
    ]
    assert [c.chat_id for c in sent(calls, "sendPhoto")] == [ANA["id"]]


async def test_stats_in_the_group_ask_a_facilitator_who_never_started_the_bot_to_start_it(
    flock: Harness,
) -> None:
    await two_days(flock)
    flock.api.failures["sendMessage"] = lambda params: (
        (403, api_error(403, "Forbidden: bot can't initiate conversation with a user"))
        if params["chat_id"] == ANA["id"]
        else None
    )

    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/stats"))

    assert [c.text for c in sent(calls, "sendMessage") if c.chat_id == CHAT["id"]] == [
        texts.start_me_first("flock_test_bot")
    ]
    assert sent(calls, "sendPhoto") == []


async def test_windows_reach_back_seven_days_thirty_days_or_to_the_start(flock: Harness) -> None:
    await two_days(flock)
    flock.clock.advance(days=10)
    await at(flock, 9, 0, BEN, "Will the next session be recorded as well?")
    ask = private(ANA)

    week = await flock.replies(flock.telegram.post(ask, ANA, "/stats"))
    month = await flock.replies(flock.telegram.post(ask, ANA, "/stats 30d"))
    ever = await flock.replies(flock.telegram.post(ask, ANA, "/stats all #onb26"))

    assert "Questions asked: 1\n" in week[0]
    assert "last 30 days\nQuestions asked: 6\n" in month[0]
    assert "since the start\nQuestions asked: 6\n" in ever[0]


async def test_days_are_counted_in_the_course_time_zone(flock: Harness) -> None:
    await two_days(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings timezone Pacific/Honolulu"))

    replies = await flock.replies(flock.telegram.post(private(ANA), ANA, "/stats"))

    # Honolulu is 10 hours behind: Monday 10:00 UTC is midnight there, and Tuesday 09:00 and
    # 09:05 UTC are still Monday; so Monday holds three questions, Sunday and Tuesday one each.
    assert replies[0].endswith("Busiest day: Mon 2 Nov, 3 asked")


async def test_quiet_window_says_so_and_sends_no_chart(flock: Harness) -> None:
    await set_up(flock)

    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/stats"))

    assert [c.text for c in sent(calls, "sendMessage")] == [
        "<b>Onboarding 2026</b> (#onb26) · last 7 days\n"
        "No questions asked in this window.\n"
        "Top peer helpers: nobody yet"
    ]
    assert sent(calls, "sendPhoto") == []


async def test_stats_in_private_cover_every_course_the_facilitator_runs(flock: Harness) -> None:
    await two_days(flock)
    await set_up(flock, OTHER, tag="#lead26")
    await at(flock, 12, 30, CLEO, "Who leads the Friday retrospective session?", chat=OTHER)

    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/stats"))

    assert [c.text.split("\n")[:2] for c in sent(calls, "sendMessage")] == [
        ["<b>Leadership 2026</b> (#lead26) · last 7 days", "Questions asked: 1"],
        ["<b>Onboarding 2026</b> (#onb26) · last 7 days", "Questions asked: 5"],
    ]
    assert [c.params["caption"][:7] for c in sent(calls, "sendPhoto")] == ["#lead26", "#onb26 "]


async def test_unknown_window_explains_the_usage(flock: Harness) -> None:
    await two_days(flock)

    replies = await flock.replies(flock.telegram.post(private(ANA), ANA, "/stats fortnight"))

    assert replies == ["Usage: /stats [7d|30d|all] [#tag] — 7d when you don't say."]


# Refusals


async def refused(flock: Harness, chat: JSON, person: JSON, text: str) -> list[str]:
    calls = await flock.send(flock.telegram.post(chat, person, text))
    assert sent(calls, "sendPhoto") == []
    return [c.text for c in sent(calls, "sendMessage")]


async def test_a_learner_is_refused_in_the_group_and_in_private(flock: Harness) -> None:
    await two_days(flock)

    in_group = await refused(flock, CHAT, BEN, "/stats")
    in_private = await refused(flock, private(BEN), BEN, "/stats #onb26")

    assert in_group == ["Only facilitators of #onb26 can do that."]
    assert in_private == ["You don't facilitate #onb26."]


async def test_a_facilitator_of_another_course_sees_nothing_of_this_one(flock: Harness) -> None:
    await two_days(flock)
    await set_up(flock, OTHER, ZOE, "#lead26")

    named = await refused(flock, private(ZOE), ZOE, "/stats #onb26")
    in_group = await refused(flock, CHAT, ZOE, "/stats")

    assert named == ["You don't facilitate #onb26."]
    assert in_group == ["Only facilitators of #onb26 can do that."]
