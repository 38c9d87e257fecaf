"""Scheduled discussions (tweetchat style): scheduling, managing, running, and taking answers.

A discussion is a series (once, or every 1d/1w/2w) of occurrences ("rounds"). Each round has
its own prompts, copied from the series when it is made, so the next one's can be replaced alone.
The tick runs a round in steps, each committed with the notices it queues, so a restart resumes
it where it was and two processes never post one step twice (the due rounds are claimed
FOR UPDATE SKIP LOCKED):

    step 0 ──(start − 15 min)──► 1 reminded ──(start)──► 2 opening + Q1 ──(+gap)──► 3 Q2 … ──►
    n+1 Qn ──(+gap)──► n+2 ended

An answer is a reply to a prompt's message, or, from the start until one gap after the end, a
message starting with A<n> ("A1", "A1:", "a1 -").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from facilitation import discussion_recap, gone_chats, parsing
from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.languages import N_
from facilitation.model import Chat, Course, Discussion, MessageRef, Person, PromptAt, Round, RoundState
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import course_facilitated, course_for_command, courses_run_by, require_facilitator

REMINDER_BEFORE = timedelta(minutes=15)
DEFAULT_GAP = timedelta(minutes=10)
MIN_GAP, MAX_GAP = timedelta(minutes=1), timedelta(hours=6)
MAX_PROMPTS, MAX_PROMPT, MAX_TITLE = 10, 1000, 200
# The rhythm is read as announcements read it (parsing.PERIODS): 1d, 1w, 2w; 1j, 1s or 1sem, 2s or 2sem.
EVERY_WORDS = frozenset({"every", "chaque"})
GAP_WORDS = frozenset({"gap", "intervalle", "écart", "ecart"})

USAGE = N_(
    "Schedule a discussion like this (one prompt per line, 1 to 10):\n"
    '/discussion "Title" tomorrow 19:00 every 1w gap 10m\n'
    "What tool helped you most this week?\n"
    "What will you try next week?\n\n"
    "The start: 2026-12-01 19:00, 19:00, tomorrow 19:00 or in 45m. "
    "Optional: every 1d, 1w or 2w, and gap 1m to 6h between prompts (10m if not given)."
)
NO_PROMPTS = N_("Add the prompts on the lines after the command: one per line, 1 to 10.")
TOO_MANY = N_("A discussion has at most 10 prompts; this one has {count}.")
LONG_PROMPT = N_("Prompt {number} is too long: keep each prompt under 1000 characters.")
BAD_PERIOD = N_("I couldn't read “{text}” as a rhythm. Use every 1d, every 1w or every 2w.")
BAD_GAP = N_("The gap between prompts is from 1m to 6h, like gap 10m.")
OVERLAP = N_(
    "The prompts take {length}, longer than the rhythm: use fewer prompts, a shorter gap or a longer rhythm."
)
PAST = N_("That time has already passed. Pick a start in the future.")
NO_TITLE = N_("Give the discussion a title in quotes.")
STARTED = N_("Discussion {number} has started: it can't be changed now.")
_TITLE = re.compile(r'\s*["“”](.+?)["“”]\s*(.*)', re.S)
# "A1", "A1:", "a1 -", "A2." at the very start, and not "A10x" or "A1B".
ANSWER_NUMBER = re.compile(r"\s*[Aa]([1-9][0-9]?)(?![\w])")


@dataclass(frozen=True)
class Request:
    """/discussion's first line (after the command) and the prompts on the lines below."""

    first_line: str
    prompts: list[str]


@dataclass(frozen=True)
class Settings:
    title: str
    starts_at: datetime
    every: timedelta | None
    gap: timedelta


def split(text: str) -> Request:
    """Everything after the command: the first line, then a prompt per non-empty line."""
    first, _, rest = text.partition("\n")
    prompts = [line.strip() for line in rest.splitlines() if line.strip()]
    return Request(first, prompts)


def read_prompts(lines: list[str]) -> list[str]:
    if not lines:
        raise ParseError(NO_PROMPTS)
    if len(lines) > MAX_PROMPTS:
        raise ParseError(TOO_MANY, count=len(lines))
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_PROMPT:
            raise ParseError(LONG_PROMPT, number=number)
    return lines


