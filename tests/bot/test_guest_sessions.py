"""Scheduling guest Q&A sessions, the guest's invite, moving, cancelling and reminders."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
BEN = user(12, "Ben")  # learner
ADA = user(20, "Ada", "ada_expert")  # the guest
EVE = user(21, "Eve", "eve_x")  # not the guest
CHAT = group(-1001500, "Onboarding 2026")


async def set_up(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))


async def schedule(
    flock: Harness, args: str = '@ada_expert "Careers in data" tomorrow 15:00 90m'
) -> list[Call]:
    return await flock.send(flock.telegram.post(CHAT, ANA, f"/guest {args}"))


def texts(calls: list[Call], chat: JSON | None = None) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and (chat is None or c.chat_id == chat["id"])]


def invite_token(calls: list[Call]) -> str:
    found = re.search(r"start=guest_([A-Za-z0-9_-]+)", "\n".join(texts(calls)))
    assert found is not None
    return found.group(1)


async def test_facilitator_schedules_a_session_and_gets_a_private_invite_link(flock: Harness) -> None:
    await set_up(flock)

    calls = await schedule(flock)

    reply, announcement = texts(calls, CHAT)
    assert reply.startswith(
        "Scheduled session <b>1</b>: “Careers in data” with @ada_expert, Tue 3 Nov, 15:00 (UTC)"
    )
    assert len(invite_token(calls)) >= 22
    assert announcement.startswith("🎤 <b>Guest Q&amp;A: Careers in data</b> with @ada_expert")
    assert "90 min" in announcement
    assert "https://t.me/flock_test_bot?start=ask_1" in announcement
    rows = await flock.rows("select phase, starts_at is not null, guest_id from guest_sessions")
    assert rows == [("collecting", True, None)]


async def test_times_are_read_in_the_course_time_zone(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings timezone Europe/Berlin"))

    calls = await schedule(flock, '@ada_expert "Careers" 2026-12-01 15:00')

    assert "Tue 1 Dec, 15:00 (Europe/Berlin)" in texts(calls, CHAT)[0]
    starts = await flock.rows("select starts_at from guest_sessions")
    value = starts[0][0]
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value).replace(tzinfo=UTC)
    assert moment == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


async def test_a_start_in_the_past_or_unreadable_is_refused(flock: Harness) -> None:
    await set_up(flock)

    past = texts(await schedule(flock, '@ada_expert "Careers" 2026-01-01 10:00'))
    garbled = texts(await schedule(flock, '@ada_expert "Careers" sometime soon'))
    unquoted = texts(await schedule(flock, "@ada_expert Careers tomorrow 15:00"))

    assert past == ["That time has already passed. Pick a start in the future."]
    assert garbled[0].startswith("I couldn't read “sometime soon” as a time.")
    assert "2026-12-01 15:00, 15:00, tomorrow 15:00 or in 45m" in garbled[0]
    assert unquoted[0].startswith("Usage: <code>/guest @username")
    assert await flock.rows("select count(*) from guest_sessions") == [(0,)]


async def test_a_learner_cannot_schedule(flock: Harness) -> None:
    await set_up(flock)

    replies = texts(await flock.send(flock.telegram.post(CHAT, BEN, '/guest @ada_expert "Hi" in 1h')))

    assert replies == ["Only facilitators of #onb26 can do that."]
    assert await flock.rows("select count(*) from guest_sessions") == [(0,)]


async def test_the_guest_opens_the_invite_and_is_bound_once(flock: Harness) -> None:
    await set_up(flock)
    token = invite_token(await schedule(flock))

    welcome = texts(await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token}")))
    stolen = texts(await flock.send(flock.telegram.post(private(EVE), EVE, f"/start guest_{token}")))
    again = texts(await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token}")))
    forged = texts(await flock.send(flock.telegram.post(private(EVE), EVE, "/start guest_not-a-real-token")))

    assert welcome[0].startswith("Welcome! You're the guest of <b>Careers in data</b> for #onb26")
    assert stolen == ["This invite has already been used by someone else."]
    assert again[0].startswith("Welcome!")
    assert forged == ["This invite link isn't valid any more. Ask the facilitators for a new one."]
    assert await flock.rows("select guest_id from guest_sessions") == [(ADA["id"],)]


async def test_sessions_lists_upcoming_sessions(flock: Harness) -> None:
    await set_up(flock)
    await schedule(flock)

    listed = texts(await flock.send(flock.telegram.post(CHAT, BEN, "/sessions")))

    assert listed[0].startswith(
        "<b>Guest sessions</b>\n<b>1</b> · #onb26 · “Careers in data” with @ada_expert"
    )
    assert "guest hasn't opened the invite yet" in listed[0]


async def test_facilitators_are_warned_when_the_guest_has_not_opened_the_invite(flock: Harness) -> None:
    await set_up(flock)
    await schedule(flock, '@ada_expert "Careers" 2026-11-04 09:00')  # clock: Mon 2 Nov 09:00

    flock.clock.current = datetime(2026, 11, 3, 8, 59, tzinfo=UTC)
    early = await flock.tick()
    flock.clock.current = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    day_before = await flock.tick()
    repeat = await flock.tick()
    flock.clock.current = datetime(2026, 11, 4, 8, 0, tzinfo=UTC)
    hour_before = await flock.tick()

    assert texts(early, private(ANA)) == []
    assert len(texts(day_before, private(ANA))) == 1
    assert "@ada_expert hasn't opened the invite" in texts(day_before, private(ANA))[0]
    assert texts(repeat) == []
    assert "starts in 1h" in texts(hour_before, private(ANA))[0]


async def test_the_guest_is_reminded_a_day_and_a_quarter_hour_before(flock: Harness) -> None:
    await set_up(flock)
    token = invite_token(await schedule(flock, '@ada_expert "Careers" 2026-11-04 09:00'))
    await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token}"))

    flock.clock.current = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    day_before = await flock.tick()
    flock.clock.current = datetime(2026, 11, 4, 8, 45, tzinfo=UTC)
    quarter = await flock.tick()

    assert texts(day_before, private(ANA)) == []  # the guest is ready: no warning
    assert "starts in 1d" in texts(day_before, private(ADA))[0]
    assert "starts in 15m" in texts(quarter, private(ADA))[0]


async def test_cancel_tells_the_group_and_the_guest(flock: Harness) -> None:
    await set_up(flock)
    token = invite_token(await schedule(flock))
    await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token}"))

    refused = texts(await flock.send(flock.telegram.post(CHAT, BEN, "/session_cancel 1")))
    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/session_cancel 1"))

    assert refused == ["Only facilitators of #onb26 can do that."]
    assert texts(calls, CHAT)[0] == "Cancelled session 1. Everyone concerned will be told."
    assert any("is cancelled" in t for t in texts(calls, CHAT))
    assert any("is cancelled" in t for t in texts(calls, private(ADA)))
    assert await flock.rows("select phase from guest_sessions") == [("cancelled",)]


async def test_move_changes_the_time_and_tells_everyone(flock: Harness) -> None:
    await set_up(flock)
    await schedule(flock)

    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/session_move 1 2026-11-05 10:00"))
    past = texts(await flock.send(flock.telegram.post(CHAT, ANA, "/session_move 1 2026-01-01 10:00")))
    missing = texts(await flock.send(flock.telegram.post(CHAT, ANA, "/session_move 99 tomorrow 10:00")))

    assert (
        texts(calls, CHAT)[0] == "Moved session 1 to Thu 5 Nov, 10:00 (UTC). Everyone concerned will be told."
    )
    assert any("moved to Thu 5 Nov, 10:00 (UTC)" in t for t in texts(calls, CHAT))
    assert past == ["That time has already passed. Pick a start in the future."]
    assert missing == ["There is no session 99."]


async def test_a_length_outside_ten_minutes_to_eight_hours_is_refused(flock: Harness) -> None:
    await set_up(flock)

    zero = texts(await schedule(flock, '@ada_expert "Careers" in 1m 0m'))
    month = texts(await schedule(flock, '@ada_expert "Careers" in 1m 30d'))
    short = texts(await schedule(flock, '@ada_expert "Careers" tomorrow 15:00 5m'))
    long = texts(await schedule(flock, '@ada_expert "Careers" tomorrow 15:00 8h1m'))

    for refusal in (zero, month, short, long):
        assert refusal == ["A session lasts from 10 minutes to 8 hours, like 45m, 90m or 2h."]
    assert await flock.rows("select count(*) from guest_sessions") == [(0,)]


async def test_the_confirmation_states_the_start_and_the_length(flock: Harness) -> None:
    await set_up(flock)

    shortest = texts(await schedule(flock, '@ada_expert "Careers" tomorrow 15:00 10m'), CHAT)[0]
    longest = texts(await schedule(flock, '@ada_expert "Careers" tomorrow 16:00 8h'), CHAT)[0]
    default = texts(await schedule(flock, '@ada_expert "Careers" in 2h'), CHAT)[0]

    assert shortest.startswith(
        "Scheduled session <b>1</b>: “Careers” with @ada_expert, Tue 3 Nov, 15:00 (UTC), 10 min."
    )
    assert "Tue 3 Nov, 16:00 (UTC), 8 h." in longest
    assert "Mon 2 Nov, 11:00 (UTC), 1 h." in default


async def test_a_session_that_is_over_is_named_in_plain_words(flock: Harness) -> None:
    await set_up(flock)
    await schedule(flock)
    await schedule(flock, '@ada_expert "Later" tomorrow 16:00')
    await flock.send(flock.telegram.post(CHAT, ANA, "/session_cancel 1"))

    cancelled = texts(await flock.send(flock.telegram.post(CHAT, ANA, "/session_cancel 1")))
    moved = texts(await flock.send(flock.telegram.post(CHAT, ANA, "/session_move 1 tomorrow 10:00")))
    ended = texts(await flock.send(flock.telegram.post(CHAT, ANA, "/session_end 1")))
    early = texts(await flock.send(flock.telegram.post(CHAT, ANA, "/session_end 2")))

    assert cancelled == ["Session 1 was already cancelled."]
    assert moved == ["Session 1 was already cancelled."]
    assert ended == ["Session 1 isn't live: it was already cancelled."]
    assert early == ["Session 2 isn't live: it hasn't started yet."]


async def test_a_session_scheduled_for_soon_waits_for_its_next_reminder(flock: Harness) -> None:
    await set_up(flock)
    await schedule(flock, '@ada_expert "Careers" in 3h')  # clock: Mon 2 Nov 09:00

    at_once = await flock.tick()
    flock.clock.current = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    hour_before = await flock.tick()

    assert texts(at_once) == []  # not the day-before warning, long past when it was scheduled
    (warning,) = texts(hour_before, private(ANA))
    assert "@ada_expert hasn't opened the invite" in warning
    assert "starts in 1h" in warning


async def test_a_guest_who_opens_the_invite_of_a_session_soon_is_reminded_at_the_quarter_hour(
    flock: Harness,
) -> None:
    await set_up(flock)
    token = invite_token(await schedule(flock, '@ada_expert "Careers" in 2h'))
    await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token}"))

    at_once = await flock.tick()
    flock.clock.current = datetime(2026, 11, 2, 10, 45, tzinfo=UTC)
    quarter = await flock.tick()

    assert texts(at_once) == []  # they were just welcomed
    assert "starts in 15m" in texts(quarter, private(ADA))[0]


async def test_a_session_moved_closer_skips_the_reminders_already_past(flock: Harness) -> None:
    await set_up(flock)
    await schedule(flock)  # Tue 3 Nov 15:00

    await flock.send(flock.telegram.post(CHAT, ANA, "/session_move 1 2026-11-02 12:00"))
    at_once = await flock.tick()
    flock.clock.current = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    hour_before = await flock.tick()

    assert texts(at_once) == []
    assert "starts in 1h" in texts(hour_before, private(ANA))[0]
