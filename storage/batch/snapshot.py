"""What an inbox batch reads once for all its updates, kept up to date by the batch's own writes.

Read from the claimed updates' JSON before the first is handled: the chats' attachments with
their courses' facilitators, the senders as stored (name, last seen, whether they opened a
private chat), the threads of the messages replied to or edited (the questions asked at or
answered by them, with their askers and whether alerts about them are open), which edited
messages are introductions, which of the bot's messages replied to are discussion prompts, and
which messages replied to, reacted to or edited are discussion answers.
Each part answers only for what it read (`None`: ask the database); `forget` drops it all when
something the batch-aware repositories don't see may have changed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, bindparam, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from facilitation import matching
from facilitation.model import (
    Answer,
    AnswerAt,
    Attachment,
    Candidate,
    Found,
    Person,
    PromptAt,
    Question,
    Scope,
)
from facilitation.offers import WINDOW
from facilitation.redaction import REMOVED
from storage import languages, mapping
from storage.models import (
    AlertRow,
    AnswerRow,
    AttachmentRow,
    CourseRow,
    FacilitatorRow,
    IntroductionRow,
    PersonRow,
    QuestionRow,
    ShareRow,
    StoryRow,
    UnrelayedRow,
    table_of,
)
from storage.repositories.discussions import answers_at, prompts_at
from storage.repositories.offers import SqlOffers
from storage.repositories.search import SqlSearch

Message = tuple[int, int]  # (chat id, message id)


@dataclass(frozen=True)
class Stored:
    """A person as stored when the batch read them."""

    name: str | None
    username: str | None
    last_seen_at: datetime | None
    started: bool | None  # opened a private chat with the bot; None: not read
    app_language: str | None = None
    language: str | None = None  # their /language choice
    languages_read: bool = False  # whether the two above were read


@dataclass
class Given:
    """The answers an inbox batch gave a question, and whether one was stored before them."""

    stored_before: bool
    answers: list[Answer] = field(default_factory=list)

    def best(self, stored: Found) -> Found | None:
        """The question whole with its best answer (as storage.search_index's best_answer: an
        accepted one, else a facilitator's, else the first), from what was stored (`stored`, the
        question as the batch left it) and the batch's answers; None when the database must say
        (a facilitator answered in the batch, after answers whose kind the batch doesn't know)."""
        if self.stored_before and stored.answer:
            if any(a.by_facilitator for a in self.answers):
                return None
            return stored  # a peer's later answer never goes before the stored best one
        if not self.answers:
            return stored
        first = min(self.answers, key=lambda a: (not a.by_facilitator, a.answered_at, a.id))
        return replace(stored, answer=first.text or None)


@dataclass
class Snapshot:
    attachments: dict[int, list[Attachment]] = field(default_factory=dict)  # active, by chat
    facilitators: set[tuple[int, int]] = field(default_factory=set)  # (course, person)
    facilitated: set[int] = field(default_factory=set)  # courses whose facilitators were read
    people: dict[int, Stored] = field(default_factory=dict)
    threads: dict[Message, list[int]] = field(default_factory=dict)  # question ids asked at / answered by
    questions: dict[int, Question] = field(default_factory=dict)  # those, as they are now
    followed_up: dict[int, bool] = field(default_factory=dict)  # question: follow-up offered
    alerted: set[int] = field(default_factory=set)  # of the questions read: alerts open
    introduced: set[Message] = field(default_factory=set)  # of edits_known: introductions
    storied: set[Message] = field(default_factory=set)  # of edits_known: stories
    chat_languages: dict[int, str] = field(default_factory=dict)  # of the group chats read
    edits_known: set[Message] = field(default_factory=set)
    prompts: dict[Message, PromptAt] = field(default_factory=dict)  # of prompts_known: discussion prompts
    prompts_known: set[Message] = field(default_factory=set)
    open_prompts: dict[int, list[PromptAt]] = field(default_factory=dict)  # by course: taking A<n> answers
    answers: dict[Message, AnswerAt] = field(default_factory=dict)  # of answers_known: discussion answers
    answers_known: set[Message] = field(default_factory=set)  # replied to by people, or reacted to
    shared: dict[int, frozenset[str]] = field(default_factory=dict)  # of the chats read: hashtags shared
    unrelayed: dict[int, bool] = field(default_factory=dict)  # of the senders read: never collected
    # by course: whether it has an answered or resolved question a match could offer (BatchSearch)
    settled: dict[int, bool] = field(default_factory=dict)
    # by course: the questions answered or edited in the batch, whose answers, texts and stems
    # the buffer may still hold (a match judges them as they now read: BatchSearch)
    changed_in_batch: dict[int, set[int]] = field(default_factory=dict)
    answered_in_batch: dict[int, Given] = field(default_factory=dict)  # of those, the ones answered
    asked_in_batch: set[int] = field(default_factory=set)  # questions: none can have an offer stored
    # by (course, stems): a match of the batch's messages that may ask questions, of what was stored
    matches: dict[tuple[int, tuple[str, ...]], list[Candidate]] = field(default_factory=dict)
    found: dict[int, Found] = field(default_factory=dict)  # earlier questions read whole, untouched
    live: dict[int, bool] = field(default_factory=dict)  # by chat: a live session or discussion
    # by group: since when its offers were read, and when each was made
    offers_stored: dict[int, tuple[datetime, list[datetime]]] = field(default_factory=dict)
    offers_held: dict[int, int | None] = field(default_factory=dict)  # question: the group offered in

    def forget(self) -> None:
        """Nothing read is trusted any more; what is read from here on is learned again."""
        self.attachments, self.threads = {}, {}
        for known in (
            self.prompts,
            self.prompts_known,
            self.open_prompts,
            self.answers,
            self.answers_known,
            self.facilitated,
            self.people,
            self.questions,
            self.followed_up,
            self.edits_known,
            self.chat_languages,
            self.shared,
            self.unrelayed,
            self.settled,
            self.changed_in_batch,
            self.answered_in_batch,
            self.asked_in_batch,
            self.matches,
            self.found,
            self.live,
            self.offers_stored,
            self.offers_held,
        ):
            known.clear()

    # Answers, where the snapshot knows -------------------------------------------------------

    def attached(self, chat_id: int) -> list[Attachment] | None:
        return self.attachments.get(chat_id)

    def learn_attachments(self, chat_id: int, attachments: list[Attachment]) -> None:
        self.attachments[chat_id] = attachments

    def is_facilitator(self, course_id: int, person_id: int) -> bool | None:
        if course_id not in self.facilitated:
            return None
        return (course_id, person_id) in self.facilitators

    def thread(self, message: Message) -> list[Question] | None:
        ids = self.threads.get(message)
        return None if ids is None else [self.questions[i] for i in ids]

    def question(self, question_id: int) -> tuple[Question, bool] | None:
        """A question the snapshot knows, and whether its follow-up was offered."""
        if question_id not in self.followed_up:
            return None
        return self.questions[question_id], self.followed_up[question_id]

    def alerts_open(self, question_id: int) -> bool | None:
        return question_id in self.alerted if question_id in self.followed_up else None

    def prompt_at(self, message: Message) -> tuple[PromptAt | None] | None:
        """(the prompt posted as the message, or None), if the snapshot knows."""
        return (self.prompts.get(message),) if message in self.prompts_known else None

    def answer_at(self, message: Message) -> tuple[AnswerAt | None] | None:
        """(the discussion answer posted as the message, or None), if the snapshot knows."""
        return (self.answers.get(message),) if message in self.answers_known else None

    def introduction_at(self, message: Message) -> bool | None:
        return message in self.introduced if message in self.edits_known else None

    def story_at(self, message: Message) -> bool | None:
        return message in self.storied if message in self.edits_known else None

    # The batch's own changes -----------------------------------------------------------------

    def saw(self, person: Person, now: datetime) -> None:
        known = self.people.get(person.id) or Stored(None, None, None, None)
        app_language = person.language or known.app_language
        self.people[person.id] = replace(
            known,
            name=person.name[:256],
            username=person.username,
            last_seen_at=now,
            app_language=app_language,
        )

    def started(self, person_id: int) -> None:
        if person_id in self.people:
            self.people[person_id] = replace(self.people[person_id], started=True)

    def learn_thread(self, message: Message, questions: list[Question]) -> None:
        self.threads[message] = [q.id for q in questions]
        for question in questions:
            self.questions.setdefault(question.id, question)

    def asked(self, question: Question) -> None:
        self.questions[question.id] = question
        self.asked_in_batch.add(question.id)
        self.followed_up[question.id] = False  # and no alerts yet
        ids = self.threads.get((question.ref.chat_id, question.ref.message_id))
        if ids is not None:
            ids.append(question.id)

    def answered(self, question: Question, message: Message, now: datetime) -> None:
        self.questions.setdefault(question.id, question)
        ids = self.threads.get(message)
        if ids is not None and question.id not in ids:
            ids.append(question.id)
            ids.sort()
        if question.first_answered_at is None:
            self.changed(question.id, first_answered_at=now)

    def changed(self, question_id: int, **changes: Any) -> None:
        if question_id in self.questions:
            self.questions[question_id] = replace(self.questions[question_id], **changes)

    def retexted(self, message: Message, text: str) -> None:
        """As the retext statement: a removed text stays removed (storage/repositories/questions.py)."""
        for question in list(self.questions.values()):
            if (question.ref.chat_id, question.ref.message_id) == message and question.text != REMOVED:
                self.questions[question.id] = replace(question, text=text)
                self.changed_in_batch.setdefault(question.course_id, set()).add(question.id)
        for given in self.answered_in_batch.values():
            given.answers = [
                replace(a, text=text) if (a.ref.chat_id, a.ref.message_id) == message else a
                for a in given.answers
            ]

    def gave_answer(self, question: Question, answer: Answer) -> None:
        """The batch answered the question (`question` as it was before this answer)."""
        self.changed_in_batch.setdefault(question.course_id, set()).add(question.id)
        given = self.answered_in_batch.setdefault(question.id, Given(question.first_answered_at is not None))
        given.answers.append(answer)

    def offered(self, question_id: int) -> None:
        if question_id in self.followed_up:
            self.followed_up[question_id] = True

    def closed_alerts(self, question_id: int) -> None:
        self.alerted.discard(question_id)

    def introduced_as(self, message: Message | None) -> None:
        if message is not None:
            self.introduced.add(message)


# Reading it --------------------------------------------------------------------------------------

# Built once: the lists are bound as they are (expanding IN), so each statement compiles the
# first time only, and every one of them reads by an index.
_PEOPLE = select(
    PersonRow.id,
    PersonRow.name,
    PersonRow.username,
    PersonRow.last_seen_at,
    PersonRow.started_at,
    PersonRow.app_language,
    PersonRow.language,
).where(PersonRow.id.in_(bindparam("people", expanding=True)))
_ATTACHED = (  # with each course's facilitators, a row per facilitator
    select(AttachmentRow, CourseRow, FacilitatorRow.person_id)
    .join(CourseRow, CourseRow.id == AttachmentRow.course_id)
    .outerjoin(FacilitatorRow, FacilitatorRow.course_id == AttachmentRow.course_id)
    .where(AttachmentRow.chat_id.in_(bindparam("chats", expanding=True)), AttachmentRow.active)
    .order_by(AttachmentRow.attached_at, AttachmentRow.course_id)
)
# Messages (chat, message) by each column's IN list: indexed, one statement compiled; the exact
# pairs are picked from what it finds.
_Located = tuple[ColumnElement[int], ColumnElement[int]]


def _at(columns: _Located) -> ColumnElement[bool]:
    chat, message = columns
    return chat.in_(bindparam("chats", expanding=True)) & message.in_(bindparam("messages", expanding=True))


def _located(messages: set[Message]) -> dict[str, Any]:
    return {"chats": list({chat for chat, _ in messages}), "messages": list({m for _, m in messages})}


# The questions asked at, or answered by, the messages, with the asker and whether alerts about
# the question are open: the columns a Question is made of, and no more.
_q, _a, _p = table_of(QuestionRow), table_of(AnswerRow), table_of(PersonRow)
_alerted = select(AlertRow.id).where(AlertRow.question_id == _q.c.id, AlertRow.outcome.is_(None)).exists()
_QUESTION = ("id", "course_id", "chat_id", "message_id", "thread_id", "asker_id", "text", "state")
_COLUMNS = (
    *(_q.c[name] for name in _QUESTION),
    *(
        _q.c[name]
        for name in ("asked_at", "first_answered_at", "resolved_at", "followup_sent_at", "needs_follow_up")
    ),
    _p.c.name.label("asker_name"),
    _p.c.username.label("asker_username"),
    _p.c.last_seen_at.label("asker_last_seen_at"),
    (_p.c.id.is_not(None)).label("asker_known"),
    _p.c.started_at.label("asker_started_at"),
    _alerted.label("alerted"),
)
_THREADS_AT = union_all(
    select(_q.c.chat_id.label("at_chat"), _q.c.message_id.label("at_message"), *_COLUMNS)
    .select_from(_q.outerjoin(_p, _p.c.id == _q.c.asker_id))
    .where(_at((_q.c.chat_id, _q.c.message_id))),
    select(_a.c.chat_id.label("at_chat"), _a.c.message_id.label("at_message"), *_COLUMNS)
    .select_from(_a.join(_q, _q.c.id == _a.c.question_id).outerjoin(_p, _p.c.id == _q.c.asker_id))
    .where(_at((_a.c.chat_id, _a.c.message_id))),
)
_intro, _story = table_of(IntroductionRow), table_of(StoryRow)
# Which edited messages are introductions, and which stories: one statement.
_INTRODUCTIONS_AT = union_all(
    select(_intro.c.chat_id, _intro.c.message_id, literal(False).label("story")).where(
        _at((_intro.c.chat_id, _intro.c.message_id))
    ),
    select(_story.c.chat_id, _story.c.message_id, literal(True).label("story")).where(
        _at((_story.c.chat_id, _story.c.message_id))
    ),
)


_SHARED = select(ShareRow.chat_id, ShareRow.hashtag).where(
    ShareRow.chat_id.in_(bindparam("chats", expanding=True))
)
_UNRELAYED = select(UnrelayedRow.person_id).where(
    UnrelayedRow.person_id.in_(bindparam("people", expanding=True))
)


async def read(
    session: AsyncSession,
    chats: set[int],
    replies: set[Message],
    senders: set[int],
    edited: set[Message],
    to_bots: set[Message] | None = None,
    reacted: set[Message] | None = None,
    sourcing: set[int] | None = None,
    asking: dict[int, list[str]] | None = None,
    asked_from: datetime | None = None,
) -> Snapshot:
    """What the batch's updates will read, read once (a statement per part that has anything
    to read). `to_bots`: which replies are to a bot's message, the only ones that can be to a
    discussion's prompt (None: any); `reacted`: the messages reactions changed on. `sourcing`:
    the chats whose updates may be collected for those following a hashtag (hashtags, replies,
    reactions): what they share is read, and, if any chat shares anything, which senders are
    never collected. `asking`: by chat, the texts of new messages that may ask questions
    (facilitation.matching.asked_as): each is matched ahead against what each course of the chat
    stored, all in one statement; `asked_from`: when the earliest of them was sent (the groups'
    offers of the hour before it are read with the matches)."""
    snapshot = Snapshot(attachments={chat: [] for chat in chats}, edits_known=set(edited))
    if senders:
        unknown = Stored(None, None, None, started=False, languages_read=True)  # not stored yet
        snapshot.people = dict.fromkeys(senders, unknown)
        for row in await session.execute(_PEOPLE, {"people": list(senders)}):
            snapshot.people[row.id] = Stored(
                row.name,
                row.username,
                row.last_seen_at,
                row.started_at is not None,
                row.app_language,
                row.language,
                languages_read=True,
            )
    if chats:
        await _read_attachments(session, snapshot, chats)
    if edited:
        found = list(await session.execute(_INTRODUCTIONS_AT, _located(edited)))
        snapshot.introduced = edited & {(row.chat_id, row.message_id) for row in found if not row.story}
        snapshot.storied = edited & {(row.chat_id, row.message_id) for row in found if row.story}
    await _read_threads(session, snapshot, replies | edited)
    # Which replies are to a discussion's prompt (answers reply to them): the bot's messages.
    snapshot.prompts = await prompts_at(session, replies if to_bots is None else replies & to_bots)
    snapshot.prompts_known = set(replies)
    # Which replied-to, reacted and edited messages are discussion answers: one statement, for
    # those not the bot's (an answer never is).
    to_people = replies if to_bots is None else replies - to_bots
    snapshot.answers = await answers_at(session, to_people | (reacted or set()) | edited)
    snapshot.answers_known = replies | (reacted or set()) | edited
    if sourcing:
        await _read_shared(session, snapshot, sourcing, senders)
    if asking:
        await _match_ahead(session, snapshot, asking, asked_from)
    return snapshot


async def _match_ahead(
    session: AsyncSession, snapshot: Snapshot, asking: dict[int, list[str]], asked_from: datetime | None
) -> None:
    """The batch's matches, their candidates whole, in one statement; then, for the chats of
    candidates strong enough to offer, what an offer reads next: whether they are live and their
    groups' offers of the past hour, together. A chat left out (two chats asking the same words
    of one course) is read when an offer asks."""
    wanted: dict[tuple[int, tuple[str, ...]], tuple[matching.Query, str, int]] = {}
    for chat, texts in asking.items():
        for attachment in snapshot.attachments.get(chat, []):
            for text in texts:
                if (asked := matching.query(text)) is not None:
                    wanted[(attachment.course.id, asked.stems)] = (asked, text, chat)
    search = SqlSearch(session)
    found = await search.match_many(
        [(course, q.stems, q.sizes, q.shared) for (course, _), (q, _, _) in wanted.items()],
        matching.CANDIDATES,
    )
    chats: set[int] = set()
    for key, (_, text, chat), whole in zip(wanted, wanted.values(), found, strict=True):
        snapshot.matches[key] = [Candidate(f.question.id, f.question.text) for f in whole]
        snapshot.found.update((f.question.id, f) for f in whole)
        if any(matching.similarity(text, f.question.text) >= matching.STRONG for f in whole):
            chats.add(chat)
    if chats:
        # Whether their chats are live, and the hourly cap of the groups offers may be made in.
        since = (asked_from or datetime.max.replace(tzinfo=UTC)) - WINDOW
        live, times = await SqlOffers(session).live_and_offered(chats, since)
        snapshot.live.update((chat, chat in live) for chat in chats)
        snapshot.offers_stored.update((chat, (since, made)) for chat, made in times.items())


async def _read_shared(session: AsyncSession, snapshot: Snapshot, chats: set[int], senders: set[int]) -> None:
    found: dict[int, set[str]] = {chat: set() for chat in chats}
    for chat, hashtag in await session.execute(_SHARED, {"chats": list(chats)}):
        found[chat].add(hashtag)
    snapshot.shared = {chat: frozenset(tags) for chat, tags in found.items()}
    if senders and any(snapshot.shared.values()):
        snapshot.unrelayed = dict.fromkeys(senders, False)
        for person in await session.scalars(_UNRELAYED, {"people": list(senders)}):
            snapshot.unrelayed[person] = True


async def _read_attachments(session: AsyncSession, snapshot: Snapshot, chats: set[int]) -> None:
    attachments = snapshot.attachments
    seen: set[tuple[int, int]] = set()
    for attachment, course, facilitator in await session.execute(_ATTACHED, {"chats": list(chats)}):
        if (attachment.chat_id, course.id) not in seen:
            seen.add((attachment.chat_id, course.id))
            attachments[attachment.chat_id].append(
                Attachment(mapping.course(course), attachment.chat_id, Scope(attachment.scope))
            )
            snapshot.chat_languages.setdefault(attachment.chat_id, course.language)
        snapshot.facilitated.add(course.id)
        if facilitator is not None:
            snapshot.facilitators.add((course.id, facilitator))
    unattached = [chat for chat in chats if chat < 0 and chat not in snapshot.chat_languages]
    if unattached:  # a facilitators' group, or a group not set up yet
        snapshot.chat_languages.update(await languages.of_groups(session, unattached))


async def _read_threads(session: AsyncSession, snapshot: Snapshot, messages: set[Message]) -> None:
    snapshot.threads = {message: [] for message in messages}
    if not messages:
        return
    for row in await session.execute(_THREADS_AT, _located(messages)):
        message = (row.at_chat, row.at_message)
        if message not in messages:
            continue
        if row.id not in snapshot.questions:
            question = mapping.question(cast(QuestionRow, row), None)  # a row of the same columns
            if row.asker_known:
                asker = Person(row.asker_id, row.asker_name, row.asker_username)
                question = replace(question, asker=asker)
                started = row.asker_started_at is not None
                snapshot.people.setdefault(
                    row.asker_id, Stored(row.asker_name, row.asker_username, row.asker_last_seen_at, started)
                )
            snapshot.questions[row.id] = question
            snapshot.followed_up[row.id] = row.followup_sent_at is not None
            if row.alerted:
                snapshot.alerted.add(row.id)
        thread = snapshot.threads[message]
        if row.id not in thread:
            thread.append(row.id)
    for ids in snapshot.threads.values():
        ids.sort()