def read_settings(first_line: str, now: datetime, timezone: str) -> Settings:
    """`"Title" <start> [every 1d|1w|2w] [gap <duration>]`, in English or French
    (`chaque 1sem intervalle 5m`); hashtags already taken out."""
    match = _TITLE.fullmatch(first_line)
    if match is None or not match.group(1).strip():
        raise ParseError(NO_TITLE)
    title, rest = match.group(1).strip()[:MAX_TITLE], match.group(2).split()
    every: timedelta | None = None
    gap = DEFAULT_GAP
    start_words: list[str] = []
    index = 0
    while index < len(rest):
        word = rest[index].lower()
        value = rest[index + 1] if index + 1 < len(rest) else ""
        if word in EVERY_WORDS:
            days = parsing.PERIODS.get(value.lower())
            if days is None:
                raise ParseError(BAD_PERIOD, text=value[:20])
            every, index = timedelta(days=days), index + 2
        elif word in GAP_WORDS:
            gap, index = read_gap(value), index + 2
        else:
            start_words.append(rest[index])
            index += 1
    starts_at = parsing.moment(" ".join(start_words), now, timezone)
    if starts_at <= now:
        raise ParseError(PAST)
    return Settings(title, starts_at, every, gap)


def read_gap(word: str) -> timedelta:
    try:
        gap = parsing.duration(word)
    except ParseError:
        raise ParseError(BAD_GAP) from None
    if not MIN_GAP <= gap <= MAX_GAP:
        raise ParseError(BAD_GAP)
    return gap


def answer_number(text: str) -> int | None:
    """The n of a message starting with A<n>, else None."""
    match = ANSWER_NUMBER.match(text)
    return int(match.group(1)) if match else None


def next_slot(slot_at: datetime, every: timedelta, timezone: str) -> datetime:
    """The same wall-clock time `every` later in the course's zone: 19:00 stays 19:00 across a
    change of clocks."""
    zone = ZoneInfo(timezone)
    local = slot_at.astimezone(zone).replace(tzinfo=None) + every
    return local.replace(tzinfo=zone).astimezone(UTC)


def due_at(round: Round) -> datetime | None:
    """When the round's next step is due; None once it is over."""
    if round.state in (RoundState.ENDED, RoundState.CANCELLED):
        return None
    if round.step == 0:
        return round.starts_at - REMINDER_BEFORE
    return round.starts_at + round.discussion.gap * (round.step - 1)


def first_step(starts_at: datetime, now: datetime) -> int:
    """A round starting within the reminder's reach gets no reminder."""
    return 0 if now < starts_at - REMINDER_BEFORE else 1


# Scheduling and managing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheduled:
    round: Round
    no_reactions: tuple[str, ...]  # the titles of its chats where Flock can't count reactions


async def schedule(
    uow: UnitOfWork,
    where: MessageRef | None,
    person: Person,
    tags: list[str],
    request: Request,
    now: datetime,
) -> Scheduled:
    """`where`: the group message it was scheduled by (None in private)."""
    async with uow:
        course = await (
            course_for_command(uow, where.chat_id, tags)
            if where is not None
            else course_facilitated(uow, person.id, tags)
        )
        await require_facilitator(uow, course, person.id)
        settings = read_settings(request.first_line, now, course.settings.timezone)
        prompts = read_prompts(request.prompts)
        length = settings.gap * len(prompts)
        if settings.every is not None and length >= settings.every:
            raise ParseError(OVERLAP, length=parsing.format_duration(length))
        chats = [(chat.id, chat.title) for chat in await uow.courses.chats_of(course.id)]
        discussion = await uow.discussions.add(
            course, settings.title, settings.gap, settings.every, prompts, where, chats, person.id, now
        )
        round = await uow.discussions.add_round(
            discussion, settings.starts_at, settings.starts_at, prompts, now
        )
        blind = await uow.courses.chats_without_reactions(course.id)
        await uow.commit()
    return Scheduled(round, tuple(chat.title or str(chat.id) for chat in blind))


async def listed(uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]) -> list[Round]:
    async with uow:
        courses = await courses_run_by(uow, chat_id, person_id, tags)
        return await uow.discussions.upcoming([c.id for c in courses])


