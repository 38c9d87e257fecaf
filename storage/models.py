"""Typed SQLAlchemy models. Every change here needs an Alembic migration (tests check)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements sent many rows at a time."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    # Telegram ids need 64 bits; SQLite autoincrements only a plain INTEGER primary key.
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        int: BigInteger().with_variant(Integer(), "sqlite"),
    }


class CourseRow(Base):
    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    hashtag: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    sla_seconds: Mapped[int] = mapped_column(default=7200)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    digest_at: Mapped[str] = mapped_column(String(5), default="08:00")  # kept while the digest is off
    digest_on: Mapped[bool] = mapped_column(default=True)  # False: `digest off`, no daily digest
    detect: Mapped[str] = mapped_column(String(10), default="auto")
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[datetime]
    alerts_chat_id: Mapped[int | None]  # /alerts_here: one chat for alerts and digests
    alerts_thread_id: Mapped[int | None]  # and the forum topic there it was run in
    last_digest_on: Mapped[str | None] = mapped_column(String(10))  # course-local date, ISO
    retention_seconds: Mapped[int | None]  # message texts older than this are purged; None: kept
    purged_through: Mapped[datetime | None]  # texts before this moment are purged already
    next_purge_at: Mapped[datetime | None] = mapped_column(index=True)  # None while retention is off
    starts_on: Mapped[str | None] = mapped_column(String(10))  # the course's day 1, ISO; for "week 3 mon"
    nudge_seconds: Mapped[int | None]  # how long before peer helpers are asked; None: half the SLA; 0: never
    highlights_on: Mapped[bool] = mapped_column(default=True)  # False: `highlights off`, no Monday highlights


class FacilitatorRow(Base):
    __tablename__ = "facilitators"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    added_at: Mapped[datetime]
    nudged_at: Mapped[datetime | None]  # told in the group to start the bot


class AttachmentRow(Base):
    __tablename__ = "attachments"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    chat_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    scope: Mapped[str] = mapped_column(String(10))
    chat_title: Mapped[str] = mapped_column(String(256))
    chat_kind: Mapped[str] = mapped_column(String(16))
    is_forum: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    attached_at: Mapped[datetime]
    # Whether Flock is the chat's admin (Telegram sends reactions only then); None: not known yet.
    bot_admin: Mapped[bool | None]


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(256))
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime]
    language: Mapped[str | None] = mapped_column(String(8))  # /language; None: follow the app
    app_language: Mapped[str | None] = mapped_column(String(8))  # Telegram's, when Flock speaks it


class LearnerRow(Base):
    __tablename__ = "learners"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    posts: Mapped[int] = mapped_column(default=0)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Where the first post was (the week's highlights link new voices to it); None before 0025.
    first_chat_id: Mapped[int | None]
    first_message_id: Mapped[int | None]
    first_thread_id: Mapped[int | None]
    # /forget or /forget_me: still counted, never again one of the week's new voices.
    forgotten_at: Mapped[datetime | None]


class IntroductionRow(Base):
    __tablename__ = "introductions"
    __table_args__ = (
        Index("ix_introductions_current", "course_id", "person_id", "replaced_at"),
        Index("ix_introductions_message", "chat_id", "message_id"),
        Index("ix_introductions_course_posted", "course_id", "posted_at"),
        Index("ix_introductions_posted", "posted_at"),  # the tick: who introduced themselves lately
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    person_id: Mapped[int]
    chat_id: Mapped[int | None]
    message_id: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime]
    replaced_at: Mapped[datetime | None]


class QuestionRow(Base):
    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id", "course_id"),
        Index("ix_questions_chat_state", "chat_id", "state", "asked_at"),
        Index("ix_questions_course_state", "course_id", "state", "asked_at"),
        # The digest: what waits, by state and the asker's "not solved yet"; what was solved since.
        Index("ix_questions_course_follow_up", "course_id", "needs_follow_up", "state", "asked_at"),
        Index("ix_questions_course_resolved", "course_id", "resolved_at"),
        Index("ix_questions_asker", "asker_id", "asked_at"),
        Index("ix_questions_course_asked", "course_id", "asked_at"),  # retention: the oldest first
        # The dashboard's Trends count a course's questions by day from the index alone.
        Index(
            "ix_questions_course_trend",
            "course_id",
            "asked_at",
            "state",
            "first_answered_at",
            "first_by_facilitator",
        ),
        # Learners: each person's questions in a course, counted from the index alone.
        Index("ix_questions_asker_course", "asker_id", "course_id", "state"),
        Index("ix_questions_alert_due", "state", "next_alert_at"),
        Index("ix_questions_helpers_due", "state", "helpers_due_at"),
        # Reminded follow-ups stay "answered" for good: the tick's range must skip them.
        Index("ix_questions_followup_due", "state", "followup_reminded_at", "followup_sent_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    chat_id: Mapped[int]
    message_id: Mapped[int]
    thread_id: Mapped[int | None]
    asker_id: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    asked_at: Mapped[datetime]
    first_answered_at: Mapped[datetime | None]
    # Whether that first answer came from a facilitator, set by the same write (None: unanswered).
    first_by_facilitator: Mapped[bool | None]
    resolved_at: Mapped[datetime | None]
    closed_by: Mapped[int | None]
    next_alert_at: Mapped[datetime | None]  # when it becomes (again) overdue
    alerts_sent: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[int | None]
    claimed_at: Mapped[datetime | None]
    needs_follow_up: Mapped[bool] = mapped_column(default=False)  # the asker said "not yet"
    followup_sent_at: Mapped[datetime | None]  # "Did this answer your question?" asked privately
    followup_reminded_at: Mapped[datetime | None]
    helpers_due_at: Mapped[datetime | None]  # when peer helpers are asked; None: considered, or never


class HelperRow(Base):
    """A learner's answer to "may I point questions your way?" in one course."""

    __tablename__ = "helpers"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    choice: Mapped[str] = mapped_column(String(8))  # asked, on, off
    topics: Mapped[str | None] = mapped_column(Text)
    invited_at: Mapped[datetime]
    changed_at: Mapped[datetime]


