"""Stories: wins learners share in a course chat, passed on only with their author's consent.

A post carrying #story or #win in a course chat is kept as a story of its course and gets a 🎉.
Its author, if they have started Flock, is asked privately once whether it may be shared beyond
the group, under their first name or as "a learner"; one who never started Flock can't be asked,
and their story stays in the group. A facilitator may make a group or a channel the course's
showcase (`/showcase_here`, `/showcase`): a story is posted there once, as soon as its author says
yes. The answer and the post are one transaction, and only an unanswered story takes an answer,
so a second press, a restart or a second process never posts it twice. Stories said yes to
before the course had a showcase are posted when one is set.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from facilitation.alerts import BUTTON_GONE
from facilitation.errors import NotAllowed, NotFound
from facilitation.languages import N_
from facilitation.model import Chat, Consent, Course, MessageRef, Person, Showcase, Story
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import course_facilitated, course_for_command, require_facilitator

TAGS = frozenset({"story", "win", "réussite", "reussite"})  # read in both languages
LISTED = 30  # stories /stories shows, newest first
EXCERPT = 300  # characters of a story quoted to its author
# Telegram lets a bot delete a message for 48 hours; an hour is left for the outbox to send it.
DELETABLE_FOR = timedelta(hours=47)
NO_SHOWCASE = N_("{tag} has no showcase. A facilitator sets one with /showcase_here in a group.")
CANT_POST = N_("I can't post in {chat}: make me an admin there who may post messages, then try again.")
NOT_YOURS = N_("Only the admins of {chat} can make it a showcase.")


def is_story(tags: list[str]) -> bool:
    return not TAGS.isdisjoint(tags)


def first_name(person: Person) -> str:
    return person.name.split()[0] if person.name.strip() else person.name


async def told(
    uow: UnitOfWork,
    course: Course,
    ref: MessageRef,
    author: Person,
    text: str,
    at: datetime,
    media: tuple[str, str] | None = None,
) -> bool:
    """Inside the post's unit of work (facilitation.posts.receive): the story is kept, and its
    author asked privately whether it may go beyond the group. False if it was kept already."""
    started = await uow.followups.started(author.id)
    consent = Consent.ASKED if started else Consent.NOT_STARTED
    story = await uow.stories.add(course.id, ref, author, text, at, consent, media)
    if story is None:
        return False
    if started:
        data = {
            "story_id": story.id,
            "course": course.tag,
            "title": course.title,
            "chat_id": ref.chat_id,
            "message_id": ref.message_id,
            "thread_id": ref.thread_id,
            "text": text[:EXCERPT],
            "first_name": first_name(author),
        }
        await uow.outbox.put(Notice(author.id, NoticeKind.STORY_ASK, data, subject=f"story:{story.id}"), at)
    return True


async def edited(uow: UnitOfWork, ref: MessageRef, text: str, tags: list[str]) -> None:
    """Inside an edit's unit of work: a story keeps the text as now written; one whose tag was
    edited out goes, unless its author already said yes (then it may be in the showcase)."""
    if not await uow.stories.is_story(ref.chat_id, ref.message_id):
        return
    if is_story(tags):
        await uow.stories.retext(ref.chat_id, ref.message_id, text)
    else:
        await uow.stories.drop_unshared(ref.chat_id, ref.message_id)


@dataclass(frozen=True)
class Answered:
    story: Story
    changed: bool  # False: it had been answered already (a second press)


async def answer(uow: UnitOfWork, story_id: int, person: Person, choice: Consent, now: datetime) -> Answered:
    """A button under the question: only the author's press counts, and only the first."""
    async with uow:
        story = await uow.stories.get(story_id)
        if story is None or story.author.id != person.id:
            raise NotAllowed(BUTTON_GONE)
        if story.consent is not Consent.ASKED or not await uow.stories.choose(story_id, choice, now):
            return Answered(story, changed=False)
        story = replace(story, consent=choice)
        if choice.shared:
            showcase = await uow.stories.showcase(story.course_id)
            course = await uow.courses.get(story.course_id)
            if showcase is not None and course is not None:
                await _post(uow, story, course, showcase.chat, now)
        await uow.commit()
    return Answered(story, changed=True)


