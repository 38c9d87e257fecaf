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
