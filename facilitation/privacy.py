"""Forgetting a person (/forget_me), a learner of one course (/forget), and course retention.

Forgetting keeps every row and count — stats, digests and exports still count the questions and
answers — but their texts become REMOVED; introductions go; raw updates and outbox payloads lose
the same words. /forget_me also drops the person's name and username (FORMER_LEARNER is shown) and
hands every kept row of theirs to a new anonymous person, so what they post next starts a new,
separate history and never names what was erased — except that posts of theirs are never again
collected for those following a hashtag (facilitation/sharing.py). Their stories are deleted,
with their posts in the showcase where Telegram still allows it (facilitation/stories.py).
Their place as a learner is marked forgotten: the week's highlights no longer name them among
the new voices.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from facilitation import following, guest_live, people, redaction, stories
from facilitation.courses import find_course
from facilitation.errors import NotFound
from facilitation.languages import N_
from facilitation.model import Course, Footprint, Person
from facilitation.ports import UnitOfWork
from facilitation.redaction import FORMER_LEARNER, REMOVED
from facilitation.scope import require_facilitator

__all__ = ["FORMER_LEARNER", "REMOVED", "Forgetting"]

PURGE_EVERY = timedelta(hours=1)  # a course's expired texts go within the hour
PURGE_ROWS = 200  # of each kind of text, per course and tick: no tick holds a long transaction
PURGE_COURSES = 20
PURGE_BUDGET = 1000  # rows per tick, over all courses


@dataclass(frozen=True)
class Forgetting:
    """Whom a /forget concerns, and what it removes (or removed)."""

    course: Course
    person: Person
    footprint: Footprint


async def preview_forget_me(uow: UnitOfWork, person: Person) -> Footprint:
    async with uow:
        return await uow.privacy.footprint(person.id, None)


async def forget_me(uow: UnitOfWork, person: Person, up_to_update: int | None, now: datetime) -> Footprint:
    """Everything of theirs, in every course; `up_to_update` bounds the raw updates scrubbed, so
    what they send after confirming is theirs again."""
    async with uow:
        removed = await _erase(uow, person.id, None, up_to_update, now)
        await uow.commit()
    return removed


async def preview_forget(
    uow: UnitOfWork, chat_id: int | None, sender: Person, tags: list[str], target: Person | str
) -> Forgetting:
    async with uow:
        course = await find_course(uow, chat_id, sender.id, tags)
        await require_facilitator(uow, course, sender.id)
        person = await people.named(uow, target, "/forget")
        return Forgetting(course, person, await uow.privacy.footprint(person.id, course.id))


async def forget(
    uow: UnitOfWork, course_id: int, sender: Person, person_id: int, up_to_update: int | None, now: datetime
) -> Forgetting:
    """One course's words of one learner, confirmed by a facilitator of that course."""
    async with uow:
        course = await _course(uow, course_id)
        await require_facilitator(uow, course, sender.id)
        person = await uow.people.get(person_id) or Person(person_id, FORMER_LEARNER)
        removed = await _erase(uow, person_id, course, up_to_update, now)
        await uow.commit()
    return Forgetting(course, person, removed)


async def check_cancel(uow: UnitOfWork, course_id: int, sender: Person) -> Course:
    """Only a facilitator may cancel a facilitator's /forget; cancelling changes nothing."""
    async with uow:
        course = await _course(uow, course_id)
        await require_facilitator(uow, course, sender.id)
        return course


