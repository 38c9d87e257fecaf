"""Writes held back for the rest of an inbox batch, and what the batch reads once for all its
updates.

Round trips, not SQL, bound how fast messages are taken in: every statement costs a hop to the
database (aiosqlite's thread, asyncpg's socket) worth dozens of times what SQLite spends on it.
So while a batch of updates is processed, the busy path's writes (people seen, posts counted,
questions, answers, reactions) are kept here and sent at the batch's end as one executemany per
statement, and the rows its reads need (the threads replied to, the chats' attachments, the
courses' facilitators) are read once for the whole batch.

What keeps this equivalent to writing at once:
- A statement that is not held and touches a table with held writes sends them first, so every
  read sees the batch's own writes; any write that is not held sends them all first.
- A unit of work's held writes are its own until it commits: a failing update's are dropped.
  Its SAVEPOINT is begun only when something of it must reach the database before the batch
  ends (it writes directly, or a read needs its writes), so most updates need none.
- Writes sharing a key (a row they touch) keep their order; tables are written parents first.
- When the held writes of updates that have finished fail as they are sent, the batch is rolled
  back and done again without holding anything (HeldWritesFailed), so the update at fault fails
  alone, as it would have.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast
from weakref import WeakKeyDictionary

from sqlalchemy import (
    ColumnElement,
    Executable,
    Table,
    bindparam,
    event,
    func,
    select,
    union_all,
)
from sqlalchemy.exc import ResourceClosedError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction
from sqlalchemy.sql import ClauseElement, visitors
from sqlalchemy.sql.dml import UpdateBase

from facilitation.model import Attachment, Person, Question, Scope
from storage import mapping
from storage.errors import is_transient
from storage.models import (
    AlertRow,
    AnswerRow,
    AttachmentRow,
    Base,
    CourseRow,
    FacilitatorRow,
    IntroductionRow,
    PersonRow,
    QuestionRow,
    table_of,
)
from storage.repositories.base import dialect_of

_KEY = "flock_held"
_sequence_pools: WeakKeyDictionary[Any, dict[str, deque[int]]] = WeakKeyDictionary()  # by engine
_ORDER = {table.name: index for index, table in enumerate(Base.metadata.sorted_tables)}
_THREADS = frozenset({"questions", "answers"})  # what the thread overlay is made of
ID_BLOCK = 100  # ids a process takes from a PostgreSQL sequence at once
# An execution option: this direct write leaves what the batch read as it was, or its repository
# updates that itself (storage/repositories/questions.py, edit).
KEEPS_READS = "flock_keeps_batch_reads"
# An execution option: this read doesn't depend on the held writes (its repository knows why).
UNAFFECTED = "flock_unaffected_by_held"


class HeldWritesFailed(Exception):
    """Writes of updates already handled failed when sent: the batch must be done again without
    holding writes, so that the update they came from fails alone."""


@dataclass
class _Write:
    statement: UpdateBase
    params: dict[str, Any]
    keys: frozenset[Hashable]


@dataclass
class _Group:
    statement: UpdateBase
    rows: list[dict[str, Any]]
    keys: set[Hashable]


@dataclass
class Unit:
    writes: list[_Write] = field(default_factory=list)
    savepoint: SessionTransaction | None = None


@dataclass
class Held:
    done: list[_Write] = field(default_factory=list)  # of committed units of work
    units: list[Unit] = field(default_factory=list)  # open units of work, outermost first
    tables: set[str] = field(default_factory=set)  # tables with held writes
    sent: set[str] = field(default_factory=set)  # tables held writes went to, in this batch
    sending: bool = False
    # Read once for the batch; None when no longer trustworthy (a direct write changed it).
    threads: dict[tuple[int, int], list[int]] | None = None  # question ids asked at / answered by
    questions: dict[int, Question] = field(default_factory=dict)  # those, as they are now
    followed_up: dict[int, bool] = field(default_factory=dict)  # question: follow-up offered
    introduced: set[tuple[int, int]] | None = None  # edited messages that are introductions
    edits_known: set[tuple[int, int]] = field(default_factory=set)  # the edited messages read
    attachments: dict[int, list[Attachment]] | None = None  # active, by chat, at the batch's start
    facilitators: set[tuple[int, int]] | None = None  # (course, person)
    facilitated: set[int] = field(default_factory=set)  # courses whose facilitators are known
    started: dict[int, bool] = field(default_factory=dict)  # person: has a private chat
    alerted: set[int] | None = None  # questions with open alerts, of those in `alerts_known`
    alerts_known: set[int] = field(default_factory=set)
    ids: dict[str, deque[int]] = field(default_factory=dict)  # SQLite: numbered for this batch
    highest: dict[str, int] = field(default_factory=dict)  # the highest id handed out, by table
    stored: dict[str, int] = field(default_factory=dict)  # the highest id stored (SQLite), by table

    def add(self, statement: UpdateBase, params: Mapping[str, Any], keys: Iterable[Hashable]) -> None:
        write = _Write(statement, dict(params), frozenset(keys))
        (self.units[-1].writes if self.units else self.done).append(write)
        self.tables.add(_table(statement))

    # Units of work ---------------------------------------------------------------------------

    def begin(self) -> Unit:
        unit = Unit()
        self.units.append(unit)
        return unit

    async def commit(self, session: AsyncSession, unit: Unit) -> None:
        if unit not in self.units:
            return  # committed already
        self.units.remove(unit)
        (self.units[-1].writes if self.units else self.done).extend(unit.writes)
        savepoint = unit.savepoint
        if savepoint is not None and savepoint.is_active:
            await session.run_sync(lambda _: savepoint.commit())

    async def rollback(self, session: AsyncSession, unit: Unit) -> None:
        if unit not in self.units:
            return
        self.units.remove(unit)
        if unit.writes or unit.savepoint is not None:  # what it changed in the batch's reads
            self.forget_threads()
            self.started.clear()
        if unit.savepoint is not None:
            await roll_back(session, unit.savepoint)

    # Sending ---------------------------------------------------------------------------------

    def send(self, session: Session, writing: bool = False) -> None:
        """Everything held, in order: the finished units' writes, then each open unit's inside
        its savepoint, begun now if need be (always when a direct write follows)."""
        if self.sending:
            return
        self.sending = True
        try:
            if self.done:
                writes, self.done = self.done, []
                try:
                    _execute(session, writes)
                except Exception as error:
                    if is_transient(error):
                        raise  # the database is away: the batch is retried as it is, later
                    raise HeldWritesFailed(str(error)) from error
            for unit in self.units:
                if unit.savepoint is None and (writing or unit.writes):
                    unit.savepoint = session.begin_nested()
                if unit.writes:
                    writes, unit.writes = unit.writes, []
                    _execute(session, writes)
            self.sent |= self.tables
            self.tables.clear()
        finally:
            self.sending = False

    def before_direct_write(
        self, session: Session, tables: set[str], inserts: bool, keeps_reads: bool = False
    ) -> None:
        self.send(session, writing=True)
        if inserts:  # SQLite numbers a direct insert itself: ours must start after it
            for table in tables:
                self.ids.pop(table, None)
                self.stored.pop(table, None)
        if keeps_reads:  # the repository brings what the batch read up to date itself
            return
        if tables & _THREADS:
            self.forget_threads()
        if tables & {"introductions"}:
            self.introduced = None
        if tables & {"attachments", "courses"}:
            self.attachments = None
        if tables & {"facilitators"}:
            self.facilitators = None
        if tables & {"people"}:
            self.started.clear()
        if tables & {"alerts"}:
            self.alerted = None

    # The thread overlay: the batch's own changes to what it read -----------------------------

    def forget_threads(self) -> None:
        self.threads = None
        self.questions.clear()
        self.followed_up.clear()

    def thread(self, chat_id: int, message_id: int) -> list[Question] | None:
        ids = None if self.threads is None else self.threads.get((chat_id, message_id))
        return None if ids is None else [self.questions[i] for i in ids]

    def question(self, question_id: int) -> tuple[Question, bool] | None:
        """A question the batch knows, and whether its follow-up was offered."""
        if self.threads is None or question_id not in self.followed_up:
            return None
        return self.questions[question_id], self.followed_up[question_id]

    def learn_thread(self, chat_id: int, message_id: int, questions: list[Question]) -> None:
        if self.threads is not None:
            self.threads[(chat_id, message_id)] = [q.id for q in questions]
            for question in questions:
                self.questions.setdefault(question.id, question)

    def asked(self, question: Question) -> None:
        if self.threads is None:
            return
        self.questions[question.id] = question
        self.followed_up[question.id] = False
        ids = self.threads.get((question.ref.chat_id, question.ref.message_id))
        if ids is not None:
            ids.append(question.id)

    def answered(self, question: Question, chat_id: int, message_id: int) -> None:
        if self.threads is None:
            return
        self.questions.setdefault(question.id, question)
        ids = self.threads.get((chat_id, message_id))
        if ids is not None and question.id not in ids:
            ids.append(question.id)
            ids.sort()

    def changed(self, question_id: int, **changes: Any) -> None:
        if question_id in self.questions:
            self.questions[question_id] = replace(self.questions[question_id], **changes)

    def retexted(self, chat_id: int, message_id: int, new_text: str) -> None:
        for question in list(self.questions.values()):
            if (question.ref.chat_id, question.ref.message_id) == (chat_id, message_id):
                self.questions[question.id] = replace(question, text=new_text)

    def offered(self, question_id: int) -> None:
        if question_id in self.followed_up:
            self.followed_up[question_id] = True

    def alerts_open(self, question_id: int) -> bool | None:
        """Whether the question has open alerts, when the batch knows."""
        if self.alerted is None or question_id not in self.alerts_known:
            return None
        return question_id in self.alerted

    def introduction_at(self, chat_id: int, message_id: int) -> bool | None:
        """Whether an introduction was posted as this message, when the batch knows."""
        key = (chat_id, message_id)
        if self.introduced is None or key not in self.edits_known:
            return None
        return key in self.introduced

    def introduced_as(self, chat_id: int | None, message_id: int | None) -> None:
        if self.introduced is not None and chat_id is not None and message_id is not None:
            self.introduced.add((chat_id, message_id))


async def roll_back(session: AsyncSession, savepoint: SessionTransaction) -> None:
    """Rolls the savepoint back, also when a failed flush left it inactive (the session refuses
    everything until then), unless it is over already."""
    with contextlib.suppress(ResourceClosedError):
        await session.run_sync(lambda _: savepoint.rollback())


def of(session: AsyncSession | Session) -> Held | None:
    """The batch's held writes, when this session is an inbox batch that holds them."""
    found = session.info.get(_KEY)
    return found if isinstance(found, Held) else None