async def _next(uow: UnitOfWork, discussion_id: int, person_id: int, not_started: bool) -> Round:
    discussion = await uow.discussions.get(discussion_id)
    if discussion is None:
        raise NotFound(N_("There is no discussion {number}. /discussions lists them."), number=discussion_id)
    await require_facilitator(uow, discussion.course, person_id)
    # Changes are to the next occurrence not started; cancelling stops a live one first.
    round = await uow.discussions.next_round(discussion_id, scheduled_only=not_started)
    if round is None and not_started and await uow.discussions.next_round(discussion_id, False):
        raise NotAllowed(STARTED, number=discussion_id)
    if round is None or discussion.cancelled:
        raise NotFound(N_("Discussion {number} has nothing coming up."), number=discussion_id)
    if not_started and round.state is not RoundState.SCHEDULED:
        raise NotAllowed(STARTED, number=discussion_id)
    return round


async def replace_prompts(
    uow: UnitOfWork, discussion_id: int, person: Person, lines: list[str], now: datetime
) -> Round:
    """The next occurrence's prompts only; the series keeps its own for the ones after."""
    prompts = read_prompts(lines)
    async with uow:
        round = await _next(uow, discussion_id, person.id, not_started=True)
        every = round.discussion.every
        if every is not None and round.discussion.gap * len(prompts) >= every:
            raise ParseError(OVERLAP, length=parsing.format_duration(round.discussion.gap * len(prompts)))
        round = await uow.discussions.replace_prompts(round, prompts)
        await uow.commit()
    return round


async def move(uow: UnitOfWork, discussion_id: int, person: Person, when: str, now: datetime) -> Round:
    """The next occurrence to another start; the series keeps its rhythm."""
    async with uow:
        round = await _next(uow, discussion_id, person.id, not_started=True)
        starts_at = parsing.moment(when, now, round.discussion.course.settings.timezone)
        if starts_at <= now:
            raise ParseError(PAST)
        moved = await uow.discussions.move(round, starts_at)
        moved = Round(
            moved.id,
            moved.discussion,
            moved.slot_at,
            starts_at,
            moved.prompts,
            moved.state,
            first_step(starts_at, now),
        )
        await uow.discussions.advanced(moved, moved.step, moved.state, due_at(moved), now)
        await uow.commit()
    return moved


@dataclass(frozen=True)
class Cancelled:
    round: Round
    whole_series: bool
    next_start: datetime | None  # of a series going on: its next occurrence


async def cancel(
    uow: UnitOfWork, discussion_id: int, person: Person, everything: bool, now: datetime
) -> Cancelled:
    """The next (or live) occurrence; with `all`, the series. A series skips the one cancelled."""
    async with uow:
        round = await _next(uow, discussion_id, person.id, not_started=False)
        discussion = round.discussion
        whole = everything or discussion.every is None
        next_start = None
        if whole:
            await uow.discussions.cancel_series(discussion.id, now)
        else:
            await uow.discussions.cancel_round(round.id, now)
            if round.state is RoundState.SCHEDULED:  # a live one's successor exists already
                following = await _schedule_next(uow, round, now)
                next_start = following.starts_at
        await uow.commit()
    return Cancelled(round, whole, next_start)


async def _schedule_next(uow: UnitOfWork, round: Round, now: datetime) -> Round:
    """The series' next occurrence after this one, in the future (a tick held up for weeks
    skips what it missed), with the series' prompts."""
    discussion = round.discussion
    assert discussion.every is not None
    slot = next_slot(round.slot_at, discussion.every, discussion.course.settings.timezone)
    while slot <= now:
        slot = next_slot(slot, discussion.every, discussion.course.settings.timezone)
    following = await uow.discussions.add_round(discussion, slot, slot, list(discussion.prompts), now)
    return following


# Running -----------------------------------------------------------------------------------------


def _data(round: Round) -> dict[str, object]:
    discussion = round.discussion
    return {
        "discussion_id": discussion.id,
        "title": discussion.title,
        "timezone": discussion.course.settings.timezone,
        "starts_at": round.starts_at.isoformat(),
        "ends_at": round.ends_at.isoformat(),
        "gap_seconds": int(discussion.gap.total_seconds()),
        "prompts": len(round.prompts),
    }


