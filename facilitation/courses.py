"""Use cases for courses: set-up, attaching chats, settings and facilitators."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from facilitation import guest_questions, languages, parsing, people
from facilitation.errors import NotAllowed, NotFound, ParseError
from facilitation.languages import N_
from facilitation.model import Attachment, Chat, Course, CourseSettings, Person, Scope
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import course_facilitated, course_for_command, require_facilitator

MAX_TITLE = 200


@dataclass(frozen=True)
class SetupResult:
    course: Course
    scope: Scope
    created: bool
    renamed_from: str | None = None  # /setup again with a new title renames the course


@dataclass(frozen=True)
class CourseView:
    attachment: Attachment
    facilitators: list[Person]


async def setup(
    uow: UnitOfWork,
    chat: Chat,
    sender: Person,
    is_chat_admin: bool,
    hashtag: str,
    scope: Scope,
    title: str | None,
    now: datetime,
    bot_admin: bool | None = None,
) -> SetupResult:
    """`bot_admin`: whether Flock is the chat's admin (None: not asked)."""
    if not is_chat_admin:
        raise NotAllowed(N_("Only an admin of this chat can attach it to a course."))
    title = title[:MAX_TITLE] if title else None
    async with uow:
        await uow.people.seen(sender, now)
        course = await uow.courses.by_hashtag(hashtag)
        created, renamed_from = course is None, None
        if course is None:
            course = await uow.courses.add(hashtag, title or chat.title or f"#{hashtag}", now)
            await uow.courses.add_facilitator(course.id, sender.id, now)
        elif not await uow.courses.is_facilitator(course.id, sender.id):
            raise NotAllowed(
                N_(
                    "{tag} already belongs to a course you don't facilitate. "
                    "Ask one of its facilitators to run /setup here, or pick another hashtag."
                ),
                tag=course.tag,
            )
        attachments = await uow.courses.attachments(chat.id)
        if scope is Scope.ALL and any(a.scope is Scope.ALL and a.course.id != course.id for a in attachments):
            raise NotAllowed(
                N_(
                    "This chat is already dedicated to another course. /detach it first, "
                    "or run /setup {tag} tagged to share the chat."
                ),
                tag=course.tag,
            )
        if not created and title and title != course.title:  # a facilitator's, checked above
            await uow.courses.rename(course.id, title)
            course, renamed_from = replace(course, title=title), course.title
        await uow.courses.attach(course.id, chat, scope, now)
        if bot_admin is not None:
            await uow.courses.set_bot_admin(chat.id, bot_admin)
        await uow.commit()
    return SetupResult(course, scope, created, renamed_from)


async def detach(
    uow: UnitOfWork, chat_id: int, sender: Person, is_chat_admin: bool, tags: list[str]
) -> Course:
    async with uow:
        course = await course_for_command(uow, chat_id, tags)
        if not is_chat_admin and not await uow.courses.is_facilitator(course.id, sender.id):
            raise NotAllowed(N_("Only a chat admin or a facilitator of {tag} can detach it."), tag=course.tag)
        await uow.courses.detach(course.id, chat_id)
        await uow.commit()
    return course


async def describe_chat(uow: UnitOfWork, chat_id: int) -> list[CourseView]:
    async with uow:
        return [
            CourseView(a, await uow.courses.facilitators(a.course.id))
            for a in await uow.courses.attachments(chat_id)
        ]


async def bot_removed(uow: UnitOfWork, chat_id: int) -> list[Course]:
    """The bot left or was removed: detach the chat, keep everything it collected."""
    async with uow:
        courses = [a.course for a in await uow.courses.attachments(chat_id)]
        for course in courses:
            await uow.courses.detach(course.id, chat_id)
        await uow.commit()
    return courses


async def bot_admin_changed(uow: UnitOfWork, chat_id: int, admin: bool) -> None:
    """Telegram said Flock became, or stopped being, the chat's admin: it sees reactions only as one."""
    async with uow:
        await uow.courses.set_bot_admin(chat_id, admin)
        await uow.commit()