class HelperAskRow(Base):
    """One question pointed at one helper: their daily cap, "I'll answer", the digest's line."""

    __tablename__ = "helper_asks"
    __table_args__ = (
        Index("ix_helper_asks_person", "person_id", "asked_at"),
        Index("ix_helper_asks_course", "course_id", "asked_at"),
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    asked_at: Mapped[datetime]
    response: Mapped[str | None] = mapped_column(String(12))  # answering, declined
    responded_at: Mapped[datetime | None]


class OfferRow(Base):
    """An earlier answered question offered to a new one's asker (once), or named by a
    facilitator's /duplicate; outcome: None while unanswered, accepted, declined, duplicate."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_group", "group_chat_id", "offered_at"),  # the hourly cap per group
        Index("ix_offers_course_settled", "course_id", "settled_at"),  # the digest and /stats
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    course_id: Mapped[int]
    earlier_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    group_chat_id: Mapped[int | None]  # offered in this group's thread; None: privately
    offered_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(10))
    settled_at: Mapped[datetime | None]


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (
        Index("ix_answers_message", "chat_id", "message_id"),
        # What is past a course's retention, and a digest window's answers without the history.
        Index("ix_answers_answered_at", "answered_at"),
        Index("ix_answers_answerer_question", "answerer_id", "question_id"),  # Learners' answers given
        # Who gave a question's first answer (the earliest stored at that moment), from the index alone.
        Index("ix_answers_first", "question_id", "answered_at", "id", "by_facilitator"),
        # Learners sorted by answers given: a course's questions' answerers, from the index alone.
        Index("ix_answers_question_answerer", "question_id", "answerer_id"),
        # A course's answers in a window (the week's highlights, a digest's answers): that course's
        # alone; what the highlights count per answer too, so theirs come from the index alone.
        Index(
            "ix_answers_course_answered",
            "course_id",
            "answered_at",
            "question_id",
            "answerer_id",
            "by_facilitator",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    # Its question's course, kept here for the index above; nullable only because SQLite can't
    # alter the column (migration 0029), every insert writes it.
    course_id: Mapped[int | None]
    chat_id: Mapped[int]
    message_id: Mapped[int]
    thread_id: Mapped[int | None]
    answerer_id: Mapped[int] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(Text)
    by_facilitator: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime]
    accepted: Mapped[bool] = mapped_column(default=False)  # the asker said it solved the question


class AlertRow(Base):
    """One overdue period of one question: alerted once, also across restarts."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("question_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    period: Mapped[int]
    created_at: Mapped[datetime]
    claimed_by: Mapped[int | None]
    claimed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))  # answered, resolved, dismissed, withdrawn