def hold(session: AsyncSession) -> Held:
    held = session.info[_KEY] = Held()
    return held


async def release(session: AsyncSession) -> None:
    """Sends what is held: the batch is about to commit."""
    held = of(session)
    if held is not None:
        await session.run_sync(held.send)


def forget(session: AsyncSession) -> None:
    """Stops holding: the batch is over, committed or not."""
    session.info.pop(_KEY, None)


async def write(
    session: AsyncSession, statement: UpdateBase, params: Mapping[str, Any], keys: Iterable[Hashable]
) -> None:
    """Holds the write when the session holds writes, else executes it at once."""
    held = of(session)
    if held is None:
        await session.execute(statement, dict(params))
    else:
        held.add(statement, params, keys)


async def new_id(session: AsyncSession, table: Table) -> int:
    """An id for a row inserted later in the batch: from the sequence in blocks (PostgreSQL), or
    after the highest stored (SQLite: the batch holds the only write lock)."""
    held = of(session)
    assert held is not None
    postgresql = dialect_of(session) == "postgresql"
    # Sequence values are this process's until used, whatever becomes of the batch that took them.
    pools = _sequence_pools.setdefault(session.bind, {}) if postgresql else held.ids
    free = pools.setdefault(table.name, deque())
    if not free:
        if postgresql:
            sequence = func.pg_get_serial_sequence(table.name, "id")
            found = await session.scalars(
                select(func.nextval(sequence)).select_from(func.generate_series(1, ID_BLOCK))
            )
            free.extend(found)
        else:  # the stored rows and the batch's own held ones: no need to send those first
            stored = held.stored.get(table.name)
            if stored is None:
                highest_stored = select(func.max(table.c.id)).execution_options(**{UNAFFECTED: True})
                stored = held.stored[table.name] = await session.scalar(highest_stored) or 0
            start = max(stored, held.highest.get(table.name, 0)) + 1
            free.extend(range(start, start + ID_BLOCK))
    handed = free.popleft()
    held.highest[table.name] = max(handed, held.highest.get(table.name, 0))
    return handed


