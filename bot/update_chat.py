"""Which chat a raw update belongs to, read from the JSON before it is parsed."""

from __future__ import annotations

from typing import Any, NamedTuple


class Speaker(NamedTuple):
    id: int
    language_code: str | None  # their Telegram app's


_SPEAKER_PATHS = (("message", "from"), ("edited_message", "from"), ("callback_query", "from"))

# Every kind in ALLOWED_UPDATES carries its chat in one of these places.
_CHAT_PATHS = (
    ("message", "chat"),
    ("edited_message", "chat"),
    ("callback_query", "message", "chat"),
    ("my_chat_member", "chat"),
    ("chat_member", "chat"),
    ("message_reaction", "chat"),
    ("message_reaction_count", "chat"),
    ("channel_post", "chat"),
    ("edited_channel_post", "chat"),
    ("callback_query", "from"),  # a button on an inline message: the presser's own thread of events
)


def chat_of(update: dict[str, Any]) -> int | None:
    for path in _CHAT_PATHS:
        chat = _int_at(update, (*path, "id"))
        if chat is not None:
            return chat
    return None


def replied_to(update: dict[str, Any]) -> tuple[int, int] | None:
    """(chat id, message id) of the message a message or its edit replies to."""
    for kind in ("message", "edited_message"):
        found = _pair(update, (kind, "chat", "id"), (kind, "reply_to_message", "message_id"))
        if found is not None:
            return found
    return None


def replied_to_bot(update: dict[str, Any]) -> tuple[int, int] | None:
    """replied_to, when the message replied to is a bot's (a discussion's prompt is Flock's)."""
    found = replied_to(update)
    if found is None:
        return None
    for kind in ("message", "edited_message"):
        replied = update.get(kind, {}).get("reply_to_message") if isinstance(update.get(kind), dict) else None
        if isinstance(replied, dict):
            author = replied.get("from")
            return found if isinstance(author, dict) and author.get("is_bot") is True else None
    return None


def speaker_of(update: dict[str, Any]) -> Speaker | None:
    """Who sent a message or its edit, or pressed a button; with their app's language."""
    for path in _SPEAKER_PATHS:
        person = _int_at(update, (*path, "id"))
        if person is not None:
            code = update[path[0]][path[1]].get("language_code")
            return Speaker(person, code if isinstance(code, str) else None)
    return None


def reacted_to(update: dict[str, Any]) -> tuple[int, int] | None:
    """(chat id, message id) of the message whose reactions changed."""
    for kind in ("message_reaction", "message_reaction_count"):
        found = _pair(update, (kind, "chat", "id"), (kind, "message_id"))
        if found is not None:
            return found
    return None


def edited_message_of(update: dict[str, Any]) -> tuple[int, int] | None:
    """(chat id, message id) of the message an edit changes."""
    return _pair(update, ("edited_message", "chat", "id"), ("edited_message", "message_id"))


def _pair(update: dict[str, Any], first: tuple[str, ...], second: tuple[str, ...]) -> tuple[int, int] | None:
    a, b = _int_at(update, first), _int_at(update, second)
    return (a, b) if a is not None and b is not None else None


def _int_at(update: dict[str, Any], path: tuple[str, ...]) -> int | None:
    node: Any = update
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, int) and not isinstance(node, bool) else None


def sourcing(update: dict[str, Any]) -> int | None:
    """The chat of an update that may be collected for a followed hashtag, or change a collected
    post: a message or channel post with a hashtag or replying, an edit, or a reaction."""
    for kind in ("edited_message", "edited_channel_post"):
        edit = _int_at(update, (kind, "chat", "id"))
        if edit is not None:
            return edit
    for kind in ("message", "channel_post"):
        message = update.get(kind)
        if isinstance(message, dict):
            text = message.get("text") or message.get("caption")
            if (isinstance(text, str) and "#" in text) or "reply_to_message" in message:
                return _int_at(message, ("chat", "id"))
            return None
    for kind in ("message_reaction", "message_reaction_count"):
        if kind in update:
            return _int_at(update, (kind, "chat", "id"))
    return None


def group_post(update: dict[str, Any]) -> tuple[int, str, int] | None:
    """(chat id, text or caption, date) of a new message in a group."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat, text, date = (
        _int_at(message, ("chat", "id")),
        message.get("text") or message.get("caption"),
        message.get("date"),
    )
    if chat is None or chat >= 0 or not isinstance(text, str) or not isinstance(date, int):
        return None
    return chat, text, date