async def _post(uow: UnitOfWork, notice: Notice, now: datetime, chats: list[tuple[int, int | None]]) -> int:
    """The notice in each chat (in the topic the discussion was scheduled from, where it was)."""
    for chat_id, thread_id in chats:
        await uow.outbox.put(Notice(chat_id, notice.kind, notice.data, thread_id, notice.subject), now)
    return len(chats)


async def advance(uow: UnitOfWork, now: datetime) -> int:
    """Every step that has fallen due: reminders, openings, prompts, ends. A tick held up posts
    every prompt it missed, in order, and no reminder after the start."""
    posted = 0
    async with uow:
        for round in await uow.discussions.due(now):
            discussion = round.discussion
            attached = await uow.courses.chats_of(discussion.course.id)
            chats = [
                (chat.id, discussion.thread_id if chat.id == discussion.chat_id else None)
                for chat in attached
            ]
            step, state, count = round.step, round.state, len(round.prompts)
            if step <= count:  # something to post: say where it can't go
                posted += await _skip_gone(uow, discussion, attached, now)
            current = round
            while (moment := due_at(current)) is not None and moment <= now:
                if step == 0:
                    if now < round.starts_at:
                        notice = Notice(0, NoticeKind.DISCUSSION_REMINDER, _data(round))
                        posted += await _post(uow, notice, now, chats)
                elif step <= count:
                    if step == 1:
                        state = RoundState.LIVE
                        notice = Notice(0, NoticeKind.DISCUSSION_OPENING, _data(round))
                        posted += await _post(uow, notice, now, chats)
                        if discussion.every is not None and not discussion.cancelled:
                            await _schedule_next(uow, round, now)
                    prompt = round.prompts[step - 1]
                    data = {**_data(round), "number": prompt.number, "text": prompt.text}
                    notice = Notice(0, NoticeKind.DISCUSSION_PROMPT, data, subject=prompt_subject(prompt.id))
                    posted += await _post(uow, notice, now, chats)
                else:
                    state = RoundState.ENDED
                    posted += await discussion_recap.post(uow, round, chats, now)
                step += 1
                current = Round(
                    round.id, discussion, round.slot_at, round.starts_at, round.prompts, state, step
                )
            await uow.discussions.advanced(round, step, state, due_at(current), now)
        await uow.commit()
    return posted


async def _skip_gone(uow: UnitOfWork, discussion: Discussion, attached: list[Chat], now: datetime) -> int:
    """Tell the facilitators, once per chat, of a chat the discussion was meant for that is gone,
    and remember every chat attached now as meant (one attached later and then gone is told too)."""
    attached_ids = {chat.id for chat in attached}
    gone = gone_chats.untold(discussion.chats, attached_ids, discussion.warned)
    warned = discussion.warned | {gone_chats.key(chat) for chat, _ in gone}
    meant = dict(discussion.chats) | {chat.id: chat.title for chat in attached}
    told = 0
    if gone:
        data = {"discussion_id": discussion.id, "title": discussion.title, "course": discussion.course.tag}
        told = await gone_chats.tell(
            uow, discussion.course.id, NoticeKind.DISCUSSION_SKIPPED, data, gone, now
        )
    if gone or meant != dict(discussion.chats):
        await uow.discussions.chats_meant(discussion.id, sorted(meant.items()), warned)
    return told


def prompt_subject(prompt_id: int) -> str:
    return f"dprompt:{prompt_id}"


# Answers (the busy path) -------------------------------------------------------------------------


async def answers_to(
    uow: UnitOfWork, replied: PromptAt | None, text: str, courses: list[Course], now: datetime
) -> dict[int, PromptAt]:
    """What a message answers, by course: the prompt its reply is to, else the prompt its A<n>
    names in a course in scope whose discussion takes answers. Asks the database only for an
    A<n> message."""
    if replied is not None:
        return {replied.course_id: replied}
    number = answer_number(text)
    found: dict[int, PromptAt] = {}
    if number is not None and courses:
        for prompt in await uow.discussions.open_prompts([c.id for c in courses], now):
            if prompt.number == number:
                found.setdefault(prompt.course_id, prompt)
    return found
