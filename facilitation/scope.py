"""Which course a message or command in a chat belongs to."""

from __future__ import annotations

from collections.abc import Collection

from facilitation.errors import NotAllowed, NotFound
from facilitation.languages import N_
from facilitation.model import Attachment, Course, Scope
from facilitation.ports import ChatMembership, UnitOfWork


def courses_in_scope(
    attachments: list[Attachment], tags: list[str], threads: Collection[int] = ()
) -> list[Course]:
    """A plain message belongs to the chat's `all` course, to every `tagged` course it names, and
    to the courses whose tracked thread it replies in."""
    return [
        a.course
        for a in attachments
        if a.scope is Scope.ALL or a.course.hashtag in tags or a.course.id in threads
    ]


async def course_for_command(uow: UnitOfWork, chat_id: int, tags: list[str]) -> Course:
    """The one course a command in this chat refers to: named by hashtag, or the only one."""
    attachments = await uow.courses.attachments(chat_id)
    if not attachments:
        raise NotFound(N_("This chat isn't attached to a course yet. A chat admin can run /setup #tag."))
    named = [a.course for a in attachments if a.course.hashtag in tags]
    if named:
        return named[0]
    if len(attachments) == 1:
        return attachments[0].course
    listed = ", ".join(a.course.tag for a in attachments)
    raise NotFound(N_("This chat carries several courses ({listed}). Add the course hashtag."), listed=listed)


async def course_facilitated(uow: UnitOfWork, person_id: int, tags: list[str]) -> Course:
    """For a command in private: the course named by hashtag, or the only one the person runs."""
    courses = await uow.courses.facilitated_by(person_id)
    if tags:
        for course in courses:
            if course.hashtag in tags:
                return course
        raise NotAllowed(N_("You don't facilitate #{tag}."), tag=tags[0][:64])
    if len(courses) == 1:
        return courses[0]
    if not courses:
        raise NotAllowed(N_("You don't facilitate any course. Facilitators set one up with /setup."))
    listed = ", ".join(c.tag for c in courses)
    raise NotFound(N_("You facilitate several courses ({listed}). Add the course hashtag."), listed=listed)


async def require_facilitator(uow: UnitOfWork, course: Course, person_id: int) -> None:
    if not await uow.courses.is_facilitator(course.id, person_id):
        raise NotAllowed(N_("Only facilitators of {tag} can do that."), tag=course.tag)


async def courses_run_by(
    uow: UnitOfWork, chat_id: int | None, person_id: int, tags: list[str]
) -> list[Course]:
    """For facilitator views: the chat's course, or in private every course the person runs."""
    if chat_id is not None:
        course = await course_for_command(uow, chat_id, tags)
        await require_facilitator(uow, course, person_id)
        return [course]
    if tags:
        return [await course_facilitated(uow, person_id, tags)]
    courses = await uow.courses.facilitated_by(person_id)
    if not courses:
        raise NotAllowed(N_("You don't facilitate any course. Facilitators set one up with /setup."))
    return courses


async def require_course_member(
    uow: UnitOfWork,
    course: Course,
    person_id: int,
    members: ChatMembership | None,
    guest_id: int | None = None,
) -> None:
    """For what the course's chats see anyway (a session's board, its transcript), asked for in
    private: its facilitators, its learners, the session's guest, and whoever is in its chats."""
    if person_id == guest_id or await uow.courses.is_facilitator(course.id, person_id):
        return
    if course.id in {c.id for c in await uow.learners.courses_of(person_id)}:
        return
    chats = await uow.courses.chats_of(course.id) if members is not None else []
    for chat in chats:
        if members is not None and await members.is_member(chat.id, person_id):
            return
    raise NotAllowed(N_("That is for the members of {tag}'s group. Join it first."), tag=course.tag)


async def require_attached(uow: UnitOfWork, chat_id: int, course: Course, session_id: int) -> None:
    """A numbered session used from a group must belong to one of the group's courses."""
    if course.id not in {a.course.id for a in await uow.courses.attachments(chat_id)}:
        raise NotFound(N_("Session {number} belongs to a course this chat isn't part of."), number=session_id)


async def learner_course(uow: UnitOfWork, person_id: int, tags: list[str]) -> Course:
    """For a learner's command in private: the course named by hashtag, or the only one they are in."""
    courses = await uow.learners.courses_of(person_id)
    for course in courses:
        if course.hashtag in tags:
            return course
    if len(courses) == 1 and not tags:
        return courses[0]
    if not courses:
        raise NotFound(N_("I haven't seen you in a course chat yet. Introduce yourself there."))
    listed = ", ".join(c.tag for c in courses)
    if tags:  # they named one, but not one of theirs: say so, or they'd think it wasn't read
        named = ", ".join(f"#{t}" for t in tags)
        raise NotFound(
            N_("Which course? {named} isn't one of your courses: add the hashtag of one that is, {listed}."),
            named=named,
            listed=listed,
        )
    raise NotFound(N_("Which course? Add its hashtag: {listed}."), listed=listed)