async def _post(uow: UnitOfWork, story: Story, course: Course, showcase: Chat, now: datetime) -> None:
    data = {
        "story_id": story.id,
        "text": story.text,
        "name": first_name(story.author) if story.consent is Consent.NAME else None,
        "title": course.title,
        "course": course.tag,
        "language": course.settings.language,  # the showcase speaks its course's language
        # A photo or document goes with its caption, by its file id (no copy of the post itself:
        # the showcase shows the name the author chose, not theirs).
        "media": list(story.media) if story.media else None,
    }
    notice = Notice(showcase.id, NoticeKind.SHOWCASE_POST, data, subject=f"story:{story.id}")
    await uow.outbox.put(notice, now)
    await uow.stories.queued(story.id, showcase.id)


@dataclass(frozen=True)
class ShowcaseSet:
    course: Course
    showcase: Showcase
    waiting: int  # stories said yes to before, now queued for it


async def set_showcase(
    uow: UnitOfWork,
    person_id: int,
    tags: list[str],
    chat: Chat,
    may_post: bool,
    theirs: bool,
    now: datetime,
) -> ShowcaseSet:
    """`may_post`: Flock may post in the chat; `theirs`: the facilitator may choose it (it is the
    group they typed the command in, or a channel they are an admin of)."""
    async with uow:
        course = await course_facilitated(uow, person_id, tags)
        if not theirs:
            raise NotAllowed(NOT_YOURS, chat=chat.title)
        if not may_post:
            raise NotAllowed(CANT_POST, chat=chat.title)
        showcase = Showcase(course.id, chat, person_id, now)
        await uow.stories.set_showcase(showcase)
        waiting = await uow.stories.unposted(course.id)
        for story in waiting:
            await _post(uow, story, course, chat, now)
        await uow.commit()
    return ShowcaseSet(course, showcase, len(waiting))


async def remove_showcase(uow: UnitOfWork, person_id: int, tags: list[str]) -> Course:
    """`/showcase off`: stories are no longer posted anywhere (those posted stay)."""
    async with uow:
        course = await course_facilitated(uow, person_id, tags)
        if not await uow.stories.remove_showcase(course.id):
            raise NotFound(NO_SHOWCASE, tag=course.tag)
        await uow.commit()
    return course


async def showcases(uow: UnitOfWork, person_id: int, tags: list[str]) -> list[tuple[Course, Showcase | None]]:
    """`/showcase` alone: where each course they run (or the one named) posts its stories."""
    async with uow:
        if tags:
            courses = [await course_facilitated(uow, person_id, tags)]
        else:
            courses = await uow.courses.facilitated_by(person_id)
            if not courses:
                courses = [await course_facilitated(uow, person_id, tags)]  # says why not
        found = {s.course_id: s for s in await uow.stories.showcases([c.id for c in courses])}
    return [(course, found.get(course.id)) for course in courses]


async def listed(
    uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]
) -> tuple[Course, list[Story]]:
    """`/stories`, for facilitators: in a course chat its course, in private the one they run."""
    async with uow:
        if chat_id is not None:
            course = await course_for_command(uow, chat_id, tags)
            await require_facilitator(uow, course, person_id)
        else:
            course = await course_facilitated(uow, person_id, tags)
        return course, await uow.stories.of_course(course.id, LISTED)


async def forget(uow: UnitOfWork, person_id: int, course_id: int | None, now: datetime) -> list[str]:
    """Inside /forget_me's or /forget's unit of work: the person's stories go, and so do their
    showcase posts: deleted while Telegram allows it, else their course's facilitators are told
    where to delete them by hand. Returns the stories' texts (scrubbed from the outbox too)."""
    gone = await uow.stories.forget(person_id, course_id, now)
    for story in gone:
        if story.showcase_ref is None:
            continue
        ref = story.showcase_ref
        if story.showcase_sent_at is not None and now - story.showcase_sent_at < DELETABLE_FOR:
            await uow.outbox.put(
                Notice(ref.chat_id, NoticeKind.SHOWCASE_DELETE, {"message_id": ref.message_id}), now
            )
            continue
        course = await uow.courses.get(story.course_id)
        data = {
            "chat_id": ref.chat_id,
            "message_id": ref.message_id,
            "username": story.showcase_username,
            "course": course.tag if course else "",
        }
        for facilitator in await uow.courses.facilitators(story.course_id):
            await uow.outbox.put(Notice(facilitator.id, NoticeKind.SHOWCASE_UNDELETABLE, data), now)
    return [story.text for story in gone]
