"""What a message in a course chat means: activity, introduction, question, answer, resolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from facilitation import (
    alerts,
    detection,
    discussions,
    followups,
    offers,
    parsing,
    questions,
    sharing,
    stories,
)
from facilitation.acks import Ack, react, take_back_if_dismissed
from facilitation.model import (
    Chat,
    Course,
    Detection,
    MessageRef,
    Person,
    Question,
    QuestionState,
    SharedPost,
)
from facilitation.ports import UnitOfWork
from facilitation.redaction import REMOVED
from facilitation.scope import courses_in_scope

WHICH_SOLVED_LIMIT = 8  # buttons to choose from; older questions are listed by /questions


@dataclass(frozen=True)
class Post:
    chat: Chat
    ref: MessageRef
    author: Person
    text: str
    at: datetime
    reply_to: int | None = None  # message id replied to; None for topic roots
    links: tuple[str, ...] = ()  # the URLs in it
    media: tuple[str, str] | None = None  # ("photo" or "document", Telegram's file id): a caption's

    def shared(self) -> SharedPost:
        """As a source's post (facilitation/sharing.py), its hashtag still to fill in."""
        chat, ref, author = self.chat, self.ref, self.author
        return SharedPost(
            "",
            chat.id,
            chat.title,
            chat.username,
            ref.message_id,
            ref.thread_id,
            author.id,
            author.name,
            self.text,
            self.links,
            self.at,
        )


@dataclass
class PostOutcome:
    acks: list[Ack] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    answered: list[Question] = field(default_factory=list)
    resolved: list[Question] = field(default_factory=list)
    # #solved outside a thread from someone with several open questions: which one? (oldest first)
    which_solved: list[Question] = field(default_factory=list)
    offered: list[Question] = field(default_factory=list)  # an earlier answer offered (facilitation.offers)


async def receive(
    uow: UnitOfWork, post: Post, edit: bool = False, now: datetime | None = None
) -> PostOutcome:
    """`edit`: the post is an edit (of a message not tracked yet, or of a discussion's answer).
    `now`: when it is taken in (a source's posts are collected as of then; default its time)."""
    async with uow:
        outcome = PostOutcome()
        attachments = await uow.courses.attachments(post.chat.id)
        tags = parsing.hashtags(post.text)
        collected = not edit and await sharing.collect(
            uow, post.shared(), tags, post.reply_to, now or post.at
        )
        thread = await uow.questions.thread_of(post.chat.id, post.reply_to) if post.reply_to else []
        own = await _own_open(uow, post, tags) if attachments and not thread else []
        # A reply to a discussion's prompt is an answer in its course, hashtag or not.
        prompt = (
            await uow.discussions.prompt_at(post.chat.id, post.reply_to)
            if post.reply_to and attachments and not thread
            else None
        )
        # A reply to a discussion's answer is kept under it (for its recap and transcript).
        under = (
            await uow.discussions.answer_at(post.chat.id, post.reply_to)
            if post.reply_to and attachments and not thread and prompt is None
            else None
        )
        # A reply in a tracked thread belongs to the question's course even without the hashtag,
        # and so do a #solved about the writer's own open question and a reply to an answer.
        extra = {q.course_id for q in thread + own} | {
            found.course_id for found in (prompt, under) if found is not None
        }
        courses = courses_in_scope(attachments, tags, extra)
        if not courses:
            if collected:
                await uow.commit()
            return outcome
        answers = await discussions.answers_to(uow, prompt, post.text, courses, post.at)
        # An edited answer stays as it was stored (and acknowledged), whatever it now says.
        if edit and (answers or await uow.discussions.answer_at(post.chat.id, post.ref.message_id)):
            return outcome
        await uow.people.seen(post.author, post.at)
        for course in courses:
            await uow.learners.record_post(course.id, post.author.id, post.at, post.ref)
            if course.id in answers:  # an answer, whatever its punctuation: never a question
                await uow.discussions.add_answer(
                    answers[course.id], post.author, post.text, post.ref, post.at
                )
                outcome.acks.append(Ack.ANSWER)
                continue
            if under is not None and under.course_id == course.id:
                # An edit keeps the first text, as an answer does (the store ignores it).
                await uow.discussions.add_reply(under, post.author, post.text, post.ref, post.at)
            await _classify(uow, course, post, tags, thread, outcome)
        await _solve_own(uow, post, own, outcome)
        # A story is kept in the first course it counts for; its 🎉 is the message's reaction.
        if not edit and stories.is_story(tags):
            text = detection.strip_tags(post.text, stories.TAGS) or post.text
            if await stories.told(uow, courses[0], post.ref, post.author, text, post.at, post.media):
                outcome.acks.insert(0, Ack.STORY)
        if outcome.acks:  # one reaction per message, even when it counts for several courses
            await react(uow, post.ref, outcome.acks[0], post.at)
        await uow.commit()
        return outcome


