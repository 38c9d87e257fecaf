"""Which chat a raw update belongs to, read from the JSON before it is parsed."""

from __future__ import annotations

from typing import Any

# Every kind in ALLOWED_UPDATES carries its chat in one of these places.
_CHAT_PATHS = (
    ("message", "chat"),
    ("edited_message", "chat"),
    ("callback_query", "message", "chat"),
    ("my_chat_member", "chat"),
    ("chat_member", "chat"),
    ("message_reaction", "chat"),
    ("callback_query", "from"),  # a button on an inline message: the presser's own thread of events
)


def chat_of(update: dict[str, Any]) -> int | None:
    for path in _CHAT_PATHS:
        node: Any = update
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("id"), int):
            return int(node["id"])
    return None


def replied_to(update: dict[str, Any]) -> tuple[int, int] | None:
    """(chat id, message id) of the message a message or its edit replies to."""
    for kind in ("message", "edited_message"):
        message = update.get(kind)
        if not isinstance(message, dict):
            continue
        chat, original = message.get("chat"), message.get("reply_to_message")
        if isinstance(chat, dict) and isinstance(original, dict):
            chat_id, message_id = chat.get("id"), original.get("message_id")
            if isinstance(chat_id, int) and isinstance(message_id, int):
                return chat_id, message_id
    return None


def sender_of(update: dict[str, Any]) -> int | None:
    """Who sent a message or its edit."""
    for kind in ("message", "edited_message"):
        message = update.get(kind)
        sender = message.get("from") if isinstance(message, dict) else None
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None


def edited_message_of(update: dict[str, Any]) -> tuple[int, int] | None:
    """(chat id, message id) of the message an edit changes."""
    message = update.get("edited_message")
    chat = message.get("chat") if isinstance(message, dict) else None
    if isinstance(message, dict) and isinstance(chat, dict):
        chat_id, message_id = chat.get("id"), message.get("message_id")
        if isinstance(chat_id, int) and isinstance(message_id, int):
            return chat_id, message_id
    return None