async def _erase(
    uow: UnitOfWork, person_id: int, course: Course | None, up_to_update: int | None, now: datetime
) -> Footprint:
    stored = await uow.people.get(person_id) if course is None else None
    names = {stored.name} if stored is not None and stored.name != FORMER_LEARNER else set()
    removal = await uow.privacy.remove_words(person_id, course.id if course else None)
    await uow.privacy.forget_learner(person_id, course.id if course else None, now)
    questions: set[int] = set()
    if course is None:
        # Rows joined on their Telegram id would show the name they post under next.
        questions = set(await uow.privacy.questions_of(person_id))
        await uow.privacy.hand_over(person_id, FORMER_LEARNER, now)
        await uow.privacy.forget_name(person_id, FORMER_LEARNER)
    for session_id in removal.sessions:  # transcripts are rewritten from the scrubbed rows
        session = await uow.guest_sessions.get(session_id)
        if session is not None:
            text = guest_live.transcript(session, await uow.guest_batches.answered(session_id), now)
            await uow.guest_sessions.save_transcript(session_id, text)
    chats = None if course is None else {chat.id for chat in await uow.courses.chats_of(course.id)}
    # Posts collected for those following a hashtag: all of theirs, never again (/forget_me),
    # or those in the course's chats (/forget). Catch-ups still queued lose the same words.
    if chats is None:
        relayed = await uow.shares.stop_relaying(person_id, now)
    else:
        relayed = await uow.shares.remove_posts(person_id, chats)
    quoted = {following.excerpt(text) for text in relayed} - set(relayed)  # as catch-ups quote them
    # Their stories go, and their showcase posts (deleted, or shown to the facilitators to delete).
    told = await stories.forget(uow, person_id, course.id if course else None, now)
    asked = {text[: stories.EXCERPT] for text in told} - set(told)  # as the question quoted them
    words = [*removal.words, *relayed, *sorted(quoted), *told, *sorted(asked)]
    probes = redaction.probes(words)
    inbox = {}
    for update_id, payload in await uow.privacy.inbox_mentioning(person_id, probes, up_to_update):
        data = json.loads(payload)
        # Their own messages (and names) first, then copies of their words in others' messages.
        written = redaction.scrub_update(data, person_id, words, chats, rename=course is None)
        data, copied = redaction.scrub_copies(data, words)
        if written or copied:
            inbox[update_id] = json.dumps(data, ensure_ascii=False)
    await uow.privacy.rewrite_inbox(inbox)
    outbox = {}
    named = [json.dumps(name, ensure_ascii=False) for name in sorted(names)]
    # A transcript holds their words escaped for Markdown: those copies are theirs too.
    copies = [*words, *guest_live.transcript_copies(words)]
    for row_id, payload in await uow.privacy.outbox_containing([*redaction.probes(copies), *named]):
        data, renamed = redaction.scrub_names(json.loads(payload), names, words, questions)
        data, copied = redaction.scrub_copies(data, copies)
        if renamed or copied:
            outbox[row_id] = json.dumps(data, ensure_ascii=False)
    await uow.privacy.rewrite_outbox(outbox)
    return removal.footprint


async def _course(uow: UnitOfWork, course_id: int) -> Course:
    course = await uow.courses.get(course_id)
    if course is None:
        raise NotFound(N_("That course doesn't exist any more."))
    return course


async def purge_expired(uow: UnitOfWork, now: datetime) -> int:
    """The tick's retention job: texts older than their course's retention become REMOVED, a
    bounded batch at a time; a course with more due is due again at the next tick."""
    purged = 0
    async with uow:
        for schedule in await uow.privacy.purge_due(now, PURGE_COURSES):
            cutoff = now - schedule.retention
            progress = await uow.privacy.purge_texts(
                schedule.course_id, schedule.purged_through, cutoff, PURGE_ROWS
            )
            purged += progress.purged
            if progress.resume_from is None:
                # A lengthened retention leaves the mark where it was: nothing before it is due.
                through = max(cutoff, schedule.purged_through or cutoff)
                await uow.privacy.mark_purged(schedule.course_id, through, now + PURGE_EVERY)
            else:
                await uow.privacy.mark_purged(schedule.course_id, progress.resume_from, now)
            if purged >= PURGE_BUDGET:
                break
        await uow.commit()
    return 0  # nothing queued for the outbox
