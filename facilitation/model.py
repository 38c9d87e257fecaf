"""Entities and value objects of the domain, as frozen dataclasses."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Scope(enum.StrEnum):
    ALL = "all"  # a dedicated course group: every message belongs to the course
    TAGGED = "tagged"  # a shared group: only messages carrying the course hashtag


class Detection(enum.StrEnum):
    AUTO = "auto"
    TAGGED = "tagged"


class QuestionState(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


UNRESOLVED = (QuestionState.OPEN, QuestionState.ANSWERED)
SETTLED = (QuestionState.ANSWERED, QuestionState.RESOLVED)  # what an earlier answer is offered from


@dataclass(frozen=True)
class Listed(Generic[T]):
    """The first items of a list, and how many it had."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    username: str | None = None
    # Their Telegram app's language, when Flock speaks it (an update says; stored rows don't).
    language: str | None = field(default=None, compare=False)

    @property
    def handle(self) -> str:
        return f"@{self.username}" if self.username else self.name


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # spans midnight


@dataclass(frozen=True)
class CourseSettings:
    sla: timedelta = timedelta(hours=2)
    timezone: str = "UTC"
    quiet: QuietHours | None = None
    digest_at: time | None = time(8, 0)  # None: no daily digest (/digest still answers)
    detect: Detection = Detection.AUTO
    retention: timedelta | None = None  # message texts older than this are purged; None: kept
    language: str = "en"  # what its groups and whole-course messages are written in
    starts_on: date | None = None  # day 1, for times like "week 3 mon 09:00"
    nudge: timedelta | None = None  # how long a question waits before peer helpers are asked;
    # None: half the SLA; zero: never (`nudge off`)
    highlights: bool = True  # the week's highlights on Mondays, with the digest (`highlights off`)

    @property
    def helper_wait(self) -> timedelta | None:
        """How long an unanswered question waits before helpers are asked; None: they never are."""
        if self.nudge is None:
            return self.sla / 2
        return self.nudge or None

    def helpers_due(self, asked_at: datetime) -> datetime | None:
        """When a question asked then is pointed at peer helpers if still unanswered; None: never."""
        wait = self.helper_wait
        return asked_at + wait if wait is not None else None


@dataclass(frozen=True)
class Course:
    id: int
    hashtag: str  # lower case, without '#'
    title: str
    settings: CourseSettings = field(default_factory=CourseSettings)

    @property
    def tag(self) -> str:
        return f"#{self.hashtag}"


@dataclass(frozen=True)
class Chat:
    id: int
    title: str
    kind: str = "supergroup"  # Telegram's chat type
    is_forum: bool = False
    username: str | None = None  # public chats: their messages are linked by it


@dataclass(frozen=True)
class Attachment:
    course: Course
    chat_id: int
    scope: Scope


@dataclass(frozen=True)
class MessageRef:
    chat_id: int
    message_id: int
    thread_id: int | None = None  # forum topic


@dataclass(frozen=True)
class Introduction:
    id: int
    course_id: int
    person: Person
    text: str
    posted_at: datetime
    ref: MessageRef | None


@dataclass(frozen=True)
class Question:
    id: int
    course_id: int
    asker: Person
    text: str
    state: QuestionState
    asked_at: datetime
    ref: MessageRef
    first_answered_at: datetime | None = None
    resolved_at: datetime | None = None
    needs_follow_up: bool = False  # the asker said the answers did not help

    @property
    def is_unresolved(self) -> bool:
        return self.state in UNRESOLVED


@dataclass(frozen=True)
class Found:
    """A question the search index found, with its best answer's text."""

    question: Question
    answer: str | None
    rank: float  # higher is closer, compared only within one search; 0 for a match's candidates


@dataclass(frozen=True)
class Candidate:
    """An earlier question a match may offer: its id and its text, to be judged."""

    question_id: int
    text: str


@dataclass(frozen=True)
class Answer:
    id: int
    question_id: int
    answerer: Person
    text: str
    answered_at: datetime
    ref: MessageRef
    by_facilitator: bool


@dataclass(frozen=True)
class RosterEntry:
    person: Person
    introduction: str | None
    posts: int
    last_seen: datetime


@dataclass(frozen=True)
class Footprint:
    """What Flock holds of one person's words: what forgetting them removes (or removed)."""

    introductions: int = 0
    questions: int = 0
    answers: int = 0
    guest_questions: int = 0  # asked of a guest in a guest session
    guest_answers: int = 0  # given as the guest of a session
    stories: int = 0  # #story or #win posts (facilitation/stories.py)

    @property
    def empty(self) -> bool:
        counts = (self.introductions, self.questions, self.answers, self.guest_questions, self.guest_answers)
        return not any(counts) and not self.stories