def _table(statement: UpdateBase) -> str:
    return str(statement.table.name)  # type: ignore[union-attr]


def _execute(session: Session, writes: list[_Write]) -> None:
    """Each table's writes in one executemany per run of one statement, parents first; a write
    moves up to join its statement's group unless a write in between shares a key with it."""
    tables: dict[str, list[_Group]] = {}
    for write in writes:
        groups = tables.setdefault(_table(write.statement), [])
        for group in reversed(groups):
            if group.statement is write.statement:
                group.rows.append(write.params)
                group.keys |= write.keys
                break
            if group.keys & write.keys:
                groups.append(_Group(write.statement, [write.params], set(write.keys)))
                break
        else:
            groups.append(_Group(write.statement, [write.params], set(write.keys)))
    connection = session.connection()
    for name in sorted(tables, key=lambda t: _ORDER.get(t, len(_ORDER))):
        for group in tables[name]:
            connection.execute(group.statement, group.rows)


def _tables_of(statement: Executable) -> set[str]:
    return {str(e.name) for e in visitors.iterate(cast(ClauseElement, statement)) if isinstance(e, Table)}


class FlockSession(Session):
    """The sessions Flock makes: they send held writes before any statement that needs them."""


@event.listens_for(FlockSession, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    held = of(state.session)
    if held is None or held.sending:
        return
    tables = _tables_of(state.statement)
    if state.is_select:
        if tables & held.tables and not state.execution_options.get(UNAFFECTED):
            held.send(state.session)
        if tables & held.sent:  # rows loaded before held writes changed them are loaded again
            state.update_execution_options(populate_existing=True)
    else:
        keeps_reads = bool(state.execution_options.get(KEEPS_READS))
        held.before_direct_write(state.session, tables, state.is_insert, keeps_reads)


@event.listens_for(FlockSession, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    held = of(session)
    if held is None or held.sending:
        return
    tables = {str(obj.__table__.name) for obj in [*session.new, *session.dirty, *session.deleted]}
    held.before_direct_write(session, tables, inserts=bool(session.new))


# Read once per batch -------------------------------------------------------------------------


# What a batch reads once, built once: the lists are bound as they are (expanding IN), so each
# statement compiles the first time only, and every one of them reads by an index.
_STARTED = select(PersonRow.id, PersonRow.started_at).where(
    PersonRow.id.in_(bindparam("people", expanding=True))
)
_ATTACHED = (  # with each course's facilitators, a row per facilitator
    select(AttachmentRow, CourseRow, FacilitatorRow.person_id)
    .join(CourseRow, CourseRow.id == AttachmentRow.course_id)
    .outerjoin(FacilitatorRow, FacilitatorRow.course_id == AttachmentRow.course_id)
    .where(AttachmentRow.chat_id.in_(bindparam("chats", expanding=True)), AttachmentRow.active)
    .order_by(AttachmentRow.attached_at, AttachmentRow.course_id)
)
_NUMBERED = ("questions", "answers", "introductions")  # the tables the batch numbers rows of
_HIGHEST = select(
    *(select(func.max(Base.metadata.tables[name].c.id)).scalar_subquery() for name in _NUMBERED)
)
# Messages (chat, message) by each column's IN list: indexed, one statement compiled; the exact
# pairs are picked from what it finds.
_Located = tuple[ColumnElement[int], ColumnElement[int]]


def _at(columns: _Located) -> ColumnElement[bool]:
    chat, message = columns
    return chat.in_(bindparam("chats", expanding=True)) & message.in_(bindparam("messages", expanding=True))


def _located(messages: set[tuple[int, int]]) -> dict[str, Any]:
    return {"chats": list({chat for chat, _ in messages}), "messages": list({m for _, m in messages})}


# The questions asked at, or answered by, the messages, with the asker and whether alerts about
# the question are open: the columns a Question is made of, and no more.
_q, _a, _p = table_of(QuestionRow), table_of(AnswerRow), table_of(PersonRow)
_alerted = select(AlertRow.id).where(AlertRow.question_id == _q.c.id, AlertRow.outcome.is_(None)).exists()
_COLUMNS = (
    *(
        _q.c[name]
        for name in (
            "id",
            "course_id",
            "chat_id",
            "message_id",
            "thread_id",
            "asker_id",
            "text",
            "state",
            "asked_at",
            "first_answered_at",
            "resolved_at",
            "followup_sent_at",
        )
    ),
    _p.c.name.label("asker_name"),
    _p.c.username.label("asker_username"),
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


_intro = table_of(IntroductionRow)
_INTRODUCTIONS_AT = select(_intro.c.chat_id, _intro.c.message_id).where(
    _at((_intro.c.chat_id, _intro.c.message_id))
)


async def prefetch(
    session: AsyncSession,
    chats: set[int],
    replies: set[tuple[int, int]],
    senders: set[int],
    edited: set[tuple[int, int]],
) -> None:
    """Reads, for the whole batch: the chats' attachments and their courses' facilitators,
    whether the senders opened a private chat with the bot, the threads of the messages replied
    to and edited, and which edited messages are introductions."""
    held = of(session)
    if held is None:
        return
    held.started = {person: False for person in senders}
    if senders:
        found_people = await session.execute(_STARTED, {"people": list(senders)})
        held.started.update({person: at is not None for person, at in found_people})
    held.attachments, held.facilitators, held.facilitated = {chat: [] for chat in chats}, set(), set()
    if chats:
        seen: set[tuple[int, int]] = set()
        for attachment, course, facilitator in await session.execute(_ATTACHED, {"chats": list(chats)}):
            if (attachment.chat_id, course.id) not in seen:
                seen.add((attachment.chat_id, course.id))
                held.attachments[attachment.chat_id].append(
                    Attachment(mapping.course(course), attachment.chat_id, Scope(attachment.scope))
                )
            held.facilitated.add(course.id)
            if facilitator is not None:
                held.facilitators.add((course.id, facilitator))
    if dialect_of(session) == "sqlite":  # read now, not one statement per table later
        highest = (await session.execute(_HIGHEST)).one()
        held.stored = {name: value or 0 for name, value in zip(_NUMBERED, highest, strict=True)}
    held.introduced, held.edits_known = set(), set(edited)
    if edited:
        intros = await session.execute(_INTRODUCTIONS_AT, _located(edited))
        held.introduced = edited & {(row.chat_id, row.message_id) for row in intros}
    replies = replies | edited
    held.threads = {pair: [] for pair in replies}
    held.questions, held.followed_up = {}, {}
    if not replies:
        return
    at = _located(replies)
    held.alerted = set()
    for row in await session.execute(_THREADS_AT, at):
        if (row.at_chat, row.at_message) not in replies:
            continue
        if row.id not in held.questions:
            question = mapping.question(cast(QuestionRow, row), None)  # a row of the same columns
            if row.asker_known:
                question = replace(question, asker=Person(row.asker_id, row.asker_name, row.asker_username))
            held.questions[row.id] = question
            held.followed_up[row.id] = row.followup_sent_at is not None
            held.started[row.asker_id] = row.asker_started_at is not None
            if row.alerted:
                held.alerted.add(row.id)
        thread = held.threads[(row.at_chat, row.at_message)]
        if row.id not in thread:
            thread.append(row.id)
    for ids in held.threads.values():
        ids.sort()
    held.alerts_known = set(held.questions)