async def chat_migrated(uow: UnitOfWork, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
    """A group became a supergroup: its courses follow, and each session taking questions gets a
    board there (the old group's can no longer be edited)."""
    async with uow:
        await uow.move_chat(old_chat_id, new_chat_id, now)
        courses = [a.course.id for a in await uow.courses.attachments(new_chat_id)]
        for session in await uow.guest_sessions.of_courses(sorted(set(courses))):
            if new_chat_id in dict(await uow.guest_sessions.boards(session.id)):
                continue
            board = Notice(
                new_chat_id,
                NoticeKind.SESSION_ANNOUNCED,
                await guest_questions.board_data(uow, session),
                subject=f"board:{session.id}",
            )
            await uow.outbox.put(board, now)
        await uow.commit()


async def find_course(uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]) -> Course:
    """The course a facilitator command means: the chat's, or in private the one they run."""
    if chat_id is None:
        return await course_facilitated(uow, person_id, tags)
    return await course_for_command(uow, chat_id, tags)


async def change_setting(
    uow: UnitOfWork,
    chat_id: int | None,
    sender: Person,
    tags: list[str],
    key: str,
    value: str,
    now: datetime,
) -> Course:
    async with uow:
        course = await find_course(uow, chat_id, sender.id, tags)
        await require_facilitator(uow, course, sender.id)
        settings = _with_setting(course.settings, key, value)
        await uow.courses.save_settings(course.id, settings)
        if settings.sla != course.settings.sla:
            await uow.alerts.reschedule(course.id, settings.sla)
        if settings.helper_wait != course.settings.helper_wait:  # `nudge`, or the SLA it halves
            await uow.helpers.reschedule(course.id, settings.helper_wait)
        if settings.retention != course.settings.retention:  # the tick purges from the next round
            await uow.privacy.schedule_purge(course.id, now if settings.retention else None)
        await uow.commit()
    return replace(course, settings=settings)


def _with_setting(settings: CourseSettings, key: str, value: str) -> CourseSettings:
    if key == "sla":
        return replace(settings, sla=parsing.duration(value))
    if key == "timezone":
        return replace(settings, timezone=parsing.timezone(value))
    if key == "quiet":
        return replace(settings, quiet=parsing.quiet_hours(value))
    if key == "digest":
        return replace(settings, digest_at=parsing.digest_time(value))
    if key == "detect":
        return replace(settings, detect=parsing.detection(value))
    if key == "retention":
        return replace(settings, retention=parsing.retention(value))
    if key == "language":
        return replace(settings, language=languages.language(value))
    if key == "start":
        return replace(settings, starts_on=parsing.course_start(value))
    if key == "nudge":
        return replace(settings, nudge=parsing.nudge(value))
    if key == "highlights":
        return replace(settings, highlights=parsing.switch(value))
    # The keys in the text itself, so each language lists its own (`délai, fuseau…` in French).
    raise ParseError(
        N_(
            "There is no setting “{key}”. "
            "Settings: sla, timezone, quiet, digest, detect, retention, language, start, nudge, highlights."
        ),
        key=key[:30],
    )


async def show_settings(uow: UnitOfWork, chat_id: int | None, sender: Person, tags: list[str]) -> Course:
    async with uow:
        course = await find_course(uow, chat_id, sender.id, tags)
        await require_facilitator(uow, course, sender.id)
        return course


async def add_facilitator(
    uow: UnitOfWork,
    chat_id: int | None,
    sender: Person,
    tags: list[str],
    target: Person | str,
    now: datetime,
) -> tuple[Course, Person, bool]:
    """Returns the course, the person and whether they were newly added."""
    async with uow:
        course = await find_course(uow, chat_id, sender.id, tags)
        await require_facilitator(uow, course, sender.id)
        person = await people.named(uow, target, None, now)
        added = await uow.courses.add_facilitator(course.id, person.id, now)
        await uow.commit()
    return course, person, added


async def remove_facilitator(
    uow: UnitOfWork, chat_id: int | None, sender: Person, tags: list[str], target: Person | str
) -> tuple[Course, Person]:
    async with uow:
        course = await find_course(uow, chat_id, sender.id, tags)
        await require_facilitator(uow, course, sender.id)
        person = await people.named(uow, target, None)
        if not await uow.courses.is_facilitator(course.id, person.id):
            raise NotFound(N_("{name} isn't a facilitator of {tag}."), name=person.name, tag=course.tag)
        if len(await uow.courses.facilitators(course.id)) == 1:
            raise NotAllowed(
                N_("{tag} needs at least one facilitator. Add another one first."), tag=course.tag
            )
        await uow.courses.remove_facilitator(course.id, person.id)
        await uow.commit()
    return course, person


async def list_facilitators(
    uow: UnitOfWork, chat_id: int | None, sender: Person, tags: list[str]
) -> tuple[Course, list[Person]]:
    async with uow:
        course = await find_course(uow, chat_id, sender.id, tags)
        return course, await uow.courses.facilitators(course.id)
