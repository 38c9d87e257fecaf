"""What each kind of outbox row becomes in Telegram: one renderer per NoticeKind, in one table.

A renderer only says what to send; OutboxSender fits the text to Telegram's limits and sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.constants import ReactionEmoji

from bot import (
    render_alerts,
    render_announcements,
    render_digest,
    render_discussions,
    render_following,
    render_helpers,
    render_highlights,
    render_offers,
    render_sessions,
    render_stats,
    render_stories,
    texts,
)
from facilitation import stats_data
from facilitation.acks import Ack
from facilitation.digest_content import Digest
from facilitation.highlights import Highlights
from facilitation.notices import NoticeKind


@dataclass(frozen=True)
class Sending:
    """What a renderer may use besides the row's data."""

    now: datetime
    bot_username: str
    thread_id: int | None  # the topic the notice was queued for; kinds that post there pass it on


@dataclass(frozen=True)
class Message:
    text: str
    keyboard: InlineKeyboardMarkup | None = None
    thread_id: int | None = None
    reply_to: int | None = None  # sent all the same if that message is gone
    keep_id: bool = False  # the message is found again by its id: recorded with the row


@dataclass(frozen=True)
class Edit:
    message_id: int
    text: str
    keyboard: InlineKeyboardMarkup | None = None
    unchanged_is_done: bool = False  # Telegram's "message is not modified" counts as delivered


@dataclass(frozen=True)
class Reaction:
    message_id: int
    emoji: ReactionEmoji | None  # None takes Flock's reaction back


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str
    caption: str
    thread_id: int | None = None


@dataclass(frozen=True)
class Photo:
    draw: Callable[[], bytes]  # CPU-bound: the sender runs it off the event loop
    filename: str
    caption: str
    thread_id: int | None = None


@dataclass(frozen=True)
class Post:
    """A facilitator's announcement as they wrote it (HTML), a photo or a document by Telegram's
    file id, pinned if asked."""

    kind: str  # text, photo, document
    html: str
    file_id: str | None = None
    pin: bool = False
    thread_id: int | None = None


@dataclass(frozen=True)
class Delete:
    """A message of Flock's taken down (Telegram allows it for 48 hours)."""

    message_id: int


Outgoing = Message | Edit | Reaction | Document | Photo | Post | Delete
Renderer = Callable[[dict[str, Any], Sending], Outgoing]

REACTIONS = {
    Ack.QUESTION: ReactionEmoji.EYES,
    Ack.INTRODUCTION: ReactionEmoji.HUGGING_FACE,
    Ack.RESOLVED: ReactionEmoji.PARTY_POPPER,
    # Not a like: the likes people give answers are what a recap will count.
    Ack.ANSWER: ReactionEmoji.WRITING_HAND,
    Ack.STORY: ReactionEmoji.PARTY_POPPER,
    Ack.NONE: None,
}


def _alert(data: dict[str, Any], at: Sending) -> Message:
    text = render_alerts.alert_text(data, at.now)
    keyboard = render_alerts.alert_keyboard(data["alert_id"])
    return Message(text, keyboard, thread_id=at.thread_id, keep_id=True)  # edited later


def _guest_answer(data: dict[str, Any], at: Sending) -> Message:
    return Message(
        render_sessions.guest_answer(data), thread_id=at.thread_id, reply_to=data["reply_to"] or None
    )


def _transcript(data: dict[str, Any], at: Sending) -> Document:
    return Document(
        data["markdown"].encode("utf-8"),
        f"session-{data['session_id']}.md",
        render_sessions.transcript_caption(data),
        thread_id=at.thread_id,
    )


def _greeting(data: dict[str, Any], at: Sending) -> Message:
    names = [name for _, name in data["people"]]
    return Message(texts.greeting(names, data.get("courses", [])), thread_id=at.thread_id)


def _weekly_chart(data: dict[str, Any], at: Sending) -> Photo:
    from bot import stats_chart  # matplotlib is heavy: loaded on the first chart, not at start

    stats = stats_data.from_data(data)
    return Photo(
        partial(stats_chart.render, stats),
        f"{stats.course.hashtag}-week.png",
        render_stats.chart_caption(stats),
        thread_id=at.thread_id,
    )


def _in_thread(render: Callable[[dict[str, Any]], str]) -> Renderer:
    """A plain message, in the topic the notice was queued for."""
    return lambda data, at: Message(render(data), thread_id=at.thread_id)


def _catch_up_file(data: dict[str, Any], at: Sending) -> Document:
    return Document(
        render_following.catch_up_file(data),
        render_following.file_name(data),
        render_following.file_caption(data),
        thread_id=at.thread_id,
    )


def _showcase_post(data: dict[str, Any], at: Sending) -> Message | Post:
    """A story in the showcase: its photo or document with the text as caption, else the text."""
    text = render_stories.showcase_post(data)
    media = data.get("media")
    if media:
        return Post(media[0], text, media[1])  # its id is kept, as every Post's
    return Message(text, keep_id=True)