async def _classify(
    uow: UnitOfWork,
    course: Course,
    post: Post,
    tags: list[str],
    thread: list[Question],
    outcome: PostOutcome,
) -> None:
    question = next((q for q in thread if q.course_id == course.id), None)
    if detection.is_introduction(tags):
        text = detection.strip_tags(post.text, detection.INTRO_TAGS)
        await uow.introductions.replace(course.id, post.author, text, post.ref, post.at)
        outcome.acks.append(Ack.INTRODUCTION)
    elif detection.is_question(post.text, tags, course.settings.detect, question is not None):
        text = detection.question_text(post.text)
        overdue_at = post.at + course.settings.sla
        asked = await uow.questions.add(
            course.id, post.author, text, post.ref, post.at, overdue_at, course.settings.helpers_due(post.at)
        )
        outcome.questions.append(asked)
        outcome.acks.append(Ack.QUESTION)
        # One offer per message, even when it counts for several courses.
        first = not any(q.ref == asked.ref for q in outcome.offered)
        if first and await offers.offer(uow, course, asked, post.at):
            outcome.offered.append(asked)
    elif question is not None and post.author.id != question.asker.id:
        await answer(uow, course, question, post, outcome)
    solves = question is not None and detection.marks_solved(tags)
    if solves and question and await _may_resolve(uow, course, question, post.author.id):
        await uow.questions.set_state(question.id, QuestionState.RESOLVED, post.author.id, post.at)
        await alerts.close(uow, question.id, "resolved", post.author, post.at)
        outcome.resolved.append(question)
        outcome.acks.append(Ack.RESOLVED)


async def _own_open(uow: UnitOfWork, post: Post, tags: list[str]) -> list[Question]:
    if not detection.marks_solved(tags):
        return []
    return await uow.questions.unresolved_asked_by(post.chat.id, post.author.id, WHICH_SOLVED_LIMIT)


async def _solve_own(uow: UnitOfWork, post: Post, own: list[Question], outcome: PostOutcome) -> None:
    """#solved, not as a reply: the writer's only open question is resolved; with several, the
    bot asks which (a message naming two courses is one question, stored once per course)."""
    asked = questions.one_per_message(own)
    if len(asked) > 1:
        outcome.which_solved = asked
        return
    for question in own:
        await uow.questions.set_state(question.id, QuestionState.RESOLVED, post.author.id, post.at)
        await alerts.close(uow, question.id, "resolved", post.author, post.at)
        outcome.resolved.append(question)
    if own:
        outcome.acks.append(Ack.RESOLVED)


async def answer(
    uow: UnitOfWork, course: Course, question: Question, post: Post, outcome: PostOutcome
) -> None:
    by_facilitator = await uow.courses.is_facilitator(course.id, post.author.id)
    await uow.questions.add_answer(question, post.author, post.text, post.ref, by_facilitator, post.at)
    if question.state is QuestionState.OPEN:
        await uow.questions.set_state(question.id, QuestionState.ANSWERED, None, post.at)
        await alerts.close(uow, question.id, "answered", post.author, post.at)
        # A message naming several courses is a question per course: its asker is asked once.
        if not any(q.ref == question.ref for q in outcome.answered):
            await followups.offer(uow, course, question, post.author, post.at)
    outcome.answered.append(question)


async def _may_resolve(uow: UnitOfWork, course: Course, question: Question, person_id: int) -> bool:
    if question.state not in (QuestionState.OPEN, QuestionState.ANSWERED):
        return False
    return person_id == question.asker.id or await uow.courses.is_facilitator(course.id, person_id)


async def edited(uow: UnitOfWork, post: Post, by_command: bool = False) -> PostOutcome:
    """An edit updates the stored text and runs detection again: an untracked message edited into
    a question (or given #intro) starts tracking, as each course's detection says, and a question
    edited into something that no longer reads as one ("never mind, found it") is withdrawn. An
    /ask is a question whatever it says (`by_command`)."""
    tags = parsing.hashtags(post.text)
    may_start = detection.is_introduction(tags) or detection.is_question(
        post.text, tags, Detection.AUTO, replies_to_tracked=False
    )
    async with uow:
        question = detection.question_text(post.text)
        intro = detection.strip_tags(post.text, detection.INTRO_TAGS)
        changed = await uow.questions.edit(post.chat.id, post.ref.message_id, question)
        changed |= await uow.introductions.edit(post.ref, intro)
        if changed and not by_command:
            await _withdraw_if_no_longer_asked(uow, post, tags)
        await sharing.edited(uow, post.shared(), tags)
        await stories.edited(uow, post.ref, detection.strip_tags(post.text, stories.TAGS), tags)
        await uow.commit()
    if changed or not may_start:
        return PostOutcome()
    return await receive(uow, post, edit=True)


async def _withdraw_if_no_longer_asked(uow: UnitOfWork, post: Post, tags: list[str]) -> None:
    """Closed as dismissed by the asker, its alerts marked "withdrawn": no new state for lists,
    digests and exports to learn, and /mine shows it as "not a question", which it now is. A
    question whose words were forgotten or purged is no longer its message's to change: after
    /forget_me, "withdrawn by" would name who asked it."""
    here = (post.chat.id, post.ref.message_id)
    asked = [
        q
        for q in await uow.questions.thread_of(*here)
        if (q.ref.chat_id, q.ref.message_id) == here and q.is_unresolved and q.text != REMOVED
    ]
    if not asked:
        return  # an answer was edited, or a question already closed
    detects = {a.course.id: a.course.settings.detect for a in await uow.courses.attachments(post.chat.id)}
    withdrawn = False
    for question in asked:
        detect = detects.get(question.course_id)
        if detect is None or detection.is_question(post.text, tags, detect, replies_to_tracked=False):
            continue
        await uow.questions.set_state(question.id, QuestionState.DISMISSED, post.author.id, post.at)
        await alerts.close(uow, question.id, "withdrawn", post.author, post.at)
        withdrawn = True
    if withdrawn:
        await take_back_if_dismissed(uow, [post.ref], post.at)