@dataclass(frozen=True)
class Alert:
    """One overdue period of a question, as facilitators see it."""

    id: int
    course: Course
    question: Question
    claimed_by: Person | None = None
    outcome: str | None = None  # answered, resolved, duplicate, dismissed: nothing left to act on
    period: int = 1  # 2 and on: a reminder, the question was alerted before


@dataclass(frozen=True)
class Recipients:
    """Where a course's facilitator material goes."""

    alerts_chat_id: int | None
    started: list[Person]  # facilitators who opened a private chat with the bot
    to_nudge: list[Person]  # never started it and not yet told to
    alerts_thread_id: int | None = None  # the forum topic of the alerts chat /alerts_here was run in

    @property
    def destinations(self) -> list[tuple[int, int | None]]:
        """(chat, topic) pairs to send to: the alerts chat, or each facilitator privately."""
        if self.alerts_chat_id:
            return [(self.alerts_chat_id, self.alerts_thread_id)]
        return [(p.id, None) for p in self.started]


class Phase(enum.StrEnum):
    COLLECTING = "collecting"  # from scheduling until the start: questions and votes come in
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class GuestSession:
    id: int
    course: Course
    title: str
    guest_username: str
    guest_id: int | None
    invite_token: str
    starts_at: datetime
    ends_at: datetime
    phase: Phase
    opened_at: datetime | None = None
    ended_at: datetime | None = None  # answers after it are late

    @property
    def is_upcoming_or_live(self) -> bool:
        return self.phase in (Phase.COLLECTING, Phase.LIVE)


@dataclass(frozen=True)
class BoardItem:
    """A guest-session question as the question board shows it."""

    question_id: int
    number: int
    text: str
    votes: int
    asker: str | None  # None when asked anonymously
    asked_at: datetime


@dataclass(frozen=True)
class SessionQuestion:
    """A question for a guest, as the live session handles it."""

    id: int
    session_id: int
    number: int
    text: str
    asker: str | None  # None when anonymous
    ref: MessageRef | None  # where it was asked; None when asked privately
    state: str  # queued, sent, answered, skipped
    answer: str | None = None
    answered_at: datetime | None = None
    asked_by: str = ""  # the name even when anonymous: facilitators may see it


@dataclass(frozen=True)
class AnnouncementContent:
    """What a facilitator wrote, kept whole: HTML text (a caption for a photo or a document) and the
    Telegram file it goes with."""

    kind: str  # text, photo, document
    html: str
    file_id: str | None = None


@dataclass(frozen=True)
class Announcement:
    id: int
    course: Course
    content: AnnouncementContent
    next_at: datetime | None  # None once posted for the last time, or cancelled
    local_time: time  # the course-time clock time it keeps across clock changes
    every_days: int | None  # None: once
    pin: bool
    chat_id: int | None  # `here`: this chat only; None: every attached chat
    thread_id: int | None
    chats: tuple[tuple[int, str], ...]  # the chats it was meant for when scheduled (id, title)
    warned: frozenset[str] = frozenset()  # what the facilitators were told about already


class RoundState(enum.StrEnum):
    """One occurrence of a scheduled discussion."""

    SCHEDULED = "scheduled"  # not started; its prompts may still be replaced
    LIVE = "live"  # the opening is posted; prompts go out one gap apart
    ENDED = "ended"  # the last prompt plus one gap has passed
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Discussion:
    """A scheduled discussion (a series when it has a rhythm): /discussion."""

    id: int
    course: Course
    title: str
    gap: timedelta
    every: timedelta | None  # 1, 7 or 14 days, kept in course time; None: once
    prompts: tuple[str, ...]  # the prompts each new occurrence starts with
    chat_id: int | None = None  # where it was scheduled (a group), for its forum topic
    thread_id: int | None = None
    cancelled: bool = False
    chats: tuple[tuple[int, str], ...] = ()  # (id, title) of every chat it was meant for
    warned: frozenset[str] = frozenset()  # the gone chats the facilitators were told about


@dataclass(frozen=True)
class Prompt:
    id: int
    number: int  # Q1, Q2…
    text: str


@dataclass(frozen=True)
class Round:
    """One occurrence: its start, its own prompts, how far it has run (`step`)."""

    id: int
    discussion: Discussion
    slot_at: datetime  # where the series' rhythm puts it (moving one leaves the rhythm as it is)
    starts_at: datetime
    prompts: tuple[Prompt, ...]
    state: RoundState
    step: int  # 0: nothing done; 1: reminded; 2: opened with Q1; k+1: Qk posted; n+2: ended

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + self.discussion.gap * len(self.prompts)