RENDERERS: dict[NoticeKind, Renderer] = {
    NoticeKind.ALERT: _alert,
    NoticeKind.ALERT_EDIT: lambda data, at: Edit(
        data["message_id_to_edit"],
        render_alerts.edited_alert_text(data, at.now),
        render_alerts.alert_keyboard(data["alert_id"]) if data["status"] == "helping" else None,
        unchanged_is_done=True,
    ),
    NoticeKind.ALERT_BATCH: lambda data, at: Message(
        render_alerts.batch_text(data, at.now), thread_id=at.thread_id
    ),
    NoticeKind.NUDGE: lambda data, at: Message(
        render_alerts.nudge_text(data, at.bot_username), thread_id=at.thread_id
    ),
    NoticeKind.FOLLOWUP: lambda data, _: Message(
        render_alerts.followup_text(data), render_alerts.followup_keyboard(data["question_id"])
    ),
    NoticeKind.OFFER: lambda data, at: Message(
        render_offers.offer_text(data, private="reply_to" not in data),
        render_offers.offer_keyboard(data["question_id"]),
        thread_id=at.thread_id,
        reply_to=data.get("reply_to"),
    ),
    NoticeKind.DUPLICATE: lambda data, at: Message(
        render_offers.duplicate_text(data), thread_id=at.thread_id, reply_to=data["reply_to"]
    ),
    NoticeKind.HELPER_INVITE: lambda data, _: Message(
        render_helpers.invite(data), render_helpers.invite_keyboard(data["course_id"])
    ),
    NoticeKind.HELPER_ASK: lambda data, _: Message(
        render_helpers.ask(data), render_helpers.ask_keyboard(data["question_id"])
    ),
    NoticeKind.REACTION: lambda data, _: Reaction(data["message_id"], REACTIONS[Ack(data["ack"])]),
    NoticeKind.GREETING: _greeting,
    NoticeKind.DIGEST: lambda data, at: Message(
        render_digest.digest(Digest.from_data(data)), thread_id=at.thread_id
    ),
    NoticeKind.WEEKLY_CHART: _weekly_chart,
    NoticeKind.HIGHLIGHTS: lambda data, at: Message(
        render_highlights.highlights(Highlights.from_data(data)), thread_id=at.thread_id
    ),
    # Also the chat's question board: its id is kept to edit it.
    NoticeKind.SESSION_ANNOUNCED: lambda data, at: Message(
        render_sessions.board(data, at.bot_username), thread_id=at.thread_id, keep_id=True
    ),
    NoticeKind.SESSION_CANCELLED: _in_thread(render_sessions.cancelled),
    NoticeKind.SESSION_MOVED: _in_thread(render_sessions.moved),
    NoticeKind.SESSION_REMINDER: _in_thread(render_sessions.reminder),
    NoticeKind.GUEST_NOT_READY: _in_thread(render_sessions.guest_not_ready),
    NoticeKind.BOARD_EDIT: lambda data, at: Edit(
        data["message_id_to_edit"],
        render_sessions.board(data, at.bot_username),
        render_sessions.board_keyboard(data),
    ),
    # The guest answers by replying to it: its id is kept.
    NoticeKind.GUEST_QUESTION: lambda data, _: Message(render_sessions.guest_question(data), keep_id=True),
    NoticeKind.GUEST_QUESTION_EDIT: lambda data, _: Edit(
        data["message_id_to_edit"], render_sessions.guest_question(data), unchanged_is_done=True
    ),
    NoticeKind.GUEST_ANSWER: _guest_answer,
    NoticeKind.GUEST_ANSWER_PRIVATE: _in_thread(render_sessions.guest_answer_private),
    # A late answer marks its question on it: its id is kept.
    NoticeKind.SESSION_LEFTOVERS: lambda data, at: Message(
        render_sessions.leftovers(data), thread_id=at.thread_id, keep_id=True
    ),
    NoticeKind.LEFTOVERS_EDIT: lambda data, _: Edit(
        data["message_id_to_edit"], render_sessions.leftovers(data), unchanged_is_done=True
    ),
    NoticeKind.GUEST_THANKS: _in_thread(render_sessions.guest_thanks),
    NoticeKind.TRANSCRIPT: _transcript,
    NoticeKind.ANNOUNCEMENT: lambda data, at: Post(
        data["kind"], data["html"], data["file_id"], data["pin"], thread_id=at.thread_id
    ),
    NoticeKind.ANNOUNCEMENT_SKIPPED: _in_thread(render_announcements.skipped),
    NoticeKind.ANNOUNCEMENT_NOT_PINNED: _in_thread(render_announcements.not_pinned),
    NoticeKind.DISCUSSION_REMINDER: _in_thread(render_discussions.reminder),
    NoticeKind.DISCUSSION_OPENING: _in_thread(render_discussions.opening),
    NoticeKind.DISCUSSION_SKIPPED: _in_thread(render_discussions.skipped),
    # Answers reply to it: its id is kept (the row's subject names the prompt).
    NoticeKind.DISCUSSION_PROMPT: lambda data, at: Message(
        render_discussions.prompt(data), thread_id=at.thread_id, keep_id=True
    ),
    NoticeKind.DISCUSSION_RECAP: _in_thread(render_discussions.recap),
    NoticeKind.DISCUSSION_TRANSCRIPT: lambda data, at: Document(
        data["markdown"].encode("utf-8"),
        render_discussions.transcript_name(data["discussion_id"]),
        render_discussions.transcript_caption(data),
        thread_id=at.thread_id,
    ),
    NoticeKind.CATCH_UP: _in_thread(render_following.catch_up),
    NoticeKind.CATCH_UP_FILE: _catch_up_file,
    NoticeKind.STORY_ASK: lambda data, _: Message(
        render_stories.ask(data), render_stories.ask_keyboard(data)
    ),
    # Its id is kept: /stories links to it, and forgetting its author deletes it.
    NoticeKind.SHOWCASE_POST: _showcase_post,
    NoticeKind.SHOWCASE_DELETE: lambda data, _: Delete(data["message_id"]),
    NoticeKind.SHOWCASE_UNDELETABLE: lambda data, _: Message(render_stories.undeletable(data)),
}


def renderer_for(kind: str) -> Renderer:
    """The renderer of a row's stored kind. A kind this version does not know (a newer one queued
    it) raises ValueError, which fails that row alone as unrenderable."""
    try:
        return RENDERERS[NoticeKind(kind)]
    except ValueError:
        raise ValueError(f"no renderer for outbox kind {kind!r}") from None