class GuestSessionRow(Base):
    """A scheduled Q&A with a guest expert; every phase change is found by the tick."""

    __tablename__ = "guest_sessions"
    __table_args__ = (Index("ix_guest_sessions_phase", "phase", "starts_at"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    guest_username: Mapped[str] = mapped_column(String(64))
    guest_id: Mapped[int | None]  # bound when the guest opens the invite link
    invite_token: Mapped[str] = mapped_column(String(64), unique=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    phase: Mapped[str] = mapped_column(String(12))  # collecting, live, ended, cancelled
    batch_size: Mapped[int] = mapped_column(default=5)
    created_by: Mapped[int]
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    warned_24h_at: Mapped[datetime | None]  # facilitators told the guest hasn't opened the link
    warned_1h_at: Mapped[datetime | None]
    reminded_24h_at: Mapped[datetime | None]  # the guest reminded
    reminded_15m_at: Mapped[datetime | None]
    last_batch_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    transcript: Mapped[str | None] = mapped_column(Text)


class SessionQuestionRow(Base):
    __tablename__ = "session_questions"
    __table_args__ = (
        Index("ix_session_questions_rank", "session_id", "state"),
        # One question per board number. An index rather than a table constraint: SQLite adds it
        # without rebuilding the table (which its foreign keys to these rows forbid).
        Index("ix_session_questions_number", "session_id", "number", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("guest_sessions.id"))
    number: Mapped[int]  # 1, 2, 3… within the session, as shown on the board
    asker_id: Mapped[int]
    anonymous: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(Text)  # for merging near-duplicates
    chat_id: Mapped[int | None]  # where it was asked; None when asked privately
    message_id: Mapped[int | None]
    thread_id: Mapped[int | None]
    asked_at: Mapped[datetime]
    hidden: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(10))  # queued, sent, answered, skipped
    sent_at: Mapped[datetime | None]
    guest_message_id: Mapped[int | None]  # the message the guest replies to
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]


class SessionAskerRow(Base):
    """Everyone who asked a question; a merged duplicate keeps both askers."""

    __tablename__ = "session_askers"
    question_id: Mapped[int] = mapped_column(ForeignKey("session_questions.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True)
    anonymous: Mapped[bool] = mapped_column(default=False)


class SessionVoteRow(Base):
    __tablename__ = "session_votes"
    question_id: Mapped[int] = mapped_column(ForeignKey("session_questions.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True)


class GuestPrivateAskRow(Base):
    """A person who opened a board's "ask privately" link: their next private message, until it
    expires, is their question for the session."""

    __tablename__ = "guest_private_asks"
    person_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    session_id: Mapped[int] = mapped_column(ForeignKey("guest_sessions.id"))
    anonymous: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime]


class GreetingRow(Base):
    __tablename__ = "greetings"
    # The tick asks for greetings not yet sent and for chats greeted lately: both by greeted_at.
    __table_args__ = (Index("ix_greetings_greeted", "greeted_at", "chat_id"),)
    chat_id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True)
    joined_at: Mapped[datetime]
    greeted_at: Mapped[datetime | None]


class ChatMoveRow(Base):
    """A group that became a supergroup: its messages stay under the old id, the rest follows."""

    __tablename__ = "chat_moves"
    old_chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    new_chat_id: Mapped[int] = mapped_column(index=True)
    moved_at: Mapped[datetime]


class InboxRow(Base):
    """Updates as received, kept until processed; see docs/ARCHITECTURE.md, 'Updates in'."""

    __tablename__ = "inbox"
    update_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # The chat an update belongs to: several processes keep each chat's updates in order.
    chat_id: Mapped[int | None]
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None] = mapped_column(index=True)

    __table_args__ = (
        Index(
            "ix_inbox_pending_chat",
            "chat_id",
            "update_id",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
    )


class OutboxRow(Base):
    """Messages owed to chats, written with the change that caused them."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "sent_at", "failed_at", "due_at"),
        Index("ix_outbox_message", "chat_id", "message_id"),  # which sent message is a board
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    thread_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(64), index=True)  # e.g. "alert:12", for edits
    message_id: Mapped[int | None]  # the Telegram message it became


class AnnouncementRow(Base):
    """A facilitator's post, kept whole, to go out at `next_at` (course time, maybe on a rhythm);
    the tick claims those due."""

    __tablename__ = "announcements"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # text, photo, document
    html: Mapped[str] = mapped_column(Text)  # the text, or the caption, as Telegram HTML
    file_id: Mapped[str | None] = mapped_column(String(255))
    pin: Mapped[bool] = mapped_column(default=False)
    chat_id: Mapped[int | None]  # `here`: this chat only; None: every attached chat
    thread_id: Mapped[int | None]  # and the forum topic it was scheduled in
    chats: Mapped[str] = mapped_column(Text)  # JSON [[id, title], …]: the chats meant when scheduled
    next_at: Mapped[datetime | None] = mapped_column(index=True)  # None: done or cancelled
    local_time: Mapped[str] = mapped_column(String(8))  # HH:MM:SS, course time
    every_days: Mapped[int | None]  # None: once
    posted: Mapped[int] = mapped_column(default=0)  # how many times it went out
    last_posted_at: Mapped[datetime | None]
    warned: Mapped[str] = mapped_column(Text, default="[]")  # JSON: problems already told
    created_by: Mapped[int]
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class DiscussionRow(Base):
    """A scheduled discussion (/discussion): the series, and the prompts each occurrence starts with."""

    __tablename__ = "discussions"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    gap_seconds: Mapped[int]
    every_days: Mapped[int | None]  # 1, 7, 14; None: once
    prompts: Mapped[str] = mapped_column(Text)  # JSON list of the series' prompts
    chat_id: Mapped[int | None]  # the group it was scheduled from (its forum topic gets the posts)
    thread_id: Mapped[int | None]
    # JSON [[id, title], …]: every chat it was meant for (attached when scheduled or since)
    chats: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    warned: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON: gone chats told
    created_by: Mapped[int]
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class DiscussionRoundRow(Base):
    """One occurrence; `step` and `due_at` say what the tick does next and when."""

    __tablename__ = "discussion_rounds"
    __table_args__ = (
        Index("ix_discussion_rounds_due", "state", "due_at"),
        Index("ix_discussion_rounds_open", "course_id", "answers_until"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id"), index=True)
    course_id: Mapped[int]
    slot_at: Mapped[datetime]
    starts_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12))  # scheduled, live, ended, cancelled
    step: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime | None]  # the next step's moment; None once ended or cancelled
    answers_until: Mapped[datetime]  # `A<n>` answers are taken until then (the end plus one gap)
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # The recap's figures, kept when it ends (the facilitators' digest reads them).
    participants: Mapped[int | None]
    answer_count: Mapped[int | None]
    first_voices: Mapped[int | None]


class DiscussionPromptRow(Base):
    __tablename__ = "discussion_prompts"
    __table_args__ = (Index("ix_discussion_prompts_number", "round_id", "number", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("discussion_rounds.id"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class DiscussionAnswerRow(Base):
    """An answer to a prompt: a reply to its message or an `A<n>` message. Found by its message,
    so reactions to it can be counted and a recap built."""

    __tablename__ = "discussion_answers"
    __table_args__ = (
        Index("ix_discussion_answers_message", "chat_id", "message_id"),
        Index("ix_discussion_answers_round", "round_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("discussion_prompts.id"), index=True)
    round_id: Mapped[int]
    course_id: Mapped[int]
    chat_id: Mapped[int]
    message_id: Mapped[int]
    thread_id: Mapped[int | None]
    author_id: Mapped[int]
    text: Mapped[str] = mapped_column(Text)  # as first posted: an edit changes nothing
    answered_at: Mapped[datetime]
    # Telegram's total where reactions are anonymous (message_reaction_count), Flock's own aside.
    anonymous_reactions: Mapped[int] = mapped_column(default=0, server_default="0")


class DiscussionReactionRow(Base):
    """One person's reactions to an answer, as their latest message_reaction update left them."""

    __tablename__ = "discussion_reactions"
    answer_id: Mapped[int] = mapped_column(ForeignKey("discussion_answers.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    emojis: Mapped[str] = mapped_column(Text)  # JSON list, each emoji once
    count: Mapped[int]


class DiscussionReplyRow(Base):
    """A reply to an answer: under it in the transcript; someone else's count for the ranking."""

    __tablename__ = "discussion_replies"
    __table_args__ = (Index("ix_discussion_replies_message", "chat_id", "message_id", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    message_id: Mapped[int]
    answer_id: Mapped[int] = mapped_column(ForeignKey("discussion_answers.id"), index=True)
    author_id: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    replied_at: Mapped[datetime]


class ShareRow(Base):
    """A chat's admin let posts carrying a hashtag be followed from other chats (/share #tag)."""

    __tablename__ = "shares"
    __table_args__ = (UniqueConstraint("chat_id", "hashtag"), Index("ix_shares_hashtag", "hashtag"))
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    chat_id: Mapped[int]
    hashtag: Mapped[str] = mapped_column(String(64))  # lower case, without '#'
    chat_title: Mapped[str] = mapped_column(String(256))
    chat_username: Mapped[str | None] = mapped_column(String(64))  # public chats: links by name
    chat_kind: Mapped[str] = mapped_column(String(16))
    shared_by: Mapped[int | None]  # None: a channel's post
    shared_at: Mapped[datetime]


class SharedPostRow(Base):
    """A post carrying a shared hashtag, kept for the catch-ups of those following it."""

    __tablename__ = "shared_posts"
    __table_args__ = (
        Index("ix_shared_posts_message", "chat_id", "message_id"),
        Index("ix_shared_posts_tag_collected", "hashtag", "collected_at"),
        Index("ix_shared_posts_author", "author_id"),
        Index("ix_shared_posts_collected_at", "collected_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    hashtag: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[int]
    message_id: Mapped[int]
    thread_id: Mapped[int | None]
    chat_title: Mapped[str] = mapped_column(String(256))
    chat_username: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[int]
    author_name: Mapped[str] = mapped_column(String(256))
    text: Mapped[str] = mapped_column(Text)
    links: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of the URLs in it
    posted_at: Mapped[datetime]
    collected_at: Mapped[datetime]
    reactions: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)


class UnrelayedRow(Base):
    """Someone who used /forget_me: no post of theirs is collected or relayed again."""

    __tablename__ = "unrelayed"
    person_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    since: Mapped[datetime]


class FollowRow(Base):
    """A hashtag followed from afar: a course group (/follow by a facilitator) or one person in
    private gets a catch-up once a day at `local_time`; the tick claims those due."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("chat_id", "hashtag"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    hashtag: Mapped[str] = mapped_column(String(64))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)  # None: private
    person_id: Mapped[int | None]  # a private follower; None for a course group
    chat_id: Mapped[int]  # where the catch-up goes
    thread_id: Mapped[int | None]
    local_time: Mapped[str] = mapped_column(String(5))  # HH:MM in `timezone`
    timezone: Mapped[str] = mapped_column(String(64))
    since: Mapped[datetime]  # the next catch-up covers posts collected after this
    next_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[int]
    created_at: Mapped[datetime]


class StoryRow(Base):
    """A course post tagged #story or #win, with what its author said about sharing it."""

    __tablename__ = "stories"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        Index("ix_stories_course", "course_id", "posted_at"),
        Index("ix_stories_author", "author_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    chat_id: Mapped[int]
    message_id: Mapped[int]
    thread_id: Mapped[int | None]
    author_id: Mapped[int]
    author_name: Mapped[str] = mapped_column(String(256))
    text: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime]
    consent: Mapped[str] = mapped_column(String(12))  # facilitation.model.Consent
    consent_at: Mapped[datetime | None]
    showcase_chat_id: Mapped[int | None]  # where its post was queued (the outbox row's subject: story:<id>)
    media_kind: Mapped[str | None] = mapped_column(String(10))  # photo, document: the text is its caption
    file_id: Mapped[str | None] = mapped_column(String(256))


class ShowcaseRow(Base):
    """Where a course's consented stories are posted (/showcase_here, /showcase)."""

    __tablename__ = "showcases"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    chat_id: Mapped[int]
    chat_title: Mapped[str] = mapped_column(String(256))
    chat_username: Mapped[str | None] = mapped_column(String(64))
    chat_kind: Mapped[str] = mapped_column(String(16))
    set_by: Mapped[int]
    set_at: Mapped[datetime]