@dataclass(frozen=True)
class PromptAt:
    """A prompt as an answer finds it: by the message it was posted as, or by its number."""

    prompt_id: int
    number: int
    round_id: int
    course_id: int


@dataclass(frozen=True)
class AnswerAt:
    """A discussion's answer as a reply or a reaction to its message finds it."""

    answer_id: int
    author_id: int
    course_id: int
    round_id: int


@dataclass(frozen=True)
class Reply:
    """A reply to a discussion's answer."""

    author: Person
    text: str
    at: datetime


@dataclass(frozen=True)
class GivenAnswer:
    """An answer as the recap and the transcript read it: where it is, who wrote it, and what it
    drew (reactions, where Flock could see them, and replies)."""

    id: int
    prompt_number: int
    ref: MessageRef
    author: Person
    text: str
    at: datetime
    reactions: int
    replies: tuple[Reply, ...]

    @property
    def replies_by_others(self) -> int:
        return sum(1 for r in self.replies if r.author.id != self.author.id)


@dataclass(frozen=True)
class RoundRecord:
    """Everything an ended occurrence's recap is made from, read once."""

    answers: list[GivenAnswer]  # in the order given
    first_posted: dict[int, datetime]  # participant: their first post in the course
    reactions_seen: dict[int, bool]  # attached chat: whether Flock sees its reactions (is admin)


@dataclass(frozen=True)
class Recapped:
    """An ended occurrence's figures, for the facilitators' digest."""

    discussion_id: int
    title: str
    participants: int
    answers: int
    first_voices: int


@dataclass(frozen=True)
class Share:
    """A chat whose admin let posts carrying `hashtag` be followed from other chats."""

    chat: Chat
    hashtag: str  # lower case, without '#'
    shared_by: int | None  # None: a channel's own post
    shared_at: datetime


class SharedPost(NamedTuple):
    """A post carrying a shared hashtag, as collected for the catch-ups. A named tuple, flat, not
    a dataclass of dataclasses: a catch-up reads thousands at once, and each costs a fifth."""

    hashtag: str
    chat_id: int
    chat_title: str
    chat_username: str | None  # public chats: linked by it
    message_id: int
    thread_id: int | None
    author_id: int
    author_name: str
    text: str
    links: tuple[str, ...]
    posted_at: datetime
    reactions: int = 0
    replies: int = 0

    @property
    def weight(self) -> int:
        return self.reactions + self.replies


@dataclass(frozen=True)
class Follow:
    """A hashtag followed into a course group (`course_id`) or by one person in private
    (`person_id`): one catch-up a day at `at` in `timezone`, of what was collected after `since`."""

    id: int
    hashtag: str
    chat_id: int
    thread_id: int | None
    course_id: int | None
    person_id: int | None
    at: time
    timezone: str
    since: datetime
    next_at: datetime


@dataclass(frozen=True)
class Helper:
    """A learner's answer to "may I point questions your way?" in one course."""

    course: Course
    choice: str  # asked (no answer yet), on, off
    topics: str | None = None


@dataclass(frozen=True)
class HelperProfile:
    """What an opted-in helper's match with a question is judged on."""

    person: Person
    introduction: str | None
    topics: str | None
    answers: list[str]  # their latest answers in the course
    asks_today: int  # asked in the last day, in any course


class Consent(enum.StrEnum):
    """What a story's author said about sharing it beyond the group. Stored: keep the values."""

    ASKED = "asked"  # asked privately, no answer yet
    NAME = "name"  # yes, under their first name
    LEARNER = "learner"  # yes, as "a learner"
    KEPT = "kept"  # keep it in the group
    NOT_STARTED = "not_started"  # Flock can't ask (they never started it): the group only

    @property
    def shared(self) -> bool:
        return self in (Consent.NAME, Consent.LEARNER)


@dataclass(frozen=True)
class Story:
    """A course post tagged #story or #win, kept with its author's consent to share it."""

    id: int
    course_id: int
    ref: MessageRef
    author: Person
    text: str
    posted_at: datetime
    consent: Consent
    showcase_ref: MessageRef | None = None  # its post in the showcase, once sent
    showcase_username: str | None = None  # the showcase's public name, for its link
    showcase_sent_at: datetime | None = None
    media: tuple[str, str] | None = None  # a photo's or document's kind and file id (a caption)


@dataclass(frozen=True)
class Showcase:
    """Where a course's consented stories are posted: a group or a channel."""

    course_id: int
    chat: Chat
    set_by: int
    set_at: datetime
